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

use std::io::Write;
use std::path::{Path, PathBuf};

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
    #[error("could not save {path}: {source}")]
    Io {
        /// The file we were trying to create.
        path: PathBuf,
        /// What the operating system reported.
        source: std::io::Error,
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
    let io_error = |source| SaveError::Io {
        path: target.clone(),
        source,
    };
    std::fs::create_dir_all(dest_dir).map_err(io_error)?;
    let mut temp = temp_file_builder()
        .tempfile_in(dest_dir)
        .map_err(io_error)?;
    temp.write_all(img).map_err(io_error)?;
    temp.persist(&target).map_err(|e| io_error(e.error))?;
    Ok(target)
}

/// How the temporary file is made. The leading dot and the `.part` suffix make a leftover (after
/// a `kill -9`) obviously unfinished.
///
/// On Unix a temporary file is private (mode 0600) unless asked otherwise, and the rename keeps
/// the mode: every saved flag would be unreadable to other users. Asking for 0666 gives what
/// `File::create` gives, since the kernel applies the umask to both (0644 with the usual 022).
fn temp_file_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".").suffix(".part");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
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
}
