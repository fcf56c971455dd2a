//! The sequential strategy against the built-in server: all 20 flags arrive, byte-identical to what
//! the server serves, as valid GIFs, with no temporary files left behind.

#[test]
fn all_twenty_flags_arrive_intact() {
    flags_testkit::verify::verify_strategy(flags_sequential::download_many).unwrap();
}
