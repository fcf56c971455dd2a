//! Exercise 5 · At most N downloads at a time with a semaphore (follows the `semaphore` of
//! `flags2_asyncio.py`).
//!
//! `download_limited` starts one future per code and waits for them all, like
//! `flags-async`'s `supervisor`. Make sure no more than `limit` calls to `fetch` are in progress
//! at any moment, using `tokio::sync::Semaphore`. A permit guards one call to `fetch` and
//! nothing more: the moment a fetch ends, the next download may start. Results stay in the order
//! of `codes`.
//!
//! Test it: `cargo test --bin ex05_semaphore` (in `docs/`). Run it:
//! `cargo run --bin ex05_semaphore`. Hints: `docs/info.toml` or the book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(unused_imports, unused_variables)]

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
    // Create a `Semaphore` with `limit` permits and make each download hold a permit while its
    // `fetch` runs, and no longer.
    todo!()
}
// ANCHOR_END: task

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let server =
        flags_server::FlagServer::start(flags_common::site::Profile::Internet.config(2026))?;
    let client = flags_async::http_client(flags_common::download::REQUEST_TIMEOUT)?;
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
    use flags_testkit::watch::{WatchedServer, returns_within};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// How long a test may run. The fake downloads below take microseconds and the real ones
    /// under a second; only downloads that can never finish reach this limit.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// Runs the async test that `test` makes on a current-thread runtime, as `#[tokio::test]`
    /// does, from a plain `#[test]` (the form `rustlings` recognises). The runtime runs on a
    /// thread of its own, so that the test fails with a message if it never finishes, even when
    /// a blocking call has stopped the runtime's only thread.
    fn run<F, T>(test: impl FnOnce() -> F + Send + 'static) -> T
    where
        F: Future<Output = T>,
        T: Send + 'static,
    {
        returns_within(PATIENCE, move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(test())
        })
        .unwrap_or_else(|| {
            panic!(
                "download_limited never finished: some downloads waited forever for a permit (is \
                 every permit given back when its download ends, dropped and not forgotten?), or \
                 a blocking call (a busy loop on `try_acquire`, `block_on`) stopped the runtime"
            )
        })
    }

    /// Counts how many fetches are in progress and remembers the most seen at once.
    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        most: AtomicUsize,
        started: AtomicUsize,
    }

    /// A moment when `download_limited` gave the runtime back with fewer than `limit` fetches in
    /// progress although some downloads had not started yet.
    #[derive(Debug)]
    struct Idle {
        /// Which poll of `download_limited` ended that way (the first is 1).
        poll: usize,
        in_progress: usize,
        not_started: usize,
    }

    /// What `measured_run` saw.
    struct Measured {
        results: Vec<String>,
        /// The most fetches in progress at once.
        most: usize,
        /// The first time `download_limited` left a permit unused while downloads waited.
        idle: Option<Idle>,
    }

    /// Runs `download_limited` on 20 fake downloads and measures it.
    ///
    /// It also looks at every moment `download_limited` returns `Pending`, that is, gives the
    /// runtime back: then `limit` fetches must be in progress, unless fewer are left to start.
    /// A permit is dropped in the same poll in which its fetch ends, and the semaphore hands it
    /// at once to the next download in line, which starts its fetch in that same poll. A permit
    /// held a moment longer (across a sleep, a yield or any other `.await` after the fetch, or
    /// before it) shows up as a poll that ends with a download waiting and a permit doing
    /// nothing. No clock is involved: only the order of events, which is the same on every run.
    fn measured_run(limit: usize) -> Measured {
        const CODES: usize = 20;
        let gauge = Arc::new(Gauge::default());
        let codes: Vec<String> = (0..CODES).map(|i| format!("C{i:02}")).collect();
        let watched = Arc::clone(&gauge);
        let (results, idle) = run(move || async move {
            let looked_at = Arc::clone(&watched);
            let downloads = download_limited(codes, limit, move |cc| {
                let gauge = Arc::clone(&watched);
                async move {
                    gauge.started.fetch_add(1, Ordering::SeqCst);
                    let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                    gauge.most.fetch_max(now, Ordering::SeqCst);
                    // Give the other downloads a few turns while this one is "in flight", as a
                    // network wait would, without any real waiting: no clock, no flakiness. The
                    // first download takes the longest, so it is not the first to finish.
                    let turns = if cc == "C00" { 10 } else { 3 };
                    for _ in 0..turns {
                        tokio::task::yield_now().await;
                    }
                    gauge.now.fetch_sub(1, Ordering::SeqCst);
                    cc.to_lowercase()
                }
            });
            let mut downloads = std::pin::pin!(downloads);
            let (mut polls, mut idle) = (0, None);
            let results = std::future::poll_fn(|cx| {
                polls += 1;
                let poll = downloads.as_mut().poll(cx);
                let in_progress = looked_at.now.load(Ordering::SeqCst);
                let not_started = CODES - looked_at.started.load(Ordering::SeqCst);
                if poll.is_pending() && idle.is_none() && not_started > 0 && in_progress < limit {
                    idle = Some(Idle {
                        poll: polls,
                        in_progress,
                        not_started,
                    });
                }
                poll
            })
            .await;
            (results, idle)
        });
        Measured {
            results,
            most: gauge.most.load(Ordering::SeqCst),
            idle,
        }
    }

    /// What to tell a student whose peak is `most` instead of `limit`.
    fn diagnose(most: usize, limit: usize) -> String {
        if most > limit {
            format!(
                "{most} downloads were in progress at once, with a limit of {limit}: each \
                 download must hold its permit until it ends (`let _permit = ...`; `let _ = ...` \
                 drops it at once)"
            )
        } else {
            format!(
                "only {most} download(s) at once, with a limit of {limit}: give the semaphore \
                 `limit` permits, start every download together (`join_all`) and make each one \
                 wait for its own permit (taking the permits in a loop, one download after \
                 another, makes them sequential)"
            )
        }
    }

    #[test]
    fn never_more_than_the_limit_at_once() {
        let most = measured_run(3).most;
        assert!(most == 3, "{}", diagnose(most, 3));
    }

    #[test]
    fn a_limit_of_one_is_sequential() {
        let most = measured_run(1).most;
        assert!(most == 1, "{}", diagnose(most, 1));
    }

    #[test]
    fn results_keep_the_input_order() {
        let results = measured_run(4).results;
        let expected: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
        assert_eq!(
            results, expected,
            "one result per code, in the order of `codes` (`join_all` keeps it), not in the \
             order the downloads finished: c00 finishes after c01, c02 and c03"
        );
    }

    #[test]
    fn a_limit_as_large_as_the_input_lets_all_overlap() {
        // Proves the gauge sees overlap at all: with 20 permits, all 20 downloads overlap.
        let most = measured_run(20).most;
        assert!(most == 20, "{}", diagnose(most, 20));
    }

    #[test]
    fn a_free_permit_goes_at_once_to_the_next_download() {
        // The semaphore guards the calls to `fetch`, nothing else: the moment one ends, the
        // next download in line must be able to start. A permit held across anything more (a
        // sleep, saving the file, any other wait) makes that download wait for nothing.
        for limit in [1, 3] {
            if let Some(idle) = measured_run(limit).idle {
                panic!(
                    "with a limit of {limit}, download_limited returned `Pending` (poll {}) with \
                     only {} fetch(es) in progress while {} download(s) had not started: a \
                     permit was held by a download that was not fetching, so the next one waited \
                     for nothing. Hold the permit around `fetch(cc).await` only: acquire it just \
                     before, drop it as soon as the fetch ends (no sleep, no saving, no other \
                     `.await` while you hold it)",
                    idle.poll, idle.in_progress, idle.not_started
                );
            }
        }
    }

    #[test]
    fn the_flag_server_never_sees_more_than_the_limit() {
        // The real thing: 12 flags, at most 4 at a time, from a server that takes 0.2 s per
        // answer. The server counts a request from when it has read it until its answer is
        // ready, inside the time the client holds the permit: it can never see more than 4.
        // A right answer keeps 4 waiting there from the start; the test asks for 3, to leave
        // room for one download that a loaded machine sends late.
        let server = WatchedServer::start(Duration::from_millis(200)).unwrap();
        let base_url = server.base_url();
        let codes: Vec<String> = flags_common::codes::POP20_CC[..12]
            .iter()
            .map(|cc| cc.to_string())
            .collect();
        let sizes = run(move || async move {
            let client = flags_async::http_client(Duration::from_secs(10)).unwrap();
            download_limited(codes, 4, |cc| {
                let (client, base_url) = (&client, &base_url);
                async move { flags_async::get_flag(client, base_url, &cc).await }
            })
            .await
        });
        for (index, size) in sizes.iter().enumerate() {
            assert!(size.is_ok(), "download {index} failed: {size:?}");
        }
        let peak = server.peak_in_flight();
        assert!(
            (3..=4).contains(&peak),
            "the flag server saw it: {}",
            diagnose(peak, 4)
        );
    }
}
