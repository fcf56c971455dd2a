//! How close the async downloader comes to its floor: all 20 requests at a fixed 0.1 s are in
//! flight at once, so the floor is one round trip, 0.1 s. Target: within 1.2x.
//! Run with `cargo bench -p flags-async`.

use std::time::Duration;

fn main() -> anyhow::Result<()> {
    let delay = Duration::from_millis(100);
    flags_testkit::bench::against_floor("async", flags_async::download_many, delay, delay, 10)?;
    Ok(())
}
