//! Saving a downloaded flag atomically: the twin of `save_flag` in `flags.py`, made crash-safe.
//!
//! `flags.py` simply opens `downloaded/xx.gif` and writes to it, so a run interrupted in the middle
//! of a write leaves a truncated GIF behind. Here every flag is written to a temporary file in the
//! same directory and then renamed over its final name. A rename within one directory is atomic on
//! every platform Rust supports, so a reader (or a later run) sees either no file or the whole file,
//! never half of one. The temporary file has to live in the *same* directory: a rename across file
//! systems is not atomic (it is not even a rename, it is a copy).
//!
//! # Atomic, not durable
//! The rename protects against the *process* dying (Ctrl-C, `kill -9`, a panic): the kernel
//! already holds every byte written before the rename. It does not protect against the *machine*
//! dying: after a power cut the rename may be on disk before the data is. Surviving that takes an
//! `fsync` of the file before the rename (and of the folder after it), as a database does. We
//! measured the file's `fsync` alone on the development machine: it made each save about 0.2 ms
//! slower, nearly doubling it, and when 194 flags arrive at once their saves queue up (the
//! kernel creates one name at a time in a folder), so the wait added up to a large part of a
//! `-a -m 194` run beyond the server's delay. A downloaded flag is a copy of something the site
//! still has: if a power cut loses one, the next run fetches it again. So we skip the `fsync`, as
//! `flags.py` (and `curl -o`) do.
//!
//! # Replacing a flag that is already there
//! A second run saves over the first run's flags. On Unix the rename simply replaces the old
//! name, even while another program has the old file open (that program keeps reading the old
//! bytes). Windows is stricter: a file that another program holds open without sharing it for
//! deletion cannot be replaced at all, and virus scanners and indexers open freshly written files
//! for a moment, so a save can find its target, or its own temporary file, busy. The platform
//! modules keep that difference in one place: on Windows a rename that finds a file
//! busy is tried again for up to a second before the save fails, and the failure leaves the old
//! flag as it was.
//!
//! # Layout
//! - this module: the name check, the temporary file, and the order of the steps;
//! - `unix.rs`, `windows.rs`: the rename that replaces the target, and creating the temporary
//!   file with the permissions of a plainly created one, one module per platform behind the
//!   same two functions.

use std::io::Write;
use std::path::{Path, PathBuf};

// The platform layer: `replace(from, to)` and `create_new(path)`, one module per platform. The
// temporary file is `.xxxxxx.part` (tempfile picks the x's): the leading dot and the suffix make
// a leftover (after a `kill -9`) obviously unfinished.
#[cfg(unix)]
#[path = "unix.rs"]
mod sys;
#[cfg(windows)]
#[path = "windows.rs"]
mod sys;

/// The folder the downloaders write into, relative to the current directory (`DEST_DIR` in `flags.py`).
pub const DEST_DIR: &str = "downloaded";

/// Why a flag could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The file name would escape the destination folder (a path separator, `..`, or empty).
    #[error(
        "refusing to save {0:?}: a flag file name must be a plain name inside the destination folder"
    )]
    BadName(String),
    /// The file system said no.
    ///
    /// The message names the flag (not the temporary file it was being written to, a name the
    /// user never asked for) and the system's reason. That reason is part of the message and
    /// not also a `source()`: the programs print errors with their sources (anyhow's `{:#}`),
    /// and would print it twice.
    #[error("could not save {path}: {error}")]
    Io {
        /// The flag file we were trying to create.
        path: PathBuf,
        /// What the operating system reported.
        error: std::io::Error,
    },
}

