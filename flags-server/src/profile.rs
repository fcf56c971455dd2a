//! The server's "bad network" profile: how long each request waits and whether it is answered
//! `418 I'm a Teapot`, like the delay and error rate of `slow_server.py`, but reproducible with a seed.
//!
//! # What "reproducible" means when requests race
//! The obvious design, one seeded random number generator shared by all requests, gives each
//! request the next numbers in one sequence. Then the outcome depends on *arrival order*: when
//! twenty concurrent downloads race, which flag gets the slow delay or the 418 changes from run to
//! run, and the sequential and concurrent downloaders see different failures with the same seed.
//!
//! So the dice for a request are derived from what the request *is*: the seed, the URL path, and
//! how many times that path was asked for before (its visit number). The first request for
//! `/flags/cn/cn.gif` gets the same delay and fate in every run with the same seed, whatever else
//! is in flight; a retry (visit 1) gets fresh dice. Only requests for the *same* path that race
//! each other can swap outcomes, which a downloader never does.
//!
//! The dice are a ChaCha12 generator keyed by (seed, hash of path, visit): ChaCha is a strong
//! pseudo-random function, so neighbouring keys give unrelated streams. Naming the algorithm
//! (`rand_chacha`) rather than using `StdRng` pins the stream: `rand` may give `StdRng` a new
//! algorithm in a later release, which would silently change every seeded run.
//!
//! The one shared piece of state is the visit counter per path. Reproducibility needs no lock
//! around the generator itself: each request builds its own, so requests never contend for it.
//!
//! The error roll is drawn before the delay, so the same seed fails the same requests whatever
//! `--delay` says.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

use super::delay::Delay;
use tokio_util::sync::CancellationToken;

/// How many distinct paths get their own visit counter. The map lives as long as the server; a
/// client inventing endless new paths would otherwise grow it without bound. Past the cap, new
/// paths are all treated as a first visit, which keeps them reproducible.
const MAX_TRACKED_PATHS: usize = 100_000;

/// What the profile decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// How long to wait before answering.
    pub(crate) delay: Duration,
    /// Whether to answer `418 I'm a Teapot` instead of the real response (GET requests only).
    pub(crate) teapot: bool,
}

/// The delay, the error rate, and the seeded dice that choose between outcomes.
#[derive(Debug)]
pub(crate) struct Profile {
    delay: Delay,
    error_rate: f64,
    seed: u64,
    /// Visits so far, per path, keyed by the path's 64-bit hash (the one the dice use) rather
    /// than the path itself: a client inventing long paths would otherwise fill memory (the cap
    /// below bounds entries, and a path can be 64 KB). This is a `std::sync::Mutex`, not
    /// `tokio::sync::Mutex`: it is held for one hash-map lookup and never across an `.await`, so
    /// it cannot stall the runtime, and a std mutex is cheaper. Tokio's mutex exists for locks
    /// that must stay held while waiting.
    visits: Mutex<HashMap<u64, u64>>,
}

impl Profile {
    /// `seed: None` draws a seed at random: same code path, just not repeatable.
    pub(crate) fn new(delay: Delay, error_rate: f64, seed: Option<u64>) -> Self {
        Profile {
            delay,
            error_rate,
            seed: seed.unwrap_or_else(rand::random),
            visits: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this profile can change anything; if not, the server skips it entirely.
    pub(crate) fn is_active(&self) -> bool {
        self.delay != Delay::None || self.error_rate > 0.0
    }

    /// Decides the delay and fate of the next request for `path`.
    pub(crate) fn outcome(&self, path: &str) -> Outcome {
        let path_hash = fnv1a(path.as_bytes());
        let visit = self.next_visit(path_hash);
        let mut dice = dice_for(self.seed, path_hash, visit);
        // Always roll, even at error rate 0, so the delay stream does not depend on the rate.
        let roll: f64 = dice.random(); // in [0, 1): rate 0 never fires, rate 1 always does
        let teapot = roll < self.error_rate;
        let delay = self.delay.sample(&mut dice);
        Outcome { delay, teapot }
    }

    fn next_visit(&self, path_hash: u64) -> u64 {
        // A panic while holding this lock cannot leave the map half-updated (the only writes are
        // an insert and an increment), so a poisoned lock is safe to keep using.
        let mut visits = self.visits.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = visits.get_mut(&path_hash) {
            let visit = *count;
            *count += 1;
            visit
        } else {
            if visits.len() < MAX_TRACKED_PATHS {
                visits.insert(path_hash, 1);
            }
            0
        }
    }
}

/// A generator keyed by everything that identifies the request (see the module docs).
fn dice_for(seed: u64, path_hash: u64, visit: u64) -> ChaCha12Rng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&path_hash.to_le_bytes());
    key[16..24].copy_from_slice(&visit.to_le_bytes());
    ChaCha12Rng::from_seed(key)
}

