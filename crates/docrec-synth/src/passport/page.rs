//! Drawing a data page: its templates (where the photo, the labels and the
//! values sit, the label style, the ground), the visual zone's heading and
//! labelled fields, and the machine-readable zone at fixed pitch.
//!
//! Takes: what the page prints ([`Printed`] and its MRZ lines), a
//! [`PassportTemplate`], the faces to draw with ([`Pens`]) and a random
//! generator. Gives: the page as an [`RgbImage`] ([`draw`]).
//!
//! Geometry: the page is ICAO's TD3 (125 × 88 mm) at [`PX_PER_MM`] pixels
//! a millimetre; the MRZ's 44 characters sit at its 2.54 mm pitch,
//! centred, its second line's baseline about 5 mm above the bottom edge,
//! its characters 29-35 pixels tall (about 2.5 mm).

use ab_glyph::{FontArc, PxScale};
use image::RgbImage;
use rand::Rng;

use super::content::Printed;
use super::ground::{self, Pattern};
use crate::draw::{advance, layout_line, paint_text, Mask, Placed, Rgbf};
use crate::fonts::{self, FaceGroup};

/// Pixels a millimetre: the page is 1600 pixels across.
pub const PX_PER_MM: f32 = 12.8;
/// The data page's size in pixels (TD3, 125 × 88 mm).
pub const PAGE_SIZE: (u32, u32) = (1600, 1126);
/// The MRZ's character pitch: 2.54 mm.
const MRZ_PITCH: f32 = 2.54 * PX_PER_MM;

/// How a field's label sits by its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// A small label over the value.
    Stacked,
    /// A small label before the value, on its baseline.
    Inline,
}

/// A layout of the data page; each belongs to one [`FaceGroup`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PassportTemplate {
    /// Its name in truth records.
    pub name: &'static str,
    /// The photo on the left, the fields on its right.
    photo_left: bool,
    labels: LabelStyle,
    /// Between a Korean label and its English: `/` (`성/Surname`) or a
    /// space (`성 Surname`).
    separator: &'static str,
    pattern: Pattern,
    /// The heading centred over the page rather than over the fields.
    header_centered: bool,
    /// The MRZ on a plain white band (else the ground, faded, runs on).
    mrz_band: bool,
    /// A faded second copy of the photo among the fields.
    ghost: bool,
    /// Range of the text size, as a factor of the usual size.
    text_scale: (f32, f32),
    /// Range of the photo's width, a share of the page's.
    photo_width: (f32, f32),
}

#[allow(clippy::too_many_arguments)]
const fn template(
    name: &'static str,
    photo_left: bool,
    labels: LabelStyle,
    separator: &'static str,
    pattern: Pattern,
    (header_centered, mrz_band, ghost): (bool, bool, bool),
    text_scale: (f32, f32),
    photo_width: (f32, f32),
) -> PassportTemplate {
    PassportTemplate {
        name,
        photo_left,
        labels,
        separator,
        pattern,
        header_centered,
        mrz_band,
        ghost,
        text_scale,
        photo_width,
    }
}

use LabelStyle::{Inline, Stacked};
use Pattern::{Mesh, Rosette, Waves};

// Every group has the photo on either side, stacked and inline labels and
// two of the grounds; the held-out groups combine them otherwise, with
// other sizes.
#[rustfmt::skip]
const DEVELOPMENT_TEMPLATES: [PassportTemplate; 3] = [
    template("photo-left-stacked", true, Stacked, "/", Waves, (false, false, true),
        (0.95, 1.05), (0.26, 0.29)),
    template("photo-left-inline", true, Inline, "/", Rosette, (true, true, false),
        (0.9, 1.0), (0.25, 0.28)),
    template("photo-right-stacked", false, Stacked, " ", Mesh, (false, false, false),
        (0.95, 1.06), (0.25, 0.28)),
];
#[rustfmt::skip]
const VALIDATION_TEMPLATES: [PassportTemplate; 2] = [
    template("photo-left-stacked-banded", true, Stacked, " ", Mesh, (true, true, true),
        (0.9, 1.0), (0.27, 0.3)),
    template("photo-right-inline", false, Inline, "/", Waves, (false, false, true),
        (0.92, 1.04), (0.24, 0.27)),
];
#[rustfmt::skip]
const TEST_TEMPLATES: [PassportTemplate; 2] = [
    template("photo-left-inline-mesh", true, Inline, " ", Mesh, (false, false, true),
        (0.96, 1.08), (0.24, 0.27)),
    template("photo-right-stacked-rosette", false, Stacked, "/", Rosette,
        (true, true, false), (0.88, 0.98), (0.26, 0.3)),
];

