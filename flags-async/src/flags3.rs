//! The flags3 async downloader: the twin of `flags3_asyncio.py`. For each code it fetches the
//! image, then the country's `metadata.json`, each request under the semaphore, and saves the
//! flag under the country's name with spaces as underscores (`United_States.gif`).
//!
//! Naming a file after what a server says is the classic path-traversal hole: a server (or a
//! man in the middle) answering `{"country": "../../.bashrc"}` must not get to write there. So the
//! name is checked ([`country_file_name`]) and anything odd is counted as an error with a clear
//! message, never "cleaned up" into a guess; `save_flag_in` then checks the name again.
//!
//! A name can also pass for another: `Brazil\u{180E}.gif` shows as `Brazil.gif`, and `Café`
//! spelled with `é` or with `e` and a combining accent is two names to Linux but one to macOS,
//! where the second download would silently replace the first. So names are normalised to NFC,
//! invisible and blank characters are refused, and each name is claimed once per run, compared
//! after case folding. The Unicode data comes from ICU4X (the Unicode Consortium's library,
//! which `url` already builds in for international domain names).
//!
//! Run it with `cargo run -p flags-async --bin flags3-async -- -s ERROR -v`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Mutex, PoisonError};

use flags_common::download::{DownloadError, FLAGS2_REQUEST_TIMEOUT};
use flags_common::flags2::Flags2Job;
use flags_common::status::Counter;
use futures::stream::FuturesUnordered;
use icu_casemap::CaseMapper;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointSetData;
use icu_properties::props::DefaultIgnorableCodePoint;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::flags2::{consume, on_one_thread, save_off_the_runtime};
use crate::{HttpClient, fetch, get_flag, http_client};

/// The longest country name we accept, in characters. The longest real one is about 40
/// ("South Georgia and the South Sandwich Islands" is 44).
pub const MAX_COUNTRY_CHARS: usize = 100;

/// The longest country name we accept, in bytes of UTF-8: file systems stop at 255 bytes per
/// name, and ours gets `.gif` (and, while it is written, a temporary prefix and suffix) added.
pub const MAX_COUNTRY_BYTES: usize = 200;

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
    /// Another code's metadata already gave this country name, so saving would overwrite that
    /// flag. Names are compared as the strictest file systems compare them: ignoring case
    /// (Windows, macOS by default) and Unicode form (macOS), by [`name_key`].
    #[error("{name}.gif is already the flag of {first}: not saved under that name twice")]
    NameTaken {
        /// The file name, without `.gif`.
        name: String,
        /// The code that got the name first.
        first: String,
    },
    /// Ctrl-C came after the image arrived but before the metadata request could start: with no
    /// name to save it under, the image is dropped.
    #[error("interrupted after the image and before the metadata: not saved")]
    Interrupted,
}

