//! Line images for training Tesseract LSTM models on what the generator
//! draws (`models/train-*.sh`).
//!
//! Takes: a grey line image, its text and the line's box.
//! Gives: `NAME.png`, `NAME.gt.txt` and `NAME.box` in a folder, as
//! `tesseract NAME.png NAME --psm 13 lstm.train` reads them; and the face
//! group a line generator's command line names ([`group_and_positionals`]).

use std::fmt::Write as _;
use std::path::Path;

use image::GrayImage;

use crate::fonts::FaceGroup;

/// A line generator's arguments: the face group `--group G` (or
/// `--group=G`) names, [`FaceGroup::Development`] without one, and the
/// other arguments in order. `usage` is the error when `--group` has no
/// value.
pub fn group_and_positionals(
    args: impl IntoIterator<Item = String>,
    usage: &'static str,
) -> Result<(FaceGroup, Vec<String>), Box<dyn std::error::Error>> {
    let mut group = FaceGroup::Development;
    let mut positionals = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--group" {
            group = args.next().ok_or(usage)?.parse()?;
        } else if let Some(named) = arg.strip_prefix("--group=") {
            group = named.parse()?;
        } else {
            positionals.push(arg);
        }
    }
    Ok((group, positionals))
}

/// Writes the image, its text and its box file (Tesseract's LSTM line
/// box: one row per character, all with the line's box, then a tab row).
/// `line_box` is `[x0, y0, x1, y1]` in image pixels (top-left origin; box
/// files count from the bottom).
pub fn write_line(
    dir: &Path,
    name: &str,
    img: &GrayImage,
    text: &str,
    line_box: [f32; 4],
) -> std::io::Result<()> {
    img.save(dir.join(format!("{name}.png")))
        .map_err(std::io::Error::other)?;
    std::fs::write(dir.join(format!("{name}.gt.txt")), format!("{text}\n"))?;
    let h = img.height() as f32;
    let (left, right) = (line_box[0].floor() as u32, line_box[2].ceil() as u32);
    let (bottom, top) = (
        (h - line_box[3]).floor() as u32,
        (h - line_box[1]).ceil() as u32,
    );
    let mut boxes = String::new();
    for ch in text.chars() {
        let _ = writeln!(boxes, "{ch} {left} {bottom} {right} {top} 0");
    }
    let _ = writeln!(boxes, "\t {right} {top} {} {} 0", right + 1, top + 1);
    std::fs::write(dir.join(format!("{name}.box")), boxes)
}
