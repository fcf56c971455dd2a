//! The flags3 async downloader: the twin of `flags3_asyncio.py`. For each code it fetches the
//! image, then the country's `metadata.json`, each request under the semaphore, and saves the
//! flag under the country's name with spaces as underscores (`United_States.gif`).
//!
//! Naming a file after what a server says is the classic path-traversal hole: a server (or a
//! man in the middle) answering `{"country": "../../.bashrc"}` must not get to write there. So the
//! name is checked ([`country_file_name`]) and anything odd is counted as an error with a clear
//! message, never "cleaned up" into a guess; `save_flag_in` then checks the name again.
//!
//! Run it with `cargo run -p flags-async --bin flags3-async -- -s ERROR -v`.

use flags_common::download::DownloadError;
use flags_common::flags2::Flags2Job;
use flags_common::status::Counter;
use futures::stream::FuturesUnordered;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::flags2::{consume, on_one_thread, save_off_the_runtime};
use crate::{fetch, get_flag, http_client};

/// The longest country name we accept, in characters. The longest real one is about 40
/// ("South Georgia and the South Sandwich Islands" is 44); file systems stop at 255 bytes.
pub const MAX_COUNTRY_CHARS: usize = 100;

/// Why one flags3 download failed.
#[derive(Debug, thiserror::Error)]
pub enum Flags3Error {
    /// The image or the metadata could not be downloaded or saved.
    #[error(transparent)]
    Download(#[from] DownloadError),
    /// The metadata arrived but cannot name a file.
    #[error("bad metadata from {url}: {reason}")]
    Metadata {
        /// The `metadata.json` URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

// ANCHOR: country_file_name
/// The file name (without `.gif`) for a country name from the server: spaces become underscores,
/// and a name that could escape `downloaded/`, hide itself, or upset a file system is refused
/// with the reason.
///
/// ```
/// use flags_async::flags3::country_file_name;
///
/// assert_eq!(country_file_name("United States").as_deref(), Ok("United_States"));
/// assert_eq!(country_file_name("Côte d'Ivoire").as_deref(), Ok("Côte_d'Ivoire"));
/// assert!(country_file_name("../../etc/passwd").is_err());
/// assert!(country_file_name("").is_err());
/// ```
pub fn country_file_name(country: &str) -> Result<String, String> {
    let length = country.chars().count();
    if country.trim().is_empty() {
        return Err("the country name is empty".to_owned());
    }
    if length > MAX_COUNTRY_CHARS {
        return Err(format!(
            "the country name is {length} characters long (at most {MAX_COUNTRY_CHARS})"
        ));
    }
    if country.chars().any(char::is_control) {
        return Err(format!("{country:?} contains a control character"));
    }
    if country.contains(['/', '\\']) {
        return Err(format!("{country:?} contains a path separator"));
    }
    // Not separators on Unix, but refused on Windows, where a `:` can even name a data stream.
    if let Some(bad) = country.chars().find(|c| ":*?\"<>|".contains(*c)) {
        return Err(format!(
            "{country:?} contains {bad:?}, not allowed in file names"
        ));
    }
    // Covers `.` and `..`, and hidden names that could collide with our `.xxxx.part` temp files.
    if country.starts_with('.') {
        return Err(format!("{country:?} starts with a dot"));
    }
    Ok(country.replace(' ', "_"))
}
// ANCHOR_END: country_file_name

/// Fetches `{base_url}/{cc}/metadata.json` (capped like an image) and returns its `country`.
pub async fn get_country(
    client: &reqwest::Client,
    base_url: &str,
    cc: &str,
) -> Result<String, Flags3Error> {
    let url = metadata_url(base_url, cc);
    let body = fetch(client, &url).await?;
    let bad = |reason: String| Flags3Error::Metadata {
        url: url.clone(),
        reason,
    };
    let metadata: Value =
        serde_json::from_slice(&body).map_err(|e| bad(format!("not valid JSON ({e})")))?;
    if !metadata.is_object() {
        return Err(bad(format!(
            "expected a JSON object, got {}",
            kind(&metadata)
        )));
    }
    match metadata.get("country") {
        Some(Value::String(country)) => Ok(country.clone()),
        Some(other) => Err(bad(format!("\"country\" is {}, not a string", kind(other)))),
        None => Err(bad("no \"country\" field".to_owned())),
    }
}

/// `{base_url}/{cc}/metadata.json`, the code in lower case as the site lays it out.
fn metadata_url(base_url: &str, cc: &str) -> String {
    format!(
        "{}/{}/metadata.json",
        base_url.trim_end_matches('/'),
        cc.to_ascii_lowercase()
    )
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ANCHOR: download_one
/// Downloads the image, then the metadata, each under the semaphore; saves the image under the
/// country's name off the runtime thread. `None`: Ctrl-C came before it could start.
async fn download_one(
    client: &reqwest::Client,
    run: &Flags2Job,
    semaphore: &Semaphore,
    cc: &str,
) -> Option<Result<(), Flags3Error>> {
    let image = {
        let _permit = semaphore.acquire().await.ok()?;
        get_flag(client, &run.job.base_url, cc).await
    };
    let image = match image {
        Ok(image) => image,
        Err(err) => return Some(Err(err.into())),
    };
    let country = {
        let _permit = semaphore.acquire().await.ok()?;
        get_country(client, &run.job.base_url, cc).await
    };
    Some(save_as_country(run, cc, image, country).await)
}
// ANCHOR_END: download_one

async fn save_as_country(
    run: &Flags2Job,
    cc: &str,
    image: Vec<u8>,
    country: Result<String, Flags3Error>,
) -> Result<(), Flags3Error> {
    let country = country?;
    let name = country_file_name(&country).map_err(|reason| Flags3Error::Metadata {
        url: metadata_url(&run.job.base_url, cc),
        reason: format!("{reason}; refusing to name a file after it"),
    })?;
    save_off_the_runtime(&run.job.dest_dir, image, format!("{name}.gif")).await?;
    Ok(())
}

/// Starts every download, consumes them as they complete, counts each outcome (Ctrl-C as in
/// [`flags2::supervisor`](crate::flags2::supervisor)).
pub async fn supervisor(run: &Flags2Job) -> anyhow::Result<Counter> {
    let client = http_client()?;
    let semaphore = Semaphore::new(run.concur_req);
    // `async move` blocks below take these references by copy, not the values themselves.
    let (client, semaphore) = (&client, &semaphore);
    let to_do: FuturesUnordered<_> = run
        .job
        .codes
        .iter()
        .map(|cc| async move {
            let attempt = download_one(client, run, semaphore, cc).await;
            (cc.as_str(), attempt)
        })
        .collect();
    let counter = consume(to_do, run, semaphore, |progress, cc, result| match result {
        Ok(()) => {
            progress.record(cc, &Ok(()));
        }
        Err(Flags3Error::Download(err)) => {
            progress.record(cc, &Err(err));
        }
        Err(err) => progress.record_error(cc, &err),
    })
    .await;
    Ok(counter)
}

/// Runs [`supervisor`] on a current-thread runtime, like `asyncio.run`.
pub fn download_many(run: &Flags2Job) -> anyhow::Result<Counter> {
    on_one_thread(supervisor(run))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused_with_a_reason() {
        let long = "x".repeat(10_000);
        for hostile in [
            "",
            "   ",
            ".",
            "..",
            "../evil",
            "/etc/passwd",
            "a\\b",
            "nul\0byte",
            "new\nline",
            "esc\u{1b}[31m",
            "C:evil",
            ".hidden",
            long.as_str(),
        ] {
            assert!(
                country_file_name(hostile).is_err(),
                "{hostile:?} was accepted"
            );
        }
    }

    #[test]
    fn real_names_keep_their_letters_and_lose_their_spaces() {
        assert_eq!(
            country_file_name("Bosnia and Herzegovina").as_deref(),
            Ok("Bosnia_and_Herzegovina")
        );
        assert_eq!(country_file_name("São Tomé").as_deref(), Ok("São_Tomé"));
    }

    #[test]
    fn every_built_in_country_name_is_a_good_file_name() {
        for country in flags_common::countries::COUNTRIES {
            assert!(
                country_file_name(country.country).is_ok(),
                "{:?}",
                country.country
            );
        }
    }
}
