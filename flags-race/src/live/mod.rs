//! `race --live`: the race drawn as it runs, full screen, one lane per download slot and one bar
//! per download, coloured by how it ended, on a time axis shared by the styles and marked at each
//! one's latency floor. The timeline SVG (`--timeline`) shows the same thing after the fact from
//! the server's side; this shows it from the client's side, while it happens.
//!
//! ```text
//! $ cargo run --release -p flags-race -- --live            # the styles in turn, one round
//! $ cargo run --release -p flags-race -- --live --together # side by side, a server each
//! ```
//!
//! Midway through the thread-pool run at 80x24 (colours shown as blocks: the bars are green,
//! yellow, red or blue; 20 lanes share 9 rows):
//!
//! ```text
//! race --live: 20 codes, fixed 0.1 s delay, styles in turn                 q: quit
//! ██ OK  ██ not found  ██ error  ██ in flight  ┃ floor
//! sequential -m 1  in flight 0  done 20/20  404 0  err 0  2.04 s  1.02x floor ✔
//!  ████████████████████████████████████████████████████████████████████████┃█
//! threadpool -m 20  in flight 8  done 12/20  404 0  err 0  0.12 s  1.20x floor
//!  ███┃
//!  ███┃
//!  ...
//! async -m 20  waiting for its turn
//!     ┃
//!  ...
//!  ╵0.0 s            ╵0.5 s             ╵1.0 s             ╵1.5 s         2.0 s╵
//! ```
//!
//! # How it works
//! - **The events come from the downloaders themselves**: each run's `Flags2Job` carries an
//!   [`Observer`] that the style calls where it sends a request and where it counts an outcome
//!   (see `flags_common::observe`). The observer stamps the time and sends a [`Message`] down a
//!   channel; nothing in the styles' loops is copied here.
//! - **Threads**: the runs go on scoped threads (one for the styles in turn, one per style with
//!   `--together`), each calling [`run_once`] as the plain race does, so the summary table is the
//!   race's own. The main thread owns the [`Board`], drains the channel, redraws about 20 times
//!   a second and reads the keys.
//! - **`--together`** gives each style its own server child, so their requests do not queue
//!   behind each other's in one server; CPU and memory in the table are then the whole
//!   process's (all styles at once), which a note under the table says.
//! - **Leaving**: once every run is over the final picture stays for `--hold` seconds (5 by
//!   default; any key leaves sooner), then the terminal is restored and the table printed, and
//!   kept in `OUT/race.txt` as the plain race keeps it. `q`, Esc or Ctrl-C leave at any moment:
//!   the runs are told to stop (the flags2 Ctrl-C flag), the terminal is restored at once, the
//!   downloads in flight finish, and the table printed has the runs that completed (none is
//!   kept: it would pass for a result); exit status 130. In raw mode Ctrl-C arrives as a key,
//!   not a signal, which is why it is read with the others.
//! - **Not a terminal**: a full-screen view into a pipe makes no sense, so stdout is checked
//!   before anything starts: an error and exit status 2.
//!
//! # Layout
//! - [`board`]: what the view knows (lanes, bars, counters), fed by [`Message`]s.
//! - [`draw`]: the board on a ratatui buffer.
//! - [`screen`]: raw mode and the alternate screen, restored by a guard and a panic hook.
//! - [`screenshot`]: `--screenshot`, the picture at the end of the race as an SVG file.

mod board;
mod draw;
mod screen;
mod screenshot;

use std::process::ExitCode;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use flags_common::harness::say;
use flags_common::interrupt::{EXIT_INTERRUPTED, Interrupt};
use flags_common::observe::{Event, Observer};
use flags_server::Delay;

use crate::cli::Args;
use crate::run::{Run, Site, run_once};
use crate::style::Style;
use crate::table;
use board::{Board, Message, Track};
use screen::{NotATerminal, Screen};

/// How often the screen is redrawn at least (and the keys read): 20 times a second.
const FRAME: Duration = Duration::from_millis(50);

