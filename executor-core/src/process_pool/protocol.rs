//! The messages between the pool and a worker process, and how they are framed on the channel:
//! a 4-byte little-endian length, then the message in postcard (a compact serde format, the
//! role `pickle` plays for Python). Arguments and results are already encoded by the caller,
//! so they travel as opaque bytes and the worker decodes them with the function's own types.

use std::io::{self, Read};

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
    /// The task panicked: its message, and `file:line:column` where (CPython sends the remote
    /// traceback the same way, as text).
    Panicked {
        message: String,
        location: Option<String>,
    },
    Serialization(String),
}

/// The largest message either side sends or accepts: 1 GiB. The length in front of a frame is
/// trusted only up to this: a corrupt or hostile length (up to 4 GiB) must not make the reader
/// allocate that much. A request or result over it fails its future instead.
pub(crate) const MAX_FRAME: usize = 1 << 30;

/// What a worker writes first, before any frame: proof that it reached
/// [`run_worker_if_child`](super::run_worker_if_child) and holds its own end of the channel
/// (on Windows, the sign that the parent may close its copies). Only that function writes on
/// the channel; anything else that came first would be read as a frame length.
pub(crate) const GREETING: [u8; 8] = *b"\0ecpool1";

/// Reads the worker's [`GREETING`]: `Ok(true)` once read, `Ok(false)` if the worker's output
/// ended first (it died: its exit status tells why), and on anything else, what came instead.
pub(crate) fn expect_greeting(input: &mut impl Read) -> Result<bool, String> {
    let mut first = [0; GREETING.len()];
    match input.read_exact(&mut first) {
        Ok(()) if first == GREETING => Ok(true),
        Ok(()) => Err(format!(
            "a worker sent {:?} where its greeting belongs; only `run_worker_if_child` writes on \
             the pool's channel, so something else in the worker wrote there",
            String::from_utf8_lossy(&first)
        )),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(format!("could not read a worker's greeting: {error}")),
    }
}

/// Appends one framed message to `buffer` (nothing, on an error).
pub(crate) fn encode_into<M: Serialize>(message: &M, buffer: &mut Vec<u8>) -> io::Result<()> {
    let body = postcard::to_allocvec(message).map_err(io::Error::other)?;
    if body.len() > MAX_FRAME {
        return Err(too_long(body.len()));
    }
    let len = u32::try_from(body.len()).map_err(io::Error::other)?;
    buffer.extend_from_slice(&len.to_le_bytes());
    buffer.extend_from_slice(&body);
    Ok(())
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
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(too_long(len));
    }
    let mut body = vec![0; len];
    input.read_exact(&mut body)?;
    postcard::from_bytes(&body)
        .map(Some)
        .map_err(io::Error::other)
}

fn too_long(len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "a message of {len} bytes is over the {} MiB limit of the process pool's channel",
            MAX_FRAME >> 20
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless stream of bytes that counts how many were read.
    struct Endless {
        read: usize,
    }

    impl Read for Endless {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            buffer.fill(0xff);
            self.read += buffer.len();
            Ok(buffer.len())
        }
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_anything_is_allocated_or_read() {
        // 0xffff_ffff: what a corrupt pipe (or a task writing on it) could put in front.
        let mut input = Endless { read: 0 };
        let error = read_message::<Response>(&mut input).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("1024 MiB limit"), "{error}");
        assert!(input.read <= 64, "read {} bytes of the body", input.read);
    }

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
    fn anything_but_the_greeting_is_reported_instead_of_read_as_a_length() {
        let mut input: &[u8] = b"\nrunning 1 test\n";
        let error = expect_greeting(&mut input).unwrap_err();
        assert!(error.contains("running"), "{error}");
        assert!(error.contains("greeting"), "{error}");
    }
}
