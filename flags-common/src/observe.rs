//! Watching a flags2 run from outside: an optional [`Observer`] in the job that each style calls
//! when it sends a request and when it has counted a finished download. The race's `--live` view
//! draws its lanes from these calls; the flags2 scripts have no twin (tqdm only counts).
//!
//! The events come from the styles' own code paths, not from a copy of their loops: `Started`
//! where each style is about to send a request (after the sequential loop's Ctrl-C check, in the
//! pool's task, after the async task got its permit), `Finished` right after the style has
//! counted the outcome with [`Progress::record`](crate::progress::Progress::record).
//!
//! The events name no slot (worker or permit): executor-core does not number its workers, and a
//! viewer that wants lanes gets the same picture by giving each start the lowest free lane.
//!
//! With no observer (every program but the race's `--live`) the cost is one `Option` check per
//! event: the events borrow the code, so nothing is allocated to build them.

use std::fmt;
use std::sync::Arc;

use crate::status::DownloadStatus;

/// What a style reports about one download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// The request for `code` is about to be sent. Called on the thread that sends it: a pool
    /// worker for the thread-pool style.
    Started {
        /// The country code.
        code: &'a str,
    },
    /// The download of `code` ended (saved, or failed) and has been counted. Called on the one
    /// thread that counts outcomes.
    Finished {
        /// The country code.
        code: &'a str,
        /// How it ended, as the counter saw it.
        status: DownloadStatus,
    },
}

/// A function called with each [`Event`] of a run, from whichever thread the event happens on
/// (hence `Send + Sync`). It should return quickly, for example by sending to a channel: it runs
/// inside the download loops.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use flags_common::observe::{Event, Observer};
/// use flags_common::status::DownloadStatus;
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// let observer = Observer::new(move |event: Event<'_>| log.lock().unwrap().push(format!("{event:?}")));
/// observer.notify(Event::Started { code: "BR" });
/// observer.notify(Event::Finished { code: "BR", status: DownloadStatus::Ok });
/// assert_eq!(seen.lock().unwrap().len(), 2);
/// ```
#[derive(Clone)]
pub struct Observer(Arc<dyn Fn(Event<'_>) + Send + Sync>);

impl Observer {
    /// Wraps `on_event`.
    pub fn new(on_event: impl Fn(Event<'_>) + Send + Sync + 'static) -> Observer {
        Observer(Arc::new(on_event))
    }

    /// Calls the function with `event`.
    pub fn notify(&self, event: Event<'_>) {
        (self.0)(event);
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer(..)")
    }
}
