//! The chapter's CPU-bound workload, shared by the `proc_pool` and `thread_pool_primes`
//! examples: `primes.py`'s 20 numbers and its naive `is_prime`, plus the `check` and report
//! lines of `proc_pool.py`. Not an example itself (Cargo only builds `examples/*.rs`).

use std::time::{Duration, Instant};

/// `primes.py`'s numbers: primes and composites of up to 16 digits, a few in each bracket.
pub const NUMBERS: [u64; 20] = [
    2,
    142_702_110_479_723,
    299_593_572_317_531,
    3_333_333_333_333_301,
    3_333_333_333_333_333,
    3_333_335_652_092_209,
    4_444_444_444_444_423,
    4_444_444_444_444_444,
    4_444_444_488_888_889,
    5_555_553_133_149_889,
    5_555_555_555_555_503,
    5_555_555_555_555_555,
    6_666_666_666_666_666,
    6_666_666_666_666_719,
    6_666_667_141_414_921,
    7_777_777_536_340_681,
    7_777_777_777_777_753,
    7_777_777_777_777_777,
    9_999_999_999_999_917,
    9_999_999_999_999_999,
];

/// Trial division by every odd number up to the square root: deliberately slow, so that a
/// 16-digit prime costs tens of millions of divisions (tenths of a second in Rust, seconds in
/// Python).
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let root = n.isqrt();
    (3..=root)
        .step_by(2)
        .all(|divisor| !n.is_multiple_of(divisor))
}

/// `proc_pool.py`'s `check`: the number, whether it is prime, and how long that took.
pub fn check(n: u64) -> (u64, bool, Duration) {
    let start = Instant::now();
    let prime = is_prime(n);
    (n, prime, start.elapsed())
}

/// The numbers largest first, as `proc_pool.py` submits them: the slow ones start early.
pub fn largest_first() -> Vec<u64> {
    let mut numbers = NUMBERS.to_vec();
    numbers.sort_unstable_by(|a, b| b.cmp(a));
    numbers
}

/// One report line: `{n:16}  P {elapsed:9.6f}s`, a blank instead of `P` for a composite.
pub fn report_line(n: u64, prime: bool, elapsed: Duration) -> String {
    let label = if prime { 'P' } else { ' ' };
    format!("{n:16}  {label} {:9.6}s", elapsed.as_secs_f64())
}

/// The worker count from the command line (`[WORKERS]`), or `default` without one. `-h` or
/// `--help` prints the usage and exits with 0; anything else that is not a positive integer,
/// or a second argument, prints the usage with the problem and exits with 2, as argparse does.
pub fn workers_from_args(default: usize) -> usize {
    let mut args = std::env::args();
    let program = args.next().unwrap_or_default();
    let program = std::path::Path::new(&program)
        .file_stem()
        .map_or_else(|| "primes".into(), |stem| stem.to_string_lossy());
    let usage = format!(
        "usage: {program} [WORKERS]\n\nWORKERS: how many workers check the numbers (default: {default}, one per CPU)"
    );
    let (first, second) = (args.next(), args.next());
    let problem = match (first.as_deref(), second) {
        (None, _) => return default,
        (Some("-h" | "--help"), None) => {
            println!("{usage}");
            std::process::exit(0);
        }
        (Some(arg), None) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => return n,
            _ => format!("WORKERS must be a positive integer, not {arg:?}"),
        },
        (Some(_), Some(extra)) => format!("unexpected argument {extra:?}"),
    };
    eprintln!("{usage}\n\n{program}: error: {problem}");
    std::process::exit(2);
}
