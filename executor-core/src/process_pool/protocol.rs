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
