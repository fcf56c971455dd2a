//! What the `--live` view knows about the race so far: for each style, its lanes of bars and its
//! counters, fed by the messages the race threads send. No drawing here (that is [`draw`]), so
//! the bookkeeping is tested on its own.
//!
//! [`draw`]: super::draw

use std::collections::HashMap;
use std::time::{Duration, Instant};

use flags_common::status::{Counter, DownloadStatus};

use crate::style::Style;

/// What a race thread tells the view, stamped with when it happened.
#[derive(Debug, Clone)]
pub enum Message {
    /// A style's run is about to start.
    Begun {
        /// Index of the style's track.
        track: usize,
        /// When.
        at: Instant,
    },
    /// The style sent the request for `code` (from its downloader's observer).
    Started {
        /// Index of the style's track.
        track: usize,
        /// The country code.
        code: String,
        /// When.
        at: Instant,
    },
    /// The style counted the outcome of `code` (from its downloader's observer).
    Finished {
        /// Index of the style's track.
        track: usize,
        /// The country code.
        code: String,
        /// How it ended.
        status: DownloadStatus,
        /// When.
        at: Instant,
    },
    /// A style's run is over.
    Ended {
        /// Index of the style's track.
        track: usize,
        /// When.
        at: Instant,
    },
}

/// One download drawn as a bar on a lane, its times counted from the start of its style's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// The lane (download slot) it ran on.
    pub lane: usize,
    /// Its position among the bars of its lane: drawn in alternate shades, so two downloads
    /// back to back do not merge into one bar.
    pub nth_on_lane: usize,
    /// When the request was sent.
    pub start: Duration,
    /// When the outcome was counted, and what it was; `None` while in flight.
    pub end: Option<(Duration, DownloadStatus)>,
}

/// One style's row of lanes and its counters.
#[derive(Debug, Clone)]
pub struct Track {
    /// The style.
    pub style: Style,
    /// Its `-m` (1 for sequential): the lanes it is drawn with.
    pub concurrency: usize,
    /// How many codes it downloads.
    pub codes: usize,
    /// Its latency floor, when the delay is fixed and known.
    pub floor: Option<Duration>,
    /// When its run began.
    pub begun: Option<Instant>,
    /// When its run ended.
    pub ended: Option<Instant>,
    /// Every download so far.
    pub bars: Vec<Bar>,
    /// The outcomes counted so far.
    pub counter: Counter,
    /// Code to bar index, for the downloads in flight.
    in_flight: HashMap<String, usize>,
    /// Which lanes hold a download now, and how many bars each lane has had.
    lanes: Vec<(bool, usize)>,
}

impl Track {
    /// A track for `style` at `concurrency` over `codes` codes, nothing run yet.
    pub fn new(style: Style, concurrency: usize, codes: usize, floor: Option<Duration>) -> Track {
        Track {
            style,
            concurrency,
            codes,
            floor,
            begun: None,
            ended: None,
            bars: Vec::new(),
            counter: Counter::default(),
            in_flight: HashMap::new(),
            lanes: vec![(false, 0); concurrency.max(1)],
        }
    }

    /// Downloads sent and not yet counted.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// How many lanes to draw: `-m`, or more if downloads overlapped beyond it (the async style
    /// frees its permit before saving, so for a moment `m + 1` can be between sent and saved).
    pub fn lane_count(&self) -> usize {
        self.lanes.len()
    }

    /// Time since the run began (frozen at its end), zero before it began.
    pub fn elapsed(&self, now: Instant) -> Duration {
        match (self.begun, self.ended) {
            (Some(begun), Some(ended)) => ended.saturating_duration_since(begun),
            (Some(begun), None) => now.saturating_duration_since(begun),
            (None, _) => Duration::ZERO,
        }
    }

    fn since_begun(&self, at: Instant) -> Duration {
        self.begun
            .map_or(Duration::ZERO, |begun| at.saturating_duration_since(begun))
    }

    /// A download started: it takes the lowest free lane, the way a slot of a pool is reused.
    /// The downloaders do not say which worker or permit they hold (executor-core does not name
    /// its workers), and need not: a lane is a place to draw, and any free one shows the same.
    fn start(&mut self, code: String, at: Instant) {
        let lane = match self.lanes.iter().position(|(busy, _)| !busy) {
            Some(lane) => lane,
            None => {
                self.lanes.push((false, 0));
                self.lanes.len() - 1
            }
        };
        let (busy, count) = &mut self.lanes[lane];
        *busy = true;
        *count += 1;
        let bar = Bar {
            lane,
            nth_on_lane: *count - 1,
            start: self.since_begun(at),
            end: None,
        };
        self.in_flight.insert(code, self.bars.len());
        self.bars.push(bar);
    }

