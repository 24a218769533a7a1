//! Synthetic, labelled document images for testing and measuring docrec.
//!
//! Documents:
//! * the front of a credit card (see `shared/spec/korean-documents.md`
//!   "Payment cards" and `API.md` §4.2): [`credit_card_in()`] draws one card
//!   deterministically from a seed at a difficulty [`Level`] in a
//!   [`FaceGroup`], and [`write_credit_cards`] writes a directory of images
//!   plus `truth.jsonl` (one [`CardTruth`] per line);
//! * business registration certificates (API.md §4.1):
//!   [`business_certificate_in()`] and [`write_business_certificates`], with
//!   [`BusinessTruth`] lines;
//! * Korean ID cards (API.md §4.4): [`id_card_in()`] and [`write_id_cards`],
//!   with [`IdCardTruth`] lines;
//! * passports' data pages (the ID-card API's `idType: "passport"`):
//!   [`passport_in()`] and [`write_passports`], with [`IdCardTruth`] lines.
//!
//! Groups: every face and every layout variant (template) belongs to one
//! [`FaceGroup`]: `development` is tuned and trained on, `validation` is
//! reported but never tuned on, `test` is looked at once, at the end (see
//! [`fonts`] and `docs/synthetic-groups.md`). [`credit_card()`],
//! [`id_card()`], [`passport()`] and [`business_certificate()`] draw the
//! development group.
//!
//! Modules:
//! * [`fonts`]: system fonts loaded at run time (nothing embedded).
//! * [`card_number`]: brands, Luhn, grouping, expiry.
//! * [`credit_card`](mod@credit_card): drawing the upright card.
//! * [`business`]: what a certificate says and drawing its page.
//! * [`pdf`]: one-page PDFs, born digital (a text layer) or scanned.
//! * [`id_card`](mod@id_card): resident registration cards and driver's
//!   licences.
//! * [`passport`](mod@passport): passports' data pages (TD3, with the MRZ).
//! * [`degrade`]: document-agnostic scan / phone-photo simulation.
//! * [`specimen`]: which documents print a value failing its check, as
//!   sample and specimen documents do (the truth's `specimen`).
//! * [`truth`]: [`CardTruth`], [`Level`], JSON lines.
//!
//! Same seed, level and group → same card, same pixels, same bytes. What a
//! document says depends only on the seed; the group changes how it is
//! drawn (faces, template), the level how it is scanned or photographed.
//! A few documents print a value that fails its check, as sample and
//! specimen documents do; their truth says `specimen` ([`specimen`]).
//! At every level the image is then delivered at 300 to 4000 pixels across
//! (one in seven 300-500), though never with a card narrower than 300
//! pixels or a page narrower than 900 (unless captured so), as JPEG or PNG
//! ([`degrade::upload`]).
//!
//! ```no_run
//! use docrec_synth::{credit_card, Level};
//! let card = credit_card(42, Level::Photo).unwrap();
//! std::fs::write(format!("card.{}", card.extension), &card.encoded).unwrap();
//! println!("{}", card.truth.total_card_num);
//! ```

pub mod business;
pub mod card_number;
pub mod credit_card;
pub mod degrade;
pub mod draw;
pub mod fonts;
pub mod id_card;
pub mod passport;
pub mod pdf;
pub mod specimen;
pub mod training;
pub mod truth;

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use card_number::CardNumber;
pub use credit_card::Style;
pub use degrade::Quad;
pub use fonts::FaceGroup;
pub use truth::{BusinessTruth, CardTruth, IdCardTruth, Level, TruthKeyValue};

