//! The listening socket on Windows.

use std::ffi::c_int;
use std::io;

use socket2::Socket;

/// Nothing to set. SO_REUSEADDR, which Unix servers set to reclaim their port after a restart,
/// means something else on Windows: it lets *another* socket bind the same port and steal its
/// connections, and a port in TIME_WAIT does not block a new server there anyway.
pub(super) fn prepare(_socket: &Socket) -> io::Result<()> {
    Ok(())
}

/// The backlog as `listen` takes it on Windows: `SOMAXCONN_HINT(wanted)`, which Winsock writes as
/// the negated count. A plain number is cut to the provider's own "reasonable maximum", which a
/// burst of 676 connections (`-e -m 1000` against the built-in server) can overflow; Microsoft's
/// `listen` documentation gives the hint as the way to ask for more, honoured from 200 to 65535.
pub(super) fn backlog(wanted: u32) -> c_int {
    -c_int::try_from(wanted.min(65_535)).unwrap_or(65_535)
}

/// Windows has no per-process limit on sockets like Unix's open-files limit (its C runtime's
/// limit on `FILE` streams does not apply to them), so there is nothing to derive a cap from.
pub(super) fn open_files_limit() -> Option<u64> {
    None
}
