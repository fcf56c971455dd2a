//! Choosing where the flags come from: the built-in server (started in this process) or a URL.
//!
//! The chapter's scripts need the public site or a server started by hand in another terminal.
//! Ours start the built-in server themselves on a free port, so `cargo run -p flags-sequential`
//! works on a machine with no network. `-s/--server` picks a profile or a real URL instead.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use flags_server::{Delay, FlagServer, ServerConfig};

/// The book's public flag site (`BASE_URL` in `flags.py`).
pub const REMOTE_BASE_URL: &str = "https://www.fluentpython.com/data/flags";

/// The seed the built-in profiles use when none is given, so two runs see the same delays.
pub const DEFAULT_SEED: u64 = 2026;

/// How the built-in server behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// 0.1 to 0.3 s per request: about what a real web site costs (the default).
    Internet,
    /// No delay at all: pure overhead, for measuring the programs themselves.
    Local,
    /// 0.5 to 5 s per request, like `slow_server.py`'s default.
    Delay,
    /// A quarter of the requests answered `418 I'm a Teapot`, each after 0.5 s.
    Error,
}

impl Profile {
    /// The server settings of this profile.
    pub fn config(self, seed: u64) -> ServerConfig {
        let ms = Duration::from_millis;
        let (delay, error_rate) = match self {
            Profile::Internet => (
                Delay::Uniform {
                    min: ms(100),
                    max: ms(300),
                },
                0.0,
            ),
            Profile::Local => (Delay::None, 0.0),
            Profile::Delay => (
                Delay::Uniform {
                    min: ms(500),
                    max: ms(5000),
                },
                0.0,
            ),
            Profile::Error => (Delay::Fixed(ms(500)), 0.25),
        };
        ServerConfig {
            delay,
            error_rate,
            seed: Some(seed),
            ..ServerConfig::default()
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Profile::Internet => "0.1-0.3 s per request, like a remote site",
            Profile::Local => "no delay",
            Profile::Delay => "0.5-5 s per request",
            Profile::Error => "0.5 s per request, 25% answered 418",
        }
    }
}

/// What `-s/--server` names: a built-in profile or the base URL of a real server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerChoice {
    /// Start the built-in server in this process.
    BuiltIn(Profile),
    /// Download from this base URL (`REMOTE` is the book's public site).
    Url(String),
}

impl Default for ServerChoice {
    fn default() -> Self {
        ServerChoice::BuiltIn(Profile::Internet)
    }
}

/// The error for a `-s` value that is neither a label nor an `http(s)://` URL.
#[derive(Debug, thiserror::Error)]
#[error("unknown server {0:?}: use LOCAL, DELAY, ERROR, REMOTE or an http(s):// base URL")]
pub struct UnknownServer(String);

impl FromStr for ServerChoice {
    type Err = UnknownServer;

    /// Labels are case-insensitive; anything starting with `http://` or `https://` is a URL.
    ///
    /// ```
    /// use flags_common::site::{Profile, ServerChoice};
    /// assert_eq!("delay".parse::<ServerChoice>()?, ServerChoice::BuiltIn(Profile::Delay));
    /// assert!("ftp://x".parse::<ServerChoice>().is_err());
    /// assert!("http://".parse::<ServerChoice>().is_err());
    /// assert!("http://127.0.0.1:8001/flags?x=1".parse::<ServerChoice>().is_err());
    /// assert!("http://127.0.0.1:8001/flags".parse::<ServerChoice>().is_ok());
    /// # Ok::<(), flags_common::site::UnknownServer>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let choice = match s.to_ascii_uppercase().as_str() {
            "INTERNET" => ServerChoice::BuiltIn(Profile::Internet),
            "LOCAL" => ServerChoice::BuiltIn(Profile::Local),
            "DELAY" => ServerChoice::BuiltIn(Profile::Delay),
            "ERROR" => ServerChoice::BuiltIn(Profile::Error),
            "REMOTE" => ServerChoice::Url(REMOTE_BASE_URL.to_owned()),
            upper if upper.starts_with("HTTP://") || upper.starts_with("HTTPS://") => {
                if !is_base_url(s) {
                    return Err(UnknownServer(s.to_owned()));
                }
                ServerChoice::Url(s.trim_end_matches('/').to_owned())
            }
            _ => return Err(UnknownServer(s.to_owned())),
        };
        Ok(choice)
    }
}

/// Whether an `http(s)://` URL can be a base URL: it names a host (`http://` alone names none),
/// and has no `?query` or `#fragment`, which the flag paths appended to it would land inside.
/// Read by the `url` crate, which follows the rules browsers and reqwest use.
fn is_base_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|url| {
        url.host_str().is_some_and(|host| !host.is_empty())
            && url.query().is_none()
            && url.fragment().is_none()
    })
}

/// A flag site ready to download from. When it is the built-in server, the server runs for as
/// long as this value lives and stops when it is dropped.
pub struct Site {
    base_url: String,
    description: String,
    // Held only to keep the server alive; dropping the `Site` shuts it down.
    _server: Option<FlagServer>,
}

impl Site {
    /// Starts the built-in server if `choice` asks for it (on 127.0.0.1, a free port).
    ///
    /// ```
    /// use flags_common::site::{Profile, ServerChoice, Site};
    /// let site = Site::start(&ServerChoice::BuiltIn(Profile::Local), 1)?;
    /// assert!(site.base_url().starts_with("http://127.0.0.1:"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start(choice: &ServerChoice, seed: u64) -> std::io::Result<Site> {
        match choice {
            ServerChoice::BuiltIn(profile) => {
                let server = FlagServer::start(profile.config(seed))?;
                let base_url = server.base_url();
                Ok(Site {
                    description: format!(
                        "built-in flag server at {base_url} ({})",
                        profile.describe()
                    ),
                    base_url,
                    _server: Some(server),
                })
            }
            ServerChoice::Url(url) => Ok(Site {
                base_url: url.clone(),
                description: format!("flag server at {url}"),
                _server: None,
            }),
        }
    }

    /// The base URL to append `/{cc}/{cc}.gif` to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}
