//! Drawing the front of a credit card, upright and undegraded.
//!
//! Takes: a seeded random generator and a [`FaceGroup`].
//! Gives: a [`RenderedCard`]: an RGBA image of about 1000×630 px (ISO ID-1
//! aspect 85.60×53.98 mm; alpha is zero outside the rounded corners), the
//! number, expiry, style, font and [`CardTemplate`] it shows, and the boxes
//! (card pixels) of each printed number group and of the expiry date.
//!
//! What the card says (number, expiry, cardholder) is drawn first from the
//! generator, so it depends on the seed only; the faces come from the
//! group's [`Role::CardNumber`], [`Role::CardText`] and [`Role::Title`]
//! faces, and the layout from one of the group's templates
//! ([`CardTemplate::of_group`]: each group has its own, none shared).
//!
//! Layout, in fractions of the card width W and height H (all jittered):
//! the template sets the number row's vertical centre, the digit height and
//! how the row is placed (left at the chip, centred, right-aligned, or its
//! groups spread across the whole width with wide gaps), and whether the card
//! is minimal (number and expiry only, on a plain or gradient ground). The
//! chip is above the number row; the expiry (`MM/YY`, 0.045-0.055 H tall)
//! below it, after a "VALID THRU", "유효기간" or "MONTH/YEAR" label or none;
//! the cardholder name in capitals below; the bank name at the top; the
//! brand mark at the bottom-right or top-right corner. The digits are
//! embossed, printed flat or laser-engraved, light on dark or dark on light.
//! No CVV is ever drawn.

// Pixel code indexes colour channels of several arrays in step.
#![allow(clippy::needless_range_loop)]

use std::f32::consts::PI;

use ab_glyph::{FontArc, PxScale};
use image::{Rgb, RgbImage, RgbaImage};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore};

use crate::card_number::{random_expiry, specimen_expiry, CardNumber};
use crate::draw::{
    fill_ellipse, fill_linear_gradient, fill_polygon, fill_rounded_rect, layout_line, luma, mix,
    rgb, rounded_rect_coverage, stroke_arc, union_box, BoxF, Mask, Placed, Rgbf,
};
use crate::fonts::{self, Face, FaceGroup, Role};
use crate::specimen::{self, CardSpecimen};
use crate::SynthError;
use docrec_rules::payment_card::Brand;

/// Card aspect ratio (85.60 / 53.98).
pub const CARD_ASPECT: f32 = 85.60 / 53.98;

/// How the digits are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Raised digits (Farrington-like), lit from one side.
    Embossed,
    /// Printed flat.
    Flat,
    /// Engraved by a laser into the card's surface: thin, the colour of a
    /// shadowed cut with a lit edge.
    Laser,
}

impl Style {
    pub fn name(self) -> &'static str {
        match self {
            Style::Embossed => "embossed",
            Style::Flat => "flat",
            Style::Laser => "laser",
        }
    }
}

/// Where the number row goes across the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowPlacement {
    /// Left-aligned with the chip's left edge.
    AtChip,
    /// Centred on the card.
    Centered,
    /// Ending near the right edge.
    RightAligned,
    /// The groups spread over the whole width, the gaps wide.
    Spread,
}

/// A layout variant of the card front; each belongs to one [`FaceGroup`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardTemplate {
    /// Its name in truth records.
    pub name: &'static str,
    /// Range of the number row's vertical centre, fraction of H.
    row_center: (f32, f32),
    /// Range of the digit height, fraction of H.
    digit_height: (f32, f32),
    placement: RowPlacement,
    /// Number and expiry only: no pattern, name, bank or product, the chip
    /// and brand mark only sometimes.
    minimal: bool,
}

const fn template(
    name: &'static str,
    row_center: (f32, f32),
    digit_height: (f32, f32),
    placement: RowPlacement,
    minimal: bool,
) -> CardTemplate {
    CardTemplate {
        name,
        row_center,
        digit_height,
        placement,
        minimal,
    }
}

// Every group has a row at the chip, a spread row, a centred row and a
// minimal card, with other heights and sizes; right-aligned rows are held
// out.
#[rustfmt::skip]
const DEVELOPMENT_TEMPLATES: [CardTemplate; 5] = [
    template("classic", (0.55, 0.62), (0.07, 0.09), RowPlacement::AtChip, false),
    template("spread", (0.55, 0.62), (0.07, 0.09), RowPlacement::Spread, false),
    template("minimal", (0.45, 0.6), (0.07, 0.1), RowPlacement::AtChip, true),
    template("high", (0.42, 0.5), (0.06, 0.075), RowPlacement::AtChip, false),
    template("centered-small", (0.5, 0.58), (0.06, 0.07), RowPlacement::Centered, false),
];
#[rustfmt::skip]
const VALIDATION_TEMPLATES: [CardTemplate; 4] = [
    template("centered", (0.5, 0.6), (0.075, 0.095), RowPlacement::Centered, false),
    template("low-large", (0.62, 0.68), (0.09, 0.105), RowPlacement::AtChip, false),
    template("minimal-spread", (0.45, 0.62), (0.065, 0.085), RowPlacement::Spread, true),
    template("right-high", (0.44, 0.52), (0.065, 0.08), RowPlacement::RightAligned, false),
];
#[rustfmt::skip]
const TEST_TEMPLATES: [CardTemplate; 4] = [
    template("right", (0.5, 0.62), (0.07, 0.09), RowPlacement::RightAligned, false),
    template("minimal-centered", (0.42, 0.58), (0.09, 0.11), RowPlacement::Centered, true),
    template("spread-low", (0.62, 0.68), (0.065, 0.08), RowPlacement::Spread, false),
    template("at-chip-large", (0.56, 0.64), (0.095, 0.11), RowPlacement::AtChip, false),
];

impl CardTemplate {
    /// The templates cards of `group` are drawn with.
    pub fn of_group(group: FaceGroup) -> &'static [CardTemplate] {
        match group {
            FaceGroup::Development => &DEVELOPMENT_TEMPLATES,
            FaceGroup::Validation => &VALIDATION_TEMPLATES,
            FaceGroup::Test => &TEST_TEMPLATES,
        }
    }
}

/// A card drawn upright, before any degradation.
#[derive(Debug, Clone)]
pub struct RenderedCard {
    /// The card; alpha 0 outside its rounded corners.
    pub image: RgbaImage,
    pub number: CardNumber,
    /// `MM/YY`.
    pub valid_thru: String,
    pub style: Style,
    /// Face of the number (and expiry).
    pub face: Face,
    pub template: CardTemplate,
    /// Whether the number fails Luhn or the expiry has no month (a sample
    /// card's, see [`crate::specimen`]).
    pub specimen: bool,
    /// One box per printed group, card pixels `[x0, y0, x1, y1]`.
    pub group_boxes: Vec<BoxF>,
    /// Box of the `MM/YY` date (not its label), card pixels.
    pub valid_thru_box: BoxF,
}

const LATIN_BANKS: [&str; 10] = [
    "HANBIT BANK",
    "SAEBIT CARD",
    "DAON BANK",
    "BOMNAL CARD",
    "GARAM BANK",
    "NURI CARD",
    "SORAE BANK",
    "HAEDAM CARD",
    "MIRINAE BANK",
    "YEOUL CARD",
];

