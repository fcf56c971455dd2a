//! Checking a finished download against the built-in server: every flag present, complete, and a
//! valid GIF. Tests of every style use it, and so can a student's own downloader.

use std::path::Path;

/// Checks that `dest_dir` holds exactly `{CC}.gif` for each of `codes`, each byte-identical to what
/// the built-in server serves and decodable as a GIF, and nothing else (no leftover temp files).
///
/// Returns a description of the first problem found.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let gif = flags_server::art::flag_gif("BR").unwrap();
/// flags_common::save::save_flag_in(dir.path(), gif, "BR.gif")?;
/// flags_testkit::verify::verify_downloads(dir.path(), &["BR"])?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_downloads(dest_dir: &Path, codes: &[&str]) -> Result<(), String> {
    let mut expected: Vec<String> = codes.iter().map(|cc| format!("{cc}.gif")).collect();
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(dest_dir)
        .map_err(|e| format!("cannot list {}: {e}", dest_dir.display()))?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot list {}: {e}", dest_dir.display()))?;
    found.sort();
    if found != expected {
        return Err(format!("expected files {expected:?}, found {found:?}"));
    }
    for cc in codes {
        let path = dest_dir.join(format!("{cc}.gif"));
        let saved =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let served =
            flags_server::art::flag_gif(cc).ok_or_else(|| format!("{cc} is not a known code"))?;
        if saved != served {
            return Err(format!(
                "{} differs from the server's {cc} flag",
                path.display()
            ));
        }
        let has_frame = gif::DecodeOptions::new()
            .read_info(saved.as_slice())
            .and_then(|mut decoder| decoder.read_next_frame().map(|frame| frame.is_some()))
            .map_err(|e| format!("{} is not a valid GIF: {e}", path.display()))?;
        if !has_frame {
            return Err(format!("{} is a GIF with no image in it", path.display()));
        }
    }
    Ok(())
}

/// Checks what a first-generation program printed: the line naming the flag site, the `count`
/// codes on one line, then `{count} downloads in X.XXs`.
///
/// ```
/// let out = "Downloading from the flag server at http://x/flags\nBR CN \n2 downloads in 0.31s\n";
/// flags_testkit::verify::verify_summary(out, 2)?;
/// # Ok::<(), String>(())
/// ```
pub fn verify_summary(stdout: &str, count: usize) -> Result<(), String> {
    let lines: Vec<&str> = stdout.lines().collect();
    let [site, codes, summary] = lines.as_slice() else {
        return Err(format!("expected 3 lines, got {}:\n{stdout}", lines.len()));
    };
    if !site.starts_with("Downloading from the ") {
        return Err(format!("first line should name the flag site: {site:?}"));
    }
    let n = codes.split_whitespace().count();
    if n != count {
        return Err(format!(
            "expected {count} codes on the second line, got {n}: {codes:?}"
        ));
    }
    let seconds = summary
        .strip_prefix(&format!("{count} downloads in "))
        .and_then(|rest| rest.strip_suffix('s'))
        .ok_or_else(|| format!("bad summary line: {summary:?}"))?;
    match seconds.split_once('.') {
        Some((whole, cents))
            if cents.len() == 2 && seconds.parse::<f64>().is_ok() && !whole.is_empty() =>
        {
            Ok(())
        }
        _ => Err(format!(
            "elapsed time should have two decimals: {summary:?}"
        )),
    }
}

/// Runs a `download_many` strategy on the 20 codes against a fresh built-in server (no delay),
/// into a temporary folder, and checks the count it returns and every file it saved.
///
/// ```no_run
/// # fn download_many(_: &flags_common::harness::Job) -> anyhow::Result<usize> { Ok(0) }
/// flags_testkit::verify::verify_strategy(download_many).unwrap();
/// ```
pub fn verify_strategy(
    download_many: impl FnOnce(&flags_common::harness::Job) -> anyhow::Result<usize>,
) -> Result<(), String> {
    let server = flags_server::FlagServer::start(flags_server::ServerConfig::default())
        .map_err(|e| format!("cannot start the built-in server: {e}"))?;
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let job = flags_common::harness::Job {
        dest_dir: dir.path().join(flags_common::save::DEST_DIR),
        ..flags_common::harness::Job::pop20(server.base_url())
    };
    let count = download_many(&job).map_err(|e| format!("download_many failed: {e:#}"))?;
    if count != job.codes.len() {
        return Err(format!(
            "download_many returned {count}, expected {}",
            job.codes.len()
        ));
    }
    verify_downloads(&job.dest_dir, &flags_common::codes::POP20_CC)
}

/// Runs a first-generation program (the binary at `program`) with no arguments in a temporary
/// folder, as a student would, and checks its exit status, its output and the flags it saved.
pub fn verify_program(program: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let output = std::process::Command::new(program)
        .current_dir(dir.path())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} exited with {}: {}",
            program.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    verify_summary(
        &String::from_utf8_lossy(&output.stdout),
        flags_common::codes::POP20_CC.len(),
    )?;
    verify_downloads(
        &dir.path().join(flags_common::save::DEST_DIR),
        &flags_common::codes::POP20_CC,
    )
}
