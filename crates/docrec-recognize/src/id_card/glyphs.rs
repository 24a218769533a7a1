//! Reading a line glyph by glyph where OCR of the line is not enough:
//! the lines of ink in a region, the last six digits of a resident number
//! (for masking), each glyph cut out and read alone, and look-alike
//! letters and digits settled by the glyph's shape.

use docrec_ocr::Rect;
use image::{GrayImage, Luma};

use super::REREAD_HEIGHT;

/// The lines of ink in `rect` of `view`, top to bottom: runs of rows that
/// hold ink (darker than halfway between the darkest hundredth and the
/// lightest twentieth), up to three rows of gap allowed, each boxed to its
/// ink.
pub(super) fn ink_lines(view: &GrayImage, rect: Rect) -> Vec<Rect> {
    let cut = rect.padded_within(0, 0, view.width(), view.height());
    if cut.width < 4 || cut.height < 4 {
        return Vec::new();
    }
    let crop = image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
        .to_image();
    let Some(threshold) = ink_threshold(&crop, 100) else {
        return Vec::new();
    };
    let inked = |x: u32, y: u32| crop.get_pixel(x, y)[0] < threshold;
    // A row holds ink when two or more of its pixels are ink: one is a speck.
    let inked_rows: Vec<bool> = (0..crop.height())
        .map(|y| (0..crop.width()).filter(|&x| inked(x, y)).count() >= 2)
        .collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (y, &ink) in (0u32..).zip(&inked_rows) {
        if !ink {
            continue;
        }
        match runs.last_mut() {
            Some((_, end)) if y <= *end + 3 => *end = y + 1,
            _ => runs.push((y, y + 1)),
        }
    }
    runs.into_iter()
        .filter_map(|(top, bottom)| {
            let columns: Vec<u32> = (0..crop.width())
                .filter(|&x| (top..bottom).any(|y| inked(x, y)))
                .collect();
            let (first, last) = (*columns.first()?, *columns.last()?);
            Some(Rect::new(
                cut.x + first as i32,
                cut.y + top as i32,
                last - first + 1,
                bottom - top,
            ))
        })
        .collect()
}

/// A glyph's width over its height from which `O` is read rather than `0`
/// (sans-serif faces: `0` 0.62-0.74, `O` 0.84-0.95), and below which `I`
/// is read rather than `1` (`I` 0.16-0.22, `1` 0.33-0.42).
const ROUND_LETTER_RATIO: f32 = 0.79;
const BAR_LETTER_RATIO: f32 = 0.27;

/// How far into a resident number's ink, as a share of its width, its
/// last six digits start at the latest. Of `dddddd-ddddddd` the seventh
/// digit (the one masking leaves) starts at about 0.49 and the eighth at
/// 0.56 (a narrow hyphen, as the card fonts print it) to 0.58 (a hyphen as
/// wide as a digit).
pub(super) const LAST_SIX_START_AT_LATEST: f32 = 0.58;

/// The part of `view` that shows the last six digits of the resident
/// number whose segment is `number`: the glyphs are told by runs of inked
/// columns (the hyphen and specks, under half the digits' height, left
/// out), and the box starts halfway into the gap before the sixth glyph
/// from the right, or at [`LAST_SIX_START_AT_LATEST`] of the ink when
/// that is further left (glyphs that touch count as one: masking then
/// covers more, never less). It runs to the segment's right end, and a
/// tenth of its height beyond it, above and below.
pub(super) fn last_six_digits(view: &GrayImage, number: Rect) -> Rect {
    let pad = (number.height / 10) as i32;
    let cut = number.padded_within(0, 0, view.width(), view.height());
    let from = |x: i32| {
        Rect::new(
            x,
            number.y,
            (number.right() + pad - x).max(1) as u32,
            number.height,
        )
        .padded_within(0, pad, view.width(), view.height())
    };
    let at_latest = from(number.x + (number.width as f32 * LAST_SIX_START_AT_LATEST) as i32);
    if cut.width < 4 || cut.height < 4 {
        return at_latest;
    }
    let crop = image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
        .to_image();
    let Some(threshold) = ink_threshold(&crop, 20) else {
        return at_latest;
    };
    // The first and last inked row of a column.
    let column_ink = |x: u32| {
        let mut rows = (0..crop.height()).filter(|&y| crop.get_pixel(x, y)[0] < threshold);
        let top = rows.next()?;
        Some((top, rows.next_back().unwrap_or(top)))
    };
    // Each run of inked columns: where it starts and ends, and the height
    // its ink spans.
    let mut glyphs: Vec<(u32, u32, u32)> = Vec::new();
    let mut open: Option<(u32, u32, u32)> = None;
    for x in 0..=crop.width() {
        let ink = if x < crop.width() {
            column_ink(x)
        } else {
            None
        };
        open = match (open, ink) {
            (Some((start, top, bottom)), Some((t, b))) => Some((start, top.min(t), bottom.max(b))),
            (None, Some((t, b))) => Some((x, t, b)),
            (Some((start, top, bottom)), None) => {
                glyphs.push((start, x, bottom - top + 1));
                None
            }
            (None, None) => None,
        };
    }
    let tallest = glyphs.iter().map(|g| g.2).max().unwrap_or(0);
    let glyphs: Vec<(u32, u32)> = glyphs
        .into_iter()
        .filter(|g| g.2 * 2 >= tallest)
        .map(|(start, end, _)| (start, end))
        .collect();
    let (Some(first), Some(last)) = (glyphs.first(), glyphs.last()) else {
        return at_latest;
    };
    let latest = first.0 as f32 + (last.1 - first.0) as f32 * LAST_SIX_START_AT_LATEST;
    let start = match glyphs.len() {
        n if n >= 7 => (glyphs[n - 7].1 as f32 + glyphs[n - 6].0 as f32) / 2.0,
        _ => latest,
    };
    from(cut.x + start.min(latest).floor() as i32)
}

