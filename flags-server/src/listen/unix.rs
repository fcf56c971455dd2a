//! The listening socket on Unix, and the open-files limit every connection counts against.

use std::ffi::c_int;
use std::io;

use socket2::Socket;

/// Lets a restarted server take its port back while old connections linger in TIME_WAIT. It does
/// not allow two servers on one port (that needs SO_REUSEPORT), so "address in use" still means
/// what it says.
pub(super) fn prepare(socket: &Socket) -> io::Result<()> {
    socket.set_reuse_address(true)
}

/// The backlog as `listen(2)` takes it: the kernel caps it (`net.core.somaxconn` on Linux,
/// `kern.ipc.somaxconn` on macOS).
pub(super) fn backlog(wanted: u32) -> c_int {
    c_int::try_from(wanted).unwrap_or(c_int::MAX)
}

/// The soft limit on open files (`ulimit -n`), which every socket counts against; `None` if it
/// cannot be read or is unlimited.
pub(super) fn open_files_limit() -> Option<u64> {
    let (soft, _hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
    (soft != rlimit::INFINITY).then_some(soft)
}
