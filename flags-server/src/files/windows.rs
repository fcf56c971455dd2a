//! Opening a served file on Windows. Named pipes live in a namespace of their own (`\\.\pipe\`),
//! not in a directory tree, so a path under the served folder cannot open one; what Windows has
//! instead are device names that mean a device in every folder (`CON`, `NUL`, `COM1`, ...), which
//! are refused by name, as `ServeDir` refused them.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::path::Path;

/// Opens `path` for reading: nothing in a directory tree makes that wait, and the caller checks
/// the open handle's metadata as on Unix.
pub(super) fn open_without_waiting(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Whether Windows takes the file name `name` for a device: `CON`, `PRN`, `AUX`, `NUL`,
/// `CONIN$`, `CONOUT$`, `COM0` to `COM9` and `LPT0` to `LPT9` (the superscript digits ¹²³ count
/// too), in any case, with any extension (`con.gif`) and trailing spaces. Windows before 11 opens
/// the console for `C:\site\flags\con.gif`, and a read from it waits for someone to type.
pub(super) fn is_device_name(name: &OsStr) -> bool {
    // Names come from a path decoded as UTF-8; anything else is refused to be safe.
    let Some(name) = name.to_str() else {
        return true;
    };
    let stem = name
        .split(['.', ':'])
        .next()
        .unwrap_or_default()
        .trim_end_matches(|c: char| c.is_ascii_whitespace());
    let stem: String = stem
        .chars()
        .map(|c| match c {
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    match stem.as_bytes() {
        b"CON" | b"PRN" | b"AUX" | b"NUL" | b"CONIN$" | b"CONOUT$" => true,
        [b'C', b'O', b'M', digit] | [b'L', b'P', b'T', digit] => digit.is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_are_recognised_in_any_dress() {
        for name in [
            "CON",
            "con",
            "con.gif",
            "Con .txt",
            "nul",
            "aux.json",
            "COM1",
            "com²",
            "lpt9.html",
            "CONIN$",
            "conout$.x",
            "prn:stream",
        ] {
            assert!(is_device_name(OsStr::new(name)), "{name}");
        }
        for name in [
            "cn.gif",
            "console",
            "com",
            "COM10",
            "lpt",
            "index.html",
            "xcon",
        ] {
            assert!(!is_device_name(OsStr::new(name)), "{name}");
        }
    }
}
