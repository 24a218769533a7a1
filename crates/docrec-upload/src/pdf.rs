//! The first page of an uploaded PDF: its text layer, or its pixels.
//!
//! Takes a PDF's bytes; gives [`PdfFirstPage::Text`] (the words of the text
//! layer with boxes in PDF points, top-left origin) when the page has one,
//! else [`PdfFirstPage::Rendered`] (the page rendered to grey pixels, with
//! the points each pixel covers), or an [`UploadError`]: a PDF that needs a
//! password is [`UploadError::PdfPasswordProtected`], one that cannot be
//! read is [`UploadError::Undecodable`].
//!
//! Why Poppler's command-line tools (`pdftotext`, `pdftoppm`, Debian's
//! `poppler-utils`): Poppler reads the PDFs real certificates come as
//! (Hometax's born-digital ones with embedded CID fonts and `ToUnicode`
//! maps, and scans), gives the text layer's words with boxes, renders, and
//! tells a password-protected file apart; it installs from Debian and builds
//! nothing. By their own documentation the pure-Rust renderers (hayro,
//! pdf_oxide and others) are young and hayro opens no encrypted file;
//! `lopdf` parses but neither renders nor places text. The price is a process per PDF (about
//! 20 ms) and a package at run time; each tool runs on a private copy of the
//! bytes (in a temporary directory deleted once the page is read), on the
//! first page only, with a time limit, and its rendering is bounded in
//! pixels whatever the page size says.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::GrayImage;

use crate::{decode_image, FileType, UploadError, UploadLimits};

/// A word of a PDF's text layer, its box in points from the page's top-left
/// corner.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfWord {
    pub text: String,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

/// What the first page of a PDF holds.
#[derive(Debug, Clone)]
pub enum PdfFirstPage {
    /// The page's text layer: its words, and the page's size in points.
    Text {
        words: Vec<PdfWord>,
        width: f32,
        height: f32,
    },
    /// A page without text (a scan): rendered to grey pixels, each
    /// `points_per_pixel` points wide and high.
    Rendered {
        image: GrayImage,
        points_per_pixel: f32,
    },
}

/// A page with fewer words than this in its text layer is a scan (a scanner
/// may stamp a line of text on its pictures).
const MIN_TEXT_LAYER_WORDS: usize = 8;
/// The longer side of a rendered page, in pixels: A4 at 150 dpi.
const RENDER_LONG_SIDE: u32 = 1754;
/// How long one Poppler tool may take.
const TOOL_TIME_LIMIT: Duration = Duration::from_secs(15);

/// Reads the first page of the PDF in `bytes`.
pub fn read_pdf_first_page(
    bytes: &[u8],
    limits: &UploadLimits,
) -> Result<PdfFirstPage, UploadError> {
    let dir = tempfile::tempdir().map_err(|_| UploadError::PdfReaderUnavailable)?;
    let input = dir.path().join("upload.pdf");
    std::fs::write(&input, bytes).map_err(|_| UploadError::PdfReaderUnavailable)?;
    let bbox = run_tool(
        Command::new("pdftotext")
            .args(["-f", "1", "-l", "1", "-bbox", "-enc", "UTF-8"])
            .arg(&input)
            .arg("-"),
    )?;
    let (width, height, words) = parse_bbox(&bbox);
    let readable = words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .count();
    if readable >= MIN_TEXT_LAYER_WORDS {
        return Ok(PdfFirstPage::Text {
            words,
            width,
            height,
        });
    }
    let root = dir.path().join("page");
    run_tool(
        Command::new("pdftoppm")
            // TIFF, uncompressed: Poppler's PNG encoder takes seconds for a
            // page, its TIFF writer a few milliseconds.
            .args(["-f", "1", "-l", "1", "-singlefile", "-gray", "-tiff"])
            .args(["-scale-to", &RENDER_LONG_SIDE.to_string()])
            .arg(&input)
            .arg(&root),
    )?;
    let tiff = std::fs::read(dir.path().join("page.tif")).map_err(|_| UploadError::Undecodable)?;
    let decoded = decode_image(&tiff, &[FileType::Tiff], limits)?;
    let image = decoded.image.to_luma8();
    let points_per_pixel = if width > 0.0 && image.width() > 0 {
        width / image.width() as f32
    } else {
        72.0 / 150.0
    };
    Ok(PdfFirstPage::Rendered {
        image,
        points_per_pixel,
    })
}

