//! The two contestants of the scale sweep, reduced to what differs between them: how `n`
//! requests wait at the same time.
//!
//! - [`threads`]: one blocking `ureq` call per thread, on an executor-core `ThreadPoolExecutor`
//!   with as many workers as requests (the shape of `flags2_threadpool.py` at `-m n`). Each
//!   waiting request holds a thread: a stack, a kernel task, a share of the scheduler.
//! - [`tasks`]: one tokio task per request on a single thread, with `reqwest` (the shape of
//!   `flags2_asyncio.py`). A waiting request is a future parked in the runtime, and its
//!   connection: about 25 KiB in all with reqwest, most of it hyper's read and write buffers
//!   (the `bare` row, `bare.rs`, shows what is left without them: about 1 KiB).
//!
//! Both use the downloaders' own HTTP clients (`flags_sequential::http_agent`, and
//! `flags_async::http_client_without_pool`: the async programs' settings without reqwest's
//! connection pool, whose bookkeeping grows quadratically when every request is in flight at
//! once and none can reuse a connection), so what is measured is what the programs would do;
//! neither saves a file, since the disk is not what this sweep is about.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use executor_core::{Executor, ThreadPoolExecutor};

/// How long one request may take: generous, so that a slow start (10,000 connects queueing in
/// the kernel's backlog) shows as time, not as failures; a request that takes longer is
/// counted as a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How the requests of one run ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answered 200 with the whole body read.
    pub ok: usize,
    /// Every other ending, by kind (`timeout`, `connect`, `HTTP 503`, ...), with its count.
    pub failures: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.ok += 1,
            Err(kind) => *self.failures.entry(kind).or_default() += 1,
        }
    }

    /// A tally of `n` requests that all failed the same way, before any was sent.
    fn all_failed(n: usize, kind: &str) -> Tally {
        let mut tally = Tally::default();
        tally.failures.insert(kind.to_owned(), n);
        tally
    }

    /// Every request, whatever its ending.
    pub fn total(&self) -> usize {
        self.ok + self.failures.values().sum::<usize>()
    }
}

/// Fetches every URL at once, one thread each. A pool that cannot start a thread for every
/// request runs with the threads it got (as Python's does), which shows in the time and the
/// thread count; one that cannot start any fails each request with the reason.
pub fn threads(urls: &[String]) -> Tally {
    let pool = match ThreadPoolExecutor::new(urls.len().max(1)) {
        Ok(pool) => pool,
        Err(error) => return Tally::all_failed(urls.len(), &format!("pool: {error}")),
    };
    let agent = flags_sequential::http_agent(REQUEST_TIMEOUT);
    let futures: Vec<_> = urls
        .iter()
        .map(|url| {
            let (agent, url) = (agent.clone(), url.clone());
            pool.submit(move || fetch_blocking(&agent, &url))
        })
        .collect();
    let mut tally = Tally::default();
    for future in futures {
        let outcome = match future {
            Ok(future) => match future.result(None) {
                Ok(outcome) => outcome.clone(),
                Err(error) => Err(format!("task: {error}")),
            },
            Err(error) => Err(format!("submit: {error}")),
        };
        tally.add(outcome);
    }
    tally
}

fn fetch_blocking(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    let response = agent.get(url).call().map_err(|error| ureq_kind(&error))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    response
        .into_body()
        .into_reader()
        .read_to_end(&mut body)
        .map_err(|error| format!("read: {:?}", error.kind()))?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}

/// A short, stable name for a ureq failure, so that 10,000 of them make one table cell.
fn ureq_kind(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "timeout".to_owned(),
        ureq::Error::Io(io) => format!("io: {:?}", io.kind()),
        ureq::Error::ConnectionFailed => "connect".to_owned(),
        other => other.to_string().chars().take(40).collect(),
    }
}

/// Fetches every URL at once, one task each, on a single-threaded tokio runtime, with the
/// async programs' reqwest client.
pub fn tasks(urls: &[String]) -> Tally {
    match flags_async::http_client_without_pool(REQUEST_TIMEOUT) {
        Ok(client) => one_task_each(urls, move |url| {
            let client = client.clone();
            async move { fetch_async(&client, &url).await }
        }),
        Err(error) => Tally::all_failed(urls.len(), &format!("client: {error}")),
    }
}

/// Runs `fetch` on every URL at once, one task each, on a single-threaded tokio runtime (the
/// event loop of `flags2_asyncio.py`), and tallies how each ended.
pub(super) fn one_task_each<F, Fut>(urls: &[String], fetch: F) -> Tally
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return Tally::all_failed(urls.len(), &format!("runtime: {error}")),
    };
    let mut tally = Tally::default();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for url in urls {
            set.spawn(fetch(url.clone()));
        }
        while let Some(joined) = set.join_next().await {
            tally.add(joined.unwrap_or_else(|error| Err(format!("task: {error}"))));
        }
    });
    tally
}

async fn fetch_async(client: &flags_async::HttpClient, url: &str) -> Result<(), String> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|error| reqwest_kind(&error))?;
    let status = response.status().as_u16();
    response
        .bytes()
        .await
        .map_err(|error| reqwest_kind(&error))?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}

/// A short, stable name for a reqwest failure.
fn reqwest_kind(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timeout".to_owned()
    } else if error.is_connect() {
        "connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "read".to_owned()
    } else {
        error.to_string().chars().take(40).collect()
    }
}
