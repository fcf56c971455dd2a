//! The least a client can do per flag: open a TCP connection, send a hand-written HTTP/1.1
//! `GET`, read the answer to the end, look at its status line, and nothing more. No HTTP
//! library, no pool of connections, no file saved, no progress bar. The speed benchmarks time
//! these bare clients beside the real downloaders, against the same slow server in the same
//! run, as a *measured* floor.
//!
//! Why a measured floor beside the 0.1 s one? With a fixed 0.1 s delay and every request in
//! flight at once, nothing can finish sooner than 0.1 s. But 676 connections still cost CPU time
//! to open, serve and close, in the client, the server and the kernel, and on a two-core
//! machine they take turns. How much of a downloader's time over 0.1 s is that cost, and how
//! much is the downloader's own? The bare clients answer: they pay the cost and nothing else.
//!
//! Two shapes, one per concurrency model of the chapter:
//! - [`one_thread_per_request`]: an OS thread for each code, the shape of `flags2-threadpool` at
//!   `-m 1000` (and of `flags2_threadpool.py`);
//! - [`one_task_per_request`]: a task for each code on a single-threaded tokio runtime, the shape
//!   of `flags2-async` (and of `flags2_asyncio.py`).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long one exchange may take before the run fails instead of hanging: far more than any
/// delay the benchmarks ask the server for.
const PATIENCE: Duration = Duration::from_secs(30);

/// What a bare run got: how long it took and how each request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BareRun {
    /// From the first connection opened to the last answer read.
    pub elapsed: Duration,
    /// Answers with status 200.
    pub found: usize,
    /// Answers with status 404.
    pub not_found: usize,
}

/// Requests every code at once, each on a thread of its own, and waits for them all.
///
/// ```
/// use flags_server::{FlagServer, ServerConfig};
///
/// let server = FlagServer::start(ServerConfig::default())?;
/// let run = flags_testkit::bare::one_thread_per_request(&server.base_url(), &["BR", "XX"])?;
/// assert_eq!((run.found, run.not_found), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The base URL is not `http://host:port/...`, a thread cannot be started, a connection fails,
/// an exchange takes over 30 s, or an answer is neither 200 nor 404.
pub fn one_thread_per_request<S: AsRef<str> + Sync>(
    base_url: &str,
    codes: &[S],
) -> io::Result<BareRun> {
    let target = Target::parse(base_url)?;
    let t0 = Instant::now();
    let statuses = std::thread::scope(|scope| {
        // If the system refuses a thread, give up: the scope still joins those already started.
        let threads = codes
            .iter()
            .map(|cc| {
                std::thread::Builder::new().spawn_scoped(scope, || target.get_blocking(cc.as_ref()))
            })
            .collect::<io::Result<Vec<_>>>()?;
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("a request thread panicked")))
            })
            .collect::<io::Result<Vec<u16>>>()
    })?;
    BareRun::count(t0.elapsed(), &statuses)
}

/// Requests every code at once, each in a task of its own on a single-threaded tokio runtime,
/// and waits for them all.
///
/// ```
/// use flags_server::{FlagServer, ServerConfig};
///
/// let server = FlagServer::start(ServerConfig::default())?;
/// let run = flags_testkit::bare::one_task_per_request(&server.base_url(), &["BR", "XX"])?;
/// assert_eq!((run.found, run.not_found), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`one_thread_per_request`].
pub fn one_task_per_request<S: AsRef<str>>(base_url: &str, codes: &[S]) -> io::Result<BareRun> {
    let target = Target::parse(base_url)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let t0 = Instant::now();
    let statuses = runtime.block_on(async {
        let tasks: Vec<_> = codes
            .iter()
            .map(|cc| {
                let (target, cc) = (target.clone(), cc.as_ref().to_owned());
                tokio::spawn(async move { target.get_async(&cc).await })
            })
            .collect();
        let mut statuses = Vec::with_capacity(tasks.len());
        for task in tasks {
            statuses.push(task.await.map_err(io::Error::other)??);
        }
        Ok::<_, io::Error>(statuses)
    })?;
    BareRun::count(t0.elapsed(), &statuses)
}

impl BareRun {
    fn count(elapsed: Duration, statuses: &[u16]) -> io::Result<BareRun> {
        let found = statuses.iter().filter(|&&status| status == 200).count();
        let not_found = statuses.iter().filter(|&&status| status == 404).count();
        if found + not_found != statuses.len() {
            return Err(io::Error::other(
                "an answer was neither 200 nor 404: is this the built-in server?",
            ));
        }
        Ok(BareRun {
            elapsed,
            found,
            not_found,
        })
    }
}

