//! The built-in server's flag images: one valid GIF per country, drawn once and shared.
//!
//! These tests use the public API the server uses (`flags_server::art::flag_gif`) and decode
//! every image with the `gif` crate, as a downloader's user would open the saved files.
//! Run with `cargo test -p flags-server --test it art`.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::thread;

use flags_server::art::flag_gif;
use flags_server::codes::POP20_CC;
use flags_server::countries::COUNTRIES;

/// A decoded flag: its size and its pixels as RGB.
struct Picture {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

impl Picture {
    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb[y * self.width + x]
    }

    fn colours(&self) -> HashSet<[u8; 3]> {
        self.rgb.iter().copied().collect()
    }
}

fn decode(cc: &str) -> Picture {
    let bytes = flag_gif(cc).unwrap_or_else(|| panic!("{cc} has no flag"));
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(bytes)
        .unwrap_or_else(|err| panic!("{cc}: not a GIF: {err}"));
    let (width, height) = (usize::from(decoder.width()), usize::from(decoder.height()));
    let frame = decoder
        .read_next_frame()
        .unwrap_or_else(|err| panic!("{cc}: {err}"))
        .expect("one frame");
    assert_eq!(
        (usize::from(frame.width), usize::from(frame.height)),
        (width, height),
        "{cc}: frame fills the image"
    );
    let rgb = frame
        .buffer
        .chunks_exact(4)
        .map(|px| [px[0], px[1], px[2]])
        .collect();
    Picture { width, height, rgb }
}

#[test]
fn every_country_has_a_flag_that_decodes_with_sane_dimensions() {
    for country in COUNTRIES {
        let picture = decode(country.iso_cc);
        assert_eq!(picture.width, 160, "{}", country.iso_cc);
        assert!(
            (50..=200).contains(&picture.height),
            "{}: height {}",
            country.iso_cc,
            picture.height
        );
        let size = flag_gif(country.iso_cc).map_or(0, <[u8]>::len);
        assert!(
            (100..=40_000).contains(&size),
            "{}: {size} bytes",
            country.iso_cc
        );
    }
}

#[test]
fn lookup_ignores_case_and_unknown_codes_have_no_flag() {
    assert_eq!(flag_gif("cn"), flag_gif("CN"));
    assert!(flag_gif("cN").is_some());
    for unknown in ["", "X", "XX", "CHN", "../cn", "cn.gif", "c\u{0}", "çn"] {
        assert_eq!(flag_gif(unknown), None, "{unknown:?}");
    }
}

#[test]
fn each_flag_is_drawn_once_and_then_shared() {
    let first = flag_gif("BR").map(<[u8]>::as_ptr);
    let second = flag_gif("br").map(<[u8]>::as_ptr);
    assert!(first.is_some());
    assert_eq!(first, second, "the second call returns the cached bytes");
}

#[test]
fn concurrent_first_requests_all_get_the_same_bytes() {
    // Eight threads ask for the same flag at the same moment. `OnceLock` lets one of them draw it
    // while the others wait, so all of them must see the very same allocation.
    let threads = 8;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                flag_gif("NP").map(|bytes| bytes.as_ptr() as usize)
            })
        })
        .collect();
    let pointers: HashSet<Option<usize>> = handles
        .into_iter()
        .map(|handle| handle.join().expect("no panic"))
        .collect();
    assert_eq!(pointers.len(), 1);
    assert!(pointers.iter().all(Option::is_some));
}

#[test]
fn the_20_most_populous_flags_use_at_least_two_colours() {
    for cc in POP20_CC {
        let colours = decode(cc).colours();
        assert!(colours.len() >= 2, "{cc} uses {} colour(s)", colours.len());
    }
}

#[test]
fn japan_is_a_red_disc_on_white() {
    let jp = decode("JP");
    let (centre, corner) = (jp.at(jp.width / 2, jp.height / 2), jp.at(2, 2));
    assert_eq!(corner, [255, 255, 255]);
    assert!(
        centre[0] > 150 && centre[1] < 60 && centre[2] < 80,
        "centre is red: {centre:?}"
    );
}

#[test]
fn united_states_has_13_stripes_beside_the_canton() {
    let us = decode("US");
    let fly_edge: Vec<[u8; 3]> = (0..us.height).map(|y| us.at(us.width - 1, y)).collect();
    let stripes = 1 + fly_edge
        .windows(2)
        .filter(|pair| pair[0] != pair[1])
        .count();
    assert_eq!(stripes, 13);
    let canton = us.at(5, 5);
    assert!(canton[2] > canton[0], "the canton is blue: {canton:?}");
}

#[test]
fn india_and_china_carry_their_emblems() {
    let india = decode("IN");
    let wheel_colours: HashSet<[u8; 3]> = (india.width * 2 / 5..india.width * 3 / 5)
        .map(|x| india.at(x, india.height / 2))
        .collect();
    assert!(
        wheel_colours.iter().any(|c| c[2] > 100 && c[0] < 50),
        "navy wheel in the middle: {wheel_colours:?}"
    );

    let china = decode("CN");
    let big_star = china.at(china.width / 6, china.height / 4);
    assert!(
        big_star[0] > 200 && big_star[1] > 200 && big_star[2] < 50,
        "yellow star at the hoist: {big_star:?}"
    );
}