/// The level below which a pixel of `image` is ink: halfway between its
/// darkest `1/ink_share` and its lightest twentieth; `None` when the two
/// are too close for the image to hold text.
fn ink_threshold(image: &GrayImage, ink_share: usize) -> Option<u8> {
    let mut levels: Vec<u8> = image.pixels().map(|p| p[0]).collect();
    if levels.is_empty() {
        return None;
    }
    levels.sort_unstable();
    let ink = levels[levels.len() / ink_share];
    let paper = levels[levels.len() - 1 - levels.len() / 20];
    (paper > ink.saturating_add(40)).then_some(((ink as u16 + paper as u16) / 2) as u8)
}

/// The column spans of the words in a line's cut, and the text's height:
/// runs of columns holding ink (darker than halfway between the darkest
/// and the lightest twentieth), parted where half the text's height or
/// more is blank.
pub(super) fn word_spans(cut: &GrayImage) -> (Vec<(u32, u32)>, u32) {
    let Some(threshold) = ink_threshold(cut, 20) else {
        return (Vec::new(), 0);
    };
    let inked: Vec<bool> = (0..cut.width())
        .map(|x| (0..cut.height()).any(|y| cut.get_pixel(x, y)[0] < threshold))
        .collect();
    let inked_rows: Vec<u32> = (0..cut.height())
        .filter(|&y| (0..cut.width()).any(|x| cut.get_pixel(x, y)[0] < threshold))
        .collect();
    let text_height = match (inked_rows.first(), inked_rows.last()) {
        (Some(top), Some(bottom)) => bottom - top + 1,
        _ => return (Vec::new(), 0),
    };
    let word_gap = (text_height / 2).max(1);
    let top = inked_rows[0];
    // A run of columns whose ink is all in the text's lower third is a dot.
    let is_dot = |from: u32, to: u32| {
        (0..cut.height())
            .filter(|&y| (from..to).any(|x| cut.get_pixel(x, y)[0] < threshold))
            .all(|y| y > top + text_height * 2 / 3)
    };
    // Each word's runs of inked columns: its glyphs and marks.
    let mut words: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut x = 0;
    while x < cut.width() {
        if !inked[x as usize] {
            x += 1;
            continue;
        }
        let start = x;
        while x < cut.width() && inked[x as usize] {
            x += 1;
        }
        match words.last_mut() {
            Some(runs) if start - runs.last().map_or(0, |r| r.1) < word_gap => {
                runs.push((start, x))
            }
            _ => words.push(vec![(start, x)]),
        }
    }
    // A word's trailing dot is left out: a digit read with the dot after
    // it comes out as letters.
    let spans = words
        .into_iter()
        .filter_map(|mut runs| {
            while runs.len() > 1 && runs.last().is_some_and(|&(a, b)| is_dot(a, b)) {
                runs.pop();
            }
            Some((runs.first()?.0, runs.last()?.1))
        })
        .collect();
    (spans, text_height)
}

/// A glyph cut out of `view` alone, on white paper half its height wide on
/// every side, scaled for reading.
pub(super) fn glyph_cut(view: &GrayImage, rect: Rect) -> GrayImage {
    let margin = rect.height / 2;
    let cut = rect.padded_within(0, (rect.height / 8) as i32, view.width(), view.height());
    let mut cell =
        GrayImage::from_pixel(cut.width + 2 * margin, cut.height + 2 * margin, Luma([255]));
    image::imageops::replace(
        &mut cell,
        &image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
            .to_image(),
        margin as i64,
        margin as i64,
    );
    docrec_ocr::preprocess::scale_to_height(&cell, REREAD_HEIGHT).0
}