/// Everything that can go wrong while generating.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error(
        "font {font} not found; install the Debian package {package} (tried {tried:?}, \
         or set DOCREC_FONT_DIR)"
    )]
    FontMissing {
        font: &'static str,
        package: &'static str,
        tried: Vec<PathBuf>,
    },
    #[error("font file {path} could not be parsed")]
    FontInvalid { path: PathBuf },
    #[error("unknown level {0:?} (expected clean, photo or hard)")]
    UnknownLevel(String),
    #[error("unknown group {0:?} (expected development, validation or test)")]
    UnknownGroup(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("image encoding failed: {0}")]
    Image(#[from] image::ImageError),
    #[error("truth JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl SynthError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> SynthError {
        SynthError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Where things are in the final image (after every transform, including
/// the quarter turn). Each quad is the TL, TR, BR, BL corners of the upright
/// box as drawn on the card, so after a quarter turn "TL" is no longer the
/// top-left point of the image.
#[derive(Debug, Clone, PartialEq)]
pub struct CardGeometry {
    /// The card's outline (its bounding rectangle, corners rounded inside).
    pub card: Quad,
    /// One quad per printed number group, in order.
    pub number_groups: Vec<Quad>,
    /// The `MM/YY` date (without its label).
    pub valid_thru: Quad,
}

/// One generated card.
#[derive(Debug, Clone)]
pub struct SyntheticCard {
    /// The final pixels before compression (what `encoded` was made from).
    pub image: image::RgbImage,
    pub truth: CardTruth,
    /// The image file's bytes (PNG or JPEG).
    pub encoded: Vec<u8>,
    /// `"jpg"` or `"png"`.
    pub extension: &'static str,
    /// Boxes of the number groups and expiry in `image` coordinates.
    pub geometry: CardGeometry,
}

/// What is captured: a card (landscape, photographed as cards are), a
/// passport's data page (photographed as cards are, delivered larger) or a
/// page (portrait, photographed larger in the frame).
#[derive(Clone, Copy)]
enum Shape {
    Card,
    Passport,
    Page,
}

/// The scan or photo of `document` that `level` says, resized and encoded
/// as it is uploaded, from the random stream of `(seed, level)`, so that
/// the level changes how a document is captured and never what it says.
fn capture(
    document: &image::RgbaImage,
    seed: u64,
    level: Level,
    shape: Shape,
) -> degrade::Degraded {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(level_stream(level));
    let photo = |params: degrade::PhotoParams, rng: &mut ChaCha8Rng| {
        degrade::photograph(document, &params, rng)
    };
    let captured = match (level, shape) {
        (Level::Clean, _) => degrade::scan(document, &degrade::ScanParams::default(), &mut rng),
        (Level::Photo, Shape::Card | Shape::Passport) => {
            photo(degrade::PhotoParams::photo(), &mut rng)
        }
        (Level::Hard, Shape::Card | Shape::Passport) => {
            photo(degrade::PhotoParams::hard(), &mut rng)
        }
        (Level::Photo, Shape::Page) => photo(degrade::PhotoParams::document_photo(), &mut rng),
        (Level::Hard, Shape::Page) => photo(degrade::PhotoParams::document_hard(), &mut rng),
    };
    let least_document_width = match shape {
        Shape::Card => LEAST_CARD_WIDTH,
        Shape::Passport => LEAST_PASSPORT_WIDTH,
        Shape::Page => LEAST_PAGE_WIDTH,
    };
    let sent = match level {
        Level::Clean => degrade::UploadParams {
            png_prob: 0.3,
            jpeg_quality: (75, 95),
            least_document_width,
        },
        Level::Photo => degrade::UploadParams {
            png_prob: 0.08,
            jpeg_quality: (60, 90),
            least_document_width,
        },
        Level::Hard => degrade::UploadParams {
            png_prob: 0.0,
            jpeg_quality: (50, 75),
            least_document_width,
        },
    };
    let size = (document.width() as f32, document.height() as f32);
    degrade::upload(captured, size, &sent, &mut rng)
}

/// The narrowest a card is delivered: the smallest width issue 22 names
/// for uploads (300 pixels; its small resident cards were 390 × 248).
const LEAST_CARD_WIDTH: u32 = 300;

/// The narrowest a passport's data page is delivered: 600 pixels across,
/// its MRZ's characters are some 11 pixels tall and 12 apart (at 300, a
/// card's least, they would be 5 or 6 pixels tall: no upload of a
/// passport meant to be read is that small).
const LEAST_PASSPORT_WIDTH: u32 = 600;

/// The narrowest a page is delivered: an A4 page 900 pixels across is
/// about 110 dpi, where 10-point print is some 15 pixels to the em (at 300
/// pixels, the narrowest upload, it would be 5).
const LEAST_PAGE_WIDTH: u32 = 900;

fn level_stream(level: Level) -> u64 {
    match level {
        Level::Clean => 1,
        Level::Photo => 2,
        Level::Hard => 3,
    }
}

/// Draws one card of the development group: [`credit_card_in`].
pub fn credit_card(seed: u64, level: Level) -> Result<SyntheticCard, SynthError> {
    credit_card_in(seed, level, FaceGroup::Development)
}

/// Draws one card in the faces and templates of `group`. Deterministic for
/// `(seed, level, group)`; what it says (number, expiry, name) depends
/// only on `seed`. `truth.file` is `card-{seed:05}.{extension}`.
pub fn credit_card_in(
    seed: u64,
    level: Level,
    group: FaceGroup,
) -> Result<SyntheticCard, SynthError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let card = credit_card::render_with(
        &mut rng,
        Some(&mut specimen::rng(seed, specimen::Document::CreditCard)),
        group,
    )?;
    let out = capture(&card.image, seed, level, Shape::Card);
    let encoded = out.encoding.encode(&out.image)?;
    let extension = out.encoding.extension();
    let (w, h) = (card.image.width() as f32, card.image.height() as f32);
    let geometry = CardGeometry {
        card: out.map_box([0.0, 0.0, w, h]),
        number_groups: card.group_boxes.iter().map(|b| out.map_box(*b)).collect(),
        valid_thru: out.map_box(card.valid_thru_box),
    };
    let truth = CardTruth {
        file: format!("card-{seed:05}.{extension}"),
        level,
        brand: card.number.brand.name().to_string(),
        style: card.style.name().to_string(),
        font: card.face.name().to_string(),
        template: card.template.name.to_owned(),
        group,
        total_card_num: card.number.digits.clone(),
        card_nums: card.number.groups.clone(),
        valid_thru: card.valid_thru.clone(),
        specimen: card.specimen,
        rotation: out.rotation,
    };
    Ok(SyntheticCard {
        image: out.image,
        truth,
        encoded,
        extension,
        geometry,
    })
}

/// The seed of the `index`-th card of a set made with `seed` (SplitMix64).
pub fn card_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed.wrapping_add(
        (index as u64)
            .wrapping_add(1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Writes `n` cards to `out_dir` (created if missing) as
/// `card-00000.{png,jpg}`, … plus `out_dir/truth.jsonl`, one [`CardTruth`]
/// per line in index order. Card `i` is `credit_card_in(card_seed(seed,
/// i), levels[i % levels.len()], group)` renamed; an empty `levels` means
/// all three. Deterministic; uses all cores.
pub fn write_credit_cards(
    out_dir: &Path,
    n: usize,
    seed: u64,
    levels: &[Level],
    group: FaceGroup,
) -> Result<Vec<CardTruth>, SynthError> {
    write_set(out_dir, n, seed, levels, |i, seed, level| {
        let card = credit_card_in(seed, level, group)?;
        let mut truth = card.truth;
        truth.file = format!("card-{i:05}.{}", card.extension);
        Ok((truth.file.clone(), card.encoded, truth))
    })
}

/// A business registration certificate: the page of
/// [`business::render`], scanned or photographed as `level` says.
#[derive(Debug, Clone)]
pub struct SyntheticCertificate {
    pub truth: BusinessTruth,
    /// The image file's bytes (PNG or JPEG).
    pub encoded: Vec<u8>,
    /// `"jpg"` or `"png"`.
    pub extension: &'static str,
}

/// What file a certificate comes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateFormat {
    /// A JPEG or PNG scan or photo, as the level says.
    Image,
    /// A born-digital PDF: the page's text as a text layer (the level is
    /// not used: nothing is scanned).
    TextPdf,
    /// A PDF of a scan: the level's picture of the page as a JPEG, no text.
    ScannedPdf,
    /// [`CertificateFormat::ScannedPdf`] encrypted under the user password
    /// [`PROTECTED_PDF_PASSWORD`].
    ProtectedPdf,
}

/// The user password of [`CertificateFormat::ProtectedPdf`] files.
pub const PROTECTED_PDF_PASSWORD: &str = "docrec-synth";

/// Draws one certificate of the development group as an image:
/// [`business_certificate_in`].
pub fn business_certificate(seed: u64, level: Level) -> Result<SyntheticCertificate, SynthError> {
    business_certificate_in(
        seed,
        level,
        FaceGroup::Development,
        CertificateFormat::Image,
    )
}

/// Draws one certificate of the development group in `format`:
/// [`business_certificate_in`].
pub fn business_certificate_as(
    seed: u64,
    level: Level,
    format: CertificateFormat,
) -> Result<SyntheticCertificate, SynthError> {
    business_certificate_in(seed, level, FaceGroup::Development, format)
}

/// Draws one certificate in the faces and templates of `group`, in
/// `format` (the extension `pdf` for the PDF formats). Deterministic for
/// `(seed, level, group, format)`; what it says depends only on `seed`.
/// `truth.file` is `business-{seed:05}.{extension}`.
pub fn business_certificate_in(
    seed: u64,
    level: Level,
    group: FaceGroup,
    format: CertificateFormat,
) -> Result<SyntheticCertificate, SynthError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let page = business::render_with(
        &mut rng,
        Some(&mut specimen::rng(seed, specimen::Document::Certificate)),
        group,
    )?;
    let out = capture(&page.image, seed, level, Shape::Page);
    let (encoded, extension, rotation) = match format {
        CertificateFormat::Image => (
            out.encoding.encode(&out.image)?,
            out.encoding.extension(),
            out.rotation,
        ),
        CertificateFormat::TextPdf => (
            pdf::text_layer_pdf(&page.text_runs, page.image.dimensions())?,
            "pdf",
            0,
        ),
        CertificateFormat::ScannedPdf => {
            let jpeg = degrade::Encoding::Jpeg(90).encode(&out.image)?;
            (
                pdf::image_pdf(&jpeg, out.image.dimensions()),
                "pdf",
                out.rotation,
            )
        }
        CertificateFormat::ProtectedPdf => {
            let jpeg = degrade::Encoding::Jpeg(90).encode(&out.image)?;
            let id: [u8; 16] = rand::Rng::gen(&mut rng);
            let bytes = pdf::password_protected_image_pdf(
                &jpeg,
                out.image.dimensions(),
                PROTECTED_PDF_PASSWORD,
                id,
            );
            (bytes, "pdf", out.rotation)
        }
    };
    let truth = BusinessTruth {
        file: format!("business-{seed:05}.{extension}"),
        level,
        kind: if page.content.kind.is_corporate() {
            "corporate"
        } else {
            "individual"
        }
        .to_owned(),
        font: page.font.to_owned(),
        template: page.template.to_owned(),
        group,
        key_values: page
            .content
            .fields
            .into_iter()
            .map(|(key, value)| TruthKeyValue {
                key: key.to_owned(),
                value,
            })
            .collect(),
        specimen: page.specimen,
        rotation,
    };
    Ok(SyntheticCertificate {
        truth,
        encoded,
        extension,
    })
}

/// Writes `n` certificates in `format` to `out_dir` as
/// `business-00000.{png,jpg,pdf}`, … plus `truth.jsonl`, as
/// [`write_credit_cards`] does for cards.
pub fn write_business_certificates(
    out_dir: &Path,
    n: usize,
    seed: u64,
    levels: &[Level],
    group: FaceGroup,
    format: CertificateFormat,
) -> Result<Vec<BusinessTruth>, SynthError> {
    write_set(out_dir, n, seed, levels, |i, seed, level| {
        let certificate = business_certificate_in(seed, level, group, format)?;
        let mut truth = certificate.truth;
        truth.file = format!("business-{i:05}.{}", certificate.extension);
        Ok((truth.file.clone(), certificate.encoded, truth))
    })
}

/// One generated ID card.
#[derive(Debug, Clone)]
pub struct SyntheticIdCard {
    pub truth: IdCardTruth,
    /// The image file's bytes (PNG or JPEG).
    pub encoded: Vec<u8>,
    /// `"jpg"` or `"png"`.
    pub extension: &'static str,
}

/// Draws one ID card of the development group: [`id_card_in`].
pub fn id_card(seed: u64, level: Level) -> Result<SyntheticIdCard, SynthError> {
    id_card_in(seed, level, FaceGroup::Development)
}

/// Draws one ID card in the faces and templates of `group`, scanned or
/// photographed as `level` says (as credit cards are). Deterministic for
/// `(seed, level, group)`; what it says depends only on `seed`.
/// `truth.file` is `id-card-{seed:05}.{extension}`.
pub fn id_card_in(
    seed: u64,
    level: Level,
    group: FaceGroup,
) -> Result<SyntheticIdCard, SynthError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let card = id_card::render_with(
        &mut rng,
        Some(&mut specimen::rng(seed, specimen::Document::IdCard)),
        group,
    )?;
    let out = capture(&card.image, seed, level, Shape::Card);
    let encoded = out.encoding.encode(&out.image)?;
    let extension = out.encoding.extension();
    let truth = IdCardTruth {
        file: format!("id-card-{seed:05}.{extension}"),
        level,
        id_type: card.content.id_type.api_name().to_owned(),
        legacy_region: card.content.legacy_region,
        font: card.font.to_owned(),
        mrz_font: String::new(),
        template: card.template.to_owned(),
        group,
        key_values: card
            .content
            .fields
            .into_iter()
            .map(|(key, value)| TruthKeyValue {
                key: key.to_owned(),
                value,
            })
            .collect(),
        specimen: card.specimen,
        stamp: String::new(),
        rotation: out.rotation,
    };
    Ok(SyntheticIdCard {
        truth,
        encoded,
        extension,
    })
}

