//! How `get_flag` and `download_one` fail: every failure becomes a clear `DownloadError`, and no
//! file is written for a flag that did not arrive. Servers are mockito mocks or bare sockets on
//! 127.0.0.1.

use std::net::TcpListener;
use std::time::Duration;

use flags_common::download::DownloadError;
use flags_common::harness::Job;
use flags_sequential::{download_one, get_flag, http_agent};

fn agent() -> ureq::Agent {
    http_agent(Duration::from_secs(5))
}

fn job(base_url: String, dest: &std::path::Path) -> Job {
    Job {
        codes: vec!["BR".into()],
        base_url,
        dest_dir: dest.to_path_buf(),
    }
}

#[test]
fn status_errors_name_the_status_and_url() {
    let mut server = mockito::Server::new();
    for (cc, status, reason) in [
        ("xx", 404, "Not Found"),
        ("yy", 500, "Internal Server Error"),
        ("cd", 418, "I'm a teapot"),
    ] {
        let path = format!("/flags/{cc}/{cc}.gif");
        let mock = server
            .mock("GET", path.as_str())
            .with_status(status)
            .create();
        let err = get_flag(&agent(), &format!("{}/flags", server.url()), cc).unwrap_err();
        mock.assert();
        assert!(
            matches!(err, DownloadError::Http { status: s, .. } if usize::from(s) == status),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("HTTP error {status} - {reason}")),
            "{text}"
        );
        assert!(text.ends_with(&path), "{text}");
    }
}

#[test]
fn not_found_is_told_apart_from_other_errors() {
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/flags/xx/xx.gif")
        .with_status(404)
        .create();
    let err = get_flag(&agent(), &format!("{}/flags", server.url()), "XX").unwrap_err();
    assert!(err.is_not_found());
}

#[test]
fn refused_connection_is_a_transport_error() {
    // Bind to learn a free port, then close it: nothing listens there any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = get_flag(&agent(), &format!("http://127.0.0.1:{port}/flags"), "br").unwrap_err();
    assert!(matches!(err, DownloadError::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("could not download"), "{err}");
}

#[test]
fn server_slower_than_the_timeout_is_a_timeout_error() {
    // A listener that accepts connections (the kernel does, into its backlog) but never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/flags", silent.local_addr().unwrap());
    let quick = http_agent(Duration::from_millis(200));
    let err = get_flag(&quick, &base_url, "br").unwrap_err();
    assert!(matches!(err, DownloadError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("timed out after 200ms waiting for"),
        "{err}"
    );
}

#[test]
fn no_file_is_written_for_a_failed_download() {
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/flags/br/br.gif")
        .with_status(500)
        .create();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("downloaded");
    let job = job(format!("{}/flags", server.url()), &dest);
    assert!(download_one(&agent(), &job, "BR").is_err());
    assert!(!dest.exists() || std::fs::read_dir(&dest).unwrap().next().is_none());
}

#[test]
fn a_good_answer_is_saved_whole() {
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/flags/br/br.gif")
        .with_body(flags_testkit::a_flag())
        .create();
    let dir = tempfile::tempdir().unwrap();
    let job = job(format!("{}/flags", server.url()), dir.path());
    download_one(&agent(), &job, "BR").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("BR.gif")).unwrap(),
        flags_testkit::a_flag()
    );
}

#[test]
fn oversized_body_is_refused() {
    let mut server = mockito::Server::new();
    let huge = vec![b'x'; (flags_common::download::MAX_BODY_BYTES + 1) as usize];
    server
        .mock("GET", "/flags/br/br.gif")
        .with_body(huge)
        .create();
    let err = get_flag(&agent(), &format!("{}/flags", server.url()), "br").unwrap_err();
    assert!(matches!(err, DownloadError::TooLarge { .. }), "{err:?}");
}

#[test]
fn a_not_found_answer_keeps_its_connection_for_the_next_request() {
    // A server that accepts exactly one connection and answers two requests on it. If a 404
    // closed the client's connection, the second request would go to a new connection that
    // nobody answers, and fail with a timeout instead of a 404.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/flags", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || -> std::io::Result<()> {
        use std::io::{BufRead, BufReader, Write};
        let (stream, _) = listener.accept()?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut writer = stream;
        for _ in 0..2 {
            // Read one request head: lines up to the empty one (a GET has no body).
            let mut line = String::new();
            while reader.read_line(&mut line)? > 2 {
                line.clear();
            }
            writer.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 14\r\n\r\n404 Not Found\n",
            )?;
        }
        Ok(())
    });
    let quick = http_agent(Duration::from_secs(2));
    for cc in ["xx", "yy"] {
        let err = get_flag(&quick, &base_url, cc).unwrap_err();
        assert!(err.is_not_found(), "{cc}: {err:?}");
    }
    server.join().unwrap().unwrap();
}

#[test]
fn answer_heads_fit_the_small_input_buffer_and_a_huge_one_fails_cleanly() {
    // `http_agent` keeps 8 KiB input buffers. An answer's head must fit whole: real ones are a
    // few hundred bytes, a 6 KiB one still works, and a 20 KiB one is a clear transport error
    // (never a hang, a panic, or a truncated flag).
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/flags/br/br.gif")
        .with_header("x-padding", &"a".repeat(6 * 1024))
        .with_body(flags_testkit::a_flag())
        .create();
    server
        .mock("GET", "/flags/cn/cn.gif")
        .with_header("x-padding", &"a".repeat(20 * 1024))
        .with_body(flags_testkit::a_flag())
        .create();
    let base_url = format!("{}/flags", server.url());
    assert_eq!(
        get_flag(&agent(), &base_url, "br").unwrap(),
        flags_testkit::a_flag()
    );
    let err = get_flag(&agent(), &base_url, "cn").unwrap_err();
    assert!(matches!(err, DownloadError::Transport { .. }), "{err:?}");
}
