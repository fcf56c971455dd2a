//! What the flag server can be told: the same knobs as `slow_server.py` (address, port,
//! directory, delay, error rate) plus a seed, a switch for the request log, and the two limits
//! that keep slow or greedy clients from taking the server down (a header timeout and a cap on
//! connections).

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::delay::Delay;
use super::listen;

/// The default [`ServerConfig::header_timeout`]: 10 s, plenty for any real client on any network,
/// where Apache's `RequestReadTimeout` starts at 20 s and hyper's own default is 30 s.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings for [`FlagServer::start`](super::FlagServer::start) and [`serve`](super::serve).
///
/// The default is the quiet, instant server tests want: 127.0.0.1 on a free port, the built-in
/// flags, no delay, no errors, no log; a 10 s header timeout, and as many connections as the
/// open-files limit allows (see [`connection_limit`](Self::connection_limit)).
///
/// ```
/// use std::time::Duration;
/// use flags_server::{Delay, ServerConfig};
///
/// let slow = ServerConfig {
///     delay: Delay::Uniform { min: Duration::from_millis(100), max: Duration::from_millis(300) },
///     seed: Some(1),
///     ..ServerConfig::default()
/// };
/// assert_eq!(slow.port, 0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// Address to listen on. The default, 127.0.0.1, keeps the server private to this machine;
    /// `slow_server.py` listens on every interface, which needlessly exposes it to the network.
    pub bind: IpAddr,
    /// Port to listen on; 0 lets the system pick a free one.
    pub port: u16,
    /// Serve this flags tree instead of the built-in flags (see [`router`](super::router)).
    pub directory: Option<PathBuf>,
    /// How long to wait before each answer.
    pub delay: Delay,
    /// Share of GET requests answered `418 I'm a Teapot`, from 0.0 to 1.0.
    pub error_rate: f64,
    /// Makes delays and errors reproducible; `None` picks a random seed.
    pub seed: Option<u64>,
    /// Print one line per request on stderr.
    pub log: bool,
    /// How long a client may take to send a request's head (request line and headers), counted
    /// from when the server starts waiting for it: from the connection's opening, or from the
    /// previous answer on a kept-alive connection. A client that is slower is disconnected, so
    /// a connection idle that long is closed too. Without it, a client that sends half a request
    /// and stalls holds its connection forever (the "slowloris" attack). Must not be zero.
    pub header_timeout: Duration,
    /// The most connections held open at once. Past it the server accepts no more until one
    /// closes: new clients wait in the kernel's queue of pending connections (their connect
    /// succeeds; their request is read later), and the server says so once on stderr. `None`
    /// derives the cap from the open-files limit (see [`connection_limit`](Self::connection_limit)).
    pub max_connections: Option<usize>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            directory: None,
            delay: Delay::None,
            error_rate: 0.0,
            seed: None,
            log: false,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: None,
        }
    }
}

/// A setting the server cannot work with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The error rate is not a share between 0 and 1.
    #[error("error rate {0} is out of range: use a share from 0.0 to 1.0 (0.25 = one in four)")]
    ErrorRate(f64),
    /// `directory` does not name a directory.
    #[error("{0} is not a directory: give the folder that holds flags/ or the flags folder itself")]
    NotADirectory(PathBuf),
    /// The header timeout is zero, which would disconnect every client at once.
    #[error("the header timeout must be longer than zero (the default is 10 s)")]
    NoHeaderTimeout,
    /// A cap of zero connections, which would serve nobody.
    #[error("the connection limit must be at least 1")]
    NoConnections,
}

impl From<ConfigError> for io::Error {
    fn from(error: ConfigError) -> Self {
        io::Error::new(io::ErrorKind::InvalidInput, error)
    }
}

