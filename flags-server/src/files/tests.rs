//! The file handler's tests: the router answering requests (no sockets), and the blocking part
//! called directly, where the FIFO cases can be set up exactly, the swap race included.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use super::*;

/// `root/flags/br/` with a flag, its metadata, a page and a text file; `root/flags/cn/` with an
/// `index.html`; `root/flags/xx/`, empty.
fn make_tree() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    let flags = root.path().join("flags");
    for folder in ["br", "cn", "xx"] {
        fs::create_dir_all(flags.join(folder)).expect("mkdir");
    }
    fs::write(flags.join("br/br.gif"), b"GIF89a Brazil").expect("write");
    fs::write(flags.join("br/metadata.json"), b"{}").expect("write");
    fs::write(flags.join("br/notes.txt"), b"green").expect("write");
    fs::write(flags.join("br/blob"), b"?").expect("write");
    fs::write(flags.join("cn/index.html"), b"<h1>China</h1>").expect("write");
    root
}

fn router(tree: Tree) -> Router {
    Router::new()
        .fallback(serve_file)
        .with_state(Arc::new(tree))
}

/// Status, headers and body of `method target` sent to `tree`.
async fn ask(tree: Tree, method: Method, target: &str) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(target)
        .body(Body::empty())
        .expect("a valid request");
    let response = router(tree).oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("read the body");
    (parts.status, parts.headers, body.to_vec())
}

