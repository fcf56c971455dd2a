//! loom models of the pool's lock-free protocols: the admission [`Gate`] racing with
//! `shutdown`, the [`Sleep`] protocol (no lost wake-up between a push and a worker going to
//! sleep), and the announcement of a batch a worker takes and lends to its peers ([`Lent`]).
//!
//! loom cannot run crossbeam's queue, so a tiny queue of two counters stands in for it, with
//! *weaker* orderings than crossbeam's (Release pushes, Acquire looks, where crossbeam uses
//! `SeqCst` loads): if the protocol is right over this queue, it is right over the real one.
//! `submit` and `worker_loop` below repeat, line for line, what `ThreadPoolExecutor::submit_closure`
//! and `worker::next_job` do around the queue.
//!
//! ```text
//! RUSTFLAGS="--cfg executor_core_loom" cargo test -p executor-core --release --lib loom_models
//! ```
//!
//! Two experiments show the models have teeth: removing the fence in `Sleep::work_queued` makes
//! `a_pushed_job_always_finds_a_worker` fail with a deadlock (the worker sleeps on a job nobody
//! announced), and letting `Gate::close` skip its wait for submitters in progress makes
//! `shutdown_racing_with_submit_strands_no_job` fail its final count.

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;

use super::gate::Gate;
use super::local::Lent;
use super::sleep::Sleep;

/// Job `n` is the `n`-th push; `pushed` and `taken` count pushes and pops.
struct CountingQueue {
    pushed: AtomicUsize,
    taken: AtomicUsize,
}

impl CountingQueue {
    fn new() -> Self {
        CountingQueue {
            pushed: AtomicUsize::new(0),
            taken: AtomicUsize::new(0),
        }
    }

    /// One pusher at a time in these models (the gate's tests have a single submitter).
    fn push(&self) {
        let n = self.pushed.load(Ordering::Relaxed);
        self.pushed.store(n + 1, Ordering::Release);
    }

