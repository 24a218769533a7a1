//! Korean ID cards: resident registration cards (주민등록증) and driver's
//! licences (자동차운전면허증), drawn upright at the ID-1 size (85.60 ×
//! 53.98 mm) 1000 pixels wide.
//!
//! Takes: a random generator. Gives: a [`RenderedIdCard`]: the card as RGBA
//! pixels and what it says ([`IdCardContent`]: the keys of API.md §4.4 in
//! the API's order, formatted as the API gives them, which is not always as
//! printed: a resident card prints `2019. 5. 13.` for the `issueDate`
//! `2019.05.13`, an old licence prints `서울-19-…` for the number
//! `11-19-…`, the Hanja after a name is not part of `name`).
//!
//! What varies: the kind, the face (NanumGothic or NanumBarunGothic, which
//! have the Hanja), sizes and positions within a few percent, the
//! background's tint and pattern, one or two address lines, for licences
//! one to three classes, a condition or none, and a legacy region name in
//! place of the region code (about a third).

use image::{Rgb, RgbImage, RgbaImage};
use rand::Rng;

use crate::draw::{fill_ellipse, fill_linear_gradient, paint_text, rgb};
use crate::fonts::{self, Face};
use crate::SynthError;
use docrec_rules::driver_license::{CLASSES, REGIONS};
use docrec_rules::resident_number::check_digit;

/// The card's size in pixels (ID-1 at about 297 dpi).
pub const CARD_SIZE: (u32, u32) = (1000, 631);

/// Which ID card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdType {
    /// 주민등록증.
    Resident,
    /// 자동차운전면허증.
    Driver,
}

impl IdType {
    /// The API's `idType`.
    pub fn api_name(self) -> &'static str {
        match self {
            IdType::Resident => "resident",
            IdType::Driver => "driver",
        }
    }
}

/// What a card says, as the API gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct IdCardContent {
    pub id_type: IdType,
    /// The keys of API.md §4.4 for the type, in its order.
    pub fields: Vec<(&'static str, String)>,
    /// A licence that prints its region as a name (`서울-19-…`).
    pub legacy_region: bool,
}

