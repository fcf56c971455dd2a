//! Exercise 6 · The executor bridge: blocking work from async code without blocking the runtime
//! (follows `flags2_asyncio_executor.py`, which saves files with `run_in_executor`).
//!
//! `fetch_on_pool` is an `async fn`, but `fetch` is blocking code (think `ureq`, or a disk
//! write). Calling it directly would freeze the runtime's only thread for as long as it blocks.
//! Submit each call to `pool` instead and `.await` the executor futures, so the runtime keeps
//! running other tasks meanwhile. Return one result per code, in order; a task that panicked
//! becomes `Err` with the future's error message.
//!
//! Test it: `cargo test --bin ex06_executor_bridge` (in `docs/`). Run it:
//! `cargo run --bin ex06_executor_bridge`. Hints: `docs/info.toml` or the book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(unused_imports, unused_variables)]

use std::future::IntoFuture;
use std::sync::Arc;

use executor_core::{Executor, ThreadPoolExecutor};
use futures::future::join_all;

// ANCHOR: task
/// Runs the blocking `fetch` for every code on `pool`, awaiting the results without blocking.
async fn fetch_on_pool<F>(
    pool: &ThreadPoolExecutor,
    codes: Vec<String>,
    fetch: F,
) -> Vec<Result<Vec<u8>, String>>
where
    F: Fn(&str) -> Result<Vec<u8>, String> + Send + Sync + 'static,
{
    // TODO: Calling `fetch(&cc)` here would block the runtime thread. Submit each call to `pool`
    // instead, and `.await` the futures you get back (all together, with `join_all`).
    todo!()
}
// ANCHOR_END: task

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    use flags_common::download::REQUEST_TIMEOUT;

    let server =
        flags_server::FlagServer::start(flags_common::site::Profile::Internet.config(2026))?;
    let (agent, base_url) = (
        flags_sequential::http_agent(REQUEST_TIMEOUT),
        server.base_url(),
    );
    let pool = ThreadPoolExecutor::new(8)?;
    let codes = flags_common::codes::POP20_CC.map(String::from).to_vec();
    let ticker = tokio::spawn(async {
        // Proof that the runtime is free: this task ticks while the pool downloads.
        for tick in 1.. {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            println!("tick {tick}: the runtime is not blocked");
        }
    });
    let results = fetch_on_pool(&pool, codes, move |cc| {
        flags_sequential::get_flag(&agent, &base_url, cc).map_err(|e| e.to_string())
    })
    .await;
    ticker.abort();
    println!(
        "{} flags downloaded on the pool",
        results.iter().flatten().count()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flags_testkit::watch::WatchedServer;
    use std::sync::{Condvar, Mutex, PoisonError};
    use std::time::Duration;

    /// Runs an async test on a current-thread runtime, as `#[tokio::test]` does, from a plain
    /// `#[test]` (the form `rustlings` recognises). One thread for every task: a blocking call
    /// on it stops them all, which is what these tests look for.
    fn run<F: std::future::Future>(test: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(test)
    }

    /// A gate the async side opens and the blocking tasks wait for (at most 5 s, so a wrong
    /// solution fails instead of hanging).
    #[derive(Default)]
    struct Gate {
        open: Mutex<bool>,
        opened: Condvar,
    }

    impl Gate {
        fn open(&self) {
            *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
            self.opened.notify_all();
        }

        fn wait(&self) -> bool {
            let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            let (open, _) = self
                .opened
                .wait_timeout_while(open, Duration::from_secs(5), |open| !*open)
                .unwrap_or_else(PoisonError::into_inner);
            *open
        }
    }

    fn codes() -> Vec<String> {
        vec!["BR".into(), "CN".into(), "IN".into()]
    }

    #[test]
    fn blocking_calls_leave_the_runtime_free() {
        // Every fetch waits for a gate that only a task on the runtime opens: if the runtime's
        // one thread is blocked (by `fetch` itself or by a blocking wait for its result), the
        // gate never opens and each fetch gives up after 5 s.
        let gate = Arc::new(Gate::default());
        let pool = ThreadPoolExecutor::new(3).unwrap();
        let waiting_gate = Arc::clone(&gate);
        let results = run(async {
            let opener = tokio::spawn({
                let gate = Arc::clone(&gate);
                async move { gate.open() }
            });
            let results = fetch_on_pool(&pool, codes(), move |cc| {
                if waiting_gate.wait() {
                    Ok(cc.as_bytes().to_vec())
                } else {
                    Err("the gate never opened".into())
                }
            })
            .await;
            opener.await.unwrap();
            results
        });
        assert_eq!(
            results,
            [Ok(b"BR".to_vec()), Ok(b"CN".to_vec()), Ok(b"IN".to_vec())],
            "the runtime thread was blocked while `fetch` ran: submit each call to the pool \
             and `.await` its future; calling `fetch` here, or `result()` on a future, blocks"
        );
        assert!(
            pool.num_threads() > 0,
            "fetch did not run on the pool it was given"
        );
    }

    #[test]
    fn the_downloads_overlap_on_the_flag_server() {
        // Real blocking downloads (ureq) from a server that takes 0.2 s per answer. Awaiting
        // each future before submitting the next call runs them one at a time: the server never
        // sees two at once. Submitted together, four workers keep four there; the test asks for
        // 3, to leave room for one worker that a loaded machine starts late.
        let server = WatchedServer::start(Duration::from_millis(200)).unwrap();
        let (agent, base_url) = (
            flags_sequential::http_agent(Duration::from_secs(10)),
            server.base_url(),
        );
        let pool = ThreadPoolExecutor::new(4).unwrap();
        let codes: Vec<String> = flags_common::codes::POP20_CC[..8]
            .iter()
            .map(|cc| cc.to_string())
            .collect();
        let results = run(fetch_on_pool(&pool, codes, move |cc| {
            flags_sequential::get_flag(&agent, &base_url, cc).map_err(|e| e.to_string())
        }));
        for (index, result) in results.iter().enumerate() {
            assert!(
                result
                    .as_ref()
                    .is_ok_and(|image| image.starts_with(b"GIF8")),
                "download {index} did not return a flag: {result:?}"
            );
        }
        let peak = server.peak_in_flight();
        assert!(
            peak >= 3,
            "the flag server never had more than {peak} download(s) in progress at once, with \
             4 workers: submit every call first, then await the futures together (`join_all`), \
             not one `submit` and one `.await` after another"
        );
    }

    #[test]
    fn a_panicking_fetch_becomes_an_error() {
        let pool = ThreadPoolExecutor::new(2).unwrap();
        let results = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(fetch_on_pool(&pool, codes(), |cc| {
                if cc == "CN" {
                    panic!("no flag for {cc}");
                }
                Ok(Vec::new())
            }))
        }))
        .unwrap_or_else(|_| {
            panic!(
                "fetch_on_pool itself panicked, with the panic of `fetch` for CN (above): run \
                 `fetch` on the pool, whose future keeps a task's panic as an error"
            )
        });
        assert_eq!(
            results,
            [
                Ok(Vec::new()),
                Err("the task failed: the task panicked: no flag for CN".to_string()),
                Ok(Vec::new())
            ],
            "one result per code, in order; the task that panicked becomes `Err` with the \
             future's error as text (`error.to_string()`)"
        );
    }
}
