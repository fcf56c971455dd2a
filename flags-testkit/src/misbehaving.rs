//! A flag site that misbehaves in the ways every download style must handle alike: redirects
//! the shared policy follows or refuses (`flags_common::redirect`), and 2xx answers whose body
//! is not a whole GIF (`flags_common::download::check_gif`). One table, served by a mockito
//! server, checked against each style's `get_flag` and each flags2 and flags3 program, so the
//! styles cannot drift apart again.
//!
//! Behind the `misbehaving` feature, which only the downloaders' tests turn on: mockito asks for
//! hyper's HTTP/2 and more, and a build that links it (docs/, whose examples see this crate as a
//! dev-dependency) would otherwise recompile hyper and its neighbours instead of reusing them.

use std::net::TcpListener;

/// What a download of one code from [`serve`] must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The flag arrives (after any redirects) and is saved.
    Saved,
    /// The download fails, and its message holds each of these fragments.
    Fails(&'static [&'static str]),
}

/// One code and what its flag URL does.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The code, lower case as in the URL (`/flags/ra/ra.gif`).
    pub cc: &'static str,
    /// What the answer is, in words (for failure messages).
    pub what: &'static str,
    /// What the download must come to.
    pub outcome: Outcome,
}

/// The misbehaving answers, one code each. [`serve`] sets them up.
pub const ANSWERS: &[Answer] = &[
    Answer {
        cc: "ra",
        what: "302 to another path on the same server",
        outcome: Outcome::Saved,
    },
    Answer {
        cc: "rb",
        what: "302 to file:///etc/passwd",
        outcome: Outcome::Fails(&["bad redirect from", "file:///etc/passwd", "(not file:)"]),
    },
    Answer {
        cc: "rc",
        what: "302 to javascript:alert(1)",
        outcome: Outcome::Fails(&[
            "bad redirect from",
            "javascript:alert(1)",
            "(not javascript:)",
        ]),
    },
    Answer {
        cc: "rd",
        what: "302 to a data: URL",
        outcome: Outcome::Fails(&["bad redirect from", "data:image/gif", "(not data:)"]),
    },
    Answer {
        cc: "re",
        what: "302 to itself, forever",
        outcome: Outcome::Fails(&["bad redirect from", "more than 5 redirects in a row"]),
    },
    Answer {
        cc: "rf",
        what: "302 with no Location",
        outcome: Outcome::Fails(&["bad redirect from", "no Location header"]),
    },
    Answer {
        cc: "ga",
        what: "200 with an empty body",
        outcome: Outcome::Fails(&["did not send a GIF image", "the body is empty"]),
    },
    Answer {
        cc: "gb",
        what: "204 No Content",
        outcome: Outcome::Fails(&["did not send a GIF image", "the body is empty"]),
    },
    Answer {
        cc: "gc",
        what: "200 with an HTML page",
        outcome: Outcome::Fails(&["did not send a GIF image", "GIF87a or GIF89a"]),
    },
    Answer {
        cc: "gd",
        what: "200 with half a GIF and no Content-Length",
        outcome: Outcome::Fails(&["did not send a GIF image", "cut short"]),
    },
];

/// Starts a mock server answering as [`ANSWERS`] say, under `/flags`, and returns it (it stops
/// when dropped) with the base URL to download from. The one flag that arrives
/// ([`Outcome::Saved`]) also has a `metadata.json`, for flags3.
///
/// Call it outside any async runtime: mockito's blocking constructor runs its own.
pub fn serve() -> (mockito::ServerGuard, String) {
    let mut server = mockito::Server::new();
    let base_url = set_up(&mut server);
    (server, base_url)
}

