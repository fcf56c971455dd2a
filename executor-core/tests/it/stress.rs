//! Stress: 200,000 tasks submitted from 4 threads at once, with random cancels, callbacks and
//! panics. Proves that every future ends in exactly one final state, every callback runs exactly
//! once, every value is dropped exactly once, and dropping the executor joins all its threads.
//! Then 100 rounds of submits racing with `shutdown`: every submit is refused or its future is
//! done once `shutdown(wait = true, ..)` returns (letting the admission gate skip its wait for
//! submits in flight makes this fail in a fraction of a second).
//!
//! Full size even in a debug build (about a second on the 2-core CI machine), so it runs as part of
//! `cargo test --workspace`. Run alone with `cargo test -p executor-core --test it stress::`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use executor_core::{Executor, Future, FutureError, TaskError, ThreadPoolExecutor};

const SUBMITTERS: usize = 4;
const TASKS: usize = 200_000;
/// Not a prefix of the test binary's own name (`it-<hash>`), which names the main thread.
const PREFIX: &str = "tortured";

/// A task's value that counts its own drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// xorshift64: a tiny deterministic generator, so a failure can be replayed from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A future, whether its task panics, and the run count of its callback if it has one.
type Submitted = (Future<Counted>, bool, Option<Arc<AtomicUsize>>);

#[derive(Default)]
struct Tally {
    created: AtomicUsize,
    dropped: Arc<AtomicUsize>,
    ran: AtomicUsize,
    callbacks_added: AtomicUsize,
    callbacks_ran: Arc<AtomicUsize>,
    cancelled: AtomicUsize,
}

/// Names of this process's threads that belong to the pool under test (Linux only; elsewhere
/// the check is skipped).
fn pool_threads() -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with(&format!("{PREFIX}_")))
        .collect()
}

fn submit_batch(pool: &ThreadPoolExecutor, tally: &Arc<Tally>, seed: u64) -> Vec<Submitted> {
    let mut rng = Rng(seed);
    let mut futures = Vec::with_capacity(TASKS / SUBMITTERS);
    for _ in 0..TASKS / SUBMITTERS {
        let panics = rng.below(16) == 0;
        let task_tally = Arc::clone(tally);
        let future = pool
            .submit(move || {
                task_tally.ran.fetch_add(1, Ordering::Relaxed);
                if panics {
                    panic!("stress task fails on purpose");
                }
                task_tally.created.fetch_add(1, Ordering::Relaxed);
                Counted(Arc::clone(&task_tally.dropped))
            })
            .expect("the pool is running");
        let callback_runs = (rng.below(4) == 0).then(|| {
            tally.callbacks_added.fetch_add(1, Ordering::Relaxed);
            let runs = Arc::new(AtomicUsize::new(0));
            let (this_one, all) = (Arc::clone(&runs), Arc::clone(&tally.callbacks_ran));
            future.add_done_callback(move |f| {
                assert!(f.done());
                this_one.fetch_add(1, Ordering::Relaxed);
                all.fetch_add(1, Ordering::Relaxed);
            });
            runs
        });
        if rng.below(4) == 0 && future.cancel() {
            tally.cancelled.fetch_add(1, Ordering::Relaxed);
        }
        futures.push((future, panics, callback_runs));
    }
    futures
}

