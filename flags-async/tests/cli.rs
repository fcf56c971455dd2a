//! The `flags-async` program as a user runs it: no arguments downloads the 20 flags from the
//! built-in server and prints the summary line.

#[test]
fn no_arguments_downloads_twenty_flags_from_the_built_in_server() {
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_flags-async"));
    flags_common::verify::verify_program(program).unwrap();
}
