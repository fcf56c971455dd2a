//! Requests that try to leave the served tree are refused (400 or 404) and never read a file
//! outside it. The requests are written by hand over TCP, because real clients would clean up
//! the `..` before sending.

use std::path::Path;

use crate::support::{Reply, get, send_raw};
use flags_server::{FlagServer, ServerConfig};

const SECRET: &str = "the secret that must never be served";

/// Request targets that try to escape, written as an attacker would send them.
const ATTACKS: &[&str] = &[
    "/../secret.txt",
    "/flags/../../secret.txt",
    "/flags/cn/../../../secret.txt",
    "/flags/%2e%2e/%2e%2e/secret.txt",
    "/flags/%2E%2E/%2E%2E/secret.txt",
    "/flags/..%2f..%2fsecret.txt",
    "/flags/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/flags/..%5c..%5csecret.txt",
    "/flags/%252e%252e/%252e%252e/secret.txt",
    "//secret.txt",
    "/flags/cn/cn.gif%00.txt",
    "/flags/cn/%00",
];

/// Lays out `root/secret.txt` (outside) and `root/site/flags/cn/cn.gif` (inside).
fn tree(root: &Path) -> std::path::PathBuf {
    std::fs::write(root.join("secret.txt"), SECRET).expect("write the secret");
    let site = root.join("site");
    std::fs::create_dir_all(site.join("flags/cn")).expect("make the tree");
    std::fs::write(site.join("flags/cn/cn.gif"), b"GIF89a not really").expect("write a flag");
    site
}

fn assert_refused(reply: &Reply, target: &str) {
    assert!(
        reply.status == 400 || reply.status == 404,
        "{target} got {}",
        reply.status
    );
    assert!(
        !String::from_utf8_lossy(&reply.body).contains(SECRET),
        "{target} leaked the secret"
    );
}

#[test]
fn directory_mode_refuses_every_escape() {
    let root = tempfile::tempdir().expect("temp dir");
    let site = tree(root.path());
    let server = FlagServer::start(ServerConfig {
        directory: Some(site),
        ..ServerConfig::default()
    })
    .expect("start");
    // The tree itself is served, so a refusal below is not just a broken server.
    assert_eq!(get(server.addr(), "/flags/cn/cn.gif").status, 200);
    for target in ATTACKS {
        assert_refused(&get(server.addr(), target), target);
    }
}

#[test]
fn directory_mode_refuses_absolute_and_odd_request_targets() {
    let root = tempfile::tempdir().expect("temp dir");
    let site = tree(root.path());
    let secret = root.path().join("secret.txt");
    let server = FlagServer::start(ServerConfig {
        directory: Some(site),
        ..ServerConfig::default()
    })
    .expect("start");
    let absolute = secret.display().to_string();
    let requests = [
        // An absolute file path is looked up inside the tree, where it does not exist.
        format!("GET {absolute} HTTP/1.0\r\n\r\n"),
        format!("GET /{absolute} HTTP/1.0\r\n\r\n"),
        // Absolute-form targets (meant for proxies) carry a path too.
        "GET http://test/flags/../../secret.txt HTTP/1.0\r\n\r\n".to_owned(),
        // Raw backslashes and a raw NUL are not even valid HTTP.
        "GET /flags\\..\\..\\secret.txt HTTP/1.0\r\n\r\n".to_owned(),
        "GET /flags/cn/cn.gif\0 HTTP/1.0\r\n\r\n".to_owned(),
    ];
    for request in &requests {
        let reply = send_raw(server.addr(), request.as_bytes());
        assert_refused(&reply, request);
    }
}

#[test]
fn builtin_mode_refuses_escapes_with_bad_request() {
    let server = FlagServer::start(ServerConfig::default()).expect("start");
    for target in ATTACKS {
        let reply = get(server.addr(), target);
        assert_eq!(reply.status, 400, "{target}");
    }
}

#[test]
fn refused_requests_are_not_delayed_or_failed_on_purpose() {
    // With every GET failing, a refusal still answers 400: the guard runs before the profile.
    let server = FlagServer::start(ServerConfig {
        error_rate: 1.0,
        seed: Some(1),
        ..ServerConfig::default()
    })
    .expect("start");
    assert_eq!(get(server.addr(), "/flags/../secret.txt").status, 400);
    assert_eq!(get(server.addr(), "/flags/cn/cn.gif").status, 418);
}
