//! A `--directory` tree is served as regular files only. A FIFO (named pipe) in the tree, or a
//! socket or a device, is answered 404 without being opened: opening a FIFO for reading blocks
//! until a writer opens it, so each such request used to hold a thread and a connection for good
//! (600 of them stopped the server), and a Ctrl-C could not end the process. (A file swapped for
//! a FIFO after that check is opened without waiting and refused by its handle; the unit tests
//! in `src/files/tests.rs` stage that race, which a test through the server could only hope for.)
//!
//! Unix only (see `main.rs`): the tests make FIFOs with `mkfifo`, and Windows keeps its named
//! pipes outside the file tree.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flags_server::{FlagServer, ServerConfig};
use flags_testkit::{Stop, send};
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;

use crate::binary::Running;
use crate::support::{parse, send_raw_within};

/// Long enough for any machine to answer a 404; a server that opens the FIFO never answers.
const PATIENCE: Duration = Duration::from_secs(10);

/// A FIFO in a served tree.
///
/// Dropping it opens the FIFO for writing without blocking, which releases a reader stuck
/// opening it (as the server was before it refused FIFOs). A failing test then ends instead of
/// hanging in the server's graceful shutdown, which waits for that request.
struct Fifo(PathBuf);

impl Fifo {
    fn make(path: PathBuf) -> Fifo {
        nix::unistd::mkfifo(&path, Mode::S_IRUSR | Mode::S_IWUSR).expect("mkfifo");
        Fifo(path)
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        // Fails (ENXIO) when no reader is waiting, which is the normal case: nothing to release.
        let _ = OpenOptions::new()
            .write(true)
            .custom_flags(OFlag::O_NONBLOCK.bits())
            .open(&self.0);
    }
}

/// `root/flags/br/br.gif`, a regular file, and the directories the FIFOs go in.
fn make_tree(root: &Path) {
    std::fs::create_dir_all(root.join("flags/br")).expect("make the tree");
    std::fs::create_dir_all(root.join("flags/xx")).expect("make the tree");
    std::fs::write(root.join("flags/br/br.gif"), b"GIF89a Brazil").expect("write a flag");
}

fn get_within(addr: std::net::SocketAddr, method: &str, target: &str) -> u16 {
    let request = format!("{method} {target} HTTP/1.0\r\nHost: test\r\n\r\n");
    send_raw_within(addr, request.as_bytes(), PATIENCE).status
}

#[test]
fn a_fifo_in_the_tree_is_not_found_and_the_rest_is_still_served() {
    let root = tempfile::tempdir().expect("temp dir");
    make_tree(root.path());
    let server = FlagServer::start(ServerConfig {
        directory: Some(root.path().to_owned()),
        ..ServerConfig::default()
    })
    .expect("start");
    // Made after the server, so they are dropped (and release any stuck reader) before it.
    let flags = root.path().join("flags");
    let _fifos = [
        Fifo::make(flags.join("br/pipe.gif")),
        // A directory's index page, which the server would send for `/flags/xx/`.
        Fifo::make(flags.join("xx/index.html")),
    ];
    // A symbolic link is followed, as ever: to a FIFO, it is a FIFO.
    std::os::unix::fs::symlink(flags.join("br/pipe.gif"), flags.join("br/link.gif"))
        .expect("symlink");

    for target in ["/flags/br/pipe.gif", "/flags/xx/", "/flags/br/link.gif"] {
        assert_eq!(
            get_within(server.addr(), "GET", target),
            404,
            "GET {target}"
        );
        assert_eq!(
            get_within(server.addr(), "HEAD", target),
            404,
            "HEAD {target}"
        );
    }
    // Regular files and directories behave as before.
    assert_eq!(get_within(server.addr(), "GET", "/flags/br/br.gif"), 200);
    assert_eq!(get_within(server.addr(), "GET", "/flags/br/none.gif"), 404);
    let redirect = get_within(server.addr(), "GET", "/flags/br");
    assert!((300..400).contains(&redirect), "{redirect}");
}

/// The second Ctrl-C promises to quit at once, and must, whatever the handlers are doing. A
/// request for a FIFO used to sit in a blocking `open` on one of the runtime's blocking threads;
/// returning from `main` dropped the runtime, which waited for that thread, so the process lived
/// on after "quitting without waiting" until something opened the FIFO.
///
/// Now the FIFO is refused before it is opened, so the request no longer blocks and the process
/// stops after the first Ctrl-C; this test covers both fixes together. (That the second Ctrl-C
/// alone ends a process whose handler is stuck was checked by hand with the FIFO check disabled:
/// nothing in a served tree can block a handler any more.)
#[test]
fn ctrl_c_twice_ends_the_program_while_a_fifo_was_requested() {
    let root = tempfile::tempdir().expect("temp dir");
    make_tree(root.path());
    let dir = root.path().to_str().expect("a UTF-8 temp path");
    let mut server = Running::start(&["0", "-q", "-d", dir]);
    let _fifo = Fifo::make(root.path().join("flags/br/pipe.gif"));

    let mut client = std::net::TcpStream::connect(server.addr).expect("connect");
    client
        .write_all(b"GET /flags/br/pipe.gif HTTP/1.0\r\n\r\n")
        .expect("send the request");
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("set a read timeout");
    let mut answer = Vec::new();
    // Either the 404 (or a close), or a timeout with the request still in flight.
    let _ = client.read_to_end(&mut answer);
    if !answer.is_empty() {
        assert_eq!(parse(&answer).status, 404);
    }

    let pid = server.child.id();
    let mut stderr = BufReader::new(server.child.stderr.take().expect("piped stderr"));
    send(pid, Stop::CtrlC).expect("first Ctrl-C");
    let mut line = String::new();
    while !line.contains("stopping") {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("read stderr") > 0,
            "flags-server ended without saying it was stopping"
        );
    }
    // The process may be gone already; a signal to it then changes nothing.
    let _ = send(pid, Stop::CtrlC);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("poll flags-server") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "flags-server still runs 30 s after the second Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}
