//! Linux: a file answered on the runtime thread when the kernel can give it without waiting for
//! the disk; otherwise the caller makes its one trip to the blocking threads (see the module docs
//! of `files`).
//!
//! Two Linux calls let a program *ask* for the no-waiting case and be told "not now" instead of
//! blocked:
//! - `openat2` with `RESOLVE_CACHED` (Linux 5.12) looks the path up only in the kernel's cache of
//!   names; if any part of it would have to be read from disk, it fails at once with `EAGAIN`.
//! - `preadv2` with `RWF_NOWAIT` (Linux 4.14) reads only what is already in the page cache; if
//!   the data is not there, it fails at once with `EAGAIN`.
//!
//! A flag requested again and again is always cached, so the usual request costs no hand-over
//! between threads at all, and a cold or slow disk still never holds up the runtime thread.
//! Anything unusual (a directory, something that is not a regular file, a file over the cap, any
//! error, a file that changed size while read) is also left to the blocking path: that is where
//! those cases are decided and answered, so the two paths cannot disagree about them.

use std::io::IoSliceMut;
use std::path::Path;

use rustix::fs::{CWD, FileType, Mode, OFlags, ResolveFlags, fstat, openat2};
use rustix::io::{ReadWriteFlags, preadv2};

use super::{FileAnswer, Want, content_type};

/// Path lookup from the cache of names only: `EAGAIN` rather than a disk read.
const CACHED: ResolveFlags = ResolveFlags::CACHED;

/// `path`'s answer if the kernel can give it without waiting for a disk; `None` to take the
/// blocking path.
pub(super) fn answer_without_waiting(path: &Path, want: Want, max_len: u64) -> Option<FileAnswer> {
    // Check 1, by path, as `locate` does it: an `O_PATH` handle names the file without opening
    // it, so a device is looked at, never opened (opening one can be an action in itself).
    let name = openat2(
        CWD,
        path,
        OFlags::PATH | OFlags::CLOEXEC,
        Mode::empty(),
        CACHED,
    )
    .ok()?;
    regular_file_stat(&name)?;
    // Check 2, by handle, as `read_regular` does it, with the same flags as
    // `sys::open_without_waiting`: a FIFO swapped in meanwhile opens at once and is refused by
    // its type, and no terminal becomes ours.
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let file = openat2(CWD, path, flags, Mode::empty(), CACHED).ok()?;
    let stat = regular_file_stat(&file)?;
    let len = u64::try_from(stat.st_size).ok()?;
    if len > max_len {
        return None;
    }
    let contents = match want {
        Want::Length => None,
        Want::Contents => {
            let mut contents = vec![0; usize::try_from(len).ok()?];
            let mut filled = 0;
            while filled < contents.len() {
                let slice = IoSliceMut::new(&mut contents[filled..]);
                match preadv2(&file, &mut [slice], filled as u64, ReadWriteFlags::NOWAIT) {
                    Ok(0) | Err(_) => return None,
                    Ok(read) => filled += read,
                }
            }
            // One byte past the measured end: a file that grew meanwhile is the blocking path's
            // to judge against the cap.
            let mut past_end = [0; 1];
            let probe = IoSliceMut::new(&mut past_end);
            if preadv2(&file, &mut [probe], len, ReadWriteFlags::NOWAIT) != Ok(0) {
                return None;
            }
            Some(contents)
        }
    };
    Some(FileAnswer {
        content_type: content_type(path),
        len,
        contents,
    })
}

/// The handle's metadata if it is a regular file; `None` if it is anything else or `fstat`
/// fails.
fn regular_file_stat(handle: &rustix::fd::OwnedFd) -> Option<rustix::fs::Stat> {
    let stat = fstat(handle).ok()?;
    (FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile).then_some(stat)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file just written is in the kernel's caches, name and contents: the common case.
    #[test]
    fn a_cached_file_is_answered_without_waiting() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("br.gif");
        std::fs::write(&path, b"GIF89a Brazil").expect("write");
        let answer = answer_without_waiting(&path, Want::Contents, 1024)
            .expect("a cached file needs no trip to the blocking threads");
        assert_eq!(answer.contents.as_deref(), Some(&b"GIF89a Brazil"[..]));
        assert_eq!((answer.len, answer.content_type), (13, "image/gif"));
        let head = answer_without_waiting(&path, Want::Length, 1024).expect("HEAD");
        assert_eq!((head.len, head.contents), (13, None));
    }

    /// Every case that needs deciding goes to the blocking path, which decides it.
    #[test]
    fn anything_unusual_is_left_to_the_blocking_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let big = dir.path().join("big.gif");
        std::fs::write(&big, [0; 100]).expect("write");
        assert!(
            answer_without_waiting(&big, Want::Contents, 99).is_none(),
            "over the cap"
        );
        assert!(
            answer_without_waiting(dir.path(), Want::Contents, 99).is_none(),
            "a folder"
        );
        let missing = dir.path().join("missing.gif");
        assert!(
            answer_without_waiting(&missing, Want::Contents, 99).is_none(),
            "missing"
        );
        let fifo = dir.path().join("fifo.gif");
        nix::unistd::mkfifo(
            &fifo,
            nix::sys::stat::Mode::S_IRUSR | nix::sys::stat::Mode::S_IWUSR,
        )
        .expect("mkfifo");
        // Returns at once (a FIFO with no writer opens without waiting), and declines.
        assert!(
            answer_without_waiting(&fifo, Want::Contents, 99).is_none(),
            "a FIFO"
        );
    }
}