/// Runs a Poppler tool and gives its standard output; a PDF that needs a
/// password, one the tool cannot read, a tool that is missing or runs past
/// [`TOOL_TIME_LIMIT`] each give their error.
fn run_tool(command: &mut Command) -> Result<String, UploadError> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| UploadError::PdfReaderUnavailable)?;
    // Drain both pipes on threads, so a chatty tool cannot block on a full
    // pipe while it is waited for.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TOOL_TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(UploadError::Undecodable);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => return Err(UploadError::PdfReaderUnavailable),
        }
    };
    let out = out.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&err.join().unwrap_or_default()).to_lowercase();
    if status.success() {
        return Ok(String::from_utf8_lossy(&out).into_owned());
    }
    if err.contains("password") {
        Err(UploadError::PdfPasswordProtected)
    } else {
        Err(UploadError::Undecodable)
    }
}

/// The page size and words of `pdftotext -bbox` output (XHTML:
/// `<page width=".." height="..">` and `<word xMin=".." yMin=".." xMax=".."
/// yMax="..">text</word>`).
fn parse_bbox(xhtml: &str) -> (f32, f32, Vec<PdfWord>) {
    let attribute = |tag: &str, name: &str| -> Option<f32> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + tag[start..].find('"')?;
        tag[start..end].parse().ok()
    };
    let (mut width, mut height) = (0.0, 0.0);
    if let Some(at) = xhtml.find("<page ") {
        let tag = &xhtml[at..at + xhtml[at..].find('>').unwrap_or(0)];
        width = attribute(tag, "width").unwrap_or(0.0);
        height = attribute(tag, "height").unwrap_or(0.0);
    }
    let mut words = Vec::new();
    let mut rest = xhtml;
    while let Some(at) = rest.find("<word ") {
        rest = &rest[at..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(close) = rest.find("</word>") else {
            break;
        };
        let text = html_escape::decode_html_entities(&rest[tag_end + 1..close]).into_owned();
        if let (Some(x_min), Some(y_min), Some(x_max), Some(y_max)) = (
            attribute(tag, "xMin"),
            attribute(tag, "yMin"),
            attribute(tag, "xMax"),
            attribute(tag, "yMax"),
        ) {
            if !text.trim().is_empty() {
                words.push(PdfWord {
                    text,
                    x_min,
                    y_min,
                    x_max,
                    y_max,
                });
            }
        }
        rest = &rest[close + "</word>".len()..];
    }
    (width, height, words)
}

/// Whether Poppler's tools are installed (for a start-up warning).
pub fn pdf_tools_installed() -> bool {
    ["pdftotext", "pdftoppm"].iter().all(|tool| {
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| Path::new(&dir).join(tool).is_file())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_output_gives_the_page_size_and_words() {
        let xhtml = r#"<!DOCTYPE html><html><body><doc>
  <page width="595.276000" height="841.890000">
    <word xMin="56.1" yMin="70.2" xMax="80.5" yMax="84.0">상호</word>
    <word xMin="90.0" yMin="70.2" xMax="130.0" yMax="84.0">A&amp;B</word>
    <word xMin="1" yMin="1" xMax="2" yMax="2"> </word>
  </page>
</doc></body></html>"#;
        let (width, height, words) = parse_bbox(xhtml);
        assert!((width - 595.276).abs() < 1e-3 && (height - 841.89).abs() < 1e-3);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "상호");
        assert_eq!(words[1].text, "A&B");
        assert_eq!(words[1].x_max, 130.0);
    }
}
