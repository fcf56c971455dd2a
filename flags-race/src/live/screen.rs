//! The terminal while `--live` draws on it: raw mode and the alternate screen on the way in, and
//! the way back out however the view ends (the race over, `q`, an error, a panic).
//!
//! Two things restore the terminal, because neither covers every case alone:
//! - the [`Screen`] guard's `Drop`, for every return, `?` and unwinding panic;
//! - a panic hook, because the panic message is printed *before* unwinding starts: without the
//!   hook it would be written to the alternate screen and vanish with it.
//!
//! Restoring twice is harmless (leaving raw mode and the alternate screen again does nothing
//! visible), so the two need no coordination.

use std::io::{self, IsTerminal, Stdout, Write};
use std::sync::Once;

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Why the view cannot start: stdout is a pipe or a file, where a full-screen view means nothing.
#[derive(Debug, thiserror::Error)]
#[error(
    "--live draws a full-screen view, and stdout is not a terminal; \
     run it in a terminal, or leave out --live to get the table alone"
)]
pub struct NotATerminal;

/// The terminal in raw mode on its alternate screen, given back as it was when dropped.
#[must_use = "dropping the Screen restores the terminal at once"]
pub struct Screen {
    /// What ratatui draws with.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    /// Switches stdout to raw mode and the alternate screen, after checking it is a terminal
    /// (checked first: raw mode on a pipe would fail halfway, or worse, work on stdin).
    pub fn enter() -> anyhow::Result<Screen> {
        if !io::stdout().is_terminal() {
            return Err(NotATerminal.into());
        }
        install_panic_hook();
        enable_raw_mode()?;
        // From here on the guard exists, so a failure below still restores what was done.
        let mut stdout = io::stdout();
        let entered = execute!(stdout, EnterAlternateScreen, Hide);
        let terminal = Terminal::new(CrosstermBackend::new(stdout));
        match (entered, terminal) {
            (Ok(()), Ok(terminal)) => Ok(Screen { terminal }),
            (Err(err), _) | (_, Err(err)) => {
                restore();
                Err(err.into())
            }
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor; errors are ignored, as there
/// is nowhere left to report them.
fn restore() {
    let _ = disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(stdout, LeaveAlternateScreen, Show);
    let _ = stdout.flush();
}

/// Restores the terminal before the default hook prints a panic's message. Installed once: a
/// second `--live` view in the same process (tests) must not chain hooks on hooks.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
