//! The card number: runs of digit words on a line that form a 13-19-digit
//! number, ranked by Luhn, the brand's length and its printed grouping;
//! the regions where it is read again when unsure (its line, lines shaped
//! like a number, the usual band, strips down the card) and the rereads,
//! mended group by group or digit by digit where the readings agree.

use docrec_ocr::{Engine, Rect, SegMode, Word};
use docrec_rules::payment_card::{standard_groups, NumberCheck};
use image::GrayImage;

use super::crops::{line_crop, read_crop, read_variants, Reader, CARD_DIGITS_MODEL};
use super::expiry_places::{flattened, has_sure_words, text_rows};
use super::{checked_conf, likeliest, quad_rect, Field, NumberCandidate, ReadError};
use crate::text::{combinations, digit_reading, group_lines, Line};

/// Words of the line that read as digits, with their readings.
pub(super) fn digit_words(line: &Line) -> Vec<(&Word, String, usize)> {
    line.words
        .iter()
        .filter_map(|w| digit_reading(&w.text).map(|r| (w, r.digits, r.mapped)))
        .collect()
}

/// The most digits taken off the front of a run's first word and the end
/// of its last one: what a card's edge or the pattern beside the number
/// adds to it when read as digits.
const MOST_GLUED_FRONT: usize = 2;
const MOST_GLUED_END: usize = 3;

/// Every run of consecutive digit words on the line that makes 13-19 digits.
/// A run's first and last words are also tried without their outer digits
/// (up to [`MOST_GLUED_FRONT`] and [`MOST_GLUED_END`]): a card's edge or a
/// mark beside the number can be read as digits glued to a group
/// (`03565 7016 …`, `… 979773 7150694`).
pub(super) fn number_candidates(line: &Line) -> Vec<NumberCandidate> {
    let words = digit_words(line);
    let mut out = Vec::new();
    let cuts = (0..=MOST_GLUED_FRONT).flat_map(|f| (0..=MOST_GLUED_END).map(move |l| (f, l)));
    for start in 0..words.len() {
        for end in start..words.len() {
            // Up to 19 digits, plus the glued digits at each end.
            let len: usize = words[start..=end].iter().map(|w| w.1.len()).sum();
            if len > 19 + MOST_GLUED_FRONT + MOST_GLUED_END {
                break;
            }
            for (cut_first, cut_last) in cuts.clone() {
                let mut run = words[start..=end].to_vec();
                if cut_first + cut_last > 0 && run.len() < 2 {
                    continue;
                }
                if !trim_outer_digits(&mut run, cut_first, cut_last) {
                    continue;
                }
                let digits: usize = run.iter().map(|w| w.1.len()).sum();
                if !(13..=19).contains(&digits) {
                    continue;
                }
                let candidate = candidate_from_words(&run);
                // A cut is believed only when it leaves the groups the
                // brand prints, at a length it issues.
                let trimmed = cut_first + cut_last > 0;
                if !trimmed || (candidate.grouped_as_printed && candidate.check.length_ok) {
                    out.push(candidate);
                }
            }
        }
    }
    // A line prints one number whole: when runs pass the checks, only the
    // longest of them is the number (a shorter run that passes too, say 16
    // of a UnionPay card's 19 digits, passes by chance).
    let longest_passing = out
        .iter()
        .filter(|c| c.check.passes())
        .map(|c| c.digits.len())
        .max();
    if let Some(longest) = longest_passing {
        out.retain(|c| c.check.passes() && c.digits.len() == longest);
    }
    out
}

/// Drops `cut_first` digits from the front of the run's first word and
/// `cut_last` from the end of its last one, counting each as a mapped
/// character (a reading less sure than as printed). False when that would
/// leave a group shorter than three digits.
fn trim_outer_digits(
    run: &mut [(&Word, String, usize)],
    cut_first: usize,
    cut_last: usize,
) -> bool {
    let last = run.len() - 1;
    if cut_first > 0 {
        let first = &mut run[0];
        if first.1.len() < 3 + cut_first {
            return false;
        }
        first.1.drain(..cut_first);
        first.2 += cut_first;
    }
    if cut_last > 0 {
        let end = &mut run[last];
        if end.1.len() < 3 + cut_last {
            return false;
        }
        let keep = end.1.len() - cut_last;
        end.1.truncate(keep);
        end.2 += cut_last;
    }
    true
}

