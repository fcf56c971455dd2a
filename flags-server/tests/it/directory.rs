//! `--directory` serves a real flags tree from disk, given either the folder that holds
//! `flags/` (like running `slow_server.py` there) or the `flags` folder itself.

use crate::support::{get, send_raw};
use flags_server::{FlagServer, ServerConfig};

const GIF: &[u8] = b"GIF89a pretend this is Brazil";
const METADATA: &str = r#"{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", "gec_cc": "BR"}"#;

fn make_tree() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    let br = root.path().join("flags/br");
    std::fs::create_dir_all(&br).expect("make the tree");
    std::fs::write(br.join("br.gif"), GIF).expect("write the flag");
    std::fs::write(br.join("metadata.json"), METADATA).expect("write the metadata");
    root
}

fn assert_serves_the_tree(server: &FlagServer) {
    let gif = get(server.addr(), "/flags/br/br.gif");
    assert_eq!(gif.status, 200);
    assert_eq!(gif.body, GIF);
    assert_eq!(gif.header("content-type"), Some("image/gif"));
    let metadata = get(server.addr(), "/flags/br/metadata.json");
    assert_eq!(metadata.status, 200);
    assert_eq!(metadata.body, METADATA.as_bytes());
    assert_eq!(metadata.header("content-type"), Some("application/json"));
    assert_eq!(get(server.addr(), "/flags/cn/cn.gif").status, 404);
}

#[test]
fn a_document_root_is_served_like_slow_server_py() {
    let root = make_tree();
    let server = FlagServer::start(ServerConfig {
        directory: Some(root.path().to_owned()),
        ..ServerConfig::default()
    })
    .expect("start");
    assert_serves_the_tree(&server);
}

#[test]
fn the_flags_folder_itself_is_served_under_flags() {
    let root = make_tree();
    let server = FlagServer::start(ServerConfig {
        directory: Some(root.path().join("flags")),
        ..ServerConfig::default()
    })
    .expect("start");
    assert_serves_the_tree(&server);
    assert_eq!(get(server.addr(), "/br/br.gif").status, 404);
}

#[test]
fn a_folder_is_redirected_to_its_slash_then_served_by_its_index_html() {
    let root = make_tree();
    std::fs::write(root.path().join("flags/br/index.html"), "<h1>Brasil</h1>").expect("write");
    // Both ways of giving the tree: the redirect names the path the client asked for.
    for dir in [root.path().to_owned(), root.path().join("flags")] {
        let server = FlagServer::start(ServerConfig {
            directory: Some(dir.clone()),
            ..ServerConfig::default()
        })
        .expect("start");
        let redirect = get(server.addr(), "/flags/br");
        assert_eq!(redirect.status, 307, "{}", dir.display());
        assert_eq!(
            redirect.header("location"),
            Some("/flags/br/"),
            "{}",
            dir.display()
        );
        let index = get(server.addr(), "/flags/br/");
        assert_eq!(index.status, 200, "{}", dir.display());
        assert_eq!(index.header("content-type"), Some("text/html"));
        assert_eq!(index.body, b"<h1>Brasil</h1>");
    }
}

#[test]
fn head_says_the_length_and_sends_no_body() {
    let root = make_tree();
    let server = FlagServer::start(ServerConfig {
        directory: Some(root.path().to_owned()),
        ..ServerConfig::default()
    })
    .expect("start");
    let reply = send_raw(
        server.addr(),
        b"HEAD /flags/br/br.gif HTTP/1.0\r\nHost: test\r\n\r\n",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-length"),
        Some(&*GIF.len().to_string())
    );
    assert_eq!(reply.header("content-type"), Some("image/gif"));
    assert!(reply.body.is_empty());
}

#[test]
fn a_missing_directory_is_refused() {
    let error = FlagServer::start(ServerConfig {
        directory: Some("/no/such/flags/tree".into()),
        ..ServerConfig::default()
    })
    .expect_err("no such directory");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}
