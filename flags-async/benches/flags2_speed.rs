//! Speed figures of `flags2-async`, measured as a child process against built-in servers in this
//! process: `-e -m 100` with no delay (wall and CPU time), `-a -m 194` and `-e -m 1000` with a
//! fixed 0.1 s delay (ratio to the 0.1 s floor, peak memory), each beside a bare client of the
//! same shape (`flags_testkit::bare`) in the same rounds, a floor measured on this machine.
//!
//! Run with `cargo bench -p flags-async --bench flags2_speed`.

fn main() -> anyhow::Result<()> {
    flags_testkit::speed::flags2_figures(
        "flags2-async",
        env!("CARGO_BIN_EXE_flags2-async").as_ref(),
        9,
        flags_testkit::speed::BareShape::Tasks,
    )
}