impl PassportTemplate {
    /// The templates passports of `group` are drawn with.
    pub fn of_group(group: FaceGroup) -> &'static [PassportTemplate] {
        match group {
            FaceGroup::Development => &DEVELOPMENT_TEMPLATES,
            FaceGroup::Validation => &VALIDATION_TEMPLATES,
            FaceGroup::Test => &TEST_TEMPLATES,
        }
    }
}

/// The faces a page is drawn with.
pub struct Pens {
    /// Labels and values of the visual zone.
    pub text: FontArc,
    /// The heading.
    pub title: FontArc,
    /// The MRZ.
    pub mrz: FontArc,
}

/// One labelled field.
struct Cell {
    label: String,
    value: String,
}

/// A label: Korean and English joined by `separator` on a Korean page,
/// the English alone on a foreign one.
fn label(korean_page: bool, ko: &str, en: &str, separator: &str) -> String {
    match (korean_page, en.is_empty()) {
        (false, _) => en.to_owned(),
        (true, true) => ko.to_owned(),
        (true, false) => format!("{ko}{separator}{en}"),
    }
}

/// The visual zone's fields, row by row.
fn rows(p: &Printed, separator: &str) -> Vec<Vec<Cell>> {
    let korean = p.state == "KOR";
    let cell = |ko: &str, en: &str, value: String| Cell {
        label: label(korean, ko, en, separator),
        value,
    };
    let mut out = vec![
        vec![
            cell("종류", "Type", p.doc_code.to_owned()),
            cell("발행국", "Issuing country", p.state.to_owned()),
            cell("여권번호", "Passport No.", p.number.clone()),
        ],
        vec![cell("성", "Surname", p.holder.surname.clone())],
        vec![cell("이름", "Given names", p.holder.given.clone())],
    ];
    if let Some(name) = &p.holder.korean {
        out.push(vec![cell("한글성명", "", name.clone())]);
    }
    let mut nationality = vec![cell("국적", "Nationality", p.nationality.to_owned())];
    if let Some(personal) = &p.personal_no {
        nationality.push(cell("주민등록번호", "Personal No.", personal.clone()));
    }
    out.push(nationality);
    out.push(vec![
        cell("생년월일", "Date of birth", p.date(p.birth)),
        cell("성별", "Sex", p.sex_printed().to_string()),
    ]);
    out.push(vec![
        cell("발급일", "Date of issue", p.date(p.issue)),
        cell("기간만료일", "Date of expiry", p.date(p.expiry)),
    ]);
    out.push(vec![cell("발행관청", "Authority", p.authority.to_owned())]);
    out
}

/// Where the MRZ's characters go.
struct MrzGeometry {
    left: f32,
    pitch: f32,
    baselines: [f32; 2],
    /// The capitals' height in pixels.
    cap: f32,
}

impl MrzGeometry {
    fn draw(rng: &mut impl Rng) -> MrzGeometry {
        let (w, h) = (PAGE_SIZE.0 as f32, PAGE_SIZE.1 as f32);
        let cap = rng.gen_range(29.0..35.0);
        let pitch = MRZ_PITCH * rng.gen_range(0.985..1.015);
        let left = (w - 44.0 * pitch) / 2.0 + rng.gen_range(-8.0..8.0);
        let second = h - 5.0 * PX_PER_MM + rng.gen_range(-6.0..6.0);
        let first = second - cap * rng.gen_range(1.65..1.85);
        MrzGeometry {
            left,
            pitch,
            baselines: [first, second],
            cap,
        }
    }

    /// Where the MRZ's clear zone starts.
    fn top(&self) -> f32 {
        self.baselines[0] - self.cap - 3.0 * PX_PER_MM
    }
}

