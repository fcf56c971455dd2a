//! A tiny indexed-colour pixel canvas: the few shapes flags are made of, and nothing else.
//!
//! GIF stores one palette index per pixel, so the canvas does too: each fill looks its colour up
//! in (or adds it to) a palette of at most 256 entries. Shapes are tested at pixel centres, with no
//! anti-aliasing: edges stay crisp, the palette stays small and the GIF compresses well. Shapes
//! take pixel coordinates as `f32` (y grows downwards); the design renderer in `designs.rs`
//! converts the designs' fractions to pixels. Run its tests with
//! `cargo test -p flags-server --lib art::canvas`.

/// A colour as red, green and blue bytes.
pub type Rgb = [u8; 3];

/// The most colours one GIF palette can hold.
const MAX_COLORS: usize = 256;

/// The area fills may touch: a rectangle, optionally narrowed to a disc.
///
/// Designs draw insets (a canton, a shield) whose shapes must not spill onto the rest of the
/// flag, and Brazil's band lives only inside its blue disc; the clip makes both a plain fill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clip {
    /// Left, top, right and bottom edges, in pixels.
    pub rect: [f32; 4],
    /// Centre x, centre y and radius, in pixels.
    pub disc: Option<[f32; 3]>,
}

impl Clip {
    fn contains(&self, x: f32, y: f32) -> bool {
        let [x0, y0, x1, y1] = self.rect;
        let in_rect = (x0..x1).contains(&x) && (y0..y1).contains(&y);
        in_rect
            && self
                .disc
                .is_none_or(|[cx, cy, r]| (x - cx).powi(2) + (y - cy).powi(2) < r * r)
    }
}

/// A picture as palette indices, plus the palette.
#[derive(Debug, Clone)]
pub struct Canvas {
    width: u16,
    height: u16,
    pixels: Vec<u8>,
    palette: Vec<Rgb>,
    clip: Clip,
}

impl Canvas {
    /// A `width` × `height` canvas filled with `background` (palette index 0).
    pub fn new(width: u16, height: u16, background: Rgb) -> Self {
        Canvas {
            width,
            height,
            pixels: vec![0; usize::from(width) * usize::from(height)],
            palette: vec![background],
            clip: Clip {
                rect: [0.0, 0.0, f32::from(width), f32::from(height)],
                disc: None,
            },
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u16 {
        self.height
    }

    /// One palette index per pixel, row by row from the top left.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The colours the pixels index, in order of first use (the background first).
    pub fn palette(&self) -> &[Rgb] {
        &self.palette
    }

    /// The colour of one pixel, or `None` outside the canvas.
    pub fn color_at(&self, x: u16, y: u16) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let index = self.pixels[usize::from(y) * usize::from(self.width) + usize::from(x)];
        self.palette.get(usize::from(index)).copied()
    }

    /// The area fills may touch now.
    pub fn clip(&self) -> Clip {
        self.clip
    }

    /// Restricts later fills to `clip` and returns the clip it replaces, so callers can restore it.
    pub fn set_clip(&mut self, clip: Clip) -> Clip {
        std::mem::replace(&mut self.clip, clip)
    }

    /// Fills the axis-aligned rectangle from `(x0, y0)` to `(x1, y1)`.
    pub fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Rgb) {
        self.fill_where([x0, y0, x1, y1], color, |_, _| true);
    }

