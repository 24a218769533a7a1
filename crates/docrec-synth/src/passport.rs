//! Passports: the data page of an ICAO TD3 passport (125 × 88 mm, drawn
//! 1600 pixels across) with its visual zone and its two-line
//! machine-readable zone (MRZ).
//!
//! Takes: a random generator, optionally the seed's specimen generator
//! ([`specimen_rng`]), and a [`FaceGroup`]. Gives: a [`RenderedPassport`]:
//! the page as RGBA pixels, what it says ([`PassportContent`]: the keys of
//! the API's passport answer in its order: `passportType` … `MRZ2`), the
//! faces of its visual zone and of its MRZ, and its template's name.
//!
//! What a page says is drawn first, so it depends on the seed only: a
//! Korean passport (one in two: `PM`, the name in Hangul and romanised,
//! the older layout's personal number) or a foreign one (USA, GBR, D, FRA,
//! JPN, CHN, CAN, UTO; names of several parts, some cut in the MRZ); see
//! [`content`](self::content). The MRZ's check digits come from
//! [`docrec_rules::mrz::check_digit`].
//!
//! How it is drawn: one of the group's templates
//! ([`PassportTemplate::of_group`]: the photo left or right, labels over or
//! before the values, the ground's guilloche, a white MRZ band, a ghost
//! image); the visual zone in a [`Role::Body`] face (a [`Role::Title`]
//! heading) on a Korean page, a [`Role::CardText`] face on a foreign one;
//! the MRZ in OCR-B ([`fonts::ICAO_MRZ_FACES`], every group: the face is
//! ICAO's) on [`OCR_B_SHARE`] of pages, else in a [`Role::Mrz`] face of the
//! group.

mod content;
mod ground;
mod holder;
mod page;
mod stamp;

use image::RgbaImage;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::fonts::{self, Face, FaceGroup, Role};
use crate::SynthError;

pub use stamp::{stamp_page, stamp_rng, STAMP_SHARE, STAMP_STREAM};

pub use content::{Date, DateStyle, Printed, FOREIGN};
pub use holder::Holder;
pub use page::{LabelStyle, PassportTemplate, PAGE_SIZE, PX_PER_MM};

/// The percent of pages whose MRZ is printed in OCR-B (the rest in a
/// [`Role::Mrz`] face of the group).
pub const OCR_B_SHARE: u32 = 85;

/// The percent of passports (drawn with specimens) whose MRZ prints a
/// check digit that fails.
pub const SPECIMEN_CHECK: u32 = 2;

/// The stream of a seed's ChaCha8 generator passport specimens are drawn
/// from: none of 0 (content and drawing), 1-3 (capture levels), 7, 10, 11
/// and 19 (the other documents' specimens).
pub const SPECIMEN_STREAM: u64 = 23;

/// The specimen generator of `seed` for passports: stream
/// [`SPECIMEN_STREAM`] of its ChaCha8.
pub fn specimen_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(SPECIMEN_STREAM);
    rng
}

/// The share of hard-level passports photographed as an open booklet:
/// the data page with the facing page above it.
pub const BOOKLET_SHARE: f64 = 0.4;

/// The stream of a seed's ChaCha8 generator whether and how a hard-level
/// passport is an open booklet is drawn from (next to
/// [`SPECIMEN_STREAM`]; nothing else uses it).
pub const BOOKLET_STREAM: u64 = 24;

/// The booklet generator of `seed`: stream [`BOOKLET_STREAM`] of its
/// ChaCha8.
pub fn booklet_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(BOOKLET_STREAM);
    rng
}

/// The data page `page` in an open booklet: the facing page above it, the
/// fold between them in shadow.
pub fn open_booklet(page: &RgbaImage, rng: &mut impl Rng) -> RgbaImage {
    let (w, h) = page.dimensions();
    let facing = ground::facing_page(w, h, rng);
    let mut booklet = RgbaImage::new(w, 2 * h);
    for (x, y, p) in facing.enumerate_pixels() {
        booklet.put_pixel(x, y, image::Rgba([p[0], p[1], p[2], 255]));
    }
    image::imageops::replace(&mut booklet, page, 0, i64::from(h));
    // The fold: darker the nearer the gutter, on both pages.
    let depth = rng.gen_range(0.15..0.35f32);
    let reach = rng.gen_range(0.03..0.07f32) * h as f32;
    for y in 0..2 * h {
        let d = (y as f32 - h as f32).abs();
        if d >= reach {
            continue;
        }
        let shade = 1.0 - depth * (1.0 - d / reach).powi(2);
        for x in 0..w {
            let p = booklet.get_pixel_mut(x, y);
            for c in 0..3 {
                p[c] = (p[c] as f32 * shade) as u8;
            }
        }
    }
    booklet
}

