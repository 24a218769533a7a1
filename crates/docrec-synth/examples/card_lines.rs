//! Writes line images of card numbers and expiry dates, with ground truth, for
//! training a Tesseract LSTM model (`models/train-card-digits.sh`).
//!
//! Usage: `cargo run --release -p docrec-synth --example card_lines -- OUT_DIR [CARDS] [SEED] [BOXES] [--group development|validation|test]`
//!
//! `BOXES` is `text` (default) or `whole`; see `NAME.box` below.
//!
//! The cards are drawn in one face group (`docs/synthetic-groups.md`):
//! `development` by default, the only group training may see; `validation`
//! and `test` lines are for held-out measurements. The number and expiry are
//! in the group's [`docrec_synth::fonts::Role::CardNumber`] faces, as
//! [`credit_card::render`] draws them.
//!
//! For each card `i` (the same card as `credit_card_in(card_seed(SEED, i), _,
//! GROUP)` draws): the card is drawn upright with [`credit_card::render`], then
//! scanned or photographed ([`degrade::scan`], [`degrade::photograph`] with the
//! photo or hard parameters, quarter turn off), and the number row (and, for
//! about two cards in three, the `MM/YY` date) is cut back out of the
//! degraded frame through the known geometry, the way the recognizer cuts a
//! rectified line: padded by about one line height left and right and a third
//! of it above and below, with a small rotation, shift and perspective error
//! as a real rectification leaves. The line is then grey, scaled to 40-72 px
//! high, and made dark-on-light (most lines, as the recognizer does before a
//! reread), Otsu-binarised (some) or left as printed (some, so light-on-dark
//! silver digits are seen too).
//!
//! Per line it writes `NAME.png`, `NAME.gt.txt` (the text: groups separated by
//! one space, or `MM/YY`) and `NAME.box` (Tesseract's LSTM line box format:
//! one row per character, all with the same line box, and a tab row at the
//! end, as tesstrain's `generate_line_box.py` makes). `tesseract ...
//! lstm.train` cuts the line box (plus 4 px) out of the image, just as the
//! recognizer's `--psm 7` reading cuts the box of the text it found; so with
//! `BOXES=text` the line box is, for 70% of lines, the box of the printed
//! characters (a little margin added) and the whole image otherwise, while
//! with `BOXES=whole` it is always the whole image (tesstrain's convention;
//! a model trained only on those reads padded lines well but tends to drop
//! the first digit of a tight `--psm 7` cut). Also `lines.tsv`: name, kind
//! (`number`/`expiry`), style, font, degradation, preparation, text.
//!
//! Single-threaded on purpose (it runs beside other work); about 55 ms of CPU
//! a card in release mode (2000 cards: ~3 minutes, ~3300 lines).

use std::fmt::Write as _;
use std::path::PathBuf;

