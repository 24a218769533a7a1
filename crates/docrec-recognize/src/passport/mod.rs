//! Passports' data pages (ICAO Doc 9303): the `passport` keys of API.md
//! §4.4, answered by the ID-card API beside resident cards and licences.
//!
//! Takes a grey upload (as [`crate::id_card`] does) and an engine with
//! [`MRZ_MODEL`]; gives an [`IdCard`] of type [`IdType::Passport`] (every
//! passport key in the API's order with its value, confidence and box in
//! the upload; masking over the personal number), or nothing when no
//! machine-readable zone in the upload reads as one.
//!
//! The steps:
//! 1. a zone by its ink, at a tilt or none, placing the page (`page`);
//!    when asked ([`Orientations::Sideways`]), also a zone turned by any
//!    angle, by its characters' marks (`marks`); nothing more is done for
//!    an upload without one;
//! 2. views: the page's outline (a TD3 page's shape) rectified, the page
//!    the zone places, the whole upload; turned a quarter when asked
//!    ([`Orientations`]);
//! 3. the zone, found by layout (or where its marks lay) and read line by
//!    line with [`MRZ_MODEL`], its characters chosen by the check digits
//!    (`zone`); the right way up or half a turn; a passport's only when
//!    well formed and most checks pass;
//! 4. the visual zone above it for the date of issue, the Korean name and
//!    the personal number's printed copy (`visual`), and the words of the
//!    name and the document code it prints differently by a letter or two
//!    put as printed (`names`);
//! 5. the keys: the MRZ's fields as printed, its dates also as `YYYYMMDD`
//!    (the century by the date's role), each field's confidence its
//!    characters' (their mean under a check digit, else the least), lowered
//!    where its check fails, and its box its characters' share of the
//!    line.

use docrec_ocr::detect::{find_quad, rectify, rectify_as_found, Rectified};
use docrec_ocr::preprocess::flatten_paper;
use docrec_ocr::{Engine, OcrError, Quad, Rect};
use docrec_rules::mrz::{
    field_positions, full_date, is_icao_code, CharAlternatives, DateRole, MrzField,
};
use image::GrayImage;

use crate::api::KeyValue;
use crate::context::ReadContext;
use crate::id_card::{IdCard, IdKey, IdType, PassportKey, PASSPORT_KEYS};

mod marks;
mod names;
mod page;
mod visual;
mod zone;

use marks::page_by_marks;
use names::confirmed_by_visual_zone;
use page::page_by_zone;
use visual::{read_visual_zone, VisualZone};
pub use zone::MRZ_MODEL;
use zone::{box_by_glyphs, read_zone, well_checked, zone_candidates, ZoneReading};

/// A TD3 data page's width over its height (125 × 88 mm).
const PAGE_ASPECT: f32 = 125.0 / 88.0;

/// The width a page's outline is rectified to: a zone's character is then
/// about 20 pixels across.
const VIEW_WIDTH: u32 = 1000;

/// The longest side the whole upload is read at (a page covering a third
/// of a photo keeps its zone's characters 10 pixels across or more).
const WHOLE_VIEW_WIDTH: u32 = 1600;

/// The share of the upload a page its zone places covers at least when
/// the upload is a scan of the page (the place reaches a little beyond the
/// page's edges, and is cut at the upload's): no outline is looked for.
const FRAME_FILLED: f32 = 0.9;

/// How much a field's confidence keeps when its check digit fails.
const FAILED_CHECK: f32 = 0.5;

/// The confidence of a character [`docrec_rules::mrz::choose`] chose
/// though the model did not list it (a digit for a letter it read, by
/// their likeness).
const UNLISTED_CHAR_CONF: f32 = 0.3;

/// Which turns of the upload to look for a zone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Orientations {
    /// The page's outline (any way up) and the whole upload as it lies
    /// (landscape, upright or upside down): cheap, tried first.
    AsUploaded,
    /// The whole upload a quarter turned, and then a zone turned by any
    /// angle ([`marks`]): a page photographed sideways or askew, tried when
    /// nothing else read.
    Sideways,
}

