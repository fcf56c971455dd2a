//! Opening a served file on Unix, where a FIFO can sit anywhere in a directory tree.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens `path` for reading without waiting for anything.
///
/// - `O_NONBLOCK`: POSIX has `open` of a FIFO for reading return at once instead of waiting for a
///   writer; the caller then sees from the handle that it is no regular file. On a regular file
///   the flag changes nothing: reading one waits for the disk whatever the flags say.
/// - `O_NOCTTY`: should the path name a terminal after all, it must not become the server's
///   controlling terminal by being opened.
///
/// std adds `O_CLOEXEC` itself, so the file is not inherited by programs the server starts.
pub(super) fn open_without_waiting(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// No file name means a device on Unix: devices are entries in the tree like any other, and the
/// checks on their metadata refuse them.
pub(super) fn is_device_name(_name: &OsStr) -> bool {
    false
}