/// What a passport says, as the API gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PassportContent {
    /// Issued by Korea.
    pub korean: bool,
    /// The keys of the passport answer, in its order.
    pub fields: Vec<(&'static str, String)>,
}

impl PassportContent {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One drawn data page.
pub struct RenderedPassport {
    pub image: RgbaImage,
    pub content: PassportContent,
    /// The visual zone's face.
    pub font: Face,
    /// The MRZ's face.
    pub mrz_font: Face,
    /// The [`PassportTemplate`]'s name.
    pub template: &'static str,
    /// Whether the MRZ prints a check digit that fails.
    pub specimen: bool,
}

/// The MRZ's face: OCR-B ([`fonts::ICAO_MRZ_FACES`]) on [`OCR_B_SHARE`]
/// of pages, else a [`Role::Mrz`] face of `group`.
pub fn mrz_face(rng: &mut impl Rng, group: FaceGroup) -> Face {
    if rng.gen_range(0..100) < OCR_B_SHARE {
        fonts::ICAO_MRZ_FACES[rng.gen_range(0..fonts::ICAO_MRZ_FACES.len())]
    } else {
        fonts::pick(rng, group, Role::Mrz)
    }
}

/// The positions of the second line's check digits: the number's, the
/// birth date's, the expiry's and the composite.
const CHECK_POSITIONS: [usize; 4] = [9, 19, 27, 43];

/// With `specimens`, on [`SPECIMEN_CHECK`] percent of pages, `mrz`'s second
/// line with one check digit changed; true when changed.
fn specimen_mrz(mrz: &mut [String; 2], specimens: Option<&mut dyn RngCore>) -> bool {
    let Some(specimens) = specimens else {
        return false;
    };
    if specimens.gen_range(0..100) >= SPECIMEN_CHECK {
        return false;
    }
    let at = CHECK_POSITIONS[specimens.gen_range(0..CHECK_POSITIONS.len())];
    let mut line: Vec<char> = mrz[1].chars().collect();
    let digit = line[at].to_digit(10).unwrap_or(0);
    line[at] = char::from_digit((digit + specimens.gen_range(1..10)) % 10, 10).expect("a digit");
    mrz[1] = line.into_iter().collect();
    true
}

/// Draws one page in the faces and templates of `group`, every check digit
/// right: [`render_with`] without specimens.
pub fn render(rng: &mut impl Rng, group: FaceGroup) -> Result<RenderedPassport, SynthError> {
    render_with(rng, None, group)
}

/// Draws one page in the faces and templates of `group`; with `specimens`
/// (the seed's [`specimen_rng`]) a few print an MRZ check digit that
/// fails (`RenderedPassport::specimen`). What the page says is drawn from
/// `rng` first, so it depends on the seed only.
pub fn render_with(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
    group: FaceGroup,
) -> Result<RenderedPassport, SynthError> {
    let printed = content::printed(rng);
    let mut mrz = printed.mrz();
    let specimen = specimen_mrz(&mut mrz, specimens);
    let korean = printed.state == "KOR";
    let templates = PassportTemplate::of_group(group);
    let template = templates[rng.gen_range(0..templates.len())];
    let (text_face, title_face) = if korean {
        let body = fonts::pick(rng, group, Role::Body);
        (body, fonts::pick_like(rng, group, Role::Title, body))
    } else {
        let text = fonts::pick(rng, group, Role::CardText);
        (text, text)
    };
    let mrz_face = mrz_face(rng, group);
    let pens = page::Pens {
        text: fonts::load(text_face)?,
        title: fonts::load(title_face)?,
        mrz: fonts::load(mrz_face)?,
    };
    let image = page::draw(&printed, &mrz, &template, &pens, rng);
    Ok(RenderedPassport {
        image: image::DynamicImage::ImageRgb8(image).to_rgba8(),
        content: PassportContent {
            korean,
            fields: printed.fields(&mrz),
        },
        font: text_face,
        mrz_font: mrz_face,
        template: template.name,
        specimen,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::mrz::{parse, MrzFormat};
    use docrec_rules::resident_number::{birth_date, check_digit_passes};
    use std::collections::BTreeSet;

    /// The API's keys of a passport, in its order.
    const KEYS: [&str; 17] = [
        "passportType",
        "countryCode",
        "passportNo",
        "surName",
        "givenName",
        "nationality",
        "dateOfBirth",
        "dateOfBirthYMD",
        "sex",
        "dateOfIssue",
        "dateOfIssueYMD",
        "dateOfExpiry",
        "dateOfExpiryYMD",
        "koreanName",
        "personalNo",
        "MRZ1",
        "MRZ2",
    ];

    /// What seed `seed` says: the printed page, its MRZ and its fields.
    fn says(seed: u64) -> (Printed, [String; 2], PassportContent) {
        let printed = content::printed(&mut ChaCha8Rng::seed_from_u64(seed));
        let mrz = printed.mrz();
        let fields = printed.fields(&mrz);
        let korean = printed.state == "KOR";
        (printed, mrz, PassportContent { korean, fields })
    }

    /// A Korean page's values: the type, the number's form, the Hangul
    /// name, and a personal number that is the back of a valid resident
    /// number of the holder's birth date. True when it has one.
    fn korean_values_are_right(c: &PassportContent) -> bool {
        let get = |k| c.get(k).unwrap();
        assert!(["PM", "PS", "PO", "PD"].contains(&get("passportType")));
        let number = get("passportNo");
        let old = number[1..].chars().all(|ch| ch.is_ascii_digit());
        let new = number[1..4]
            .chars()
            .chain(number[5..].chars())
            .all(|ch| ch.is_ascii_digit())
            && number.as_bytes()[4].is_ascii_uppercase();
        assert!(number.len() == 9 && (old || new), "{number}");
        let name = get("koreanName");
        assert!((2..=4).contains(&name.chars().count()), "{name}");
        assert!(name.chars().all(docrec_rules::is_hangul_syllable), "{name}");
        let personal = get("personalNo");
        if personal.is_empty() {
            return false;
        }
        assert!(old, "{number} {personal}");
        let resident = format!("{}-{personal}", get("dateOfBirth"));
        assert!(
            check_digit_passes(&resident) && birth_date(&resident).is_some(),
            "{resident}"
        );
        true
    }

    #[test]
    fn content_follows_icao_and_the_api_order() {
        let (mut korean, mut personal, mut cut, mut unknown_sex) = (0, 0, 0, 0);
        let mut states = BTreeSet::new();
        for seed in 0..600 {
            let (printed, mrz, c) = says(seed);
            let keys: Vec<&str> = c.fields.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, KEYS);
            for line in &mrz {
                assert_eq!(line.len(), 44, "{line}");
                assert!(line
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || ch.is_ascii_uppercase() || ch == '<'));
            }
            let parsed = parse(&[&mrz[0], &mrz[1]]).unwrap();
            assert_eq!(parsed.format, MrzFormat::Td3);
            assert!(parsed.checks.all_pass(), "{mrz:?}");
            let get = |k| c.get(k).unwrap();
            assert_eq!(get("passportType"), parsed.document_code);
            assert_eq!(get("countryCode"), parsed.issuing_state);
            assert_eq!(get("passportNo"), parsed.document_number);
            assert_eq!(get("passportNo"), printed.number);
            assert_eq!(
                (get("surName"), get("givenName")),
                (&*parsed.surname, &*parsed.given_names)
            );
            assert_eq!(get("nationality"), parsed.nationality);
            assert_eq!(get("sex"), parsed.sex.to_string());
            assert_eq!(get("dateOfBirth"), parsed.birth_date);
            assert_eq!(get("dateOfExpiry"), parsed.expiry_date);
            assert_eq!(get("personalNo"), parsed.optional_data);
            assert!(get("dateOfBirthYMD").ends_with(get("dateOfBirth")));
            assert!(get("dateOfExpiryYMD").ends_with(get("dateOfExpiry")));
            assert_eq!(get("dateOfIssue"), printed.date(printed.issue));
            assert_eq!(get("dateOfIssueYMD"), printed.issue.ymd());
            assert_eq!((get("MRZ1"), get("MRZ2")), (&*mrz[0], &*mrz[1]));
            if c.korean {
                korean += 1;
                personal += usize::from(korean_values_are_right(&c));
            } else {
                assert_eq!(get("koreanName"), "");
            }
            let full = format!("{} {}", printed.holder.surname, printed.holder.given);
            cut += usize::from(content::mrz_text(&full).len() + 1 > 39);
            unknown_sex += usize::from(get("sex") == "<");
            states.insert(get("countryCode").to_owned());
        }
        assert!((240..360).contains(&korean), "{korean} Korean");
        assert!(
            (korean / 5..korean * 3 / 5).contains(&personal),
            "{personal} of {korean}"
        );
        assert!(
            cut >= 15 && unknown_sex >= 5,
            "{cut} cut, {unknown_sex} sex <"
        );
        assert_eq!(states.len(), 1 + FOREIGN.len(), "{states:?}");
    }

    #[test]
    fn specimens_fail_a_check_digit_and_only_they() {
        let n = 3000;
        let mut specimens = 0;
        for seed in 0..n {
            let (_, plain, _) = says(seed);
            let mut mrz = plain.clone();
            let specimen_rng: &mut dyn RngCore = &mut specimen_rng(seed);
            let specimen = specimen_mrz(&mut mrz, Some(specimen_rng));
            assert_eq!(mrz[0], plain[0]);
            let parsed = parse(&[&mrz[0], &mrz[1]]).unwrap();
            assert_eq!(parsed.checks.all_pass(), !specimen, "{mrz:?}");
            if specimen {
                specimens += 1;
                let differing = mrz[1].chars().zip(plain[1].chars()).filter(|(a, b)| a != b);
                assert_eq!(differing.count(), 1);
            } else {
                assert_eq!(mrz, plain);
            }
        }
        let share = 100.0 * specimens as f64 / n as f64;
        assert!((1.0..3.5).contains(&share), "{specimens} specimens");
    }

    #[test]
    fn pages_are_td3_and_deterministic() {
        for group in FaceGroup::ALL {
            let draw = |seed| {
                let specimens: &mut dyn RngCore = &mut specimen_rng(seed);
                render_with(&mut ChaCha8Rng::seed_from_u64(seed), Some(specimens), group).unwrap()
            };
            let (a, b) = (draw(4), draw(4));
            assert_eq!(a.image.dimensions(), PAGE_SIZE);
            assert_eq!(a.image.as_raw(), b.image.as_raw());
            assert_eq!(a.content, b.content);
            assert_eq!(
                (a.font, a.mrz_font, a.template),
                (b.font, b.mrz_font, b.template)
            );
        }
        let (w, h) = PAGE_SIZE;
        assert!((w as f32 / h as f32 - 125.0 / 88.0).abs() < 0.005);
        assert!((w as f32 / PX_PER_MM - 125.0).abs() < 0.5);
    }

    #[test]
    fn an_open_booklet_has_the_data_page_below_the_facing_page() {
        let page = render(&mut ChaCha8Rng::seed_from_u64(2), FaceGroup::Test)
            .unwrap()
            .image;
        let open = open_booklet(&page, &mut booklet_rng(2));
        let (w, h) = PAGE_SIZE;
        assert_eq!(open.dimensions(), (w, 2 * h));
        // The data page's MRZ, far from the fold, is as drawn.
        for y in h * 7 / 8..h {
            for x in 0..w {
                assert_eq!(open.get_pixel(x, h + y), page.get_pixel(x, y));
            }
        }
        assert_ne!(open.get_pixel(w / 2, h + 1), page.get_pixel(w / 2, 1));
    }

    #[test]
    fn each_group_draws_its_own_templates_and_faces() {
        for group in FaceGroup::ALL {
            let mut templates = BTreeSet::new();
            for seed in 0..12 {
                let page = render(&mut ChaCha8Rng::seed_from_u64(seed), group).unwrap();
                assert!(PassportTemplate::of_group(group)
                    .iter()
                    .any(|t| t.name == page.template));
                templates.insert(page.template);
                assert_eq!(page.font.group(), group, "{}", page.font.name());
                let role = if page.content.korean {
                    Role::Body
                } else {
                    Role::CardText
                };
                assert!(page.font.roles().contains(&role), "{}", page.font.name());
                let mrz = page.mrz_font;
                assert!(
                    fonts::ICAO_MRZ_FACES.contains(&mrz)
                        || (mrz.group() == group && mrz.roles().contains(&Role::Mrz)),
                    "{}",
                    mrz.name()
                );
            }
            assert_eq!(
                templates.len(),
                PassportTemplate::of_group(group).len(),
                "{group}"
            );
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let faces: Vec<Face> = (0..1000).map(|_| mrz_face(&mut rng, group)).collect();
            let ocr_b = faces
                .iter()
                .filter(|f| fonts::ICAO_MRZ_FACES.contains(f))
                .count();
            assert!((800..900).contains(&ocr_b), "{ocr_b} in OCR-B");
            let others: BTreeSet<&str> = faces
                .iter()
                .filter(|f| !fonts::ICAO_MRZ_FACES.contains(f))
                .map(|f| f.name())
                .collect();
            let expected: BTreeSet<&str> = Face::in_group(group, Role::Mrz)
                .iter()
                .map(|f| f.name())
                .collect();
            assert_eq!(others, expected, "{group}");
        }
    }
}
