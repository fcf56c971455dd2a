//! How close the sequential downloader comes to its floor: 20 requests at a fixed 0.1 s each cannot
//! take less than 2.0 s. Target: within 1.05x. Run with `cargo bench -p flags-sequential`.

use std::time::Duration;

fn main() -> anyhow::Result<()> {
    let delay = Duration::from_millis(100);
    let floor = delay * 20;
    flags_testkit::bench::against_floor(
        "sequential",
        flags_sequential::download_many,
        delay,
        floor,
        5,
    )?;
    Ok(())
}
