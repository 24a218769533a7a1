//! Fonts loaded from the system at run time.
//!
//! Takes: a [`Face`] (one of the fonts the generator draws with).
//! Gives: a parsed [`FontArc`], loaded once per process and cached, or
//! [`SynthError::FontMissing`] naming the Debian package that ships the file.
//!
//! No font file is embedded in the repository. Each face has a list of
//! candidate paths (the Debian locations first); a directory named by the
//! environment variable `DOCREC_FONT_DIR`, if set, is searched first by file
//! name, so the generator also runs where fonts live elsewhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ab_glyph::{Font, FontArc, PxScale};

use crate::SynthError;

/// Environment variable naming an extra directory searched first for font files.
pub const FONT_DIR_ENV: &str = "DOCREC_FONT_DIR";

/// Every font face the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    OcrA,
    OcrB,
    DejaVuSansMonoBold,
    DejaVuSansBold,
    DejaVuSans,
    LiberationMonoBold,
    LiberationSansBold,
    LiberationSansBoldItalic,
    FreeMonoBold,
    FreeSansBold,
    NanumGothicBold,
    NanumSquareB,
    NanumGothic,
    NanumMyeongjo,
    NanumMyeongjoBold,
    NanumBarunGothic,
    NanumSquareR,
}

impl Face {
    /// All faces, e.g. to check an installation.
    pub const ALL: [Face; 17] = [
        Face::OcrA,
        Face::OcrB,
        Face::DejaVuSansMonoBold,
        Face::DejaVuSansBold,
        Face::DejaVuSans,
        Face::LiberationMonoBold,
        Face::LiberationSansBold,
        Face::LiberationSansBoldItalic,
        Face::FreeMonoBold,
        Face::FreeSansBold,
        Face::NanumGothicBold,
        Face::NanumSquareB,
        Face::NanumGothic,
        Face::NanumMyeongjo,
        Face::NanumMyeongjoBold,
        Face::NanumBarunGothic,
        Face::NanumSquareR,
    ];

    /// Family name as recorded in [`crate::CardTruth::font`].
    pub fn family(self) -> &'static str {
        match self {
            Face::OcrA => "OCR-A",
            Face::OcrB => "OCR-B",
            Face::DejaVuSansMonoBold => "DejaVu Sans Mono Bold",
            Face::DejaVuSansBold => "DejaVu Sans Bold",
            Face::DejaVuSans => "DejaVu Sans",
            Face::LiberationMonoBold => "Liberation Mono Bold",
            Face::LiberationSansBold => "Liberation Sans Bold",
            Face::LiberationSansBoldItalic => "Liberation Sans Bold Italic",
            Face::FreeMonoBold => "FreeMono Bold",
            Face::FreeSansBold => "FreeSans Bold",
            Face::NanumGothicBold => "NanumGothic Bold",
            Face::NanumSquareB => "NanumSquare Bold",
            Face::NanumGothic => "NanumGothic",
            Face::NanumMyeongjo => "NanumMyeongjo",
            Face::NanumMyeongjoBold => "NanumMyeongjo Bold",
            Face::NanumBarunGothic => "NanumBarunGothic",
            Face::NanumSquareR => "NanumSquare",
        }
    }

    /// Debian package that installs the font.
    pub fn debian_package(self) -> &'static str {
        match self {
            Face::OcrA => "fonts-ocr-a",
            Face::OcrB => "fonts-ocr-b",
            Face::DejaVuSansMonoBold | Face::DejaVuSansBold | Face::DejaVuSans => {
                "fonts-dejavu-core"
            }
            Face::LiberationMonoBold
            | Face::LiberationSansBold
            | Face::LiberationSansBoldItalic => "fonts-liberation2",
            Face::FreeMonoBold | Face::FreeSansBold => "fonts-freefont-ttf",
            Face::NanumGothicBold
            | Face::NanumSquareB
            | Face::NanumGothic
            | Face::NanumMyeongjo
            | Face::NanumMyeongjoBold
            | Face::NanumBarunGothic
            | Face::NanumSquareR => "fonts-nanum",
        }
    }

    /// Candidate paths, most likely first.
    pub fn candidates(self) -> &'static [&'static str] {
        match self {
            Face::OcrA => &[
                "/usr/share/fonts/truetype/ocr-a/OCRA.ttf",
                "/usr/share/fonts/truetype/ocr-a/OCRABold.ttf",
            ],
            Face::OcrB => &[
                "/usr/share/fonts/opentype/ocr-b/OCRB.otf",
                "/usr/share/fonts/truetype/ocr-b/OCRB.otf",
            ],
            Face::DejaVuSansMonoBold => &[
                "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
                "/usr/share/fonts/dejavu/DejaVuSansMono-Bold.ttf",
            ],
            Face::DejaVuSansBold => &[
                "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
            ],
            Face::DejaVuSans => &[
                "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            ],
            Face::LiberationMonoBold => &[
                "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
                "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
            ],
            Face::LiberationSansBold => &[
                "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
                "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
            ],
            Face::LiberationSansBoldItalic => &[
                "/usr/share/fonts/truetype/liberation2/LiberationSans-BoldItalic.ttf",
                "/usr/share/fonts/truetype/liberation/LiberationSans-BoldItalic.ttf",
            ],
            Face::FreeMonoBold => &["/usr/share/fonts/truetype/freefont/FreeMonoBold.ttf"],
            Face::FreeSansBold => &["/usr/share/fonts/truetype/freefont/FreeSansBold.ttf"],
            Face::NanumGothicBold => &["/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"],
            Face::NanumSquareB => &[
                "/usr/share/fonts/truetype/nanum/NanumSquareB.ttf",
                "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
            ],
            Face::NanumGothic => &["/usr/share/fonts/truetype/nanum/NanumGothic.ttf"],
            Face::NanumMyeongjo => &["/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf"],
            Face::NanumMyeongjoBold => &["/usr/share/fonts/truetype/nanum/NanumMyeongjoBold.ttf"],
            Face::NanumBarunGothic => &["/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf"],
            Face::NanumSquareR => &["/usr/share/fonts/truetype/nanum/NanumSquareR.ttf"],
        }
    }
}