impl IdCardContent {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One drawn card.
pub struct RenderedIdCard {
    pub image: RgbaImage,
    pub content: IdCardContent,
    /// The face the text is drawn in.
    pub font: &'static str,
}

const SURNAMES: &[(&str, &str)] = &[
    ("김", "金"),
    ("이", "李"),
    ("박", "朴"),
    ("최", "崔"),
    ("정", "鄭"),
    ("강", "姜"),
    ("조", "趙"),
    ("윤", "尹"),
    ("장", "張"),
    ("임", "林"),
    ("한", "韓"),
    ("오", "吳"),
    ("서", "徐"),
    ("신", "申"),
    ("권", "權"),
    ("황", "黃"),
    ("안", "安"),
    ("송", "宋"),
    ("홍", "洪"),
];
const GIVEN: &[(&str, &str)] = &[
    ("민", "敏"),
    ("서", "瑞"),
    ("준", "俊"),
    ("지", "智"),
    ("현", "賢"),
    ("우", "宇"),
    ("예", "藝"),
    ("은", "恩"),
    ("도", "道"),
    ("하", "夏"),
    ("수", "秀"),
    ("영", "英"),
    ("진", "眞"),
    ("성", "成"),
    ("호", "浩"),
    ("재", "在"),
    ("윤", "允"),
    ("태", "泰"),
    ("혜", "惠"),
    ("경", "京"),
];
/// Cities and districts of addresses and issuing offices.
const DISTRICTS: &[(&str, &str, &str)] = &[
    ("서울특별시", "종로구", "서울"),
    ("서울특별시", "강남구", "서울"),
    ("서울특별시", "마포구", "서울"),
    ("부산광역시", "해운대구", "부산"),
    ("대구광역시", "수성구", "대구"),
    ("인천광역시", "남동구", "인천"),
    ("광주광역시", "북구", "광주"),
    ("대전광역시", "유성구", "대전"),
    ("울산광역시", "남구", "울산"),
    ("경기도", "수원시", "경기"),
    ("강원특별자치도", "춘천시", "강원"),
    ("충청북도", "청주시", "충북"),
    ("전라남도", "여수시", "전남"),
    ("경상남도", "창원시", "경남"),
    ("제주특별자치도", "제주시", "제주"),
];
const ROADS: &[&str] = &[
    "세종대로",
    "중앙로",
    "평화로",
    "문화로",
    "시민로",
    "번영로",
    "희망로",
];
/// Police agencies by region for licences (the rest are issued by the
/// Road Traffic Authority).
const POLICE: &[(&str, &str)] = &[
    ("서울", "서울특별시경찰청장"),
    ("부산", "부산광역시경찰청장"),
    ("대구", "대구광역시경찰청장"),
    ("인천", "인천광역시경찰청장"),
    ("경기", "경기도남부경찰청장"),
];

fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// A resident number with a right check digit for a person born in
/// 1950-2005 (assigned before 2020-10).
fn resident_number(rng: &mut impl Rng) -> String {
    let year = rng.gen_range(1950..=2005u32);
    let month = rng.gen_range(1..=12u32);
    let day = rng.gen_range(1..=28u32);
    let female = rng.gen_bool(0.5);
    let g = match (year >= 2000, female) {
        (false, false) => 1,
        (false, true) => 2,
        (true, false) => 3,
        (true, true) => 4,
    };
    let mut digits = vec![
        year % 100 / 10,
        year % 10,
        month / 10,
        month % 10,
        day / 10,
        day % 10,
        g,
    ];
    digits.extend((0..5).map(|_| rng.gen_range(0..10u32)));
    let check = check_digit(&digits).expect("twelve digits");
    let all: String = digits
        .iter()
        .chain([&check])
        .map(|d| char::from(b'0' + *d as u8))
        .collect();
    format!("{}-{}", &all[..6], &all[6..])
}

/// Draws what one card says, and how it is printed.
fn content(rng: &mut impl Rng) -> (IdCardContent, Printed) {
    let id_type = if rng.gen_bool(0.5) {
        IdType::Resident
    } else {
        IdType::Driver
    };
    let (surname, surname_hanja) = pick(rng, SURNAMES);
    let (first, first_hanja) = pick(rng, GIVEN);
    let (second, second_hanja) = pick(rng, GIVEN);
    let name = format!("{surname}{first}{second}");
    let hanja = format!("{surname_hanja}{first_hanja}{second_hanja}");
    let resident = resident_number(rng);
    let (city, district, region) = pick(rng, DISTRICTS);
    let address = format!(
        "{city} {district} {} {}",
        pick(rng, ROADS),
        rng.gen_range(1..300)
    );
    let address_rest = rng.gen_bool(0.5).then(|| {
        format!(
            "{}동 {}호",
            rng.gen_range(101..110),
            rng.gen_range(101..1502)
        )
    });
    let year = rng.gen_range(2005..=2025u32);
    let (month, day) = (rng.gen_range(1..=12u32), rng.gen_range(1..=28u32));
    let issue_date = format!("{year}.{month:02}.{day:02}");
    let mut printed = Printed {
        name,
        hanja,
        resident,
        address,
        address_rest,
        issue_date: String::new(),
        issuer: String::new(),
        number: String::new(),
        classes: Vec::new(),
        condition: None,
        serial: String::new(),
    };
    match id_type {
        IdType::Resident => {
            printed.issue_date = format!("{year}. {month}. {day}.");
            printed.issuer = format!("{city} {district}청장");
            let fields = vec![
                ("name", printed.name.clone()),
                ("residentNumber", printed.resident.clone()),
                ("issueDate", issue_date),
                ("issuer", printed.issuer.clone()),
            ];
            (
                IdCardContent {
                    id_type,
                    fields,
                    legacy_region: false,
                },
                printed,
            )
        }
        IdType::Driver => {
            let (code, region_name) = pick(rng, &REGIONS);
            let first_year = rng.gen_range(0..=99u32);
            let serial: String = (0..6)
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            let tail = format!("{:02}", rng.gen_range(0..=99u32));
            let legacy_region = rng.gen_bool(0.33);
            printed.number = if legacy_region {
                format!("{region_name}-{first_year:02}-{serial}-{tail}")
            } else {
                format!("{code}-{first_year:02}-{serial}-{tail}")
            };
            let number = format!("{code}-{first_year:02}-{serial}-{tail}");
            let count = rng.gen_range(1..=3);
            let mut classes: Vec<&str> = Vec::new();
            while classes.len() < count {
                let class = pick(rng, &CLASSES);
                if !classes.contains(&class) {
                    classes.push(class);
                }
            }
            classes.sort_by_key(|c| CLASSES.iter().position(|x| x == c));
            printed.classes = classes.iter().map(|c| c.to_string()).collect();
            printed.condition = rng
                .gen_bool(0.3)
                .then(|| pick(rng, &["A", "B", "C", "E", "A, B"]).to_owned());
            // Serials print the letters O and I as well as the digits 0
            // and 1 (a cardholder's account: "the last character is not
            // the digit 1 but the letter I").
            const SERIAL_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            let serial_len = rng.gen_range(5..=6);
            printed.serial = (0..serial_len)
                .map(|_| char::from(SERIAL_CHARS[rng.gen_range(0..SERIAL_CHARS.len())]))
                .collect();
            printed.issue_date = issue_date.clone();
            printed.issuer = POLICE
                .iter()
                .find(|(r, _)| *r == region)
                .map_or("도로교통공단", |(_, p)| p)
                .to_owned();
            let fields = vec![
                ("driverLicenseNumber", number),
                ("licenseType", printed.classes.join("/")),
                ("name", printed.name.clone()),
                ("residentNumber", printed.resident.clone()),
                (
                    "condition",
                    printed
                        .condition
                        .clone()
                        .unwrap_or_else(|| "none".to_owned()),
                ),
                ("serialNum", printed.serial.clone()),
                ("issueDate", issue_date),
                ("issuer", printed.issuer.clone()),
            ];
            (
                IdCardContent {
                    id_type,
                    fields,
                    legacy_region,
                },
                printed,
            )
        }
    }
}

/// What is printed on a card, as printed.
#[derive(Debug, Clone)]
struct Printed {
    name: String,
    hanja: String,
    resident: String,
    address: String,
    address_rest: Option<String>,
    issue_date: String,
    issuer: String,
    number: String,
    classes: Vec<String>,
    condition: Option<String>,
    serial: String,
}

/// A pale card: a gradient, a faint ring pattern and a grey photo.
fn card_background(rng: &mut impl Rng) -> RgbImage {
    let (w, h) = CARD_SIZE;
    let mut card = RgbImage::new(w, h);
    let tint = |rng: &mut dyn rand::RngCore| {
        rgb(
            rng.gen_range(225..250),
            rng.gen_range(228..250),
            rng.gen_range(232..252),
        )
    };
    let (a, b) = (tint(rng), tint(rng));
    fill_linear_gradient(&mut card, a, b, rng.gen_range(0.0..std::f32::consts::PI));
    for ring in 0..4 {
        let r = 120.0 + 70.0 * ring as f32;
        fill_ellipse(
            &mut card,
            (w as f32 * 0.45, h as f32 * 0.55),
            (r, r * 0.8),
            0.0,
            0.05,
            rgb(150, 170, 200),
        );
    }
    // The photo: a grey field with a head-and-shoulders silhouette.
    let (px, py, pw, ph) = (720.0, 150.0, 220.0, 280.0);
    for y in py as u32..(py + ph) as u32 {
        for x in px as u32..(px + pw) as u32 {
            card.put_pixel(x, y, Rgb([200, 203, 208]));
        }
    }
    fill_ellipse(
        &mut card,
        (px + pw / 2.0, py + 110.0),
        (55.0, 70.0),
        0.0,
        0.9,
        rgb(120, 115, 110),
    );
    fill_ellipse(
        &mut card,
        (px + pw / 2.0, py + ph - 40.0),
        (100.0, 50.0),
        0.0,
        0.9,
        rgb(90, 95, 105),
    );
    card
}

/// Draws one card.
pub fn render(rng: &mut impl Rng) -> Result<RenderedIdCard, SynthError> {
    let (content, printed) = content(rng);
    let face = if rng.gen_bool(0.5) {
        Face::NanumGothic
    } else {
        Face::NanumBarunGothic
    };
    let font = fonts::load(face)?;
    let bold = fonts::load(Face::NanumGothicBold)?;
    let mut card = card_background(rng);
    let ink = {
        let v = rng.gen_range(10.0..45.0f32);
        [v, v, v + 10.0]
    };
    let jitter = |rng: &mut dyn rand::RngCore, v: f32| v + rng.gen_range(-8.0..8.0f32);
    let left = jitter(rng, 60.0);
    match content.id_type {
        IdType::Resident => {
            paint_text(
                &mut card,
                &bold,
                jitter(rng, 64.0),
                "주 민 등 록 증",
                left,
                jitter(rng, 110.0),
                ink,
            );
            let name = format!("{}({})", printed.name, printed.hanja);
            paint_text(
                &mut card,
                &font,
                jitter(rng, 46.0),
                &name,
                left,
                jitter(rng, 205.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                jitter(rng, 44.0),
                &printed.resident,
                left,
                jitter(rng, 275.0),
                ink,
            );
            let size = jitter(rng, 30.0);
            let mut y = jitter(rng, 345.0);
            paint_text(&mut card, &font, size, &printed.address, left, y, ink);
            if let Some(rest) = &printed.address_rest {
                y += size * 1.4;
                paint_text(&mut card, &font, size, rest, left, y, ink);
            }
            let date_size = jitter(rng, 30.0);
            paint_text(
                &mut card,
                &font,
                date_size,
                &printed.issue_date,
                330.0,
                jitter(rng, 500.0),
                ink,
            );
            let issuer_size = jitter(rng, 36.0);
            let baseline = jitter(rng, 560.0);
            let (width, _) = paint_text(
                &mut card,
                &bold,
                issuer_size,
                &printed.issuer,
                250.0,
                baseline,
                ink,
            );
            fill_ellipse(
                &mut card,
                (250.0 + width + 40.0, baseline - 12.0),
                (30.0, 30.0),
                0.0,
                0.6,
                rgb(210, 60, 60),
            );
        }
        IdType::Driver => {
            paint_text(
                &mut card,
                &bold,
                jitter(rng, 54.0),
                "자동차운전면허증",
                left,
                jitter(rng, 90.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                22.0,
                "Driver's License",
                left + 4.0,
                jitter(rng, 125.0),
                ink,
            );
            let classes = printed.classes.join("  ");
            paint_text(
                &mut card,
                &bold,
                jitter(rng, 34.0),
                &classes,
                left,
                jitter(rng, 180.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                jitter(rng, 40.0),
                &printed.number,
                left,
                jitter(rng, 235.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                jitter(rng, 40.0),
                &printed.name,
                left,
                jitter(rng, 290.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                jitter(rng, 36.0),
                &printed.resident,
                left,
                jitter(rng, 340.0),
                ink,
            );
            let size = jitter(rng, 27.0);
            let mut y = jitter(rng, 395.0);
            paint_text(&mut card, &font, size, &printed.address, left, y, ink);
            if let Some(rest) = &printed.address_rest {
                y += size * 1.35;
                paint_text(&mut card, &font, size, rest, left, y, ink);
            }
            let condition = match &printed.condition {
                Some(c) => format!("조건 {c}"),
                None => "조건".to_owned(),
            };
            paint_text(
                &mut card,
                &font,
                26.0,
                &condition,
                left,
                jitter(rng, 490.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                24.0,
                &printed.serial,
                760.0,
                jitter(rng, 470.0),
                ink,
            );
            paint_text(
                &mut card,
                &font,
                jitter(rng, 28.0),
                &printed.issue_date,
                420.0,
                jitter(rng, 535.0),
                ink,
            );
            let baseline = jitter(rng, 590.0);
            let (width, _) = paint_text(
                &mut card,
                &bold,
                jitter(rng, 32.0),
                &printed.issuer,
                380.0,
                baseline,
                ink,
            );
            fill_ellipse(
                &mut card,
                (380.0 + width + 36.0, baseline - 10.0),
                (26.0, 26.0),
                0.0,
                0.6,
                rgb(210, 60, 60),
            );
        }
    }
    Ok(RenderedIdCard {
        image: image::DynamicImage::ImageRgb8(card).to_rgba8(),
        content,
        font: face.name(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::driver_license::is_region_code;
    use docrec_rules::resident_number::{birth_date, check_digit_passes};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn content_follows_the_rules_and_the_api_format() {
        let mut legacy = 0;
        for seed in 0..200 {
            let (c, printed) = content(&mut ChaCha8Rng::seed_from_u64(seed));
            let number = c.get("residentNumber").unwrap();
            assert!(
                check_digit_passes(number) && birth_date(number).is_some(),
                "{number}"
            );
            let date = c.get("issueDate").unwrap();
            assert_eq!(date.len(), 10, "{date}");
            assert!(!c.get("name").unwrap().contains('('));
            match c.id_type {
                IdType::Resident => assert_eq!(c.fields.len(), 4),
                IdType::Driver => {
                    let keys: Vec<&str> = c.fields.iter().map(|(k, _)| *k).collect();
                    assert_eq!(
                        keys,
                        [
                            "driverLicenseNumber",
                            "licenseType",
                            "name",
                            "residentNumber",
                            "condition",
                            "serialNum",
                            "issueDate",
                            "issuer"
                        ]
                    );
                    let licence = c.get("driverLicenseNumber").unwrap();
                    assert!(is_region_code(licence[..2].parse().unwrap()), "{licence}");
                    if c.legacy_region {
                        legacy += 1;
                        assert!(!printed.number.starts_with(&licence[..2]));
                    }
                    assert!(!c.get("licenseType").unwrap().is_empty());
                }
            }
        }
        assert!(legacy > 10, "{legacy} legacy licences");
    }

    #[test]
    fn cards_are_id1_sized_and_deterministic() {
        let draw = |seed| render(&mut ChaCha8Rng::seed_from_u64(seed)).unwrap();
        let (a, b) = (draw(4), draw(4));
        assert_eq!(a.image.dimensions(), CARD_SIZE);
        assert_eq!(a.image.as_raw(), b.image.as_raw());
        assert_eq!(a.content, b.content);
    }
}