pub(super) fn candidate_from_words(words: &[(&Word, String, usize)]) -> NumberCandidate {
    let digits: String = words.iter().map(|w| w.1.as_str()).collect();
    let check = NumberCheck::of(&digits);
    let mapped: usize = words.iter().map(|w| w.2).sum();
    let printed: Vec<usize> = words.iter().map(|w| w.1.len()).collect();
    let expected = check
        .brand
        .map(|b| b.groups(digits.len()))
        .unwrap_or_else(|| standard_groups(digits.len()));
    // Groups OCR merged or split are a sign of trouble on the line.
    let layout = if printed == expected { 1.0 } else { 0.75 };
    let ocr_conf = words.iter().map(|w| w.0.conf).sum::<f32>() / words.len() as f32
        * 0.9f32.powi(mapped as i32)
        * layout;
    let rect = words
        .iter()
        .map(|w| w.0.rect)
        .reduce(|a, b| a.union(&b))
        .unwrap_or_default();
    let groups = if printed == expected {
        words
            .iter()
            .map(|w| Field {
                value: w.1.clone(),
                conf: checked_conf(w.0.conf * 0.9f32.powi(w.2 as i32), &check),
                quad: w.0.rect.to_quad(),
            })
            .collect()
    } else {
        split_evenly(&digits, &expected, rect, checked_conf(ocr_conf, &check))
    };
    NumberCandidate {
        digits,
        groups,
        check,
        ocr_conf,
        rect,
        grouped_as_printed: printed == expected,
    }
}

/// Splits a number into the brand's groups, giving each a share of `rect`
/// in proportion to its digits (the printed spacing did not survive OCR).
fn split_evenly(digits: &str, sizes: &[usize], rect: Rect, conf: f32) -> Vec<Field> {
    let per_digit = rect.width as f32 / digits.len().max(1) as f32;
    let mut offset = 0;
    sizes
        .iter()
        .map(|&size| {
            let x = rect.x + (offset as f32 * per_digit).round() as i32;
            let width = (size as f32 * per_digit).round() as u32;
            let value = digits[offset..offset + size].to_owned();
            offset += size;
            Field {
                value,
                conf,
                quad: Rect::new(x, rect.y, width, rect.height).to_quad(),
            }
        })
        .collect()
}

/// A region of the view that may print the number: its box and how high
/// its text is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LineRegion {
    pub(super) rect: Rect,
    pub(super) text_height: u32,
}

/// The regions to read again for the number, most likely first, at most
/// three, each with whether a reading from it that fails the checks is
/// still worth more than none:
/// 1. the line of the best first reading, or else a line with digit groups
///    OCR could not read whole (believed either way);
/// 2. lines shaped like a number: three or more words of one height across
///    much of the card (faint or embossed digits that OCR saw as boxes but
///    read as letters);
/// 3. on a rectified card with nothing else, the band where cards print the
///    number.
///
/// Regions 2 and 3 are believed only when their reading passes the checks
/// and is printed in its brand's groups.
pub(super) fn number_regions(
    lines: &[Line],
    first: Option<&NumberCandidate>,
    card_outline: bool,
    width: u32,
    height: u32,
) -> Vec<(LineRegion, bool)> {
    let mut regions = Vec::new();
    let found = first
        .map(|n| LineRegion {
            rect: n.rect,
            text_height: n.rect.height,
        })
        .or_else(|| {
            likely_number_line(lines).map(|l| LineRegion {
                rect: l.rect(),
                text_height: l.rect().height,
            })
        });
    regions.extend(found.map(|r| (r, true)));
    regions.extend(
        number_shaped_lines(lines, width, height)
            .into_iter()
            .map(|r| (r, false)),
    );
    if regions.is_empty() && card_outline {
        let band = usual_number_band(width, height);
        let text_height = (height as f32 * USUAL_DIGIT_HEIGHT) as u32;
        regions.push((
            LineRegion {
                rect: band,
                text_height,
            },
            false,
        ));
    }
    // One look per line: drop a region whose middle lies in an earlier one.
    let mut distinct: Vec<(LineRegion, bool)> = Vec::new();
    for (region, believable) in regions {
        let middle = region.rect.center_y();
        let seen = distinct.iter().any(|(r, _)| {
            middle > r.rect.y as f32 && middle < r.rect.bottom() as f32
                || (r.rect.center_y() > region.rect.y as f32
                    && r.rect.center_y() < region.rect.bottom() as f32)
        });
        if !seen {
            distinct.push((region, believable));
        }
    }
    distinct.truncate(3);
    distinct
}

