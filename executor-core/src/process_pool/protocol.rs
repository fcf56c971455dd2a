//! The messages between the pool and a worker process, and how they are framed on the pipes:
//! a 4-byte little-endian length, then the message in postcard (a compact serde format, the
//! role `pickle` plays for Python). Arguments and results are already encoded by the caller,
//! so they travel as opaque bytes and the worker decodes them with the function's own types.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

/// Parent → worker.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Request {
    /// Run `function` once at start-up; reply `InitFailed` and exit if it fails.
    Init { function: String, args: Vec<u8> },
    /// Run `function` once per argument (a `map` chunk has several, a `submit` one).
    Run {
        id: u64,
        function: String,
        args: Vec<Vec<u8>>,
    },
}

/// Worker → parent, in the order the requests came.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Response {
    InitFailed { message: String },
    Done { id: u64, results: Vec<Outcome> },
}

/// One call's outcome: the encoded result or why there is none.
pub(crate) type Outcome = Result<Vec<u8>, Failure>;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Failure {
    Panicked(String),
    Serialization(String),
}

/// What a worker writes first, before any frame: proof that the bytes on the pipe come from
/// [`run_worker_if_child`](super::run_worker_if_child), not from the program's own output.
/// Anything printed to stdout before that call (a banner, or libtest's "running 1 test" when a
/// pool is used inside `#[test]`) would otherwise be read as a frame length.
pub(crate) const GREETING: [u8; 8] = *b"\0ecpool1";

/// Reads the worker's [`GREETING`]: `Ok(true)` once read, `Ok(false)` if the worker's output
/// ended first (it died: its exit status tells why), and on anything else, what came instead.
pub(crate) fn expect_greeting(input: &mut impl Read) -> Result<bool, String> {
    let mut first = [0; GREETING.len()];
    match input.read_exact(&mut first) {
        Ok(()) if first == GREETING => Ok(true),
        Ok(()) => Err(format!(
            "a worker wrote {:?} to its stdout before `run_worker_if_child` took it over; call \
             it first thing in `main` (a libtest `#[test]` prints its header first: run a pool \
             from a test target with `harness = false`, or from a program)",
            String::from_utf8_lossy(&first)
        )),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(format!("could not read a worker's greeting: {error}")),
    }
}

/// Appends one framed message to `buffer`.
pub(crate) fn encode_into<M: Serialize>(message: &M, buffer: &mut Vec<u8>) -> io::Result<()> {
    let body = postcard::to_allocvec(message).map_err(io::Error::other)?;
    let len = u32::try_from(body.len()).map_err(io::Error::other)?;
    buffer.extend_from_slice(&len.to_le_bytes());
    buffer.extend_from_slice(&body);
    Ok(())
}

/// Writes one framed message.
pub(crate) fn write_message<M: Serialize>(out: &mut impl Write, message: &M) -> io::Result<()> {
    let mut buffer = Vec::new();
    encode_into(message, &mut buffer)?;
    out.write_all(&buffer)
}

/// Reads one framed message; `Ok(None)` on a clean end of file between messages.
pub(crate) fn read_message<M: for<'de> Deserialize<'de>>(
    input: &mut impl Read,
) -> io::Result<Option<M>> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let mut body = vec![0; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut body)?;
    postcard::from_bytes(&body)
        .map(Some)
        .map_err(io::Error::other)
}

/// If `buffer` starts with a complete frame, decodes it and returns it with the frame's length.
pub(crate) fn decode_frame<M: for<'de> Deserialize<'de>>(
    buffer: &[u8],
) -> Option<(io::Result<M>, usize)> {
    let len_bytes: [u8; 4] = buffer.get(..4)?.try_into().ok()?;
    let end = 4 + u32::from_le_bytes(len_bytes) as usize;
    let body = buffer.get(4..end)?;
    Some((postcard::from_bytes(body).map_err(io::Error::other), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_greeting_is_accepted() {
        let mut input: &[u8] = &GREETING;
        assert_eq!(expect_greeting(&mut input), Ok(true));
    }

    #[test]
    fn output_ending_before_the_greeting_is_a_death_not_a_protocol_error() {
        let mut input: &[u8] = b"\0ec";
        assert_eq!(expect_greeting(&mut input), Ok(false));
    }

    #[test]
    fn text_printed_before_the_hook_is_reported_instead_of_read_as_a_length() {
        // What a pool inside a libtest `#[test]` would read first: the harness's header.
        let mut input: &[u8] = b"\nrunning 1 test\n";
        let error = expect_greeting(&mut input).unwrap_err();
        assert!(error.contains("running"), "{error}");
        assert!(error.contains("run_worker_if_child"), "{error}");
    }
}
