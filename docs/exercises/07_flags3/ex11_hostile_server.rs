//! Exercise 11 · flags3 against a hostile server: chained requests that survive bad answers
//! (follows `flags3_asyncio.py`, which asks for `metadata.json` before each flag).
//!
//! `country_name` fetches `{base_url}/{cc}/metadata.json` (lower-case code) and returns its
//! `"country"` field. The server in the tests is hostile: it answers 404s, sends HTML where JSON
//! belongs, leaves fields out, streams a body that never ends, or never answers at all. Turn
//! each of these into the right `MetaError` without panicking, without reading more than `limit`
//! bytes, and without hanging (the client given to you already has a timeout). flags3 saves each
//! flag under its country's name, so a name that cannot be a file name (`../../etc/passwd`) is
//! refused too: check it with `flags_async::flags3::country_file_name`.
//! Then `download_with_name` chains the two requests: the name first, then the flag.
//!
//! Test it: `cargo test --bin ex11_hostile_server` (in `docs/`). Run it:
//! `cargo run --bin ex11_hostile_server`. Hints: `docs/info.toml` or the book's exercise page.

// Only in the starter: keeps the compiler quiet about what the `todo!()`s leave unused, so
// that the test results are the first thing you see. Delete it once your code compiles.
#![allow(dead_code, unused_variables)]

/// Why the metadata of one country could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
enum MetaError {
    #[error("HTTP error {0}")]
    Http(u16),
    #[error("the server took too long")]
    Timeout,
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the answer is not the JSON we expect: {0}")]
    BadJson(String),
    #[error("the country name cannot be a file name: {0}")]
    BadName(String),
    #[error("no usable HTTP answer: {0}")]
    Transport(String),
}

impl From<reqwest::Error> for MetaError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            MetaError::Timeout
        } else if let Some(status) = error.status() {
            MetaError::Http(status.as_u16())
        } else {
            MetaError::Transport(error.to_string())
        }
    }
}

// ANCHOR: task
/// Fetches `metadata.json` for `cc` and returns the country's name.
async fn country_name(
    client: &flags_async::HttpClient,
    base_url: &str,
    cc: &str,
    limit: usize,
) -> Result<String, MetaError> {
    // TODO: GET the metadata URL and check the status. Read the body chunk by chunk, refusing
    // more than `limit` bytes. Parse it with `serde_json`, take the "country" string, and refuse it
    // if `flags_async::flags3::country_file_name` does.
    todo!()
}