fn value_of(headers: &header::HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

// ===== Mapping paths =====

#[test]
fn request_paths_map_to_files_as_serve_dir_mapped_them() {
    let root = Path::new("/srv/site");
    let tree = Tree::new(root, "");
    assert_eq!(
        tree.file_path("/flags/cn/cn.gif"),
        Some(root.join("flags/cn/cn.gif"))
    );
    assert_eq!(tree.file_path("/flags/%63n/"), Some(root.join("flags/cn")));
    assert_eq!(tree.file_path("/"), Some(root.to_path_buf()));
    assert_eq!(tree.file_path("/flags/../../etc/passwd"), None);
    assert_eq!(tree.file_path("/flags/%2e%2e/etc/passwd"), None);
    assert_eq!(tree.file_path("/flags/%ff"), None);
}

#[test]
fn a_flags_folder_is_served_under_its_prefix_only() {
    let root = Path::new("/srv/flags");
    let tree = Tree::new(root, "/flags");
    assert_eq!(
        tree.file_path("/flags/cn/cn.gif"),
        Some(root.join("cn/cn.gif"))
    );
    assert_eq!(tree.file_path("/flags"), Some(root.to_path_buf()));
    assert_eq!(tree.file_path("/flagship/x"), None);
    assert_eq!(tree.file_path("/cn/cn.gif"), None);
}

// ===== Answers =====

#[tokio::test]
async fn files_are_sent_whole_with_their_length_and_content_type() {
    let root = make_tree();
    let cases = [
        ("/flags/br/br.gif", "image/gif", &b"GIF89a Brazil"[..]),
        ("/flags/br/metadata.json", "application/json", b"{}"),
        ("/flags/br/notes.txt", "text/plain", b"green"),
        ("/flags/cn/index.html", "text/html", b"<h1>China</h1>"),
        ("/flags/br/blob", "application/octet-stream", b"?"),
        // Percent-decoded once: `%62r` is `br`.
        ("/flags/%62r/br.gif", "image/gif", b"GIF89a Brazil"),
    ];
    for (target, content_type, contents) in cases {
        let (status, headers, body) = ask(Tree::new(root.path(), ""), Method::GET, target).await;
        assert_eq!(status, StatusCode::OK, "{target}");
        assert_eq!(
            value_of(&headers, header::CONTENT_TYPE),
            Some(content_type),
            "{target}"
        );
        let len = contents.len().to_string();
        assert_eq!(
            value_of(&headers, header::CONTENT_LENGTH),
            Some(&*len),
            "{target}"
        );
        assert_eq!(body, contents, "{target}");
    }
}

#[tokio::test]
async fn head_gives_the_length_and_type_without_the_body() {
    let root = make_tree();
    let (status, headers, body) =
        ask(Tree::new(root.path(), ""), Method::HEAD, "/flags/br/br.gif").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(value_of(&headers, header::CONTENT_LENGTH), Some("13"));
    assert_eq!(value_of(&headers, header::CONTENT_TYPE), Some("image/gif"));
    assert!(body.is_empty());
}

#[tokio::test]
async fn a_directory_with_its_slash_is_its_index_html() {
    let root = make_tree();
    let (status, headers, body) = ask(Tree::new(root.path(), ""), Method::GET, "/flags/cn/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(value_of(&headers, header::CONTENT_TYPE), Some("text/html"));
    assert_eq!(body, b"<h1>China</h1>");
    // No index.html, no listing: `http.server` lists the folder, `ServeDir` did not.
    let (status, _, _) = ask(Tree::new(root.path(), ""), Method::GET, "/flags/xx/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_directory_without_its_slash_is_redirected_to_the_path_asked_for() {
    let root = make_tree();
    let cases = [
        (Tree::new(root.path(), ""), "/flags/br", "/flags/br/"),
        (
            Tree::new(root.path(), ""),
            "/flags/br?size=big",
            "/flags/br/?size=big",
        ),
        // When the folder is served under `/flags`, the redirect keeps the prefix.
        (
            Tree::new(&root.path().join("flags"), "/flags"),
            "/flags/br",
            "/flags/br/",
        ),
        (
            Tree::new(&root.path().join("flags"), "/flags"),
            "/flags",
            "/flags/",
        ),
    ];
    for (tree, target, location) in cases {
        let (status, headers, _) = ask(tree, Method::GET, target).await;
        assert_eq!(status, StatusCode::TEMPORARY_REDIRECT, "{target}");
        assert_eq!(
            value_of(&headers, header::LOCATION),
            Some(location),
            "{target}"
        );
    }
}

#[tokio::test]
async fn missing_files_and_paths_through_files_are_not_found() {
    let root = make_tree();
    for target in [
        "/flags/zz/zz.gif",
        "/flags/br/br.gif/more",
        "/flags/br/%00",
        "/no",
    ] {
        let (status, _, _) = ask(Tree::new(root.path(), ""), Method::GET, target).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{target}");
    }
}

#[tokio::test]
async fn methods_other_than_get_and_head_are_not_allowed() {
    let root = make_tree();
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let (status, headers, _) = ask(
            Tree::new(root.path(), ""),
            method.clone(),
            "/flags/br/br.gif",
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(
            value_of(&headers, header::ALLOW),
            Some("GET, HEAD"),
            "{method}"
        );
    }
}

#[tokio::test]
async fn files_over_the_size_cap_are_refused() {
    let root = make_tree();
    let small_cap = Tree {
        max_len: 5,
        ..Tree::new(root.path(), "")
    };
    let (status, _, body) = ask(small_cap, Method::GET, "/flags/br/br.gif").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("larger than the 5 bytes"));
}

#[test]
fn a_file_that_grew_past_the_cap_after_its_fstat_is_refused() {
    let root = make_tree();
    let file = File::open(root.path().join("flags/br/br.gif")).expect("open");
    // As if `fstat` had said 2 bytes and the file had grown to 13 before the read.
    assert!(matches!(
        read_at_most(file, 2, 5),
        Err(Refusal::TooLarge { max: 5 })
    ));
}

// ===== Special files (Unix: FIFOs are made with mkfifo, and devices live in /dev) =====

#[cfg(unix)]
mod special {
    use std::fs::OpenOptions;
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    use nix::sys::stat::Mode;

    use super::*;

    fn mkfifo(path: &Path) {
        nix::unistd::mkfifo(path, Mode::S_IRUSR | Mode::S_IWUSR).expect("mkfifo");
    }

    /// Runs `call` on a thread of its own and returns what it returns. Not a timing test: the
    /// wait is only there so that a `call` stuck opening the FIFO at `fifo` (the bug these tests
    /// guard against) fails the test instead of hanging it. The FIFO is then opened for writing,
    /// which releases the stuck thread.
    fn without_hanging<T: Send + 'static>(
        fifo: &Path,
        call: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        const HANG_GUARD: Duration = Duration::from_secs(60);
        let (done, result) = mpsc::channel();
        thread::spawn(move || done.send(call()));
        match result.recv_timeout(HANG_GUARD) {
            Ok(value) => value,
            Err(_) => {
                let _ = OpenOptions::new()
                    .write(true)
                    .custom_flags(libc::O_NONBLOCK)
                    .open(fifo);
                panic!("still opening {} after {HANG_GUARD:?}", fifo.display());
            }
        }
    }

    #[test]
    fn a_fifo_and_a_directory_whose_index_is_a_fifo_are_refused_unopened() {
        let root = make_tree();
        let flags = root.path().join("flags");
        mkfifo(&flags.join("br/pipe.gif"));
        mkfifo(&flags.join("xx/index.html"));
        let pipe = flags.join("br/pipe.gif");
        let outcome = without_hanging(&pipe, {
            let pipe = pipe.clone();
            move || fetch(pipe, false, Want::Contents, MAX_FILE_LEN)
        });
        assert!(
            matches!(outcome, Err(Refusal::NotARegularFile)),
            "{outcome:?}"
        );
        let index = flags.join("xx/index.html");
        let outcome = without_hanging(&index, {
            let folder = flags.join("xx");
            move || fetch(folder, true, Want::Length, MAX_FILE_LEN)
        });
        assert!(
            matches!(outcome, Err(Refusal::NotARegularFile)),
            "{outcome:?}"
        );
    }

    /// The race the check on the handle closes: the path is a regular file when `locate` looks
    /// at it, and a FIFO by the time `read_regular` opens it. Opened without `O_NONBLOCK`, the
    /// FIFO would hold the thread until a writer came; checked by path only, it would be read.
    #[test]
    fn a_file_swapped_for_a_fifo_after_the_check_is_refused_by_its_handle() {
        let root = make_tree();
        let path = root.path().join("flags/br/br.gif");
        let located = locate(path.clone(), false).expect("a regular file");
        assert_eq!(located, Located::File(path.clone()));
        // The swap.
        fs::remove_file(&path).expect("remove");
        mkfifo(&path);
        let outcome = without_hanging(&path, {
            let path = path.clone();
            move || read_regular(&path, Want::Contents, MAX_FILE_LEN)
        });
        let error = outcome.expect_err("a FIFO is not served");
        assert!(matches!(error, Refusal::NotARegularFile), "{error:?}");
        assert_eq!(error.to_string(), "not a regular file");
    }

    #[test]
    fn a_device_is_refused_by_path_and_by_handle() {
        let null = Path::new("/dev/null");
        assert!(matches!(
            locate(null.to_path_buf(), false),
            Err(Refusal::NotARegularFile)
        ));
        assert!(matches!(
            read_regular(null, Want::Contents, MAX_FILE_LEN),
            Err(Refusal::NotARegularFile)
        ));
    }

    #[tokio::test]
    async fn a_symbolic_link_to_a_fifo_is_not_found() {
        let root = make_tree();
        let flags = root.path().join("flags");
        mkfifo(&flags.join("br/pipe.gif"));
        std::os::unix::fs::symlink(flags.join("br/pipe.gif"), flags.join("br/link.gif"))
            .expect("symlink");
        // `locate` refuses it before anything is opened, so this cannot hang.
        let (status, _, _) = ask(
            Tree::new(root.path(), ""),
            Method::GET,
            "/flags/br/link.gif",
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
