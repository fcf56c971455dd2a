//! The race's command line: the server profile, the codes (read exactly as the flags2 programs
//! read them), the rounds and concurrency, and what to draw.

use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use flags_common::site::DEFAULT_SEED;
use flags_server::Delay;

use crate::style::Style;

/// The concurrency values `--sweep` tries (each capped at the number of codes).
pub const SWEEP_LEVELS: [usize; 10] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/// Race the sequential, thread-pool and async downloaders on the same codes and print a table.
#[derive(Debug, Parser)]
#[command(name = "race")]
pub struct Args {
    /// Country code (BR) or first letter (B means BA to BZ), as for the flags2 programs.
    #[arg(value_name = "CC")]
    pub cc: Vec<String>,

    /// Race over all 194 codes the site has.
    #[arg(short, long, conflicts_with_all = ["every", "cc"])]
    pub all: bool,

    /// Race over every code AA to ZZ (676 requests, 482 of them 404s).
    #[arg(short, long, conflicts_with = "cc")]
    pub every: bool,

    /// Only the first N codes (alphabetical order).
    #[arg(short, long, value_name = "N", value_parser = at_least_one)]
    pub limit: Option<usize>,

    /// Concurrent requests for the thread-pool and async styles (capped at the number of codes).
    #[arg(short = 'm', long = "max-req", value_name = "N", default_value_t = 20, value_parser = at_least_one)]
    pub max_req: usize,

    /// Which styles race, in the order they take turns (e.g. `threadpool,async` to leave out the
    /// slow one).
    #[arg(
        long,
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        default_value = "sequential,threadpool,async"
    )]
    pub styles: Vec<Style>,

    /// Rounds per style; the styles take turns, round after round.
    #[arg(short, long, value_name = "N", default_value_t = 3, value_parser = at_least_one)]
    pub rounds: usize,

    /// Built-in server delay per request: SECS (fixed) or MIN:MAX (uniform).
    #[arg(long, value_name = "SECS|MIN:MAX", default_value = "0.1")]
    pub delay: Delay,

    /// Built-in server: share of requests answered 418, from 0 to 1.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = probability)]
    pub error_rate: f64,

    /// Built-in server: seed of the delays and errors.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,

    /// Race against this flag site instead of the built-in server (no timeline then: the
    /// timeline is recorded by the built-in server).
    #[arg(long, value_name = "URL", value_parser = http_url,
          conflicts_with_all = ["delay", "error_rate", "seed", "timeline"])]
    pub server: Option<String>,

    /// Also draw a timeline of the last round, one bar per download (default FILE: OUT/timeline.svg).
    /// FILE must end in .svg, so that in `--timeline BR CN` BR is read as a code, not as FILE.
    #[arg(long, value_name = "FILE.svg", num_args = 0..=1, value_parser = svg_path)]
    pub timeline: Option<Option<PathBuf>>,

    /// Instead of the race, time the concurrent styles at -m 1, 2, 5 ... 1000 and draw OUT/sweep.svg.
    #[arg(long, conflicts_with_all = ["timeline", "max_req", "styles"])]
    pub sweep: bool,

    /// Instead of the race, threads against async at 10, 100, 1,000, 3,000 and 10,000 downloads
    /// in flight, each against a fixed 1 s delay, and async again without an HTTP library ("bare");
    /// writes OUT/scale.txt and OUT/scale.svg.
    #[arg(long, conflicts_with_all = [
        "sweep", "timeline", "max_req", "styles", "server", "cc", "all", "every", "limit",
        "rounds", "delay", "error_rate",
    ])]
    pub scale: bool,

    /// With --scale: stop after this many downloads in flight (e.g. --max 1000).
    #[arg(long, value_name = "N", requires = "scale", value_parser = at_least_one)]
    pub max: Option<usize>,

    /// A short run for a first look in class (under 30 s): one round; the sweep up to the
    /// codes given (20 by default); the scale sweep up to 1,000 in flight.
    #[arg(long, conflicts_with = "rounds")]
    pub quick: bool,

    /// Draw the race full screen as it runs (one round): a lane per download slot, a bar per
    /// download coloured by outcome, each style's floor marked; the table after. `q` leaves.
    #[arg(long, conflicts_with_all = ["sweep", "scale", "timeline", "rounds"])]
    pub live: bool,

    /// With --live: run the styles side by side, each against its own server child, instead
    /// of in turn.
    #[arg(long, requires = "live")]
    pub together: bool,

    /// With --live: save the view's picture at the end of the race as OUT/live.svg (for slides).
    #[arg(long, requires = "live")]
    pub screenshot: bool,

    /// With --live: how long the final picture stays before the table (any key leaves sooner).
    #[arg(long, value_name = "SECS", default_value_t = 5.0, requires = "live", value_parser = seconds)]
    pub hold: f64,

    /// Charts for a projector: larger text, thicker lines.
    #[arg(long)]
    pub big: bool,

    /// Folder for the table and the charts.
    #[arg(long, value_name = "DIR", default_value = "race")]
    pub out: PathBuf,

    /// Run as the race's flag server (the race starts itself with this; not for people).
    #[arg(long, hide = true)]
    pub serve: bool,

    /// Run one run of the scale sweep, STYLE at N in flight against BASE_URL, and print its
    /// figures (the sweep starts itself with this for each run; not for people).
    #[arg(long, hide = true, num_args = 3, value_names = ["STYLE", "N", "BASE_URL"])]
    pub scale_run: Option<Vec<String>>,
}