fn set_up(server: &mut mockito::Server) -> String {
    let redirect = |server: &mut mockito::Server, cc: &str, location: Option<&str>| {
        let mock = server
            .mock("GET", format!("/flags/{cc}/{cc}.gif").as_str())
            .with_status(302);
        match location {
            Some(location) => mock.with_header("location", location),
            None => mock,
        }
        .create();
    };
    redirect(server, "ra", Some("/moved/ra.gif"));
    server
        .mock("GET", "/moved/ra.gif")
        .with_body(a_flag())
        .create();
    server
        .mock("GET", "/flags/ra/metadata.json")
        .with_body(r#"{"country": "Redirectland"}"#)
        .create();
    redirect(server, "rb", Some("file:///etc/passwd"));
    redirect(server, "rc", Some("javascript:alert(1)"));
    redirect(
        server,
        "rd",
        Some("data:image/gif;base64,R0lGODlhAQABAAAAACw="),
    );
    redirect(server, "re", Some("/flags/re/re.gif"));
    redirect(server, "rf", None);
    server
        .mock("GET", "/flags/ga/ga.gif")
        .with_body("")
        .create();
    server
        .mock("GET", "/flags/gb/gb.gif")
        .with_status(204)
        .create();
    server
        .mock("GET", "/flags/gc/gc.gif")
        .with_body("<html><body>Flag not here</body></html>")
        .create();
    let half = &a_flag()[..a_flag().len() / 2];
    server
        .mock("GET", "/flags/gd/gd.gif")
        // Chunked: the answer has no Content-Length, so only the body itself can show that it
        // stops short.
        .with_chunked_body(move |w| w.write_all(half))
        .create();
    format!("{}/flags", server.url())
}

/// Checks a download's outcome against `answer`: `Ok` if it matches, else what went wrong.
pub fn check(answer: &Answer, result: Result<(), String>) -> Result<(), String> {
    match (answer.outcome, result) {
        (Outcome::Saved, Ok(())) => Ok(()),
        (Outcome::Saved, Err(message)) => Err(format!(
            "{} ({}) should be saved, failed: {message}",
            answer.cc, answer.what
        )),
        (Outcome::Fails(_), Ok(())) => Err(format!(
            "{} ({}) should fail, was saved",
            answer.cc, answer.what
        )),
        (Outcome::Fails(fragments), Err(message)) => match fragments
            .iter()
            .find(|fragment| !message.contains(*fragment))
        {
            None => Ok(()),
            Some(missing) => Err(format!(
                "{} ({}): no {missing:?} in {message:?}",
                answer.cc, answer.what
            )),
        },
    }
}

/// Checks the verbose output (`-v`) of a flags2 or flags3 program run on every code of
/// [`ANSWERS`]: one `CC OK` or `CC error: ...` line per code, as the table says.
pub fn check_verbose_run(stdout: &str) -> Result<(), String> {
    for answer in ANSWERS {
        let cc = answer.cc.to_ascii_uppercase();
        let line = stdout
            .lines()
            .find(|line| line.starts_with(&format!("{cc} ")))
            .ok_or_else(|| format!("no line for {cc} in\n{stdout}"))?;
        let rest = &line[cc.len() + 1..];
        check(
            answer,
            if rest == "OK" {
                Ok(())
            } else {
                Err(rest.to_owned())
            },
        )?;
    }
    Ok(())
}

/// The codes of [`ANSWERS`], upper case, as a program's arguments.
pub fn codes() -> Vec<String> {
    ANSWERS.iter().map(|a| a.cc.to_ascii_uppercase()).collect()
}

/// A real flag, as the built-in server serves it: what a mock answers when the test needs a
/// download to succeed (a flag must be a whole GIF).
pub fn a_flag() -> &'static [u8] {
    flags_server::art::flag_gif("BR").expect("the built-in server has BR")
}

/// A server that accepts connections and never answers: the kernel completes the handshake into
/// the listen backlog, and no one ever reads the request. Every request to the returned base URL
/// times out; keep the listener alive while it is used.
pub fn silent_server() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let base_url = format!(
        "http://{}/flags",
        listener
            .local_addr()
            .expect("a bound listener has an address")
    );
    (listener, base_url)
}