// ANCHOR: country_file_name
/// The file name (without `.gif`) for a country name from the server: the name in Unicode's
/// composed form (NFC), spaces as underscores. A name that could escape `downloaded/`, hide
/// itself, pass for another or upset a file system is refused with the reason.
///
/// The rules are those of the strictest system, Windows, applied on every system, so that a
/// folder of flags saved on Linux can be copied anywhere: no `< > : " / \ | ? *`, no control
/// characters, no name ending in a dot or a space, no device name (`CON`, `NUL`, `COM1`...; see
/// [`is_windows_device_name`]). Invisible and blank characters are refused too
/// ([`is_invisible_or_blank`]).
///
/// The name is normalised to NFC first, and checked and returned in that form: the same name
/// typed with `é` or with `e` and a combining accent gives the same file, as it does on macOS.
///
/// ```
/// use flags_async::flags3::country_file_name;
///
/// assert_eq!(country_file_name("United States").as_deref(), Ok("United_States"));
/// assert_eq!(country_file_name("Côte d'Ivoire").as_deref(), Ok("Côte_d'Ivoire"));
/// assert_eq!(country_file_name("Co\u{302}te d'Ivoire").as_deref(), Ok("Côte_d'Ivoire"));
/// assert!(country_file_name("Brazil\u{180E}").is_err());
/// assert!(country_file_name("../../etc/passwd").is_err());
/// assert!(country_file_name("").is_err());
/// assert!(country_file_name("aux").is_err());
/// ```
pub fn country_file_name(country: &str) -> Result<String, String> {
    let country = &*ComposingNormalizerBorrowed::new_nfc().normalize(country);
    let length = country.chars().count();
    if country.trim().is_empty() {
        return Err("the country name is empty".to_owned());
    }
    if length > MAX_COUNTRY_CHARS {
        return Err(format!(
            "the country name is {length} characters long (at most {MAX_COUNTRY_CHARS})"
        ));
    }
    if country.len() > MAX_COUNTRY_BYTES {
        return Err(format!(
            "the country name is {} bytes long in UTF-8 (at most {MAX_COUNTRY_BYTES})",
            country.len()
        ));
    }
    if country.chars().any(char::is_control) {
        return Err(format!("{country:?} contains a control character"));
    }
    if let Some(hidden) = country.chars().find(|&c| is_invisible_or_blank(c)) {
        return Err(format!(
            "{country:?} contains the invisible or blank character U+{:04X}",
            u32::from(hidden)
        ));
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
    // Windows drops a trailing dot or space from a name, so the file would not get the name
    // that was asked for (and two names could become one).
    if country.ends_with(['.', ' ']) {
        return Err(format!("{country:?} ends with a dot or a space"));
    }
    // `NUL.gif` is not a file on Windows but the null device: the flag would vanish.
    if is_windows_device_name(country) {
        return Err(format!("{country:?} is a device name on Windows"));
    }
    Ok(country.replace(' ', "_"))
}
// ANCHOR_END: country_file_name

/// True for the names Windows keeps for devices, in any case and with any extension: `CON`,
/// `PRN`, `AUX`, `NUL`, `COM0` to `COM9`, `LPT0` to `LPT9` (and their superscript forms `COM¹`,
/// `LPT²`...), `CONIN$` and `CONOUT$`. Opening `aux.gif` or `Con.txt` there opens the device, not
/// a file: the part before the first dot (less trailing spaces, which Windows also ignores) is
/// what counts.
///
/// ```
/// use flags_async::flags3::is_windows_device_name;
///
/// assert!(is_windows_device_name("aux.gif"));
/// assert!(is_windows_device_name("Con.txt"));
/// assert!(is_windows_device_name("com7"));
/// assert!(!is_windows_device_name("Comoros"));
/// assert!(!is_windows_device_name("COM10"));
/// ```
pub fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let stem = stem.to_uppercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix).is_some_and(|number| {
            matches!(
                number,
                "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    };
    matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || numbered("COM")
        || numbered("LPT")
}

/// True for a character that shows as nothing, or as blank space other than a plain space, so
/// that a name holding it can pass for another name (`Brazil\u{180E}` for `Brazil`):
/// - Unicode's `Default_Ignorable_Code_Point` property: the characters a renderer draws as
///   nothing when it has no special use for them. Zero-width spaces and joiners, the marks that
///   reverse text (`"\u{202E}fig.exe"` shows as `exe.gif`), the soft hyphen, the byte-order mark,
///   variation selectors, tag characters (U+E0041), the Arabic letter mark (U+061C), the combining
///   grapheme joiner (U+034F), the Mongolian vowel separator (U+180E), the Hangul fillers
///   (U+3164). The table is ICU4X's, for the Unicode version it ships.
/// - Unicode's `White_Space` property (`char::is_whitespace`), less the space itself, which
///   becomes `_`: no-break, ideographic and line-separator spaces (U+2028) look like a space or a
///   line break and are not one.
/// - U+2800 BRAILLE PATTERN BLANK, a symbol in no property above that is drawn as an empty cell
///   and is the usual stand-in for "an invisible character" where the others are filtered.
///
/// ```
/// use flags_async::flags3::is_invisible_or_blank;
///
/// for hidden in ['\u{200B}', '\u{180E}', '\u{3164}', '\u{2800}', '\u{2028}', '\u{A0}'] {
///     assert!(is_invisible_or_blank(hidden), "{hidden:?}");
/// }
/// assert!(!is_invisible_or_blank(' '));
/// assert!(!is_invisible_or_blank('é'));
/// ```
pub fn is_invisible_or_blank(c: char) -> bool {
    const BRAILLE_PATTERN_BLANK: char = '\u{2800}';
    c != ' '
        && (CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
            || c.is_whitespace()
            || c == BRAILLE_PATTERN_BLANK)
}

/// What two names must not share to be saved side by side: the name case-folded (full Unicode
/// case folding, so `ß` and `SS` are one, as `ſ` and `s` are) and in NFC, as the strictest file
/// systems compare names (Windows ignores case; macOS ignores case and Unicode form).
///
/// ```
/// use flags_async::flags3::name_key;
///
/// assert_eq!(name_key("Côte_d'Ivoire"), name_key("CO\u{302}TE_D'IVOIRE"));
/// assert_eq!(name_key("Straße"), name_key("STRASSE"));
/// assert_ne!(name_key("Brazil"), name_key("Brasil"));
/// ```
pub fn name_key(name: &str) -> String {
    let nfc = ComposingNormalizerBorrowed::new_nfc();
    let folded = CaseMapper::new()
        .fold_string(&nfc.normalize(name))
        .into_owned();
    // Folding can leave a decomposed sequence (`ǰ` folds to `j` and a combining caron): compose
    // again so that every spelling of the name ends up with one key.
    nfc.normalize(&folded).into_owned()
}

/// Fetches `{base_url}/{cc}/metadata.json` (capped like an image) and returns its `country`.
pub async fn get_country(
    client: &HttpClient,
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
    client: &HttpClient,
    run: &Flags2Job,
    semaphore: &Semaphore,
    names: &NamesTaken,
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
        // Ctrl-C closes the semaphore. This code has started (its image is in), so it is
        // counted, as an error, rather than passed off as a code never tried.
        let Ok(_permit) = semaphore.acquire().await else {
            return Some(Err(Flags3Error::Interrupted));
        };
        get_country(client, &run.job.base_url, cc).await
    };
    Some(save_as_country(run, names, cc, image, country).await)
}
// ANCHOR_END: download_one

/// The flag file names given out so far in this run, by [`name_key`], each with the code it went
/// to. Two codes whose metadata name the same country must not both "succeed" while the second
/// silently replaces the first's file. A std mutex is enough: it is held for one lookup, never
/// across an `.await`.
type NamesTaken = Mutex<HashMap<String, String>>;

async fn save_as_country(
    run: &Flags2Job,
    names: &NamesTaken,
    cc: &str,
    image: Vec<u8>,
    country: Result<String, Flags3Error>,
) -> Result<(), Flags3Error> {
    let country = country?;
    let name = country_file_name(&country).map_err(|reason| Flags3Error::Metadata {
        url: metadata_url(&run.job.base_url, cc),
        reason: format!("{reason}; refusing to name a file after it"),
    })?;
    claim(names, &name, cc)?;
    save_off_the_runtime(&run.job.dest_dir, image, format!("{name}.gif")).await?;
    Ok(())
}

/// Gives `name` to `cc`, unless another code has it already. The name stays taken even if the
/// save then fails: a second code with the same country is refused either way.
fn claim(names: &NamesTaken, name: &str, cc: &str) -> Result<(), Flags3Error> {
    // Nothing panics while the lock is held, so a poisoned lock still holds a sound map.
    let mut names = names.lock().unwrap_or_else(PoisonError::into_inner);
    match names.entry(name_key(name)) {
        Entry::Occupied(first) => Err(Flags3Error::NameTaken {
            name: name.to_owned(),
            first: first.get().clone(),
        }),
        Entry::Vacant(slot) => {
            slot.insert(cc.to_owned());
            Ok(())
        }
    }
}

/// Starts every download, consumes them as they complete, counts each outcome (Ctrl-C as in
/// [`flags2::supervisor`](crate::flags2::supervisor)).
pub async fn supervisor(run: &Flags2Job) -> anyhow::Result<Counter> {
    let client = http_client(FLAGS2_REQUEST_TIMEOUT)?;
    let semaphore = Semaphore::new(run.concur_req);
    let names = NamesTaken::default();
    // `async move` blocks below take these references by copy, not the values themselves.
    let (client, semaphore, names) = (&client, &semaphore, &names);
    let to_do: FuturesUnordered<_> = run
        .job
        .codes
        .iter()
        .map(|cc| async move {
            let attempt = download_one(client, run, semaphore, names, cc).await;
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
            "\u{202E}fig.exe",
            "zero\u{200B}width",
            "soft\u{AD}hyphen",
            &"€".repeat(90),
        ] {
            assert!(
                country_file_name(hostile).is_err(),
                "{hostile:?} was accepted"
            );
        }
    }

    #[test]
    fn names_windows_cannot_hold_are_refused_on_every_system() {
        for device in [
            "CON", "con", "Con", "PRN", "prn", "AUX", "aux", "NUL", "nul", "COM1", "com5", "COM9",
            "LPT1", "lpt4", "LPT9", "COM0", "LPT0", "COM¹", "lpt³", "CONIN$", "conout$",
        ] {
            assert!(
                country_file_name(device).is_err(),
                "{device:?} was accepted"
            );
            let with_extension = format!("{device}.gif");
            assert!(
                country_file_name(&with_extension).is_err(),
                "{with_extension:?} was accepted"
            );
        }
        for hostile in [
            "aux.gif",
            "Con.txt",
            "nul.tar.gz",
            "Brazil.",
            "Brazil ",
            "Brazil...",
            "a<b",
            "a>b",
            "a:b",
            "a\"b",
            "a/b",
            "a\\b",
            "a|b",
            "a?b",
            "a*b",
            "tab\there",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert!(
                country_file_name(hostile).is_err(),
                "{hostile:?} was accepted"
            );
        }
    }

    #[test]
    fn names_that_only_look_like_devices_are_kept() {
        for fine in [
            "Comoros",
            "COM10",
            "LPT",
            "Consolation",
            "Nulland",
            "Auxerre",
            "CON-GO",
            "Cono",
        ] {
            assert!(country_file_name(fine).is_ok(), "{fine:?} was refused");
        }
    }

    #[test]
    fn a_name_goes_to_one_code_only_whatever_its_case() {
        let names = NamesTaken::default();
        assert!(claim(&names, "Brazil", "BR").is_ok());
        assert!(claim(&names, "Chile", "CL").is_ok());
        let second = claim(&names, "BRAZIL", "BF").unwrap_err();
        assert_eq!(
            second.to_string(),
            "BRAZIL.gif is already the flag of BR: not saved under that name twice"
        );
    }

    #[test]
    fn a_name_goes_to_one_code_only_whatever_its_unicode_form_or_case_folding() {
        let names = NamesTaken::default();
        assert!(claim(&names, "Caf\u{e9}", "CA").is_ok());
        // Decomposed: `e` and a combining acute accent. One file on macOS.
        assert!(claim(&names, "Cafe\u{301}", "CB").is_err());
        assert!(claim(&names, "CAF\u{c9}", "CC").is_err());
        // Full case folding, not just lower case: `ß` folds to `ss`, `ſ` (long s) to `s`.
        assert!(claim(&names, "Stra\u{df}e", "SA").is_ok());
        assert!(claim(&names, "STRASSE", "SB").is_err());
        assert!(claim(&names, "\u{17f}trasse", "SC").is_err());
    }

    #[test]
    fn both_unicode_forms_of_a_name_give_the_composed_file_name() {
        let composed = country_file_name("S\u{e3}o Tom\u{e9}").unwrap();
        let decomposed = country_file_name("Sa\u{303}o Tome\u{301}").unwrap();
        assert_eq!(composed, "S\u{e3}o_Tom\u{e9}");
        assert_eq!(decomposed, composed);
    }

    #[test]
    fn invisible_and_blank_characters_are_refused_by_code_point() {
        for hidden in [
            '\u{061C}',
            '\u{E0041}',
            '\u{034F}',
            '\u{180E}',
            '\u{3164}',
            '\u{2800}',
            '\u{2028}',
            '\u{00A0}',
            '\u{3000}',
            '\u{FE0F}',
            '\u{200D}',
            '\u{115F}',
        ] {
            let name = format!("Brazil{hidden}");
            let reason = country_file_name(&name).unwrap_err();
            let code = format!("U+{:04X}", u32::from(hidden));
            assert!(reason.contains(&code), "{name:?}: {reason}");
        }
    }

    #[tokio::test]
    async fn a_code_whose_image_is_in_when_ctrl_c_comes_is_counted_not_dropped() {
        use std::sync::Arc;

        // Ctrl-C is the supervisor closing the semaphore. Close it while this code's image is
        // being served: the image step already holds its permit, the metadata step cannot get one.
        let semaphore = Arc::new(Semaphore::new(1));
        let mut server = mockito::Server::new_async().await;
        let closer = Arc::clone(&semaphore);
        let _image = server
            .mock("GET", "/br/br.gif")
            .with_body_from_request(move |_| {
                closer.close();
                flags_server::art::flag_gif("BR").unwrap().to_vec()
            })
            .create_async()
            .await;
        let metadata = server
            .mock("GET", "/br/metadata.json")
            .expect(0)
            .create_async()
            .await;
        let dest = tempfile::tempdir().unwrap();
        let run = Flags2Job {
            job: flags_common::harness::Job {
                codes: vec!["BR".to_owned()],
                base_url: server.url(),
                dest_dir: dest.path().to_path_buf(),
            },
            progress: flags_common::progress::Shown::Verbose,
            concur_req: 1,
            interrupt: flags_common::interrupt::Interrupt::new(),
            observer: None,
        };
        let client = http_client(FLAGS2_REQUEST_TIMEOUT).unwrap();
        let outcome = download_one(&client, &run, &semaphore, &NamesTaken::default(), "BR").await;
        assert!(
            matches!(outcome, Some(Err(Flags3Error::Interrupted))),
            "{outcome:?}"
        );
        metadata.assert_async().await;
        assert_eq!(std::fs::read_dir(dest.path()).unwrap().count(), 0);
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
        for country in flags_server::countries::COUNTRIES {
            assert!(
                country_file_name(country.country).is_ok(),
                "{:?}",
                country.country
            );
        }
    }
}
