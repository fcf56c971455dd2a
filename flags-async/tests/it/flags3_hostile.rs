//! `flags3-async` against a hostile server: every `metadata.json` tries something different
//! (path traversal, absolute paths, control characters, invisible or blank characters, an empty,
//! a 10,000-character or a 270-byte name, names Windows cannot hold, broken JSON, a wrong type, a
//! 10 MB+ body, two codes naming the same country, in the same or in another Unicode form).
//! Nothing may be written outside `downloaded/` or overwritten, nothing may crash, and every code
//! must still be counted.

use std::path::{Path, PathBuf};

use flags_common::report::parse_final_report;
use flags_common::status::Counter;

/// (code, metadata body, should it be saved?)
fn hostile_metadata() -> Vec<(&'static str, String, bool)> {
    let json = |country: &str| serde_json::json!({ "country": country }).to_string();
    vec![
        ("aa", json("../../evil"), false),
        ("ab", json("/tmp/evil"), false),
        ("ac", json("..\\..\\evil"), false),
        ("ad", json(".."), false),
        ("ae", json("evil\u{0}nul"), false),
        ("af", json("evil\nnewline\u{1b}[31m"), false),
        ("ag", json(""), false),
        ("ah", json(&"e".repeat(10_000)), false),
        ("ai", r#"{"country": "evil"#.to_owned(), false),
        ("aj", r#"{"country": 42}"#.to_owned(), false),
        ("ak", r#"["country", "evil"]"#.to_owned(), false),
        ("al", r#"{"name": "evil"}"#.to_owned(), false),
        (
            "am",
            format!(r#"{{"country": "{}"}}"#, "e".repeat(11 * 1024 * 1024)),
            false,
        ),
        ("an", json(".evil.part"), false),
        ("ao", json("C:evil"), false),
        ("ar", json("\u{202E}fig.exe"), false),
        ("as", json(&"€".repeat(90)), false),
        // Names Windows cannot hold, refused on every system so that a folder saved on Linux
        // works everywhere.
        ("at", json("aux.gif"), false),
        ("au", json("Con.txt"), false),
        ("av", json("NUL"), false),
        ("aw", json("lpt1"), false),
        ("ax", json("Brazil."), false),
        ("ay", json("Brazil "), false),
        ("az", json("a|b?"), false),
        // Invisible or blank characters: each name would show as `Brazil.gif` or close to it.
        ("ba", json("Brazil\u{061C}"), false),
        ("bb", json("Brazil\u{E0041}"), false),
        ("bc", json("Bra\u{034F}zil"), false),
        ("bd", json("Brazil\u{180E}"), false),
        ("be", json("Brazil\u{3164}"), false),
        ("bf", json("Brazil\u{2800}"), false),
        ("bg", json("Brazil\u{2028}"), false),
        ("bh", json("Brazil\u{00A0}"), false),
        ("ap", json("Côte d'Ivoire"), true),
        ("aq", json("United States"), true),
    ]
}

/// Makes `server` answer for `cc` (lower case): a real flag image, and `metadata` as its
/// `metadata.json`.
fn serve_flag(server: &mut mockito::Server, cc: &str, metadata: &str) {
    let gif = flags_server::art::flag_gif("BR").unwrap();
    server
        .mock("GET", format!("/flags/{cc}/{cc}.gif").as_str())
        .with_body(gif)
        .create();
    server
        .mock("GET", format!("/flags/{cc}/metadata.json").as_str())
        .with_body(metadata)
        .create();
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn hostile_country_names_write_nothing_outside_downloaded_and_are_counted() {
    let mut server = mockito::Server::new();
    let cases = hostile_metadata();
    let mut codes = Vec::new();
    for (cc, body, _) in &cases {
        serve_flag(&mut server, cc, body);
        codes.push(cc.to_ascii_uppercase());
    }
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let url = format!("{}/flags", server.url());
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags3-async")
        .current_dir(&work)
        .args(["-v", "-m", "4", "-s", &url])
        .args(&codes)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");

    let saved = cases.iter().filter(|(_, _, ok)| *ok).count();
    assert_eq!(
        parse_final_report(&stdout),
        Some(Counter {
            ok: saved,
            not_found: 0,
            errors: cases.len() - saved
        }),
        "{stdout}"
    );
    let mut files: Vec<PathBuf> = files_under(root.path())
        .iter()
        .map(|p| p.strip_prefix(root.path()).unwrap().to_path_buf())
        .collect();
    files.sort();
    // Built from components, not written as "work/downloaded/...": Windows separates with `\`.
    let downloaded = Path::new("work").join("downloaded");
    assert_eq!(
        files,
        [
            downloaded.join("Côte_d'Ivoire.gif"),
            downloaded.join("United_States.gif")
        ]
    );
    for (cc, _, ok) in &cases {
        let cc = cc.to_ascii_uppercase();
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{cc} ")))
            .unwrap();
        assert_eq!(line == format!("{cc} OK"), *ok, "{line}");
        // Error lines stay on one line and short, whatever the server sent.
        assert!(line.len() < 400, "{cc}: {} bytes", line.len());
        if cc.starts_with('B') {
            assert!(
                line.contains("contains the invisible or blank character U+"),
                "{line}"
            );
        }
    }
    assert!(stdout.contains("AI error: bad metadata from"), "{stdout}");
    assert!(stdout.contains("not valid JSON"), "{stdout}");
    assert!(
        stdout.contains("\"country\" is a number, not a string"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected a JSON object, got an array"),
        "{stdout}"
    );
    assert!(stdout.contains("AM error: response from"), "{stdout}");
}

#[test]
fn two_codes_naming_the_same_country_save_one_file_and_count_one_error() {
    let mut server = mockito::Server::new();
    for cc in ["bf", "br"] {
        serve_flag(&mut server, cc, r#"{"country": "Brazil"}"#);
    }
    let work = tempfile::tempdir().unwrap();
    let url = format!("{}/flags", server.url());
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags3-async")
        .current_dir(work.path())
        .args(["-v", "-s", &url, "BF", "BR"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        parse_final_report(&stdout),
        Some(Counter {
            ok: 1,
            not_found: 0,
            errors: 1
        }),
        "{stdout}"
    );
    assert!(
        stdout.contains("Brazil.gif is already the flag of B"),
        "{stdout}"
    );
    let files: Vec<PathBuf> = files_under(work.path());
    assert_eq!(files, [work.path().join("downloaded").join("Brazil.gif")]);
}

/// `Côte d'Ivoire` with `ô` as one code point (NFC) and as `o` and a combining circumflex (NFD):
/// two names to Linux, one to macOS, where the second flag would silently replace the first.
/// Both are read as the composed name: one file, and the second code is an error.
#[test]
fn the_same_name_in_two_unicode_forms_saves_one_file_and_counts_one_error() {
    let mut server = mockito::Server::new();
    let composed = "C\u{F4}te d'Ivoire";
    let decomposed = "Co\u{302}te d'Ivoire";
    serve_flag(
        &mut server,
        "ci",
        &serde_json::json!({ "country": composed }).to_string(),
    );
    serve_flag(
        &mut server,
        "cv",
        &serde_json::json!({ "country": decomposed }).to_string(),
    );
    let work = tempfile::tempdir().unwrap();
    let url = format!("{}/flags", server.url());
    let output = assert_cmd::cargo::cargo_bin_cmd!("flags3-async")
        .current_dir(work.path())
        .args(["-v", "-s", &url, "CI", "CV"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        parse_final_report(&stdout),
        Some(Counter {
            ok: 1,
            not_found: 0,
            errors: 1
        }),
        "{stdout}"
    );
    assert!(
        stdout.contains("C\u{F4}te_d'Ivoire.gif is already the flag of C"),
        "{stdout}"
    );
    let files: Vec<PathBuf> = files_under(work.path());
    assert_eq!(
        files,
        [work
            .path()
            .join("downloaded")
            .join("C\u{F4}te_d'Ivoire.gif")]
    );
}