/// Runs `race --live` to the end and says how it ended: 0, 2 when stdout is no terminal or the
/// command line is wrong, 130 when left before the race was over, 1 on any other failure.
pub fn main(args: &Args) -> ExitCode {
    let codes = match args.codes() {
        Ok(codes) => codes,
        Err(err) => err.exit(),
    };
    match race(args, &codes) {
        Ok(Ending::Complete) => ExitCode::SUCCESS,
        Ok(Ending::Stopped) => {
            eprintln!("race: stopped before the end; the table has the runs that finished");
            ExitCode::from(EXIT_INTERRUPTED)
        }
        Err(err) if err.is::<NotATerminal>() => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether the race ran to its end or was left before.
enum Ending {
    Complete,
    Stopped,
}

/// Starts the server children, runs the styles on threads while the main thread draws, then
/// prints the table.
fn race(args: &Args, codes: &[String]) -> anyhow::Result<Ending> {
    // Before any server starts: an error here should cost nothing.
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(NotATerminal.into());
    }
    flags_common::flags2::raise_open_files_limit();
    // SIGTERM and a Ctrl-C before the screen is up; once it is, Ctrl-C is a key.
    let interrupt = Interrupt::on_ctrl_c()?;
    let delay = args.server.is_none().then_some(args.delay);
    let n = codes.len();
    let sites = if args.together {
        args.styles
            .iter()
            .map(|_| crate::site(args))
            .collect::<anyhow::Result<Vec<Site>>>()?
    } else {
        vec![crate::site(args)?]
    };
    let tracks = args
        .styles
        .iter()
        .map(|&style| {
            let m = style.concurrency(args.max_req, n);
            Track::new(style, m, n, table::latency_floor(delay, n, m))
        })
        .collect();
    let mut board = Board {
        tracks,
        title: title(args, n, delay),
    };
    let (sender, messages) = channel();

    let (runs, ending, shown) = std::thread::scope(|scope| -> anyhow::Result<_> {
        let mut handles = Vec::new();
        if args.together {
            // Everyone starts at once, after the last server child is up.
            let start = Arc::new(Barrier::new(args.styles.len()));
            for (track, (&style, mut site)) in args.styles.iter().zip(sites).enumerate() {
                let (sender, start, interrupt) = (sender.clone(), Arc::clone(&start), &interrupt);
                handles.push(scope.spawn(move || -> anyhow::Result<Vec<Run>> {
                    start.wait();
                    let run = one_run(&mut site, track, style, args, codes, &sender, interrupt);
                    Ok(vec![run?])
                }));
            }
        } else {
            let (sender, interrupt) = (sender.clone(), &interrupt);
            let mut site = sites.into_iter().next().expect("one site");
            handles.push(scope.spawn(move || -> anyhow::Result<Vec<Run>> {
                let mut runs = Vec::new();
                for (track, &style) in args.styles.iter().enumerate() {
                    runs.push(one_run(
                        &mut site, track, style, args, codes, &sender, interrupt,
                    )?);
                }
                Ok(runs)
            }));
        }
        drop(sender);

        let shown = show(&mut board, &messages, args, &interrupt, || {
            handles.iter().all(|handle| handle.is_finished())
        });
        // However the view ended, the runs must not go on behind a table.
        let over = handles.iter().all(|handle| handle.is_finished());
        if !over {
            interrupt.trigger();
            eprintln!("race: stopping; the downloads in flight finish first");
        }
        let mut runs: Vec<Run> = Vec::new();
        let mut failure = None;
        for handle in handles {
            match handle.join().expect("a race thread panicked") {
                Ok(done) => runs.extend(done),
                Err(err) if err.is::<crate::run::Interrupted>() => {}
                Err(err) => failure = Some(err),
            }
        }
        let shown = shown?;
        if let Some(err) = failure {
            return Err(err);
        }
        let ending = if over && !interrupt.is_set() {
            Ending::Complete
        } else {
            Ending::Stopped
        };
        Ok((runs, ending, shown))
    })?;

    say(&board.title);
    let mut text = table::render(&table::rows(&runs, n, delay), n) + &crate::memory_footnote(&runs);
    if args.together {
        text += "--together: CPU and memory are the whole process's, all styles at once\n";
    }
    say(text.trim_end_matches('\n'));
    say(&shown.frames.summary());
    // The table is kept as the plain race keeps it, but only for a race that ran to its end:
    // a table of a race cut short would pass for a result.
    let complete = matches!(ending, Ending::Complete);
    if complete || args.screenshot {
        crate::create_out(&args.out)?;
    }
    if complete {
        crate::write(
            &args.out.join("race.txt"),
            &format!("{}\n{text}", board.title),
        )?;
    }
    if let Some(picture) = shown.picture.filter(|_| args.screenshot) {
        crate::write(&args.out.join("live.svg"), &screenshot::svg(&picture))?;
    }
    Ok(ending)
}

/// What the view leaves behind: how often it redrew, and its picture at the end of the race (or
/// the last one drawn, if it was left before).
struct Shown {
    frames: Frames,
    picture: Option<ratatui::buffer::Buffer>,
}

/// How often the view redrew while the race ran: the figure that says whether it kept up.
struct Frames {
    drawn: u32,
    over: Duration,
}

impl Frames {
    /// `the view drew 312 frames in 15.6 s of racing: 20.0 a second`.
    fn summary(&self) -> String {
        let seconds = self.over.as_secs_f64();
        let rate = if seconds > 0.0 {
            f64::from(self.drawn) / seconds
        } else {
            0.0
        };
        format!(
            "the view drew {} frames in {seconds:.1} s of racing: {rate:.1} a second",
            self.drawn
        )
    }
}

/// One style's run, told to the view: begun, each download (through the observer), ended.
fn one_run(
    site: &mut Site,
    track: usize,
    style: Style,
    args: &Args,
    codes: &[String],
    sender: &Sender<Message>,
    interrupt: &Interrupt,
) -> anyhow::Result<Run> {
    let m = style.concurrency(args.max_req, codes.len());
    let _ = sender.send(Message::Begun {
        track,
        at: Instant::now(),
    });
    let run = run_once(
        site,
        style,
        m,
        codes,
        interrupt,
        Some(observer(track, sender)),
    );
    let _ = sender.send(Message::Ended {
        track,
        at: Instant::now(),
    });
    run
}

/// The observer handed to the style: stamps each event and sends it to the view. A send fails
/// only once the view is gone, and then nobody needs the event.
fn observer(track: usize, sender: &Sender<Message>) -> Observer {
    let sender = sender.clone();
    Observer::new(move |event: Event<'_>| {
        let at = Instant::now();
        let message = match event {
            Event::Started { code } => Message::Started {
                track,
                code: code.to_owned(),
                at,
            },
            Event::Finished { code, status } => Message::Finished {
                track,
                code: code.to_owned(),
                status,
                at,
            },
        };
        let _ = sender.send(message);
    })
}