    /// Fills an ellipse with radii `rx` and `ry` (a disc when they are equal).
    pub fn fill_ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, color: Rgb) {
        let bounds = [cx - rx, cy - ry, cx + rx, cy + ry];
        self.fill_where(bounds, color, |x, y| {
            ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) < 1.0
        });
    }

    /// Fills the ring between radius `inner` and radius `outer`.
    pub fn fill_ring(&mut self, cx: f32, cy: f32, outer: f32, inner: f32, color: Rgb) {
        let bounds = [cx - outer, cy - outer, cx + outer, cy + outer];
        self.fill_where(bounds, color, |x, y| {
            let d2 = (x - cx).powi(2) + (y - cy).powi(2);
            d2 < outer * outer && d2 >= inner * inner
        });
    }

    /// Fills the disc at `(cx, cy)` minus the disc `cut` (centre x, centre y, radius): a crescent.
    pub fn fill_crescent(&mut self, cx: f32, cy: f32, r: f32, cut: [f32; 3], color: Rgb) {
        let [kx, ky, kr] = cut;
        let bounds = [cx - r, cy - r, cx + r, cy + r];
        self.fill_where(bounds, color, |x, y| {
            let in_disc = (x - cx).powi(2) + (y - cy).powi(2) < r * r;
            in_disc && (x - kx).powi(2) + (y - ky).powi(2) >= kr * kr
        });
    }

    /// Fills a star with `points` tips on radius `r` and notches on radius `r * inner`.
    ///
    /// The first tip points up, turned clockwise by `turn_degrees`. Many points with a high
    /// `inner` make a sun; four points with `inner` = cos 45° make a diamond.
    pub fn fill_star(
        &mut self,
        center: (f32, f32),
        r: f32,
        points: u8,
        inner: f32,
        turn_degrees: f32,
        color: Rgb,
    ) {
        let (cx, cy) = center;
        let corners = 2 * usize::from(points.max(2));
        let vertices: Vec<(f32, f32)> = (0..corners)
            .map(|k| {
                let angle = (turn_degrees + 360.0 * k as f32 / corners as f32).to_radians();
                let radius = if k % 2 == 0 { r } else { r * inner };
                (cx + radius * angle.sin(), cy - radius * angle.cos())
            })
            .collect();
        self.fill_polygon(&vertices, color);
    }

    /// Fills a straight band of the given thickness from `from` to `to`, its ends squared off
    /// half a thickness beyond both points (so a band from corner to corner covers the corners).
    pub fn fill_band(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32, color: Rgb) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let length = dx.hypot(dy);
        if length == 0.0 {
            return;
        }
        let half = thickness / 2.0;
        // Unit vectors along the band (ux, uy) and across it (-uy, ux), scaled by half the thickness.
        let (ux, uy) = (dx / length * half, dy / length * half);
        let corners = [
            (from.0 - ux - uy, from.1 - uy + ux),
            (to.0 + ux - uy, to.1 + uy + ux),
            (to.0 + ux + uy, to.1 + uy - ux),
            (from.0 - ux + uy, from.1 - uy - ux),
        ];
        self.fill_polygon(&corners, color);
    }

    /// Fills a simple polygon (even-odd rule) given by its corners in order.
    pub fn fill_polygon(&mut self, corners: &[(f32, f32)], color: Rgb) {
        if corners.len() < 3 {
            return;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in corners {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        self.fill_where([x0, y0, x1, y1], color, |x, y| {
            // Count the edges a ray going right from (x, y) crosses: odd means inside.
            let mut inside = false;
            let mut previous = corners[corners.len() - 1];
            for &current in corners {
                let ((ax, ay), (bx, by)) = (previous, current);
                if (ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay) {
                    inside = !inside;
                }
                previous = current;
            }
            inside
        });
    }

    /// Paints `color` on every pixel in `bounds` (left, top, right, bottom) whose centre is
    /// inside the clip and satisfies `inside`.
    fn fill_where(&mut self, bounds: [f32; 4], color: Rgb, inside: impl Fn(f32, f32) -> bool) {
        let index = self.palette_index(color);
        let [cx0, cy0, cx1, cy1] = self.clip.rect;
        let [x0, y0, x1, y1] = bounds;
        // Only the pixels in both the bounds and the clip can change; the float-to-int `as`
        // casts saturate, so huge or negative bounds are safe.
        let first_column = x0.max(cx0).floor().max(0.0) as usize;
        let last_column = (x1.min(cx1).ceil() as usize).min(usize::from(self.width));
        let first_row = y0.max(cy0).floor().max(0.0) as usize;
        let last_row = (y1.min(cy1).ceil() as usize).min(usize::from(self.height));
        let width = usize::from(self.width);
        for row in first_row..last_row {
            let y = row as f32 + 0.5;
            for column in first_column..last_column {
                let x = column as f32 + 0.5;
                if self.clip.contains(x, y) && inside(x, y) {
                    self.pixels[row * width + column] = index;
                }
            }
        }
    }

    /// The palette index of `color`, adding it if there is room.
    ///
    /// A full palette falls back to the nearest colour already in it, so drawing never fails;
    /// our designs use a dozen colours at most, far from the limit of 256.
    fn palette_index(&mut self, color: Rgb) -> u8 {
        let position = self.palette.iter().position(|&known| known == color);
        let position = match position {
            Some(position) => position,
            None if self.palette.len() < MAX_COLORS => {
                self.palette.push(color);
                self.palette.len() - 1
            }
            None => nearest(&self.palette, color),
        };
        u8::try_from(position).unwrap_or(u8::MAX)
    }
}

/// The index of the palette colour closest to `color` (squared distance in RGB).
fn nearest(palette: &[Rgb], color: Rgb) -> usize {
    let distance = |known: &Rgb| -> u32 {
        known
            .iter()
            .zip(color)
            .map(|(&a, b)| u32::from(a.abs_diff(b)).pow(2))
            .sum()
    };
    palette
        .iter()
        .enumerate()
        .min_by_key(|(_, known)| distance(known))
        .map_or(0, |(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Rgb = [255, 255, 255];
    const RED: Rgb = [255, 0, 0];

    #[test]
    fn new_canvas_is_all_background_with_one_palette_entry() {
        let canvas = Canvas::new(4, 3, WHITE);
        assert_eq!(canvas.pixels(), &[0; 12]);
        assert_eq!(canvas.palette(), &[WHITE]);
        assert_eq!(canvas.color_at(3, 2), Some(WHITE));
        assert_eq!(canvas.color_at(4, 0), None);
    }

    #[test]
    fn rect_covers_pixels_whose_centres_are_inside() {
        let mut canvas = Canvas::new(4, 4, WHITE);
        canvas.fill_rect(1.0, 1.0, 3.0, 2.0, RED);
        let red: Vec<(u16, u16)> = (0..4)
            .flat_map(|y| (0..4).map(move |x| (x, y)))
            .filter(|&(x, y)| canvas.color_at(x, y) == Some(RED))
            .collect();
        assert_eq!(red, [(1, 1), (2, 1)]);
        assert_eq!(canvas.palette(), &[WHITE, RED]);
    }

    #[test]
    fn same_colour_reuses_its_palette_entry() {
        let mut canvas = Canvas::new(8, 8, WHITE);
        canvas.fill_rect(0.0, 0.0, 2.0, 2.0, RED);
        canvas.fill_ellipse(5.0, 5.0, 2.0, 2.0, RED);
        assert_eq!(canvas.palette().len(), 2);
    }

    #[test]
    fn shapes_outside_the_canvas_are_ignored_without_panicking() {
        let mut canvas = Canvas::new(8, 8, WHITE);
        canvas.fill_rect(-100.0, -100.0, -50.0, 1e9, RED);
        canvas.fill_ellipse(1e30, -1e30, 5.0, 5.0, RED);
        canvas.fill_band((f32::MIN, 0.0), (f32::MAX, 0.0), 3.0, RED);
        canvas.fill_polygon(&[(0.0, 0.0), (1.0, 1.0)], RED);
        assert!(canvas.pixels().iter().all(|&index| index == 0));
    }

    #[test]
    fn star_fills_its_centre_but_not_between_its_points() {
        let mut canvas = Canvas::new(41, 41, WHITE);
        canvas.fill_star((20.5, 20.5), 20.0, 5, 0.382, 0.0, RED);
        assert_eq!(canvas.color_at(20, 20), Some(RED));
        assert_eq!(canvas.color_at(20, 2), Some(RED), "the top point");
        assert_eq!(
            canvas.color_at(20, 39),
            Some(WHITE),
            "the notch at the bottom"
        );
    }

    #[test]
    fn crescent_leaves_the_cut_disc_empty() {
        let mut canvas = Canvas::new(40, 40, WHITE);
        canvas.fill_crescent(20.0, 20.0, 15.0, [26.0, 20.0, 12.0], RED);
        assert_eq!(canvas.color_at(7, 20), Some(RED));
        assert_eq!(canvas.color_at(26, 20), Some(WHITE));
    }

    #[test]
    fn clip_keeps_fills_inside_it() {
        let mut canvas = Canvas::new(10, 10, WHITE);
        let full = canvas.set_clip(Clip {
            rect: [0.0, 0.0, 5.0, 5.0],
            disc: None,
        });
        canvas.fill_rect(0.0, 0.0, 10.0, 10.0, RED);
        assert_eq!(canvas.color_at(4, 4), Some(RED));
        assert_eq!(canvas.color_at(5, 5), Some(WHITE));
        canvas.set_clip(full);
        canvas.fill_rect(0.0, 0.0, 10.0, 10.0, RED);
        assert_eq!(canvas.color_at(9, 9), Some(RED));
    }

    #[test]
    fn full_palette_falls_back_to_the_nearest_colour() {
        let mut canvas = Canvas::new(16, 16, [0, 0, 0]);
        for grey in 1..=255u8 {
            let (x, y) = (f32::from(grey % 16), f32::from(grey / 16));
            canvas.fill_rect(x, y, x + 1.0, y + 1.0, [grey; 3]);
        }
        assert_eq!(canvas.palette().len(), 256);
        canvas.fill_rect(0.0, 0.0, 1.0, 1.0, [250, 0, 0]);
        assert_eq!(canvas.palette().len(), 256);
        assert_eq!(canvas.color_at(0, 0), Some([83, 83, 83]));
    }
}