/// Saves `img` as `dest_dir/filename`, creating `dest_dir` if needed; returns the final path.
///
/// The write is atomic: the bytes go to a temporary file beside the target, which is renamed into
/// place only once it is complete. If the process dies before the rename, the target does not
/// exist; the temporary file is removed when the write fails or panics. (Atomic, but not durable
/// across a power cut: see the module docs for why there is no `fsync`.)
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = flags_common::save::save_flag_in(dir.path(), b"GIF89a...", "br.gif")?;
/// assert_eq!(std::fs::read(&path)?, b"GIF89a...");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save_flag_in(dest_dir: &Path, img: &[u8], filename: &str) -> Result<PathBuf, SaveError> {
    if !is_plain_file_name(filename) {
        return Err(SaveError::BadName(filename.to_owned()));
    }
    let target = dest_dir.join(filename);
    let io_error = |error| SaveError::Io {
        path: target.clone(),
        error,
    };
    std::fs::create_dir_all(dest_dir).map_err(io_error)?;
    // `make_in` with our own `create_new` rather than `tempfile_in`: tempfile adds the temporary
    // file's name to the errors of the files it opens (and writes), and the message should name
    // the flag. For the same reason the bytes go through the `File`, not the `NamedTempFile`.
    let mut temp = tempfile::Builder::new()
        .prefix(".")
        .suffix(".part")
        .make_in(dest_dir, sys::create_new)
        .map_err(io_error)?;
    temp.as_file_mut().write_all(img).map_err(io_error)?;
    // Closed before the rename, so that no handle of ours is left on either name (on Windows an
    // open handle is what makes a file busy). Until `keep`, dropping `temp` deletes the file.
    let temp = temp.into_temp_path();
    // `keep` hands the name over to us: from here, a failed rename must delete the temporary
    // file itself.
    let temp = temp.keep().map_err(|e| io_error(e.error))?;
    if let Err(source) = sys::replace(&temp, &target) {
        let _ = std::fs::remove_file(&temp);
        return Err(io_error(source));
    }
    Ok(target)
}

/// Saves `img` as `downloaded/filename` under the current directory: `save_flag` of `flags.py`.
///
/// See [`save_flag_in`] for how the write is made atomic.
pub fn save_flag(img: &[u8], filename: &str) -> Result<PathBuf, SaveError> {
    save_flag_in(Path::new(DEST_DIR), img, filename)
}