/// Draws the MRZ's `lines` in `font`, each character centred in its cell.
fn draw_mrz(page: &mut RgbImage, font: &FontArc, lines: &[String; 2], g: &MrzGeometry, ink: Rgbf) {
    let scale = PxScale::from(g.cap / fonts::height_per_scale(font, 'H'));
    for (line, baseline) in lines.iter().zip(g.baselines) {
        let glyphs: Vec<Placed> = line
            .chars()
            .enumerate()
            .map(|(i, ch)| Placed {
                ch,
                x: g.left + i as f32 * g.pitch + (g.pitch - advance(font, scale, ch)) / 2.0,
                baseline,
            })
            .collect();
        Mask::text(font, scale, &glyphs)
            .0
            .paint(page, 0.0, 0.0, 0.95, ink);
    }
}

/// The width of `text` in `font` at `size`.
fn width(font: &FontArc, size: f32, text: &str) -> f32 {
    layout_line(font, PxScale::from(size), text, 0.0, 0.0, 0.0).1
}

/// The text column: `[left, right]`.
type Zone = (f32, f32);

/// Draws the heading: the state's name and `PASSPORT` (with `여권` and
/// `대한민국` on a Korean page), centred on the page or over the fields.
fn draw_heading(
    page: &mut RgbImage,
    p: &Printed,
    pens: &Pens,
    t: &PassportTemplate,
    zone: Zone,
    ink: Rgbf,
) {
    let korean = p.state == "KOR";
    let (state, kind) = if korean {
        ("대한민국  REPUBLIC OF KOREA".to_owned(), "여권  PASSPORT")
    } else {
        (p.state_name.to_owned(), "PASSPORT")
    };
    let (left, right) = if t.header_centered {
        (60.0, PAGE_SIZE.0 as f32 - 60.0)
    } else {
        zone
    };
    for (text, size, baseline) in [(state.as_str(), 40.0, 72.0), (kind, 34.0, 124.0)] {
        let natural = width(&pens.title, size, text);
        let size = size * ((right - left) / natural).min(1.0);
        let x = if t.header_centered {
            (left + right - width(&pens.title, size, text)) / 2.0
        } else {
            left
        };
        paint_text(page, &pens.title, size, text, x, baseline, ink);
    }
}

/// How the fields are drawn: the face, the label style, the sizes, the
/// text column and the inks.
struct Fields<'a> {
    font: &'a FontArc,
    style: LabelStyle,
    /// The labels' and values' sizes in pixels.
    label: f32,
    value: f32,
    zone: Zone,
    ink: Rgbf,
    label_ink: Rgbf,
}

impl Fields<'_> {
    /// How wide `cell` is with its text scaled by `k`.
    fn cell_width(&self, cell: &Cell, k: f32) -> f32 {
        let l = width(self.font, self.label * k, &cell.label);
        let v = width(self.font, self.value * k, &cell.value);
        match self.style {
            Stacked => l.max(v),
            Inline => l + self.label * k * 0.6 + v,
        }
    }

    /// Where `row`'s cells start and how much its text is scaled: each
    /// cell at its column (a share of the zone) unless a wide neighbour
    /// pushes it right, the row shrunk when it would pass the zone.
    fn place(&self, row: &[Cell]) -> (Vec<f32>, f32) {
        let starts: &[f32] = match row.len() {
            1 => &[0.0],
            2 => &[0.0, 0.5],
            _ => &[0.0, 0.2, 0.45],
        };
        let (left, right) = self.zone;
        let at = |k: f32| {
            let mut xs: Vec<f32> = Vec::new();
            let mut end = left;
            for (cell, start) in row.iter().zip(starts) {
                let after = if xs.is_empty() { left } else { end + 30.0 };
                let x = (left + start * (right - left)).max(after);
                end = x + self.cell_width(cell, k);
                xs.push(x);
            }
            (xs, end)
        };
        let (_, end) = at(1.0);
        let k = if end > right {
            (right - left) / (end - left) * 0.98
        } else {
            1.0
        };
        (at(k).0, k)
    }

    /// Draws `row` with its labels' tops at `y`.
    fn draw_row(&self, page: &mut RgbImage, row: &[Cell], y: f32, rng: &mut impl Rng) {
        let (xs, k) = self.place(row);
        let (label_size, value_size) = (self.label * k, self.value * k);
        for (cell, x) in row.iter().zip(xs) {
            let (value_x, value_baseline, label_baseline) = match self.style {
                Stacked => (x, y + label_size * 1.1 + value_size * 1.05, y + label_size),
                Inline => {
                    let lw = width(self.font, label_size, &cell.label) + label_size * 0.6;
                    (x + lw, y + value_size, y + value_size)
                }
            };
            let (dx, dy) = (rng.gen_range(-4.0..4.0), rng.gen_range(-3.0..3.0));
            let font = self.font;
            paint_text(
                page,
                font,
                label_size,
                &cell.label,
                x,
                label_baseline,
                self.label_ink,
            );
            let (value_x, value_baseline) = (value_x + dx, value_baseline + dy);
            paint_text(
                page,
                font,
                value_size,
                &cell.value,
                value_x,
                value_baseline,
                self.ink,
            );
        }
    }

    /// Draws the rows from `top`, spread evenly down to `bottom`, never
    /// more than a third beyond their natural spacing.
    fn draw(
        &self,
        page: &mut RgbImage,
        rows: &[Vec<Cell>],
        (top, bottom): (f32, f32),
        rng: &mut impl Rng,
    ) {
        let natural = match self.style {
            Stacked => self.label + self.value * 1.6,
            Inline => self.value * 1.9,
        };
        let pitch = (natural * 1.35).min((bottom - top) / rows.len() as f32);
        for (r, row) in rows.iter().enumerate() {
            self.draw_row(page, row, top + pitch * r as f32, rng);
        }
    }
}

