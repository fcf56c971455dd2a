//! Injected delays and `418 I'm a Teapot` errors: reproducible with a seed, independent of the
//! order requests arrive in, and only for GETs.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::support::{get, send_raw};
use flags_server::codes::POP20_CC;
use flags_server::{Delay, FlagServer, ServerConfig};

fn flaky(seed: u64, error_rate: f64) -> FlagServer {
    FlagServer::start(ServerConfig {
        error_rate,
        seed: Some(seed),
        ..ServerConfig::default()
    })
    .expect("start")
}

fn statuses(addr: SocketAddr, target: &str, count: usize) -> Vec<u16> {
    (0..count).map(|_| get(addr, target).status).collect()
}

fn flag_path(cc: &str) -> String {
    let cc = cc.to_lowercase();
    format!("/flags/{cc}/{cc}.gif")
}

#[test]
fn the_same_seed_gives_the_same_errors_twice() {
    let first = statuses(flaky(42, 0.3).addr(), "/flags/cn/cn.gif", 300);
    let second = statuses(flaky(42, 0.3).addr(), "/flags/cn/cn.gif", 300);
    assert_eq!(first, second);
    assert!(first.iter().all(|&status| status == 200 || status == 418));
    let teapots = first.iter().filter(|&&status| status == 418).count();
    assert!(teapots > 0 && teapots < 300, "{teapots}");
}

#[test]
fn another_seed_gives_other_errors() {
    let first = statuses(flaky(1, 0.5).addr(), "/flags/cn/cn.gif", 64);
    let second = statuses(flaky(2, 0.5).addr(), "/flags/cn/cn.gif", 64);
    assert_ne!(first, second);
}

#[test]
fn the_error_share_follows_the_rate_with_exact_seeded_counts() {
    let count_teapots = || {
        let server = flaky(2024, 0.25);
        statuses(server.addr(), "/flags/br/br.gif", 1000)
            .into_iter()
            .filter(|&status| status == 418)
            .count()
    };
    let first = count_teapots();
    // Seeded, so the exact count repeats; the loose range only checks the rate is honoured
    // (the standard deviation of a binomial(1000, 0.25) count is about 14).
    assert_eq!(first, count_teapots());
    assert!((180..=320).contains(&first), "{first}");
}

#[test]
fn a_flag_gets_the_same_outcome_whatever_the_arrival_order() {
    let forward = flaky(7, 0.5);
    let backward = flaky(7, 0.5);
    let in_order: Vec<u16> = POP20_CC
        .iter()
        .map(|cc| get(forward.addr(), &flag_path(cc)).status)
        .collect();
    let mut reversed: Vec<u16> = POP20_CC
        .iter()
        .rev()
        .map(|cc| get(backward.addr(), &flag_path(cc)).status)
        .collect();
    reversed.reverse();
    assert_eq!(in_order, reversed);
}

#[test]
fn concurrent_downloads_see_the_same_errors_as_sequential_ones() {
    let sequential = flaky(11, 0.4);
    let expected: Vec<u16> = POP20_CC
        .iter()
        .map(|cc| get(sequential.addr(), &flag_path(cc)).status)
        .collect();

    let concurrent = flaky(11, 0.4);
    let addr = concurrent.addr();
    let barrier = std::sync::Barrier::new(POP20_CC.len());
    let got: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = POP20_CC
            .iter()
            .map(|cc| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait(); // all 20 requests leave together
                    get(addr, &flag_path(cc)).status
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("client thread"))
            .collect()
    });
    assert_eq!(got, expected);
}

#[test]
fn only_gets_are_answered_with_a_teapot() {
    let server = flaky(3, 1.0);
    assert_eq!(get(server.addr(), "/flags/cn/cn.gif").status, 418);
    let head = send_raw(server.addr(), b"HEAD /flags/cn/cn.gif HTTP/1.0\r\n\r\n");
    assert_eq!(head.status, 200);
}

#[test]
fn a_fixed_delay_holds_each_answer_at_least_that_long() {
    // A lower bound only: a timer never fires early, however busy the machine is.
    let delay = Duration::from_millis(50);
    let server = FlagServer::start(ServerConfig {
        delay: Delay::Fixed(delay),
        ..ServerConfig::default()
    })
    .expect("start");
    let started = Instant::now();
    assert_eq!(get(server.addr(), "/flags/cn/cn.gif").status, 200);
    assert!(started.elapsed() >= delay);
}
