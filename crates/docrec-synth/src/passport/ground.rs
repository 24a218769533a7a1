//! A data page's ground and photo: a pale tint under a guilloche of fine
//! lines (waves, rosettes or a wavy mesh) in two inks, faded where the
//! machine-readable zone is printed, and the holder's photo, a drawn
//! head-and-shoulders silhouette (no image files).
//!
//! Takes: the page's size, a [`Pattern`], where the MRZ's clear zone
//! starts and a random generator. Gives: the page as an [`RgbImage`] and
//! the photo as a small [`RgbImage`] to place (and, faded, to repeat as a
//! ghost image).

use std::f32::consts::PI;

use image::{Rgb, RgbImage};
use rand::Rng;

use crate::draw::{blend_px, fill_ellipse, fill_linear_gradient, fill_polygon, rgb, Rgbf};

/// The guilloche under a page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Bundles of interlaced sine waves across the page.
    Waves,
    /// Two or three rosettes (polar waves) and a few waves.
    Rosette,
    /// Wavy diagonal lines crossing each other.
    Mesh,
}

/// A coverage mask the size of the page that strokes are drawn into (the
/// most coverage wins, so crossings do not darken).
struct Strokes {
    w: usize,
    h: usize,
    cover: Vec<f32>,
}

impl Strokes {
    fn new(w: u32, h: u32) -> Strokes {
        Strokes {
            w: w as usize,
            h: h as usize,
            cover: vec![0.0; w as usize * h as usize],
        }
    }

    /// Strokes the polyline `points` `width` pixels wide, anti-aliased.
    fn polyline(&mut self, points: &[(f32, f32)], width: f32) {
        let half = width / 2.0;
        for pair in points.windows(2) {
            let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = (dx * dx + dy * dy).max(1e-6);
            let x0 = (ax.min(bx) - half - 1.0).floor().max(0.0) as usize;
            let y0 = (ay.min(by) - half - 1.0).floor().max(0.0) as usize;
            let x1 = ((ax.max(bx) + half + 1.0).ceil() as usize).min(self.w);
            let y1 = ((ay.max(by) + half + 1.0).ceil() as usize).min(self.h);
            for y in y0..y1 {
                for x in x0..x1 {
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    let t = (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0);
                    let d = (px - ax - t * dx).hypot(py - ay - t * dy);
                    let cov = (half + 0.5 - d).clamp(0.0, 1.0);
                    let cell = &mut self.cover[y * self.w + x];
                    *cell = cell.max(cov);
                }
            }
        }
    }

    /// Blends the strokes into `page` in `color` at `opacity`, times
    /// `fade(y)`.
    fn paint(&self, page: &mut RgbImage, color: Rgbf, opacity: f32, fade: impl Fn(f32) -> f32) {
        for y in 0..self.h {
            let a = opacity * fade(y as f32);
            if a <= 0.0 {
                continue;
            }
            for x in 0..self.w {
                let cov = self.cover[y * self.w + x];
                if cov > 0.0 {
                    blend_px(page, x as i32, y as i32, color, cov * a);
                }
            }
        }
    }
}

/// Points of `y = y0 + a1 sin(2πx/l1 + p1) + a2 sin(2πx/l2 + p2)` across
/// `width`, every 3 pixels.
fn wave(
    width: f32,
    y0: f32,
    (a1, l1, p1): (f32, f32, f32),
    (a2, l2, p2): (f32, f32, f32),
) -> Vec<(f32, f32)> {
    let steps = (width / 3.0) as usize + 2;
    (0..steps)
        .map(|i| {
            let x = i as f32 * 3.0 - 3.0;
            let y = y0 + a1 * (2.0 * PI * x / l1 + p1).sin() + a2 * (2.0 * PI * x / l2 + p2).sin();
            (x, y)
        })
        .collect()
}

/// The closed polar wave `r = r0 + a sin(nθ + phase)` around `center`.
fn rosette_ring(center: (f32, f32), r0: f32, a: f32, n: f32, phase: f32) -> Vec<(f32, f32)> {
    let steps = ((2.0 * PI * (r0 + a)) / 3.0) as usize + 8;
    (0..=steps)
        .map(|i| {
            let t = 2.0 * PI * i as f32 / steps as f32;
            let r = r0 + a * (n * t + phase).sin();
            (center.0 + r * t.cos(), center.1 + r * t.sin())
        })
        .collect()
}

