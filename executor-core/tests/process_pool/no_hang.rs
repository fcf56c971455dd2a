//! Process-pool cases that used to hang or break the pool: cancelled requests left in the
//! queue at shutdown, big requests sent to a busy worker, a result type whose `Deserialize`
//! panics in the parent, and a function name that picks out the wrong function.
//!
//! Each case that could hang runs under [`finishes`], so a regression fails the test instead of
//! stopping the whole run.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use executor_core::process_pool::Function;
use executor_core::{Executor, FutureError, ProcessPoolExecutor, SubmitError, TaskError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{SLEEP_MS, SOON, SQUARE, pool};

// ---- Functions the workers run (registered in the test binary's `FUNCTIONS`) ----------------

fn wait_for_file(path: PathBuf) -> bool {
    while !path.exists() {
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}
fn byte_count(bytes: Vec<u8>) -> usize {
    bytes.len()
}
fn panic_on_decode(_: ()) -> PanicOnDecode {
    PanicOnDecode
}

pub(crate) static WAIT_FOR_FILE: Function<PathBuf, bool> =
    Function::new("wait_for_file", wait_for_file);
pub(crate) static BYTE_COUNT: Function<Vec<u8>, usize> = Function::new("byte_count", byte_count);
pub(crate) static PANIC_ON_DECODE: Function<(), PanicOnDecode> =
    Function::new("panic_on_decode", panic_on_decode);
/// Same name as `SQUARE`, other types: not registered, and must not run `square`.
static IMPOSTOR: Function<String, u64> = Function::new("square", |s: String| s.len() as u64);

/// Encodes fine in the worker; its `Deserialize`, which runs in the parent, panics.
#[derive(Debug)]
pub(crate) struct PanicOnDecode;
impl Serialize for PanicOnDecode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}
impl<'de> Deserialize<'de> for PanicOnDecode {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        panic!("PanicOnDecode refuses to be decoded")
    }
}

// ---- Helpers ---------------------------------------------------------------------------------

/// Runs `work` on a thread and fails if it does not finish within [`SOON`]. (A hung thread is
/// left behind, which is fine in a test that has already failed.)
pub(crate) fn finishes(what: &str, work: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        work();
        let _ = done.send(());
    });
    assert!(
        finished.recv_timeout(SOON).is_ok(),
        "{what} did not finish: hung"
    );
}

/// A file that does not exist yet, in a fresh temporary folder; creating it opens the gate.
pub(crate) fn gate() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("open");
    (dir, path)
}

pub(crate) fn open(gate: &Path) {
    std::fs::write(gate, b"").expect("create the gate file");
}

// ---- The cases -------------------------------------------------------------------------------

pub(crate) fn a_cancelled_queued_task_does_not_stop_the_pool_from_shutting_down() {
    let pool = Arc::new(pool(1));
    let (_dir, gate) = gate();
    let busy = pool.submit(WAIT_FOR_FILE.call(gate.clone())).unwrap();
    let queued = pool.submit(SQUARE.call(3)).unwrap();
    assert!(queued.cancel());
    // Shut down while the worker is busy and the cancelled request still queued: the worker
    // must be told to exit once it is done, though the queue was never empty of requests.
    let (stopped, has_stopped) = mpsc::channel();
    let stopping = Arc::clone(&pool);
    std::thread::spawn(move || {
        stopping.shutdown(true, false);
        let _ = stopped.send(());
    });
    while !matches!(pool.submit(SQUARE.call(0)), Err(SubmitError::Shutdown)) {
        std::thread::yield_now();
    }
    open(&gate);
    assert!(*busy.result(Some(SOON)).unwrap());
    assert!(
        has_stopped.recv_timeout(SOON).is_ok(),
        "shutdown(wait) hung"
    );
}

pub(crate) fn dropping_a_map_early_lets_the_pool_shut_down() {
    let pool = pool(1);
    let mut sleeps = pool.map(SLEEP_MS, [20, 20, 20, 20, 20], None).unwrap();
    assert!(sleeps.next().unwrap().is_ok());
    drop(sleeps); // cancels the items still queued
    finishes("dropping the pool", move || drop(pool));
}

pub(crate) fn a_failed_item_ending_a_question_mark_loop_lets_the_pool_shut_down() {
    fn sum_until_failure(pool: &ProcessPoolExecutor) -> Result<u64, FutureError> {
        let inputs = ["ok", "boom", "ok", "ok"].map(str::to_owned);
        let mut total = 0;
        for outcome in pool.map(FAIL_UNLESS_OK, inputs, None).unwrap() {
            total += outcome?; // the usual loop: returns at the first failure
        }
        Ok(total)
    }
    let pool = pool(1);
    assert!(matches!(
        sum_until_failure(&pool),
        Err(FutureError::Failed(TaskError::Panicked { .. }))
    ));
    finishes("dropping the pool", move || drop(pool));
}