/// The view itself: enters the screen, draws until the race is over and the hold has passed, or
/// until `q`, Esc or Ctrl-C (or SIGTERM, through `interrupt`); the terminal is restored when this
/// returns, however it returns.
fn show(
    board: &mut Board,
    messages: &Receiver<Message>,
    args: &Args,
    interrupt: &Interrupt,
    finished: impl Fn() -> bool,
) -> anyhow::Result<Shown> {
    let mut screen = Screen::enter()?;
    let hold = Duration::from_secs_f64(args.hold);
    let mut over_at: Option<Instant> = None;
    // Frames are counted while the race runs, up to its last picture, not during the hold:
    // the rate that matters is the one under load.
    let entered = Instant::now();
    let mut drawn = 0;
    let mut picture = None;
    loop {
        // Read "finished" before draining, so no message sent before the end is left unshown.
        let done = finished();
        while let Ok(message) = messages.try_recv() {
            board.apply(message);
        }
        let now = Instant::now();
        if done && over_at.is_none() {
            over_at = Some(now);
        }
        let note = match over_at {
            Some(at) => {
                let left = hold.saturating_sub(now - at).as_secs_f64().ceil();
                format!("over: any key, or {left:.0} s")
            }
            None => "q: quit".to_owned(),
        };
        let completed = screen
            .terminal
            .draw(|frame| draw::draw(frame, board, now, &note))?;
        if over_at.is_none_or(|at| at == now) {
            drawn += 1;
            // The last one kept is the picture of the end, without the hold's countdown.
            if args.screenshot {
                picture = Some(completed.buffer.clone());
            }
        }
        if interrupt.is_set() || over_at.is_some_and(|at| now - at >= hold) {
            break;
        }
        if event::poll(FRAME)? {
            match event::read()? {
                TermEvent::Key(key) if key.kind == KeyEventKind::Press => {
                    let ctrl_c = key.code == KeyCode::Char('c')
                        && key.modifiers.contains(KeyModifiers::CONTROL);
                    let quit = ctrl_c || matches!(key.code, KeyCode::Char('q') | KeyCode::Esc);
                    if quit || over_at.is_some() {
                        break;
                    }
                }
                // A resize needs nothing: the next draw fits the new size.
                _ => {}
            }
        }
    }
    let frames = Frames {
        drawn,
        over: over_at.unwrap_or_else(Instant::now) - entered,
    };
    Ok(Shown { frames, picture })
}

