//! A specimen's stamp: a word (`SPECIMEN`, `견본`, `MUSTER`, ...) printed
//! large and slanted across a data page, as the public specimen pages
//! states publish show it; red, grey or blue, translucent, over the
//! portrait, the fields or the machine-readable zone.
//!
//! Takes a drawn page, its seed and face group; gives the page stamped (or
//! not: [`STAMP_SHARE`] of pages are) and the word stamped.

use ab_glyph::{FontArc, PxScale};
use image::{DynamicImage, RgbImage, RgbaImage};
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::draw::{layout_line, Mask, Rgbf};
use crate::fonts::{self, FaceGroup, Role};
use crate::SynthError;

/// The share of pages stamped.
pub const STAMP_SHARE: f64 = 0.2;

/// The stream of a seed's ChaCha8 generator whether and how its page is
/// stamped is drawn from (next to [`super::BOOKLET_STREAM`]; nothing else
/// uses it), so that stamping changes no other drawing.
pub const STAMP_STREAM: u64 = 25;

/// The words specimens are stamped with.
const WORDS: [&str; 7] = [
    "SPECIMEN",
    "SPECIMEN",
    "견본",
    "MUSTER",
    "SAMPLE",
    "VOID",
    "SPÉCIMEN",
];

/// The stamp generator of `seed`: stream [`STAMP_STREAM`] of its ChaCha8.
pub fn stamp_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(STAMP_STREAM);
    rng
}

/// Stamps `page` on [`STAMP_SHARE`] of seeds, as the seed's [`stamp_rng`]
/// decides (so nothing else drawn changes), with a word in a title face of
/// `group` ([`stamp_with`]). Gives the word, or nothing when the page is
/// left as it was (and not copied).
pub fn stamp_page(
    page: &mut RgbaImage,
    seed: u64,
    group: FaceGroup,
) -> Result<Option<&'static str>, SynthError> {
    let mut rng = stamp_rng(seed);
    if !rng.gen_bool(STAMP_SHARE) {
        return Ok(None);
    }
    let font = fonts::load(fonts::pick(&mut rng, group, Role::Title))?;
    let mut rgb = DynamicImage::ImageRgba8(page.clone()).to_rgb8();
    let word = stamp_with(&mut rgb, &font, &mut rng);
    if word.is_some() {
        *page = DynamicImage::ImageRgb8(rgb).to_rgba8();
    }
    Ok(word)
}

/// Stamps one of [`WORDS`] `font` draws across `page`: as wide as half to
/// nine tenths of the page, turned up to 35° either way (level one time
/// in five), centred anywhere from the portrait to the zone, 25-60%
/// opaque, red, grey or blue.
fn stamp_with(page: &mut RgbImage, font: &FontArc, rng: &mut impl Rng) -> Option<&'static str> {
    let drawn: Vec<&'static str> = WORDS
        .into_iter()
        .filter(|word| word.chars().all(|c| fonts::draws(font, c)))
        .collect();
    if drawn.is_empty() {
        return None;
    }
    let word = drawn[rng.gen_range(0..drawn.len())];
    let (w, h) = (page.width() as f32, page.height() as f32);
    let width = rng.gen_range(0.5..0.9) * w;
    let (_, natural) = layout_line(font, PxScale::from(100.0), word, 0.0, 0.0, 0.0);
    let size = (100.0 * width / natural.max(1.0)).min(0.3 * h);
    let scale = PxScale::from(size);
    let (glyphs, advance) = layout_line(font, scale, word, 0.0, size, 0.0);
    let (text, _) = Mask::text(font, scale, &glyphs);
    let angle = if rng.gen_bool(0.2) {
        0.0
    } else {
        rng.gen_range(-35.0..35.0f32).to_radians()
    };
    let centre = (rng.gen_range(0.3..0.7) * w, rng.gen_range(0.3..0.92) * h);
    // Turned about a point of the word's mask half its advance across and
    // 0.65 of the size down from the mask's corner: about the middle of the
    // word, near its foot.
    let turned = turned_about(&text, (advance / 2.0, size * 0.65), angle, centre);
    let colour: Rgbf = match rng.gen_range(0..3) {
        0 => [
            rng.gen_range(180.0..230.0),
            rng.gen_range(20.0..70.0),
            rng.gen_range(30.0..70.0),
        ],
        1 => {
            let v = rng.gen_range(70.0..140.0);
            [v, v, v]
        }
        _ => [
            rng.gen_range(30.0..80.0),
            rng.gen_range(60.0..100.0),
            rng.gen_range(150.0..210.0),
        ],
    };
    turned.paint(page, 0.0, 0.0, rng.gen_range(0.25..0.6), colour);
    Some(word)
}

/// `mask` turned by `angle` (radians, clockwise on the page) about its
/// point `pivot`, which lands at `centre` of the canvas.
fn turned_about(mask: &Mask, pivot: (f32, f32), angle: f32, centre: (f32, f32)) -> Mask {
    let (sin, cos) = angle.sin_cos();
    let (pivot_x, pivot_y) = (mask.x0 as f32 + pivot.0, mask.y0 as f32 + pivot.1);
    // The canvas box the turned mask covers: its corners turned.
    let corners = [
        (mask.x0 as f32, mask.y0 as f32),
        ((mask.x0 + mask.w as i32) as f32, mask.y0 as f32),
        (mask.x0 as f32, (mask.y0 + mask.h as i32) as f32),
        (
            (mask.x0 + mask.w as i32) as f32,
            (mask.y0 + mask.h as i32) as f32,
        ),
    ]
    .map(|(x, y)| {
        let (dx, dy) = (x - pivot_x, y - pivot_y);
        (
            centre.0 + dx * cos - dy * sin,
            centre.1 + dx * sin + dy * cos,
        )
    });
    let left = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min).floor() as i32;
    let top = corners.iter().map(|c| c.1).fold(f32::MAX, f32::min).floor() as i32;
    let right = corners.iter().map(|c| c.0).fold(f32::MIN, f32::max).ceil() as i32;
    let bottom = corners.iter().map(|c| c.1).fold(f32::MIN, f32::max).ceil() as i32;
    let mut turned = Mask::empty(
        left,
        top,
        (right - left).max(0) as usize,
        (bottom - top).max(0) as usize,
    );
    for row in 0..turned.h {
        for column in 0..turned.w {
            // Turned back: where this canvas point was on the level mask.
            let (dx, dy) = (
                (left + column as i32) as f32 - centre.0,
                (top + row as i32) as f32 - centre.1,
            );
            let (x, y) = (pivot_x + dx * cos + dy * sin, pivot_y - dx * sin + dy * cos);
            turned.data[row * turned.w + column] = mask.sample(x, y);
        }
    }
    turned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_turned_a_quarter_stands_upright_about_its_pivot() {
        // A bar 40 wide and 4 high, pivot at its middle.
        let mut bar = Mask::empty(0, 0, 40, 4);
        bar.data.fill(1.0);
        let turned = turned_about(
            &bar,
            (20.0, 2.0),
            std::f32::consts::FRAC_PI_2,
            (100.0, 100.0),
        );
        assert!(turned.w <= 6 && turned.h >= 39, "{}x{}", turned.w, turned.h);
        assert!(turned.at(100, 85) > 0.5 && turned.at(100, 115) > 0.5);
        assert!(turned.at(110, 100) < 0.01);
    }
}
