//! `--directory` mode's file handler: a request path mapped to a file under the served folder,
//! checked, read and answered, with every system call of the request made in one trip to Tokio's
//! blocking threads. It does what `http.server`'s `SimpleHTTPRequestHandler` does for
//! `slow_server.py` (a directory's redirect or `index.html`, a content type from the extension,
//! 404 for what is missing), and what tower-http's `ServeDir` did here before.
//!
//! # Why one trip, and usually none
//! Opening and reading a file are blocking system calls. On a runtime thread they would hold up
//! every other connection while the disk answers, so they run on Tokio's blocking threads
//! (`spawn_blocking`). Each trip there is a hand-over between threads: the job is queued, a
//! blocking thread wakes and runs it, the runtime thread wakes for the result. `ServeDir` made one
//! trip per system call (`stat` to spot a directory, `open`, `fstat`, `read`), and the FIFO check
//! in front of it a fifth (another `stat`). On a shared two-core machine (load average 8 to 10)
//! that made a kept-alive download of all 194 flags take 2.5 to 4.7 times as long as from the
//! built-in flags (`benches/directory.rs`). Here [`fetch`] makes all of them in one closure on
//! one blocking thread: one hand-over there and one back, whatever the request needs; the ratio's
//! median fell from 3.7x to 1.8x.
//!
//! On Linux most requests make no trip at all (`cached.rs`): the kernel can be asked to look the
//! path up and read the file *only if* it can do so from its caches, and to say "not now"
//! instead of waiting otherwise. A flag asked for twice is cached, so the usual request is
//! answered on the runtime thread with no hand-over, and a cold or slow disk still sends it to
//! the blocking threads. Elsewhere every request makes the one trip.
//!
//! # Why `O_NONBLOCK`, and why the check is on the open handle
//! Opening a FIFO (named pipe) for reading blocks until some process opens it for writing. A
//! request for a FIFO in the tree would hold a blocking thread and its connection for good; a few
//! hundred such requests use up the pool (at most 512 threads), and then no file can be read for
//! anyone. Python's `http.server` has the same hole. So only regular files are served, checked
//! twice:
//!
//! 1. **By path, before opening** (`locate`). `stat` opens nothing, so it cannot block, and
//!    anything that is not a regular file (or a directory, for its `index.html`) is refused
//!    unopened. Opening a device can be an action in itself (a watchdog device starts counting
//!    down when opened, a tape device rewinds when closed), so the usual case opens none.
//! 2. **By handle, after opening** (`read_regular`). The path may name something else by the
//!    time it is opened: a file swapped for a FIFO between the `stat` and the `open`. So the file
//!    is opened without waiting (`O_NONBLOCK` on Unix: a FIFO with no writer then opens at once),
//!    and the open handle is checked with `fstat`. What is read is exactly what was checked: no
//!    swap can slip in between, as it could when the check and `ServeDir`'s `open` were separate.
//!
//! Symbolic links are followed, as `http.server` and `ServeDir` follow them: a link to a FIFO is
//! a FIFO, and is refused.
//!
//! # Where production code would differ
//! Files are read whole into memory, which suits flags of a few kilobytes; anything over
//! [`MAX_FILE_LEN`] is refused. A general file server streams large files, answers `Range`
//! requests, and sends `Last-Modified` and answers `If-Modified-Since` with 304 (as `http.server`
//! and `ServeDir` do) so that caches can revalidate. None of the downloaders here asks for
//! either, so they are left out.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::routes::not_found;

// The platform layer: `open_without_waiting(path)` and `is_device_name(name)`, one module per
// platform.
#[cfg(unix)]
#[path = "unix.rs"]
mod sys;
#[cfg(windows)]
#[path = "windows.rs"]
mod sys;

#[cfg(target_os = "linux")]
mod cached;

/// The largest file served, 10 MiB: files are read whole into memory, and a flag is a few KB.
pub(crate) const MAX_FILE_LEN: u64 = 10 * 1024 * 1024;

/// The content type of a file whose extension says nothing, as `ServeDir` and `http.server` send.
const UNKNOWN_TYPE: &str = "application/octet-stream";

/// A folder served in `--directory` mode, and the URL path it is served at.
#[derive(Debug)]
pub(crate) struct Tree {
    root: PathBuf,
    /// The URL path of `root`: `""` when `root` is a document root (`/flags/cn/cn.gif` is
    /// `root/flags/cn/cn.gif`), `"/flags"` when `root` is the flags folder itself.
    url_prefix: &'static str,
    /// Files longer than this are refused: [`MAX_FILE_LEN`], smaller in tests.
    max_len: u64,
}

impl Tree {
    /// Serves `root` at `url_prefix`, which is empty or a path such as `"/flags"` (no trailing
    /// `/`).
    pub(crate) fn new(root: &Path, url_prefix: &'static str) -> Tree {
        Tree {
            root: root.to_path_buf(),
            url_prefix,
            max_len: MAX_FILE_LEN,
        }
    }