/// The line at the top of the screen and of the table.
fn title(args: &Args, codes: usize, delay: Option<Delay>) -> String {
    let server = match delay {
        Some(delay) => crate::describe(delay),
        None => format!("server {}", args.server.as_deref().unwrap_or("?")),
    };
    let how = if args.together {
        "side by side"
    } else {
        "in turn"
    };
    format!("race --live: {codes} codes, {server}, styles {how}")
}

#[cfg(test)]
mod tests {
    use flags_common::status::DownloadStatus;
    use flags_server::{FlagServer, ServerConfig};

    use super::*;

    /// Each style, run as the race runs it, tells its observer of every download: one start,
    /// then one finish with the outcome the table counts.
    #[test]
    fn every_style_reports_each_download_started_then_finished() {
        let server = FlagServer::start(ServerConfig::default()).unwrap();
        let codes: Vec<String> = ["BR", "CN", "XX"].map(str::to_owned).to_vec();
        for style in [Style::Sequential, Style::Threadpool, Style::Async] {
            let mut site = Site {
                base_url: server.base_url(),
                server: None,
            };
            let (sender, messages) = channel();
            let interrupt = Interrupt::new();
            let observer = Some(observer(0, &sender));
            let run = run_once(&mut site, style, 3, &codes, &interrupt, observer).unwrap();
            drop(sender);
            let mut seen: Vec<(String, &str, Option<DownloadStatus>)> = messages
                .iter()
                .map(|message| match message {
                    Message::Started { code, .. } => (code, "started", None),
                    Message::Finished { code, status, .. } => (code, "finished", Some(status)),
                    other => panic!("unexpected {other:?}"),
                })
                .collect();
            // Order between codes depends on the style; within a code, start comes first.
            seen.sort_by(|a, b| a.0.cmp(&b.0));
            let expected = [
                ("BR", "started", None),
                ("BR", "finished", Some(DownloadStatus::Ok)),
                ("CN", "started", None),
                ("CN", "finished", Some(DownloadStatus::Ok)),
                ("XX", "started", None),
                ("XX", "finished", Some(DownloadStatus::NotFound)),
            ];
            let seen: Vec<_> = seen.iter().map(|(c, e, s)| (c.as_str(), *e, *s)).collect();
            assert_eq!(seen, expected, "{style:?}");
            assert_eq!((run.counter.ok, run.counter.not_found), (2, 1), "{style:?}");
        }
    }
}