/// Draws the whole page: ground, photo (and ghost), heading, fields, MRZ.
pub fn draw(
    p: &Printed,
    mrz: &[String; 2],
    t: &PassportTemplate,
    pens: &Pens,
    rng: &mut impl Rng,
) -> RgbImage {
    let (w, _) = (PAGE_SIZE.0 as f32, PAGE_SIZE.1 as f32);
    let geometry = MrzGeometry::draw(rng);
    let mut page = ground::page(
        PAGE_SIZE.0,
        PAGE_SIZE.1,
        t.pattern,
        geometry.top(),
        t.mrz_band,
        rng,
    );
    let photo_w = rng.gen_range(t.photo_width.0..t.photo_width.1) * w;
    let photo_h = photo_w * 1.28;
    let (dx, dy) = (rng.gen_range(-12.0..12.0), rng.gen_range(-10.0..10.0));
    let photo_x = if t.photo_left {
        70.0
    } else {
        w - 70.0 - photo_w
    } + dx;
    let photo_top = 180.0 + dy;
    let photo = ground::photo(photo_w as u32, photo_h as u32, rng);
    ground::place(&mut page, &photo, (photo_x, photo_top), 1.0);
    let zone = if t.photo_left {
        (photo_x + photo_w + 50.0, w - 50.0)
    } else {
        (60.0 + dx, photo_x - 40.0)
    };
    if t.ghost {
        let ghost = image::imageops::resize(
            &photo,
            (photo_w * 0.32) as u32,
            (photo_h * 0.32) as u32,
            image::imageops::FilterType::Triangle,
        );
        let at = (
            zone.1 - ghost.width() as f32 - 10.0,
            geometry.top() - ghost.height() as f32 - 40.0,
        );
        ground::place(&mut page, &ghost, at, rng.gen_range(0.12..0.22));
    }
    let v = rng.gen_range(12.0..45.0f32);
    let ink = [v, v, v + 8.0];
    let label_ink = if rng.gen_bool(0.5) {
        ink
    } else {
        [
            rng.gen_range(30.0..70.0),
            rng.gen_range(50.0..90.0),
            rng.gen_range(110.0..150.0),
        ]
    };
    draw_heading(&mut page, p, pens, t, zone, ink);
    let scale = rng.gen_range(t.text_scale.0..t.text_scale.1);
    let fields = Fields {
        font: &pens.text,
        style: t.labels,
        label: 19.0 * scale,
        value: 31.0 * scale,
        zone,
        ink,
        label_ink,
    };
    let rows = rows(p, t.separator);
    fields.draw(
        &mut page,
        &rows,
        (photo_top + dy * 0.5, geometry.top() - 10.0),
        rng,
    );
    let m = rng.gen_range(5.0..25.0f32);
    draw_mrz(&mut page, &pens.mrz, mrz, &geometry, [m, m, m + 5.0]);
    page
}
