//! The async strategy against the built-in server: all 20 flags arrive intact, no temp files left.

#[test]
fn all_twenty_flags_arrive_intact() {
    flags_testkit::verify::verify_strategy(flags_async::download_many).unwrap();
}
