//! `ProcessPoolExecutor` with real worker processes: reuse and saturation, `max_tasks_per_child`,
//! initializers, panics, serialization failures, workers that die (SIGKILL, `abort`, `exit`, a
//! crash while decoding), shutdown, `terminate_workers`, and no process left behind. Ideas from
//! CPython's `test_concurrent_futures/{test_process_pool,test_init,test_shutdown}.py`.
//!
//! The workers are this test binary started again, so it has its own `main` (`harness = false`
//! in Cargo.toml) whose first line is the worker hook, as every program using the pool needs;
//! `libtest-mimic` then gives it libtest's command line and output. Run with
//! `cargo test -p executor-core --test process_pool [NAME_FILTER]`.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Trial};

use executor_core::process_pool::{Function, RemoteFunction, run_worker_if_child};
use executor_core::{
    Executor, FutureError, MapOptions, ProcessPoolExecutor, SubmitError, TaskError,
    ThreadPoolExecutor, as_completed,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[path = "process_pool/channel.rs"]
mod channel;
#[cfg(target_os = "linux")]
#[path = "process_pool/channel_attacks.rs"]
mod channel_attacks;
#[path = "process_pool/no_hang.rs"]
mod no_hang;
#[path = "process_pool/platform.rs"]
mod platform;

// ---- The functions the workers may run -------------------------------------------------------

fn pid(_: ()) -> u32 {
    std::process::id()
}
fn square(n: u64) -> u64 {
    n * n
}
fn sleep_ms(ms: u64) -> u32 {
    std::thread::sleep(Duration::from_millis(ms));
    std::process::id()
}
fn fail(message: String) -> u32 {
    panic!("{message}")
}
fn abort(_: ()) {
    std::process::abort()
}
fn exit(code: i32) {
    std::process::exit(code)
}
fn unserializable_result(_: ()) -> Unserializable {
    Unserializable
}
fn crash_on_decode(_: AbortOnDecode) {}

static WORKER_MARK: OnceLock<String> = OnceLock::new();
fn set_mark(mark: String) -> Result<(), String> {
    WORKER_MARK
        .set(mark)
        .map_err(|_| "initializer ran twice".to_owned())
}
fn refuse_to_start(_: ()) -> Result<(), String> {
    Err("no database".to_owned())
}
fn read_mark(_: ()) -> Option<String> {
    WORKER_MARK.get().cloned()
}
fn read_mark_at_gate(gate: std::path::PathBuf) -> Option<String> {
    while !gate.exists() {
        std::thread::sleep(Duration::from_millis(5));
    }
    read_mark(())
}

static PID: Function<(), u32> = Function::new("pid", pid);
static SQUARE: Function<u64, u64> = Function::new("square", square);
static SLEEP_MS: Function<u64, u32> = Function::new("sleep_ms", sleep_ms);
static FAIL: Function<String, u32> = Function::new("fail", fail);
static ABORT: Function<(), ()> = Function::new("abort", abort);
static EXIT: Function<i32, ()> = Function::new("exit", exit);
static UNSERIALIZABLE_RESULT: Function<(), Unserializable> =
    Function::new("unserializable_result", unserializable_result);
static CRASH_ON_DECODE: Function<AbortOnDecode, ()> =
    Function::new("crash_on_decode", crash_on_decode);
static SET_MARK: Function<String, Result<(), String>> = Function::new("set_mark", set_mark);
static REFUSE_TO_START: Function<(), Result<(), String>> =
    Function::new("refuse_to_start", refuse_to_start);
static READ_MARK: Function<(), Option<String>> = Function::new("read_mark", read_mark);
static READ_MARK_AT_GATE: Function<std::path::PathBuf, Option<String>> =
    Function::new("read_mark_at_gate", read_mark_at_gate);
static NOT_REGISTERED: Function<(), u32> = Function::new("not_registered", pid);

static FUNCTIONS: &[&dyn RemoteFunction] = &[
    &channel::PRINT_LINE,
    &channel::PANIC_HERE,
    #[cfg(target_os = "linux")]
    &channel_attacks::CORRUPT_THE_RESULTS,
    #[cfg(target_os = "linux")]
    &channel_attacks::CLOSE_THE_CHANNEL,
    #[cfg(target_os = "linux")]
    &channel_attacks::LEAK_THE_CHANNEL_AND_EXIT,
    &no_hang::WAIT_FOR_FILE,
    &no_hang::BYTE_COUNT,
    &no_hang::PANIC_ON_DECODE,
    &no_hang::FAIL_UNLESS_OK,
    &PID,
    &SQUARE,
    &SLEEP_MS,
    &FAIL,
    &ABORT,
    &EXIT,
    &UNSERIALIZABLE_RESULT,
    &CRASH_ON_DECODE,
    &SET_MARK,
    &REFUSE_TO_START,
    &READ_MARK,
    &READ_MARK_AT_GATE,
];

/// A value whose `Serialize` always fails (Python: an object that cannot be pickled).
#[derive(Debug)]
struct Unserializable;
impl Serialize for Unserializable {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("Unserializable refuses"))
    }
}
impl<'de> Deserialize<'de> for Unserializable {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Ok(Unserializable)
    }
}