/// True when `name` names a file directly inside a folder: not empty, no separators, not `.`/`..`,
/// no NUL. Flag names come from country codes (and, in flags3, from a server), so we check.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_creates_the_folder_and_writes_all_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("downloaded");
        let path = save_flag_in(&dest, b"GIF89a-bytes", "cn.gif").unwrap();
        assert_eq!(path, dest.join("cn.gif"));
        assert_eq!(std::fs::read(path).unwrap(), b"GIF89a-bytes");
    }

    // Unix only: Windows has no mode bits (a new file takes its folder's access rules).
    #[cfg(unix)]
    #[test]
    fn a_saved_flag_gets_the_mode_of_a_plainly_created_file() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let saved = save_flag_in(dir.path(), b"GIF89a", "br.gif").unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        // Both are 0666 minus the umask: readable by others when the umask allows it, as with
        // `flags.py` or `curl -o`, not private like a temporary file.
        assert_eq!(mode(&saved), mode(&plain));
    }

    #[test]
    fn save_leaves_no_temporary_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        save_flag_in(dir.path(), b"one", "a.gif").unwrap();
        save_flag_in(dir.path(), b"two", "a.gif").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.gif"]);
        assert_eq!(std::fs::read(dir.path().join("a.gif")).unwrap(), b"two");
    }

    fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn saving_over_an_existing_flag_replaces_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        save_flag_in(dir.path(), b"the first run's flag", "br.gif").unwrap();
        let path = save_flag_in(dir.path(), b"the second's", "br.gif").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"the second's");
        assert_eq!(names_in(dir.path()), ["br.gif"]);
    }

    // Unix only. Whether Windows can replace a file that another program has open depends on the
    // system, even when that program shares it for deletion: yes with POSIX rename semantics
    // (NTFS on Windows 10 1607 and later), no on older systems, FAT volumes, or Wine, where the
    // save then fails after its wait and leaves the old flag whole (the locked-file tests below
    // check that).
    #[cfg(unix)]
    #[test]
    fn a_flag_open_in_another_program_is_replaced_and_the_reader_keeps_the_old_bytes() {
        use std::io::Read;

        let dir = tempfile::tempdir().unwrap();
        let path = save_flag_in(dir.path(), b"old flag", "br.gif").unwrap();
        let mut reader = std::fs::File::open(&path).unwrap();
        save_flag_in(dir.path(), b"new flag", "br.gif").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new flag");
        let mut seen = Vec::new();
        reader.read_to_end(&mut seen).unwrap();
        assert_eq!(seen, b"old flag", "the reader saw a file change under it");
        assert_eq!(names_in(dir.path()), ["br.gif"]);
    }

    /// Opens `path` as many Windows programs do, sharing it with nobody: until the handle is
    /// closed no one can replace, delete or even read the file.
    #[cfg(windows)]
    fn lock(path: &Path) -> std::fs::File {
        use std::os::windows::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .share_mode(0)
            .open(path)
            .unwrap()
    }

    // Windows only: a Unix program cannot keep a file from being replaced (there are no mandatory
    // locks), so there is nothing to wait for there.
    #[cfg(windows)]
    #[test]
    fn a_flag_locked_for_a_moment_is_waited_for_then_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_flag_in(dir.path(), b"old flag", "br.gif").unwrap();
        let locked = lock(&path);
        let releaser = std::thread::spawn(move || {
            // A scanner's moment: long enough that a save that does not wait fails.
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(locked);
        });
        save_flag_in(dir.path(), b"new flag", "br.gif").unwrap();
        releaser.join().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new flag");
        assert_eq!(names_in(dir.path()), ["br.gif"]);
    }

    // Windows only, as above.
    #[cfg(windows)]
    #[test]
    fn a_flag_locked_for_good_fails_to_save_and_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_flag_in(dir.path(), b"old flag", "br.gif").unwrap();
        let locked = lock(&path);
        let err = save_flag_in(dir.path(), b"new flag", "br.gif").unwrap_err();
        assert!(matches!(err, SaveError::Io { .. }), "{err}");
        assert!(err.to_string().contains("open"), "{err}");
        drop(locked);
        assert_eq!(std::fs::read(&path).unwrap(), b"old flag");
        assert_eq!(
            names_in(dir.path()),
            ["br.gif"],
            "a temporary file was left"
        );
    }

    #[test]
    fn save_refuses_names_that_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            "",
            ".",
            "..",
            "../x.gif",
            "a/b.gif",
            "a\\b.gif",
            "nul\0.gif",
        ] {
            let err = save_flag_in(dir.path(), b"x", bad).unwrap_err();
            assert!(matches!(err, SaveError::BadName(_)), "{bad:?} gave {err}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn save_reports_the_path_when_the_folder_cannot_be_made() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, b"").unwrap();
        let err = save_flag_in(&file, b"x", "a.gif").unwrap_err();
        assert!(err.to_string().contains("not-a-folder"), "{err}");
    }

    #[test]
    fn a_failed_save_names_the_flag_and_its_cause_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("downloaded");
        std::fs::write(&file, b"").unwrap();
        let err = save_flag_in(&file, b"GIF89a;", "BR.gif").unwrap_err();
        let text = err.to_string();
        let flag = file.join("BR.gif");
        assert_eq!(text.matches(&*flag.to_string_lossy()).count(), 1, "{text}");
        assert_eq!(text.matches("exists").count(), 1, "{text}");
        // Once in the message and not again from `source()`, which `{:#}` would append: it used
        // to read `...: File exists (os error 17): File exists (os error 17)`.
        assert!(std::error::Error::source(&err).is_none(), "{err:?}");
        assert_eq!(format!("{:#}", anyhow::Error::from(err)), text);
    }

    // Linux only: a folder where nobody, root included, may create a file is `/proc`. Creating
    // the temporary file there fails, and the message must name the flag, not `.xxxxxx.part`.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_cannot_be_created_is_named_as_the_flag_not_the_temporary_file() {
        let err = save_flag_in(Path::new("/proc"), b"GIF89a;", "BR.gif").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("could not save /proc/BR.gif: "), "{text}");
        assert!(!text.contains(".part"), "{text}");
    }
}