const HANGUL_BANKS: [&str; 10] = [
    "한빛은행",
    "새빛카드",
    "다온은행",
    "봄날카드",
    "가람은행",
    "누리카드",
    "소래은행",
    "해담카드",
    "미리내은행",
    "여울카드",
];

const PRODUCTS: [&str; 10] = [
    "PLATINUM",
    "GOLD",
    "SIGNATURE",
    "CHECK",
    "체크카드",
    "PREMIUM",
    "WORLD",
    "CLASSIC",
    "신용카드",
    "BUSINESS",
];

const SURNAMES: [&str; 12] = [
    "KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "HAN", "SHIN",
];
const GIVEN: [&str; 14] = [
    "MINJUN", "SEOYEON", "JIHO", "YUNA", "HAEUN", "DOYUN", "SUBIN", "JIWOO", "HYUNWOO", "EUNJI",
    "SEJIN", "TAEYANG", "MINSEO", "JAEHYUN",
];

const DARK_BASES: [[u8; 3]; 10] = [
    [20, 30, 70],
    [18, 18, 22],
    [45, 48, 55],
    [10, 60, 45],
    [90, 15, 35],
    [50, 25, 85],
    [0, 70, 80],
    [10, 50, 120],
    [70, 45, 30],
    [150, 20, 30],
];

const LIGHT_BASES: [[u8; 3]; 9] = [
    [245, 245, 245],
    [200, 203, 208],
    [170, 205, 235],
    [240, 195, 205],
    [215, 190, 130],
    [180, 225, 205],
    [225, 225, 228],
    [245, 225, 170],
    [210, 230, 245],
];

fn jitter_color(rng: &mut impl Rng, bases: &[[u8; 3]], amount: f32) -> Rgbf {
    let c = pick(rng, bases);
    let mut out = [0.0; 3];
    for i in 0..3 {
        out[i] = (c[i] as f32 + rng.gen_range(-amount..=amount)).clamp(0.0, 255.0);
    }
    out
}

fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    *items.choose(rng).expect("non-empty")
}

struct Palette {
    a: Rgbf,
    b: Rgbf,
    dark: bool,
    /// Colour of printed text (bank name, labels, flat digits).
    ink: Rgbf,
    accent: Rgbf,
}

fn palette(rng: &mut impl Rng) -> Palette {
    let dark = rng.gen_bool(0.6);
    let (a, b) = if dark {
        let a = jitter_color(rng, &DARK_BASES, 14.0);
        let b = if rng.gen_bool(0.5) {
            jitter_color(rng, &DARK_BASES, 14.0)
        } else {
            mix(a, [0.0; 3], rng.gen_range(0.2..0.6))
        };
        (a, b)
    } else {
        let a = jitter_color(rng, &LIGHT_BASES, 10.0);
        let b = if rng.gen_bool(0.5) {
            jitter_color(rng, &LIGHT_BASES, 10.0)
        } else {
            mix(a, [255.0; 3], rng.gen_range(0.2..0.7))
        };
        (a, b)
    };
    let ink = if dark {
        pick(
            rng,
            &[rgb(245, 245, 245), rgb(230, 230, 232), rgb(225, 200, 140)],
        )
    } else {
        pick(rng, &[rgb(20, 20, 25), rgb(20, 35, 85), rgb(55, 55, 60)])
    };
    let accent = pick(
        rng,
        &[
            rgb(230, 120, 40),
            rgb(40, 150, 220),
            rgb(200, 40, 60),
            rgb(240, 200, 60),
            rgb(120, 200, 160),
            rgb(255, 255, 255),
        ],
    );
    Palette {
        a,
        b,
        dark,
        ink,
        accent,
    }
}

/// Paints the card's ground: flat, a gradient or radial, then (unless
/// `plain`) up to three patterns, then a fine grain.
fn paint_background(img: &mut RgbImage, p: &Palette, plain: bool, rng: &mut impl Rng) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    match rng.gen_range(0..10) {
        0..=2 => {
            for px in img.pixels_mut() {
                *px = Rgb([p.a[0] as u8, p.a[1] as u8, p.a[2] as u8]);
            }
        }
        3..=7 => fill_linear_gradient(img, p.a, p.b, rng.gen_range(0.0..2.0 * PI)),
        _ => {
            // Radial from a corner.
            let (cx, cy) = (
                if rng.gen_bool(0.5) { 0.0 } else { w },
                if rng.gen_bool(0.5) { 0.0 } else { h },
            );
            let r = (w * w + h * h).sqrt();
            for (x, y, px) in img.enumerate_pixels_mut() {
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() / r;
                let c = mix(p.a, p.b, d.clamp(0.0, 1.0));
                *px = Rgb([c[0] as u8, c[1] as u8, c[2] as u8]);
            }
        }
    }

    let overlay = |rng: &mut dyn rand::RngCore, dark: bool| -> Rgbf {
        match rng.gen_range(0..3) {
            0 => [255.0; 3],
            1 => [0.0; 3],
            _ if dark => [255.0; 3],
            _ => [0.0; 3],
        }
    };
    let n_patterns = if plain { 0 } else { rng.gen_range(0..=3) };
    for _ in 0..n_patterns {
        match rng.gen_range(0..5) {
            0 => {
                // Big translucent circles.
                for _ in 0..rng.gen_range(1..=3) {
                    let c = overlay(rng, p.dark);
                    let r = rng.gen_range(0.2..0.8) * h;
                    fill_ellipse(
                        img,
                        (rng.gen_range(0.0..w), rng.gen_range(0.0..h)),
                        (r, r),
                        0.0,
                        rng.gen_range(0.05..0.14),
                        c,
                    );
                }
            }
            1 => {
                // A diagonal band.
                let c = overlay(rng, p.dark);
                let alpha = rng.gen_range(0.05..0.13);
                let angle = rng.gen_range(0.3..1.3) * if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
                let (s, co) = (angle as f32).sin_cos();
                let off = rng.gen_range(-0.5..0.5) * w;
                let width = rng.gen_range(0.05..0.25) * w;
                for (x, y, px) in img.enumerate_pixels_mut() {
                    let d = (x as f32 - w / 2.0) * co + (y as f32 - h / 2.0) * s - off;
                    let cov = (width / 2.0 - d.abs() + 0.5).clamp(0.0, 1.0);
                    if cov > 0.0 {
                        let a = alpha * cov;
                        for k in 0..3 {
                            px.0[k] = (px.0[k] as f32 * (1.0 - a) + c[k] * a) as u8;
                        }
                    }
                }
            }
            2 => {
                // Thin wave lines.
                let c = if p.dark {
                    p.accent
                } else {
                    mix(p.accent, [0.0; 3], 0.3)
                };
                let alpha = rng.gen_range(0.12..0.3);
                let n = rng.gen_range(3..9);
                let freq = rng.gen_range(1.0..3.0) * 2.0 * PI / w;
                let amp = rng.gen_range(0.03..0.12) * h;
                let y_base = rng.gen_range(0.1..0.9) * h;
                let step = rng.gen_range(0.01..0.03) * h;
                let phase = rng.gen_range(0.0..2.0 * PI);
                let t = rng.gen_range(1.0..2.5);
                for (x, y, px) in img.enumerate_pixels_mut() {
                    let yc = y as f32 - y_base - amp * (x as f32 * freq + phase).sin();
                    let k = (yc / step).round();
                    if k < 0.0 || k >= n as f32 {
                        continue;
                    }
                    let d = (yc - k * step).abs();
                    let cov = (t / 2.0 - d + 0.5).clamp(0.0, 1.0);
                    if cov > 0.0 {
                        let a = alpha * cov;
                        for i in 0..3 {
                            px.0[i] = (px.0[i] as f32 * (1.0 - a) + c[i] * a) as u8;
                        }
                    }
                }
            }
            3 => {
                // Concentric rings from a point (guilloche-like).
                let c = overlay(rng, p.dark);
                let alpha = rng.gen_range(0.05..0.12);
                let (cx, cy) = (rng.gen_range(0.0..w), rng.gen_range(0.0..h));
                let period = rng.gen_range(6.0..18.0);
                for (x, y, px) in img.enumerate_pixels_mut() {
                    let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                    let v = 0.5 + 0.5 * (d * 2.0 * PI / period).sin();
                    let a = alpha * v * v;
                    for i in 0..3 {
                        px.0[i] = (px.0[i] as f32 * (1.0 - a) + c[i] * a) as u8;
                    }
                }
            }
            _ => {
                // A large accent shape (lower corner swoosh).
                let c = mix(p.a, p.accent, rng.gen_range(0.15..0.4));
                let r = rng.gen_range(0.5..1.1) * w;
                let cx = rng.gen_range(0.3..1.2) * w;
                let cy = h + r * rng.gen_range(0.55..0.95);
                fill_ellipse(
                    img,
                    (cx, cy),
                    (r, r * 0.7),
                    0.0,
                    rng.gen_range(0.25..0.6),
                    c,
                );
            }
        }
    }

    // Fine plastic grain.
    let grain = rng.gen_range(1.0..4.0f32);
    let mut pr = crate::degrade::PixelRng::new(rng);
    for px in img.as_mut().chunks_exact_mut(3) {
        let r = pr.next();
        let n = ((r & 0xff) as f32 + ((r >> 8) & 0xff) as f32) / 255.0 - 1.0;
        for k in 0..3 {
            px[k] = (px[k] as f32 + n * grain + 0.5).clamp(0.0, 255.0) as u8;
        }
    }
}

