//! What the server answers: the flag site's layout (`/flags/{cc}/{cc}.gif` and
//! `/flags/{cc}/metadata.json`) from our own drawings, or a real flags tree on disk with
//! `--directory`, as `slow_server.py` serves the folder it runs in.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use std::thread;

use axum::Router;
use axum::body::Bytes;
use axum::extract;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::codes::POP20_CC;
use crate::files::{self, Tree};
use crate::{art, countries};

/// The built-in flags: two files for each of the 194 countries, 404 for everything else.
pub(crate) fn builtin_flags() -> Router {
    draw_popular_flags_ahead();
    Router::new()
        .route("/flags/{cc}/{file}", get(flag_file))
        .fallback(|| async { not_found() })
}

async fn flag_file(extract::Path((cc, file)): extract::Path<(String, String)>) -> Response {
    // The site is case-sensitive and lower case: /flags/CN/CN.gif is a 404 there, and here.
    let is_lower_case_code = cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_lowercase());
    let Some(country) = countries::country(&cc).filter(|_| is_lower_case_code) else {
        return not_found();
    };
    if file == format!("{cc}.gif") {
        match art::flag_gif(&cc) {
            // `&'static` bytes: every response shares the one cached image, no copying.
            Some(gif) => (
                [(header::CONTENT_TYPE, "image/gif")],
                Bytes::from_static(gif),
            )
                .into_response(),
            None => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("500 Internal Server Error: no drawing for {cc}\n"),
            )
                .into_response(),
        }
    } else if file == "metadata.json" {
        (
            [(header::CONTENT_TYPE, "application/json")],
            country.metadata_json(),
        )
            .into_response()
    } else {
        not_found()
    }
}

/// Draws the 20 flags the downloaders ask for on a background thread, once per process.
///
/// Each flag is drawn on first request and cached (see [`art`]). Drawing is CPU work, a few
/// milliseconds per flag in a debug build, and in a request handler it runs on the runtime
/// thread, where it holds up every other request: twenty requests whose delays end together
/// would queue behind twenty drawings. Drawing ahead, while the first requests are still
/// sleeping through their delays, keeps the runtime thread free for what async is good at:
/// waiting. A request that arrives before its flag is ready just draws it (or waits for the
/// drawing in progress): correct either way, only slower. The other 174 flags are drawn on demand.
fn draw_popular_flags_ahead() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let spawned = thread::Builder::new()
            .name("flag-drawing".to_owned())
            .spawn(|| {
                for cc in POP20_CC {
                    let _ = art::flag_gif(cc);
                }
            });
        // If no thread can be spawned, each flag is drawn on its first request instead.
        drop(spawned);
    });
}

/// The server's `404 Not Found`, with a one-line body.
pub(crate) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "404 Not Found\n").into_response()
}

/// A flags tree on disk, served by our file handler (see `files`: one trip to the blocking
/// threads per request, regular files only, content types from extensions, 404 for the rest).
///
/// `dir` is a document root, like the folder `slow_server.py` runs in: `/flags/cn/cn.gif` is
/// `dir/flags/cn/cn.gif`. For convenience, a `dir` that has no `flags/` folder but does hold
/// country folders (`cn/`, `br/`, ...) is taken to be the `flags` folder itself, served at
/// `/flags`; every other path is then a 404.
///
/// Request paths cannot leave `dir` (`..`, encoded or not, is refused), but what is *in* `dir`
/// is served as it is: hidden files, and symbolic links wherever they point, as
/// `slow_server.py`'s `http.server` does. Point `--directory` at a folder you are happy to
/// publish in full. Only regular files are served: a FIFO, socket or device is a 404.
pub(crate) fn directory_tree(dir: &Path) -> Router {
    let url_prefix = match flags_folder_in(dir) {
        FlagsFolder::Inside => "",
        FlagsFolder::Itself => "/flags",
    };
    // The handler sees the whole request path, so a redirect it sends names the path the
    // client asked for (`/flags/br` to `/flags/br/`), prefix included.
    Router::new()
        .fallback(files::serve_file)
        .with_state(Arc::new(Tree::new(dir, url_prefix)))
}

#[derive(Debug, PartialEq, Eq)]
enum FlagsFolder {
    /// `dir/flags/` exists (or nothing suggests otherwise): `dir` is the document root.
    Inside,
    /// `dir` holds two-letter country folders: it is the flags folder.
    Itself,
}

fn flags_folder_in(dir: &Path) -> FlagsFolder {
    if dir.join("flags").is_dir() {
        return FlagsFolder::Inside;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(_) => return FlagsFolder::Inside,
    };
    let has_country_folder = entries.flatten().any(|entry| {
        let path: PathBuf = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        name.len() == 2 && name.bytes().all(|b| b.is_ascii_lowercase()) && path.is_dir()
    });
    if has_country_folder {
        FlagsFolder::Itself
    } else {
        FlagsFolder::Inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_root_and_a_flags_folder_are_told_apart() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("flags/cn")).expect("mkdir");
        assert_eq!(flags_folder_in(root.path()), FlagsFolder::Inside);
        assert_eq!(
            flags_folder_in(&root.path().join("flags")),
            FlagsFolder::Itself
        );
        let empty = tempfile::tempdir().expect("temp dir");
        assert_eq!(flags_folder_in(empty.path()), FlagsFolder::Inside);
    }
}