/// Writes `n` ID cards to `out_dir` as `id-card-00000.{png,jpg}`, … plus
/// `truth.jsonl`, as [`write_credit_cards`] does for cards.
pub fn write_id_cards(
    out_dir: &Path,
    n: usize,
    seed: u64,
    levels: &[Level],
    group: FaceGroup,
) -> Result<Vec<IdCardTruth>, SynthError> {
    write_set(out_dir, n, seed, levels, |i, seed, level| {
        let card = id_card_in(seed, level, group)?;
        let mut truth = card.truth;
        truth.file = format!("id-card-{i:05}.{}", card.extension);
        Ok((truth.file.clone(), card.encoded, truth))
    })
}

/// Draws one passport data page of the development group:
/// [`passport_in`].
pub fn passport(seed: u64, level: Level) -> Result<SyntheticIdCard, SynthError> {
    passport_in(seed, level, FaceGroup::Development)
}

/// Draws one passport data page in the faces and templates of `group`,
/// scanned or photographed as `level` says (as ID cards are; delivered at
/// least 600 pixels across); [`passport::STAMP_SHARE`] of them stamped
/// across as specimens are (`SPECIMEN`, `견본`, ...); at the hard level
/// [`passport::BOOKLET_SHARE`] of them are photographed as an open
/// booklet, the facing page above.
/// Deterministic for `(seed, level, group)`; what it says depends only on
/// `seed`. The truth is an [`IdCardTruth`] of
/// `idType` `passport` whose `mrzFont` names the MRZ's face; `truth.file`
/// is `passport-{seed:05}.{extension}`.
pub fn passport_in(
    seed: u64,
    level: Level,
    group: FaceGroup,
) -> Result<SyntheticIdCard, SynthError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut page = passport::render_with(&mut rng, Some(&mut passport::specimen_rng(seed)), group)?;
    let stamp = passport::stamp_page(&mut page.image, seed, group)?;
    let mut booklet = passport::booklet_rng(seed);
    let out = if level == Level::Hard && booklet.gen_bool(passport::BOOKLET_SHARE) {
        let open = passport::open_booklet(&page.image, &mut booklet);
        capture(&open, seed, level, Shape::Passport)
    } else {
        capture(&page.image, seed, level, Shape::Passport)
    };
    let encoded = out.encoding.encode(&out.image)?;
    let extension = out.encoding.extension();
    let truth = IdCardTruth {
        file: format!("passport-{seed:05}.{extension}"),
        level,
        id_type: "passport".to_owned(),
        legacy_region: false,
        font: page.font.name().to_owned(),
        mrz_font: page.mrz_font.name().to_owned(),
        template: page.template.to_owned(),
        group,
        key_values: page
            .content
            .fields
            .into_iter()
            .map(|(key, value)| TruthKeyValue {
                key: key.to_owned(),
                value,
            })
            .collect(),
        specimen: page.specimen,
        stamp: stamp.unwrap_or_default().to_owned(),
        rotation: out.rotation,
    };
    Ok(SyntheticIdCard {
        truth,
        encoded,
        extension,
    })
}