fn draw_chip(img: &mut RgbImage, rect: BoxF, rng: &mut impl Rng) {
    let gold = rng.gen_bool(0.75);
    let (c0, c1) = if gold {
        (rgb(244, 214, 130), rgb(190, 145, 60))
    } else {
        (rgb(232, 232, 236), rgb(160, 162, 170))
    };
    let [x0, y0, x1, y1] = rect;
    let (w, h) = (x1 - x0, y1 - y0);
    let diag = rng.gen_range(0.0..1.0f32);
    let rim = mix(c1, [40.0, 30.0, 10.0], 0.5);
    fill_rounded_rect(
        img,
        [x0 - 1.5, y0 - 1.5, x1 + 1.5, y1 + 1.5],
        h * 0.16 + 1.5,
        0.6,
        |_, _| rim,
    );
    fill_rounded_rect(img, rect, h * 0.16, 1.0, |x, y| {
        let t = ((x as f32 - x0) / w * diag + (y as f32 - y0) / h * (1.0 - diag)).clamp(0.0, 1.0);
        mix(c0, c1, t)
    });
    // Contact pad divisions.
    let line = mix(c1, [60.0, 45.0, 10.0], 0.45);
    let t = (h * 0.035).max(1.5);
    let mid_l = x0 + w * rng.gen_range(0.3..0.38);
    let mid_r = x1 - w * rng.gen_range(0.3..0.38);
    let segs = [
        [
            x0 + w * 0.02,
            y0 + h * 0.5 - t / 2.0,
            mid_l,
            y0 + h * 0.5 + t / 2.0,
        ],
        [
            mid_r,
            y0 + h * 0.5 - t / 2.0,
            x1 - w * 0.02,
            y0 + h * 0.5 + t / 2.0,
        ],
        [x0 + w * 0.02, y0 + h * 0.27, mid_l, y0 + h * 0.27 + t],
        [x0 + w * 0.02, y1 - h * 0.27 - t, mid_l, y1 - h * 0.27],
        [mid_r, y0 + h * 0.27, x1 - w * 0.02, y0 + h * 0.27 + t],
        [mid_r, y1 - h * 0.27 - t, x1 - w * 0.02, y1 - h * 0.27],
        [
            mid_l - t / 2.0,
            y0 + h * 0.02,
            mid_l + t / 2.0,
            y1 - h * 0.02,
        ],
        [
            mid_r - t / 2.0,
            y0 + h * 0.02,
            mid_r + t / 2.0,
            y1 - h * 0.02,
        ],
    ];
    for s in segs {
        fill_rounded_rect(img, s, 0.0, 0.8, |_, _| line);
    }
}

fn draw_contactless(img: &mut RgbImage, center: (f32, f32), size: f32, color: Rgbf) {
    let t = (size * 0.09).max(1.5);
    for k in 0..4 {
        let r = size * (0.25 + 0.22 * k as f32);
        stroke_arc(img, center, r, t, (-0.8, 0.8), 0.85, color);
    }
}

/// Text with a cap/digit height; returns mask, glyph boxes and width.
struct TextSpec<'a> {
    font: &'a FontArc,
    cap_h: f32,
    ref_char: char,
}

impl TextSpec<'_> {
    fn scale(&self) -> PxScale {
        PxScale::from(self.cap_h / fonts::height_per_scale(self.font, self.ref_char))
    }

    fn width(&self, text: &str, tracking: f32) -> f32 {
        layout_line(self.font, self.scale(), text, 0.0, 0.0, tracking).1
    }

    /// Lays out `text` with its top (cap height) at `top`.
    fn mask(&self, text: &str, x: f32, top: f32, tracking: f32) -> (Mask, Vec<BoxF>) {
        let (glyphs, _) = layout_line(self.font, self.scale(), text, x, top + self.cap_h, tracking);
        Mask::text(self.font, self.scale(), &glyphs)
    }
}

#[derive(Clone, Copy)]
enum Tipping {
    Silver,
    Gold,
    Dark,
    None,
}

struct Emboss {
    /// Unit vector from a digit towards the light.
    light: (f32, f32),
    depth: f32,
    tipping: Tipping,
    shadow: f32,
    highlight: f32,
    sheen_phase: f32,
}