/// The flags3 chain: the country's name, then its flag.
async fn download_with_name(
    client: &flags_async::HttpClient,
    base_url: &str,
    cc: &str,
) -> anyhow::Result<(String, Vec<u8>)> {
    // TODO: First the name with `country_name`, then the image with `flags_async::get_flag`.
    todo!()
}
// ANCHOR_END: task

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let server = flags_server::FlagServer::start(Default::default())?;
    let client = flags_async::http_client(flags_common::download::REQUEST_TIMEOUT)?;
    for cc in ["BR", "CN", "XX"] {
        match download_with_name(&client, &server.base_url(), cc).await {
            Ok((name, image)) => println!("{cc}: {name}, {} bytes", image.len()),
            Err(error) => println!("{cc}: {error:#}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    const LIMIT: usize = 64 * 1024;

    /// How long a test may run. The client below gives up on a silent server after 2 s; only
    /// an answer that waits without a limit reaches this one.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// Runs an async test on a current-thread runtime, as `#[tokio::test]` does, from a plain
    /// `#[test]` (the form `rustlings` recognises); fails it with a message if it hangs or if
    /// the code under test panics.
    fn run<F: Future>(test: F) -> F::Output {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async { tokio::time::timeout(PATIENCE, test).await })
        }));
        match outcome {
            Ok(Ok(output)) => output,
            Ok(Err(_elapsed)) => panic!(
                "the test did not finish in {PATIENCE:?}: never wait on the server without a \
                 limit (use the client you are given, which has a timeout, and cap what you read)"
            ),
            Err(_) => panic!(
                "the code under test panicked (the message is above): whatever the server sends, \
                 answer with a `MetaError`, never a panic (no `unwrap` on what it sent)"
            ),
        }
    }

    /// A server that misbehaves on purpose, chosen by the country code in the path.
    async fn hostile_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream));
            }
        });
        format!("http://{addr}/flags")
    }

    async fn answer(mut stream: TcpStream) {
        let mut request = Vec::new();
        let mut buf = [0; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let request = String::from_utf8_lossy(&request);
        let path = request.split(' ').nth(1).unwrap_or("");
        let reply = |status: &str, body: &str| {
            format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        };
        let text = match path {
            "/flags/br/metadata.json" => {
                reply("200 OK", r#"{"iso_cc": "BR", "country": "Brazil"}"#)
            }
            "/flags/nj/metadata.json" => reply("200 OK", "<html>surprise</html>"),
            "/flags/nf/metadata.json" => reply("200 OK", r#"{"iso_cc": "NF"}"#),
            "/flags/nn/metadata.json" => reply("200 OK", r#"{"country": 42}"#),
            "/flags/ev/metadata.json" => reply("200 OK", r#"{"country": "../../etc/passwd"}"#),
            // U+202E, right-to-left override: shown as "exe.gif", saved as "\u{202E}fig.exe".
            "/flags/rl/metadata.json" => reply("200 OK", r#"{"country": "\u202efig.exe"}"#),
            "/flags/big/metadata.json" => {
                // No Content-Length: the body goes on until the client gives up.
                let head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'{'; 16 * 1024];
                while stream.write_all(&chunk).await.is_ok() {}
                return;
            }
            "/flags/hang/metadata.json" => {
                // Never answer; keep the connection open until the test is over.
                std::future::pending::<()>().await;
                return;
            }
            _ => reply("404 Not Found", "not here"),
        };
        let _ = stream.write_all(text.as_bytes()).await;
    }

    fn client() -> flags_async::HttpClient {
        // Generous for a loaded CI machine; only the silent server ever reaches it.
        flags_async::http_client(Duration::from_secs(2)).unwrap()
    }

    #[test]
    fn reads_the_country_name() {
        let outcome = run(async {
            let base = hostile_server().await;
            country_name(&client(), &base, "BR", LIMIT).await
        });
        assert_eq!(
            outcome,
            Ok("Brazil".into()),
            "GET {{base_url}}/br/metadata.json (lower case) and return its \"country\""
        );
    }

    #[test]
    fn a_404_is_an_http_error() {
        let outcome = run(async {
            let base = hostile_server().await;
            country_name(&client(), &base, "XX", LIMIT).await
        });
        assert_eq!(
            outcome,
            Err(MetaError::Http(404)),
            "check the status before reading the body: a 404 page is not metadata"
        );
    }

    #[test]
    fn html_or_missing_fields_are_bad_json() {
        for cc in ["NJ", "NF", "NN"] {
            let outcome = run(async {
                let base = hostile_server().await;
                country_name(&client(), &base, cc, LIMIT).await
            });
            assert!(
                matches!(outcome, Err(MetaError::BadJson(_))),
                "{cc}: HTML, or JSON without a \"country\" string, must be \
                 `MetaError::BadJson`, not {outcome:?}"
            );
        }
    }

    #[test]
    fn a_name_that_cannot_be_a_file_name_is_refused() {
        for cc in ["EV", "RL"] {
            let outcome = run(async {
                let base = hostile_server().await;
                country_name(&client(), &base, cc, LIMIT).await
            });
            assert!(
                matches!(outcome, Err(MetaError::BadName(_))),
                "{cc}: flags3 saves the flag under the country's name, so a name like \
                 \"../../etc/passwd\" must be refused as `MetaError::BadName` (check it with \
                 `flags_async::flags3::country_file_name`), not {outcome:?}"
            );
        }
    }

    #[test]
    fn an_endless_body_stops_at_the_limit() {
        let outcome = run(async {
            let base = hostile_server().await;
            country_name(&client(), &base, "big", LIMIT).await
        });
        assert_eq!(
            outcome,
            Err(MetaError::TooLarge(LIMIT)),
            "the body never ends: read it chunk by chunk and stop as soon as it passes the \
             limit (`response.bytes()` or `.json()` would read until the timeout, or memory \
             runs out)"
        );
    }

    #[test]
    fn a_silent_server_times_out() {
        let outcome = run(async {
            let base = hostile_server().await;
            country_name(&client(), &base, "hang", LIMIT).await
        });
        assert_eq!(
            outcome,
            Err(MetaError::Timeout),
            "the server never answers: the client's timeout must end the wait, as \
             `MetaError::Timeout` (the `From<reqwest::Error>` impl sorts it out for `?`)"
        );
    }

    #[test]
    fn chains_name_and_flag_on_the_real_server() {
        let server = flags_server::FlagServer::start(Default::default()).unwrap();
        let (name, image) = run(download_with_name(&client(), &server.base_url(), "BR"))
            .expect("BR has a name and a flag on the real server");
        assert_eq!(name, "Brazil", "the name comes from BR's metadata");
        assert!(image.starts_with(b"GIF8"), "the flag is a GIF image");
    }
}
