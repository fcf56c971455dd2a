//! Exercise 7 · CPU-bound work on threads: where Rust and Python part ways (follows
//! `primes.py`, `threads.py` and `procs.py`).
//!
//! Write `is_prime` (trial division is fine) and `check_on_pool`, which checks every number on
//! the pool with `Executor::map` and returns `(number, is_prime)` pairs in input order. Then run
//! `cargo run --release --bin ex07_primes_threads` and explain the numbers it prints: in
//! Python, `threads.py` is no faster than the sequential script and only `procs.py` uses
//! every core. Why does the Rust thread pool speed up with workers? When would it stop?
//!
//! Test it: `cargo test --bin ex07_primes_threads` (in `docs/`). Hints: `docs/info.toml` or the
//! book's exercise page.

use std::time::Instant;

use executor_core::{Executor, ThreadPoolExecutor};

// ANCHOR: task
/// True if `n` is a prime number.
fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n < 4 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    // Compare `d * d` with `n` instead of computing a square root: no floating point rounding.
    let mut divisor = 3;
    while divisor <= n / divisor {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// Checks every number on `executor` and returns `(number, is_prime)` in input order.
fn check_on_pool(
    executor: &ThreadPoolExecutor,
    numbers: &[u64],
) -> anyhow::Result<Vec<(u64, bool)>> {
    let results = executor.map(|n| (n, is_prime(n)), numbers.to_vec(), None)?;
    let mut checked = Vec::with_capacity(numbers.len());
    for result in results {
        checked.push(result?);
    }
    Ok(checked)
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
        let checked = check_on_pool(&executor, numbers)?;
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
        assert!(is_prime(1_000_000_007));
        assert!(is_prime(1_000_000_009));
        assert!(!is_prime(4_294_967_297), "2^32 + 1 = 641 * 6700417");
        assert!(!is_prime(1_000_000_007 * 3));
    }

    #[test]
    fn pool_results_keep_the_input_order() {
        let executor = ThreadPoolExecutor::new(3).unwrap();
        let numbers = [97, 4, 7919, 1_000_000_007, 10, 2];
        let checked = check_on_pool(&executor, &numbers).unwrap();
        assert_eq!(
            checked,
            [
                (97, true),
                (4, false),
                (7919, true),
                (1_000_000_007, true),
                (10, false),
                (2, true)
            ]
        );
        assert!(
            executor.num_threads() > 0,
            "the numbers were not checked on the pool"
        );
    }
}