    /// The file or folder `uri_path` names: the path after the prefix, percent-decoded once and
    /// joined to the root one name at a time, as `ServeDir` joined it. `None` for a path outside
    /// the prefix, or one holding anything but plain names: `..`, a root or drive (`c:`), a
    /// Windows device name. The path guard in front (`paths`) already refuses traversal with a
    /// 400; this is the second lock on the door, so the guard's rules are not the only ones.
    fn file_path(&self, uri_path: &str) -> Option<PathBuf> {
        let rest = uri_path.strip_prefix(self.url_prefix)?;
        // `/flagship` must not be taken for `/flags` + `hip`.
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(rest.trim_start_matches('/'))
            .decode_utf8()
            .ok()?;
        let mut path = self.root.clone();
        for component in Path::new(&*decoded).components() {
            match component {
                // A name that parses as more than a name on its own is not one: on Windows,
                // `flags/c:/x` splits into `flags`, `c:`, `x`, and pushing `c:` onto a path
                // would replace it with the drive.
                Component::Normal(name)
                    if Path::new(name)
                        .components()
                        .all(|c| matches!(c, Component::Normal(_)))
                        && !sys::is_device_name(name) =>
                {
                    path.push(name);
                }
                Component::CurDir => {}
                _ => return None,
            }
        }
        Some(path)
    }
}

// ===== The handler: on the runtime thread =====

/// What a request wants of a file: `GET` its contents, `HEAD` only their length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Contents,
    Length,
}

/// The handler for every path under a [`Tree`] (an axum fallback): `GET` and `HEAD` of files.
///
/// Maps the path on the runtime thread (no system call). On Linux it then asks the kernel for the
/// file from its caches, without waiting (`cached.rs`); otherwise, or when that declines, it
/// hands the rest to [`fetch`] on a blocking thread in one `spawn_blocking`. Either way it turns
/// what it found into a response.
pub(crate) async fn serve_file(State(tree): State<Arc<Tree>>, request: Request) -> Response {
    let want = match *request.method() {
        Method::GET => Want::Contents,
        Method::HEAD => Want::Length,
        _ => return method_not_allowed(),
    };
    let uri_path = request.uri().path();
    let Some(path) = tree.file_path(uri_path) else {
        return not_found();
    };
    let ends_in_slash = uri_path.ends_with('/');
    let max_len = tree.max_len;
    // No trip at all when the kernel can answer from its caches (Linux; see `cached.rs`).
    #[cfg(target_os = "linux")]
    if let Some(answer) = cached::answer_without_waiting(&path, want, max_len) {
        return answer.into_response();
    }
    // The one trip to the blocking threads (see the module docs).
    let fetched =
        tokio::task::spawn_blocking(move || fetch(path, ends_in_slash, want, max_len)).await;
    match fetched {
        Ok(Ok(Found::File(file))) => file.into_response(),
        Ok(Ok(Found::DirectoryWithoutSlash)) => redirect_to_directory(request.uri()),
        Ok(Err(refusal)) => refusal.into_response(),
        // `fetch` panicked (the pool catches it, and the server lives on), or the runtime is
        // shutting down and never ran it.
        Err(_join_error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 Internal Server Error: reading the file failed\n",
        )
            .into_response(),
    }
}

/// `405` with the methods that work, as `ServeDir` answered.
fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, HEAD")],
        "405 Method Not Allowed: files are read with GET or HEAD\n",
    )
        .into_response()
}

/// A directory asked for without its trailing `/` is sent to the path with it, query kept, so
/// that relative links in its `index.html` resolve inside it. `307 Temporary Redirect`, as
/// `ServeDir` sent (`http.server` sends 301, which browsers cache for good).
fn redirect_to_directory(uri: &Uri) -> Response {
    let path = uri.path();
    // A path starting `//` would make the `Location` a link to another host (`//evil.example/`).
    // The path guard refuses such paths before they get here; this keeps the handler safe alone.
    if path.starts_with("//") {
        return not_found();
    }
    let location = match uri.query() {
        Some(query) => format!("{path}/?{query}"),
        None => format!("{path}/"),
    };
    match HeaderValue::try_from(location) {
        Ok(location) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        // Cannot happen: the URI's path and query are valid header text already.
        Err(_) => not_found(),
    }
}

// ===== The blocking part: one trip =====

/// What [`fetch`] found.
#[derive(Debug)]
enum Found {
    /// A regular file, read (or measured, for `HEAD`).
    File(FileAnswer),
    /// A directory named without its trailing `/`: the answer is a redirect.
    DirectoryWithoutSlash,
}

/// A file ready to send.
#[derive(Debug)]
struct FileAnswer {
    content_type: &'static str,
    /// The file's length: what `Content-Length` says.
    len: u64,
    /// The file's bytes; `None` for `HEAD`, which sends none.
    contents: Option<Vec<u8>>,
}