impl ServerConfig {
    /// The address to bind: [`bind`](Self::bind) and [`port`](Self::port) together.
    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }

    /// The most connections the server holds at once: [`max_connections`](Self::max_connections)
    /// if set, or else half of the open-files limit left after 64 descriptors for the rest of
    /// the process, at least 16 and at most 10,000.
    ///
    /// Half, because a connection in `--directory` mode holds two descriptors while it reads a
    /// file: its socket and the file. The cap keeps the server below the limit, where accepting
    /// a connection or opening a file would fail with "too many open files". The limit is read
    /// when this is called: a program that raises it (as the `flags-server` program and the
    /// downloaders do) should do so before starting the server. Windows sets no such limit on
    /// sockets, so there the cap is 10,000.
    ///
    /// ```
    /// use flags_server::ServerConfig;
    ///
    /// let capped = ServerConfig { max_connections: Some(100), ..ServerConfig::default() };
    /// assert_eq!(capped.connection_limit(), 100);
    /// assert!((16..=10_000).contains(&ServerConfig::default().connection_limit()));
    /// ```
    pub fn connection_limit(&self) -> usize {
        self.max_connections
            .unwrap_or_else(listen::default_max_connections)
    }

    /// Checks the settings that plain field types cannot: the error rate's range, that the
    /// directory exists, and that the limits leave room to serve.
    /// [`FlagServer::start`](super::FlagServer::start) and [`serve`](super::serve) call this first.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // Written so NaN fails too: every comparison with NaN is false.
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err(ConfigError::ErrorRate(self.error_rate));
        }
        if self.header_timeout.is_zero() {
            return Err(ConfigError::NoHeaderTimeout);
        }
        if self.max_connections == Some(0) {
            return Err(ConfigError::NoConnections);
        }
        match &self.directory {
            Some(directory) if !directory.is_dir() => {
                Err(ConfigError::NotADirectory(directory.clone()))
            }
            _ => Ok(()),
        }
    }
}

/// The base URL downloaders use for a server at `addr`: they append `/{cc}/{cc}.gif`.
///
/// An unspecified bind address (`0.0.0.0`, `::`) is not something a client can connect to, so
/// the URL names the loopback address instead.
///
/// ```
/// use flags_server::base_url;
///
/// assert_eq!(base_url("127.0.0.1:8001".parse().unwrap()), "http://127.0.0.1:8001/flags");
/// assert_eq!(base_url("0.0.0.0:8001".parse().unwrap()), "http://127.0.0.1:8001/flags");
/// assert_eq!(base_url("[::]:8001".parse().unwrap()), "http://[::1]:8001/flags");
/// ```
pub fn base_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        });
    }
    // `SocketAddr`'s Display already brackets IPv6 addresses, as URLs require.
    format!("http://{addr}/flags")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_private_instant_and_quiet() {
        let config = ServerConfig::default();
        assert_eq!(config.socket_addr().to_string(), "127.0.0.1:0");
        assert_eq!(config.delay, Delay::None);
        assert_eq!(config.error_rate, 0.0);
        assert!(config.directory.is_none() && config.seed.is_none() && !config.log);
        assert_eq!(config.header_timeout, Duration::from_secs(10));
        assert_eq!(config.max_connections, None);
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn limits_that_would_serve_nobody_are_refused() {
        let no_timeout = ServerConfig {
            header_timeout: Duration::ZERO,
            ..ServerConfig::default()
        };
        assert_eq!(no_timeout.validate(), Err(ConfigError::NoHeaderTimeout));
        let no_connections = ServerConfig {
            max_connections: Some(0),
            ..ServerConfig::default()
        };
        assert_eq!(no_connections.validate(), Err(ConfigError::NoConnections));
    }

    #[test]
    fn error_rate_outside_zero_to_one_is_refused() {
        for rate in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            let config = ServerConfig {
                error_rate: rate,
                ..ServerConfig::default()
            };
            assert!(
                matches!(config.validate(), Err(ConfigError::ErrorRate(_))),
                "{rate}"
            );
        }
    }

    #[test]
    fn a_missing_directory_is_refused() {
        let config = ServerConfig {
            directory: Some(PathBuf::from("/no/such/flags/tree")),
            ..ServerConfig::default()
        };
        assert!(matches!(
            config.validate(),
            Err(ConfigError::NotADirectory(_))
        ));
    }
}