fn cache() -> &'static Mutex<HashMap<Face, FontArc>> {
    static CACHE: OnceLock<Mutex<HashMap<Face, FontArc>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn candidate_paths(face: Face) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
        for c in face.candidates() {
            if let Some(name) = Path::new(c).file_name() {
                paths.push(Path::new(&dir).join(name));
            }
        }
    }
    paths.extend(face.candidates().iter().map(PathBuf::from));
    paths
}

/// Loads (once) and returns a font face.
pub fn load(face: Face) -> Result<FontArc, SynthError> {
    if let Some(f) = cache().lock().unwrap_or_else(|e| e.into_inner()).get(&face) {
        return Ok(f.clone());
    }
    let tried = candidate_paths(face);
    for path in &tried {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let font = FontArc::try_from_vec(bytes)
            .map_err(|_| SynthError::FontInvalid { path: path.clone() })?;
        cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(face, font.clone());
        return Ok(font);
    }
    Err(SynthError::FontMissing {
        font: face.family(),
        package: face.debian_package(),
        tried,
    })
}

/// Checks that every face loads; returns the first failure.
pub fn check_all() -> Result<(), SynthError> {
    Face::ALL.iter().try_for_each(|f| load(*f).map(|_| ()))
}

/// Glyph-box height in pixels of `reference` (e.g. '8' or 'H') drawn at a
/// [`PxScale`] of 1.0; divide a wanted cap/digit height by it to get the scale.
pub fn height_per_scale(font: &FontArc, reference: char) -> f32 {
    const PROBE: f32 = 200.0;
    let glyph = font
        .glyph_id(reference)
        .with_scale_and_position(PxScale::from(PROBE), ab_glyph::point(0.0, 0.0));
    match font.outline_glyph(glyph) {
        Some(g) => {
            let b = g.px_bounds();
            ((b.max.y - b.min.y) / PROBE).max(0.3)
        }
        None => 0.7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_faces_load() {
        check_all().expect("fonts installed (see Face::debian_package)");
        let f = load(Face::OcrB).unwrap();
        let h = height_per_scale(&f, '8');
        assert!(h > 0.5 && h < 0.9, "{h}");
    }

    #[test]
    fn missing_font_error_names_package() {
        let e = SynthError::FontMissing {
            font: Face::OcrA.family(),
            package: Face::OcrA.debian_package(),
            tried: vec![],
        };
        assert!(e.to_string().contains("fonts-ocr-a"));
    }
}
