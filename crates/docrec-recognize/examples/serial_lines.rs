//! Writes line images of ID-card serials (암호일련번호: five or six capital
//! letters and digits, printed small), with ground truth, for training the
//! Tesseract LSTM model `models/idserial.traineddata`
//! (`models/train-id-serial.sh`).
//!
//! Usage: `cargo run --release -p docrec-recognize --example serial_lines -- OUT_DIR [CARDS] [SEED] [--group development|validation|test]`
//!
//! The faces come from one face group (`docs/synthetic-groups.md`; default
//! `development`, the only group training may see; `validation` and `test`
//! lines are for held-out measurements).
//!
//! For each card `i` (seeded by `card_seed(SEED, i)`), a pale card
//! 1000×631 px (the generator's ID-card size) gets [`ROWS`] random serials
//! at 18-32 px, each in a face of the group: three in four in a
//! [`Role::Body`] face (the face `id_card::render` prints a licence's serial
//! with), one in four in a [`Role::CardText`] face (Latin sans faces, so that
//! the model learns the letters' shapes rather than one design). A face is
//! chosen as the renderers choose one ([`fonts::pick`]: a family of the
//! group, then one of its faces). The card is scanned or photographed
//! ([`degrade::scan`], [`degrade::photograph`] with the photo or hard
//! parameters), JPEG-encoded as a phone would, and rectified back to
//! 1000 px across through the known geometry with a little corner error,
//! as the recognizer's outline finder leaves. Then exactly the recognizer's
//! steps: grey by the brightest channel, flatten the paper, and cut each
//! serial's ink box (each side moved by up to a tenth of its height, as
//! OCR's word boxes are) with [`line_cut`] at 40-72 px high.
//!
//! Per line it writes `NAME.png`, `NAME.gt.txt` and `NAME.box`
//! (Tesseract's LSTM line box: one row per character, all with the same
//! box, then a tab row). Half the boxes are the whole image (the recognizer
//! reads the whole cut as one raw line); the others are the printed
//! characters with a little margin. Also `lines.tsv`: name, font (the face's
//! family), degradation, height, text, face (the face's full name), role
//! (`body` or `cardtext`).
//!
//! Single-threaded on purpose (it runs beside other work).

#[path = "common/lines.rs"]
mod lines;

use std::fmt::Write as _;
use std::path::PathBuf;

use docrec_ocr::preprocess::{brightest_channel, flatten_paper, line_cut};
use docrec_ocr::Rect;
use docrec_synth::degrade::{self, PhotoParams, ScanParams};
use docrec_synth::draw::{fill_ellipse, fill_linear_gradient, paint_text, rgb};
use docrec_synth::fonts::{self, Face, FaceGroup, Role};
use docrec_synth::id_card::CARD_SIZE;
use docrec_synth::training::{group_and_positionals, write_line};
use image::{DynamicImage, Rgb, RgbImage};
use lines::{ink_in_cut, rectify};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How often a serial is drawn in a [`Role::Body`] face (else a
/// [`Role::CardText`] face).
const BODY_SHARE: f64 = 0.75;

/// What a serial is made of.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Serials per card, one per band of the card's height.
const ROWS: usize = 4;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str =
        "usage: serial_lines OUT_DIR [CARDS] [SEED] [--group development|validation|test]";
    let (group, positionals) = group_and_positionals(std::env::args().skip(1), USAGE)?;
    let mut args = positionals.into_iter();
    let out = PathBuf::from(args.next().ok_or(USAGE)?);
    let cards: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(100);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    std::fs::create_dir_all(&out)?;
    let start = std::time::Instant::now();
    let mut tsv = String::from("name\tfont\tdegradation\theight\ttext\n");
    let mut lines = 0usize;
    for i in 0..cards {
        let mut rng = ChaCha8Rng::seed_from_u64(docrec_synth::card_seed(seed, i));
        let (card, serials) = draw_card(&mut rng, group)?;
        let (degraded, degradation) = match rng.gen_range(0..10) {
            0..=2 => (
                degrade::scan(&card, &ScanParams::default(), &mut rng),
                "scan",
            ),
            3..=7 => {
                let mut p = PhotoParams::photo();
                p.quarter_turn_prob = 0.0;
                (degrade::photograph(&card, &p, &mut rng), "photo")
            }
            _ => {
                let mut p = PhotoParams::hard();
                p.quarter_turn_prob = 0.0;
                (degrade::photograph(&card, &p, &mut rng), "hard")
            }
        };
        let frame = match degraded.encoding.encode(&degraded.image) {
            Ok(bytes) => image::load_from_memory(&bytes)?.to_rgb8(),
            Err(_) => degraded.image.clone(),
        };
        let view = rectify(&frame, &degraded, CARD_SIZE, 0.006, &mut rng);
        let flat = flatten_paper(&brightest_channel(&DynamicImage::ImageRgb8(view)));
        for (row, (text, ink, face, role)) in serials.iter().enumerate() {
            let h = ink[3] - ink[1];
            let mut side = |v: f32| v + rng.gen_range(-0.1..0.1) * h;
            let (x0, y0, x1, y1) = (side(ink[0]), side(ink[1]), side(ink[2]), side(ink[3]));
            let rect = Rect::new(
                x0.round() as i32,
                y0.round() as i32,
                (x1 - x0).round().max(1.0) as u32,
                (y1 - y0).round().max(1.0) as u32,
            );
            let height = rng.gen_range(40..=72u32);
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
                "{name}\t{}\t{degradation}\t{height}\t{text}\t{}\t{role}",
                face.family(),
                face.name()
            )?;
            lines += 1;
        }
    }
    std::fs::write(out.join("lines.tsv"), tsv)?;
    eprintln!(
        "{lines} lines from {cards} cards ({group} group) in {:.1?} -> {}",
        start.elapsed(),
        out.display()
    );
    Ok(())
}

