//! Exercise 5 · At most N downloads at a time with a semaphore (follows the `semaphore` of
//! `flags2_asyncio.py`).
//!
//! `download_limited` starts one future per code and waits for them all, like
//! `flags-async`'s `supervisor`. Make sure no more than `limit` calls to `fetch` are in progress
//! at any moment, using `tokio::sync::Semaphore`. Results stay in the order of `codes`.
//!
//! Test it: `cargo test --bin ex05_semaphore` (in `docs/`). Run it:
//! `cargo run --bin ex05_semaphore`. Hints: `docs/info.toml` or the book's exercise page.

use std::future::Future;

use futures::future::join_all;
use tokio::sync::Semaphore;

// ANCHOR: task
/// Runs `fetch` for every code, at most `limit` at a time, and returns the outputs in order.
async fn download_limited<F, Fut, T>(codes: Vec<String>, limit: usize, fetch: F) -> Vec<T>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = T>,
{
    // TODO: Today every download would start at once:
    //     join_all(codes.into_iter().map(|cc| fetch(cc))).await
    // Create a `Semaphore` with `limit` permits and make each download hold a permit while it runs.
    todo!()
}
// ANCHOR_END: task

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let server =
        flags_server::FlagServer::start(flags_common::site::Profile::Internet.config(2026))?;
    let client = flags_async::http_client()?;
    let base_url = server.base_url();
    let codes = flags_common::codes::POP20_CC.map(String::from).to_vec();
    let started = std::time::Instant::now();
    let sizes = download_limited(codes, 5, |cc| {
        let (client, base_url) = (&client, &base_url);
        async move {
            flags_async::get_flag(client, base_url, &cc)
                .await
                .map(|image| image.len())
        }
    })
    .await;
    let saved = sizes.iter().filter(|size| size.is_ok()).count();
    println!("{saved} flags, 5 at a time, in {:.2?}", started.elapsed());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts how many fetches are in progress and remembers the most seen at once.
    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        most: AtomicUsize,
    }

    async fn measured_run(limit: usize) -> (Vec<String>, usize) {
        let gauge = Arc::new(Gauge::default());
        let codes: Vec<String> = (0..20).map(|i| format!("C{i:02}")).collect();
        let results = download_limited(codes, limit, |cc| {
            let gauge = Arc::clone(&gauge);
            async move {
                let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                gauge.most.fetch_max(now, Ordering::SeqCst);
                // Give the other downloads a few turns while this one is "in flight", as a
                // network wait would, without any real waiting: no clock, no flakiness.
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
                gauge.now.fetch_sub(1, Ordering::SeqCst);
                cc.to_lowercase()
            }
        })
        .await;
        (results, gauge.most.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn never_more_than_the_limit_at_once() {
        let (_, most) = measured_run(3).await;
        assert_eq!(
            most, 3,
            "expected exactly 3 downloads in flight at the peak"
        );
    }

    #[tokio::test]
    async fn a_limit_of_one_is_sequential() {
        let (_, most) = measured_run(1).await;
        assert_eq!(most, 1);
    }

    #[tokio::test]
    async fn results_keep_the_input_order() {
        let (results, _) = measured_run(4).await;
        let expected: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
        assert_eq!(results, expected);
    }

    #[tokio::test]
    async fn a_limit_as_large_as_the_input_lets_all_overlap() {
        // Proves the gauge sees overlap at all: with 20 permits, all 20 downloads overlap.
        let (_, most) = measured_run(20).await;
        assert_eq!(most, 20);
    }
}