    fn finish(&mut self, code: &str, status: DownloadStatus, at: Instant) {
        self.counter.add(status);
        // A finish without a start (a style that counts a failure it never sent) still counts.
        if let Some(index) = self.in_flight.remove(code) {
            let end = self.since_begun(at);
            let bar = &mut self.bars[index];
            bar.end = Some((end, status));
            self.lanes[bar.lane].0 = false;
        }
    }
}

/// Every style's track: the whole picture.
#[derive(Debug, Clone)]
pub struct Board {
    /// One per style, in the order they race.
    pub tracks: Vec<Track>,
    /// A line describing the race, for the top of the screen.
    pub title: String,
}

impl Board {
    /// Applies one message.
    pub fn apply(&mut self, message: Message) {
        match message {
            Message::Begun { track, at } => self.tracks[track].begun = Some(at),
            Message::Started { track, code, at } => self.tracks[track].start(code, at),
            Message::Finished {
                track,
                code,
                status,
                at,
            } => self.tracks[track].finish(&code, status, at),
            Message::Ended { track, at } => self.tracks[track].ended = Some(at),
        }
    }

    /// The end of the shared time axis: long enough for the slowest run so far and for every
    /// floor, so the floor marks are on screen before the bars reach them.
    pub fn axis_end(&self, now: Instant) -> Duration {
        self.tracks
            .iter()
            .map(|track| track.elapsed(now).max(track.floor.unwrap_or_default()))
            .max()
            .unwrap_or_default()
            .max(Duration::from_millis(100))
            .mul_f64(1.05)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(concurrency: usize) -> (Board, Instant) {
        let t0 = Instant::now();
        let mut board = Board {
            tracks: vec![Track::new(Style::Threadpool, concurrency, 3, None)],
            title: String::new(),
        };
        board.apply(Message::Begun { track: 0, at: t0 });
        (board, t0)
    }

    fn started(code: &str, at: Instant) -> Message {
        let code = code.to_owned();
        Message::Started { track: 0, code, at }
    }

    fn finished(code: &str, status: DownloadStatus, at: Instant) -> Message {
        let code = code.to_owned();
        Message::Finished {
            track: 0,
            code,
            status,
            at,
        }
    }

    #[test]
    fn a_finished_download_frees_its_lane_for_the_next_one() {
        let (mut board, t0) = board(2);
        let ms = |n| t0 + Duration::from_millis(n);
        board.apply(started("BR", ms(0)));
        board.apply(started("CN", ms(1)));
        board.apply(finished("BR", DownloadStatus::Ok, ms(100)));
        board.apply(started("IN", ms(101)));
        let track = &board.tracks[0];
        let lanes: Vec<(usize, usize)> =
            track.bars.iter().map(|b| (b.lane, b.nth_on_lane)).collect();
        assert_eq!(lanes, [(0, 0), (1, 0), (0, 1)]);
        assert_eq!(
            track.bars[0].end,
            Some((Duration::from_millis(100), DownloadStatus::Ok))
        );
        assert_eq!((track.in_flight(), track.counter.ok), (2, 1));
    }

    #[test]
    fn overlap_beyond_m_adds_a_lane_instead_of_hiding_a_bar() {
        let (mut board, t0) = board(1);
        board.apply(started("BR", t0));
        board.apply(started("CN", t0));
        assert_eq!(board.tracks[0].lane_count(), 2);
    }

    #[test]
    fn the_axis_reaches_the_floor_before_the_run_does() {
        let (mut board, t0) = board(1);
        board.tracks[0].floor = Some(Duration::from_secs(2));
        assert!(board.axis_end(t0 + Duration::from_millis(10)) >= Duration::from_secs(2));
        board.apply(Message::Ended {
            track: 0,
            at: t0 + Duration::from_secs(3),
        });
        assert_eq!(
            board.tracks[0].elapsed(t0 + Duration::from_secs(9)),
            Duration::from_secs(3)
        );
    }
}