fn draw_embossed(img: &mut RgbImage, mask: &Mask, e: &Emboss, top: f32, height: f32) {
    let (lx, ly) = e.light;
    let soft = mask.soften();
    // Cast shadow away from the light, then the lit rim towards it.
    let steps = e.depth.ceil().max(1.0) as usize;
    for s in 1..=steps {
        let d = e.depth * s as f32 / steps as f32;
        soft.paint(
            img,
            -lx * d,
            -ly * d,
            e.shadow / steps as f32 * 1.6,
            [0.0, 0.0, 0.0],
        );
    }
    mask.paint(
        img,
        lx * e.depth * 0.7,
        ly * e.depth * 0.7,
        e.highlight,
        [255.0, 255.0, 255.0],
    );
    let phase = e.sheen_phase;
    match e.tipping {
        Tipping::Silver | Tipping::Gold | Tipping::Dark => {
            let (c0, c1) = match e.tipping {
                Tipping::Silver => (rgb(242, 242, 246), rgb(150, 152, 160)),
                Tipping::Gold => (rgb(250, 228, 150), rgb(170, 128, 50)),
                _ => (rgb(85, 85, 92), rgb(20, 20, 24)),
            };
            mask.paint_with(img, 0.0, 0.0, 1.0, |x, y, _| {
                let t = ((y as f32 - top) / height).clamp(0.0, 1.0);
                let sheen = 0.5 + 0.5 * (x as f32 * 0.013 + phase).sin();
                mix(c0, c1, (0.75 * t + 0.35 * (1.0 - sheen)).clamp(0.0, 1.0))
            });
        }
        Tipping::None => {
            mask.paint_with(img, 0.0, 0.0, 1.0, |_, y, old| {
                let t = ((y as f32 - top) / height).clamp(0.0, 1.0);
                mix(old, [255.0; 3], 0.12 - 0.1 * t)
            });
        }
    }
    // Darken the face edge away from the light (bevel).
    let m = mask;
    mask.paint_with(img, 0.0, 0.0, 0.35, |x, y, old| {
        let edge = (m.at(x, y) - m.sample(x as f32 - lx * 1.5, y as f32 - ly * 1.5)).max(0.0);
        mix(old, [0.0; 3], edge)
    });
}

/// How one run of text (number, expiry, name) is inked.
enum Ink {
    Flat(Rgbf),
    Embossed(Emboss),
    /// A laser cut: `cut` in the strokes, `edge` along their lower right.
    Laser {
        cut: Rgbf,
        edge: Rgbf,
    },
}

fn ink_text(img: &mut RgbImage, mask: &Mask, ink: &Ink, top: f32, height: f32) {
    match ink {
        Ink::Flat(c) => mask.paint(img, 0.0, 0.0, 0.96, *c),
        Ink::Embossed(e) => draw_embossed(img, mask, e, top, height),
        Ink::Laser { cut, edge } => {
            mask.paint(img, 0.8, 0.8, 0.55, *edge);
            mask.paint(img, 0.0, 0.0, 0.85, *cut);
        }
    }
}

fn right_aligned_text(
    img: &mut RgbImage,
    spec: &TextSpec,
    text: &str,
    right: f32,
    top: f32,
    color: Rgbf,
) {
    let w = spec.width(text, 0.0);
    let (m, _) = spec.mask(text, right - w, top, 0.0);
    m.paint(img, 0.0, 0.0, 0.95, color);
}

fn centered_text(img: &mut RgbImage, spec: &TextSpec, text: &str, cx: f32, top: f32, color: Rgbf) {
    let w = spec.width(text, 0.0);
    let (m, _) = spec.mask(text, cx - w / 2.0, top, 0.0);
    m.paint(img, 0.0, 0.0, 1.0, color);
}

