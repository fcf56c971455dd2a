//! Exercise 7 · CPU-bound work on threads: where Rust and Python part ways (follows
//! `primes.py`, `threads.py` and `procs.py`).
//!
//! Write `is_prime` (trial division is fine) and `check_on_pool`, which checks every number on
//! the pool with `Executor::map`, all at once, and returns `(number, is_prime)` pairs in input
//! order (the check is a parameter, `is_prime` in `main`, so the tests can watch it). Then run
//! `cargo run --release --bin ex07_primes_threads` and explain the numbers it prints: in
//! Python, `threads.py` is no faster than the sequential script and only `procs.py` uses
//! every core. Why does the Rust thread pool speed up with workers? When would it stop?
//!
//! Test it: `cargo test --bin ex07_primes_threads` (in `docs/`). Hints: `docs/info.toml` or the
//! book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(unused_imports, unused_variables)]

use std::time::Instant;

use executor_core::{Executor, ThreadPoolExecutor};

// ANCHOR: task
/// True if `n` is a prime number.
fn is_prime(n: u64) -> bool {
    // TODO: Trial division: try the divisors up to the square root of `n`.
    todo!()
}

/// Runs `check` (`is_prime` in `main`) for every number on `executor` and returns
/// `(number, check(number))` in input order.
fn check_on_pool(
    executor: &ThreadPoolExecutor,
    numbers: &[u64],
    check: fn(u64) -> bool,
) -> anyhow::Result<Vec<(u64, bool)>> {
    // TODO: Use `executor.map` so that `check` runs for every number on the pool, in input order.
    todo!()
}
// ANCHOR_END: task

/// Large numbers that keep trial division busy: primes and products of two primes near
/// 31.6 million (the slow cases, about 16 million divisions each) mixed with easy composites.
const NUMBERS: [u64; 12] = [
    2,
    1_000_000_000_000_037,
    999_996_483_443_777, // 31_622_713 * 31_622_729
    999_999_999_999_999,
    1_000_000_000_000_091,
    1_000_000_000_000_159,
    4_444_444_444_444_444,
    3_333_333_333_333_301,
    999_997_811_598_563, // 31_622_741 * 31_622_743
    1_000_000_000_000_187,
    5_555_555_555_555_555,
    1_000_000_000_000_223,
];

