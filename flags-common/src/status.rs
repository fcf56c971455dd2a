//! What became of each download in the flags2 programs: the `DownloadStatus` enum and the
//! `Counter` of `flags2_common.py`, so every code requested ends up in exactly one column.

use crate::download::DownloadError;

/// The outcome of one download attempt, as the final report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DownloadStatus {
    /// The flag was downloaded and saved.
    Ok,
    /// The server answered 404: no flag for this code (most of `-e`'s AA..ZZ).
    NotFound,
    /// Anything else went wrong: another HTTP status, a timeout, a broken connection, a failed save.
    Error,
}

impl DownloadStatus {
    /// Sorts a download's result: a 404 is *not found* (an answer, not a failure), every other
    /// error is an *error*.
    ///
    /// ```
    /// use flags_common::download::DownloadError;
    /// use flags_common::status::DownloadStatus;
    ///
    /// assert_eq!(DownloadStatus::of(&Ok(())), DownloadStatus::Ok);
    /// assert_eq!(DownloadStatus::of(&Err(DownloadError::http("u", 404))), DownloadStatus::NotFound);
    /// assert_eq!(DownloadStatus::of(&Err(DownloadError::http("u", 418))), DownloadStatus::Error);
    /// ```
    pub fn of(result: &Result<(), DownloadError>) -> DownloadStatus {
        match result {
            Ok(()) => DownloadStatus::Ok,
            Err(err) if err.is_not_found() => DownloadStatus::NotFound,
            Err(_) => DownloadStatus::Error,
        }
    }
}

/// How many downloads ended in each [`DownloadStatus`] (Python's `Counter[DownloadStatus]`).
///
/// A plain struct of three numbers rather than a `HashMap`: the set of statuses is fixed, and a
/// missing key can never hide a count.
///
/// ```
/// use flags_common::status::{Counter, DownloadStatus};
///
/// let mut counter = Counter::default();
/// counter.add(DownloadStatus::Ok);
/// counter.add(DownloadStatus::NotFound);
/// assert_eq!((counter.ok, counter.not_found, counter.errors, counter.total()), (1, 1, 0, 2));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counter {
    /// Flags downloaded and saved.
    pub ok: usize,
    /// Codes the server has no flag for.
    pub not_found: usize,
    /// Downloads that failed.
    pub errors: usize,
}

impl Counter {
    /// Counts one more download with this status.
    pub fn add(&mut self, status: DownloadStatus) {
        match status {
            DownloadStatus::Ok => self.ok += 1,
            DownloadStatus::NotFound => self.not_found += 1,
            DownloadStatus::Error => self.errors += 1,
        }
    }

    /// Every download counted, whatever its status.
    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.errors
    }
}
