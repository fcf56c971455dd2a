//! Checks the flags2 tests of every style share: a download folder holds only whole flags, and
//! how many codes a stopped run left untried.

use std::io;
use std::path::Path;

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
/// assert_eq!(flags_testkit::not_tried("*** Interrupted: 17 codes not tried.\n"), 17);
/// ```
pub fn not_tried(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("*** Interrupted: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
