//! Exercise 3 · Stop at the first error and cancel what has not started (Python's
//! `future.cancel()`; `flags2_threadpool.py` keeps going instead).
//!
//! `download_until_error` submits one task per code. Collect the codes as their downloads
//! complete; at the first failure, cancel every future that has not started yet and return
//! [`Stopped`] with the failed code, its error, and how many futures you cancelled. Tasks already
//! running cannot be cancelled: let them finish on their own.
//!
//! Test it: `cargo test --bin ex03_cancel_on_error` (in `docs/`). Run it:
//! `cargo run --bin ex03_cancel_on_error`. Hints: `docs/info.toml` or the book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(unused_imports, unused_variables)]

use std::sync::Arc;

use executor_core::{Executor, ThreadPoolExecutor, as_completed};

/// Why the run stopped early.
#[derive(Debug, PartialEq, Eq)]
struct Stopped {
    cc: String,
    error: String,
    cancelled: usize,
}

// ANCHOR: task
/// Runs `fetch` for every code on `executor` and returns the codes in completion order, or
/// [`Stopped`] at the first failure.
fn download_until_error<F>(
    executor: &ThreadPoolExecutor,
    codes: Vec<String>,
    fetch: F,
) -> Result<Vec<String>, Stopped>
where
    F: Fn(&str) -> Result<(), String> + Send + Sync + 'static,
{
    // TODO: Submit one task per code (share `fetch` through an `Arc`), then watch the futures
    // with `as_completed`. At the first failure, cancel every future and count the cancels
    // that succeeded.
    todo!()
}
// ANCHOR_END: task

fn main() -> anyhow::Result<()> {
    use flags_common::download::REQUEST_TIMEOUT;
    use flags_common::site::Profile;

    // The ERROR profile answers a quarter of the requests with 418 after 0.5 s.
    let server = flags_server::FlagServer::start(Profile::Error.config(2026))?;
    let base_url = server.base_url();
    let agent = flags_sequential::http_agent(REQUEST_TIMEOUT);
    let executor = ThreadPoolExecutor::new(3)?;
    let codes = flags_common::codes::POP20_CC.map(String::from).to_vec();
    let outcome = download_until_error(&executor, codes, move |cc| {
        flags_sequential::get_flag(&agent, &base_url, cc)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    println!("{outcome:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flags_testkit::watch::returns_within;
    use std::sync::mpsc;
    use std::sync::{Mutex, PoisonError};
    use std::time::Duration;

    /// How long the test lets `download_until_error` run. A right answer returns within
    /// microseconds of the failure; only one that waits for tasks blocked on the test's gate
    /// (which opens once it has returned) ever reaches this limit.
    const PATIENCE: Duration = Duration::from_secs(5);

    fn codes(list: &str) -> Vec<String> {
        list.split(' ').map(String::from).collect()
    }

    #[test]
    fn all_succeed() {
        let executor = ThreadPoolExecutor::new(3).unwrap();
        let mut saved = download_until_error(&executor, codes("BR CN IN US"), |_| Ok(())).unwrap();
        saved.sort();
        assert_eq!(
            saved,
            codes("BR CN IN US"),
            "with no failure, every code comes back (in any order)"
        );
    }

    #[test]
    fn first_error_cancels_the_queued_rest() {
        // Two workers. C fails, but only once D is running; D and the codes after it block on
        // a gate that the test opens once `download_until_error` has returned. So when C's
        // failure arrives, D is running and E, F and G are queued, except that the worker C
        // leaves may take E before the cancels come: every other one must be cancelled.
        let executor = Arc::new(ThreadPoolExecutor::new(2).unwrap());
        let started = Arc::new(Mutex::new(Vec::new()));
        let (open_gate, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let (d_started, d_running) = mpsc::channel::<()>();
        let d_running = Mutex::new(d_running);
        let log = Arc::clone(&started);
        let fetch = move |cc: &str| {
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(cc.to_owned());
            match cc {
                "C" => {
                    let d_running = d_running.lock().unwrap_or_else(PoisonError::into_inner);
                    let _ = d_running.recv_timeout(PATIENCE);
                    return Err("HTTP error 418".to_owned());
                }
                "D" => {
                    let _ = d_started.send(());
                }
                _ => {}
            }
            if cc >= "D" {
                let gate = gate.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = gate.recv_timeout(2 * PATIENCE);
            }
            Ok(())
        };
        let pool = Arc::clone(&executor);
        // Twice C's own patience: an answer that runs the downloads one at a time gets C's
        // failure (after C has waited for D in vain) and the assertions below say what is wrong.
        let outcome = returns_within(2 * PATIENCE, move || {
            download_until_error(&pool, codes("A B C D E F G"), fetch)
        })
        .expect(
            "download_until_error did not return after C failed: it must return at the first \
             failure, without waiting for the other downloads (the running one included)",
        );
        drop(open_gate);
        drop(executor); // waits for the tasks that were running
        let started = started.lock().unwrap().clone();
        let mut first_four = started.clone();
        first_four.sort();
        first_four.truncate(4);
        assert_eq!(
            first_four,
            codes("A B C D"),
            "A, B, C and D must all start, D while C is running (started: {started:?}): submit \
             every code before waiting for any result, so the two workers run side by side"
        );
        assert!(
            started.len() <= 5,
            "downloads started after C had failed: {started:?}. At the first failure, cancel \
             every future still queued (`future.cancel()`), so that only those already running \
             can go on"
        );
        let cancelled = 3 - (started.len() - 4);
        assert_eq!(
            outcome,
            Err(Stopped {
                cc: "C".into(),
                error: "HTTP error 418".into(),
                cancelled,
            }),
            "C failed with its error, and {cancelled} of E, F and G were still queued: they \
             must be cancelled and counted (count the `cancel()` calls that return true)"
        );
    }
}
