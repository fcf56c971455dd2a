//! The one command line of every flags2 and flags3 program: the twin of `process_args` and
//! `expand_cc_args` in `flags2_common.py`.
//!
//! ```text
//! flags2-async [-a | -e | CC...] [-l N] [-m N] [-s LABEL|URL] [--seed N] [-v]
//! ```
//!
//! Only the concurrency differs between styles: each program passes its [`Concurrency`] (default
//! and cap of `-m`). Every bad argument is a usage error: one line saying what is wrong, the usage,
//! and exit status 2, as argparse does.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{Command, CommandFactory, FromArgMatches, Parser};

use crate::codes::{POP20_CC, all_cc};
use crate::site::{DEFAULT_SEED, Profile, REMOTE_BASE_URL, ServerChoice};

/// The default and the maximum of `-m/--max-req` for one download style
/// (`DEFAULT_CONCUR_REQ` and `MAX_CONCUR_REQ` in each flags2 script).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency {
    /// Concurrent requests when `-m` is not given.
    pub default: usize,
    /// The most concurrent requests this style will make, whatever `-m` says.
    pub cap: usize,
}

/// One request at a time, always.
pub const SEQUENTIAL: Concurrency = Concurrency { default: 1, cap: 1 };
/// 30 worker threads by default, at most 1000 (each thread costs a stack).
pub const THREADPOOL: Concurrency = Concurrency {
    default: 30,
    cap: 1000,
};
/// 5 requests in flight by default, at most 1000.
pub const ASYNC: Concurrency = Concurrency {
    default: 5,
    cap: 1000,
};

/// The raw command line, as clap reads it. [`Options`] is what it means.
#[derive(Debug, Parser)]
// `args_override_self`: a repeated option takes its last value (`-m 3 -m 4` means 4), as
// argparse does, instead of being a usage error.
#[command(
    about = "Download flags for country codes. Default: the 20 most populous countries.",
    args_override_self = true
)]
struct Args {
    /// Country code (BR) or first letter (B means BA to BZ); case-insensitive.
    #[arg(value_name = "CC", value_parser = parse_cc_arg)]
    cc: Vec<CcArg>,

    /// Get all the flags the site has (the 194 codes from AD to ZW).
    #[arg(short, long, conflicts_with_all = ["every", "cc"])]
    all: bool,

    /// Get flags for every possible code, AA to ZZ (676 requests, 482 of them 404s).
    #[arg(short, long, conflicts_with = "cc")]
    every: bool,

    /// Download only the first N codes (in alphabetical order).
    #[arg(short, long, value_name = "N", value_parser = at_least_one)]
    limit: Option<usize>,

    // The help text is set per style in `command` (it shows the style's default and cap).
    #[arg(short, long = "max-req", alias = "max_req", value_name = "N", value_parser = at_least_one)]
    max_req: Option<usize>,

    /// Server to download from: LOCAL (built-in, no delay), DELAY (built-in, 0.5-5 s per request),
    /// ERROR (built-in, 25% of requests fail with 418, 0.5 s each), REMOTE (the book's site), or
    /// an http(s):// base URL. Labels are case-insensitive.
    #[arg(short, long, value_name = "LABEL|URL", default_value = "LOCAL")]
    server: ServerChoice,

    /// Seed for the built-in server's delays and errors: the same seed gives the same run.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Print one line per code instead of the progress bar.
    #[arg(short, long)]
    verbose: bool,
}

/// A positional argument: one letter (all 26 codes starting with it) or one two-letter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CcArg {
    Letter(u8),
    Code([u8; 2]),
}

fn parse_cc_arg(text: &str) -> Result<CcArg, String> {
    match text.to_ascii_uppercase().as_bytes() {
        [a] if a.is_ascii_uppercase() => Ok(CcArg::Letter(*a)),
        [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(CcArg::Code([*a, *b])),
        _ => Err("each CC must be a letter A to Z or a code AA to ZZ".to_owned()),
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("must be a whole number, 1 or more".to_owned()),
    }
}

/// What the command line asks for, resolved: the codes, the site, the actual concurrency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The codes to download, upper case, sorted, without duplicates, at most `-l` of them.
    pub codes: Vec<String>,
    /// Where to download from.
    pub server: ServerChoice,
    /// How the report names the server: `LOCAL`, `DELAY`, `ERROR`, `REMOTE` or `URL`.
    pub server_label: String,
    /// Concurrent requests to use: the minimum of `-m`, the style's cap and the number of codes.
    pub concur_req: usize,
    /// One line per code instead of a progress bar.
    pub verbose: bool,
    /// Seed for the built-in server.
    pub seed: u64,
    /// Where flags are saved (`downloaded/`).
    pub dest_dir: PathBuf,
}

/// Parses the process's own command line; on a usage error prints it and exits with status 2
/// (`--help` prints the help and exits 0).
pub fn parse(concurrency: Concurrency) -> Options {
    let name = std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "flags2".to_owned());
    let mut args = std::env::args_os();
    args.next();
    match parse_from(
        concurrency,
        std::iter::once(OsString::from(name)).chain(args),
    ) {
        Ok(options) => options,
        Err(err) => err.exit(),
    }
}

