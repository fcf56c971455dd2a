//! Saving on Unix: `rename(2)` replaces the target atomically, whoever has it open, and a
//! temporary file needs its permissions widened to those of a plainly created file.

use std::fs::Permissions;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Moves `from` onto `to`, replacing `to` if it exists, atomically: a reader sees the old file
/// or the new one, never neither. A program that has the old file open keeps reading the old
/// bytes (it holds the old inode, which lives on until it closes it).
pub(super) fn replace(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}

/// The permissions to create the temporary file with.
///
/// A temporary file is private (mode 0600) unless asked otherwise, and the rename keeps the mode:
/// every saved flag would be unreadable to other users. Asking for 0666 gives what `File::create`
/// gives, since the kernel applies the umask to both (0644 with the usual 022).
pub(super) fn new_file_permissions() -> Option<Permissions> {
    Some(Permissions::from_mode(0o666))
}