/// Where the requests go: `host:port` and the path the flag paths start with.
#[derive(Debug, Clone)]
struct Target {
    authority: String,
    /// What every flag path starts with: empty, or `/flags`.
    path: String,
}

impl Target {
    fn parse(base_url: &str) -> io::Result<Target> {
        let refuse = || {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a bare client needs a plain http://host base URL, not {base_url}"),
            )
        };
        let url = url::Url::parse(base_url).map_err(|_| refuse())?;
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(refuse());
        };
        if url.scheme() != "http" {
            return Err(refuse());
        }
        Ok(Target {
            authority: format!("{host}:{port}"),
            // `/flags/` or `/`: without the slash at the end, so `/flags` or empty.
            path: url.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The request for one flag. `Connection: close` makes the server end the answer by closing,
    /// so reading to the end needs no parsing of lengths.
    fn request(&self, cc: &str) -> String {
        let cc = cc.to_ascii_lowercase();
        format!(
            "GET {}/{cc}/{cc}.gif HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.path, self.authority
        )
    }

    fn get_blocking(&self, cc: &str) -> io::Result<u16> {
        let mut stream = TcpStream::connect(&self.authority)?;
        stream.set_read_timeout(Some(PATIENCE))?;
        stream.set_write_timeout(Some(PATIENCE))?;
        stream.write_all(self.request(cc).as_bytes())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer)?;
        status_of(&answer)
    }

    async fn get_async(&self, cc: &str) -> io::Result<u16> {
        let exchange = async {
            let mut stream = tokio::net::TcpStream::connect(&self.authority).await?;
            stream.write_all(self.request(cc).as_bytes()).await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            Ok::<_, io::Error>(answer)
        };
        let answer = tokio::time::timeout(PATIENCE, exchange)
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no answer in time"))??;
        status_of(&answer)
    }
}

/// The status code of `HTTP/1.1 200 OK...`.
fn status_of(answer: &[u8]) -> io::Result<u16> {
    answer
        .get(9..12)
        .and_then(|digits| std::str::from_utf8(digits).ok())
        .and_then(|digits| digits.parse().ok())
        .filter(|_| answer.starts_with(b"HTTP/1."))
        .ok_or_else(|| io::Error::other("not an HTTP answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_comes_from_the_status_line_only() {
        assert_eq!(status_of(b"HTTP/1.1 404 Not Found\r\n\r\n").unwrap(), 404);
        assert!(status_of(b"HTTP/1.1 4").is_err());
        assert!(status_of(b"SSH-2.0-OpenSSH_9.2 200").is_err());
    }

    #[test]
    fn an_answer_other_than_200_or_404_fails_the_run_in_both_shapes() {
        use flags_server::{FlagServer, ServerConfig};

        let teapots = FlagServer::start(ServerConfig {
            error_rate: 1.0,
            ..ServerConfig::default()
        })
        .unwrap();
        let url = teapots.base_url();
        assert!(one_thread_per_request(&url, &["BR", "CN"]).is_err());
        assert!(one_task_per_request(&url, &["BR", "CN"]).is_err());
    }

    #[test]
    fn every_code_is_counted_once() {
        use flags_server::{FlagServer, ServerConfig};

        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let codes = ["BR", "CN", "XX", "QQ", "IN"];
        let threads = one_thread_per_request(&server.base_url(), &codes).unwrap();
        let tasks = one_task_per_request(&server.base_url(), &codes).unwrap();
        assert_eq!((threads.found, threads.not_found), (3, 2));
        assert_eq!((tasks.found, tasks.not_found), (3, 2));
    }

    #[test]
    fn only_plain_http_base_urls_are_accepted() {
        let target = Target::parse("http://127.0.0.1:8001/flags/").unwrap();
        assert_eq!(target.authority, "127.0.0.1:8001");
        assert_eq!(
            target.request("BR"),
            "GET /flags/br/br.gif HTTP/1.1\r\nHost: 127.0.0.1:8001\r\nConnection: close\r\n\r\n"
        );
        assert!(Target::parse("https://example.com/flags").is_err());
        let bare_host = Target::parse("http://127.0.0.1:8001").unwrap();
        assert!(
            bare_host
                .request("BR")
                .starts_with("GET /br/br.gif HTTP/1.1")
        );
    }
}
