//! Writes line images of machine-readable zones (ICAO Doc 9303: the two or
//! three lines of `A-Z`, `0-9` and `<` at the foot of a passport's data
//! page or an ID card's back), with ground truth, for training the
//! Tesseract LSTM model `models/mrz.traineddata` (`models/train-mrz.sh`).
//!
//! Usage: `cargo run --release -p docrec-recognize --example mrz_lines -- OUT_DIR [PAGES] [SEED] [FACES] [--group development|validation|test]`
//!
//! For each page `i` (seeded by `card_seed(SEED, i)`), a pale tinted page
//! 1250×880 px (a TD3 data page's 125 × 88 mm) gets one zone: two lines of
//! 44 (TD3, passports, 7 in 10), two of 36 (TD2) or three of 30 (TD1), laid
//! out as the standard places them (the zone about nine tenths of the
//! page's width), with random names, numbers, dates and state codes in the
//! fields' places (check digits random: the model learns shapes, not
//! sums). The face is OCR-B (regular or sharp: ICAO's face, drawn in every
//! group) four times in five, else a face of the group's card-digit faces
//! ([`Role::CardNumber`]: monospace and sans faces a state might print
//! in). With `FACES` `mono` (default `card`, the committed model's lines),
//! OCR-B three times in five, else the group's card-digit faces and its
//! [`Role::Mrz`] faces (the regular weights of its monospace faces) alike.
//! The page is scanned or photographed ([`degrade::scan`],
//! [`degrade::photograph`] with the photo or hard parameters), JPEG-encoded
//! as a phone would, and rectified back through the known geometry with a
//! little corner error. Then the recognizer's steps: grey by the brightest
//! channel, flatten the paper, and cut each line's ink box (each side moved
//! by up to a tenth of its height, as layout analysis boxes lines) with
//! [`line_cut`] at 36-64 px high.
//!
//! Per line it writes `NAME.png`, `NAME.gt.txt` and `NAME.box` (as
//! `serial_lines` does: half the boxes the whole cut, half the printed
//! characters with a little margin), and `lines.tsv`: name, font (the
//! face's family), degradation, height, text, face (the face's full name),
//! format.
//!
//! Single-threaded on purpose (it runs beside other work).

#[path = "common/lines.rs"]
mod lines;

use std::fmt::Write as _;
use std::path::PathBuf;

use ab_glyph::PxScale;
use docrec_ocr::preprocess::{brightest_channel, flatten_paper, line_cut};
use docrec_ocr::Rect;
use docrec_synth::degrade::{self, PhotoParams, ScanParams};
use docrec_synth::draw::{advance, fill_ellipse, fill_linear_gradient, paint_text, rgb};
use docrec_synth::fonts::{self, Face, FaceGroup, Role};
use docrec_synth::training::{group_and_positionals, write_line};
use image::{DynamicImage, Rgb, RgbImage};
use lines::{ink_in_cut, rectify};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The page a zone is drawn on: a TD3 data page (125 × 88 mm) at 10 px/mm.
const PAGE_SIZE: (u32, u32) = (1250, 880);

/// Which faces a zone is printed in.
#[derive(Clone, Copy)]
enum Faces {
    /// OCR-B four times in five, else a card-digit face.
    Card,
    /// OCR-B three times in five, else a card-digit or MRZ face.
    Mono,
}

impl Faces {
    /// How often the zone is printed in OCR-B.
    fn ocr_b_share(self) -> f64 {
        match self {
            Faces::Card => 0.8,
            Faces::Mono => 0.6,
        }
    }

    /// The roles of the group's faces the rest are printed in.
    fn roles(self) -> &'static [Role] {
        match self {
            Faces::Card => &[Role::CardNumber],
            Faces::Mono => &[Role::CardNumber, Role::Mrz],
        }
    }
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";