use docrec_synth::credit_card;
use docrec_synth::degrade::{self, PhotoParams, ScanParams};
use docrec_synth::training::{group_and_positionals, write_line};
use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::geometric_transformations::{warp_into_with, Border, Interpolation, Projection};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const USAGE: &str = "usage: card_lines OUT_DIR [CARDS] [SEED] [text|whole] \
        [--group development|validation|test]";
    let (group, positionals) = group_and_positionals(std::env::args().skip(1), USAGE)?;
    let mut args = positionals.into_iter();
    let out = PathBuf::from(args.next().ok_or(USAGE)?);
    let cards: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(100);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let text_boxes = match args.next().as_deref() {
        None | Some("text") => true,
        Some("whole") => false,
        Some(other) => return Err(format!("BOXES must be text or whole, not {other:?}").into()),
    };
    std::fs::create_dir_all(&out)?;
    let start = std::time::Instant::now();
    let mut tsv = String::from("name\tkind\tstyle\tfont\tdegradation\tpreparation\ttext\n");
    let mut lines = 0usize;
    for i in 0..cards {
        let card_seed = docrec_synth::card_seed(seed, i);
        let mut rng = ChaCha8Rng::seed_from_u64(card_seed);
        let card = credit_card::render(&mut rng, group)?;
        // A separate stream for everything after the drawing.
        let mut rng = ChaCha8Rng::seed_from_u64(card_seed);
        rng.set_stream(7);
        let (degraded, degradation) = match rng.gen_range(0..10) {
            0..=2 => (
                degrade::scan(&card.image, &ScanParams::default(), &mut rng),
                "scan",
            ),
            3..=7 => {
                let mut p = PhotoParams::photo();
                p.quarter_turn_prob = 0.0;
                (degrade::photograph(&card.image, &p, &mut rng), "photo")
            }
            _ => {
                let mut p = PhotoParams::hard();
                p.quarter_turn_prob = 0.0;
                (degrade::photograph(&card.image, &p, &mut rng), "hard")
            }
        };
        // What the recognizer sees went through the encoder too.
        let frame = match degraded.encoding.encode(&degraded.image) {
            Ok(bytes) => image::load_from_memory(&bytes)?.to_rgb8(),
            Err(_) => degraded.image.clone(),
        };

        let number_box = union(&card.group_boxes);
        let number_text = card.number.groups.join(" ");
        let mut todo = vec![("number", number_box, number_text, 0.6f32)];
        if rng.gen_bool(0.65) {
            todo.push(("expiry", card.valid_thru_box, card.valid_thru.clone(), 0.35));
        }
        for (kind, bx, text, left_pad) in todo {
            let name = format!("line-{i:05}-{}", &kind[..1]);
            let (gray, text_box) = cut_line(&frame, &degraded, bx, left_pad, &mut rng);
            let (img, prep) = prepare(gray, &mut rng);
            let (w, h) = (img.width() as f32, img.height() as f32);
            // Drawn only with text boxes, so `whole` lines stay as they were.
            let line_box = if text_boxes && rng.gen_bool(0.7) {
                let m = (text_box[3] - text_box[1]) * rng.gen_range(0.0..0.08);
                [
                    (text_box[0] - m).max(0.0),
                    (text_box[1] - m).max(0.0),
                    (text_box[2] + m).min(w),
                    (text_box[3] + m).min(h),
                ]
            } else {
                [0.0, 0.0, w, h]
            };
            write_line(&out, &name, &img, &text, line_box)?;
            let style = card.style.name();
            writeln!(
                tsv,
                "{name}\t{kind}\t{style}\t{}\t{degradation}\t{prep}\t{text}",
                card.face.name()
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

fn union(boxes: &[[f32; 4]]) -> [f32; 4] {
    boxes
        .iter()
        .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
}

/// Cuts the padded box `bx` (card pixels) out of the degraded frame as an
/// upright grey line, with a small rectification error. Also returns the
/// box of `bx` itself in the line's pixels `[x0, y0, x1, y1]`.
fn cut_line(
    frame: &RgbImage,
    degraded: &degrade::Degraded,
    bx: [f32; 4],
    left_pad: f32,
    rng: &mut impl Rng,
) -> (GrayImage, [f32; 4]) {
    let h = bx[3] - bx[1];
    let pad_l = h * rng.gen_range(left_pad..(left_pad + 0.6));
    let pad_r = h * rng.gen_range(0.4..1.2);
    let pad_t = h * rng.gen_range(0.15..0.5);
    let pad_b = h * rng.gen_range(0.15..0.5);
    let (x0, y0, x1, y1) = (bx[0] - pad_l, bx[1] - pad_t, bx[2] + pad_r, bx[3] + pad_b);
    // Rectification error: rotation about the centre, and each corner off by
    // up to 4% of the line height.
    let angle = rng.gen_range(-2.0f32..2.0).to_radians();
    let (s, c) = angle.sin_cos();
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let jitter = 0.04 * h;
    let on_card = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].map(|(x, y)| {
        let (dx, dy) = (x - cx, y - cy);
        (
            cx + dx * c - dy * s + rng.gen_range(-jitter..=jitter),
            cy + dx * s + dy * c + rng.gen_range(-jitter..=jitter),
        )
    });
    let corners = on_card.map(|(x, y)| {
        let p = degraded.map_point(x, y);
        (p[0], p[1])
    });
    let out_h = rng.gen_range(40..=72u32);
    let out_w = (((x1 - x0) / (y1 - y0)) * out_h as f32).round().max(8.0) as u32;
    let (wf, hf) = (out_w as f32, out_h as f32);
    let target = [(0.0, 0.0), (wf, 0.0), (wf, hf), (0.0, hf)];
    let text_box = match Projection::from_control_points(on_card, target) {
        Some(card_to_line) => {
            let pts = [
                (bx[0], bx[1]),
                (bx[2], bx[1]),
                (bx[2], bx[3]),
                (bx[0], bx[3]),
            ]
            .map(|p| card_to_line * p);
            [
                pts.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0),
                pts.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0),
                pts.iter().map(|p| p.0).fold(f32::MIN, f32::max).min(wf),
                pts.iter().map(|p| p.1).fold(f32::MIN, f32::max).min(hf),
            ]
        }
        None => [0.0, 0.0, wf, hf],
    };
    let mut line = RgbImage::new(out_w, out_h);
    if let Some(to_frame) = Projection::from_control_points(target, corners) {
        warp_into_with(
            frame,
            move |x, y| to_frame * (x, y),
            Interpolation::Bilinear,
            Border::Replicate,
            &mut line,
        );
    } else {
        line.pixels_mut().for_each(|p| *p = Rgb([255, 255, 255]));
    }
    (image::imageops::grayscale(&line), text_box)
}

/// Grey as cut (light-on-dark kept), dark-on-light, or Otsu-binarised.
fn prepare(gray: GrayImage, rng: &mut impl Rng) -> (GrayImage, &'static str) {
    match rng.gen_range(0..10) {
        0..=1 => (gray, "raw"),
        2..=7 => (dark_on_light(stretch(gray)), "dark-on-light"),
        _ => {
            let g = dark_on_light(stretch(gray));
            let level = imageproc::contrast::otsu_level(&g);
            let b = imageproc::contrast::threshold(
                &g,
                level,
                imageproc::contrast::ThresholdType::Binary,
            );
            (b, "otsu")
        }
    }
}

/// Contrast stretch between the 2nd and 98th percentiles.
fn stretch(mut g: GrayImage) -> GrayImage {
    let mut v: Vec<u8> = g.pixels().map(|p| p[0]).collect();
    v.sort_unstable();
    let lo = v[v.len() * 2 / 100] as f32;
    let hi = v[(v.len() * 98 / 100).min(v.len() - 1)] as f32;
    if hi - lo < 8.0 {
        return g;
    }
    for p in g.pixels_mut() {
        p[0] = (((p[0] as f32 - lo) * 255.0 / (hi - lo)).clamp(0.0, 255.0)) as u8;
    }
    g
}

/// Inverts when the median is dark (the background is then the dark part).
fn dark_on_light(mut g: GrayImage) -> GrayImage {
    let mut v: Vec<u8> = g.pixels().map(|p| p[0]).collect();
    v.sort_unstable();
    if v[v.len() / 2] < 110 {
        for p in g.pixels_mut() {
            *p = Luma([255 - p[0]]);
        }
    }
    g
}