/// The least confidence a glyph read alone needs to replace the line's
/// reading of it.
pub(super) const GLYPH_CONF: f32 = 0.8;

/// How much larger than the view glyphs are measured.
const GLYPH_ZOOM: u32 = 4;

/// One glyph printed in a box: where it is in the view, and its width
/// over its height.
#[derive(Debug, Clone, Copy)]
pub(super) struct Glyph {
    pub(super) rect: Rect,
    ratio: f32,
}

/// The glyphs printed in `rect` of `view`, left to right: runs of columns
/// holding ink, ink being darker than halfway between the darkest
/// `1/ink_share` of the box and its lightest twentieth.
///
/// With `expected` glyphs and fewer runs (a blurred photo runs glyphs
/// together), the widest run, when wider than 1.2 times the text's height,
/// is parted at its faintest column, within its middle half, until there
/// are as many.
pub(super) fn glyphs_in(
    view: &GrayImage,
    rect: Rect,
    ink_share: usize,
    expected: usize,
) -> Vec<Glyph> {
    let cut = rect.padded_within(2, 2, view.width(), view.height());
    if cut.width < 4 || cut.height < 4 {
        return Vec::new();
    }
    // Measured four times as large, so that a pixel's worth of width (a
    // sixteenth of the glyph's height) is not lost to rounding.
    let crop = docrec_ocr::resample::resize(
        &image::imageops::crop_imm(view, cut.x as u32, cut.y as u32, cut.width, cut.height)
            .to_image(),
        cut.width * GLYPH_ZOOM,
        cut.height * GLYPH_ZOOM,
        image::imageops::FilterType::CatmullRom,
    );
    let Some(threshold) = ink_threshold(&crop, ink_share) else {
        return Vec::new();
    };
    let inked = |x: u32, y: u32| crop.get_pixel(x, y)[0] < threshold;
    let column_ink: Vec<usize> = (0..crop.width())
        .map(|x| (0..crop.height()).filter(|&y| inked(x, y)).count())
        .collect();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut x = 0;
    while x < crop.width() {
        if column_ink[x as usize] == 0 {
            x += 1;
            continue;
        }
        let start = x;
        while x < crop.width() && column_ink[x as usize] > 0 {
            x += 1;
        }
        runs.push((start, x));
    }
    let ink_rows = (0..crop.height())
        .filter(|&y| (0..crop.width()).any(|x| inked(x, y)))
        .count() as u32;
    while runs.len() < expected {
        let Some((widest, &(start, end))) = runs.iter().enumerate().max_by_key(|(_, r)| r.1 - r.0)
        else {
            break;
        };
        // Two glyphs side by side are wider than the widest capital (`M`
        // or `W`, about as wide as high).
        if 5 * (end - start) < 6 * ink_rows {
            break;
        }
        let quarter = (end - start) / 4;
        let Some(cut_at) = (start + quarter..end - quarter).min_by_key(|&x| column_ink[x as usize])
        else {
            break;
        };
        runs.splice(widest..=widest, [(start, cut_at), (cut_at, end)]);
    }
    let mut shapes = Vec::new();
    for (start, x) in runs {
        let rows: Vec<u32> = (0..crop.height())
            .filter(|&y| (start..x).any(|cx| inked(cx, y)))
            .collect();
        if let (Some(top), Some(bottom)) = (rows.first(), rows.last()) {
            let zoom = GLYPH_ZOOM as i32;
            shapes.push(Glyph {
                rect: Rect::new(
                    cut.x + start as i32 / zoom,
                    cut.y + *top as i32 / zoom,
                    ((x - start) / GLYPH_ZOOM).max(1),
                    ((bottom - top + 1) / GLYPH_ZOOM).max(1),
                ),
                ratio: (x - start) as f32 / (bottom - top + 1) as f32,
            });
        }
    }
    shapes
}

/// `reading` with each `O`/`0` and `I`/`1` told by the shape of its glyph
/// (when there is one glyph per character), and how many such characters
/// it has.
pub(super) fn settle_look_alikes(reading: &str, glyphs: &[Glyph]) -> (String, usize) {
    let chars: Vec<char> = reading.chars().collect();
    let look_alikes = chars
        .iter()
        .filter(|c| matches!(c, 'O' | '0' | 'I' | '1'))
        .count();
    if glyphs.len() != chars.len() {
        return (reading.to_owned(), look_alikes);
    }
    let settled = chars
        .iter()
        .zip(glyphs)
        .map(|(c, glyph)| match c {
            'O' | '0' if glyph.ratio >= ROUND_LETTER_RATIO => 'O',
            'O' | '0' => '0',
            'I' | '1' if glyph.ratio < BAR_LETTER_RATIO => 'I',
            'I' | '1' => '1',
            other => *other,
        })
        .collect();
    (settled, look_alikes)
}