#[test]
fn many_tasks_from_many_threads_end_in_exactly_one_final_state() {
    // Silence the expected panic messages of the failing tasks; keep all others.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info
            .payload()
            .downcast_ref::<&str>()
            .is_some_and(|message| message.contains("on purpose"));
        if !expected {
            default_hook(info);
        }
    }));

    let tally = Arc::new(Tally::default());
    let pool = ThreadPoolExecutor::builder()
        .max_workers(4)
        .thread_name_prefix(PREFIX)
        .build()
        .expect("4 workers is valid");

    let batches: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..SUBMITTERS as u64)
            .map(|i| {
                let (pool, tally) = (&pool, &tally);
                scope.spawn(move || submit_batch(pool, tally, 0x9E37_79B9_7F4A_7C15 ^ (i + 1)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("submitter"))
            .collect()
    });

    let (mut finished, mut failed, mut cancelled) = (0, 0, 0);
    for (future, panics, _) in batches.iter().flatten() {
        match future.result(None) {
            Ok(_) => {
                assert!(!*panics && !future.cancelled());
                finished += 1;
            }
            Err(FutureError::Failed(TaskError::Panicked { .. })) => {
                assert!(*panics && !future.cancelled());
                failed += 1;
            }
            Err(FutureError::Cancelled) => {
                assert!(future.cancelled() && future.done() && !future.running());
                cancelled += 1;
            }
            Err(other) => panic!("unexpected outcome {other:?} for {future}"),
        }
    }
    println!("{finished} finished, {failed} panicked, {cancelled} cancelled");
    assert_eq!(finished + failed + cancelled, TASKS);
    assert_eq!(cancelled, tally.cancelled.load(Ordering::Relaxed));
    assert_eq!(
        finished + failed,
        tally.ran.load(Ordering::Relaxed),
        "cancelled tasks never run"
    );
    assert!(!pool_threads().is_empty() || !cfg!(target_os = "linux"));

    drop(pool);
    assert!(
        pool_threads().is_empty(),
        "leaked threads: {:?}",
        pool_threads()
    );
    // Callbacks registered before completion may run in a worker after `result` returned; with
    // the workers joined, they have all finished.
    assert_eq!(
        tally.callbacks_ran.load(Ordering::Relaxed),
        tally.callbacks_added.load(Ordering::Relaxed)
    );
    for (_, _, runs) in batches.iter().flatten() {
        if let Some(runs) = runs {
            assert_eq!(
                runs.load(Ordering::Relaxed),
                1,
                "each callback runs exactly once"
            );
        }
    }
    drop(batches);
    assert_eq!(
        tally.dropped.load(Ordering::Relaxed),
        tally.created.load(Ordering::Relaxed),
        "every value dropped exactly once"
    );
    let _ = std::panic::take_hook();
}

/// Submits racing with `shutdown`, many times over: every submit is either refused or its future
/// is done by the time `shutdown(wait = true, ..)` returns. A job accepted but pushed after the
/// workers left (the race the pool's admission gate closes) would stay pending forever; the
/// check is `done()`, not a blocking `result()`, so such a bug fails the test instead of hanging
/// it.
#[test]
fn submits_racing_with_shutdown_are_refused_or_finished() {
    const ROUNDS: u64 = 100;
    const MAX_SUBMITS: usize = 5_000;
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for round in 0..ROUNDS {
        let pool = ThreadPoolExecutor::new(3).expect("3 workers is valid");
        let cancel_futures = round % 2 == 1;
        let start = std::sync::Barrier::new(4);
        let spins = rng.below(20_000);
        let accepted: Vec<Vec<Future<u64>>> = std::thread::scope(|scope| {
            let submitters: Vec<_> = (0..3)
                .map(|_| {
                    let (pool, start) = (&pool, &start);
                    scope.spawn(move || {
                        start.wait();
                        let mut futures = Vec::new();
                        for n in 0..MAX_SUBMITS as u64 {
                            match pool.submit(move || n) {
                                Ok(future) => futures.push(future),
                                Err(_) => break,
                            }
                        }
                        futures
                    })
                })
                .collect();
            start.wait();
            for _ in 0..spins {
                std::hint::spin_loop();
            }
            pool.shutdown(true, cancel_futures);
            submitters
                .into_iter()
                .map(|h| h.join().expect("submitter"))
                .collect()
        });
        for future in accepted.iter().flatten() {
            // Accepted before shutdown began (or in flight then, which `shutdown` waits for): it
            // ran, or, with `cancel_futures`, it may have been cancelled while queued.
            assert!(
                future.done(),
                "round {round}: an accepted future is still pending after shutdown: {future}"
            );
            if !cancel_futures {
                assert!(future.result(None).is_ok(), "round {round}: {future}");
            }
        }
    }
}
