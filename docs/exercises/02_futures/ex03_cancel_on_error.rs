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
    use std::sync::mpsc;
    use std::sync::{Mutex, PoisonError};
    use std::time::Duration;

    fn codes(list: &str) -> Vec<String> {
        list.split(' ').map(String::from).collect()
    }

    #[test]
    fn all_succeed() {
        let executor = ThreadPoolExecutor::new(3).unwrap();
        let mut saved = download_until_error(&executor, codes("BR CN IN US"), |_| Ok(())).unwrap();
        saved.sort();
        assert_eq!(saved, codes("BR CN IN US"));
    }

    #[test]
    fn first_error_cancels_the_queued_rest() {
        // One worker runs the codes in order. `C` fails; the codes after it block on a gate
        // until the test opens it, so at most one of them (the one the worker picked up next)
        // can be running when the failure is seen: all the others must be cancelled.
        let executor = ThreadPoolExecutor::new(1).unwrap();
        let started = Arc::new(Mutex::new(Vec::new()));
        let (open_gate, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let log = Arc::clone(&started);
        let outcome = download_until_error(&executor, codes("A B C D E F G"), move |cc| {
            log.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(cc.to_owned());
            if cc == "C" {
                return Err("HTTP error 418".to_owned());
            }
            if cc > "C" {
                let gate = gate.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = gate.recv_timeout(Duration::from_secs(10));
            }
            Ok(())
        });
        drop(open_gate);
        drop(executor); // waits for the task that was running, if any
        let started = started.lock().unwrap().clone();
        assert!(started.starts_with(&codes("A B C")), "started: {started:?}");
        assert!(
            started.len() <= 4,
            "tasks ran after the failure: {started:?}"
        );
        let running_at_failure = started.len() - 3;
        assert_eq!(
            outcome,
            Err(Stopped {
                cc: "C".into(),
                error: "HTTP error 418".into(),
                cancelled: 4 - running_at_failure,
            })
        );
    }
}
