//! Our own flag drawings as GIFs: the images the built-in flag server serves at
//! `/flags/{cc}/{cc}.gif`.
//!
//! The book's flag site serves real GIFs of 194 flags. Shipping copies of them would put image
//! files we did not make into the repository, so we draw each flag from a small table of designs
//! instead ([`designs`], written in the vocabulary of [`parts`]) on a tiny pixel canvas
//! ([`canvas`]) and encode it with the `gif` crate ([`encode`]). Drawing is cheap but not free,
//! and the server may be asked for the same flag by a thousand concurrent requests, so each flag
//! is drawn once, on first request, and kept for the life of the process. Try it with `cargo test -p flags-server --lib art`.

pub mod canvas;
pub mod designs;
pub mod encode;
pub mod parts;

use std::sync::OnceLock;

/// One cache slot per design, filled on first use.
///
/// A `OnceLock` per flag (rather than one lock around a map) means requests for different flags
/// never wait for each other, and concurrent first requests for the same flag block until one
/// of them has drawn it: each flag is drawn exactly once. The slots are `'static`, so callers
/// get borrowed bytes with no copying and no reference counting.
static CACHE: [OnceLock<Option<Box<[u8]>>>; CACHE_SLOTS] = [const { OnceLock::new() }; CACHE_SLOTS];

/// One slot per design.
const CACHE_SLOTS: usize = designs::DESIGNS.len();

/// The GIF of the flag for `cc` (an ISO code, any case), or `None` for a code we have no design for.
///
/// ```
/// use flags_server::art::flag_gif;
/// let gif = flag_gif("br").expect("Brazil has a flag");
/// assert!(gif.starts_with(b"GIF89a"));
/// assert_eq!(flag_gif("BR").map(<[u8]>::as_ptr), Some(gif.as_ptr())); // drawn once, then shared
/// assert_eq!(flag_gif("XX"), None);
/// ```
pub fn flag_gif(cc: &str) -> Option<&'static [u8]> {
    let index = designs::index_of(cc)?;
    let slot = CACHE.get(index)?;
    let gif = slot.get_or_init(|| {
        let canvas = parts::render(&designs::DESIGNS[index]);
        // Encoding into memory can only fail on a canvas the GIF format cannot hold (over 256
        // colours or 65,535 pixels a side), which `Canvas` rules out and the tests check for
        // every design. Should it ever happen, the flag is missing (a 404), not a panic.
        encode::gif(&canvas).ok().map(Vec::into_boxed_slice)
    });
    gif.as_deref()
}