/// Draws the brand mark inside `area` (right-aligned).
fn draw_brand(
    img: &mut RgbImage,
    brand: Brand,
    area: BoxF,
    p: &Palette,
    group: FaceGroup,
    rng: &mut impl Rng,
) -> Result<(), SynthError> {
    let [_, y0, x1, y1] = area;
    let h = y1 - y0;
    let white = rgb(255, 255, 255);
    let on_card = |dark_col: Rgbf| if p.dark { white } else { dark_col };
    match brand {
        Brand::Visa => {
            let f = fonts::load(Face::LiberationSansBoldItalic)?;
            let spec = TextSpec {
                font: &f,
                cap_h: h * 0.55,
                ref_char: 'V',
            };
            right_aligned_text(
                img,
                &spec,
                "VISA",
                x1,
                y0 + h * 0.2,
                on_card(rgb(26, 31, 113)),
            );
        }
        Brand::Mastercard => {
            let r = h * 0.4;
            let cy = y0 + h * 0.45;
            let cb = (x1 - r, cy);
            let ca = (x1 - r * 2.25, cy);
            let (red, yellow, orange) = (rgb(235, 0, 27), rgb(247, 158, 27), rgb(255, 95, 0));
            fill_ellipse(img, ca, (r, r), 0.0, 1.0, red);
            fill_ellipse(img, cb, (r, r), 0.0, 1.0, yellow);
            let ymin = (cy - r).floor().max(0.0) as i32;
            let ymax = ((cy + r).ceil() as i32).min(img.height() as i32);
            for y in ymin..ymax {
                for x in ((cb.0 - r).floor().max(0.0) as i32)..((ca.0 + r).ceil() as i32) {
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    let da = r - ((px - ca.0).powi(2) + (py - ca.1).powi(2)).sqrt();
                    let db = r - ((px - cb.0).powi(2) + (py - cb.1).powi(2)).sqrt();
                    let cov = (da.min(db) + 0.5).clamp(0.0, 1.0);
                    crate::draw::blend_px(img, x, y, orange, cov);
                }
            }
            if rng.gen_bool(0.5) {
                let f = fonts::load(Face::LiberationSansBold)?;
                let spec = TextSpec {
                    font: &f,
                    cap_h: h * 0.1,
                    ref_char: 'k',
                };
                centered_text(
                    img,
                    &spec,
                    "mastercard",
                    (ca.0 + cb.0) / 2.0,
                    cy + r + h * 0.04,
                    on_card(rgb(30, 30, 30)),
                );
            }
        }
        Brand::Amex => {
            let s = h * 0.95;
            let rect = [x1 - s, y0, x1, y0 + s];
            fill_rounded_rect(img, rect, s * 0.06, 1.0, |_, _| rgb(0, 111, 207));
            let f = fonts::load(Face::LiberationSansBold)?;
            let spec = TextSpec {
                font: &f,
                cap_h: s * 0.13,
                ref_char: 'A',
            };
            let sx = spec.width("AMERICAN", 0.0);
            let k = (s * 0.86 / sx).min(1.0);
            let spec = TextSpec {
                cap_h: spec.cap_h * k,
                ..spec
            };
            centered_text(img, &spec, "AMERICAN", x1 - s / 2.0, y0 + s * 0.3, white);
            centered_text(img, &spec, "EXPRESS", x1 - s / 2.0, y0 + s * 0.55, white);
        }
        Brand::Jcb => {
            let f = fonts::load(Face::LiberationSansBoldItalic)?;
            let bw = h * 0.42;
            let gap = h * 0.04;
            let cols = [rgb(0, 70, 150), rgb(200, 20, 40), rgb(0, 140, 70)];
            for (i, (col, ch)) in cols.iter().zip(["J", "C", "B"]).enumerate() {
                let rx1 = x1 - (2 - i) as f32 * (bw + gap);
                let rect = [rx1 - bw, y0 + h * 0.1, rx1, y0 + h * 0.9];
                fill_rounded_rect(img, rect, bw * 0.25, 1.0, |x, _| {
                    mix(
                        *col,
                        [255.0; 3],
                        ((rx1 - x as f32) / bw * 0.4).clamp(0.0, 0.4),
                    )
                });
                let spec = TextSpec {
                    font: &f,
                    cap_h: h * 0.34,
                    ref_char: 'B',
                };
                centered_text(img, &spec, ch, rx1 - bw / 2.0, y0 + h * 0.38, white);
            }
        }
        Brand::Discover => {
            let f = fonts::load(Face::LiberationSansBold)?;
            let spec = TextSpec {
                font: &f,
                cap_h: h * 0.32,
                ref_char: 'D',
            };
            let ink = on_card(rgb(35, 31, 32));
            let left = spec.width("DISC", 0.0);
            let right = spec.width("VER", 0.0);
            let o = spec.cap_h * 1.1;
            let total = left + o + right + spec.cap_h * 0.1;
            let x = x1 - total;
            let top = y0 + h * 0.3;
            let (m, _) = spec.mask("DISC", x, top, 0.0);
            m.paint(img, 0.0, 0.0, 1.0, ink);
            fill_ellipse(
                img,
                (x + left + o / 2.0, top + spec.cap_h / 2.0),
                (o / 2.0, o / 2.0),
                0.0,
                1.0,
                rgb(240, 120, 30),
            );
            let (m, _) = spec.mask("VER", x + left + o + spec.cap_h * 0.1, top, 0.0);
            m.paint(img, 0.0, 0.0, 1.0, ink);
        }
        Brand::Diners => {
            let ink = on_card(rgb(0, 75, 145));
            let r = h * 0.32;
            let f = fonts::load(Face::LiberationSansBold)?;
            let spec = TextSpec {
                font: &f,
                cap_h: h * 0.2,
                ref_char: 'D',
            };
            let tw = spec.width("Diners Club", 0.0);
            let cx = x1 - tw - r * 1.3;
            stroke_arc(img, (cx, y0 + h * 0.45), r, r * 0.22, (-PI, PI), 1.0, ink);
            fill_rounded_rect(
                img,
                [
                    cx - r * 0.4,
                    y0 + h * 0.45 - r * 0.7,
                    cx - r * 0.15,
                    y0 + h * 0.45 + r * 0.7,
                ],
                0.0,
                1.0,
                |_, _| ink,
            );
            fill_rounded_rect(
                img,
                [
                    cx + r * 0.15,
                    y0 + h * 0.45 - r * 0.7,
                    cx + r * 0.4,
                    y0 + h * 0.45 + r * 0.7,
                ],
                0.0,
                1.0,
                |_, _| ink,
            );
            right_aligned_text(img, &spec, "Diners Club", x1, y0 + h * 0.33, ink);
        }
        Brand::UnionPay => {
            let bw = h * 0.5;
            let cols = [rgb(220, 30, 40), rgb(0, 60, 130), rgb(0, 125, 120)];
            let slant = h * 0.15;
            for (i, col) in cols.iter().enumerate() {
                let rx1 = x1 - (2 - i) as f32 * bw * 0.78;
                let (t, b) = (y0 + h * 0.05, y0 + h * 0.95);
                fill_polygon(
                    img,
                    &[
                        (rx1 - bw + slant, t),
                        (rx1 + slant * 0.2, t),
                        (rx1 - slant * 0.8, b),
                        (rx1 - bw - slant * 0.2, b),
                    ],
                    1.0,
                    *col,
                );
            }
            let f = fonts::load(Face::LiberationSansBoldItalic)?;
            let spec = TextSpec {
                font: &f,
                cap_h: h * 0.18,
                ref_char: 'U',
            };
            centered_text(img, &spec, "UnionPay", x1 - bw * 1.25, y0 + h * 0.55, white);
        }
        Brand::Domestic => {
            let hangul = rng.gen_bool(0.6);
            let (face, text, rc) = if hangul {
                (fonts::pick(rng, group, Role::Title), "국내전용", '국')
            } else {
                (fonts::pick(rng, group, Role::CardText), "LOCAL", 'L')
            };
            let f = fonts::load(face)?;
            let spec = TextSpec {
                font: &f,
                cap_h: h * 0.3,
                ref_char: rc,
            };
            let tw = spec.width(text, 0.0);
            let pad = h * 0.18;
            let rect = [x1 - tw - 2.0 * pad, y0 + h * 0.1, x1, y0 + h * 0.85];
            let c = if p.dark {
                mix(p.accent, white, 0.2)
            } else {
                rgb(200, 30, 45)
            };
            fill_rounded_rect(img, rect, h * 0.15, 1.0, |_, _| c);
            let text_col = if luma(c) > 150.0 {
                rgb(20, 20, 20)
            } else {
                white
            };
            centered_text(
                img,
                &spec,
                text,
                x1 - pad - tw / 2.0,
                (rect[1] + rect[3]) / 2.0 - spec.cap_h / 2.0,
                text_col,
            );
        }
    }
    Ok(())
}

/// What a card says: drawn before anything else, so that it depends on the
/// seed only.
struct CardContent {
    number: CardNumber,
    valid_thru: String,
    /// The cardholder, in capitals, family name first or last.
    holder: String,
}

fn card_content(rng: &mut impl Rng) -> CardContent {
    let number = CardNumber::random(rng);
    let valid_thru = random_expiry(rng);
    let (surname, given) = (pick(rng, &SURNAMES), pick(rng, &GIVEN));
    let holder = if rng.gen_bool(0.5) {
        // Given name first, as on many cards.
        format!("{given} {surname}")
    } else {
        format!("{surname} {given}")
    };
    CardContent {
        number,
        valid_thru,
        holder,
    }
}

/// [`card_content`], then, when `specimens` is given, a specimen number or
/// expiry as [`specimen::card`] draws from it (see [`crate::specimen`]);
/// true when the card prints one. Without `specimens` nothing is drawn
/// from it and nothing changes; with it, `rng` gives the same draws.
fn specimen_content(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
) -> (CardContent, bool) {
    let mut content = card_content(rng);
    let Some(specimens) = specimens else {
        return (content, false);
    };
    match specimen::card(specimens) {
        // UnionPay numbers may fail Luhn: such a card prints a sample
        // expiry instead.
        Some(CardSpecimen::Luhn) if content.number.brand.requires_luhn() => {
            content.number = content.number.failing_luhn(specimens);
        }
        Some(_) => content.valid_thru = specimen_expiry(specimens),
        None => return (content, false),
    }
    (content, true)
}

/// Draws a random credit card front in the faces and templates of `group`,
/// every value passing its checks: [`render_with`] without specimens.
pub fn render(rng: &mut impl Rng, group: FaceGroup) -> Result<RenderedCard, SynthError> {
    render_with(rng, None, group)
}