/// Lines with three or more words of about one height (within a quarter
/// of their median) spanning at least 40% of the view, with text 3.5-16%
/// of the view's height: the shape of a printed number, whatever OCR read
/// in it, unless it read sure words there (`HANBIT BANK VISA`). Widest
/// first; each region covers only those words.
pub(super) fn number_shaped_lines(lines: &[Line], width: u32, height: u32) -> Vec<LineRegion> {
    let mut shaped: Vec<LineRegion> = lines
        .iter()
        .filter(|line| !has_sure_words(line))
        .filter_map(|line| {
            let mut heights: Vec<u32> = line.words.iter().map(|w| w.rect.height).collect();
            heights.sort_unstable();
            let median = *heights.get(heights.len() / 2)? as f32;
            let even: Vec<Rect> = line
                .words
                .iter()
                .filter(|w| (w.rect.height as f32 - median).abs() <= 0.25 * median)
                .map(|w| w.rect)
                .collect();
            let rect = even.iter().copied().reduce(|a, b| a.union(&b))?;
            let share = median / height as f32;
            (even.len() >= 3
                && rect.width as f32 >= 0.4 * width as f32
                && (0.035..=0.16).contains(&share))
            .then_some(LineRegion {
                rect,
                text_height: median as u32,
            })
        })
        .collect();
    shaped.sort_by_key(|r| std::cmp::Reverse(r.rect.width));
    shaped
}

/// How high card number digits usually are, as a share of the card's height.
const USUAL_DIGIT_HEIGHT: f32 = 0.08;

/// Where cards print the number: a band across the card a little below the
/// middle (ISO/IEC 7811 puts the embossed line there; flat cards follow it).
fn usual_number_band(width: u32, height: u32) -> Rect {
    let top = (height as f32 * 0.51) as i32;
    Rect::new(0, top, width, (height as f32 * 0.15) as u32)
}

/// Where [`number_in_band`] looks for a number the lines did not give, as
/// shares of the card's height: from above the usual number band to below
/// it, since cards move the number up or down.
const NUMBER_SEARCH_TOP: f32 = 0.40;
const NUMBER_SEARCH_BOTTOM: f32 = 0.78;