fn main() -> anyhow::Result<()> {
    // A debug build is 5 to 10 times slower at arithmetic: there, a short list keeps the run
    // brief. The numbers to explain come from `--release`.
    let numbers = if cfg!(debug_assertions) {
        println!("debug build: 4 numbers only; use --release for the real measurement");
        &NUMBERS[..4]
    } else {
        &NUMBERS[..]
    };
    let start = Instant::now();
    let sequential: Vec<(u64, bool)> = numbers.iter().map(|&n| (n, is_prime(n))).collect();
    println!("sequential: {:.2?}", start.elapsed());
    for workers in [1, 2, 4, 8] {
        let executor = ThreadPoolExecutor::new(workers)?;
        let start = Instant::now();
        let checked = check_on_pool(&executor, numbers, is_prime)?;
        println!("{workers} worker(s): {:.2?}", start.elapsed());
        assert_eq!(
            checked, sequential,
            "the pool must agree with the sequential check"
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("cores on this machine: {cores}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Condvar, Mutex, PoisonError};
    use std::time::Duration;

    /// How long a check below waits for the others before it gives up. Threads that run side
    /// by side meet within microseconds; only checks run one at a time ever wait this long.
    const PATIENCE: Duration = Duration::from_secs(5);

    /// The sieve of Eratosthenes: a second, independent opinion on small numbers.
    fn sieve(limit: usize) -> Vec<bool> {
        let mut prime = vec![true; limit];
        prime[0] = false;
        prime[1] = false;
        for n in 2..limit {
            if prime[n] {
                for multiple in (n * n..limit).step_by(n) {
                    prime[multiple] = false;
                }
            }
        }
        prime
    }

    #[test]
    fn agrees_with_a_sieve_below_5000() {
        for (n, expected) in sieve(5000).into_iter().enumerate() {
            assert_eq!(is_prime(n as u64), expected, "is_prime({n})");
        }
    }

    #[test]
    fn knows_some_large_numbers() {
        assert!(is_prime(1_000_000_007), "1_000_000_007 is prime");
        assert!(is_prime(1_000_000_009), "1_000_000_009 is prime");
        assert!(!is_prime(4_294_967_297), "2^32 + 1 = 641 * 6700417");
        assert!(
            !is_prime(1_000_000_007 * 3),
            "3_000_000_021 = 3 * 1_000_000_007"
        );
    }

    /// What the checks of `checks_run_side_by_side_on_the_pool` have seen.
    struct Seen {
        running: usize,
        most: usize,
        gave_up: bool,
    }

    /// A `Mutex` and a `Condvar` for the checks to meet at.
    struct Meeting {
        seen: Mutex<Seen>,
        changed: Condvar,
    }

    impl Meeting {
        const fn new() -> Self {
            Meeting {
                seen: Mutex::new(Seen {
                    running: 0,
                    most: 0,
                    gave_up: false,
                }),
                changed: Condvar::new(),
            }
        }

        fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
            self.seen.lock().unwrap_or_else(PoisonError::into_inner)
        }
    }

    static SIDE_BY_SIDE: Meeting = Meeting::new();

    /// `is_prime`, except that each check first waits until three checks are running at the
    /// same time, so that none can finish before the others have started. Checks run one at a
    /// time never get there: the first gives up after `PATIENCE`, and the rest do not wait.
    fn check_side_by_side(n: u64) -> bool {
        let mut seen = SIDE_BY_SIDE.seen();
        seen.running += 1;
        seen.most = seen.most.max(seen.running);
        SIDE_BY_SIDE.changed.notify_all();
        let (mut seen, _) = SIDE_BY_SIDE
            .changed
            .wait_timeout_while(seen, PATIENCE, |seen| seen.most < 3 && !seen.gave_up)
            .unwrap_or_else(PoisonError::into_inner);
        if seen.most < 3 {
            seen.gave_up = true;
        }
        seen.running -= 1;
        drop(seen);
        is_prime(n)
    }

    #[test]
    fn checks_run_side_by_side_on_the_pool() {
        let executor = ThreadPoolExecutor::new(3).unwrap();
        let numbers = [2, 3, 4, 5, 6, 7];
        let checked = check_on_pool(&executor, &numbers, check_side_by_side).unwrap();
        assert_eq!(
            checked,
            [
                (2, true),
                (3, true),
                (4, false),
                (5, true),
                (6, false),
                (7, true)
            ],
            "one (number, check(number)) pair per number, in order"
        );
        let most = SIDE_BY_SIDE.seen().most;
        assert!(
            most > 0,
            "`check` was never called: call the `check` you are given (the tests pass their own \
             to watch the pool), not `is_prime` itself"
        );
        assert!(
            most >= 3,
            "only {most} check(s) ran at once on a pool of 3 workers: the numbers were checked \
             one at a time. Give them all to `executor.map` at once"
        );
    }

    /// True once the check of the last number (2) is over; for `first_finishes_last`.
    static LAST_CHECKED: Mutex<bool> = Mutex::new(false);
    static LAST_CHECKED_CHANGED: Condvar = Condvar::new();

    /// `is_prime`, except that the first number's check (97) waits until the last number's
    /// (2) is over, so that the first result is the last one ready. (At most `PATIENCE`: checks
    /// run one at a time would never get to 2 while 97 waits.)
    fn first_finishes_last(n: u64) -> bool {
        let last_checked = LAST_CHECKED.lock().unwrap_or_else(PoisonError::into_inner);
        if n == 97 {
            let _ = LAST_CHECKED_CHANGED
                .wait_timeout_while(last_checked, PATIENCE, |checked| !*checked)
                .unwrap_or_else(PoisonError::into_inner);
        } else if n == 2 {
            let mut last_checked = last_checked;
            *last_checked = true;
            LAST_CHECKED_CHANGED.notify_all();
        }
        is_prime(n)
    }

    #[test]
    fn pool_results_keep_the_input_order() {
        let executor = ThreadPoolExecutor::new(3).unwrap();
        let numbers = [97, 4, 7919, 1_000_000_007, 10, 2];
        let checked = check_on_pool(&executor, &numbers, first_finishes_last).unwrap();
        assert_eq!(
            checked,
            [
                (97, true),
                (4, false),
                (7919, true),
                (1_000_000_007, true),
                (10, false),
                (2, true)
            ],
            "one (number, is_prime) pair per number, in the order of `numbers` (as `map` \
             yields them), although 97 finished last"
        );
    }
}
