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
    Url(BaseUrl),
}

impl Default for ServerChoice {
    fn default() -> Self {
        ServerChoice::BuiltIn(Profile::Internet)
    }
}

/// Why a `-s` value was refused: not a label, or a URL the downloaders could misread.
#[derive(Debug, thiserror::Error)]
pub enum UnknownServer {
    /// Neither a label nor something that starts with `http://` or `https://`.
    #[error("unknown server {0:?}: use LOCAL, DELAY, ERROR, REMOTE or an http(s):// base URL")]
    Label(String),
    /// An `http(s)://` URL that cannot be a base URL.
    #[error("bad server URL {url:?}: {reason}")]
    Url {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl FromStr for ServerChoice {
    type Err = UnknownServer;

    /// Labels are case-insensitive; anything starting with `http://` or `https://` must be a
    /// [`BaseUrl`].
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
            "REMOTE" => ServerChoice::Url(BaseUrl::remote()),
            upper if upper.starts_with("HTTP://") || upper.starts_with("HTTPS://") => {
                ServerChoice::Url(BaseUrl::parse(s)?)
            }
            _ => return Err(UnknownServer::Label(s.to_owned())),
        };
        Ok(choice)
    }
}

/// The base URL of a flag site, checked so that the host the report shows is the host the
/// clients contact.
///
/// The text is read once, by the `url` crate (the rules browsers and reqwest follow), and what
/// the banner prints and the clients request are both built from that one reading: its
/// serialization, with the host as the clients will look it up (`http://127.1:8001` is
/// `http://127.0.0.1:8001`). Text that the clients might read differently, or that hides the
/// host, is refused:
/// - an empty host: `url` reads `http:///flags` as the host `flags`;
/// - a backslash: `url` reads `http://evil.invalid\@127.0.0.1/flags` as the host `evil.invalid`
///   while a person reads 127.0.0.1 (and ureq's parser refuses it);
/// - a user name or password (`http://user@host`), which no flag site needs and which is the
///   other half of that trick;
/// - a `?query` or `#fragment`, which the flag paths appended to the URL would land inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks `text` and returns the base URL the clients will use.
    ///
    /// ```
    /// use flags_common::site::BaseUrl;
    /// assert_eq!(BaseUrl::parse("HTTP://127.1:8001/flags/")?.as_str(), "http://127.0.0.1:8001/flags");
    /// assert!(BaseUrl::parse("http:///flags").is_err());
    /// assert!(BaseUrl::parse("http://evil.invalid\\@127.0.0.1:1/flags").is_err());
    /// # Ok::<(), flags_common::site::UnknownServer>(())
    /// ```
    pub fn parse(text: &str) -> Result<BaseUrl, UnknownServer> {
        let bad = |reason| UnknownServer::Url {
            url: text.to_owned(),
            reason,
        };
        let lower = text.to_ascii_lowercase();
        let Some(rest) = lower
            .strip_prefix("http://")
            .or_else(|| lower.strip_prefix("https://"))
        else {
            return Err(bad("only http:// and https:// URLs can be flag sites"));
        };
        // Checked on the text, before `url` tidies it: `url` skips extra slashes and turns
        // backslashes into slashes, which is how `http:///flags` gets a host.
        if text.contains('\\') {
            return Err(bad(
                "it contains a backslash, which HTTP clients read differently",
            ));
        }
        if rest.is_empty() || rest.starts_with('/') {
            return Err(bad("it names no host"));
        }
        let url = url::Url::parse(text).map_err(|_| bad("it is not a valid URL"))?;
        if !url.username().is_empty() || url.password().is_some() || authority(rest).contains('@') {
            return Err(bad(
                "it has a user name or password (user@host), which a flag site does not need",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("it names no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad(
                "it has a ?query or #fragment, where the flag paths would land",
            ));
        }
        Ok(BaseUrl(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// The book's public flag site, [`REMOTE_BASE_URL`].
    pub fn remote() -> BaseUrl {
        BaseUrl(REMOTE_BASE_URL.to_owned())
    }

    /// The URL as the clients use it, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The authority part of a URL's text after `scheme://`: up to the first `/`, `?` or `#`.
fn authority(after_scheme: &str) -> &str {
    after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or(after_scheme)
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
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
                base_url: url.as_str().to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        match BaseUrl::parse(text) {
            Ok(url) => panic!("{text:?} was accepted as {url}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn urls_that_hide_or_lack_their_host_are_refused_with_the_reason() {
        for (text, reason) in [
            ("http://", "names no host"),
            ("http:///flags", "names no host"),
            ("https:////127.0.0.1/flags", "names no host"),
            ("http://evil.invalid\\@127.0.0.1:1/flags", "backslash"),
            ("http://127.0.0.1:1\\flags", "backslash"),
            ("http://user@127.0.0.1:1/flags", "user name or password"),
            ("http://user:pw@127.0.0.1:1/flags", "user name or password"),
            ("http://@127.0.0.1:1/flags", "user name or password"),
            ("http://127.0.0.1:1/flags?cc=br", "?query or #fragment"),
            ("http://127.0.0.1:1/flags#top", "?query or #fragment"),
            ("http://127.0.0.1:99999/flags", "not a valid URL"),
            ("ftp://127.0.0.1/flags", "only http:// and https://"),
        ] {
            let message = refused(text);
            assert!(message.contains(reason), "{text:?}: {message}");
            assert!(message.starts_with("bad server URL"), "{message}");
        }
    }

    #[test]
    fn the_url_kept_is_the_one_the_clients_will_contact() {
        for (text, used) in [
            ("http://127.0.0.1:8001/flags", "http://127.0.0.1:8001/flags"),
            ("HTTP://127.1:8001/flags/", "http://127.0.0.1:8001/flags"),
            (
                "http://0x7f.0.0.1:8001/flags",
                "http://127.0.0.1:8001/flags",
            ),
            (
                "https://Example.COM/data/flags",
                "https://example.com/data/flags",
            ),
            ("http://localhost:8001", "http://localhost:8001"),
            ("http://[::1]:8001/flags", "http://[::1]:8001/flags"),
            (
                "http://127.0.0.1:8001/a@b/flags",
                "http://127.0.0.1:8001/a@b/flags",
            ),
        ] {
            assert_eq!(BaseUrl::parse(text).unwrap().as_str(), used, "{text:?}");
        }
        assert_eq!(BaseUrl::parse(REMOTE_BASE_URL).unwrap(), BaseUrl::remote());
    }

    #[test]
    fn the_site_reports_the_url_it_downloads_from() {
        let choice: ServerChoice = "http://127.1:8001/flags".parse().unwrap();
        let site = Site::start(&choice, DEFAULT_SEED).unwrap();
        assert_eq!(site.base_url(), "http://127.0.0.1:8001/flags");
        assert_eq!(
            site.to_string(),
            "flag server at http://127.0.0.1:8001/flags"
        );
    }
}
