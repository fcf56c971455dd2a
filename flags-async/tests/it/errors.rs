//! How the async `get_flag` fails: the same `DownloadError`s as the blocking styles, so every
//! program explains a failure in the same words. Servers are mockito mocks or bare sockets on
//! 127.0.0.1.

use std::net::TcpListener;
use std::time::Duration;

use flags_async::{get_flag, http_client};
use flags_common::download::DownloadError;

async fn fetch(base_url: &str, cc: &str) -> Result<Vec<u8>, DownloadError> {
    get_flag(&http_client(Duration::from_secs(5)).unwrap(), base_url, cc).await
}

#[tokio::test]
async fn status_errors_name_the_status_and_url() {
    let mut server = mockito::Server::new_async().await;
    for (cc, status, reason) in [
        ("xx", 404, "Not Found"),
        ("yy", 500, "Internal Server Error"),
        ("cd", 418, "I'm a teapot"),
    ] {
        let path = format!("/flags/{cc}/{cc}.gif");
        let mock = server
            .mock("GET", path.as_str())
            .with_status(status)
            .create_async()
            .await;
        let err = fetch(&format!("{}/flags", server.url()), cc)
            .await
            .unwrap_err();
        mock.assert_async().await;
        assert!(
            err.to_string()
                .contains(&format!("HTTP error {status} - {reason}")),
            "{err}"
        );
        assert_eq!(err.is_not_found(), status == 404);
    }
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fetch(&format!("http://127.0.0.1:{port}/flags"), "br")
        .await
        .unwrap_err();
    assert!(matches!(err, DownloadError::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn server_slower_than_the_timeout_is_a_timeout_error() {
    // Accepted by the kernel's backlog, never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = http_client(Duration::from_millis(200)).unwrap();
    let base_url = format!("http://{}/flags", silent.local_addr().unwrap());
    let err = get_flag(&client, &base_url, "br").await.unwrap_err();
    assert!(matches!(err, DownloadError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("timed out after 200ms waiting for"),
        "{err}"
    );
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let mut server = mockito::Server::new_async().await;
    let huge = vec![b'x'; (flags_common::download::MAX_BODY_BYTES + 1) as usize];
    server
        .mock("GET", "/flags/br/br.gif")
        .with_body(huge)
        .create_async()
        .await;
    let err = fetch(&format!("{}/flags", server.url()), "br")
        .await
        .unwrap_err();
    assert!(matches!(err, DownloadError::TooLarge { .. }), "{err:?}");
}

#[test]
fn one_failed_flag_fails_the_run_and_writes_no_file_for_it() {
    let mut server = mockito::Server::new();
    server
        .mock("GET", "/flags/br/br.gif")
        .with_body(flags_testkit::a_flag())
        .create();
    server
        .mock("GET", "/flags/cn/cn.gif")
        .with_status(500)
        .create();
    let dir = tempfile::tempdir().unwrap();
    let job = flags_common::harness::Job {
        codes: vec!["BR".into(), "CN".into()],
        base_url: format!("{}/flags", server.url()),
        dest_dir: dir.path().to_path_buf(),
    };
    let err = flags_async::download_many(&job).unwrap_err();
    assert!(err.to_string().contains("HTTP error 500"), "{err}");
    assert!(dir.path().join("BR.gif").exists());
    assert!(!dir.path().join("CN.gif").exists());
}

/// The redirects and bodies of `flags_testkit::misbehaving`: reqwest's redirects go through the
/// shared policy as ureq's do, so both give the same outcome and the same words.
#[test]
fn get_flag_follows_or_refuses_each_answer_as_the_policy_says() {
    // The mock server first: its blocking constructor cannot run inside a runtime.
    let (_server, base_url) = flags_testkit::misbehaving::serve();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = http_client(Duration::from_secs(5)).unwrap();
    for answer in flags_testkit::misbehaving::ANSWERS {
        let result = runtime
            .block_on(get_flag(&client, &base_url, answer.cc))
            .map(drop)
            .map_err(|e| e.to_string());
        flags_testkit::misbehaving::check(answer, result).unwrap();
    }
}
