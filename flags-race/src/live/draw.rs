//! Drawing the `--live` board: a title, a legend, then for each style a line of counters and its
//! lanes, one bar per download on a time axis shared by all styles, with a mark at each style's
//! latency floor; the axis's scale under the last lane.
//!
//! Made for a projector as much as for a laptop: bars are whole cells of colour, the legend says
//! what each colour means, and everything fits 80x24. When a style has more lanes than rows (20
//! lanes at 80x24), a row stands for several lanes and shows the latest bar of any of them.

use std::time::{Duration, Instant};

use flags_common::status::DownloadStatus;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style as Paint};
use ratatui::text::{Line, Span};

use super::board::{Bar, Board, Track};
use crate::style::Style;

/// The colours of a bar, in two shades so that downloads back to back on a lane stay apart.
fn bar_colour(status: Option<DownloadStatus>, nth_on_lane: usize) -> Color {
    let light = nth_on_lane % 2 == 1;
    match (status, light) {
        (Some(DownloadStatus::Ok), false) => Color::Green,
        (Some(DownloadStatus::Ok), true) => Color::LightGreen,
        (Some(DownloadStatus::NotFound), false) => Color::Yellow,
        (Some(DownloadStatus::NotFound), true) => Color::LightYellow,
        (Some(DownloadStatus::Error), false) => Color::Red,
        (Some(DownloadStatus::Error), true) => Color::LightRed,
        (None, false) => Color::Blue,
        (None, true) => Color::LightBlue,
    }
}

/// The colour of the floor mark.
const FLOOR: Color = Color::Magenta;

/// Draws `board` as it stands at `now` on the whole frame; `note` goes top right (which keys do
/// what).
pub fn draw(frame: &mut Frame<'_>, board: &Board, now: Instant, note: &str) {
    let area = frame.area();
    render(board, now, note, area, frame.buffer_mut());
}

/// [`draw`] on any buffer area.
pub fn render(board: &Board, now: Instant, note: &str, area: Rect, buf: &mut Buffer) {
    if area.width < 20 || area.height < 4 {
        return;
    }
    let bold = Paint::new().add_modifier(Modifier::BOLD);
    let title = Line::from(vec![Span::styled(board.title.clone(), bold)]);
    buf.set_line(area.x, area.y, &title, area.width);
    let note_width = u16::try_from(note.chars().count()).unwrap_or(u16::MAX);
    if note_width + 2 < area.width {
        let line = Line::from(Span::styled(note.to_owned(), Paint::new().fg(Color::Cyan)));
        buf.set_line(area.right() - note_width, area.y, &line, note_width);
    }
    buf.set_line(area.x, area.y + 1, &legend(), area.width);

    // Rows left for lanes: all but the title, the legend, each style's counters and the axis.
    let fixed = 3 + board.tracks.len();
    let free = usize::from(area.height).saturating_sub(fixed);
    let rows = share_rows(board, free);
    if rows.contains(&0) {
        let line = Line::from("enlarge the terminal: too small for the lanes");
        buf.set_line(area.x, area.y + 2, &line, area.width);
        return;
    }
    // Bars start after a one-cell margin; the axis maps [0, axis_end] onto the rest.
    let axis = Axis {
        left: area.x + 1,
        width: area.width - 2,
        end: board.axis_end(now),
    };
    let mut y = area.y + 2;
    for (track, &rows) in board.tracks.iter().zip(&rows) {
        buf.set_line(area.x, y, &counters(track, now), area.width);
        y += 1;
        let rows = u16::try_from(rows).unwrap_or(u16::MAX);
        draw_lanes(
            track,
            &axis,
            now,
            Rect::new(axis.left, y, axis.width, rows),
            buf,
        );
        y += rows;
    }
    buf.set_line(area.x, y, &axis.scale(), area.width);
}

/// The legend: a block of each colour and what it means.
fn legend() -> Line<'static> {
    let block = |colour: Color| Span::styled("  ", Paint::new().bg(colour));
    let word = |text: &'static str| Span::raw(text);
    Line::from(vec![
        block(Color::Green),
        word(" OK  "),
        block(Color::Yellow),
        word(" not found  "),
        block(Color::Red),
        word(" error  "),
        block(Color::Blue),
        word(" in flight  "),
        Span::styled("┃", Paint::new().fg(FLOOR).add_modifier(Modifier::BOLD)),
        word(" floor"),
    ])
}