/// A value that kills the process that decodes it: the worker dies before the task runs.
#[derive(Debug)]
struct AbortOnDecode;
impl Serialize for AbortOnDecode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}
impl<'de> Deserialize<'de> for AbortOnDecode {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        std::process::abort()
    }
}

// ---- Helpers ---------------------------------------------------------------------------------

/// Far longer than anything here should take; only a hang reaches it.
const SOON: Duration = Duration::from_secs(60);

fn pool(workers: usize) -> ProcessPoolExecutor {
    ProcessPoolExecutor::new(workers).expect("workers > 0")
}

fn is_broken<T: std::fmt::Debug>(result: Result<T, FutureError>) -> bool {
    matches!(
        result,
        Err(FutureError::Failed(TaskError::BrokenProcessPool { .. }))
    )
}

use platform::{alive, is_our_child};

// ---- The tests -------------------------------------------------------------------------------

fn tasks_in_a_row_reuse_one_process() {
    let pool = pool(4);
    let pids: HashSet<u32> = (0..5)
        .map(|_| pool.submit(PID.call(())).unwrap().into_result().unwrap())
        .collect();
    assert_eq!(pids.len(), 1);
    assert_eq!(pool.processes_started(), 1);
}

fn saturation_starts_exactly_max_workers() {
    let pool = pool(2);
    let futures: Vec<_> = (0..6)
        .map(|_| pool.submit(SLEEP_MS.call(30)).unwrap())
        .collect();
    let pids: HashSet<u32> = futures
        .into_iter()
        .map(|f| f.into_result().unwrap())
        .collect();
    assert_eq!(pool.processes_started(), 2);
    assert!(pids.len() <= 2, "{pids:?}");
}

fn worker_pids_differ_from_the_parent() {
    let pool = pool(1);
    let worker = pool.submit(PID.call(())).unwrap().into_result().unwrap();
    assert_ne!(worker, std::process::id());
    assert_eq!(pool.worker_pids(), [worker]);
}

fn max_tasks_per_child_replaces_the_worker() {
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .max_tasks_per_child(NonZeroUsize::new(2).unwrap())
        .build()
        .unwrap();
    let pids: Vec<u32> = (0..6)
        .map(|_| pool.submit(PID.call(())).unwrap().into_result().unwrap())
        .collect();
    assert_eq!(pids[0], pids[1]);
    assert_ne!(pids[1], pids[2]);
    assert_eq!(pids[2], pids[3]);
    assert_ne!(pids[3], pids[4]);
    assert_eq!(pids[4], pids[5]);
    assert_eq!(pool.processes_started(), 3);
}

fn map_with_chunksize_replaces_the_worker_per_chunk() {
    // Python counts a chunk as one task for max_tasks_per_child; so do we.
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .max_tasks_per_child(NonZeroUsize::new(1).unwrap())
        .build()
        .unwrap();
    let options = MapOptions::new().chunksize(NonZeroUsize::new(10).unwrap());
    let squares: Vec<u64> = pool
        .map_with(SQUARE, 0..30, options)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(squares, (0..30).map(|n| n * n).collect::<Vec<_>>());
    assert_eq!(pool.processes_started(), 3);
}