/// The strokes of `pattern` on a `w`×`h` page, in two inks.
fn guilloche(pattern: Pattern, w: u32, h: u32, rng: &mut impl Rng) -> [Strokes; 2] {
    let (wf, hf) = (w as f32, h as f32);
    let mut inks = [Strokes::new(w, h), Strokes::new(w, h)];
    let stroke = rng.gen_range(1.0..1.8);
    let waves = |inks: &mut [Strokes; 2], spacing: f32, rng: &mut dyn rand::RngCore| {
        let (l1, l2) = (rng.gen_range(300.0..600.0), rng.gen_range(90.0..180.0));
        let (a1, a2) = (rng.gen_range(10.0..30.0), rng.gen_range(4.0..10.0));
        let mut y0 = -40.0;
        let mut k = 0;
        while y0 < hf + 40.0 {
            let phase = k as f32 * 0.35;
            let line = wave(wf, y0, (a1, l1, phase), (a2, l2, -phase * 1.7));
            inks[k % 2].polyline(&line, stroke);
            y0 += spacing;
            k += 1;
        }
    };
    match pattern {
        Pattern::Waves => waves(&mut inks, rng.gen_range(9.0..14.0), rng),
        Pattern::Rosette => {
            waves(&mut inks, rng.gen_range(24.0..36.0), rng);
            for _ in 0..rng.gen_range(2..=3) {
                let center = (rng.gen_range(0.2..0.9) * wf, rng.gen_range(0.15..0.7) * hf);
                let (n, a) = (rng.gen_range(12..24) as f32, rng.gen_range(8.0..18.0));
                for k in 0..14 {
                    let ring = rosette_ring(center, 60.0 + 14.0 * k as f32, a, n, k as f32 * 0.4);
                    inks[k % 2].polyline(&ring, stroke);
                }
            }
        }
        Pattern::Mesh => {
            let spacing = rng.gen_range(16.0..26.0);
            for (i, slope) in [0.45f32, -0.45].into_iter().enumerate() {
                // Intercepts that cover the page for this slope.
                let (mut c, last) = if slope > 0.0 {
                    (-wf * slope - 40.0, hf + 40.0)
                } else {
                    (-40.0, hf - wf * slope + 40.0)
                };
                while c < last {
                    let line: Vec<(f32, f32)> = (0..=(wf / 4.0) as usize + 1)
                        .map(|j| {
                            let x = j as f32 * 4.0;
                            (x, c + slope * x + 6.0 * (x / 70.0 + c / 50.0).sin())
                        })
                        .collect();
                    inks[i].polyline(&line, stroke);
                    c += spacing;
                }
            }
        }
    }
    inks
}

/// A pale tint for a page and two guilloche inks that go with it.
fn palette(rng: &mut impl Rng) -> (Rgbf, Rgbf, [Rgbf; 2]) {
    let tints: [(Rgbf, [Rgbf; 2]); 4] = [
        // Pink and violet, green and blue, beige and brown, blue and teal.
        (rgb(246, 236, 240), [rgb(200, 120, 160), rgb(140, 120, 200)]),
        (rgb(236, 244, 236), [rgb(110, 170, 130), rgb(100, 140, 200)]),
        (rgb(246, 240, 226), [rgb(190, 150, 100), rgb(160, 120, 120)]),
        (rgb(234, 240, 248), [rgb(100, 140, 210), rgb(80, 170, 170)]),
    ];
    let (tint, inks) = tints[rng.gen_range(0..tints.len())];
    let jitter = |c: Rgbf, rng: &mut dyn rand::RngCore| {
        c.map(|v| (v + rng.gen_range(-6.0..6.0f32)).clamp(0.0, 255.0))
    };
    let top = jitter(tint, rng);
    let bottom = jitter(tint, rng);
    (top, bottom, inks)
}

/// The page: a tint, the `pattern`'s guilloche faded to a third (or, with
/// `band`, to nothing on a white band) below `mrz_top`.
pub fn page(
    w: u32,
    h: u32,
    pattern: Pattern,
    mrz_top: f32,
    band: bool,
    rng: &mut impl Rng,
) -> RgbImage {
    let (top, bottom, inks) = palette(rng);
    let mut page = RgbImage::new(w, h);
    fill_linear_gradient(&mut page, top, bottom, rng.gen_range(0.0..PI));
    if band {
        for y in mrz_top.max(0.0) as u32..h {
            for x in 0..w {
                page.put_pixel(x, y, Rgb([250, 250, 248]));
            }
        }
    }
    let strength = rng.gen_range(0.25..0.45);
    let fade = |y: f32| match (y < mrz_top, band) {
        (true, _) => 1.0,
        (false, true) => 0.0,
        (false, false) => 0.3,
    };
    for (strokes, ink) in guilloche(pattern, w, h, rng).iter().zip(inks) {
        strokes.paint(&mut page, ink, strength, fade);
    }
    page
}