/// The passport `image` shows, when a zone in one of its `orientations`
/// reads as an MRZ most of whose checks pass.
pub(crate) fn read_passport(
    image: &GrayImage,
    engine: &mut Engine,
    context: &ReadContext,
    orientations: Orientations,
) -> Result<Option<IdCard>, OcrError> {
    let zone_views = page_by_zone(image, orientations)
        .map(|page| views(image, orientations, page))
        .into_iter()
        .flatten()
        .map(|view| (view, None));
    // A page turned by any angle is looked for only after the card's
    // reading failed, and only when the level look read no passport; its
    // zone's lines are where its marks lie.
    let turned_view = std::iter::once_with(|| match orientations {
        Orientations::AsUploaded => None,
        Orientations::Sideways => page_by_marks(image).map(|marked| {
            let view = placed(image, marked.page);
            let lines = marked.lines_in(view.image.width(), view.image.height());
            (view, Some(lines))
        }),
    });
    let mut best: Option<(Rectified, ZoneReading)> = None;
    'views: for (view, marked_lines) in zone_views.chain(turned_view.flatten()) {
        let flat = flatten_paper(&view.image);
        let marked_zone = marked_lines.map(|mut lines| {
            box_by_glyphs(&flat, &mut lines);
            lines
        });
        let candidates: Vec<Vec<Rect>> = marked_zone
            .into_iter()
            .chain(zone_candidates(&flat))
            .collect();
        tracing::trace!(
            zones = candidates.len(),
            ?orientations,
            "passport zones by ink"
        );
        for lines in candidates {
            context.count_look();
            let reading = read_zone(engine, &flat, &lines)?;
            tracing::trace!(
                lines = lines.len(),
                checks = reading.as_ref().map(|r| r.mrz.checks.passed()),
                well_formed = reading.as_ref().map(|r| r.mrz.is_well_formed()),
                "passport zone read"
            );
            let Some(reading) = reading else {
                continue;
            };
            let settled = reading.mrz.checks.all_pass() && reading.mrz.is_well_formed();
            if best.as_ref().is_none_or(|(_, b)| ranks_above(&reading, b)) {
                best = Some((view.clone(), reading));
            }
            if settled {
                break 'views;
            }
        }
    }
    let Some((view, zone)) = best.filter(|(_, zone)| zone.is_passport()) else {
        return Ok(None);
    };
    let (view, mut zone) = upright(view, zone);
    let flat = flatten_paper(&view.image);
    let zone_top = zone.lines.iter().map(|line| line.y).min().unwrap_or(0);
    let visual = read_visual_zone(
        engine,
        &flat,
        zone_top.max(0) as u32,
        &zone.mrz,
        context.today(),
    )?;
    confirmed_by_visual_zone(&mut zone, &visual.latin_words);
    Ok(Some(passport_card(&view, &zone, &visual, context.today())))
}

/// The views of `image` a zone is looked for in, most likely first, each
/// made only when the ones before it did not settle the zone: the page's
/// outline when one is found (any way up; not looked for when `page`
/// fills the upload), the page its zone places
/// (`page`, [`page_by_zone`]), the whole upload.
fn views(
    image: &GrayImage,
    orientations: Orientations,
    page: Quad,
) -> impl Iterator<Item = Rectified> + '_ {
    // A page that fills the frame (a scan) has no outline to find.
    let frame_area = image.width() as f32 * image.height() as f32;
    let may_show_outline = page.area() < FRAME_FILLED * frame_area;
    let outline = move || match orientations {
        Orientations::AsUploaded if may_show_outline => find_quad(image, PAGE_ASPECT)
            .map(|quad| rectify(image, Some(quad), VIEW_WIDTH, PAGE_ASPECT)),
        _ => None,
    };
    let whole = move || {
        let long_side = image.width().max(image.height()).min(WHOLE_VIEW_WIDTH);
        let whole = rectify(image, None, long_side, PAGE_ASPECT);
        match orientations {
            Orientations::AsUploaded => whole,
            Orientations::Sideways => whole.rotated_quarter(true),
        }
    };
    std::iter::once_with(outline)
        .flatten()
        .chain(std::iter::once_with(move || placed(image, page)))
        .chain(std::iter::once_with(whole))
}