/// State codes a zone may name (ICAO's and a few of ISO 3166's), as printed
/// (`D` is filled to three with `<`).
const STATES: [&str; 16] = [
    "KOR", "KOR", "KOR", "USA", "GBR", "D<<", "FRA", "JPN", "CHN", "CAN", "UTO", "PHL", "VNM",
    "UNO", "GBD", "NLD",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str =
        "usage: mrz_lines OUT_DIR [PAGES] [SEED] [card|mono] [--group development|validation|test]";
    let (group, positionals) = group_and_positionals(std::env::args().skip(1), USAGE)?;
    let mut args = positionals.into_iter();
    let out = PathBuf::from(args.next().ok_or(USAGE)?);
    let pages: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(100);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let faces = match args.next().as_deref() {
        None | Some("card") => Faces::Card,
        Some("mono") => Faces::Mono,
        Some(_) => return Err(USAGE.into()),
    };
    std::fs::create_dir_all(&out)?;
    let start = std::time::Instant::now();
    let mut tsv = String::from("name\tfont\tdegradation\theight\ttext\tface\tformat\n");
    let mut lines = 0usize;
    for i in 0..pages {
        let mut rng = ChaCha8Rng::seed_from_u64(docrec_synth::card_seed(seed, i));
        let (page, zone) = draw_page(&mut rng, group, faces)?;
        let (degraded, degradation) = degrade_page(&page, &mut rng);
        let frame = match degraded.encoding.encode(&degraded.image) {
            Ok(bytes) => image::load_from_memory(&bytes)?.to_rgb8(),
            Err(_) => degraded.image.clone(),
        };
        let view = rectify(&frame, &degraded, PAGE_SIZE, 0.005, &mut rng);
        let flat = flatten_paper(&brightest_channel(&DynamicImage::ImageRgb8(view)));
        for (row, (text, ink)) in zone.lines.iter().enumerate() {
            let h = ink[3] - ink[1];
            let mut side = |v: f32| v + rng.gen_range(-0.1..0.1) * h;
            let (x0, y0, x1, y1) = (side(ink[0]), side(ink[1]), side(ink[2]), side(ink[3]));
            let rect = Rect::new(
                x0.round() as i32,
                y0.round() as i32,
                (x1 - x0).round().max(1.0) as u32,
                (y1 - y0).round().max(1.0) as u32,
            );
            let height = rng.gen_range(36..=64u32);
            let Some(cut) = line_cut(&flat, rect, height) else {
                continue;
            };
            let line_box = if rng.gen_bool(0.5) {
                [0.0, 0.0, cut.width() as f32, cut.height() as f32]
            } else {
                ink_in_cut(&flat, rect, *ink, &cut, rng.gen_range(0.0..0.08))
            };
            let name = format!("line-{i:05}-{row}");
            write_line(&out, &name, &cut, text, line_box)?;
            writeln!(
                tsv,
                "{name}\t{}\t{degradation}\t{height}\t{text}\t{}\t{}",
                zone.face.family(),
                zone.face.name(),
                zone.format
            )?;
            lines += 1;
        }
    }
    std::fs::write(out.join("lines.tsv"), tsv)?;
    eprintln!(
        "{lines} lines from {pages} pages ({group} group) in {:.1?} -> {}",
        start.elapsed(),
        out.display()
    );
    Ok(())
}

/// A zone as drawn: its lines (text and ink box in page pixels), face and
/// format (`TD1`, `TD2`, `TD3`).
struct Zone {
    lines: Vec<(String, [f32; 4])>,
    face: Face,
    format: &'static str,
}

/// The page scanned (3 in 10), photographed (5 in 10) or photographed
/// badly (2 in 10), upright; and which.
fn degrade_page(page: &image::RgbaImage, rng: &mut impl Rng) -> (degrade::Degraded, &'static str) {
    match rng.gen_range(0..10) {
        0..=2 => (degrade::scan(page, &ScanParams::default(), rng), "scan"),
        3..=7 => {
            let mut p = PhotoParams::photo();
            p.quarter_turn_prob = 0.0;
            (degrade::photograph(page, &p, rng), "photo")
        }
        _ => {
            let mut p = PhotoParams::hard();
            p.quarter_turn_prob = 0.0;
            (degrade::photograph(page, &p, rng), "hard")
        }
    }
}

