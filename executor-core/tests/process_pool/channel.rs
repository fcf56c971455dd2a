//! The protocol on pipes of its own: a task's `println!` reaches the program's stdout, and a
//! panic's location reaches the parent (what a task must *not* be able to do to those pipes is
//! in `channel_attacks.rs`).

use std::process::{Command, Stdio};

use executor_core::process_pool::Function;
use executor_core::{Executor, FutureError, TaskError};

use super::{SOON, pool};

// ---- Functions the workers run (registered in the test binary's `FUNCTIONS`) ----------------

fn print_line(line: String) {
    println!("{line}");
}
fn panic_here(_: ()) -> u32 {
    panic!("no flag for ZZ")
}

pub(crate) static PRINT_LINE: Function<String, ()> = Function::new("print_line", print_line);
pub(crate) static PANIC_HERE: Function<(), u32> = Function::new("panic_here", panic_here);

// ---- The tests -------------------------------------------------------------------------------

/// Set in a child copy of this binary: run [`print_program`] instead of the tests.
pub(crate) const PRINT_PROGRAM: &str = "PROCESS_POOL_TEST_PRINT_PROGRAM";

/// The program half of the test below: a pool whose task prints.
pub(crate) fn print_program() -> ! {
    let pool = pool(1);
    pool.submit(PRINT_LINE.call("hello from a worker".to_owned()))
        .unwrap()
        .into_result()
        .unwrap();
    drop(pool);
    std::process::exit(0)
}

pub(crate) fn a_tasks_println_reaches_the_programs_stdout() {
    let output = Command::new(std::env::current_exe().unwrap())
        .env(PRINT_PROGRAM, "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().any(|line| line == "hello from a worker"),
        "the task's line is not on the program's stdout: {stdout:?} (stderr: {:?})",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub(crate) fn a_panics_location_reaches_the_parent() {
    let pool = pool(1);
    match pool.submit(PANIC_HERE.call(())).unwrap().result(Some(SOON)) {
        Err(FutureError::Failed(error @ TaskError::Panicked { .. })) => {
            let TaskError::Panicked { message, location } = &error else {
                unreachable!()
            };
            assert_eq!(&**message, "no flag for ZZ");
            let location = location.as_deref().unwrap_or("none");
            assert!(
                location.contains("channel.rs:"),
                "location {location:?} does not name this file"
            );
            assert!(
                error.to_string().contains(location),
                "the message does not show the location: {error}"
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

pub(crate) const TESTS: &[(&str, fn())] = &[
    (
        "a_tasks_println_reaches_the_programs_stdout",
        a_tasks_println_reaches_the_programs_stdout,
    ),
    (
        "a_panics_location_reaches_the_parent",
        a_panics_location_reaches_the_parent,
    ),
];