/// The page `page` places, rectified to about [`VIEW_WIDTH`] across.
fn placed(image: &GrayImage, page: Quad) -> Rectified {
    let across = (page.side(0) + page.side(2)) / 2.0;
    let down = (page.side(1) + page.side(3)) / 2.0;
    let short_side = VIEW_WIDTH as f32 * across.min(down) / across.max(1.0);
    rectify_as_found(image, Some(page), short_side.round() as u32)
}

/// Whether reading `a` is better than `b`: well formed, then more checks
/// pass, then surer.
fn ranks_above(a: &ZoneReading, b: &ZoneReading) -> bool {
    (well_checked(&a.mrz), a.conf) > (well_checked(&b.mrz), b.conf)
}

impl ZoneReading {
    /// Whether the zone is a passport's: well formed (codes, sex and dates
    /// as they may be), and more than half its checks pass.
    fn is_passport(&self) -> bool {
        self.mrz.is_well_formed() && 2 * self.mrz.checks.passed() > self.mrz.checks.total()
    }
}

/// The view the right way up and the zone in it: a zone read upside down
/// is in the view turned half a turn.
fn upright(view: Rectified, mut zone: ZoneReading) -> (Rectified, ZoneReading) {
    if !zone.upside_down {
        return (view, zone);
    }
    let (width, height) = (view.image.width() as i32, view.image.height() as i32);
    for line in &mut zone.lines {
        *line = Rect::new(
            width - line.right(),
            height - line.bottom(),
            line.width,
            line.height,
        );
    }
    zone.upside_down = false;
    (view.rotated_180(), zone)
}

/// The passport's keys, in the API's order, with boxes in the upload.
fn passport_card(
    view: &Rectified,
    zone: &ZoneReading,
    visual: &VisualZone,
    today: (i32, u32, u32),
) -> IdCard {
    let fields = MrzFields { zone, today };
    let key_values = PASSPORT_KEYS
        .iter()
        .map(|&key| {
            let found = match key {
                IdKey::Passport(key) => fields.value(key, visual),
                _ => None,
            };
            match found {
                Some((value, conf, rect)) => KeyValue {
                    key,
                    value,
                    conf,
                    quad: view.to_original(rect),
                },
                None => KeyValue::unread(key),
            }
        })
        .collect();
    let personal = fields.box_of(MrzField::OptionalData);
    let masking = (!zone.mrz.optional_data.is_empty())
        .then_some(personal)
        .into_iter()
        .chain(visual.personal_number)
        .map(|rect| view.to_original(rect))
        .collect();
    IdCard {
        id_type: IdType::Passport,
        key_values,
        lines: zone
            .lines
            .iter()
            .chain(&visual.lines)
            .map(|rect| view.to_original(*rect))
            .collect(),
        masking,
    }
}

/// What vouches for a field's characters, and whether it holds.
#[derive(Debug, Clone, Copy)]
enum Vouched {
    /// The field's check digit (a document number, a date).
    ByCheckDigit(bool),
    /// Only the field's form (a code the ICAO list knows, a sex).
    ByForm(bool),
}

/// The MRZ's fields with their confidences and boxes in the view.
struct MrzFields<'a> {
    zone: &'a ZoneReading,
    today: (i32, u32, u32),
}