/// A pale card with [`ROWS`] serials; gives each serial's text, ink box,
/// face and role (`body` or `cardtext`).
type Serial = (String, [f32; 4], Face, &'static str);

fn draw_card(
    rng: &mut impl Rng,
    group: FaceGroup,
) -> Result<(image::RgbaImage, Vec<Serial>), Box<dyn std::error::Error>> {
    let (w, h) = CARD_SIZE;
    let mut card = RgbImage::new(w, h);
    let mut tint = || {
        rgb(
            rng.gen_range(220..252),
            rng.gen_range(222..252),
            rng.gen_range(225..252),
        )
    };
    let (a, b) = (tint(), tint());
    fill_linear_gradient(&mut card, a, b, rng.gen_range(0.0..std::f32::consts::PI));
    for ring in 0..4 {
        let r = 120.0 + 70.0 * ring as f32;
        fill_ellipse(
            &mut card,
            (w as f32 * rng.gen_range(0.3..0.7), h as f32 * 0.55),
            (r, r * 0.8),
            0.0,
            0.05,
            rgb(150, 170, 200),
        );
    }
    let band = h as f32 / ROWS as f32;
    let mut serials = Vec::with_capacity(ROWS);
    for row in 0..ROWS {
        let (role, role_name) = if rng.gen_bool(BODY_SHARE) {
            (Role::Body, "body")
        } else {
            (Role::CardText, "cardtext")
        };
        let face = fonts::pick(rng, group, role);
        let font = fonts::load(face)?;
        let len = rng.gen_range(5..=6);
        let text: String = (0..len)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let size = rng.gen_range(18.0..32.0f32);
        let x = rng.gen_range(40.0..(w as f32 - 300.0));
        let baseline = band * row as f32 + rng.gen_range(0.45..0.8) * band;
        let v = rng.gen_range(10.0..60.0f32);
        // Sometimes the photo's grey edge just above, as on a licence.
        if rng.gen_bool(0.3) {
            let top = baseline - size - rng.gen_range(12.0..30.0f32);
            for y in (top - 60.0).max(0.0) as u32..top.max(0.0) as u32 {
                for px in (x - 20.0) as u32..(x + 200.0).min(w as f32) as u32 {
                    card.put_pixel(px, y, Rgb([200, 203, 208]));
                }
            }
        }
        let (_, ink) = paint_text(&mut card, &font, size, &text, x, baseline, [v, v, v + 10.0]);
        serials.push((text, ink, face, role_name));
    }
    Ok((DynamicImage::ImageRgb8(card).to_rgba8(), serials))
}
