//! What the flag server can be told: the same knobs as `slow_server.py` (address, port,
//! directory, delay, error rate) plus a seed and a switch for the request log.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use super::delay::Delay;

/// Settings for [`FlagServer::start`](super::FlagServer::start) and [`serve`](super::serve).
///
/// The default is the quiet, instant server tests want: 127.0.0.1 on a free port, the built-in
/// flags, no delay, no errors, no log.
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

    /// Checks the settings that plain field types cannot: the error rate's range and that the
    /// directory exists. [`FlagServer::start`](super::FlagServer::start) and
    /// [`serve`](super::serve) call this first.
    pub fn validate(&self) -> Result<(), ConfigError> {
        // Written so NaN fails too: every comparison with NaN is false.
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err(ConfigError::ErrorRate(self.error_rate));
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
        assert_eq!(config.validate(), Ok(()));
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
