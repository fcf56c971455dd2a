//! The race's pictures, drawn with plotters' SVG backend: the timeline (one bar per download, one
//! panel per style on a shared time axis) and the sweep (time against concurrency).

use std::path::Path;

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
pub fn timeline(path: &Path, title: &str, panels: &[Panel]) -> anyhow::Result<()> {
    let end = panels
        .iter()
        .flat_map(|panel| panel.spans.iter().map(|span| span.end))
        .fold(0.0_f64, f64::max)
        .max(1e-3)
        * 1.03;
    let panel_height = 240;
    let height = 70 + panel_height * u32::try_from(panels.len()).unwrap_or(1);
    let root = SVGBackend::new(path, (1000, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(70);
    header.draw(&Text::new(
        title.to_owned(),
        (10, 8),
        ("sans-serif", 20).into_font(),
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
        let x = 10 + 180 * i32::try_from(i).unwrap_or(0);
        header.draw(&Text::new(
            format!("▬ {label}"),
            (x, 40),
            ("sans-serif", 16).into_font().color(&color),
        ))?;
    }
    for (panel, area) in panels.iter().zip(body.split_evenly((panels.len(), 1))) {
        let mut spans = panel.spans.clone();
        spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        let rows = spans.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .caption(&panel.title, ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..end, 0.0..rows)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
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
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let (x0, x1) = (0.8, max_m * 1.25);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((x0..x1).log_scale(), (bottom..top).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("concurrency (-m), log scale")
        .y_desc("median wall time (s), log scale")
        // Rounded to the millisecond: log axes put their marks at values like 0.30000000000000004.
        .y_label_formatter(&|t| format!("{}", (t * 1000.0).round() / 1000.0))
        .light_line_style(WHITE)
        .x_label_formatter(&|m| format!("{m:.0}"))
        .draw()?;
    chart
        .draw_series(LineSeries::new([(x0, sequential), (x1, sequential)], BLACK))?
        .label("sequential")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK));
    if !floor.is_empty() {
        chart
            .draw_series(DashedLineSeries::new(
                floor.iter().map(|&(m, t)| (m as f64, t)),
                6,
                4,
                NOT_FOUND_COLOR.stroke_width(2),
            ))?
            .label("latency floor")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], NOT_FOUND_COLOR));
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
                    color.stroke_width(2),
                )
                .point_size(4),
            )?
            .label(line.name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
