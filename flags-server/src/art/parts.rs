//! The vocabulary flag designs are written in, and how each word is painted on a canvas.
//!
//! A design is a ratio plus a list of [`Part`]s painted in order, each over the ones before
//! (like layers). Coordinates are fractions of the area being painted: `x` of its width, `y` of
//! its height, both from the top left. Lengths that must stay round or even (radii, thicknesses)
//! are fractions of its height, so a disc stays a disc on any flag. The table itself lives in
//! `designs.rs`; the short constructors at the end of this file keep its rows readable. Run the
//! tests with `cargo test -p flags-server --lib art::parts`.

use super::canvas::{Canvas, Clip, Rgb};

/// One layer of a flag.
///
/// Kept one variant per line (no rustfmt) so the vocabulary reads as a list.
#[rustfmt::skip]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Part {
    /// Horizontal stripes top to bottom, each as high as its weight's share of the total.
    HBands(&'static [(f32, Rgb)]),
    /// Vertical stripes from the hoist (left) to the fly, each as wide as its weight's share.
    VBands(&'static [(f32, Rgb)]),
    /// Equal horizontal stripes top to bottom.
    HStripes(&'static [Rgb]),
    /// Equal vertical stripes from the hoist.
    VStripes(&'static [Rgb]),
    /// A rectangle from (x0, y0) to (x1, y1).
    Rect { x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb },
    /// A cross spanning the whole area, its bars crossing at (x, y), `t` thick.
    Cross { x: f32, y: f32, t: f32, color: Rgb },
    /// Diagonals from corner to corner, `t` thick.
    Saltire { t: f32, color: Rgb },
    /// A straight band from one point to another, `t` thick.
    Band { from: (f32, f32), to: (f32, f32), t: f32, color: Rgb },
    /// A triangle on the hoist, its tip `depth` of the width into the flag.
    HoistTriangle { depth: f32, color: Rgb },
    /// Any polygon, corners in order.
    Polygon(&'static [(f32, f32)], Rgb),
    /// An ellipse with radii `rx` and `ry` (a disc when equal).
    Ellipse { x: f32, y: f32, rx: f32, ry: f32, color: Rgb },
    /// The ring between radius `r` and radius `r * inner`.
    Ring { x: f32, y: f32, r: f32, inner: f32, color: Rgb },
    /// A disc of radius `r` minus a disc of radius `r * cut` moved by (dx, dy) × r.
    Crescent { x: f32, y: f32, r: f32, dx: f32, dy: f32, cut: f32, color: Rgb },
    /// A star with `points` tips on radius `r` and notches at `r * inner`, turned clockwise.
    Star { x: f32, y: f32, r: f32, points: u8, inner: f32, turn: f32, color: Rgb },
    /// `count` five-pointed stars evenly on an arc of radius `radius` around (x, y), from angle
    /// `from` to angle `to` (degrees clockwise from straight up; a full circle if they are equal).
    StarArc { x: f32, y: f32, radius: f32, from: f32, to: f32, count: u8, r: f32, color: Rgb },
    /// Five-pointed stars on the cells of a grid where row + column is even (the US pattern).
    StarGrid { rows: u8, columns: u8, r: f32, color: Rgb },
    /// The cells of a grid where row + column is even: a chequerboard.
    Checker { rows: u8, columns: u8, color: Rgb },
    /// Rays from (x, y) to beyond the edges, each `spread` degrees wide, the first straight up.
    Rays { x: f32, y: f32, count: u8, spread: f32, color: Rgb },
    /// A wheel: a rim, a hub and spokes (India's Ashoka Chakra).
    Wheel { x: f32, y: f32, r: f32, spokes: u8, color: Rgb },
    /// Paints `parts` inside the rectangle from (x0, y0) to (x1, y1), which becomes their area.
    Inset { x0: f32, y0: f32, x1: f32, y1: f32, parts: &'static [Part] },
    /// Paints `parts` over the whole area, but only inside the disc at (x, y) of radius `r`.
    InDisc { x: f32, y: f32, r: f32, parts: &'static [Part] },
}

/// How to draw one country's flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Design {
    /// ISO code, upper case.
    pub cc: &'static str,
    /// Height and width, in the flag's official proportions (2:3 is `(2, 3)`).
    pub ratio: (u16, u16),
    /// The layers, first painted first.
    pub parts: &'static [Part],
}

/// Every flag is drawn this wide; heights follow the flag's ratio.
pub const WIDTH: u16 = 160;

/// Draws `design` onto a new canvas [`WIDTH`] pixels wide.
pub fn render(design: &Design) -> Canvas {
    let (ratio_h, ratio_w) = design.ratio;
    let height = (u32::from(WIDTH) * u32::from(ratio_h) + u32::from(ratio_w) / 2)
        / u32::from(ratio_w.max(1));
    let height = u16::try_from(height.clamp(1, 4 * u32::from(WIDTH))).unwrap_or(WIDTH);
    // Paint on white: designs with a non-rectangular flag (Nepal) leave the rest white.
    let mut canvas = Canvas::new(WIDTH, height, [255, 255, 255]);
    let area = Area {
        x: 0.0,
        y: 0.0,
        w: f32::from(WIDTH),
        h: f32::from(height),
    };
    paint(&mut canvas, area, design.parts);
    canvas
}

/// The pixel rectangle that the fractions of a list of parts refer to.
#[derive(Debug, Clone, Copy)]
struct Area {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Area {
    /// A point given as fractions of this area, in pixels.
    fn at(&self, (fx, fy): (f32, f32)) -> (f32, f32) {
        (self.x + fx * self.w, self.y + fy * self.h)
    }

    /// A length given as a fraction of this area's height, in pixels.
    fn len(&self, fraction: f32) -> f32 {
        fraction * self.h
    }

    fn rect(&self, canvas: &mut Canvas, (x0, y0): (f32, f32), (x1, y1): (f32, f32), color: Rgb) {
        let (px0, py0) = self.at((x0, y0));
        let (px1, py1) = self.at((x1, y1));
        canvas.fill_rect(px0, py0, px1, py1, color);
    }
}

fn paint(canvas: &mut Canvas, area: Area, parts: &[Part]) {
    for part in parts {
        paint_part(canvas, area, part);
    }
}

/// Which way a run of stripes goes: top to bottom, or hoist to fly.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    Down,
    Across,
}

/// Paints stripes in order, each taking its weight's share of the area.
fn paint_stripes(
    canvas: &mut Canvas,
    area: Area,
    stripes: impl Iterator<Item = (f32, Rgb)> + Clone,
    direction: Direction,
) {
    let total: f32 = stripes.clone().map(|(weight, _)| weight).sum();
    let mut start = 0.0;
    for (weight, color) in stripes {
        let (from, to) = (start / total, (start + weight) / total);
        match direction {
            Direction::Down => area.rect(canvas, (0.0, from), (1.0, to), color),
            Direction::Across => area.rect(canvas, (from, 0.0), (to, 1.0), color),
        }
        start += weight;
    }
}

fn paint_part(canvas: &mut Canvas, area: Area, part: &Part) {
    match *part {
        Part::HBands(bands) => paint_stripes(canvas, area, bands.iter().copied(), Direction::Down),
        Part::VBands(bands) => {
            paint_stripes(canvas, area, bands.iter().copied(), Direction::Across)
        }
        Part::HStripes(colors) => {
            paint_stripes(
                canvas,
                area,
                colors.iter().map(|&color| (1.0, color)),
                Direction::Down,
            );
        }
        Part::VStripes(colors) => {
            paint_stripes(
                canvas,
                area,
                colors.iter().map(|&color| (1.0, color)),
                Direction::Across,
            );
        }
        Part::Rect {
            x0,
            y0,
            x1,
            y1,
            color,
        } => area.rect(canvas, (x0, y0), (x1, y1), color),
        Part::Cross { x, y, t, color } => {
            let (cx, cy) = area.at((x, y));
            let half = area.len(t) / 2.0;
            canvas.fill_rect(cx - half, area.y, cx + half, area.y + area.h, color);
            canvas.fill_rect(area.x, cy - half, area.x + area.w, cy + half, color);
        }
        Part::Saltire { t, color } => {
            let t = area.len(t);
            canvas.fill_band(area.at((0.0, 0.0)), area.at((1.0, 1.0)), t, color);
            canvas.fill_band(area.at((0.0, 1.0)), area.at((1.0, 0.0)), t, color);
        }
        Part::Band { from, to, t, color } => {
            canvas.fill_band(area.at(from), area.at(to), area.len(t), color);
        }
        Part::HoistTriangle { depth, color } => {
            let corners = [
                area.at((0.0, 0.0)),
                area.at((depth, 0.5)),
                area.at((0.0, 1.0)),
            ];
            canvas.fill_polygon(&corners, color);
        }
        Part::Polygon(corners, color) => {
            let corners: Vec<(f32, f32)> = corners.iter().map(|&corner| area.at(corner)).collect();
            canvas.fill_polygon(&corners, color);
        }
        Part::Ellipse {
            x,
            y,
            rx,
            ry,
            color,
        } => {
            let (cx, cy) = area.at((x, y));
            canvas.fill_ellipse(cx, cy, area.len(rx), area.len(ry), color);
        }
        Part::Ring {
            x,
            y,
            r,
            inner,
            color,
        } => {
            let (cx, cy) = area.at((x, y));
            canvas.fill_ring(cx, cy, area.len(r), area.len(r * inner), color);
        }
        Part::Crescent {
            x,
            y,
            r,
            dx,
            dy,
            cut,
            color,
        } => {
            let (cx, cy) = area.at((x, y));
            let r = area.len(r);
            canvas.fill_crescent(cx, cy, r, [cx + dx * r, cy + dy * r, cut * r], color);
        }
        Part::Star {
            x,
            y,
            r,
            points,
            inner,
            turn,
            color,
        } => {
            canvas.fill_star(area.at((x, y)), area.len(r), points, inner, turn, color);
        }
        Part::StarArc {
            x,
            y,
            radius,
            from,
            to,
            count,
            r,
            color,
        } => {
            let (cx, cy) = area.at((x, y));
            let radius = area.len(radius);
            // A full circle must not put the last star on top of the first.
            let steps = if from == to {
                f32::from(count)
            } else {
                f32::from(count.max(2) - 1)
            };
            let sweep = if from == to { 360.0 } else { to - from };
            for i in 0..count {
                let angle = (from + sweep * f32::from(i) / steps).to_radians();
                let center = (cx + radius * angle.sin(), cy - radius * angle.cos());
                canvas.fill_star(center, area.len(r), 5, FIVE_POINT_INNER, 0.0, color);
            }
        }
        Part::StarGrid {
            rows,
            columns,
            r,
            color,
        } => {
            for row in 0..rows {
                for column in (0..columns).filter(|column| (row + column) % 2 == 0) {
                    let fx = (f32::from(column) + 0.5) / f32::from(columns);
                    let fy = (f32::from(row) + 0.5) / f32::from(rows);
                    canvas.fill_star(
                        area.at((fx, fy)),
                        area.len(r),
                        5,
                        FIVE_POINT_INNER,
                        0.0,
                        color,
                    );
                }
            }
        }
        Part::Checker {
            rows,
            columns,
            color,
        } => {
            for row in 0..rows {
                for column in (0..columns).filter(|column| (row + column) % 2 == 0) {
                    let (fx, fy) = (
                        f32::from(column) / f32::from(columns),
                        f32::from(row) / f32::from(rows),
                    );
                    let (fw, fh) = (1.0 / f32::from(columns), 1.0 / f32::from(rows));
                    area.rect(canvas, (fx, fy), (fx + fw, fy + fh), color);
                }
            }
        }
        Part::Rays {
            x,
            y,
            count,
            spread,
            color,
        } => {
            let center = area.at((x, y));
            // Long enough to leave any flag: the area's diagonal.
            let reach = area.w.hypot(area.h) * 2.0;
            for i in 0..count {
                let mid = 360.0 * f32::from(i) / f32::from(count.max(1));
                let tip = |degrees: f32| {
                    let angle = degrees.to_radians();
                    (
                        center.0 + reach * angle.sin(),
                        center.1 - reach * angle.cos(),
                    )
                };
                canvas.fill_polygon(
                    &[center, tip(mid - spread / 2.0), tip(mid + spread / 2.0)],
                    color,
                );
            }
        }
        Part::Wheel {
            x,
            y,
            r,
            spokes,
            color,
        } => {
            let (cx, cy) = area.at((x, y));
            let r = area.len(r);
            canvas.fill_ring(cx, cy, r, r * 0.85, color);
            canvas.fill_ellipse(cx, cy, r * 0.2, r * 0.2, color);
            for i in 0..spokes {
                let angle = (360.0 * f32::from(i) / f32::from(spokes.max(1))).to_radians();
                let rim = (cx + r * 0.9 * angle.sin(), cy - r * 0.9 * angle.cos());
                canvas.fill_band((cx, cy), rim, (r * 0.08).max(1.0), color);
            }
        }
        Part::Inset {
            x0,
            y0,
            x1,
            y1,
            parts,
        } => {
            let (px0, py0) = area.at((x0, y0));
            let (px1, py1) = area.at((x1, y1));
            let inset = Area {
                x: px0,
                y: py0,
                w: px1 - px0,
                h: py1 - py0,
            };
            // An inset inside an inset (or inside a disc) stays inside both.
            let outer = canvas.clip();
            let [ox0, oy0, ox1, oy1] = outer.rect;
            let rect = [px0.max(ox0), py0.max(oy0), px1.min(ox1), py1.min(oy1)];
            canvas.set_clip(Clip {
                rect,
                disc: outer.disc,
            });
            paint(canvas, inset, parts);
            canvas.set_clip(outer);
        }
        Part::InDisc { x, y, r, parts } => {
            let (cx, cy) = area.at((x, y));
            let previous = canvas.set_clip(Clip {
                rect: canvas.clip().rect,
                disc: Some([cx, cy, area.len(r)]),
            });
            paint(canvas, area, parts);
            canvas.set_clip(previous);
        }
    }
}

/// The notch radius of a regular five-pointed star, as a share of its tip radius.
pub const FIVE_POINT_INNER: f32 = 0.382;

// The vocabulary as short constructors, so each table row reads like a sentence.

pub(super) const fn rect(x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb) -> Part {
    Part::Rect {
        x0,
        y0,
        x1,
        y1,
        color,
    }
}
/// A cross whose bars meet at `x` across the width and half way down.
pub(super) const fn cross(x: f32, t: f32, color: Rgb) -> Part {
    Part::Cross {
        x,
        y: 0.5,
        t,
        color,
    }
}
pub(super) const fn saltire(t: f32, color: Rgb) -> Part {
    Part::Saltire { t, color }
}
pub(super) const fn band(x0: f32, y0: f32, x1: f32, y1: f32, t: f32, color: Rgb) -> Part {
    Part::Band {
        from: (x0, y0),
        to: (x1, y1),
        t,
        color,
    }
}
pub(super) const fn tri(depth: f32, color: Rgb) -> Part {
    Part::HoistTriangle { depth, color }
}
pub(super) const fn disc(x: f32, y: f32, r: f32, color: Rgb) -> Part {
    Part::Ellipse {
        x,
        y,
        rx: r,
        ry: r,
        color,
    }
}
pub(super) const fn ellipse(x: f32, y: f32, rx: f32, ry: f32, color: Rgb) -> Part {
    Part::Ellipse {
        x,
        y,
        rx,
        ry,
        color,
    }
}
pub(super) const fn ring(x: f32, y: f32, r: f32, inner: f32, color: Rgb) -> Part {
    Part::Ring {
        x,
        y,
        r,
        inner,
        color,
    }
}
/// A crescent opening towards (dx, dy).
pub(super) const fn crescent(
    x: f32,
    y: f32,
    r: f32,
    dx: f32,
    dy: f32,
    cut: f32,
    color: Rgb,
) -> Part {
    Part::Crescent {
        x,
        y,
        r,
        dx,
        dy,
        cut,
        color,
    }
}
/// An upright five-pointed star.
pub(super) const fn star(x: f32, y: f32, r: f32, color: Rgb) -> Part {
    Part::Star {
        x,
        y,
        r,
        points: 5,
        inner: FIVE_POINT_INNER,
        turn: 0.0,
        color,
    }
}
/// A five-pointed star turned clockwise by `turn` degrees.
pub(super) const fn star_turned(x: f32, y: f32, r: f32, turn: f32, color: Rgb) -> Part {
    Part::Star {
        x,
        y,
        r,
        points: 5,
        inner: FIVE_POINT_INNER,
        turn,
        color,
    }
}
/// A star with any number of points: with many points and a high `inner`, a sun.
pub(super) const fn starn(x: f32, y: f32, r: f32, points: u8, inner: f32, color: Rgb) -> Part {
    Part::Star {
        x,
        y,
        r,
        points,
        inner,
        turn: 0.0,
        color,
    }
}
/// A diamond (a four-pointed star whose notches sit on its sides).
pub(super) const fn diamond(x: f32, y: f32, r: f32, color: Rgb) -> Part {
    Part::Star {
        x,
        y,
        r,
        points: 4,
        inner: std::f32::consts::FRAC_1_SQRT_2,
        turn: 0.0,
        color,
    }
}
pub(super) const fn inset(x0: f32, y0: f32, x1: f32, y1: f32, parts: &'static [Part]) -> Part {
    Part::Inset {
        x0,
        y0,
        x1,
        y1,
        parts,
    }
}
/// The whole area in one colour.
pub(super) const fn fill(color: Rgb) -> Part {
    rect(0.0, 0.0, 1.0, 1.0, color)
}
pub(super) const fn d(
    cc: &'static str,
    ratio_h: u16,
    ratio_w: u16,
    parts: &'static [Part],
) -> Design {
    Design {
        cc,
        ratio: (ratio_h, ratio_w),
        parts,
    }
}
pub(super) const fn rgb(hex: u32) -> Rgb {
    [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8]
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Rgb = [255, 255, 255];
    const RED: Rgb = [200, 16, 46];
    const BLUE: Rgb = [0, 36, 125];

    #[test]
    fn inset_parts_stay_inside_the_inset() {
        const BLUE_SQUARE: &[Part] = &[fill(BLUE), cross(0.5, 0.5, RED)];
        const DESIGN: Design = d(
            "XX",
            1,
            2,
            &[fill(WHITE), inset(0.0, 0.0, 0.5, 0.5, BLUE_SQUARE)],
        );
        let canvas = render(&DESIGN);
        // Below and to the right of the inset, the cross's bars must not reach.
        assert_eq!(canvas.color_at(20, 60), Some(WHITE));
        assert_eq!(canvas.color_at(120, 20), Some(WHITE));
        assert_eq!(canvas.color_at(40, 20), Some(RED));
    }

    #[test]
    fn stripes_split_the_flag_by_weight() {
        const DESIGN: Design = d("XX", 1, 2, &[Part::HBands(&[(1.0, RED), (3.0, BLUE)])]);
        let canvas = render(&DESIGN);
        assert_eq!(canvas.color_at(0, 19), Some(RED));
        assert_eq!(canvas.color_at(0, 20), Some(BLUE));
    }
}