fn initializer_runs_in_each_worker() {
    let pool = ProcessPoolExecutor::builder()
        .max_workers(2)
        .initializer(SET_MARK.call("ready".to_owned()))
        .build()
        .unwrap();
    // The first worker waits at a gate, so the marks are read by a second one.
    let (_dir, gate) = no_hang::gate();
    let waiting = pool.submit(READ_MARK_AT_GATE.call(gate.clone())).unwrap();
    let futures: Vec<_> = (0..6)
        .map(|_| pool.submit(READ_MARK.call(())).unwrap())
        .collect();
    for future in futures {
        assert_eq!(future.into_result().unwrap().as_deref(), Some("ready"));
    }
    no_hang::open(&gate);
    assert_eq!(waiting.into_result().unwrap().as_deref(), Some("ready"));
    assert_eq!(pool.processes_started(), 2);
}

fn failing_initializer_breaks_the_pool() {
    let pool = ProcessPoolExecutor::builder()
        .max_workers(1)
        .initializer(REFUSE_TO_START.call(()))
        .build()
        .unwrap();
    let future = pool.submit(PID.call(())).unwrap();
    match future.result(Some(SOON)) {
        Err(FutureError::Failed(TaskError::BrokenProcessPool { reason })) => {
            assert!(reason.contains("no database"), "{reason}");
        }
        other => panic!("expected a broken pool, got {other:?}"),
    }
    assert!(matches!(
        pool.submit(PID.call(())),
        Err(SubmitError::BrokenProcessPool { .. })
    ));
}