/// A pale page with guilloche rings, grey marks where a visual zone's text
/// would be, and a zone at its foot.
fn draw_page(
    rng: &mut impl Rng,
    group: FaceGroup,
    faces: Faces,
) -> Result<(image::RgbaImage, Zone), Box<dyn std::error::Error>> {
    let (w, h) = PAGE_SIZE;
    let mut page = RgbImage::new(w, h);
    let mut tint = || {
        rgb(
            rng.gen_range(215..252),
            rng.gen_range(218..252),
            rng.gen_range(220..252),
        )
    };
    let (a, b) = (tint(), tint());
    fill_linear_gradient(&mut page, a, b, rng.gen_range(0.0..std::f32::consts::PI));
    for ring in 0..5 {
        let r = 100.0 + 80.0 * ring as f32;
        fill_ellipse(
            &mut page,
            (w as f32 * rng.gen_range(0.3..0.7), h as f32 * 0.5),
            (r, r * 0.7),
            0.0,
            0.05,
            rgb(140, 160, 190),
        );
    }
    let face = if rng.gen_bool(faces.ocr_b_share()) {
        *[Face::OcrB, Face::OcrBSharp]
            .choose(rng)
            .expect("two faces")
    } else {
        let roles = faces.roles();
        // One role draws no number: `card` pages stay as the committed
        // model's lines were drawn.
        let role = if roles.len() == 1 {
            roles[0]
        } else {
            roles[rng.gen_range(0..roles.len())]
        };
        fonts::pick(rng, group, role)
    };
    let font = fonts::load(face)?;
    let (format, texts) = match rng.gen_range(0..10) {
        0..=6 => ("TD3", td3(rng)),
        7 => ("TD2", td2(rng)),
        _ => ("TD1", td1(rng)),
    };
    // The zone spans 0.86-0.94 of the page's width; the size follows from
    // the face's advance of `<`.
    let chars = texts[0].len() as f32;
    let unit = advance(&font, PxScale::from(100.0), '<') / 100.0;
    let size = (w as f32 * rng.gen_range(0.86..0.94) / chars / unit).clamp(20.0, 60.0);
    let x = (w as f32 - size * unit * chars) / 2.0 + rng.gen_range(-10.0..10.0);
    let pitch = size * rng.gen_range(1.45..1.75);
    let bottom = h as f32 - rng.gen_range(0.3..0.8) * pitch;
    let first_baseline = bottom - pitch * (texts.len() as f32 - 1.0);
    let v = rng.gen_range(5.0..50.0f32);
    let mut lines = Vec::with_capacity(texts.len());
    for (row, text) in texts.into_iter().enumerate() {
        let baseline = first_baseline + pitch * row as f32;
        let (_, ink) = paint_text(&mut page, &font, size, &text, x, baseline, [v, v, v + 8.0]);
        lines.push((text, ink));
    }
    // Grey text-like marks above the zone, as a visual zone prints.
    let above = first_baseline - 2.5 * size;
    for _ in 0..rng.gen_range(3..8) {
        let y = rng.gen_range(40.0..above.max(41.0));
        let x0 = rng.gen_range(380.0..900.0f32);
        let x1 = x0 + rng.gen_range(80.0..300.0f32);
        for py in y as u32..(y + 14.0) as u32 {
            for px in x0 as u32..(x1 as u32).min(w) {
                if (px / 9) % 3 != 2 {
                    page.put_pixel(px, py, Rgb([120, 120, 130]));
                }
            }
        }
    }
    let zone = Zone {
        lines,
        face,
        format,
    };
    Ok((DynamicImage::ImageRgb8(page).to_rgba8(), zone))
}