impl Args {
    /// Rounds per style: one with `--quick`.
    pub fn rounds(&self) -> usize {
        if self.quick { 1 } else { self.rounds }
    }

    /// The codes, sorted and without duplicates: handed to the flags2 command line
    /// (`flags_common::cli::parse_from`) so `race -e -l 50` means what `flags2-async -e -l 50` does.
    pub fn codes(&self) -> Result<Vec<String>, clap::Error> {
        let mut argv = vec!["race".to_owned()];
        if self.all {
            argv.push("-a".to_owned());
        }
        if self.every {
            argv.push("-e".to_owned());
        }
        if let Some(limit) = self.limit {
            argv.extend(["-l".to_owned(), limit.to_string()]);
        }
        argv.extend(self.cc.iter().cloned());
        flags_common::cli::parse_from(flags_common::cli::THREADPOOL, argv)
            .map(|options| options.codes)
            .map_err(|err| {
                // Re-issue the message under the race's own usage (exit status 2 either way).
                let text = err.to_string();
                let first = text.lines().next().unwrap_or_default();
                Args::command().error(ErrorKind::InvalidValue, first.trim_start_matches("error: "))
            })
    }

    /// The delay in the form `--delay` takes it, to hand to the server process.
    pub fn delay_arg(&self) -> String {
        let secs = Duration::as_secs_f64;
        match self.delay {
            Delay::None => "0".to_owned(),
            Delay::Fixed(d) => secs(&d).to_string(),
            Delay::Uniform { min, max } => format!("{}:{}", secs(&min), secs(&max)),
        }
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("must be a whole number, 1 or more".to_owned()),
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err("must be a number of seconds from 0 to 3600".to_owned()),
    }
}

fn probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("must be a number from 0 to 1".to_owned()),
    }
}

/// A chart's file name. The `.svg` rule is what keeps `--timeline BR CN` from writing the chart
/// to a file named `BR`: an optional value takes the next word, whatever it is.
fn svg_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    if path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("svg"))
    {
        Ok(path)
    } else {
        Err(concat!(
            "must be a file name ending in .svg ",
            "(put codes before --timeline, or write --timeline=FILE.svg)"
        )
        .to_owned())
    }
}

/// An `http(s)://` base URL, checked by the same rule as the flags2 programs' `-s`
/// ([`BaseUrl::parse`](flags_common::site::BaseUrl::parse)): a host, no user name, backslash,
/// query or fragment. The race then uses the URL as that rule wrote it, so what it contacts is
/// what its header names.
fn http_url(text: &str) -> Result<String, String> {
    flags_common::site::BaseUrl::parse(text)
        .map(|url| url.as_str().to_owned())
        .map_err(|error| error.to_string())
}