/// Why a file is not served.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    /// Nothing there (or nothing we may read, or a path through a file): 404.
    #[error("no such file")]
    Missing,
    /// A FIFO, socket or device, or a directory's `index.html` that is one: 404, unread.
    #[error("not a regular file")]
    NotARegularFile,
    /// Over the size cap: 404 too, with the reason in the body.
    #[error("larger than the {max} bytes this server reads")]
    TooLarge { max: u64 },
    /// Anything else the system reports (an I/O error, too many open files): 500.
    #[error("cannot read the file: {0}")]
    Io(io::Error),
}

impl From<io::Error> for Refusal {
    fn from(error: io::Error) -> Self {
        use io::ErrorKind;
        // What `ServeDir` answered 404 for (a path through a file is "not a directory"), plus
        // names the system cannot take (too long, or holding a NUL): the client asked for a
        // file that cannot be there.
        match error.kind() {
            ErrorKind::NotFound
            | ErrorKind::PermissionDenied
            | ErrorKind::NotADirectory
            | ErrorKind::InvalidFilename
            | ErrorKind::InvalidInput => Refusal::Missing,
            _ => Refusal::Io(error),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Missing | Refusal::NotARegularFile => not_found(),
            Refusal::TooLarge { .. } => {
                (StatusCode::NOT_FOUND, format!("404 Not Found: {self}\n")).into_response()
            }
            Refusal::Io(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("500 Internal Server Error: {self}\n"),
            )
                .into_response(),
        }
    }
}

impl IntoResponse for FileAnswer {
    fn into_response(self) -> Response {
        let content_type = [(header::CONTENT_TYPE, self.content_type)];
        match self.contents {
            // A body of known length: hyper sends `Content-Length`, and head and body together.
            Some(contents) => (content_type, contents).into_response(),
            // No body, so the length is said outright; hyper keeps a `Content-Length` it is given
            // on an answer to `HEAD`.
            None => (
                content_type,
                [(header::CONTENT_LENGTH, HeaderValue::from(self.len))],
                Body::empty(),
            )
                .into_response(),
        }
    }
}

/// Everything a request does on disk, run on a blocking thread: [`locate`] the file by path, then
/// [`read_regular`] it by handle. `ends_in_slash` says whether the URL path ended in `/`.
fn fetch(path: PathBuf, ends_in_slash: bool, want: Want, max_len: u64) -> Result<Found, Refusal> {
    match locate(path, ends_in_slash)? {
        Located::File(path) => read_regular(&path, want, max_len).map(Found::File),
        Located::DirectoryWithoutSlash => Ok(Found::DirectoryWithoutSlash),
    }
}

/// What [`locate`] found by path.
#[derive(Debug, PartialEq, Eq)]
enum Located {
    /// A regular file when looked at: this one.
    File(PathBuf),
    DirectoryWithoutSlash,
}

/// Check 1, by path (see the module docs): follows a directory to its `index.html` when the URL
/// ends in `/`, and refuses, without opening it, anything that is not a regular file.
fn locate(mut path: PathBuf, ends_in_slash: bool) -> Result<Located, Refusal> {
    let mut metadata = fs::metadata(&path)?;
    if metadata.is_dir() {
        if !ends_in_slash {
            return Ok(Located::DirectoryWithoutSlash);
        }
        path.push("index.html");
        metadata = fs::metadata(&path)?;
    }
    if metadata.is_file() {
        Ok(Located::File(path))
    } else {
        Err(Refusal::NotARegularFile)
    }
}

/// Check 2, by handle (see the module docs): opens `path` without waiting, refuses what the open
/// handle says is not a regular file or is over `max_len`, and reads the rest whole (or, for
/// `HEAD`, only takes its length).
fn read_regular(path: &Path, want: Want, max_len: u64) -> Result<FileAnswer, Refusal> {
    let file = sys::open_without_waiting(path)?;
    // `fstat` on the handle: the file we read, not whatever the path names now.
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(Refusal::NotARegularFile);
    }
    if metadata.len() > max_len {
        return Err(Refusal::TooLarge { max: max_len });
    }
    let contents = match want {
        Want::Length => None,
        Want::Contents => Some(read_at_most(file, metadata.len(), max_len)?),
    };
    Ok(FileAnswer {
        content_type: content_type(path),
        len: contents
            .as_ref()
            .map_or(metadata.len(), |bytes| bytes.len() as u64),
        contents,
    })
}

/// Reads `file` (`len` bytes long when measured) to its end, refusing it if it has grown past
/// `max_len` since: one byte more than the cap is read to notice, never the whole of it.
fn read_at_most(file: File, len: u64, max_len: u64) -> Result<Vec<u8>, Refusal> {
    let mut contents = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max_len.saturating_add(1))
        .read_to_end(&mut contents)?;
    if contents.len() as u64 > max_len {
        return Err(Refusal::TooLarge { max: max_len });
    }
    Ok(contents)
}

/// The content type for `path`'s extension, from `mime_guess`'s table (the one `ServeDir` used):
/// `image/gif`, `application/json`, `text/html`, `text/plain`, and `application/octet-stream` for
/// what it does not know.
fn content_type(path: &Path) -> &'static str {
    mime_guess::from_path(path)
        .first_raw()
        .unwrap_or(UNKNOWN_TYPE)
}

#[cfg(test)]
mod tests;
