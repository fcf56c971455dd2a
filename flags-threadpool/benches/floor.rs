//! How close the thread-pool downloader comes to its floor: with the default pool of
//! min(32, cores + 4) workers, 20 requests at a fixed 0.1 s take at least ceil(20 / workers) round
//! trips (0.4 s on a 2-core machine). Target: within 1.2x. Run with `cargo bench -p flags-threadpool`.

use std::time::Duration;

fn main() -> anyhow::Result<()> {
    let delay = Duration::from_millis(100);
    let workers = executor_core::default_max_workers();
    let floor = delay * 20_usize.div_ceil(workers) as u32;
    println!("default pool: {workers} workers");
    flags_testkit::bench::against_floor(
        "threadpool",
        flags_threadpool::download_many,
        delay,
        floor,
        10,
    )?;
    Ok(())
}