/// Parses `args` (the first one is the program name) for a style with this `concurrency`.
///
/// ```
/// use flags_common::cli::{THREADPOOL, parse_from};
///
/// let options = parse_from(THREADPOOL, ["flags2", "-e", "-m", "100"])?;
/// assert_eq!(options.codes.len(), 676);
/// assert_eq!(options.concur_req, 100);
/// assert_eq!(parse_from(THREADPOOL, ["flags2", "b", "US"])?.codes.len(), 27);
/// assert!(parse_from(THREADPOOL, ["flags2", "-m", "0"]).is_err());
/// # Ok::<(), clap::Error>(())
/// ```
pub fn parse_from<I, T>(concurrency: Concurrency, args: I) -> Result<Options, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut command = command(concurrency);
    let matches = command
        .try_get_matches_from_mut(args)
        .map_err(|err| with_usage(&mut command, err))?;
    let args = Args::from_arg_matches(&matches).map_err(|err| with_usage(&mut command, err))?;
    let mut codes = expand_codes(&args);
    if let Some(limit) = args.limit {
        // Unlike `flags2_common.py`, the limit applies to the default 20 codes too.
        codes.truncate(limit);
    }
    let max_req = args.max_req.unwrap_or(concurrency.default);
    let concur_req = max_req.min(concurrency.cap).min(codes.len()).max(1);
    Ok(Options {
        server_label: server_label(&args.server).to_owned(),
        codes,
        server: args.server,
        concur_req,
        verbose: args.verbose,
        seed: args.seed,
        dest_dir: PathBuf::from(crate::save::DEST_DIR),
    })
}

/// The clap command with this style's `-m` help.
fn command(concurrency: Concurrency) -> Command {
    Args::command().mut_arg("max_req", |arg| {
        arg.help(format!(
            "Maximum concurrent requests (default {}, at most {})",
            concurrency.default, concurrency.cap
        ))
    })
}

/// clap prints the usage with some errors (unknown option, conflict) but not with a bad value;
/// argparse always does, so add it where it is missing. The message keeps its first line only.
fn with_usage(command: &mut Command, err: clap::Error) -> clap::Error {
    let rendered = err.to_string();
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) || rendered.contains("Usage:")
    {
        return err;
    }
    let first_line = rendered.lines().next().unwrap_or_default();
    let message = first_line.strip_prefix("error: ").unwrap_or(first_line);
    command.error(err.kind(), message)
}

/// The codes the arguments name, sorted and without duplicates (`-e` and `-a` exclude codes).
fn expand_codes(args: &Args) -> Vec<String> {
    let letters = b'A'..=b'Z';
    let two = |a: u8, b: u8| String::from_utf8_lossy(&[a, b]).into_owned();
    let codes: BTreeSet<String> = if args.every {
        letters
            .clone()
            .flat_map(|a| letters.clone().map(move |b| (a, b)))
            .map(|(a, b)| two(a, b))
            .collect()
    } else if args.all {
        all_cc().into_iter().map(str::to_owned).collect()
    } else if args.cc.is_empty() {
        POP20_CC.iter().map(|cc| (*cc).to_owned()).collect()
    } else {
        args.cc
            .iter()
            .flat_map(|arg| match *arg {
                CcArg::Letter(a) => letters.clone().map(|b| two(a, b)).collect::<Vec<_>>(),
                CcArg::Code([a, b]) => vec![two(a, b)],
            })
            .collect()
    };
    codes.into_iter().collect()
}

/// The name the report gives the server (`LOCAL site: ...`).
fn server_label(choice: &ServerChoice) -> &'static str {
    match choice {
        ServerChoice::BuiltIn(Profile::Local) => "LOCAL",
        ServerChoice::BuiltIn(Profile::Delay) => "DELAY",
        ServerChoice::BuiltIn(Profile::Error) => "ERROR",
        ServerChoice::BuiltIn(Profile::Internet) => "INTERNET",
        ServerChoice::Url(url) if url.as_str() == REMOTE_BASE_URL => "REMOTE",
        ServerChoice::Url(_) => "URL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, clap::Error> {
        parse_from(ASYNC, std::iter::once("flags2").chain(args.iter().copied()))
    }

    #[test]
    fn no_codes_means_the_twenty_most_populous_sorted() {
        let options = parse(&[]).unwrap();
        let mut pop20 = POP20_CC.to_vec();
        pop20.sort_unstable();
        assert_eq!(options.codes, pop20);
        assert_eq!(options.concur_req, 5);
        assert_eq!(options.server_label, "LOCAL");
    }

    #[test]
    fn letters_and_codes_mix_case_insensitively_without_duplicates() {
        let options = parse(&["b", "BR", "cn"]).unwrap();
        assert_eq!(options.codes.len(), 27);
        assert_eq!(options.codes.first().map(String::as_str), Some("BA"));
        assert_eq!(options.codes.last().map(String::as_str), Some("CN"));
    }

    #[test]
    fn the_actual_concurrency_is_the_smallest_of_max_req_cap_and_codes() {
        assert_eq!(parse(&["-e", "-m", "5000"]).unwrap().concur_req, 676);
        assert_eq!(parse(&["-m", "5000", "BR", "CN"]).unwrap().concur_req, 2);
        let sequential = parse_from(SEQUENTIAL, ["f", "-e", "-m", "50"]).unwrap();
        assert_eq!(sequential.concur_req, 1);
    }

    #[test]
    fn usage_errors_carry_the_usage() {
        for bad in [
            &["-m", "0"][..],
            &["-l", "0"],
            &["-m", "x"],
            &["1X"],
            &["ABC"],
            &["-s", "nowhere"],
            &["-s", "http:///flags"],
            &["-s", "http://evil.invalid\\@127.0.0.1:1/flags"],
            &["-a", "BR"],
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
            assert!(err.to_string().contains("Usage:"), "{bad:?}: {err}");
        }
    }
}
