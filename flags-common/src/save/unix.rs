//! Saving on Unix: `rename(2)` replaces the target atomically, whoever has it open, and the
//! temporary file is created with the permissions of a plainly created file.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Moves `from` onto `to`, replacing `to` if it exists, atomically: a reader sees the old file
/// or the new one, never neither. A program that has the old file open keeps reading the old
/// bytes (it holds the old inode, which lives on until it closes it).
pub(super) fn replace(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}

/// Creates `path`, which must not exist yet, for writing: the temporary file a flag is written to.
///
/// A temporary file is usually private (mode 0600), and the rename keeps the mode: every saved
/// flag would be unreadable to other users. Asking for 0666 gives what `File::create` gives,
/// since the kernel applies the umask to both (0644 with the usual 022).
pub(super) fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o666)
        .open(path)
}