/// A colour drawn from the ranges `r`, `g`, `b`, made grey with `grey`.
fn colour(rng: &mut impl Rng, [r, g, b]: [(u8, u8); 3], grey: bool) -> Rgbf {
    let c = rgb(
        rng.gen_range(r.0..r.1),
        rng.gen_range(g.0..g.1),
        rng.gen_range(b.0..b.1),
    );
    if grey {
        [crate::draw::luma(c); 3]
    } else {
        c
    }
}

/// A passport photo `w`×`h`: a plain light ground, a head and shoulders,
/// in grey (laser-engraved pages) or muted colour.
pub fn photo(w: u32, h: u32, rng: &mut impl Rng) -> RgbImage {
    let mut photo = RgbImage::new(w, h);
    let grey = rng.gen_bool(0.5);
    let light = rng.gen_range(205..240u8);
    let top = colour(
        rng,
        [
            (light, light + 1),
            (light + 5, light + 6),
            (light + 12, light + 13),
        ],
        grey,
    );
    let bottom = colour(
        rng,
        [
            (light - 15, light - 14),
            (light - 10, light - 9),
            (light - 5, light - 4),
        ],
        grey,
    );
    fill_linear_gradient(&mut photo, top, bottom, PI / 2.0);
    let (wf, hf) = (w as f32, h as f32);
    let cx = wf / 2.0 + rng.gen_range(-0.04..0.04) * wf;
    let head = (
        0.2 * wf * rng.gen_range(0.9..1.1),
        0.19 * hf * rng.gen_range(0.9..1.1),
    );
    let head_y = 0.4 * hf;
    let skin = colour(rng, [(170, 215), (140, 180), (120, 160)], grey);
    let hair = colour(rng, [(20, 70), (15, 55), (10, 45)], grey);
    let cloth = colour(rng, [(20, 90), (20, 90), (30, 110)], grey);
    // Hair behind the head, shoulders, neck, face, the hair's top.
    let mut ellipse =
        |center, radii, color| fill_ellipse(&mut photo, center, radii, 0.0, 1.0, color);
    ellipse(
        (cx, head_y - 0.02 * hf),
        (head.0 * 1.12, head.1 * 1.1),
        hair,
    );
    ellipse((cx, hf * 1.02), (0.46 * wf, 0.25 * hf), cloth);
    let neck = [
        (cx - 0.08 * wf, head_y + 0.12 * hf),
        (cx + 0.08 * wf, head_y + 0.12 * hf),
        (cx + 0.1 * wf, hf * 0.8),
        (cx - 0.1 * wf, hf * 0.8),
    ];
    fill_polygon(&mut photo, &neck, 1.0, skin);
    let mut ellipse =
        |center, radii, color| fill_ellipse(&mut photo, center, radii, 0.0, 1.0, color);
    ellipse((cx, head_y + 0.02 * hf), head, skin);
    ellipse(
        (cx, head_y - head.1 * 0.72),
        (head.0 * 1.02, head.1 * 0.42),
        hair,
    );
    photo
}

/// Draws `photo` on `page` with its top-left corner at `at`, at `opacity`.
pub fn place(page: &mut RgbImage, photo: &RgbImage, at: (f32, f32), opacity: f32) {
    let (x0, y0) = (at.0.round() as i32, at.1.round() as i32);
    for (x, y, p) in photo.enumerate_pixels() {
        let c = p.0.map(f32::from);
        blend_px(page, x0 + x as i32, y0 + y as i32, c, opacity);
    }
}

/// The page facing the data page in an open booklet, `w`×`h`: a tint, a
/// light guilloche, a few ruled lines and the ring of an entry stamp.
pub fn facing_page(w: u32, h: u32, rng: &mut impl Rng) -> RgbImage {
    let mut facing = page(w, h, Pattern::Waves, h as f32, false, rng);
    let (wf, hf) = (w as f32, h as f32);
    let rule = rgb(150, 150, 160);
    for k in 1..6 {
        let y = hf * (0.2 + 0.13 * k as f32) + rng.gen_range(-4.0..4.0);
        let line = [(wf * 0.06, y), (wf * 0.94, y)];
        let mut strokes = Strokes::new(w, h);
        strokes.polyline(&line, 1.5);
        strokes.paint(&mut facing, rule, 0.5, |_| 1.0);
    }
    if rng.gen_bool(0.7) {
        let center = (rng.gen_range(0.25..0.75) * wf, rng.gen_range(0.3..0.7) * hf);
        let ink = [rgb(60, 80, 160), rgb(170, 60, 70), rgb(60, 120, 80)][rng.gen_range(0..3)];
        let r = rng.gen_range(0.1..0.16) * hf;
        crate::draw::stroke_arc(&mut facing, center, r, 6.0, (-PI, PI), 0.6, ink);
        crate::draw::stroke_arc(&mut facing, center, r * 0.78, 3.0, (-PI, PI), 0.6, ink);
    }
    facing
}