/// A style's line of counters: `threadpool -m 20  in flight 20  done 13/20  404 0  err 0
/// 0.08 s  0.81x floor`, at most 80 columns even for 194 codes and 12.34 s.
fn counters(track: &Track, now: Instant) -> Line<'static> {
    let colour = match track.style {
        Style::Sequential => Color::White,
        Style::Threadpool => Color::Cyan,
        Style::Async => Color::LightMagenta,
    };
    let name = Paint::new().fg(colour).add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::styled(
        format!("{} -m {}", track.style.name(), track.concurrency),
        name,
    )];
    if track.begun.is_none() {
        spans.push(Span::raw("  waiting for its turn"));
        return Line::from(spans);
    }
    let counter = track.counter;
    let elapsed = track.elapsed(now);
    let mut text = format!(
        "  in flight {}  done {}/{}  404 {}  err {}  {:.2} s",
        track.in_flight(),
        counter.total(),
        track.codes,
        counter.not_found,
        counter.errors,
        elapsed.as_secs_f64()
    );
    if let Some(floor) = track.floor {
        text += &format!(
            "  {:.2}x floor",
            elapsed.as_secs_f64() / floor.as_secs_f64()
        );
    }
    spans.push(Span::raw(text));
    if track.ended.is_some() {
        spans.push(Span::styled(" ✔", Paint::new().fg(Color::Green)));
    }
    Line::from(spans)
}

/// The shared time axis: seconds since each style's start, onto columns.
struct Axis {
    left: u16,
    width: u16,
    end: Duration,
}

impl Axis {
    /// The column (from 0) of time `t`, clamped to the axis.
    fn column(&self, t: Duration) -> u16 {
        let share = t.as_secs_f64() / self.end.as_secs_f64().max(f64::EPSILON);
        let column = (share * f64::from(self.width)).floor();
        // Clamped first, so the cast cannot wrap.
        column.clamp(0.0, f64::from(self.width - 1)) as u16
    }

    /// The scale under the lanes: a tick at every round step (0.05 s, 0.5 s, 2 s, ...) chosen
    /// so that about five fit, each with its time, so the scale reads at a glance.
    fn scale(&self) -> Line<'static> {
        let width = usize::from(self.width) + 1;
        let mut text: Vec<char> = vec![' '; width];
        let step = tick_step(self.end.as_secs_f64());
        let decimals = if step >= 1.0 {
            0
        } else if step >= 0.1 {
            1
        } else {
            2
        };
        let mut free_from = 0;
        let mut k = 0.0;
        while k * step <= self.end.as_secs_f64() {
            let t = k * step;
            k += 1.0;
            // One cell right of the axis's own origin: the lanes start after a margin.
            let column = usize::from(self.column(Duration::from_secs_f64(t))) + 1;
            // The tick's mark with its time after it, or, near the right edge, before it.
            let mut label: Vec<char> = format!("╵{t:.decimals$} s").chars().collect();
            let mut at = column;
            if column + label.len() > width {
                label.rotate_left(1);
                at = (column + 1).saturating_sub(label.len());
            }
            // A label that would overlap the one before it is left out.
            if at < free_from || at + label.len() > width {
                continue;
            }
            text[at..at + label.len()].copy_from_slice(&label);
            free_from = at + label.len() + 1;
        }
        Line::from(Span::styled(
            text.into_iter().collect::<String>(),
            Paint::new().fg(Color::Gray),
        ))
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that cuts `end` seconds into at most five
/// steps.
///
/// ```text
/// 2.1 s -> 0.5 s; 0.105 s -> 0.05 s; 12 s -> 5 s
/// ```
fn tick_step(end: f64) -> f64 {
    let rough = (end / 5.0).max(1e-3);
    // `powi`, not `powf`: an integer power of ten is computed the same way on every platform
    // (mingw's `powf` gives 0.010000000000000002 for 10^-2, which no longer prints as 0.05 x 1).
    let exponent = rough.log10().floor() as i32;
    let power = 10f64.powi(exponent);
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= rough)
        .unwrap_or(10.0 * power)
}

