//! Saving on Windows: a rename that replaces the target, tried again while another program holds
//! one of the two files busy; a plain new file for the temporary one (it gets its folder's ACL).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION,
};

/// How long a busy file is waited for before the save fails: far longer than a virus scanner or
/// an indexer holds a new file, far shorter than a person would wait.
const GIVE_UP_AFTER: Duration = Duration::from_secs(1);

/// Moves `from` onto `to`, replacing `to` if it exists.
///
/// `std::fs::rename` is `MoveFileExW` with `MOVEFILE_REPLACE_EXISTING`, which fails with "access
/// denied" when another program has `to` open; std then retries with POSIX semantics
/// (`FileRenameInfoEx`, Windows 10 1607 and later on NTFS), which replaces a target whose
/// openers allowed deletion, as every program built on std does, and leaves them reading the old
/// bytes, as on Unix. A target opened without that sharing (by many Windows programs, and for a
/// moment by scanners) cannot be replaced by anyone: we wait for it, up to [`GIVE_UP_AFTER`].
pub(super) fn replace(from: &Path, to: &Path) -> io::Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match std::fs::rename(from, to) {
            Err(error) if is_busy(&error) && started.elapsed() < GIVE_UP_AFTER => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(error) if is_busy(&error) => {
                return Err(io::Error::new(
                    error.kind(),
                    format!(
                        "{error}; another program kept {} or its temporary file open for {GIVE_UP_AFTER:?}",
                        to.display()
                    ),
                ));
            }
            done => return done,
        }
    }
}

/// True for the errors a file that another program holds open gives a rename.
fn is_busy(error: &io::Error) -> bool {
    [
        ERROR_ACCESS_DENIED,
        ERROR_SHARING_VIOLATION,
        ERROR_LOCK_VIOLATION,
    ]
    .iter()
    .any(|&code| error.raw_os_error() == i32::try_from(code).ok())
}

/// Creates `path`, which must not exist yet, for writing: the temporary file a flag is written to.
/// No permissions to set: a file created on Windows takes the access rules of its folder, so the
/// flag ends up as readable as any file the user creates there.
pub(super) fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}