/// Writes `n` passport data pages to `out_dir` as
/// `passport-00000.{png,jpg}`, … plus `truth.jsonl`, as
/// [`write_credit_cards`] does for cards.
pub fn write_passports(
    out_dir: &Path,
    n: usize,
    seed: u64,
    levels: &[Level],
    group: FaceGroup,
) -> Result<Vec<IdCardTruth>, SynthError> {
    write_set(out_dir, n, seed, levels, |i, seed, level| {
        let page = passport_in(seed, level, group)?;
        let mut truth = page.truth;
        truth.file = format!("passport-{i:05}.{}", page.extension);
        Ok((truth.file.clone(), page.encoded, truth))
    })
}

/// Writes `n` documents made by `make(index, seed, level)` (which gives the
/// file name, its bytes and the truth) with the seed [`card_seed`]`(seed,
/// index)` and the levels in turn (an empty `levels` means all three), then
/// `truth.jsonl`. Uses all cores; deterministic.
fn write_set<T: serde::Serialize + Send>(
    out_dir: &Path,
    n: usize,
    seed: u64,
    levels: &[Level],
    make: impl Fn(usize, u64, Level) -> Result<(String, Vec<u8>, T), SynthError> + Sync,
) -> Result<Vec<T>, SynthError> {
    let levels: &[Level] = if levels.is_empty() {
        &Level::ALL
    } else {
        levels
    };
    std::fs::create_dir_all(out_dir).map_err(|e| SynthError::io(out_dir, e))?;
    let make_one = |i: usize| -> Result<T, SynthError> {
        let (file, bytes, truth) = make(i, card_seed(seed, i), levels[i % levels.len()])?;
        let path = out_dir.join(file);
        std::fs::write(&path, &bytes).map_err(|e| SynthError::io(&path, e))?;
        Ok(truth)
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(n.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<T, SynthError>>> = (0..n).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        let r = make_one(i);
                        let failed = r.is_err();
                        done.push((i, r));
                        if failed {
                            break;
                        }
                    }
                    done
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().expect("document worker panicked") {
                results[i] = Some(r);
            }
        }
    });
    let mut truths = Vec::with_capacity(n);
    for r in results {
        match r {
            Some(Ok(t)) => truths.push(t),
            Some(Err(e)) => return Err(e),
            // Only when another worker failed first; its error is returned.
            None => continue,
        }
    }
    if truths.len() != n {
        // A worker stopped early after an error that was already reported
        // above; unreachable in practice.
        return Err(SynthError::io(
            out_dir,
            std::io::Error::other("document generation stopped early"),
        ));
    }
    truth::write_jsonl(&out_dir.join("truth.jsonl"), &truths)?;
    Ok(truths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::payment_card::{Brand, NumberCheck};

    #[test]
    fn deterministic_per_seed() {
        for level in Level::ALL {
            let a = credit_card(11, level).unwrap();
            let b = credit_card(11, level).unwrap();
            assert_eq!(a.truth, b.truth);
            assert_eq!(a.image.as_raw(), b.image.as_raw());
            assert_eq!(a.encoded, b.encoded);
        }
        let c = credit_card(12, Level::Clean).unwrap();
        let a = credit_card(11, Level::Clean).unwrap();
        assert_ne!(a.truth.total_card_num, c.truth.total_card_num);
        // The level does not change the card itself.
        let p = credit_card(11, Level::Hard).unwrap();
        assert_eq!(p.truth.total_card_num, a.truth.total_card_num);
        assert_eq!(p.truth.valid_thru, a.truth.valid_thru);
    }

    #[test]
    fn every_group_has_its_own_templates() {
        let names = |group| -> Vec<String> {
            let cards = credit_card::CardTemplate::of_group(group)
                .iter()
                .map(|t| t.name);
            let ids = id_card::IdCardTemplate::of_group(group)
                .iter()
                .map(|t| t.name);
            let pages = business::CertificateTemplate::of_group(group)
                .iter()
                .map(|t| t.name);
            let passports = passport::PassportTemplate::of_group(group)
                .iter()
                .map(|t| t.name);
            cards
                .map(|n| format!("card {n}"))
                .chain(ids.map(|n| format!("id {n}")))
                .chain(pages.map(|n| format!("business {n}")))
                .chain(passports.map(|n| format!("passport {n}")))
                .collect()
        };
        let mut seen = std::collections::HashSet::new();
        for group in FaceGroup::ALL {
            let names = names(group);
            assert!(names.iter().any(|n| n.starts_with("card ")), "{group}");
            assert!(names.iter().any(|n| n.starts_with("id ")), "{group}");
            assert!(names.iter().any(|n| n.starts_with("business ")), "{group}");
            assert!(names.iter().any(|n| n.starts_with("passport ")), "{group}");
            for name in names {
                assert!(seen.insert(name.clone()), "{name} is in two groups");
            }
        }
    }

    #[test]
    fn groups_change_the_drawing_not_the_content() {
        for seed in 20..23 {
            let cards: Vec<SyntheticCard> = FaceGroup::ALL
                .iter()
                .map(|g| credit_card_in(seed, Level::Photo, *g).unwrap())
                .collect();
            let ids: Vec<SyntheticIdCard> = FaceGroup::ALL
                .iter()
                .map(|g| id_card_in(seed, Level::Clean, *g).unwrap())
                .collect();
            let passports: Vec<SyntheticIdCard> = FaceGroup::ALL
                .iter()
                .map(|g| passport_in(seed, Level::Photo, *g).unwrap())
                .collect();
            let pages: Vec<SyntheticCertificate> = FaceGroup::ALL
                .iter()
                .map(|g| {
                    business_certificate_in(seed, Level::Clean, *g, CertificateFormat::TextPdf)
                        .unwrap()
                })
                .collect();
            for (i, group) in FaceGroup::ALL.iter().enumerate() {
                assert_eq!(cards[i].truth.group, *group);
                assert_eq!(cards[i].truth.total_card_num, cards[0].truth.total_card_num);
                assert_eq!(cards[i].truth.valid_thru, cards[0].truth.valid_thru);
                assert_eq!(ids[i].truth.key_values, ids[0].truth.key_values);
                let passport = &passports[i].truth;
                assert_eq!(passport.key_values, passports[0].truth.key_values);
                assert_eq!(passport.group, *group);
                assert_eq!(pages[i].truth.key_values, pages[0].truth.key_values);
                // Same seed, level and group: the same bytes.
                let again = id_card_in(seed, Level::Clean, *group).unwrap();
                assert_eq!(again.encoded, ids[i].encoded);
                let again = credit_card_in(seed, Level::Photo, *group).unwrap();
                assert_eq!(again.encoded, cards[i].encoded);
                let again = passport_in(seed, Level::Photo, *group).unwrap();
                assert_eq!(again.encoded, passports[i].encoded);
            }
            assert_ne!(passports[1].encoded, passports[0].encoded);
            assert_ne!(cards[0].truth.template, "");
            assert_ne!(ids[1].encoded, ids[0].encoded);
        }
    }

    #[test]
    fn truth_is_consistent() {
        for seed in 0..6 {
            let c = credit_card(seed, Level::Clean).unwrap();
            let t = &c.truth;
            let check = NumberCheck::of(&t.total_card_num);
            let m: u32 = t.valid_thru[..2].parse().unwrap();
            assert_eq!(
                t.specimen,
                !(check.passes() && (1..=12).contains(&m)),
                "{t:?}"
            );
            assert_eq!(check.brand.map(Brand::name), Some(t.brand.as_str()));
            assert_eq!(t.card_nums.concat(), t.total_card_num);
            if check.brand == Some(Brand::Amex) {
                assert_eq!(
                    t.card_nums.iter().map(|g| g.len()).collect::<Vec<_>>(),
                    [4, 6, 5]
                );
            }
            assert_eq!(&t.valid_thru[2..3], "/");
            assert!(["embossed", "flat", "laser"].contains(&t.style.as_str()));
            assert_eq!(t.rotation, 0);
            assert!(t.file.ends_with(c.extension));
        }
    }

    /// Truth records carry what a specimen document prints and say so; the
    /// level and the group change neither.
    #[test]
    fn specimen_documents_say_so_in_their_truth() {
        use docrec_rules::business_number::registration_number_passes;
        use docrec_rules::resident_number::{birth_date, check_digit_passes};
        use specimen::Document;
        let first = |document, is: &dyn Fn(&mut rand_chacha::ChaCha8Rng) -> bool| {
            (0..1000u64)
                .find(|&seed| is(&mut specimen::rng(seed, document)))
                .unwrap()
        };
        let value = |key_values: &[TruthKeyValue], key: &str| {
            key_values
                .iter()
                .find(|kv| kv.key == key)
                .map(|kv| kv.value.clone())
                .unwrap()
        };

        let seed = first(Document::CreditCard, &|r| specimen::card(r).is_some());
        let card = credit_card_in(seed, Level::Clean, FaceGroup::Validation).unwrap();
        let t = &card.truth;
        let m: u32 = t.valid_thru[..2].parse().unwrap();
        assert!(t.specimen, "{t:?}");
        assert!(!NumberCheck::of(&t.total_card_num).passes() || !(1..=12).contains(&m));
        assert_eq!(t.card_nums.concat(), t.total_card_num);
        let photo = credit_card(seed, Level::Hard).unwrap().truth;
        assert_eq!(
            (&photo.total_card_num, &photo.valid_thru, photo.specimen),
            (&t.total_card_num, &t.valid_thru, true)
        );

        // A resident number's check digit or birth date fails on either
        // kind of card.
        let seed = first(Document::IdCard, &|r| specimen::id_card(r, false).is_some());
        let id = id_card(seed, Level::Clean).unwrap().truth;
        let resident = value(&id.key_values, "residentNumber");
        assert!(id.specimen, "{id:?}");
        assert!(!check_digit_passes(&resident) || birth_date(&resident).is_none());

        let seed = first(Document::Certificate, &|r| {
            specimen::certificate(r, false).is_some()
        });
        let page = business_certificate(seed, Level::Clean).unwrap().truth;
        assert!(page.specimen, "{page:?}");
        assert!(!registration_number_passes(&value(
            &page.key_values,
            "등록번호"
        )));

        // And the rest pass.
        let seed = first(Document::CreditCard, &|r| specimen::card(r).is_none());
        assert!(!credit_card(seed, Level::Clean).unwrap().truth.specimen);
        let seed = first(Document::IdCard, &|r| specimen::id_card(r, true).is_none());
        assert!(!id_card(seed, Level::Clean).unwrap().truth.specimen);
    }

    #[test]
    fn image_sizes_per_level() {
        let c = credit_card(5, Level::Clean).unwrap();
        let (w, h) = c.image.dimensions();
        let aspect = w as f32 / h as f32;
        assert!((1.45..1.75).contains(&aspect), "{aspect}");
        for level in [Level::Photo, Level::Hard] {
            for seed in 0..3 {
                let c = credit_card(seed, level).unwrap();
                let (w, h) = c.image.dimensions();
                assert!((300..=4000).contains(&w), "{level} {w}");
                if c.truth.rotation % 180 == 0 {
                    assert!(w > h);
                } else {
                    assert!(h > w);
                }
                if level == Level::Hard {
                    assert_eq!(c.extension, "jpg");
                    assert_eq!(&c.encoded[..2], &[0xFF, 0xD8]);
                }
                // Every box is inside the image.
                for q in c
                    .geometry
                    .number_groups
                    .iter()
                    .chain([&c.geometry.valid_thru])
                {
                    for p in q {
                        assert!(p[0] >= 0.0 && p[1] >= 0.0);
                        assert!(p[0] <= w as f32 && p[1] <= h as f32);
                    }
                }
            }
        }
    }

    #[test]
    fn passports_are_written_with_their_truth() {
        let dir = tempfile::tempdir().unwrap();
        let truths = write_passports(dir.path(), 3, 5, &Level::ALL, FaceGroup::Validation).unwrap();
        let read: Vec<IdCardTruth> = truth::read_truth(&dir.path().join("truth.jsonl")).unwrap();
        assert_eq!(read, truths);
        for (i, t) in truths.iter().enumerate() {
            assert!(
                t.file.starts_with(&format!("passport-{i:05}.")),
                "{}",
                t.file
            );
            assert_eq!((t.id_type.as_str(), t.level), ("passport", Level::ALL[i]));
            assert!(!t.mrz_font.is_empty() && !t.font.is_empty());
            assert_eq!(t.key_values.len(), 17);
            assert_eq!(t.key_values[0].key, "passportType");
            assert_eq!(t.key_values[16].key, "MRZ2");
            let bytes = std::fs::read(dir.path().join(&t.file)).unwrap();
            let image = image::load_from_memory(&bytes).unwrap();
            assert!(image.width().max(image.height()) >= 600, "{t:?}");
        }
        // An ID card's line has no mrzFont.
        let card = id_card(3, Level::Clean).unwrap().truth;
        let line = serde_json::to_string(&card).unwrap();
        assert!(!line.contains("mrzFont"), "{line}");
        assert_eq!(serde_json::from_str::<IdCardTruth>(&line).unwrap(), card);
    }

    #[test]
    fn writes_files_and_truth_lines() {
        let dir = tempfile::tempdir().unwrap();
        let levels = [Level::Clean, Level::Photo, Level::Hard];
        let truths = write_credit_cards(dir.path(), 4, 99, &levels, FaceGroup::Test).unwrap();
        assert_eq!(truths.len(), 4);
        let text = std::fs::read_to_string(dir.path().join("truth.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 4);
        let read: Vec<CardTruth> = truth::read_truth(&dir.path().join("truth.jsonl")).unwrap();
        assert_eq!(read, truths);
        for (i, t) in truths.iter().enumerate() {
            assert_eq!(t.level, levels[i % 3]);
            assert_eq!(t.group, FaceGroup::Test);
            assert!(t.file.starts_with(&format!("card-{i:05}.")));
            let bytes = std::fs::read(dir.path().join(&t.file)).unwrap();
            image::load_from_memory(&bytes).unwrap();
        }
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 5);
        // Deterministic across runs.
        let dir2 = tempfile::tempdir().unwrap();
        assert_eq!(
            write_credit_cards(dir2.path(), 4, 99, &levels, FaceGroup::Test).unwrap(),
            truths
        );
    }
}