    fn pop(&self) -> Option<usize> {
        loop {
            let taken = self.taken.load(Ordering::Acquire);
            if taken >= self.pushed.load(Ordering::Acquire) {
                return None;
            }
            if self
                .taken
                .compare_exchange(taken, taken + 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return Some(taken);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.taken.load(Ordering::Acquire) >= self.pushed.load(Ordering::Acquire)
    }
}

/// A pool without threads of its own: the state the protocols share, plus a count of jobs run.
struct ModelPool {
    queue: CountingQueue,
    gate: Gate,
    sleep: Sleep,
    ran: Mutex<usize>,
    ran_changed: Condvar,
}

impl ModelPool {
    fn new() -> Arc<Self> {
        Arc::new(ModelPool {
            queue: CountingQueue::new(),
            gate: Gate::new(),
            sleep: Sleep::new(),
            ran: Mutex::new(0),
            ran_changed: Condvar::new(),
        })
    }

    /// `submit_closure` around the queue: enter, push, leave, announce. False if refused.
    fn submit(&self) -> bool {
        let Some(pass) = self.gate.enter() else {
            return false;
        };
        self.queue.push();
        drop(pass);
        self.sleep.work_queued();
        true
    }

    /// `worker::next_job`, then "run" the job by counting it.
    fn worker_loop(&self) {
        let mut may_spin = true;
        loop {
            let job = if let Some(job) = self.queue.pop() {
                if !self.queue.is_empty() {
                    self.sleep.spread_burst();
                }
                Some(job)
            } else if self.gate.is_drained() {
                self.queue.pop()
            } else {
                self.sleep.wait_for_work(&mut may_spin, || {
                    !self.queue.is_empty() || self.gate.is_drained()
                });
                continue;
            };
            let Some(_job) = job else { return };
            self.record_run();
        }
    }

    /// `shutdown(wait = false, cancel_futures = false)`: close, then wake everyone.
    fn shutdown(&self) {
        self.gate.close();
        self.sleep.wake_all();
    }

    /// "Runs" a job: counts it and tells `wait_until_ran`.
    fn record_run(&self) {
        *self.ran.lock().unwrap() += 1;
        self.ran_changed.notify_all();
    }

    fn wait_until_ran(&self, jobs: usize) {
        let mut ran = self.ran.lock().unwrap();
        while *ran < jobs {
            ran = self.ran_changed.wait(ran).unwrap();
        }
    }
}

/// A worker of `pool` on its own thread, running `worker_loop`.
fn spawn_worker(pool: &Arc<ModelPool>) -> thread::JoinHandle<()> {
    let pool = Arc::clone(pool);
    thread::spawn(move || pool.worker_loop())
}

fn check(model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(model);
}

/// Every pushed job gets run while the pool is open: a lost wake-up would leave the worker
/// asleep and the main thread waiting forever, which loom reports as a deadlock.
#[test]
fn a_pushed_job_always_finds_a_worker() {
    check(|| {
        let pool = ModelPool::new();
        let worker = spawn_worker(&pool);
        for jobs in 1..=2 {
            assert!(pool.submit());
            // Shutdown would wake the worker anyway: wait for the job *before* shutting down.
            pool.wait_until_ran(jobs);
        }
        pool.shutdown();
        worker.join().unwrap();
    });
}

/// Two workers, one of them possibly spinning, and a burst of two jobs: both run before shutdown.
#[test]
fn a_burst_is_spread_between_spinning_and_sleeping_workers() {
    check(|| {
        let pool = ModelPool::new();
        let workers: Vec<_> = (0..2).map(|_| spawn_worker(&pool)).collect();
        assert!(pool.submit());
        assert!(pool.submit());
        pool.wait_until_ran(2);
        pool.shutdown();
        for worker in workers {
            worker.join().unwrap();
        }
    });
}

/// A submit racing with shutdown is either refused or its job runs: never accepted and then
/// left in the queue after the workers exit.
#[test]
fn shutdown_racing_with_submit_strands_no_job() {
    check(|| {
        let pool = ModelPool::new();
        let worker = spawn_worker(&pool);
        let submitter = {
            let pool = Arc::clone(&pool);
            thread::spawn(move || pool.submit())
        };
        pool.shutdown();
        let accepted = submitter.join().unwrap();
        worker.join().unwrap();
        assert_eq!(*pool.ran.lock().unwrap(), usize::from(accepted));
        assert!(pool.queue.is_empty(), "no job is left behind");
        assert!(!pool.submit(), "a closed gate refuses");
    });
}

/// A worker that takes a batch runs one job and *lends* the rest (`worker::take`); while it is
/// busy with its own job, a sleeping or spinning peer must get the lent one. The owner announces
/// its batch like a submit (`Sleep::work_queued`, fenced), and the peer's wait treats lent jobs
/// as work: a lost wake-up leaves the peer asleep and the owner waiting, a deadlock for loom.
#[test]
fn a_lent_job_reaches_a_peer_while_its_owner_is_busy() {
    check(|| {
        let pool = ModelPool::new();
        // The owner's own queue, as its peers see it, and the count of lent jobs.
        let lent = Arc::new((CountingQueue::new(), Lent::new()));
        let peer = {
            let (pool, lent) = (Arc::clone(&pool), Arc::clone(&lent));
            thread::spawn(move || {
                let (owner_queue, count) = &*lent;
                let mut may_spin = true;
                loop {
                    // `LocalQueues::steal`: look at peers only when the count says to.
                    if count.any() {
                        if owner_queue.pop().is_some() {
                            count.took_one();
                            pool.record_run();
                            return;
                        }
                        // Counted but not there yet: let the owner finish moving it in.
                        thread::yield_now();
                    }
                    pool.sleep.wait_for_work(&mut may_spin, || count.any());
                }
            })
        };
        // The owner: the batch lands in its queue, is counted, is announced, and the owner
        // "runs" its own job until the lent one has run elsewhere.
        let (owner_queue, count) = &*lent;
        owner_queue.push();
        count.lend(1);
        pool.sleep.work_queued();
        pool.wait_until_ran(1);
        peer.join().unwrap();
    });
}
