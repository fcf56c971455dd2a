//! The flags2 async downloader saving through an executor: the twin of
//! `flags2_asyncio_executor.py`. Identical to [`flags2`](crate::flags2) except for one line: the
//! save is submitted to executor-core's [`ThreadPoolExecutor`] and its [`Future`](executor_core::Future)
//! is `.await`ed, as `loop.run_in_executor` hands work to a `concurrent.futures` pool.
//!
//! Run it with `cargo run -p flags-async --bin flags2-async-executor -- -a -m 50`.

use executor_core::{Executor, ThreadPoolExecutor};
use flags_common::download::{DownloadError, FLAGS2_REQUEST_TIMEOUT};
use flags_common::flags2::Flags2Job;
use flags_common::save::{SaveError, save_flag_in};
use flags_common::status::Counter;
use futures::stream::FuturesUnordered;
use tokio::sync::Semaphore;

use crate::flags2::{Attempt, consume, on_one_thread};
use crate::{HttpClient, get_flag, http_client};

// ANCHOR: download_one
/// Downloads one flag under the semaphore, then saves it on the executor's threads.
async fn download_one(
    client: &HttpClient,
    run: &Flags2Job,
    semaphore: &Semaphore,
    executor: &ThreadPoolExecutor,
    cc: &str,
) -> Attempt {
    let permit = semaphore.acquire().await.ok()?;
    let image = match get_flag(client, &run.job.base_url, cc).await {
        Ok(image) => image,
        Err(err) => return Some(Err(err)),
    };
    drop(permit);
    let dest = run.job.dest_dir.clone();
    let filename = format!("{cc}.gif");
    let target = dest.join(&filename);
    let io_failure = |message: String| {
        DownloadError::Save(SaveError::Io {
            path: target.clone(),
            error: std::io::Error::other(message),
        })
    };
    // Changed from flags2: `submit` + `.await` instead of `spawn_blocking`. Awaiting an
    // executor-core future parks this task until a pool thread completes it; the runtime thread
    // meanwhile serves the other downloads.
    let saved = match executor.submit(move || save_flag_in(&dest, &image, &filename)) {
        Ok(future) => match future.await {
            Ok(saved) => saved.map(drop).map_err(DownloadError::from),
            Err(err) => Err(io_failure(err.to_string())),
        },
        Err(err) => Err(io_failure(err.to_string())),
    };
    Some(saved)
}
// ANCHOR_END: download_one

/// Starts every download, consumes them as they complete, counts each outcome (see
/// [`flags2::supervisor`](crate::flags2::supervisor) for the Ctrl-C handling).
pub async fn supervisor(run: &Flags2Job) -> anyhow::Result<Counter> {
    let client = http_client(FLAGS2_REQUEST_TIMEOUT)?;
    let semaphore = Semaphore::new(run.concur_req);
    // The default pool, min(32, cores + 4) threads, as `run_in_executor(None, ...)` uses.
    let executor = ThreadPoolExecutor::default();
    // `async move` blocks below take these references by copy, not the values themselves.
    let (client, semaphore, executor) = (&client, &semaphore, &executor);
    let to_do: FuturesUnordered<_> = run
        .job
        .codes
        .iter()
        .map(|cc| async move {
            let attempt = download_one(client, run, semaphore, executor, cc).await;
            (cc.as_str(), attempt)
        })
        .collect();
    let counter = consume(to_do, run, semaphore, |progress, cc, result| {
        progress.record(cc, &result);
    })
    .await;
    Ok(counter)
}

/// Runs [`supervisor`] on a current-thread runtime, like `asyncio.run`.
pub fn download_many(run: &Flags2Job) -> anyhow::Result<Counter> {
    on_one_thread(supervisor(run))
}