impl MrzFields<'_> {
    /// The value, confidence and box (in the view) of `key`, when read.
    fn value(&self, key: PassportKey, visual: &VisualZone) -> Option<(String, f32, Rect)> {
        let mrz = &self.zone.mrz;
        let checks = &mrz.checks;
        let field =
            |field: MrzField, value: &str, vouched: Vouched| self.field(field, value, vouched);
        let checked = Vouched::ByCheckDigit;
        let date = |field: MrzField, yymmdd: &str, role: DateRole, passes: bool| {
            let full = full_date(yymmdd, role, self.today)?;
            self.field(field, &full, checked(passes))
        };
        match key {
            PassportKey::PassportType => field(
                MrzField::DocumentCode,
                &mrz.document_code,
                Vouched::ByForm(true),
            ),
            PassportKey::CountryCode => field(
                MrzField::IssuingState,
                &mrz.issuing_state,
                Vouched::ByForm(is_icao_code(&mrz.issuing_state)),
            ),
            PassportKey::PassportNo => field(
                MrzField::DocumentNumber,
                &mrz.document_number,
                checked(checks.document_number),
            ),
            PassportKey::SurName => self.name_part(&mrz.surname, true),
            PassportKey::GivenName => self.name_part(&mrz.given_names, false),
            PassportKey::Nationality => field(
                MrzField::Nationality,
                &mrz.nationality,
                Vouched::ByForm(is_icao_code(&mrz.nationality)),
            ),
            PassportKey::DateOfBirth => field(
                MrzField::BirthDate,
                &mrz.birth_date,
                checked(checks.birth_date),
            ),
            PassportKey::DateOfBirthYmd => date(
                MrzField::BirthDate,
                &mrz.birth_date,
                DateRole::Birth,
                checks.birth_date,
            ),
            PassportKey::Sex => field(MrzField::Sex, &mrz.sex.to_string(), Vouched::ByForm(true)),
            PassportKey::DateOfIssue => visual
                .issue_date
                .as_ref()
                .map(|(printed, _, conf, rect)| (printed.clone(), *conf, *rect)),
            PassportKey::DateOfIssueYmd => visual
                .issue_date
                .as_ref()
                .map(|(_, ymd, conf, rect)| (ymd.clone(), *conf, *rect)),
            PassportKey::DateOfExpiry => field(
                MrzField::ExpiryDate,
                &mrz.expiry_date,
                checked(checks.expiry_date),
            ),
            PassportKey::DateOfExpiryYmd => date(
                MrzField::ExpiryDate,
                &mrz.expiry_date,
                DateRole::Expiry,
                checks.expiry_date,
            ),
            PassportKey::KoreanName => visual.korean_name.clone(),
            PassportKey::PersonalNo => field(
                MrzField::OptionalData,
                &mrz.optional_data,
                checked(checks.optional_data.unwrap_or(true)),
            ),
            PassportKey::Mrz1 => self.line(0),
            PassportKey::Mrz2 => self.line(1),
        }
    }

    /// A field's value with the confidence of its characters (their mean
    /// when a check digit vouches for them, else the least; kept by
    /// [`FAILED_CHECK`] when the check or the form fails) and its box;
    /// `None` when empty.
    fn field(&self, field: MrzField, value: &str, vouched: Vouched) -> Option<(String, f32, Rect)> {
        if value.is_empty() {
            return None;
        }
        let positions = field_positions(self.zone.mrz.format, field);
        let (conf, passes) = match vouched {
            Vouched::ByCheckDigit(passes) => (self.conf_over(&positions), passes),
            Vouched::ByForm(passes) => (self.least_conf_over(&positions), passes),
        };
        let kept = if passes { 1.0 } else { FAILED_CHECK };
        Some((value.to_owned(), conf * kept, self.box_of(field)))
    }

    /// The surname (`surname`) or given names of the name field, boxed by
    /// their share of it.
    fn name_part(&self, part: &str, surname: bool) -> Option<(String, f32, Rect)> {
        if part.is_empty() {
            return None;
        }
        let positions = field_positions(self.zone.mrz.format, MrzField::Name);
        let (line, range) = positions.first()?.clone();
        let text = self.zone.mrz.lines.get(line)?;
        let field = text.get(range.clone())?;
        let split = field.find("<<").unwrap_or(field.len());
        let given_end = field.trim_end_matches('<').len().max(split);
        let part_range = if surname {
            range.start..range.start + split
        } else {
            (range.start + split + 2).min(range.end)..range.start + given_end
        };
        // No check digit covers a name: as sure as its least sure letter.
        let conf = self.least_conf_over(&[(line, part_range.clone())]);
        Some((part.to_owned(), conf, self.span_box(line, part_range)))
    }

    /// A line of the zone as chosen, with its confidence (its characters'
    /// mean when every check passes and the line holds no name, which no
    /// check digit covers; else the least sure character's) and box.
    fn line(&self, line: usize) -> Option<(String, f32, Rect)> {
        let text = self.zone.mrz.lines.get(line)?;
        let rect = *self.zone.lines.get(line)?;
        let name_line = field_positions(self.zone.mrz.format, MrzField::Name)
            .first()
            .map(|(line, _)| *line);
        let span = [(line, 0..text.len())];
        let conf = if self.zone.mrz.checks.all_pass() && name_line != Some(line) {
            self.conf_over(&span)
        } else {
            self.least_conf_over(&span)
        };
        Some((text.clone(), conf, rect))
    }

    /// The mean confidence the model gave the chosen characters at
    /// `positions`.
    fn conf_over(&self, positions: &[(usize, std::ops::Range<usize>)]) -> f32 {
        let confs = self.confs_at(positions);
        if confs.is_empty() {
            0.0
        } else {
            confs.iter().sum::<f32>() / confs.len() as f32
        }
    }

    /// The least confidence the model gave a chosen character at
    /// `positions`.
    fn least_conf_over(&self, positions: &[(usize, std::ops::Range<usize>)]) -> f32 {
        let confs = self.confs_at(positions);
        confs.iter().copied().reduce(f32::min).unwrap_or(0.0)
    }

    /// The confidences of the chosen characters at `positions`.
    fn confs_at(&self, positions: &[(usize, std::ops::Range<usize>)]) -> Vec<f32> {
        let mut confs = Vec::new();
        for (line, range) in positions {
            let (Some(chosen), Some(read)) =
                (self.zone.mrz.lines.get(*line), self.zone.read.get(*line))
            else {
                continue;
            };
            let at = chosen.chars().zip(read).skip(range.start).take(range.len());
            confs.extend(at.map(|(c, alternatives)| conf_of(c, alternatives)));
        }
        confs
    }

    /// The box of `field`'s characters (its first span's).
    fn box_of(&self, field: MrzField) -> Rect {
        let positions = field_positions(self.zone.mrz.format, field);
        match positions.first() {
            Some((line, range)) => self.span_box(*line, range.clone()),
            None => Rect::default(),
        }
    }

    /// The box of characters `range` of line `line`: their share of the
    /// line's box (the zone's face is monospaced).
    fn span_box(&self, line: usize, range: std::ops::Range<usize>) -> Rect {
        let Some(rect) = self.zone.lines.get(line) else {
            return Rect::default();
        };
        let length = self.zone.mrz.format.line_length().max(1) as f32;
        let pitch = rect.width as f32 / length;
        Rect::new(
            rect.x + (pitch * range.start as f32).round() as i32,
            rect.y,
            (pitch * range.len() as f32).round().max(1.0) as u32,
            rect.height,
        )
    }
}

/// The confidence the model gave `c` among `alternatives`, or
/// [`UNLISTED_CHAR_CONF`].
fn conf_of(c: char, alternatives: &CharAlternatives) -> f32 {
    alternatives
        .iter()
        .find(|(a, _)| *a == c)
        .map_or(UNLISTED_CHAR_CONF, |(_, conf)| *conf)
}
