//! The race's pictures, drawn with plotters' SVG backend: the timeline (one bar per download, one
//! panel per style on a shared time axis), the sweep (time against concurrency) and the scale
//! sweep (time and memory against downloads in flight). Each is drawn in one of two [`Look`]s:
//! for a page (text readable once the book shrinks the picture to its column) or, with `--big`,
//! for a projector.

use std::path::Path;

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::server_process::Span;

/// Okabe-Ito colours, told apart by colour-blind readers too: a flag saved, a 404, any error.
pub const OK_COLOR: RGBColor = RGBColor(0, 114, 178);
/// The colour of a 404 bar.
pub const NOT_FOUND_COLOR: RGBColor = RGBColor(153, 153, 153);
/// The colour of an error bar (418 or any other status).
pub const ERROR_COLOR: RGBColor = RGBColor(213, 94, 0);
const THREADPOOL_COLOR: RGBColor = RGBColor(0, 158, 115);
const ASYNC_COLOR: RGBColor = RGBColor(204, 121, 167);
/// The scale sweep's `bare` row: async without its HTTP library.
const BARE_COLOR: RGBColor = RGBColor(230, 159, 0);

/// Sizes of text and lines, as plotters takes them (its SVG files say 0.81 times these: it
/// converts points to pixels).
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// The chart's title.
    pub title: u32,
    /// Axis descriptions, captions and the legend.
    pub text: u32,
    /// Tick labels.
    pub ticks: u32,
    /// Data lines.
    pub stroke: u32,
    /// The picture's width; the height follows from it.
    pub width: u32,
}

impl Look {
    /// For the book and a screen: a 1000 px picture that the book shows about 700 px wide, so
    /// tick labels of 16 px in the file read as 11 px there (plotters' default read as 6-7 px).
    pub const PAGE: Look = Look {
        title: 26,
        text: 22,
        ticks: 20,
        stroke: 2,
        width: 1000,
    };
    /// For a projector: half again the size, and lines a back row can see.
    pub const PROJECTOR: Look = Look {
        title: 40,
        text: 34,
        ticks: 30,
        stroke: 4,
        width: 1200,
    };

    /// [`PROJECTOR`](Look::PROJECTOR) with `--big`, else [`PAGE`](Look::PAGE).
    pub fn chosen(big: bool) -> Look {
        if big { Look::PROJECTOR } else { Look::PAGE }
    }
}

fn outcome_color(status: u16) -> RGBColor {
    match status {
        200 => OK_COLOR,
        404 => NOT_FOUND_COLOR,
        _ => ERROR_COLOR,
    }
}

/// One panel of the timeline: its title and the spans of its downloads.
pub struct Panel {
    /// Shown above the panel, e.g. `async, -m 20: 0.103 s`.
    pub title: String,
    /// The requests as the server saw them, in seconds since the run started.
    pub spans: Vec<Span>,
}