/// Draws a track's bars in `area`: with `r` rows for `l` lanes, lane `i` is on row `i * r / l`,
/// so when lanes outnumber rows they share them evenly. Later bars are drawn over earlier ones.
fn draw_lanes(track: &Track, axis: &Axis, now: Instant, area: Rect, buf: &mut Buffer) {
    let (rows, lanes) = (usize::from(area.height), track.lane_count().max(1));
    let now = track.elapsed(now);
    for bar in &track.bars {
        let Ok(row) = u16::try_from(bar.lane * rows / lanes) else {
            continue;
        };
        if row >= area.height {
            continue;
        }
        let (from, to) = span_of(bar, axis, now);
        let colour = bar_colour(bar.end.map(|(_, status)| status), bar.nth_on_lane);
        for column in from..=to {
            if let Some(cell) = buf.cell_mut((area.x + column, area.y + row)) {
                cell.set_symbol(" ").set_bg(colour);
            }
        }
    }
    // The floor mark over everything, so the bars cannot hide it.
    if let Some(floor) = track.floor {
        let column = axis.column(floor);
        for row in 0..area.height {
            if let Some(cell) = buf.cell_mut((area.x + column, area.y + row)) {
                cell.set_symbol("┃").set_fg(FLOOR);
                cell.modifier.insert(Modifier::BOLD);
            }
        }
    }
}

/// The first and last column of a bar; a bar in flight reaches `now`. Every bar is at least one
/// cell wide, so even a 1 ms download at a scale of seconds shows.
fn span_of(bar: &Bar, axis: &Axis, now: Duration) -> (u16, u16) {
    let end = bar.end.map_or(now, |(end, _)| end);
    let from = axis.column(bar.start);
    // The cell where the bar ends belongs to the next bar on the lane, if any.
    let to = axis.column(end).saturating_sub(1).max(from);
    (from, to)
}

