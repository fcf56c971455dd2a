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
    use std::sync::{Condvar, Mutex, PoisonError};
    use std::time::Duration;

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

    // `#[tokio::test]` runs on a current-thread runtime: one thread for every task.
    #[tokio::test]
    async fn blocking_calls_leave_the_runtime_free() {
        let gate = Arc::new(Gate::default());
        let opener = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { gate.open() }
        });
        let pool = ThreadPoolExecutor::new(3).unwrap();
        let waiting_gate = Arc::clone(&gate);
        let results = fetch_on_pool(&pool, codes(), move |cc| {
            if waiting_gate.wait() {
                Ok(cc.as_bytes().to_vec())
            } else {
                Err("the gate never opened: the runtime thread was blocked".into())
            }
        })
        .await;
        opener.await.unwrap();
        assert_eq!(
            results,
            [Ok(b"BR".to_vec()), Ok(b"CN".to_vec()), Ok(b"IN".to_vec())]
        );
        assert!(pool.num_threads() > 0, "fetch did not run on the pool");
    }

    #[tokio::test]
    async fn a_panicking_fetch_becomes_an_error() {
        let pool = ThreadPoolExecutor::new(2).unwrap();
        let results = fetch_on_pool(&pool, codes(), |cc| {
            if cc == "CN" {
                panic!("no flag for {cc}");
            }
            Ok(Vec::new())
        })
        .await;
        assert_eq!(results[0], Ok(Vec::new()));
        assert_eq!(
            results[1],
            Err("the task failed: the task panicked: no flag for CN".to_string())
        );
        assert_eq!(results[2], Ok(Vec::new()));
    }
}
