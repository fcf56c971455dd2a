//! What the flags2 tests of every style share: checking that a download folder holds only whole
//! flags, reading a report, and (on Unix) running a program and stopping it with Ctrl-C or
//! SIGTERM once its header is out, then checking all a clean stop promises
//! ([`assert_stopped_cleanly`]).
//!
//! It lives in the library (not in each crate's `tests/`) so the sequential, thread-pool and async
//! tests prove the same things in the same way.

use std::io;
use std::path::Path;

// Unix only. A test on Windows cannot press Ctrl-C for one child: `GenerateConsoleCtrlEvent`
// reaches every process attached to the sender's console (the test runner included) unless the
// child runs in a process group of its own, and a new process group ignores Ctrl-C; only
// Ctrl-Break could be sent, which is not what a user presses. The programs handle Ctrl-C on
// Windows through the same `ctrlc` handler as on Unix (see `crate::interrupt`).
#[cfg(unix)]
mod stop;
#[cfg(unix)]
pub use stop::{HANG_GUARD, Stop, StoppedRun, assert_stopped_cleanly, run_and_stop, send};

/// Checks that `dest_dir` (if it exists) holds only finished `.gif` files, each a valid GIF with
/// an image: no hidden temporary `.part` file, nothing truncated. Returns how many there are.
pub fn whole_flags_only(dest_dir: &Path) -> Result<usize, String> {
    let entries = match std::fs::read_dir(dest_dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(format!("cannot list {}: {err}", dest_dir.display())),
    };
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dest_dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.ends_with(".gif") {
            return Err(format!(
                "unexpected file {name:?} in {}",
                dest_dir.display()
            ));
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("cannot read {name}: {e}"))?;
        let has_frame = gif::DecodeOptions::new()
            .read_info(bytes.as_slice())
            .and_then(|mut decoder| decoder.read_next_frame().map(|frame| frame.is_some()))
            .map_err(|e| format!("{name} is not a whole GIF: {e}"))?;
        if !has_frame {
            return Err(format!("{name} is a GIF with no image"));
        }
        count += 1;
    }
    Ok(count)
}

/// The number in `*** Interrupted: N codes not tried.`, or 0 when the line is absent.
///
/// ```
/// assert_eq!(flags_common::testing::not_tried("*** Interrupted: 17 codes not tried.\n"), 17);
/// ```
pub fn not_tried(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("*** Interrupted: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