fn panics_come_back_and_the_worker_survives() {
    let pool = pool(1);
    let before = pool.submit(PID.call(())).unwrap().into_result().unwrap();
    match pool
        .submit(FAIL.call("no flag for XX".to_owned()))
        .unwrap()
        .result(Some(SOON))
    {
        Err(FutureError::Failed(TaskError::Panicked { message, .. })) => {
            assert_eq!(&*message, "no flag for XX");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    let after = pool.submit(PID.call(())).unwrap().into_result().unwrap();
    assert_eq!(before, after, "the worker survived the panic");
}

fn a_serialization_failure_fails_only_its_future() {
    static TAKES_UNSERIALIZABLE: Function<Unserializable, ()> =
        Function::new("crash_on_decode", |_| ());
    let pool = pool(1);
    let before = pool.submit(PID.call(())).unwrap().into_result().unwrap();
    let argument = pool
        .submit(TAKES_UNSERIALIZABLE.call(Unserializable))
        .unwrap();
    assert!(matches!(
        argument.result(Some(SOON)),
        Err(FutureError::Failed(TaskError::Serialization { .. }))
    ));
    let result = pool.submit(UNSERIALIZABLE_RESULT.call(())).unwrap();
    match result.result(Some(SOON)) {
        Err(FutureError::Failed(TaskError::Serialization { message })) => {
            assert!(
                message.contains("encode the result of `unserializable_result`"),
                "{message}"
            );
        }
        other => panic!("expected a serialization error, got {other:?}"),
    }
    assert_eq!(
        pool.submit(SQUARE.call(12)).unwrap().into_result().unwrap(),
        144
    );
    assert_eq!(
        pool.submit(PID.call(())).unwrap().into_result().unwrap(),
        before
    );
}

fn a_worker_killed_from_outside_breaks_the_pool_within_a_second() {
    let pool = pool(2);
    let running: Vec<_> = (0..2)
        .map(|_| pool.submit(SLEEP_MS.call(60_000)).unwrap())
        .collect();
    let pending: Vec<_> = (0..3)
        .map(|_| pool.submit(SQUARE.call(2)).unwrap())
        .collect();
    let victim = pool.worker_pids()[0];
    let killed_at = Instant::now();
    platform::kill_from_outside(victim);
    for future in &running {
        assert!(is_broken(future.result(Some(Duration::from_secs(1)))));
    }
    for future in &pending {
        assert!(is_broken(future.result(Some(Duration::from_secs(1)))));
    }
    assert!(killed_at.elapsed() < Duration::from_secs(1));
    assert!(matches!(
        pool.submit(PID.call(())),
        Err(SubmitError::BrokenProcessPool { .. })
    ));
}

fn abort_in_a_task_breaks_the_pool() {
    let pool = pool(1);
    let future = pool.submit(ABORT.call(())).unwrap();
    let queued = pool.submit(SQUARE.call(3)).unwrap();
    assert!(is_broken(future.result(Some(SOON))));
    assert!(is_broken(queued.result(Some(SOON))));
    assert!(pool.submit(PID.call(())).is_err());
}

fn exit_in_a_task_breaks_the_pool() {
    let pool = pool(1);
    let future = pool.submit(EXIT.call(1)).unwrap();
    match future.result(Some(SOON)) {
        Err(FutureError::Failed(TaskError::BrokenProcessPool { reason })) => {
            // std prints an exit status as "exit status: 1" on Unix, "exit code: 1" on Windows.
            assert!(
                reason.contains("exit status: 1") || reason.contains("exit code: 1"),
                "{reason}"
            );
        }
        other => panic!("expected a broken pool, got {other:?}"),
    }
}

fn a_crash_while_decoding_breaks_the_pool() {
    let pool = pool(1);
    let future = pool.submit(CRASH_ON_DECODE.call(AbortOnDecode)).unwrap();
    assert!(is_broken(future.result(Some(SOON))));
}

fn shutdown_with_cancel_futures_cancels_the_queued_tasks() {
    let pool = pool(1);
    let running = pool.submit(SLEEP_MS.call(300)).unwrap();
    let queued: Vec<_> = (0..4)
        .map(|n| pool.submit(SQUARE.call(n)).unwrap())
        .collect();
    pool.shutdown(true, true);
    assert!(running.result(None).is_ok());
    assert!(queued.iter().all(|f| f.cancelled()));
    assert!(matches!(
        pool.submit(PID.call(())),
        Err(SubmitError::Shutdown)
    ));
}

fn shutdown_without_cancel_runs_the_queued_tasks() {
    let pool = pool(2);
    let futures: Vec<_> = (0..20)
        .map(|n| pool.submit(SQUARE.call(n)).unwrap())
        .collect();
    pool.shutdown(true, false);
    for (n, future) in (0..20).zip(futures) {
        assert_eq!(future.into_result().unwrap(), n * n);
    }
}

fn terminate_workers_stops_a_running_task() {
    let pool = pool(1);
    let future = pool.submit(SLEEP_MS.call(60_000)).unwrap();
    let worker = pool.worker_pids()[0];
    let queued = pool.submit(SQUARE.call(2)).unwrap();
    pool.terminate_workers();
    assert!(is_broken(future.result(Some(SOON))));
    assert!(queued.cancelled());
    assert!(!alive(worker));
    assert!(matches!(
        pool.submit(PID.call(())),
        Err(SubmitError::Shutdown)
    ));
}

fn kill_workers_stops_a_running_task() {
    let pool = pool(2);
    let future = pool.submit(SLEEP_MS.call(60_000)).unwrap();
    let workers = pool.worker_pids();
    pool.kill_workers();
    assert!(is_broken(future.result(Some(SOON))));
    assert!(workers.iter().all(|&pid| !alive(pid)));
}

fn no_child_survives_the_executors_drop() {
    let pool = pool(2);
    let futures: Vec<_> = (0..4)
        .map(|_| pool.submit(SLEEP_MS.call(20)).unwrap())
        .collect();
    let pids = pool.worker_pids();
    assert!(!pids.is_empty());
    drop(pool);
    for future in futures {
        assert!(future.done());
    }
    for pid in pids {
        assert!(!alive(pid), "worker {pid} outlived the pool");
        assert!(!is_our_child(pid), "worker {pid} was not reaped");
    }
}

fn no_child_survives_a_broken_pool() {
    let pool = pool(2);
    let futures: Vec<_> = (0..2)
        .map(|_| pool.submit(SLEEP_MS.call(60_000)).unwrap())
        .collect();
    let pids = pool.worker_pids();
    platform::kill_from_outside(pids[0]);
    assert!(futures.iter().all(|f| is_broken(f.result(Some(SOON)))));
    drop(pool);
    for pid in pids {
        // A zombie is not alive, but still our child: it must have been reaped as well.
        assert!(
            !alive(pid) && !is_our_child(pid),
            "worker {pid} outlived the broken pool, or was never reaped"
        );
    }
}

/// The parent exits without dropping its pool (`process::exit`): the workers must go too.
///
/// This test process makes itself a "child subreaper", so the orphaned workers are re-parented
/// to it rather than to init: it can then reap them and see *how* they died (killed by the
/// `SIGKILL` of `PR_SET_PDEATHSIG`), and it leaves no zombie behind for an init that does not
/// reap.
#[cfg(target_os = "linux")]
fn workers_exit_when_the_parent_exits_early() {
    rustix::process::set_child_subreaper(Some(rustix::process::getpid()))
        .expect("become a child subreaper");
    for pid in orphaned_workers() {
        assert_eq!(
            reap(pid),
            Some(rustix::process::Signal::KILL),
            "worker {pid}"
        );
    }
}

/// On Windows the Job Object does the work of `PR_SET_PDEATHSIG`: when the parent ends, its
/// last handle to the job closes, and the system ends every worker in it.
#[cfg(windows)]
fn workers_exit_when_the_parent_exits_early() {
    for pid in orphaned_workers() {
        let deadline = Instant::now() + SOON;
        while alive(pid) {
            assert!(
                Instant::now() < deadline,
                "worker {pid} outlived its parent"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Runs [`orphan_parent`] in a child copy of this binary and returns its workers' pids.
#[cfg(any(target_os = "linux", windows))]
fn orphaned_workers() -> Vec<u32> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut parent = Command::new(std::env::current_exe().unwrap())
        .env(ORPHAN_PARENT, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = parent.stdout.take().unwrap();
    let pids: Vec<u32> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| line.trim().parse().ok())
        .collect();
    assert!(parent.wait().unwrap().success());
    assert_eq!(pids.len(), 2, "{pids:?}");
    pids
}

/// Waits for `pid` (an orphan re-parented to us) to exit, polling so that a worker that never
/// dies fails the test instead of hanging it. Returns the signal that killed it.
#[cfg(target_os = "linux")]
fn reap(pid: u32) -> Option<rustix::process::Signal> {
    use rustix::process::{Pid, WaitOptions, waitpid};
    let deadline = Instant::now() + SOON;
    let pid = Pid::from_raw(pid as i32).expect("a positive pid");
    while Instant::now() < deadline {
        match waitpid(Some(pid), WaitOptions::NOHANG) {
            Ok(Some((_, status))) => {
                return status
                    .terminating_signal()
                    .and_then(rustix::process::Signal::from_named_raw);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(error) => panic!("waitpid({pid:?}): {error}"),
        }
    }
    panic!("worker {pid:?} still running after {SOON:?}");
}

const ORPHAN_PARENT: &str = "PROCESS_POOL_TEST_ORPHAN_PARENT";

/// The parent half of the test above, run in a child copy of this binary.
fn orphan_parent() -> ! {
    let pool = pool(2);
    // Two overlapping tasks start both workers; their results prove both are serving (past
    // the `prctl`), so the test sees the death signal rather than the start-up check.
    let started: Vec<_> = (0..2)
        .map(|_| pool.submit(SLEEP_MS.call(50)).unwrap())
        .collect();
    for future in started {
        future.into_result().unwrap();
    }
    let futures: Vec<_> = (0..2)
        .map(|_| pool.submit(SLEEP_MS.call(60_000)).unwrap())
        .collect();
    for pid in pool.worker_pids() {
        println!("{pid}");
    }
    std::mem::forget((pool, futures));
    std::process::exit(0)
}

fn thread_and_process_futures_mix_in_one_as_completed() {
    let threads = ThreadPoolExecutor::new(2).unwrap();
    let processes = pool(2);
    let mut futures = Vec::new();
    for n in 0..5_u64 {
        futures.push(threads.submit(move || n * n).unwrap());
        futures.push(processes.submit(SQUARE.call(n)).unwrap());
    }
    let mut total = 0;
    for future in as_completed(&futures, Some(SOON)) {
        total += future.unwrap().result(None).unwrap();
    }
    assert_eq!(total, 2 * (0..5).map(|n| n * n).sum::<u64>());
}

fn map_keeps_input_order_with_and_without_chunks() {
    let pool = pool(2);
    let plain: Vec<u64> = pool
        .map(SQUARE, 0..100, None)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let options = MapOptions::new().chunksize(NonZeroUsize::new(7).unwrap());
    let chunked: Vec<u64> = pool
        .map_with(SQUARE, 0..1000, options)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(plain, (0..100).map(|n| n * n).collect::<Vec<_>>());
    assert_eq!(chunked, (0..1000).map(|n| n * n).collect::<Vec<_>>());
}

/// Ported from ProcessPoolShutdownTest.test_del_shutdown: `res = executor.map(abs, ...)`, then
/// `del executor`, then every result is there. Dropping the pool is `shutdown(wait = true)`:
/// the tasks run and the workers are reaped first; the `Map`, which does not borrow the pool,
/// then yields every result.
fn a_map_outlives_its_pool_and_yields_every_result() {
    let pool = pool(2);
    let results = pool.map(SQUARE, 0..20, None).unwrap();
    let workers = pool.worker_pids();
    drop(pool);
    assert!(
        workers.iter().all(|&pid| !alive(pid)),
        "a worker outlived the pool"
    );
    let squares: Vec<u64> = results.collect::<Result<_, _>>().unwrap();
    assert_eq!(squares, (0..20).map(|n| n * n).collect::<Vec<_>>());
}

fn map_with_buffersize_and_chunksize_reads_an_endless_input() {
    let pool = pool(2);
    let options = MapOptions::new()
        .buffersize(NonZeroUsize::new(8).unwrap())
        .chunksize(NonZeroUsize::new(4).unwrap());
    let squares: Vec<u64> = pool
        .map_with(SQUARE, 0.., options)
        .unwrap()
        .take(50)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(squares, (0..50).map(|n| n * n).collect::<Vec<_>>());
}

/// A result is sent as soon as it is ready, even when more requests wait in the worker's
/// channel (it used to wait for the next task to end, to travel with its result).
fn a_result_is_not_held_back_while_the_next_task_runs() {
    let pool = pool(1);
    let first = pool.submit(SLEEP_MS.call(200)).unwrap();
    let quick = pool.submit(SLEEP_MS.call(0)).unwrap();
    let slow = pool.submit(SLEEP_MS.call(5_000)).unwrap();
    // Enough behind them that the pool writes them to the busy worker in batches.
    let rest: Vec<_> = (0..14)
        .map(|_| pool.submit(SLEEP_MS.call(0)).unwrap())
        .collect();
    first.result(Some(SOON)).unwrap();
    assert!(
        quick.result(Some(Duration::from_secs(2))).is_ok(),
        "the quick task's result waited for the slow task after it"
    );
    assert!(!slow.done());
    pool.kill_workers();
    drop(rest);
}

/// Two threads shut the pool down at once: both return only once every worker is reaped.
fn every_caller_of_shutdown_wait_waits() {
    let pool = std::sync::Arc::new(pool(1));
    let running = pool.submit(SLEEP_MS.call(1_000)).unwrap();
    let worker = pool.worker_pids()[0];
    let first = {
        let pool = std::sync::Arc::clone(&pool);
        std::thread::spawn(move || pool.shutdown(true, false))
    };
    std::thread::sleep(Duration::from_millis(100));
    pool.shutdown(true, false);
    assert!(
        running.done(),
        "the second shutdown(wait) returned before the task ended"
    );
    assert!(
        !alive(worker),
        "the second shutdown(wait) returned before the worker exited"
    );
    first.join().unwrap();
}

fn submit_refuses_an_unregistered_function() {
    let pool = pool(1);
    assert!(matches!(
        pool.submit(NOT_REGISTERED.call(())),
        Err(SubmitError::UnknownFunction {
            name: "not_registered"
        })
    ));
    assert_eq!(pool.processes_started(), 0);
}

const TESTS: &[(&str, fn())] = &[
    (
        "tasks_in_a_row_reuse_one_process",
        tasks_in_a_row_reuse_one_process,
    ),
    (
        "saturation_starts_exactly_max_workers",
        saturation_starts_exactly_max_workers,
    ),
    (
        "worker_pids_differ_from_the_parent",
        worker_pids_differ_from_the_parent,
    ),
    (
        "max_tasks_per_child_replaces_the_worker",
        max_tasks_per_child_replaces_the_worker,
    ),
    (
        "map_with_chunksize_replaces_the_worker_per_chunk",
        map_with_chunksize_replaces_the_worker_per_chunk,
    ),
    (
        "initializer_runs_in_each_worker",
        initializer_runs_in_each_worker,
    ),
    (
        "failing_initializer_breaks_the_pool",
        failing_initializer_breaks_the_pool,
    ),
    (
        "panics_come_back_and_the_worker_survives",
        panics_come_back_and_the_worker_survives,
    ),
    (
        "a_serialization_failure_fails_only_its_future",
        a_serialization_failure_fails_only_its_future,
    ),
    (
        "a_worker_killed_from_outside_breaks_the_pool_within_a_second",
        a_worker_killed_from_outside_breaks_the_pool_within_a_second,
    ),
    (
        "abort_in_a_task_breaks_the_pool",
        abort_in_a_task_breaks_the_pool,
    ),
    (
        "exit_in_a_task_breaks_the_pool",
        exit_in_a_task_breaks_the_pool,
    ),
    (
        "a_crash_while_decoding_breaks_the_pool",
        a_crash_while_decoding_breaks_the_pool,
    ),
    (
        "shutdown_with_cancel_futures_cancels_the_queued_tasks",
        shutdown_with_cancel_futures_cancels_the_queued_tasks,
    ),
    (
        "shutdown_without_cancel_runs_the_queued_tasks",
        shutdown_without_cancel_runs_the_queued_tasks,
    ),
    (
        "terminate_workers_stops_a_running_task",
        terminate_workers_stops_a_running_task,
    ),
    (
        "kill_workers_stops_a_running_task",
        kill_workers_stops_a_running_task,
    ),
    (
        "no_child_survives_the_executors_drop",
        no_child_survives_the_executors_drop,
    ),
    (
        "no_child_survives_a_broken_pool",
        no_child_survives_a_broken_pool,
    ),
    // Other Unixes (macOS) have no parent-death signal: an orphaned worker exits only at the
    // end of its current task, when it reads the end of its request pipe.
    #[cfg(any(target_os = "linux", windows))]
    (
        "workers_exit_when_the_parent_exits_early",
        workers_exit_when_the_parent_exits_early,
    ),
    (
        "thread_and_process_futures_mix_in_one_as_completed",
        thread_and_process_futures_mix_in_one_as_completed,
    ),
    (
        "map_keeps_input_order_with_and_without_chunks",
        map_keeps_input_order_with_and_without_chunks,
    ),
    (
        "a_map_outlives_its_pool_and_yields_every_result",
        a_map_outlives_its_pool_and_yields_every_result,
    ),
    (
        "map_with_buffersize_and_chunksize_reads_an_endless_input",
        map_with_buffersize_and_chunksize_reads_an_endless_input,
    ),
    (
        "submit_refuses_an_unregistered_function",
        submit_refuses_an_unregistered_function,
    ),
    (
        "a_result_is_not_held_back_while_the_next_task_runs",
        a_result_is_not_held_back_while_the_next_task_runs,
    ),
    (
        "every_caller_of_shutdown_wait_waits",
        every_caller_of_shutdown_wait_waits,
    ),
];

fn main() {
    // First line, always: in a worker this never returns (see `run_worker_if_child`).
    run_worker_if_child(FUNCTIONS);
    if std::env::var_os(ORPHAN_PARENT).is_some() {
        orphan_parent();
    }
    if std::env::var_os(channel::PRINT_PROGRAM).is_some() {
        channel::print_program();
    }
    let mut arguments = Arguments::from_args();
    // One test at a time unless asked otherwise: several tests check how soon a pool breaks,
    // and their workers would compete for the two cores of a small machine.
    arguments.test_threads.get_or_insert(1);
    #[cfg(target_os = "linux")]
    let platform_tests = channel_attacks::TESTS;
    #[cfg(not(target_os = "linux"))]
    let platform_tests = &[];
    let trials = TESTS
        .iter()
        .chain(no_hang::TESTS)
        .chain(channel::TESTS)
        .chain(platform_tests)
        // libtest-mimic catches a failing test's panic and reports it as libtest does.
        .map(|&(name, test)| {
            Trial::test(name, move || {
                test();
                Ok(())
            })
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit();
}
