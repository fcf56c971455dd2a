//! The flags2 async downloader: the twin of `flags2_asyncio.py`. All downloads start at once, a
//! `tokio::sync::Semaphore` lets `-m` of them talk to the server at a time, and the results are
//! consumed as they complete (`FuturesUnordered`, the twin of `asyncio.as_completed`). Saving runs
//! on tokio's blocking pool (`spawn_blocking`, the twin of `asyncio.to_thread`).
//!
//! Run it with `cargo run -p flags-async --bin flags2-async -- -e -m 100`.

use std::path::Path;

use flags_common::download::{DownloadError, FLAGS2_REQUEST_TIMEOUT};
use flags_common::flags2::Flags2Job;
use flags_common::observe::Event;
use flags_common::progress::Progress;
use flags_common::save::{SaveError, save_flag_in};
use flags_common::status::Counter;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::Semaphore;

use crate::{HttpClient, get_flag, http_client};

/// What one download came to: `None` when Ctrl-C came before it got a permit, so it never tried.
pub type Attempt = Option<Result<(), DownloadError>>;

// ANCHOR: download_one
/// Downloads one flag while holding a permit, then saves it off the runtime thread.
///
/// The permit is held only for the request: saving is local work and need not count against
/// the server's limit (the Python script releases its semaphore at the same point).
async fn download_one(
    client: &HttpClient,
    run: &Flags2Job,
    semaphore: &Semaphore,
    cc: &str,
) -> Attempt {
    // `acquire` fails only once the semaphore is closed, which is how Ctrl-C stops new starts.
    let permit = semaphore.acquire().await.ok()?;
    run.observe(Event::Started { code: cc });
    let image = match get_flag(client, &run.job.base_url, cc).await {
        Ok(image) => image,
        Err(err) => return Some(Err(err)),
    };
    drop(permit);
    Some(save_off_the_runtime(&run.job.dest_dir, image, format!("{cc}.gif")).await)
}
// ANCHOR_END: download_one

/// Saves on tokio's blocking pool: a file write blocks its thread, and on the runtime's one
/// thread that would stall every other download for the duration.
pub(crate) async fn save_off_the_runtime(
    dest_dir: &Path,
    image: Vec<u8>,
    filename: String,
) -> Result<(), DownloadError> {
    let dest = dest_dir.to_path_buf();
    let target = dest.join(&filename);
    match tokio::task::spawn_blocking(move || save_flag_in(&dest, &image, &filename)).await {
        Ok(saved) => saved.map(drop).map_err(DownloadError::from),
        // The save task panicked (or the runtime is shutting down): report it for this code.
        Err(join_error) => Err(DownloadError::Save(SaveError::Io {
            path: target,
            error: std::io::Error::other(join_error.to_string()),
        })),
    }
}

// ANCHOR: supervisor
/// Starts every download, consumes them as they complete, counts each outcome.
pub async fn supervisor(run: &Flags2Job) -> anyhow::Result<Counter> {
    let client = http_client(FLAGS2_REQUEST_TIMEOUT)?;
    let semaphore = Semaphore::new(run.concur_req);
    // `async move` blocks below take these references by copy, not the values themselves.
    let (client, semaphore) = (&client, &semaphore);
    let to_do: FuturesUnordered<_> = run
        .job
        .codes
        .iter()
        .map(|cc| async move {
            let attempt = download_one(client, run, semaphore, cc).await;
            (cc.as_str(), attempt)
        })
        .collect();
    let counter = consume(to_do, run, semaphore, |progress, cc, result| {
        let status = progress.record(cc, &result);
        run.observe(Event::Finished { code: cc, status });
    })
    .await;
    Ok(counter)
}

/// The `as_completed` loop every async supervisor of this crate ends with: takes each download as
/// it finishes and hands its outcome to `record`, until none is left.
///
/// On Ctrl-C the semaphore is closed: downloads still waiting for a permit give up at once
/// (`None`, not counted), those holding one finish, so no file is left half-written and the loop
/// drains quickly.
pub(crate) async fn consume<'a, F, E>(
    mut to_do: FuturesUnordered<F>,
    run: &Flags2Job,
    semaphore: &Semaphore,
    mut record: impl FnMut(&mut Progress, &'a str, Result<(), E>),
) -> Counter
where
    F: Future<Output = (&'a str, Option<Result<(), E>>)>,
{
    let mut progress = Progress::new(to_do.len(), run.progress);
    let interrupted = run.interrupt.wait();
    tokio::pin!(interrupted);
    loop {
        tokio::select! {
            next = to_do.next() => match next {
                Some((cc, Some(result))) => record(&mut progress, cc, result),
                Some((_, None)) => {}
                None => break,
            },
            () = &mut interrupted, if !semaphore.is_closed() => semaphore.close(),
        }
    }
    progress.finish()
}
// ANCHOR_END: supervisor

/// Runs [`supervisor`] on a current-thread runtime, like `asyncio.run`.
pub fn download_many(run: &Flags2Job) -> anyhow::Result<Counter> {
    on_one_thread(supervisor(run))
}

/// Runs an async supervisor to completion on a new current-thread runtime (`asyncio.run`).
///
/// The blocking pool that [`save_off_the_runtime`] uses is capped at the size of the thread pool
/// behind `asyncio.to_thread` (min(32, cores + 4)). Tokio's default cap is 512, and it starts a
/// thread for every blocking task that finds none idle: when 194 answers arrive within a few
/// milliseconds (`-a -m 194` against a fixed delay) we counted 37 to 150 new threads at that
/// moment, all creating files in one folder. The kernel lets one thread at a time create a name
/// in a folder, so the others only spin on its lock, taking CPU from the runtime thread that
/// still has answers to read. A few threads keep up with sub-millisecond saves; the rest of the
/// saves wait in the pool's queue, which costs nothing.
pub(crate) fn on_one_thread(
    supervisor: impl Future<Output = anyhow::Result<Counter>>,
) -> anyhow::Result<Counter> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(executor_core::default_max_workers())
        .build()?;
    runtime.block_on(supervisor)
}