/// `n` characters of `alphabet`.
fn random(rng: &mut impl Rng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// A name field of `width` characters: a surname and given names of one
/// to three parts (some long enough to be cut), `<` between parts, `<<`
/// between surname and given names, `<` to the end.
fn name_field(rng: &mut impl Rng, width: usize) -> String {
    let surname_length = rng.gen_range(2..=12);
    let mut name = random(rng, LETTERS, surname_length);
    if rng.gen_bool(0.15) {
        let second_length = rng.gen_range(2..=8);
        name.push('<');
        name.push_str(&random(rng, LETTERS, second_length));
    }
    name.push_str("<<");
    for part in 0..rng.gen_range(1..=3) {
        if part > 0 {
            name.push('<');
        }
        let part_length = rng.gen_range(2..=10);
        name.push_str(&random(rng, LETTERS, part_length));
    }
    fill(name, width)
}

/// `text` cut or filled with `<` to `width`.
fn fill(mut text: String, width: usize) -> String {
    text.truncate(width);
    while text.len() < width {
        text.push('<');
    }
    text
}

/// A document number: nine letters and digits (a Korean `M12345678`, a
/// number with fillers, or any mix).
fn document_number(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..4) {
        0 => format!("M{}", random(rng, DIGITS, 8)),
        1 => format!("{}{}", random(rng, LETTERS, 2), random(rng, DIGITS, 7)),
        2 => {
            let length = rng.gen_range(6..=9);
            fill(random(rng, DIGITS, length), 9)
        }
        _ => random(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 9),
    }
}

/// A date as a zone prints it (`YYMMDD`).
fn date(rng: &mut impl Rng) -> String {
    format!(
        "{:02}{:02}{:02}",
        rng.gen_range(0..100),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    )
}

fn state(rng: &mut impl Rng) -> &'static str {
    STATES.choose(rng).expect("states")
}

fn digit(rng: &mut impl Rng) -> String {
    random(rng, DIGITS, 1)
}

fn sex(rng: &mut impl Rng) -> char {
    *['M', 'F', 'M', 'F', '<', 'X'].choose(rng).expect("sexes")
}

/// Optional data of `width` characters: fillers (half the time), a
/// personal number, or letters and digits.
fn optional_data(rng: &mut impl Rng, width: usize) -> String {
    match rng.gen_range(0..4) {
        0 | 1 => fill(String::new(), width),
        2 => fill(random(rng, DIGITS, 7.min(width)), width),
        _ => fill(
            random(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", width / 2),
            width,
        ),
    }
}

/// A passport's two lines of 44.
fn td3(rng: &mut impl Rng) -> Vec<String> {
    let code = *["P<", "PM", "PO", "PD", "PS"].choose(rng).expect("codes");
    let first = format!("{code}{}{}", state(rng), name_field(rng, 39));
    let optional = optional_data(rng, 14);
    // An optional data field of fillers may have `<` for its check digit.
    let optional_check = if optional.starts_with('<') && rng.gen_bool(0.5) {
        "<".to_owned()
    } else {
        digit(rng)
    };
    let second = [
        document_number(rng),
        digit(rng),
        state(rng).to_owned(),
        date(rng),
        digit(rng),
        sex(rng).to_string(),
        date(rng),
        digit(rng),
        optional,
        optional_check,
        digit(rng),
    ]
    .concat();
    vec![first, second]
}

/// A TD2 document's two lines of 36.
fn td2(rng: &mut impl Rng) -> Vec<String> {
    let code = *["I<", "ID", "AC", "V<"].choose(rng).expect("codes");
    let first = format!("{code}{}{}", state(rng), name_field(rng, 31));
    let second = [
        document_number(rng),
        digit(rng),
        state(rng).to_owned(),
        date(rng),
        digit(rng),
        sex(rng).to_string(),
        date(rng),
        digit(rng),
        optional_data(rng, 7),
        digit(rng),
    ]
    .concat();
    vec![first, second]
}

/// A TD1 card's three lines of 30.
fn td1(rng: &mut impl Rng) -> Vec<String> {
    let code = *["I<", "ID", "IR", "AC"].choose(rng).expect("codes");
    let first = [
        code.to_owned(),
        state(rng).to_owned(),
        document_number(rng),
        digit(rng),
        optional_data(rng, 15),
    ]
    .concat();
    let second = [
        date(rng),
        digit(rng),
        sex(rng).to_string(),
        date(rng),
        digit(rng),
        state(rng).to_owned(),
        optional_data(rng, 11),
        digit(rng),
    ]
    .concat();
    vec![first, second, name_field(rng, 30)]
}
