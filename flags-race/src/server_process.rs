//! The race's side of the server child (see [`serve`](crate::serve)): start it, read its address,
//! and ask it for the spans of the requests of each run.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{Context, bail};

/// One request as the server saw it, in seconds since the `mark` sent before the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The country code, from the path (`/flags/cn/cn.gif` gives `CN`).
    pub code: String,
    /// The HTTP status the server answered.
    pub status: u16,
    /// When the server started handling the request.
    pub start: f64,
    /// When its answer was ready.
    pub end: f64,
}

/// The built-in flag server running in a child process. Dropping it closes the child's stdin,
/// which ends the child, and reaps it.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    base_url: String,
}

impl ServerProcess {
    /// Starts `program --serve` with these server arguments and waits until it listens.
    pub fn spawn(program: &Path, server_args: &[String]) -> anyhow::Result<ServerProcess> {
        let mut child = Command::new(program)
            .arg("--serve")
            .args(server_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {} --serve", program.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("the server process has no pipes");
        };
        let mut server = ServerProcess {
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            base_url: String::new(),
        };
        let first = server.read_line()?;
        match first.strip_prefix("listening ") {
            Some(url) => server.base_url = url.to_owned(),
            None => bail!("the server process said {first:?} instead of its address"),
        }
        Ok(server)
    }

    /// The base URL to download from.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Forgets the requests so far and starts the clock at zero; returns once the server has.
    pub fn mark(&mut self) -> anyhow::Result<()> {
        self.send("mark")?;
        let reply = self.read_line()?;
        anyhow::ensure!(
            reply == "ok",
            "the server process answered {reply:?} to mark"
        );
        Ok(())
    }

    /// The requests since the last [`mark`](Self::mark).
    pub fn dump(&mut self) -> anyhow::Result<Vec<Span>> {
        self.send("dump")?;
        let mut spans = Vec::new();
        loop {
            let line = self.read_line()?;
            if line == "end" {
                return Ok(spans);
            }
            spans.push(parse_span(&line).with_context(|| format!("bad span line {line:?}"))?);
        }
    }

    fn send(&mut self, command: &str) -> anyhow::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .context("the server process is closed")?;
        writeln!(stdin, "{command}")?;
        stdin.flush()?;
        Ok(())
    }

    fn read_line(&mut self) -> anyhow::Result<String> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("the server process ended unexpectedly");
        }
        Ok(line.trim_end().to_owned())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing stdin is the child's signal to exit; then reap it so no zombie is left.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// Parses `PATH STATUS START END`, taking the code from the path's second segment.
fn parse_span(line: &str) -> Option<Span> {
    let mut fields = line.split_whitespace();
    let path = fields.next()?;
    let code = path.split('/').nth(2)?.to_ascii_uppercase();
    Some(Span {
        code,
        status: fields.next()?.parse().ok()?,
        start: fields.next()?.parse().ok()?,
        end: fields.next()?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_line_gives_the_code_from_the_path() {
        let span = parse_span("/flags/cn/cn.gif 404 0.100000 0.200000").unwrap();
        assert_eq!(span.code, "CN");
        assert_eq!(span.status, 404);
        assert!((span.end - 0.2).abs() < 1e-9);
        assert!(parse_span("/flags/cn/cn.gif x 0 0").is_none());
    }
}