/// The number of a rectified card whose number line the first pass could
/// not place (embossed digits in light colours, read as letters or not at
/// all, and text of more contrast nearby pulling [`text_band`] away): the
/// part of the card where numbers are printed, read by the card-digit
/// model as sparse text (read as a block, the number merges with the chip
/// above it). A line there that gives a number passing the checks, in its
/// brand's groups, is then read again as a line; the better of the two
/// readings is given. `None` without the card-digit model.
pub(super) fn number_in_band(
    view: &GrayImage,
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, ReadError> {
    if !engine.has_model(CARD_DIGITS_MODEL) {
        return Ok(None);
    }
    let (width, height) = view.dimensions();
    let edge = (width as f32 * CARD_EDGE_MARGIN) as i32;
    let top = (height as f32 * NUMBER_SEARCH_TOP) as i32;
    let bottom = (height as f32 * NUMBER_SEARCH_BOTTOM) as i32;
    let band = Rect::new(
        edge,
        top,
        width.saturating_sub(2 * edge as u32),
        (bottom - top) as u32,
    );
    let digit_height = (height as f32 * USUAL_DIGIT_HEIGHT) as u32;
    let (crop, scale) = line_crop(view, band, digit_height);
    let words = read_crop(
        engine,
        Reader::CardDigits,
        &crop,
        SegMode::Sparse,
        (band.x, band.y),
        scale,
    )?;
    let Some(found) = likeliest(
        group_lines(&words)
            .iter()
            .flat_map(number_candidates)
            .filter(|c| c.check.passes() && c.grouped_as_printed),
    ) else {
        return Ok(None);
    };
    let line = LineRegion {
        rect: found.rect,
        text_height: found.rect.height,
    };
    Ok(Some(match reread_number(view, line, engine)? {
        Some(reread)
            if reread.check.passes()
                && reread.grouped_as_printed
                && reread.score() > found.score() =>
        {
            reread
        }
        _ => found,
    }))
}

/// Where [`number_in_strips`] looks, as shares of the view's height: on a
/// rectified card, the same band as [`number_in_band`]; in a whole photo,
/// most of it, since the card's place is not known.
const STRIP_SEARCH_CARD: (f32, f32) = (NUMBER_SEARCH_TOP, NUMBER_SEARCH_BOTTOM);
const STRIP_SEARCH_PHOTO: (f32, f32) = (0.25, 0.85);
/// A strip's height and the step between strips, as shares of the view's
/// height: a strip holds a number line of the usual height with a little
/// room above and below, and strips overlap so that one holds the line
/// about centred.
const STRIP_HEIGHT: f32 = 0.13;
const STRIP_STEP: f32 = 0.03;

/// The number of a card whose text the page-wide passes could not place:
/// light embossed digits on a light or finely patterned card, where
/// Tesseract's page segmentation sees stripes or nothing. Strips across
/// the search band are read one by one as single lines by the card-digit
/// model, and the first number that passes the checks in its brand's
/// groups (the checks reject what a strip of pattern reads as) is given;
/// failing that, the first printed in its brand's groups at its length
/// that fails only Luhn. `None` without the card-digit model or when no
/// strip gives either.
pub(super) fn number_in_strips(
    view: &GrayImage,
    card_outline: bool,
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, ReadError> {
    if !engine.has_model(CARD_DIGITS_MODEL) {
        return Ok(None);
    }
    let (width, height) = view.dimensions();
    let (from, to) = if card_outline {
        STRIP_SEARCH_CARD
    } else {
        STRIP_SEARCH_PHOTO
    };
    let edge = (width as f32 * CARD_EDGE_MARGIN) as i32;
    let strip_height = (height as f32 * STRIP_HEIGHT) as u32;
    let digit_height = (height as f32 * USUAL_DIGIT_HEIGHT) as u32;
    // A number printed in its brand's groups at its length that fails Luhn
    // (a specimen card's `4000 1234 5678 9010`): answered, at the lower
    // conf its checks give, when no strip gives one that passes.
    let mut printed_failing: Option<NumberCandidate> = None;
    for top in strip_starts(from, to, STRIP_HEIGHT, STRIP_STEP) {
        let strip = Rect::new(
            edge,
            (height as f32 * top) as i32,
            width.saturating_sub(2 * edge as u32),
            strip_height,
        );
        let (crop, scale) = line_crop(view, strip, digit_height);
        let words = read_crop(
            engine,
            Reader::CardDigits,
            &crop,
            SegMode::Line,
            (strip.x, strip.y),
            scale,
        )?;
        let candidates = number_candidates(&Line { words });
        let found = likeliest(
            candidates
                .iter()
                .filter(|c| c.check.passes() && c.check.luhn && c.grouped_as_printed)
                .cloned(),
        );
        if found.is_some() {
            return Ok(found);
        }
        if printed_failing.is_none() {
            printed_failing = likeliest(
                candidates
                    .into_iter()
                    .filter(|c| c.grouped_as_printed && c.check.length_ok),
            );
        }
    }
    Ok(printed_failing)
}

/// Where overlapping strips `height` high start, `step` apart, from `from`
/// while they end by `to` (in any unit).
pub(super) fn strip_starts(
    from: f32,
    to: f32,
    height: f32,
    step: f32,
) -> impl Iterator<Item = f32> {
    std::iter::successors(Some(from), move |top| Some(top + step))
        .take_while(move |top| top + height <= to)
}

/// A line that looks like a number OCR could not read whole: at least two
/// groups of three or more digits (a date or a CVV alone is not enough).
fn likely_number_line(lines: &[Line]) -> Option<&Line> {
    let groups = |l: &Line| digit_words(l).iter().filter(|w| w.1.len() >= 3).count();
    lines
        .iter()
        .filter(|l| groups(l) >= 2)
        .max_by_key(|l| digit_words(l).iter().map(|w| w.1.len()).sum::<usize>())
}

/// The share of the view's width left out on each side when a line is
/// read across the card: numbers start well inside the card.
const CARD_EDGE_MARGIN: f32 = 0.02;

/// A line of the view to read across the card: the rows its text covers
/// and the crop across the card at those rows.
pub(super) struct AcrossTheCard {
    /// The line's box moved to the rows its text covers ([`text_rows`]).
    pub(super) region: Rect,
    /// How high its text is.
    pub(super) text_height: u32,
    /// The crop: the whole width of the card bar its edges, the text's
    /// rows and `pad_y` above and below.
    pub(super) crop_rect: Rect,
    pub(super) pad_y: i32,
}

/// Where `line` is read across the card: OCR may have found only part of
/// the line, and the number spans most of the card. But not its very
/// edges: the card's border (or what lies beyond it) would be read as a
/// digit. `None` when the crop would be too small to read.
pub(super) fn across_the_card(view: &GrayImage, line: LineRegion) -> Option<AcrossTheCard> {
    let (region, text_height) = match text_rows(view, line.rect) {
        Some(rows) => (rows, rows.height),
        None => (line.rect, line.text_height),
    };
    let pad_y = (region.height as i32 / 3).max(4);
    let edge = (view.width() as f32 * CARD_EDGE_MARGIN) as i32;
    let inside = view.width().saturating_sub(2 * edge as u32);
    let crop_rect = Rect::new(edge, region.y, inside, region.height).padded_within(
        0,
        pad_y,
        view.width(),
        view.height(),
    );
    (crop_rect.width >= 8 && crop_rect.height >= 8).then_some(AcrossTheCard {
        region,
        text_height,
        crop_rect,
        pad_y,
    })
}

/// Reads the number's line alone, across the card, on several preparations, and keeps the
/// reading the checks like best; readings that agree raise its confidence.
pub(super) fn reread_number(
    view: &GrayImage,
    line: LineRegion,
    engine: &mut Engine,
) -> Result<Option<NumberCandidate>, ReadError> {
    let Some(across) = across_the_card(view, line) else {
        return Ok(None);
    };
    let AcrossTheCard {
        region,
        text_height,
        crop_rect,
        pad_y,
    } = across;
    let (upright_text, scale) = line_crop(view, crop_rect, text_height);
    let variants = [upright_text.clone(), flattened(&upright_text)];
    let mut readings_made = read_variants(
        engine,
        &variants,
        SegMode::Line,
        (crop_rect.x, crop_rect.y),
        scale,
    )?;
    // The line as OCR found it, cut close, read as a raw line: the
    // card-digit model was trained on lines cut so.
    let close = region.padded_within(region.height as i32, pad_y, view.width(), view.height());
    if close.width < crop_rect.width * 9 / 10 && close.width >= 8 {
        let (upright, scale) = line_crop(view, close, text_height);
        readings_made.extend(read_variants(
            engine,
            &[upright],
            SegMode::RawLine,
            (close.x, close.y),
            scale,
        )?);
    }
    // Which model read a number does not matter: the checks pick.
    let readings_made: Vec<Vec<Word>> = readings_made.into_iter().map(|(_, words)| words).collect();
    let attempts = readings_made.len();
    let readings: Vec<NumberCandidate> = readings_made
        .iter()
        .cloned()
        .filter_map(|words| likeliest(number_candidates(&Line { words })))
        .collect();
    let Some(best) = likeliest(readings.iter().cloned()) else {
        return Ok(None);
    };
    if !best.check.passes() {
        let mended =
            mend_one_group(&best, &readings_made).or_else(|| mend_digits(&best, &readings_made));
        if let Some(mended) = mended {
            return Ok(Some(mended));
        }
    }
    let agreeing = readings.iter().filter(|r| r.digits == best.digits).count();
    let agreement = agreeing as f32 / attempts as f32;
    let mut best = best;
    for group in &mut best.groups {
        group.conf *= 0.7 + 0.3 * agreement;
    }
    Ok(Some(best))
}

/// Mends a reading that fails the checks from the other readings of its
/// line: when one group, as most readings (two or more) give it at its
/// place, makes the number pass, that group replaces the best reading's.
/// Readings disagree on different digits, so one misread group is often
/// read right by the others. The mended number's conf is lowered.
pub(super) fn mend_one_group(
    best: &NumberCandidate,
    readings: &[Vec<Word>],
) -> Option<NumberCandidate> {
    let at_groups = readings_at_groups(best, readings);
    let mut mended: Option<(usize, NumberCandidate)> = None;
    for (i, here) in at_groups.iter().enumerate() {
        let group = &best.groups[i];
        let votes = |value: &str| here.iter().filter(|v| **v == value).count();
        for alternative in here.iter().map(String::as_str) {
            let support = votes(alternative);
            if alternative == group.value || support < 2 || support <= votes(&group.value) {
                continue;
            }
            let mut values: Vec<&str> = best.groups.iter().map(|g| g.value.as_str()).collect();
            values[i] = alternative;
            let digits: String = values.concat();
            if !NumberCheck::of(&digits).passes()
                || mended.as_ref().is_some_and(|(s, _)| *s >= support)
            {
                continue;
            }
            mended = Some((support, mended_number(best, digits)));
        }
    }
    mended.map(|(_, candidate)| candidate)
}

/// For each group of `best`, every digit word of `readings` (the line's
/// readings) as long as the group and over at least half of it: what the
/// readings give at the group's place.
fn readings_at_groups(best: &NumberCandidate, readings: &[Vec<Word>]) -> Vec<Vec<String>> {
    let words: Vec<(String, Rect)> = readings
        .iter()
        .flatten()
        .filter_map(|w| digit_reading(&w.text).map(|r| (r.digits, w.rect)))
        .collect();
    let overlaps = |a: &Rect, b: &Rect| {
        let shared = a.right().min(b.right()) - a.x.max(b.x);
        shared > 0 && shared as u32 * 2 >= a.width.min(b.width)
    };
    best.groups
        .iter()
        .map(|group| {
            let place = quad_rect(&group.quad);
            words
                .iter()
                .filter(|(digits, rect)| {
                    digits.len() == group.value.len() && overlaps(rect, &place)
                })
                .map(|(digits, _)| digits.clone())
                .collect()
        })
        .collect()
}

/// The most numbers [`mend_digits`] tries: a wrong one passes Luhn one
/// time in ten.
const MOST_MENDED_DIGITS: usize = 4;

/// Mends a reading that fails the checks digit by digit when no group
/// can be mended whole ([`mend_one_group`]): at each digit, the best
/// reading's and every other that two or more readings of its group give
/// there (an embossed `3` read `8` by some readings and `3` by others, in
/// different groups of them). Of up to [`MOST_MENDED_DIGITS`] numbers so
/// made, the one that passes the checks is answered, at lowered conf;
/// none when none or more than one passes.
pub(super) fn mend_digits(
    best: &NumberCandidate,
    readings: &[Vec<Word>],
) -> Option<NumberCandidate> {
    let at_groups = readings_at_groups(best, readings);
    let mut options: Vec<Vec<char>> = Vec::with_capacity(best.digits.len());
    for (group, here) in best.groups.iter().zip(&at_groups) {
        for (at, read) in group.value.chars().enumerate() {
            let mut counts: Vec<(char, usize)> = Vec::new();
            for digit in here.iter().filter_map(|h| h.chars().nth(at)) {
                match counts.iter_mut().find(|(c, _)| *c == digit) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((digit, 1)),
                }
            }
            let mut place = vec![read];
            place.extend(
                counts
                    .into_iter()
                    .filter(|(c, n)| *c != read && *n >= 2)
                    .map(|(c, _)| c),
            );
            options.push(place);
        }
    }
    if options.iter().all(|o| o.len() == 1) {
        return None;
    }
    options.iter().try_fold(1usize, |n, o| {
        n.checked_mul(o.len()).filter(|n| *n <= MOST_MENDED_DIGITS)
    })?;
    let lengths: Vec<usize> = options.iter().map(Vec::len).collect();
    let passing: Vec<String> = combinations(&lengths)
        .map(|choice| choice.iter().zip(&options).map(|(i, o)| o[*i]).collect())
        .filter(|digits: &String| NumberCheck::of(digits).passes())
        .collect();
    match <[String; 1]>::try_from(passing) {
        Ok([digits]) => Some(mended_number(best, digits)),
        Err(_) => None,
    }
}

/// `best` with its digits mended to `digits` (as many, in its groups):
/// each group at its place, at lowered conf, no more than [`MENDED_CONF`].
fn mended_number(best: &NumberCandidate, digits: String) -> NumberCandidate {
    let check = NumberCheck::of(&digits);
    let ocr_conf = best.ocr_conf * 0.8;
    let mut rest = digits.as_str();
    let groups = best
        .groups
        .iter()
        .map(|g| {
            let (value, after) = rest.split_at(g.value.len());
            rest = after;
            Field {
                value: value.to_owned(),
                conf: checked_conf(ocr_conf, &check).min(MENDED_CONF),
                quad: g.quad,
            }
        })
        .collect();
    NumberCandidate {
        digits,
        groups,
        check,
        ocr_conf,
        rect: best.rect,
        grouped_as_printed: best.grouped_as_printed,
    }
}

/// The highest conf a mended number's groups get: it was pieced together.
pub(super) const MENDED_CONF: f32 = 0.6;
