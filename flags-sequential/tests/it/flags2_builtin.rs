//! `flags2-sequential` against the built-in server: every code accounted for, and the ERROR
//! profile reproducible with a seed.

use std::path::Path;

use flags_common::codes::all_cc;
use flags_common::status::Counter;
use flags_testkit::verify::verify_downloads;

/// What `-s ERROR --seed 7 -a -l 12` gives: the server's dice follow each path, not the arrival
/// order, so every style must see exactly these counts (their tests check the same numbers).
const SEED_7_FIRST_12: Counter = Counter {
    ok: 10,
    not_found: 0,
    errors: 2,
};

fn run(dir: &Path, args: &[&str]) -> Counter {
    let program = assert_cmd::cargo::cargo_bin!("flags2-sequential");
    flags_testkit::run_flags2(program, dir, args).0
}

#[test]
fn every_code_on_local_finds_194_flags_and_482_missing() {
    let dir = tempfile::tempdir().unwrap();
    let counter = run(dir.path(), &["-e"]);
    assert_eq!(
        counter,
        Counter {
            ok: 194,
            not_found: 482,
            errors: 0
        }
    );
    verify_downloads(&dir.path().join("downloaded"), &all_cc()).unwrap();
}

#[test]
fn the_error_server_with_a_seed_gives_the_same_counts_every_run() {
    let args = ["-s", "ERROR", "--seed", "7", "-a", "-l", "12"];
    // Two runs at once, each with its own built-in server: 6 s of waiting, not 12.
    let (first, second) = std::thread::scope(|scope| {
        let runs =
            [(); 2].map(|()| scope.spawn(|| run(tempfile::tempdir().unwrap().path(), &args)));
        let [first, second] = runs.map(|run| run.join().unwrap());
        (first, second)
    });
    assert_eq!(first.total(), 12);
    assert_eq!(first, second);
    assert_eq!(first, SEED_7_FIRST_12);
}