/// Shares `free` rows between the tracks: one each, then one at a time to the track with the
/// most lanes per row, never more rows than lanes. Zero rows somewhere means the screen is too
/// small.
fn share_rows(board: &Board, free: usize) -> Vec<usize> {
    let lanes: Vec<usize> = board.tracks.iter().map(Track::lane_count).collect();
    if free < lanes.len() {
        return vec![0; lanes.len()];
    }
    let mut rows = vec![1; lanes.len()];
    for _ in lanes.len()..free {
        let most_crowded = (0..lanes.len())
            .filter(|&i| rows[i] < lanes[i])
            // Reversed, so that of equally crowded tracks the first gets the row.
            .rev()
            .max_by(|&a, &b| (lanes[a] * rows[b]).cmp(&(lanes[b] * rows[a])));
        match most_crowded {
            Some(i) => rows[i] += 1,
            None => break,
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::live::board::Message;

    /// A board of sequential and async over 4 codes, async at -m 4, with one download of each
    /// outcome finished and one still in flight, drawn at 80x24.
    fn drawn() -> (Buffer, Board, Instant) {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let floor = Some(Duration::from_millis(100));
        let mut board = Board {
            tracks: vec![
                Track::new(Style::Sequential, 1, 4, Some(Duration::from_millis(400))),
                Track::new(Style::Async, 4, 4, floor),
            ],
            title: "race --live: 4 codes".to_owned(),
        };
        for track in 0..2 {
            board.apply(Message::Begun { track, at: t0 });
        }
        let outcomes = [
            ("BR", Some(DownloadStatus::Ok)),
            ("CN", Some(DownloadStatus::NotFound)),
            ("IN", Some(DownloadStatus::Error)),
            ("US", None),
        ];
        for (code, _) in outcomes {
            let code = code.to_owned();
            board.apply(Message::Started {
                track: 1,
                code,
                at: t0,
            });
        }
        for (code, status) in outcomes {
            if let Some(status) = status {
                let code = code.to_owned();
                board.apply(Message::Finished {
                    track: 1,
                    code,
                    status,
                    at: ms(300),
                });
            }
        }
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|frame| draw(frame, &board, ms(350), "q: quit"))
            .unwrap();
        (terminal.backend().buffer().clone(), board, ms(350))
    }

    fn row_text(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    fn screen_text(buf: &Buffer) -> String {
        (0..buf.area.height)
            .map(|y| row_text(buf, y) + "\n")
            .collect()
    }

    #[test]
    fn the_title_legend_and_counters_are_on_screen() {
        let (buf, _, _) = drawn();
        let text = screen_text(&buf);
        assert!(
            row_text(&buf, 0).starts_with("race --live: 4 codes"),
            "{text}"
        );
        assert!(row_text(&buf, 0).trim_end().ends_with("q: quit"), "{text}");
        for word in ["OK", "not found", "error", "in flight", "floor"] {
            assert!(row_text(&buf, 1).contains(word), "{word} missing: {text}");
        }
        assert!(
            text.contains("sequential -m 1  in flight 0  done 0/4"),
            "{text}"
        );
        assert!(
            text.contains("async -m 4  in flight 1  done 3/4  404 1  err 1  0.35 s  3.50x floor"),
            "{text}"
        );
        // 0.35 s of a run and a 0.4 s floor: an axis to 0.42 s, ticks every 0.1 s (the time of
        // the last one written before its mark, where the edge is near).
        assert!(
            row_text(&buf, 9).starts_with(" ╵0.0 s"),
            "the axis has no scale: {text}"
        );
        assert!(row_text(&buf, 9).contains("╵0.3 s"), "{text}");
        assert!(row_text(&buf, 9).contains("0.4 s╵"), "{text}");
    }

    /// The background colours on a row of lanes, left to right, without repeats or blanks.
    fn colours_on(buf: &Buffer, y: u16) -> Vec<Color> {
        let mut colours: Vec<Color> = Vec::new();
        for x in 0..buf.area.width {
            let bg = buf[(x, y)].bg;
            if bg != Color::Reset && colours.last() != Some(&bg) {
                colours.push(bg);
            }
        }
        colours
    }

    #[test]
    fn each_async_lane_is_coloured_by_its_outcome() {
        let (buf, _, _) = drawn();
        // Rows: title, legend, sequential's counters and its lane, async's counters, its lanes.
        let lanes: Vec<Vec<Color>> = (5..9).map(|y| colours_on(&buf, y)).collect();
        assert_eq!(
            lanes,
            [
                vec![Color::Green],
                vec![Color::Yellow],
                vec![Color::Red],
                vec![Color::Blue]
            ],
            "{}",
            screen_text(&buf)
        );
    }

    #[test]
    fn the_floor_is_marked_on_every_lane() {
        let (buf, board, now) = drawn();
        let axis_end = board.axis_end(now);
        let axis = Axis {
            left: 1,
            width: 78,
            end: axis_end,
        };
        let column = 1 + axis.column(Duration::from_millis(100));
        for y in 5..9 {
            assert_eq!(buf[(column, y)].symbol(), "┃", "{}", screen_text(&buf));
            assert_eq!(buf[(column, y)].fg, FLOOR);
        }
    }

    #[test]
    fn ticks_fall_on_round_steps() {
        // Within a rounding error: the steps are computed in floating point.
        for (end, step) in [(2.1, 0.5), (0.105, 0.05), (12.0, 5.0)] {
            let got = tick_step(end);
            assert!(
                (got - step).abs() < 1e-9 * step,
                "tick_step({end}) = {got}, not {step}"
            );
        }
    }

    #[test]
    fn twenty_lanes_share_rows_at_80x24() {
        let board = Board {
            tracks: vec![
                Track::new(Style::Sequential, 1, 20, None),
                Track::new(Style::Threadpool, 20, 20, None),
                Track::new(Style::Async, 20, 20, None),
            ],
            title: String::new(),
        };
        // 24 rows less the title, the legend, the axis and three lines of counters.
        assert_eq!(share_rows(&board, 18), [1, 9, 8]);
        assert_eq!(share_rows(&board, 100), [1, 20, 20]);
        assert_eq!(share_rows(&board, 2), [0, 0, 0]);
    }
}
