//! `--directory` mode serves regular files only: a FIFO (named pipe), a socket or a device in the
//! tree is answered 404, decided from its metadata before anything opens it. Python's
//! `http.server` (which `slow_server.py` uses) has the same hole.
//!
//! Opening a FIFO for reading blocks until some process opens it for writing, and ServeDir opens
//! files on Tokio's blocking threads: each request for a FIFO held one such thread and its
//! connection for good. A few hundred requests used up the pool (at most 512 threads), after
//! which no file could be opened for anyone; and a process cannot exit while a thread is stuck
//! like that unless it exits without waiting for it (see `main.rs`).
//!
//! `stat` does not open the file, so it cannot block this way. The check mirrors how ServeDir maps
//! a request path to a file, including the `index.html` it serves for a directory path that ends
//! in `/`. Symbolic links are followed, as ServeDir follows them: a link to a FIFO is a FIFO.
//!
//! One gap remains: a file swapped for a FIFO between the check and ServeDir's `open`. Only
//! someone who can write into the served tree can do that, and they can already serve anything;
//! a production server would open the file itself with `O_NONBLOCK` and check the open handle.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Middleware in front of ServeDir: answers 404 for what is not a regular file (or a directory),
/// passes everything else on. `root` is the folder ServeDir serves.
pub(crate) async fn refuse_special_files(
    State(root): State<Arc<Path>>,
    request: Request,
    next: Next,
) -> Response {
    if may_serve(&root, request.uri().path()).await {
        next.run(request).await
    } else {
        crate::routes::not_found().await
    }
}

/// Whether ServeDir may go ahead with `uri_path`: `false` only when the path names something that
/// exists and is neither a regular file nor a directory (or is a directory whose `index.html` is
/// not a regular file). Missing files and paths ServeDir refuses are left to ServeDir, which
/// answers 404 for them itself without opening anything.
async fn may_serve(root: &Path, uri_path: &str) -> bool {
    let Some(path) = file_path(root, uri_path) else {
        return true;
    };
    match tokio::fs::metadata(&path).await {
        Err(_) => true,
        Ok(meta) if meta.is_file() => true,
        // Without the trailing `/`, ServeDir redirects to the path with it; with it, it serves
        // the directory's `index.html`.
        Ok(meta) if meta.is_dir() && !uri_path.ends_with('/') => true,
        Ok(meta) if meta.is_dir() => match tokio::fs::metadata(path.join("index.html")).await {
            Err(_) => true,
            Ok(index) => index.is_file(),
        },
        Ok(_special) => false,
    }
}

/// The file ServeDir would open for `uri_path` (the path part of the URI, as ServeDir sees it):
/// percent-decoded and joined to `root` component by component. `None` for a path ServeDir
/// refuses (`..`, an absolute path, not UTF-8 once decoded).
fn file_path(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let relative = uri_path.trim_start_matches('/');
    let decoded = percent_encoding::percent_decode_str(relative)
        .decode_utf8()
        .ok()?;
    let mut path = root.to_path_buf();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(name) => path.push(name),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_files_as_serve_dir_maps_them() {
        let root = Path::new("/srv/site");
        assert_eq!(
            file_path(root, "/flags/cn/cn.gif"),
            Some(root.join("flags/cn/cn.gif"))
        );
        assert_eq!(file_path(root, "/flags/%63n/"), Some(root.join("flags/cn")));
        assert_eq!(file_path(root, "/"), Some(root.to_path_buf()));
        assert_eq!(file_path(root, "/flags/../../etc/passwd"), None);
        assert_eq!(file_path(root, "/flags/%ff"), None);
    }

    #[tokio::test]
    async fn regular_files_directories_and_missing_paths_go_ahead() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("flags/cn")).expect("mkdir");
        std::fs::write(root.path().join("flags/cn/cn.gif"), b"GIF89a").expect("write");
        for uri_path in [
            "/flags/cn/cn.gif",
            "/flags/cn",
            "/flags/cn/",
            "/flags/zz/zz.gif",
        ] {
            assert!(may_serve(root.path(), uri_path).await, "{uri_path}");
        }
    }

    // FIFOs are made with mkfifo, which Windows does not have.
    #[cfg(unix)]
    #[tokio::test]
    async fn a_fifo_and_a_directory_whose_index_is_a_fifo_are_refused() {
        use nix::sys::stat::Mode;

        let root = tempfile::tempdir().expect("temp dir");
        let folder = root.path().join("flags/cn");
        std::fs::create_dir_all(&folder).expect("mkdir");
        nix::unistd::mkfifo(&folder.join("cn.gif"), Mode::S_IRUSR | Mode::S_IWUSR).expect("mkfifo");
        nix::unistd::mkfifo(&folder.join("index.html"), Mode::S_IRUSR | Mode::S_IWUSR)
            .expect("mkfifo");
        assert!(!may_serve(root.path(), "/flags/cn/cn.gif").await);
        assert!(!may_serve(root.path(), "/flags/cn/").await);
        // Without the slash ServeDir only redirects, opening nothing.
        assert!(may_serve(root.path(), "/flags/cn").await);
    }
}