/// Draws `panels` stacked, on one time axis, into the SVG file `path`.
///
/// Rows are sorted by start time, so a sequential run is a staircase and a concurrent one a
/// column of bars that overlap.
pub fn timeline(path: &Path, title: &str, panels: &[Panel], look: Look) -> anyhow::Result<()> {
    let end = panels
        .iter()
        .flat_map(|panel| panel.spans.iter().map(|span| span.end))
        .fold(0.0_f64, f64::max)
        .max(1e-3)
        * 1.03;
    let panel_height = 12 * look.text + 40;
    let header_height = 2 * look.title + look.text + 16;
    let height = header_height + panel_height * u32::try_from(panels.len()).unwrap_or(1);
    let root = SVGBackend::new(path, (look.width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(header_height);
    header.draw(&Text::new(
        title.to_owned(),
        (10, 8),
        ("sans-serif", look.title).into_font(),
    ))?;
    // The legend is coloured text, not swatches, so the only filled rectangles in the file are
    // the bars themselves (which the tests count).
    for (i, (label, color)) in [
        ("ok", OK_COLOR),
        ("not found (404)", NOT_FOUND_COLOR),
        ("error", ERROR_COLOR),
    ]
    .into_iter()
    .enumerate()
    {
        let step = i32::try_from(11 * look.text).unwrap_or(180);
        let x = 10 + step * i32::try_from(i).unwrap_or(0);
        let y = i32::try_from(look.title * 2).unwrap_or(40);
        header.draw(&Text::new(
            format!("▬ {label}"),
            (x, y),
            ("sans-serif", look.text).into_font().color(&color),
        ))?;
    }
    for (panel, area) in panels.iter().zip(body.split_evenly((panels.len(), 1))) {
        let mut spans = panel.spans.clone();
        spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        let rows = spans.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .caption(&panel.title, ("sans-serif", look.text))
            .margin(8)
            .x_label_area_size(2 * look.ticks + 12)
            .y_label_area_size(look.text + 20)
            .build_cartesian_2d(0.0..end, 0.0..rows)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_label_style(("sans-serif", look.ticks))
            .axis_desc_style(("sans-serif", look.text))
            .x_desc("seconds since the run started")
            .y_desc("downloads")
            .draw()?;
        chart.draw_series(spans.iter().enumerate().map(|(row, span)| {
            // Row 0 at the top: a run reads downward like a log.
            let top = rows - row as f64;
            Rectangle::new(
                [(span.start, top - 0.1), (span.end, top - 0.9)],
                outcome_color(span.status).filled(),
            )
        }))?;
    }
    root.present()?;
    Ok(())
}

/// One measured line of the sweep: a style's median time at each concurrency.
pub struct SweepLine {
    /// `threadpool` or `async`.
    pub name: &'static str,
    /// `(concurrency, median seconds)`, in increasing concurrency.
    pub points: Vec<(usize, f64)>,
}

/// Draws the sweep into the SVG file `path`: each line against a log concurrency axis, the
/// sequential time as a horizontal line, and the latency floor (when known) as a dashed curve.
pub fn sweep(
    path: &Path,
    title: &str,
    lines: &[SweepLine],
    sequential: f64,
    floor: &[(usize, f64)],
    look: Look,
) -> anyhow::Result<()> {
    let max_m = lines
        .iter()
        .flat_map(|line| line.points.iter().map(|(m, _)| *m))
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let times = || {
        lines
            .iter()
            .flat_map(|line| line.points.iter().map(|(_, t)| *t))
            .chain([sequential])
            .chain(floor.iter().map(|(_, t)| *t))
            .filter(|t| *t > 0.0)
    };
    // Both axes logarithmic: the floor `ceil(n / m) * d` is then nearly a straight line, and the
    // gap between it and a style reads the same at -m 2 (seconds) as at -m 500 (milliseconds).
    let top = times().fold(1e-3_f64, f64::max) * 1.5;
    let bottom = times().fold(top, f64::min) / 1.5;
    let root = SVGBackend::new(path, (look.width, look.width * 3 / 5)).into_drawing_area();
    root.fill(&WHITE)?;
    let (x0, x1) = (0.8, max_m * 1.25);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", look.title))
        .margin(15)
        .x_label_area_size(2 * look.ticks + look.text)
        .y_label_area_size(4 * look.ticks + look.text)
        .build_cartesian_2d((x0..x1).log_scale(), (bottom..top).log_scale())?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", look.ticks))
        .axis_desc_style(("sans-serif", look.text))
        .x_desc("concurrency (-m), log scale")
        .y_desc("median wall time (s), log scale")
        // Rounded to the millisecond: log axes put their marks at values like 0.30000000000000004.
        .y_label_formatter(&|t| format!("{}", (t * 1000.0).round() / 1000.0))
        .light_line_style(WHITE)
        .x_label_formatter(&|m| format!("{m:.0}"))
        .draw()?;
    let stroke = look.stroke;
    let swatch = i32::try_from(2 * look.text).unwrap_or(30);
    chart
        .draw_series(LineSeries::new(
            [(x0, sequential), (x1, sequential)],
            BLACK.stroke_width(stroke),
        ))?
        .label("sequential")
        .legend(move |(x, y)| {
            PathElement::new([(x, y), (x + swatch, y)], BLACK.stroke_width(stroke))
        });
    if !floor.is_empty() {
        // Dashed in the plot, so dashed in the legend too.
        let dash = (3 * stroke, 2 * stroke);
        chart
            .draw_series(DashedLineSeries::new(
                floor.iter().map(|&(m, t)| (m as f64, t)),
                dash.0,
                dash.1,
                NOT_FOUND_COLOR.stroke_width(stroke),
            ))?
            .label("latency floor")
            .legend(move |(x, y)| {
                DashedPathElement::new(
                    [(x, y), (x + swatch, y)],
                    dash.0,
                    dash.1,
                    NOT_FOUND_COLOR.stroke_width(stroke),
                )
            });
    }
    for line in lines {
        let color = if line.name == "async" {
            ASYNC_COLOR
        } else {
            THREADPOOL_COLOR
        };
        chart
            .draw_series(
                LineSeries::new(
                    line.points.iter().map(|&(m, t)| (m as f64, t)),
                    color.stroke_width(stroke),
                )
                .point_size(2 * stroke),
            )?
            .label(line.name)
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + swatch, y)], color.stroke_width(stroke))
            });
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", look.text))
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Draws the scale sweep into the SVG file `path`: on the left the wall time of each style
/// against downloads in flight, with the 1 s floor dashed; on the right its peak resident
/// memory (where the system could tell it). Both x axes are logarithmic, 10 to 10,000; sizes
/// without figures (skipped, or whose run died) have no point.
pub fn scale(path: &Path, rows: &[crate::scale::ScaleRow], look: Look) -> anyhow::Result<()> {
    use crate::scale::{Outcome, ScaleStyle};
    let points = |style: ScaleStyle, figure: &dyn Fn(&Outcome) -> Option<f64>| -> Vec<(f64, f64)> {
        rows.iter()
            .filter(|row| row.style == style)
            .filter_map(|row| figure(&row.outcome).map(|y| (row.in_flight as f64, y)))
            .collect()
    };
    let wall = |outcome: &Outcome| match outcome {
        Outcome::Ran { wall, .. } => Some(wall.as_secs_f64()),
        Outcome::NoFigures(_) => None,
    };
    let memory = |outcome: &Outcome| match outcome {
        Outcome::Ran { peak_kib, .. } => peak_kib.map(|kib| kib as f64 / 1024.0),
        Outcome::NoFigures(_) => None,
    };
    let max_n = rows
        .iter()
        .map(|row| row.in_flight)
        .max()
        .unwrap_or(10)
        .max(20) as f64;
    let (x0, x1) = (7.0, max_n * 1.4);
    let floor = crate::scale::DELAY.as_secs_f64();
    let root = SVGBackend::new(path, (look.width * 3 / 2, look.width * 3 / 5)).into_drawing_area();
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(look.title + 20);
    header.draw(&Text::new(
        "Every download in flight at once: threads, async, and async with no HTTP library",
        (10, 8),
        ("sans-serif", look.title).into_font(),
    ))?;
    let (left, right) = body.split_horizontally(look.width * 3 / 4);
    let stroke = look.stroke;
    let swatch = i32::try_from(2 * look.text).unwrap_or(30);
    let styles = [
        (ScaleStyle::Threads, THREADPOOL_COLOR),
        (ScaleStyle::Async, ASYNC_COLOR),
        (ScaleStyle::Bare, BARE_COLOR),
    ];

    let walls: Vec<f64> = styles
        .iter()
        .flat_map(|(style, _)| points(*style, &wall))
        .map(|(_, t)| t)
        .chain([floor])
        .collect();
    let top = walls.iter().copied().fold(floor, f64::max) * 1.3;
    let mut chart = ChartBuilder::on(&left)
        .caption("wall time (s)", ("sans-serif", look.text))
        .margin(15)
        .x_label_area_size(2 * look.ticks + look.text)
        .y_label_area_size(3 * look.ticks + look.text)
        .build_cartesian_2d((x0..x1).log_scale(), 0.0..top)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", look.ticks))
        .axis_desc_style(("sans-serif", look.text))
        .x_desc("downloads in flight, log scale")
        .x_label_formatter(&|n| format!("{n:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    let dash = (3 * stroke, 2 * stroke);
    chart
        .draw_series(DashedLineSeries::new(
            [(x0, floor), (x1, floor)],
            dash.0,
            dash.1,
            NOT_FOUND_COLOR.stroke_width(stroke),
        ))?
        .label("floor: the 1 s delay")
        .legend(move |(x, y)| {
            DashedPathElement::new(
                [(x, y), (x + swatch, y)],
                dash.0,
                dash.1,
                NOT_FOUND_COLOR.stroke_width(stroke),
            )
        });
    for (style, color) in styles {
        chart
            .draw_series(
                LineSeries::new(points(style, &wall), color.stroke_width(stroke))
                    .point_size(2 * stroke),
            )?
            .label(style.name())
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + swatch, y)], color.stroke_width(stroke))
            });
    }
    chart
        .configure_series_labels()
        .label_font(("sans-serif", look.text))
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;

    let mibs: Vec<f64> = styles
        .iter()
        .flat_map(|(style, _)| points(*style, &memory))
        .map(|(_, m)| m)
        .collect();
    let top = mibs.iter().copied().fold(1.0, f64::max) * 1.3;
    let caption = if mibs.is_empty() {
        "peak memory: n/a on this system"
    } else {
        "peak resident memory (MiB)"
    };
    let mut chart = ChartBuilder::on(&right)
        .caption(caption, ("sans-serif", look.text))
        .margin(15)
        .x_label_area_size(2 * look.ticks + look.text)
        .y_label_area_size(3 * look.ticks + look.text)
        .build_cartesian_2d((x0..x1).log_scale(), 0.0..top)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", look.ticks))
        .axis_desc_style(("sans-serif", look.text))
        .x_desc("downloads in flight, log scale")
        .x_label_formatter(&|n| format!("{n:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    for (style, color) in styles {
        chart.draw_series(
            LineSeries::new(points(style, &memory), color.stroke_width(stroke))
                .point_size(2 * stroke),
        )?;
    }
    root.present()?;
    Ok(())
}