/// Draws a random credit card front in the faces and templates of `group`;
/// with `specimens` (the seed's [`specimen::rng`]) a few print a number
/// failing Luhn or a sample expiry (`RenderedCard::specimen`).
pub fn render_with(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
    group: FaceGroup,
) -> Result<RenderedCard, SynthError> {
    let (
        CardContent {
            number,
            valid_thru,
            holder,
        },
        specimen,
    ) = specimen_content(rng, specimens);
    let layout = pick(rng, CardTemplate::of_group(group));
    let w = rng.gen_range(960..=1040u32);
    let h = (w as f32 / CARD_ASPECT).round() as u32;
    let (wf, hf) = (w as f32, h as f32);
    let mut img = RgbImage::new(w, h);
    let pal = palette(rng);
    paint_background(&mut img, &pal, layout.minimal, rng);

    let style = match rng.gen_range(0..20) {
        0..=8 => Style::Embossed,
        9..=16 => Style::Flat,
        _ => Style::Laser,
    };
    let face = fonts::pick(rng, group, Role::CardNumber);
    let num_font = fonts::load(face)?;

    // Number row geometry.
    let mut digit_h = rng.gen_range(layout.digit_height.0..layout.digit_height.1) * hf;
    let row_center = rng.gen_range(layout.row_center.0..layout.row_center.1) * hf;
    let chip_x = rng.gen_range(0.08..0.13) * wf;
    let left_limit = match layout.placement {
        RowPlacement::AtChip => chip_x + rng.gen_range(-0.015..0.015) * wf,
        _ => rng.gen_range(0.06..0.09) * wf,
    };
    let right_limit = rng.gen_range(0.9..0.94) * wf;
    let mut spec = TextSpec {
        font: &num_font,
        cap_h: digit_h,
        ref_char: '8',
    };
    let natural = crate::draw::advance(&num_font, spec.scale(), '0');
    let glyph_w = {
        let (_, boxes) = spec.mask("0", 0.0, 0.0, 0.0);
        boxes[0][2] - boxes[0][0]
    };
    let mut pitch = match style {
        Style::Embossed => digit_h * rng.gen_range(0.78..0.9),
        Style::Flat | Style::Laser => natural * rng.gen_range(0.92..1.15),
    }
    .max(glyph_w * 1.12);
    let n_digits = number.digits.len() as f32;
    let n_gaps = (number.groups.len() - 1) as f32;
    let avail = right_limit - left_limit;
    let mut gap_extra = match layout.placement {
        // The gaps take what the digits leave of the width.
        RowPlacement::Spread => ((avail - pitch * n_digits) / n_gaps).max(pitch * 0.6),
        _ => pitch * rng.gen_range(0.6..1.3),
    };
    let row_w = |pitch: f32, gap: f32| pitch * n_digits + gap * n_gaps;
    if row_w(pitch, gap_extra) > avail {
        let k = avail / row_w(pitch, gap_extra);
        pitch *= k;
        gap_extra *= k;
        if pitch < glyph_w * 1.08 {
            // Shrink the digits too.
            let kk = pitch / (glyph_w * 1.08);
            digit_h *= kk;
            spec.cap_h = digit_h;
        }
    }
    let num_x = match layout.placement {
        RowPlacement::AtChip | RowPlacement::Spread => left_limit,
        RowPlacement::Centered => (wf - row_w(pitch, gap_extra)) / 2.0,
        RowPlacement::RightAligned => right_limit - row_w(pitch, gap_extra),
    };
    let glyph_adv = crate::draw::advance(&num_font, spec.scale(), '0');
    let row_top = row_center - digit_h / 2.0;

    // Chip above the number row (on a minimal card, only sometimes).
    if !layout.minimal || rng.gen_bool(0.5) {
        let chip_w = rng.gen_range(0.12..0.145) * wf;
        let chip_h = chip_w * rng.gen_range(0.74..0.84);
        let chip_bottom_max = row_top - rng.gen_range(0.03..0.06) * hf;
        let chip_y = (rng.gen_range(0.27..0.35) * hf)
            .min(chip_bottom_max - chip_h)
            .max(0.05 * hf);
        draw_chip(
            &mut img,
            [chip_x, chip_y, chip_x + chip_w, chip_y + chip_h],
            rng,
        );
        if !layout.minimal && rng.gen_bool(0.6) {
            let size = chip_h * 0.5;
            draw_contactless(
                &mut img,
                (chip_x + chip_w + size * 0.6, chip_y + chip_h / 2.0),
                size,
                pal.ink,
            );
        }
    }

    // Bank name and brand mark.
    let brand_bottom = rng.gen_bool(0.7);
    let brand_h = rng.gen_range(0.1..0.14) * hf;
    let brand_right = wf - rng.gen_range(0.05..0.08) * wf;
    let brand_area = if brand_bottom {
        let bottom = hf - rng.gen_range(0.06..0.09) * hf;
        [
            brand_right - 0.25 * wf,
            bottom - brand_h,
            brand_right,
            bottom,
        ]
    } else {
        let top = rng.gen_range(0.07..0.1) * hf;
        [brand_right - 0.25 * wf, top, brand_right, top + brand_h]
    };
    if !layout.minimal || rng.gen_bool(0.5) {
        draw_brand(&mut img, number.brand, brand_area, &pal, group, rng)?;
    }

    if !layout.minimal {
        draw_bank(&mut img, &pal, group, brand_bottom, brand_right, rng)?;
    }

    // Ink for the number, expiry and name.
    let ink = match style {
        Style::Flat => {
            let c = if pal.dark {
                pick(
                    rng,
                    &[rgb(250, 250, 250), rgb(225, 225, 228), rgb(230, 205, 140)],
                )
            } else {
                pick(rng, &[rgb(15, 15, 18), rgb(25, 35, 80), rgb(50, 50, 55)])
            };
            Ink::Flat(c)
        }
        Style::Laser => {
            // A cut shows the core: paler on a dark card, darker on a light one.
            let (cut, edge) = if pal.dark {
                (mix(pal.a, [255.0; 3], rng.gen_range(0.35..0.6)), [0.0; 3])
            } else {
                (mix(pal.a, [0.0; 3], rng.gen_range(0.4..0.65)), [255.0; 3])
            };
            Ink::Laser { cut, edge }
        }
        Style::Embossed => {
            let tipping = match rng.gen_range(0..20) {
                0..=8 => Tipping::Silver,
                9..=13 => Tipping::Gold,
                14..=16 if !pal.dark => Tipping::Dark,
                14..=16 => Tipping::Silver,
                _ => Tipping::None,
            };
            let a = rng.gen_range(-PI * 0.95..-PI * 0.3);
            Ink::Embossed(Emboss {
                light: (a.cos(), a.sin()),
                depth: (digit_h * rng.gen_range(0.045..0.07)).max(1.5),
                tipping,
                shadow: rng.gen_range(0.55..0.8),
                highlight: if pal.dark {
                    rng.gen_range(0.45..0.75)
                } else {
                    rng.gen_range(0.6..0.9)
                },
                sheen_phase: rng.gen_range(0.0..2.0 * PI),
            })
        }
    };
    // Embossing raises thin strokes into thick ones.
    let thin = !["Bold", "Black"].iter().any(|w| face.name().contains(w))
        || face == Face::LiberationMonoBold;
    let dilate = if style == Style::Embossed && thin {
        (digit_h * 0.035).round() as usize
    } else {
        0
    };

    // Number row.
    let mut glyphs = Vec::new();
    let mut group_of = Vec::new();
    let mut x = num_x;
    for (gi, g) in number.groups.iter().enumerate() {
        if gi > 0 {
            x += gap_extra;
        }
        for ch in g.chars() {
            glyphs.push(Placed {
                ch,
                x: x + (pitch - glyph_adv) / 2.0,
                baseline: row_top + digit_h,
            });
            group_of.push(gi);
            x += pitch;
        }
    }
    let (mask, boxes) = Mask::text(&num_font, spec.scale(), &glyphs);
    let mask = mask.dilate(dilate);
    ink_text(&mut img, &mask, &ink, row_top, digit_h);
    let mut group_boxes: Vec<Option<BoxF>> = vec![None; number.groups.len()];
    for (b, gi) in boxes.iter().zip(&group_of) {
        group_boxes[*gi] = Some(union_box(group_boxes[*gi], *b));
    }
    let grow = dilate as f32;
    let group_boxes: Vec<BoxF> = group_boxes
        .into_iter()
        .map(|b| {
            let b = b.unwrap_or([num_x, row_top, num_x, row_top + digit_h]);
            [b[0] - grow, b[1] - grow, b[2] + grow, b[3] + grow]
        })
        .collect();
    let num_bottom = group_boxes
        .iter()
        .map(|b| b[3])
        .fold(row_top + digit_h, f32::max);

    // Expiry and name.
    let date_h = rng.gen_range(0.045..0.055) * hf;
    let name_h = rng.gen_range(0.038..0.05) * hf;
    let label_variant = rng.gen_range(0..5);
    let mut gap1 = rng.gen_range(0.045..0.08) * hf;
    if label_variant == 3 {
        gap1 = gap1.max(0.06 * hf);
    }
    let mut gap2 = rng.gen_range(0.035..0.07) * hf;
    let avail = 0.93 * hf - num_bottom;
    let need = gap1 + date_h + gap2 + name_h;
    if need > avail {
        let fixed = date_h + name_h;
        let k = ((avail - fixed) / (gap1 + gap2)).max(0.3);
        gap1 *= k;
        gap2 *= k;
    }
    let date_top = num_bottom + gap1;
    // "MONTH/YEAR" goes above the date: only where it clears the number.
    let label_variant = if label_variant == 3 && date_top - date_h * 0.55 < num_bottom + 0.012 * hf
    {
        1
    } else {
        label_variant
    };
    let date_spec = TextSpec {
        font: &num_font,
        cap_h: date_h,
        ref_char: '8',
    };
    let date_tracking = date_h * rng.gen_range(0.05..0.2);
    let date_x = rng.gen_range(0.3..0.5) * wf;
    let (date_mask, date_boxes) = date_spec.mask(&valid_thru, date_x, date_top, date_tracking);
    let small_dilate = if dilate > 0 { 1 } else { 0 };
    let date_mask = date_mask.dilate(small_dilate);
    let valid_thru_box = date_boxes
        .iter()
        .fold(None, |acc, b| Some(union_box(acc, *b)))
        .unwrap_or([date_x, date_top, date_x, date_top + date_h]);

    let label_font = fonts::load(fonts::pick(rng, group, Role::CardText))?;
    let label_col = pal.ink;
    let label_gap = date_h * rng.gen_range(0.3..0.6);
    // A one-line label ending `label_gap` before the date, its top at
    // `top_share` of the date's height.
    let label_before_date = |img: &mut RgbImage, s: &TextSpec, text: &str, top_share: f32| {
        let width = s.width(text, 0.0);
        let (m, _) = s.mask(
            text,
            date_x - label_gap - width,
            date_top + date_h * top_share,
            0.0,
        );
        m.paint(img, 0.0, 0.0, 0.9, label_col);
    };
    match label_variant {
        0 => {
            let s = TextSpec {
                font: &label_font,
                cap_h: date_h * 0.32,
                ref_char: 'V',
            };
            let wl = s.width("VALID", 0.0).max(s.width("THRU", 0.0));
            let x = date_x - label_gap - wl;
            let (m, _) = s.mask("VALID", x, date_top + date_h * 0.05, 0.0);
            m.paint(&mut img, 0.0, 0.0, 0.9, label_col);
            let (m, _) = s.mask("THRU", x, date_top + date_h * 0.6, 0.0);
            m.paint(&mut img, 0.0, 0.0, 0.9, label_col);
        }
        1 => {
            let s = TextSpec {
                font: &label_font,
                cap_h: date_h * 0.38,
                ref_char: 'V',
            };
            label_before_date(&mut img, &s, "VALID THRU", 0.31);
        }
        2 => {
            let f = fonts::load(fonts::pick(rng, group, Role::Title))?;
            let s = TextSpec {
                font: &f,
                cap_h: date_h * 0.55,
                ref_char: '유',
            };
            label_before_date(&mut img, &s, "유효기간", 0.22);
        }
        3 => {
            let s = TextSpec {
                font: &label_font,
                cap_h: date_h * 0.3,
                ref_char: 'M',
            };
            let dw = valid_thru_box[2] - valid_thru_box[0];
            centered_text(
                &mut img,
                &s,
                "MONTH/YEAR",
                date_x + dw / 2.0,
                date_top - date_h * 0.55,
                label_col,
            );
        }
        // The date alone.
        _ => {}
    }
    ink_text(&mut img, &date_mask, &ink, date_top, date_h);

    if !layout.minimal {
        let name_top = valid_thru_box[3].max(date_top + date_h) + gap2;
        let name_font = match style {
            Style::Embossed => num_font.clone(),
            Style::Flat | Style::Laser => {
                let text_face = fonts::pick(rng, group, Role::CardText);
                fonts::load(pick(rng, &[face, text_face]))?
            }
        };
        let name_spec = TextSpec {
            font: &name_font,
            cap_h: name_h,
            ref_char: 'H',
        };
        let name_x = num_x.min(0.12 * wf) + rng.gen_range(-0.005..0.02) * wf;
        let (name_mask, _) = name_spec.mask(&holder, name_x, name_top, name_h * 0.12);
        let name_mask = name_mask.dilate(small_dilate);
        ink_text(&mut img, &name_mask, &ink, name_top, name_h);
    }

    // Rounded corners as alpha.
    let radius = 0.037 * wf;
    let rect = [0.0, 0.0, wf, hf];
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for (y, row) in img.as_raw().chunks_exact(w as usize * 3).enumerate() {
        let yc = y as f32 + 0.5;
        let corner_row = yc < radius + 1.0 || yc > hf - radius - 1.0;
        for (x, c) in row.chunks_exact(3).enumerate() {
            let xc = x as f32 + 0.5;
            let a = if corner_row && (xc < radius + 1.0 || xc > wf - radius - 1.0) {
                (rounded_rect_coverage(xc, yc, rect, radius) * 255.0 + 0.5) as u8
            } else {
                255
            };
            data.extend_from_slice(&[c[0], c[1], c[2], a]);
        }
    }
    let rgba = RgbaImage::from_raw(w, h, data).expect("buffer size matches");

    Ok(RenderedCard {
        image: rgba,
        number,
        valid_thru,
        style,
        face,
        template: layout,
        specimen,
        group_boxes,
        valid_thru_box,
    })
}