fn fail_unless_ok(input: String) -> u64 {
    assert_eq!(input, "ok", "an item that is not \"ok\" fails");
    1
}
pub(crate) static FAIL_UNLESS_OK: Function<String, u64> =
    Function::new("fail_unless_ok", fail_unless_ok);

pub(crate) fn big_requests_are_not_written_to_a_busy_worker() {
    // Worker 0 waits at a gate; worker 1 runs the 1 MB requests. Each time worker 1 answers,
    // its reader thread hands out more work, and must not write 1 MB requests to worker 0: a
    // worker reads its channel only between tasks, a channel holds 64 KiB (a pipe) to a few
    // hundred KiB (a Unix socket), and the write would wait for the gate, holding the pool's
    // lock, so that no future could complete and no `submit` get through. Only this thread
    // opens the gate: the rescuer would have to.
    let pool = Arc::new(pool(2));
    let (_dir, gate) = gate();
    let busy = pool.submit(WAIT_FOR_FILE.call(gate.clone())).unwrap();
    let rescued = Arc::new(AtomicBool::new(false));
    let (progressed, has_progressed) = mpsc::channel::<()>();
    let rescuer = {
        let (gate, rescued) = (gate.clone(), Arc::clone(&rescued));
        std::thread::spawn(move || {
            if has_progressed.recv_timeout(SOON).is_err() {
                rescued.store(true, Ordering::SeqCst);
                open(&gate);
            }
        })
    };
    let futures: Vec<_> = (0..40)
        .map(|_| pool.submit(BYTE_COUNT.call(vec![7; 1_000_000])).unwrap())
        .collect();
    assert_eq!(*futures[0].result(Some(SOON)).unwrap(), 1_000_000);
    let after = pool.submit(BYTE_COUNT.call(vec![1; 10])).unwrap();
    let _ = progressed.send(());
    rescuer.join().unwrap();
    assert!(
        !rescued.load(Ordering::SeqCst),
        "the pool stalled behind a busy worker"
    );
    open(&gate);
    assert!(*busy.result(Some(SOON)).unwrap());
    for future in futures {
        assert_eq!(*future.result(Some(SOON)).unwrap(), 1_000_000);
    }
    assert_eq!(*after.result(Some(SOON)).unwrap(), 10);
}

pub(crate) fn a_result_that_panics_while_decoding_fails_only_its_future() {
    let pool = pool(1);
    let future = pool.submit(PANIC_ON_DECODE.call(())).unwrap();
    match future.result(Some(SOON)) {
        Err(FutureError::Failed(TaskError::Panicked { message, .. })) => {
            assert!(message.contains("PanicOnDecode refuses"), "{message}");
        }
        other => panic!("expected a panic report, got {other:?}"),
    }
    // The reader thread lives on: the same worker still answers.
    let later = pool.submit(SQUARE.call(4)).unwrap();
    assert_eq!(*later.result(Some(SOON)).unwrap(), 16);
    finishes("dropping the pool", move || drop(pool));
}

pub(crate) fn submit_refuses_a_function_registered_under_its_name_with_other_types() {
    let pool = pool(1);
    match pool.submit(IMPOSTOR.call("four".to_owned())) {
        Err(SubmitError::AmbiguousFunction { name, reason }) => {
            assert_eq!(name, "square");
            assert!(
                reason.contains("u64") && reason.contains("String"),
                "{reason}"
            );
        }
        other => panic!("expected AmbiguousFunction, got {other:?}"),
    }
    assert_eq!(pool.processes_started(), 0);
}

/// Registered in `FUNCTIONS`: the workers must find every function these cases submit.
pub(crate) const TESTS: &[(&str, fn())] = &[
    (
        "a_cancelled_queued_task_does_not_stop_the_pool_from_shutting_down",
        a_cancelled_queued_task_does_not_stop_the_pool_from_shutting_down,
    ),
    (
        "dropping_a_map_early_lets_the_pool_shut_down",
        dropping_a_map_early_lets_the_pool_shut_down,
    ),
    (
        "a_failed_item_ending_a_question_mark_loop_lets_the_pool_shut_down",
        a_failed_item_ending_a_question_mark_loop_lets_the_pool_shut_down,
    ),
    (
        "big_requests_are_not_written_to_a_busy_worker",
        big_requests_are_not_written_to_a_busy_worker,
    ),
    (
        "a_result_that_panics_while_decoding_fails_only_its_future",
        a_result_that_panics_while_decoding_fails_only_its_future,
    ),
    (
        "submit_refuses_a_function_registered_under_its_name_with_other_types",
        submit_refuses_a_function_registered_under_its_name_with_other_types,
    ),
];
