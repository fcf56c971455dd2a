//! `race --live --screenshot`: the view's picture at the end of the race, saved as an SVG file
//! (`OUT/live.svg`) for slides and the book. A terminal's screen cannot be saved from outside
//! the program in a portable way, but the program has the picture itself: the last ratatui
//! buffer it drew, a grid of cells with a symbol and two colours each. This writes that grid out,
//! a rectangle per coloured cell and the symbols on top, in the colours of a dark terminal.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::Color;

/// One cell, in pixels: a 16 px monospace font's advance and line height.
const CELL_WIDTH: f64 = 9.6;
const CELL_HEIGHT: f64 = 20.0;
const FONT_SIZE: f64 = 16.0;
/// The terminal's own background and text colour, where a cell says `Reset`.
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d0d0d0";

/// The buffer as an SVG document.
pub fn svg(buffer: &Buffer) -> String {
    let area = buffer.area;
    let (width, height) = (
        f64::from(area.width) * CELL_WIDTH,
        f64::from(area.height) * CELL_HEIGHT,
    );
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{BACKGROUND}\"/>\n\
         <g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" \
         font-size=\"{FONT_SIZE}\">\n"
    );
    for y in area.top()..area.bottom() {
        let top = f64::from(y - area.top()) * CELL_HEIGHT;
        // Backgrounds first, a rectangle per run of cells of one colour.
        let mut x = area.left();
        while x < area.right() {
            let bg = buffer[(x, y)].bg;
            let start = x;
            while x < area.right() && buffer[(x, y)].bg == bg {
                x += 1;
            }
            if let Some(fill) = rgb(bg) {
                let left = f64::from(start - area.left()) * CELL_WIDTH;
                let run = f64::from(x - start) * CELL_WIDTH;
                let _ = writeln!(
                    out,
                    "<rect x=\"{left}\" y=\"{top}\" width=\"{run}\" height=\"{CELL_HEIGHT}\" \
                     fill=\"{fill}\"/>"
                );
            }
        }
        // Then the symbols, a group per run of one colour and a text element per glyph, each
        // at its own cell: the picture must not depend on the viewer's font having the same
        // advance as the terminal's (box-drawing characters often do not).
        let baseline = top + CELL_HEIGHT * 0.75;
        let mut x = area.left();
        while x < area.right() {
            let fg = buffer[(x, y)].fg;
            let mut glyphs = String::new();
            while x < area.right() && buffer[(x, y)].fg == fg {
                let symbol = buffer[(x, y)].symbol();
                if symbol != " " {
                    let left = f64::from(x - area.left()) * CELL_WIDTH;
                    let _ = write!(
                        glyphs,
                        "<text x=\"{left:.1}\" y=\"{baseline}\">{}</text>",
                        escape(symbol)
                    );
                }
                x += 1;
            }
            if !glyphs.is_empty() {
                let fill = rgb(fg).unwrap_or(FOREGROUND);
                let _ = writeln!(out, "<g fill=\"{fill}\">{glyphs}</g>");
            }
        }
    }
    out + "</g>\n</svg>\n"
}

/// The colour as a dark terminal's palette shows it; `None` for `Reset` (the terminal's own).
fn rgb(color: Color) -> Option<&'static str> {
    Some(match color {
        Color::Reset => return None,
        Color::Black => "#000000",
        Color::Red => "#cc342b",
        Color::Green => "#198844",
        Color::Yellow => "#c8a11b",
        Color::Blue => "#3971ed",
        Color::Magenta => "#a36ac7",
        Color::Cyan => "#3cb4c4",
        Color::Gray => "#b0b0b0",
        Color::DarkGray => "#707070",
        Color::LightRed => "#f0625a",
        Color::LightGreen => "#4fc47a",
        Color::LightYellow => "#f0d050",
        Color::LightBlue => "#6e9cf5",
        Color::LightMagenta => "#d08ae8",
        Color::LightCyan => "#7fdde8",
        Color::White => "#ffffff",
        // The view uses named colours only; anything else is drawn in the text colour.
        _ => FOREGROUND,
    })
}

/// `symbol` as SVG text.
fn escape(symbol: &str) -> String {
    symbol
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_become_coloured_rectangles_and_placed_glyphs() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 2));
        buffer.set_string(0, 0, "a<b", Style::default().fg(Color::Cyan));
        buffer.set_string(2, 1, "  ", Style::default().bg(Color::Green));
        let svg = svg(&buffer);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let glyphs: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| (n.text().unwrap_or(""), n.attribute("x").unwrap_or("")))
            .collect();
        assert_eq!(glyphs, [("a", "0.0"), ("<", "9.6"), ("b", "19.2")], "{svg}");
        let cyan = doc
            .descendants()
            .find(|n| n.has_tag_name("g") && n.attribute("fill") == Some("#3cb4c4"))
            .expect("the glyphs' colour");
        assert_eq!(cyan.children().filter(|n| n.is_element()).count(), 3);
        let green: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#198844"))
            .collect();
        assert_eq!(
            green.len(),
            1,
            "one rectangle for the run of two cells: {svg}"
        );
        assert_eq!(green[0].attribute("x"), Some("19.2"));
        assert_eq!(green[0].attribute("y"), Some("20"));
        assert_eq!(green[0].attribute("width"), Some("19.2"));
    }
}
