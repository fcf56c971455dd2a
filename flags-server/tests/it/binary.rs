//! The `flags-server` program: prints its base URL first, refuses bad options with exit code 2,
//! reports a busy port clearly, logs requests, refuses traversal, and stops cleanly on Ctrl-C and
//! SIGTERM.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use crate::support::get;
use assert_cmd::cargo::cargo_bin;
#[cfg(unix)]
use flags_testkit::{Stop, send};
use predicates::prelude::*;

/// A running `flags-server`, killed if a test fails before stopping it.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
}

impl Running {
    pub(crate) fn start(args: &[&str]) -> Running {
        let mut child = Command::new(cargo_bin!("flags-server"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn flags-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first_line = String::new();
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("read the first line");
        let authority = first_line
            .trim()
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix("/flags"))
            .unwrap_or_else(|| panic!("first line is not a base URL: {first_line:?}"));
        let addr = authority.parse().expect("a socket address in the URL");
        Running { child, addr }
    }

    /// Stops the server with Ctrl-C or SIGTERM and returns whether it exited successfully, and
    /// its stderr.
    #[cfg(unix)]
    fn stop(mut self, how: Stop) -> (bool, String) {
        use std::io::Read;

        send(self.child.id(), how).expect("signal flags-server");
        let exit = self.child.wait().expect("wait for flags-server");
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).expect("read stderr");
        }
        (exit.success(), stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_first_line_is_the_base_url_and_it_serves_flags() {
    let server = Running::start(&["0", "--quiet"]);
    assert_eq!(server.addr.ip().to_string(), "127.0.0.1");
    assert_ne!(server.addr.port(), 0);
    let reply = get(server.addr, "/flags/cn/cn.gif");
    assert_eq!(reply.status, 200);
    assert!(reply.body.starts_with(b"GIF8"));
}

#[test]
fn traversal_is_refused() {
    let server = Running::start(&["0", "-q"]);
    assert_eq!(get(server.addr, "/flags/../../etc/passwd").status, 400);
    assert_eq!(
        get(server.addr, "/flags/%2e%2e/%2e%2e/etc/passwd").status,
        400
    );
    assert_eq!(get(server.addr, "/etc/passwd").status, 404);
}

// The tests that stop the server with a signal are Unix only: a test cannot send Ctrl-C to one
// child on Windows (see `flags_testkit`), and Windows has no SIGTERM.
#[cfg(unix)]
#[test]
fn each_request_is_logged_and_ctrl_c_stops_cleanly() {
    let server = Running::start(&["0", "--delay", "0.01", "--seed", "5"]);
    assert_eq!(get(server.addr, "/flags/cn/cn.gif").status, 200);
    assert_eq!(get(server.addr, "/flags/zz/zz.gif").status, 404);
    let (success, stderr) = server.stop(Stop::CtrlC);
    assert!(success, "exit status after Ctrl-C; stderr: {stderr}");
    assert!(stderr.contains("seed 5"), "{stderr}");
    assert!(
        stderr.contains("GET /flags/cn/cn.gif -> 200 OK (delayed 0.010s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("GET /flags/zz/zz.gif -> 404 Not Found"),
        "{stderr}"
    );
}

/// SIGTERM (`kill`, a service manager) stops the server as Ctrl-C does: after the requests in
/// flight, with exit status 0. It used to kill it outright.
#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_as_ctrl_c_does() {
    let server = Running::start(&["0", "-q"]);
    assert_eq!(get(server.addr, "/flags/cn/cn.gif").status, 200);
    let (success, stderr) = server.stop(Stop::Terminate);
    assert!(success, "exit status after SIGTERM; stderr: {stderr}");
    assert!(
        stderr.contains("stopping after the requests in flight"),
        "{stderr}"
    );
}

#[test]
fn an_error_rate_above_one_is_a_usage_error() {
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .args(["--error-rate", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--error-rate").and(predicate::str::contains("share")));
}

#[test]
fn a_backwards_delay_is_a_usage_error() {
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .args(["--delay", "5:1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("backwards"));
}

#[test]
fn a_missing_directory_is_a_usage_error() {
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .args(["--directory", "/no/such/flags/tree"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("local addr").port().to_string();
    assert_cmd::cargo::cargo_bin_cmd!("flags-server")
        .arg(&port)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            // The system's own words differ ("Address already in use", "Only one usage of each
            // socket address ... is normally permitted"): the hint is ours on every platform.
            predicate::str::contains("cannot listen on 127.0.0.1:")
                .and(predicate::str::contains("is another server running there?"))
                .and(predicate::str::contains("panicked").not()),
        );
}

/// A client that sent half a request and stalls keeps a graceful stop waiting for it; a second
/// Ctrl-C must quit anyway.
///
/// The stall holds the server only once the server has read those bytes, which nothing here
/// can observe: a run where the first Ctrl-C stops the server at once (it had not read them
/// yet) tests nothing, and is tried again with a fresh server.
#[cfg(unix)]
#[test]
fn a_second_ctrl_c_quits_while_a_client_stalls() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};

    let send_ctrl_c = |pid: u32| send(pid, Stop::CtrlC).is_ok();
    for _attempt in 0..5 {
        let mut server = Running::start(&["0", "-q"]);
        let mut stalled = std::net::TcpStream::connect(server.addr).expect("connect");
        stalled
            .write_all(b"GET /flags/cn/cn.gif HTTP/1.1\r\n")
            .expect("send half a request");
        std::thread::sleep(Duration::from_millis(100)); // usually enough for the server to read it
        let pid = server.child.id();
        let mut stderr = BufReader::new(server.child.stderr.take().expect("piped stderr"));
        assert!(send_ctrl_c(pid));
        let mut line = String::new();
        while !line.contains("stopping") {
            line.clear();
            assert!(
                stderr.read_line(&mut line).expect("read stderr") > 0,
                "flags-server ended without saying it was stopping"
            );
        }
        std::thread::sleep(Duration::from_millis(300));
        if let Some(status) = server.child.try_wait().expect("poll flags-server") {
            assert!(status.success(), "{status}");
            continue; // the stall did not hold this time
        }
        assert!(send_ctrl_c(pid));
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = server.child.try_wait().expect("poll flags-server") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the second Ctrl-C did not stop flags-server"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{status}");
        let mut rest = String::new();
        stderr.read_to_string(&mut rest).expect("read stderr");
        assert!(rest.contains("quitting without waiting"), "{rest}");
        return;
    }
    panic!("in five tries, a stalled client never held up a graceful stop");
}