/// The bank's name at the top (in Hangul or Latin capitals), sometimes
/// with a product name under it.
fn draw_bank(
    img: &mut RgbImage,
    pal: &Palette,
    group: FaceGroup,
    brand_bottom: bool,
    brand_right: f32,
    rng: &mut impl Rng,
) -> Result<(), SynthError> {
    let (wf, hf) = (img.width() as f32, img.height() as f32);
    let hangul_bank = rng.gen_bool(0.35);
    let bank_idx = rng.gen_range(0..LATIN_BANKS.len());
    let (bank_face, bank_text, bank_ref) = if hangul_bank {
        (
            fonts::pick(rng, group, Role::Title),
            HANGUL_BANKS[bank_idx],
            '한',
        )
    } else {
        (
            fonts::pick(rng, group, Role::CardText),
            LATIN_BANKS[bank_idx],
            'H',
        )
    };
    let bank_font = fonts::load(bank_face)?;
    let bank_spec = TextSpec {
        font: &bank_font,
        cap_h: rng.gen_range(0.045..0.065) * hf,
        ref_char: bank_ref,
    };
    let bank_top = rng.gen_range(0.07..0.11) * hf;
    let bank_tracking = if hangul_bank {
        0.0
    } else {
        rng.gen_range(0.0..0.2) * bank_spec.cap_h
    };
    let bank_left = brand_bottom && rng.gen_bool(0.3);
    let bank_x = if bank_left || !brand_bottom {
        rng.gen_range(0.06..0.09) * wf
    } else {
        brand_right - bank_spec.width(bank_text, bank_tracking)
    };
    let (m, _) = bank_spec.mask(bank_text, bank_x, bank_top, bank_tracking);
    m.paint(img, 0.0, 0.0, 0.95, pal.ink);
    if rng.gen_bool(0.5) {
        let product = pick(rng, &PRODUCTS);
        let hangul = !product.is_ascii();
        let f = fonts::load(fonts::pick(
            rng,
            group,
            if hangul { Role::Title } else { Role::CardText },
        ))?;
        let ps = TextSpec {
            font: &f,
            cap_h: bank_spec.cap_h * 0.55,
            ref_char: if hangul { '카' } else { 'P' },
        };
        let top = bank_top + bank_spec.cap_h * 1.5;
        let x = if bank_left || !brand_bottom {
            bank_x
        } else {
            brand_right - ps.width(product, ps.cap_h * 0.15)
        };
        let (m, _) = ps.mask(product, x, top, ps.cap_h * 0.15);
        m.paint(img, 0.0, 0.0, 0.8, pal.ink);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn card_has_id1_aspect_and_boxes_in_band() {
        for seed in 0..12 {
            let group = FaceGroup::ALL[seed as usize % 3];
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let c = render(&mut rng, group).unwrap();
            assert!(CardTemplate::of_group(group).contains(&c.template));
            assert_eq!(c.face.group(), group);
            let (w, h) = c.image.dimensions();
            assert!((w as f32 / h as f32 - CARD_ASPECT).abs() < 0.01);
            assert!((960..=1040).contains(&w));
            assert_eq!(c.group_boxes.len(), c.number.groups.len());
            for b in &c.group_boxes {
                let cy = (b[1] + b[3]) / 2.0 / h as f32;
                assert!((0.4..0.72).contains(&cy), "row centre {cy}");
                assert!(b[2] <= w as f32 && b[0] >= 0.0);
            }
            // Groups left to right.
            for p in c.group_boxes.windows(2) {
                assert!(p[0][2] < p[1][0]);
            }
            assert!(c.valid_thru_box[1] > c.group_boxes[0][3]);
            // Transparent corner, opaque centre.
            assert_eq!(c.image.get_pixel(0, 0).0[3], 0);
            assert_eq!(c.image.get_pixel(w / 2, h / 2).0[3], 255);
        }
    }

    /// Whether the number passes the rules of its brand and the expiry has
    /// a month.
    fn passes_checks(c: &CardContent) -> (bool, bool) {
        let check = docrec_rules::payment_card::NumberCheck::of(&c.number.digits);
        let month: u32 = c.valid_thru[..2].parse().unwrap();
        (check.passes(), (1..=12).contains(&month))
    }

    #[test]
    fn specimen_cards_fail_their_checks_and_only_they() {
        let n = 2000;
        let (mut luhn, mut expiry) = (0, 0);
        for seed in 0..n {
            let content = |specimens: Option<&mut dyn RngCore>| {
                specimen_content(&mut ChaCha8Rng::seed_from_u64(seed), specimens)
            };
            let (plain, plain_specimen) = content(None);
            let (c, specimen) = content(Some(&mut specimen::rng(
                seed,
                specimen::Document::CreditCard,
            )));
            assert!(!plain_specimen);
            assert_eq!(passes_checks(&plain), (true, true), "{seed}");
            let (number_ok, month_ok) = passes_checks(&c);
            assert_eq!(specimen, !(number_ok && month_ok), "{seed} {:?}", c.number);
            assert_eq!(c.number.brand, plain.number.brand);
            assert_eq!(c.number.groups.concat(), c.number.digits);
            assert_eq!(c.number.digits.len(), plain.number.digits.len());
            assert_eq!(c.holder, plain.holder);
            if !specimen {
                assert_eq!(
                    (&c.number, &c.valid_thru),
                    (&plain.number, &plain.valid_thru)
                );
            }
            // One value at most differs.
            assert!(c.number == plain.number || c.valid_thru == plain.valid_thru);
            luhn += usize::from(!number_ok);
            expiry += usize::from(!month_ok);
        }
        // About 4 % (a little less: UnionPay prints an expiry instead) and
        // 2 % (a little more).
        let share = |k: usize| 100.0 * k as f64 / n as f64;
        assert!((2.5..5.5).contains(&share(luhn)), "{luhn} of {n} fail Luhn");
        assert!(
            (1.0..3.5).contains(&share(expiry)),
            "{expiry} of {n} sample expiries"
        );
    }

    #[test]
    fn a_specimen_card_is_drawn_as_printed() {
        let seed = (0..500)
            .find(|&seed| {
                let specimens: &mut dyn RngCore =
                    &mut specimen::rng(seed, specimen::Document::CreditCard);
                specimen_content(&mut ChaCha8Rng::seed_from_u64(seed), Some(specimens)).1
            })
            .unwrap();
        let c = render_with(
            &mut ChaCha8Rng::seed_from_u64(seed),
            Some(&mut specimen::rng(seed, specimen::Document::CreditCard)),
            FaceGroup::Development,
        )
        .unwrap();
        let plain = render(&mut ChaCha8Rng::seed_from_u64(seed), FaceGroup::Development).unwrap();
        assert!(c.specimen && !plain.specimen);
        assert_eq!(c.group_boxes.len(), c.number.groups.len());
        assert_eq!(
            (c.template, c.face, c.style),
            (plain.template, plain.face, plain.style)
        );
        assert_ne!(
            (&c.number, &c.valid_thru),
            (&plain.number, &plain.valid_thru)
        );
    }
}