/// FNV-1a, a tiny hash with a fixed definition. `std`'s `DefaultHasher` would do, but its
/// algorithm may change between Rust releases, and that would change every seeded outcome.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// Stamped on every response the profile saw, so the request log can show the delay.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppliedDelay(pub(crate) Duration);

/// What the profile middleware needs: the dice, and the token that cuts delays short once the
/// server is stopping (see [`serve`](crate::serve)).
#[derive(Debug, Clone)]
pub(crate) struct ProfileState {
    pub(crate) profile: Arc<Profile>,
    pub(crate) stopping: CancellationToken,
}

/// Middleware: waits, then answers 418 or passes the request on, as the profile decides.
pub(crate) async fn apply(
    State(state): State<ProfileState>,
    request: Request,
    next: Next,
) -> Response {
    let outcome = state.profile.outcome(request.uri().path());
    let mut waited = outcome.delay;
    if !outcome.delay.is_zero() {
        let started = Instant::now();
        // A timer, not `std::thread::sleep`: this task is parked and the runtime thread is free
        // to serve every other connection meanwhile. That is why 1,000 delayed requests take
        // about one delay in total, not 1,000 of them. `select!` polls both futures and drops
        // the loser: if the server starts stopping first, the sleep is abandoned.
        tokio::select! {
            () = tokio::time::sleep(outcome.delay) => {}
            () = state.stopping.cancelled() => waited = started.elapsed(),
        }
    }
    let mut response = if outcome.teapot && request.method() == Method::GET {
        (
            StatusCode::IM_A_TEAPOT,
            "418 I'm a teapot (an error injected on purpose)\n",
        )
            .into_response()
    } else {
        next.run(request).await
    };
    response.extensions_mut().insert(AppliedDelay(waited));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: Delay = Delay::Uniform {
        min: Duration::from_millis(100),
        max: Duration::from_millis(300),
    };

    #[test]
    fn same_seed_same_path_same_visit_gives_the_same_outcome() {
        let first = Profile::new(RANGE, 0.5, Some(42));
        let second = Profile::new(RANGE, 0.5, Some(42));
        for _ in 0..50 {
            assert_eq!(
                first.outcome("/flags/cn/cn.gif"),
                second.outcome("/flags/cn/cn.gif")
            );
        }
    }

    #[test]
    fn outcomes_do_not_depend_on_the_order_of_other_requests() {
        let forward = Profile::new(RANGE, 0.3, Some(7));
        let backward = Profile::new(RANGE, 0.3, Some(7));
        let paths = ["/flags/br/br.gif", "/flags/cn/cn.gif", "/flags/in/in.gif"];
        let got: Vec<_> = paths.iter().map(|p| forward.outcome(p)).collect();
        let mut got_reversed: Vec<_> = paths.iter().rev().map(|p| backward.outcome(p)).collect();
        got_reversed.reverse();
        assert_eq!(got, got_reversed);
    }

    #[test]
    fn a_retry_gets_fresh_dice() {
        let profile = Profile::new(RANGE, 0.5, Some(1));
        let delays: Vec<_> = (0..20)
            .map(|_| profile.outcome("/flags/cn/cn.gif").delay)
            .collect();
        assert!(delays.windows(2).any(|pair| pair[0] != pair[1]));
    }

    #[test]
    fn error_rate_zero_never_and_one_always_fires() {
        let never = Profile::new(Delay::None, 0.0, Some(3));
        let always = Profile::new(Delay::None, 1.0, Some(3));
        for i in 0..200 {
            let path = format!("/flags/x{i}");
            assert!(!never.outcome(&path).teapot);
            assert!(always.outcome(&path).teapot);
        }
    }

    #[test]
    fn changing_the_delay_keeps_the_same_failures() {
        let slow = Profile::new(RANGE, 0.5, Some(9));
        let fast = Profile::new(Delay::None, 0.5, Some(9));
        for i in 0..100 {
            let path = format!("/flags/{i}");
            assert_eq!(slow.outcome(&path).teapot, fast.outcome(&path).teapot);
        }
    }

    #[test]
    fn error_share_is_close_to_the_rate() {
        let profile = Profile::new(Delay::None, 0.25, Some(11));
        let teapots = (0..4000)
            .filter(|_| profile.outcome("/flags/cn/cn.gif").teapot)
            .count();
        // Binomial(4000, 0.25) has a standard deviation of about 27; this is over 7 of them,
        // and with a fixed seed the count is the same on every run anyway.
        assert!((800..=1200).contains(&teapots), "{teapots}");
    }

    #[test]
    fn fnv1a_matches_its_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
