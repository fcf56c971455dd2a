//! The three contestants: each style's flags2 `download_many`, called as a library function.

use flags_common::flags2::Flags2Job;
use flags_common::status::Counter;

/// A download style of the chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// `flags_sequential::flags2::download_many`: one request at a time.
    Sequential,
    /// `flags_threadpool::flags2::download_many`: `-m` threads of executor-core.
    Threadpool,
    /// `flags_async::flags2::download_many`: one thread, `-m` requests in flight.
    Async,
}

impl Style {
    /// The name the table and the charts use.
    pub fn name(self) -> &'static str {
        match self {
            Style::Sequential => "sequential",
            Style::Threadpool => "threadpool",
            Style::Async => "async",
        }
    }

    /// The concurrency this style actually uses when asked for `max_req` over `codes` codes.
    pub fn concurrency(self, max_req: usize, codes: usize) -> usize {
        match self {
            Style::Sequential => 1,
            Style::Threadpool | Style::Async => max_req.min(codes).max(1),
        }
    }

    /// Runs the style's strategy on `job`.
    pub fn download_many(self, job: &Flags2Job) -> anyhow::Result<Counter> {
        match self {
            Style::Sequential => flags_sequential::flags2::download_many(job),
            Style::Threadpool => flags_threadpool::flags2::download_many(job),
            Style::Async => flags_async::flags2::download_many(job),
        }
    }
}
