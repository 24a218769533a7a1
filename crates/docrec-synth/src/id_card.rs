//! Korean ID cards: resident registration cards (주민등록증) and driver's
//! licences (자동차운전면허증), drawn upright at the ID-1 size (85.60 ×
//! 53.98 mm) 1000 pixels wide.
//!
//! Takes: a random generator and a [`FaceGroup`]. Gives: a
//! [`RenderedIdCard`]: the card as RGBA pixels, what it says
//! ([`IdCardContent`]: the keys of API.md §4.4 in the API's order,
//! formatted as the API gives them, which is not always as printed: a
//! resident card prints `2019. 5. 13.` for the `issueDate` `2019.05.13`, an
//! old licence prints `서울-19-…` for the number `11-19-…`, the Hanja after
//! a name is not part of `name`), its face and its template's name.
//!
//! What a card says is drawn first, so it depends on the seed only: the
//! kind; names of two to five syllables (compound surnames such as 남궁 and
//! 제갈, native given names without Hanja); one or two address lines; for
//! licences any region code, one to three classes, a condition or none, and
//! a legacy region name in place of the region code (about a third).
//!
//! How it is drawn: a [`Role::Body`] face of the group and a [`Role::Title`]
//! face (of the same family when it has one); the Hanja after the name only
//! when the face has them; every dash as the face draws it; one of the
//! group's templates ([`IdCardTemplate::of_group`]: photo left or right,
//! labels or none, the title centred or above the text, the text size);
//! the whole layout moved by up to 2.5 % of the card and each line a
//! little more; the background's tint and pattern.

use image::{Rgb, RgbImage, RgbaImage};
use rand::{Rng, RngCore};

use crate::draw::{fill_ellipse, fill_linear_gradient, paint_text, rgb};
use ab_glyph::PxScale;

use crate::fonts::{self, FaceGroup, Role};
use crate::specimen::{self, IdCardSpecimen};
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
    /// The [`IdCardTemplate`]'s name.
    pub template: &'static str,
    /// Whether a number fails its check (a specimen card's, see
    /// [`crate::specimen`]).
    pub specimen: bool,
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
/// Two-syllable surnames.
const COMPOUND_SURNAMES: &[(&str, &str)] = &[
    ("남궁", "南宮"),
    ("황보", "皇甫"),
    ("제갈", "諸葛"),
    ("선우", "鮮于"),
    ("독고", "獨孤"),
];
/// Given names of native words, which have no Hanja.
const NATIVE_GIVEN: &[&str] = &[
    "둘리",
    "하늘",
    "가람",
    "보람",
    "슬기",
    "나래",
    "한별",
    "다솜",
    "아름",
    "빛나리",
    "한아름",
    "이슬비",
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

/// A name of two to five syllables and its Hanja (none for a native given
/// name).
fn person_name(rng: &mut impl Rng) -> (String, Option<String>) {
    let (surname, surname_hanja) = if rng.gen_bool(0.12) {
        pick(rng, COMPOUND_SURNAMES)
    } else {
        pick(rng, SURNAMES)
    };
    match rng.gen_range(0..10) {
        0 => {
            let (given, given_hanja) = pick(rng, GIVEN);
            (
                format!("{surname}{given}"),
                Some(format!("{surname_hanja}{given_hanja}")),
            )
        }
        1 | 2 => (format!("{surname}{}", pick(rng, NATIVE_GIVEN)), None),
        _ => {
            let (first, first_hanja) = pick(rng, GIVEN);
            let (second, second_hanja) = pick(rng, GIVEN);
            (
                format!("{surname}{first}{second}"),
                Some(format!("{surname_hanja}{first_hanja}{second_hanja}")),
            )
        }
    }
}

/// Draws what one card says, and how it is printed.
fn content(rng: &mut impl Rng) -> (IdCardContent, Printed) {
    let id_type = if rng.gen_bool(0.5) {
        IdType::Resident
    } else {
        IdType::Driver
    };
    let (name, hanja) = person_name(rng);
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
    hanja: Option<String>,
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

/// A layout variant of both ID cards; each belongs to one [`FaceGroup`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdCardTemplate {
    /// Its name in truth records.
    pub name: &'static str,
    /// The photo on the left, the text beside it on the right.
    photo_left: bool,
    /// Small labels (`성명`, `주민등록번호`, `주소`, …) before the values.
    labels: bool,
    /// The title centred over the card rather than above the text.
    title_centered: bool,
    /// Range of the text size, as a factor of the usual size.
    text_scale: (f32, f32),
    /// Range of the spacing of the lines under the title, as a factor of
    /// the usual spacing.
    line_spacing: (f32, f32),
}

const fn id_template(
    name: &'static str,
    photo_left: bool,
    labels: bool,
    title_centered: bool,
    text_scale: (f32, f32),
    line_spacing: (f32, f32),
) -> IdCardTemplate {
    IdCardTemplate {
        name,
        photo_left,
        labels,
        title_centered,
        text_scale,
        line_spacing,
    }
}

// Every group has the photo on either side and labels or none, with other
// sizes and spacings; a centred title is held out.
#[rustfmt::skip]
const DEVELOPMENT_TEMPLATES: [IdCardTemplate; 3] = [
    id_template("photo-right", false, false, false, (0.92, 1.08), (0.97, 1.03)),
    id_template("photo-right-labelled", false, true, false, (0.88, 1.02), (0.97, 1.03)),
    id_template("photo-left-labelled", true, true, false, (0.88, 1.0), (0.97, 1.03)),
];
#[rustfmt::skip]
const VALIDATION_TEMPLATES: [IdCardTemplate; 2] = [
    id_template("photo-left", true, false, false, (0.9, 1.06), (0.9, 0.96)),
    id_template("title-centered-labelled", false, true, true, (0.85, 1.0), (1.0, 1.05)),
];
#[rustfmt::skip]
const TEST_TEMPLATES: [IdCardTemplate; 2] = [
    id_template("photo-left-labelled-centered", true, true, true, (0.86, 1.0), (0.92, 0.98)),
    id_template("title-centered", false, false, true, (0.95, 1.12), (1.03, 1.08)),
];

impl IdCardTemplate {
    /// The templates ID cards of `group` are drawn with.
    pub fn of_group(group: FaceGroup) -> &'static [IdCardTemplate] {
        match group {
            FaceGroup::Development => &DEVELOPMENT_TEMPLATES,
            FaceGroup::Validation => &VALIDATION_TEMPLATES,
            FaceGroup::Test => &TEST_TEMPLATES,
        }
    }
}

/// A pale card: a gradient, a faint ring pattern and a grey photo whose
/// left edge is at `photo_x`.
fn card_background(rng: &mut impl Rng, photo_x: f32) -> RgbImage {
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
    let (px, py, pw, ph) = (photo_x, 150.0, 220.0, 280.0);
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

/// Where a line of text goes; `x` is measured as each says, on the usual
/// layout (photo on the right, 1000 px wide).
#[derive(Clone, Copy, PartialEq)]
enum Column {
    /// The title and its subtitle: from the text column's left edge, or
    /// centred on templates that centre the title.
    Title,
    /// A value: from the text column's left edge, after the labels.
    Text,
    /// The issue date and issuer under the text: from the card's left edge.
    Lower,
    /// Under the photo: from the photo's left edge.
    UnderPhoto,
}

/// One line of a card as the usual layout places it.
struct Line {
    text: String,
    /// A small label before the value, on labelled templates.
    label: Option<&'static str>,
    size: f32,
    bold: bool,
    column: Column,
    x: f32,
    baseline: f32,
    /// Followed by the issuing office's red seal.
    seal: bool,
}

fn line(text: impl Into<String>, size: f32, column: Column, x: f32, baseline: f32) -> Line {
    Line {
        text: text.into(),
        label: None,
        size,
        bold: false,
        column,
        x,
        baseline,
        seal: false,
    }
}

impl Line {
    fn labelled(self, label: &'static str) -> Line {
        Line {
            label: Some(label),
            ..self
        }
    }

    fn bold(self) -> Line {
        Line { bold: true, ..self }
    }

    fn sealed(self) -> Line {
        Line { seal: true, ..self }
    }
}

/// The lines of a card on the usual layout; `name` is how a resident
/// card prints the name (with its Hanja when the face has them).
fn lines(id_type: IdType, printed: &Printed, name: &str) -> Vec<Line> {
    let mut out = Vec::new();
    match id_type {
        IdType::Resident => {
            out.push(line("주 민 등 록 증", 64.0, Column::Title, 0.0, 110.0).bold());
            out.push(line(name, 46.0, Column::Text, 0.0, 205.0).labelled("성명"));
            out.push(
                line(&printed.resident, 44.0, Column::Text, 0.0, 275.0).labelled("주민등록번호"),
            );
            out.push(line(&printed.address, 30.0, Column::Text, 0.0, 345.0).labelled("주소"));
            if let Some(rest) = &printed.address_rest {
                out.push(line(rest, 30.0, Column::Text, 0.0, 387.0));
            }
            out.push(line(&printed.issue_date, 30.0, Column::Lower, 330.0, 500.0));
            out.push(
                line(&printed.issuer, 36.0, Column::Lower, 250.0, 560.0)
                    .bold()
                    .sealed(),
            );
        }
        IdType::Driver => {
            out.push(line("자동차운전면허증", 54.0, Column::Title, 0.0, 90.0).bold());
            out.push(line("Driver's License", 22.0, Column::Title, 4.0, 125.0));
            out.push(
                line(printed.classes.join("  "), 34.0, Column::Text, 0.0, 180.0)
                    .bold()
                    .labelled("종별"),
            );
            out.push(line(&printed.number, 40.0, Column::Text, 0.0, 235.0).labelled("면허번호"));
            out.push(line(&printed.name, 40.0, Column::Text, 0.0, 290.0).labelled("성명"));
            out.push(
                line(&printed.resident, 36.0, Column::Text, 0.0, 340.0).labelled("주민등록번호"),
            );
            out.push(line(&printed.address, 27.0, Column::Text, 0.0, 395.0).labelled("주소"));
            if let Some(rest) = &printed.address_rest {
                out.push(line(rest, 27.0, Column::Text, 0.0, 431.0));
            }
            let condition = match &printed.condition {
                Some(c) => format!("조건 {c}"),
                None => "조건".to_owned(),
            };
            out.push(line(condition, 26.0, Column::Text, 0.0, 490.0));
            out.push(line(&printed.serial, 24.0, Column::UnderPhoto, 40.0, 470.0));
            out.push(line(&printed.issue_date, 28.0, Column::Lower, 420.0, 535.0));
            out.push(
                line(&printed.issuer, 32.0, Column::Lower, 380.0, 590.0)
                    .bold()
                    .sealed(),
            );
        }
    }
    out
}

/// A resident number like `number` whose birth date does not exist, as
/// specimen cards print them: month 13, day 32 or `000000` (the check digit
/// right), or `123456-1234567` (one in four each).
fn impossible_birth_date(number: &str, rng: &mut (impl Rng + ?Sized)) -> String {
    let mut digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    match rng.gen_range(0..4) {
        0 => digits[2..4].copy_from_slice(&[1, 3]),
        1 => digits[4..6].copy_from_slice(&[3, 2]),
        2 => digits[..6].fill(0),
        _ => return "123456-1234567".to_owned(),
    }
    digits[12] = check_digit(&digits[..12]).expect("twelve digits");
    let all: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    format!("{}-{}", &all[..6], &all[6..])
}

/// [`content`], then, when `specimens` is given, a specimen resident or
/// licence number as [`specimen::id_card`] draws from it (see
/// [`crate::specimen`]); true when the card prints one. Without
/// `specimens` nothing is drawn from it and nothing changes; with it, `rng`
/// gives the same draws.
fn specimen_content(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
) -> (IdCardContent, Printed, bool) {
    let (mut content, mut printed) = content(rng);
    let Some(specimens) = specimens else {
        return (content, printed, false);
    };
    let licence = content.id_type == IdType::Driver;
    let Some(kind) = specimen::id_card(specimens, licence) else {
        return (content, printed, false);
    };
    let set = |content: &mut IdCardContent, key: &str, value: &str| {
        if let Some((_, v)) = content.fields.iter_mut().find(|(k, _)| *k == key) {
            *v = value.to_owned();
        }
    };
    match kind {
        IdCardSpecimen::ResidentCheck | IdCardSpecimen::BirthDate => {
            printed.resident = if kind == IdCardSpecimen::ResidentCheck {
                specimen::other_last_digit(&printed.resident, specimens)
            } else {
                impossible_birth_date(&printed.resident, specimens)
            };
            set(&mut content, "residentNumber", &printed.resident);
        }
        IdCardSpecimen::Region => {
            // A code no region has has no name either: the licence prints
            // the code.
            let code = specimen::MISSING_REGION_CODES
                [specimens.gen_range(0..specimen::MISSING_REGION_CODES.len())];
            let number = content.get("driverLicenseNumber").expect("a licence");
            let number = format!("{code:02}{}", &number[2..]);
            set(&mut content, "driverLicenseNumber", &number);
            printed.number = number;
            content.legacy_region = false;
        }
    }
    (content, printed, true)
}

/// Draws one card in the faces and templates of `group`, every value
/// passing its checks: [`render_with`] without specimens.
pub fn render(rng: &mut impl Rng, group: FaceGroup) -> Result<RenderedIdCard, SynthError> {
    render_with(rng, None, group)
}

/// Draws one card in the faces and templates of `group`; with `specimens`
/// (the seed's [`specimen::rng`]) a few print a resident number failing its
/// check digit or of an impossible birth date, or a licence number of a
/// region that does not exist (`RenderedIdCard::specimen`).
pub fn render_with(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
    group: FaceGroup,
) -> Result<RenderedIdCard, SynthError> {
    let (content, printed, specimen) = specimen_content(rng, specimens);
    let templates = IdCardTemplate::of_group(group);
    let template = templates[rng.gen_range(0..templates.len())];
    let face = fonts::pick(rng, group, Role::Body);
    let bold_face = fonts::pick_like(rng, group, Role::Title, face);
    let font = fonts::load(face)?;
    let bold = fonts::load(bold_face)?;
    let (card_w, card_h) = (CARD_SIZE.0 as f32, CARD_SIZE.1 as f32);
    let photo_x = if template.photo_left {
        rng.gen_range(40.0..70.0)
    } else {
        rng.gen_range(700.0..740.0)
    };
    let mut card = card_background(rng, photo_x);
    let ink = {
        let v = rng.gen_range(10.0..45.0f32);
        [v, v, v + 10.0]
    };
    // The whole layout moves by up to 2.5 % of the card, each line a little
    // more, and the text is scaled as the template says.
    let (dx, dy) = (
        rng.gen_range(-0.025..0.025) * card_w,
        rng.gen_range(-0.025..0.025) * card_h,
    );
    let scale = rng.gen_range(template.text_scale.0..template.text_scale.1);
    let spacing = rng.gen_range(template.line_spacing.0..template.line_spacing.1);
    let text_left = if template.photo_left {
        photo_x + 260.0
    } else {
        60.0
    } + dx;
    // The lower block (issue date, issuer) moves right with a left photo;
    // the serial stays under the photo.
    let lower_shift = if template.photo_left { 100.0 } else { 0.0 };
    // Hanja after the name only where the face has them.
    let name = match &printed.hanja {
        Some(hanja) if fonts::covers(&font, hanja) => format!("{}({hanja})", printed.name),
        _ => printed.name.clone(),
    };
    let lines = lines(content.id_type, &printed, &name);
    let label_size = 19.0 * scale;
    let label_column = if template.labels {
        lines
            .iter()
            .filter_map(|l| l.label)
            .map(|l| crate::draw::layout_line(&font, PxScale::from(label_size), l, 0.0, 0.0, 0.0).1)
            .fold(0.0, f32::max)
            + label_size
    } else {
        0.0
    };
    // Text beside the photo ends before it (or the card's edge).
    let text_right = if template.photo_left {
        card_w - 30.0
    } else {
        photo_x - 15.0
    };
    for l in &lines {
        let mut size = l.size * scale * rng.gen_range(0.95..1.05);
        // The text column's lines spread from under the title.
        const TITLE_BASELINE: f32 = 130.0;
        let usual = match l.column {
            Column::Text => TITLE_BASELINE + (l.baseline - TITLE_BASELINE) * spacing,
            _ => l.baseline,
        };
        let baseline = usual * rng.gen_range(0.98..1.02) + dy;
        let pen = if l.bold { &bold } else { &font };
        let width_at = |size: f32| {
            crate::draw::layout_line(pen, PxScale::from(size), &l.text, 0.0, 0.0, 0.0).1
        };
        let x = match l.column {
            Column::Title if template.title_centered => (card_w - width_at(size)) / 2.0,
            Column::Title => text_left + l.x,
            Column::Text => text_left + l.x + label_column,
            Column::Lower => l.x + lower_shift + dx,
            Column::UnderPhoto => photo_x + l.x + dx,
        } + rng.gen_range(-6.0..6.0);
        if l.column == Column::Text && x + width_at(size) > text_right {
            size *= (text_right - x) / width_at(size);
        }
        if let (true, Some(label)) = (template.labels, l.label) {
            paint_text(
                &mut card, &font, label_size, label, text_left, baseline, ink,
            );
        }
        let (width, _) = paint_text(&mut card, pen, size, &l.text, x, baseline, ink);
        if l.seal {
            let r = size * 0.8;
            fill_ellipse(
                &mut card,
                (x + width + r * 1.3, baseline - size * 0.35),
                (r, r),
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
        template: template.name,
        specimen,
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
    fn specimen_cards_fail_their_checks_and_only_they() {
        let n = 2000usize;
        let (mut check, mut date, mut region, mut licences) = (0, 0, 0, 0);
        let mut forms = std::collections::BTreeSet::new();
        for seed in 0..n as u64 {
            let content = |specimens: Option<&mut dyn RngCore>| {
                specimen_content(&mut ChaCha8Rng::seed_from_u64(seed), specimens)
            };
            let (plain, plain_printed, plain_specimen) = content(None);
            let (c, printed, specimen) =
                content(Some(&mut specimen::rng(seed, specimen::Document::IdCard)));
            assert!(!plain_specimen);
            assert_eq!(
                (c.id_type, &printed.name),
                (plain.id_type, &plain_printed.name)
            );
            let resident = c.get("residentNumber").unwrap();
            assert_eq!(resident, printed.resident);
            let check_ok = check_digit_passes(resident);
            let date_ok = birth_date(resident).is_some();
            let region_ok = match c.id_type {
                IdType::Resident => true,
                IdType::Driver => {
                    licences += 1;
                    let licence = c.get("driverLicenseNumber").unwrap();
                    assert_eq!(licence.len(), 15, "{licence}");
                    if !c.legacy_region {
                        assert_eq!(printed.number, licence);
                    }
                    is_region_code(licence[..2].parse().unwrap())
                }
            };
            assert_eq!(
                specimen,
                !(check_ok && date_ok && region_ok),
                "{seed} {resident} {:?}",
                c.get("driverLicenseNumber")
            );
            if specimen {
                // Only the specimen value differs.
                let differing: Vec<&str> = c
                    .fields
                    .iter()
                    .zip(&plain.fields)
                    .filter(|(a, b)| a != b)
                    .map(|(a, _)| a.0)
                    .collect();
                assert_eq!(differing.len(), 1, "{seed} {differing:?}");
            } else {
                assert_eq!(c, plain);
            }
            check += usize::from(date_ok && !check_ok);
            if !date_ok {
                date += 1;
                forms.insert(if resident == "123456-1234567" {
                    "sample"
                } else if resident.starts_with("000000") {
                    "zeros"
                } else if &resident[2..4] == "13" {
                    "month"
                } else {
                    "day"
                });
            }
            region += usize::from(!region_ok);
        }
        let share = |k: usize, of: usize| 100.0 * k as f64 / of as f64;
        assert!(
            (2.5..5.5).contains(&share(check, n)),
            "{check} check digits"
        );
        assert!((1.0..3.5).contains(&share(date, n)), "{date} birth dates");
        assert!(
            (0.7..4.0).contains(&share(region, licences)),
            "{region} of {licences}"
        );
        assert_eq!(forms.len(), 4, "{forms:?}");
    }

    #[test]
    fn a_specimen_card_is_drawn_as_printed() {
        let seed = (0..500)
            .find(|&seed| {
                let specimens: &mut dyn RngCore =
                    &mut specimen::rng(seed, specimen::Document::IdCard);
                specimen_content(&mut ChaCha8Rng::seed_from_u64(seed), Some(specimens)).2
            })
            .unwrap();
        let draw = |specimens: Option<&mut dyn RngCore>| {
            render_with(
                &mut ChaCha8Rng::seed_from_u64(seed),
                specimens,
                FaceGroup::Development,
            )
            .unwrap()
        };
        let c = draw(Some(&mut specimen::rng(seed, specimen::Document::IdCard)));
        let plain = draw(None);
        assert!(c.specimen && !plain.specimen);
        assert_eq!((c.font, c.template), (plain.font, plain.template));
        assert_ne!(c.content, plain.content);
        assert_ne!(c.image.as_raw(), plain.image.as_raw());
    }

    #[test]
    fn cards_are_id1_sized_and_deterministic() {
        for group in FaceGroup::ALL {
            let draw = |seed| render(&mut ChaCha8Rng::seed_from_u64(seed), group).unwrap();
            let (a, b) = (draw(4), draw(4));
            assert_eq!(a.image.dimensions(), CARD_SIZE);
            assert_eq!(a.image.as_raw(), b.image.as_raw());
            assert_eq!(a.content, b.content);
            assert!(IdCardTemplate::of_group(group)
                .iter()
                .any(|t| t.name == a.template));
        }
    }

    #[test]
    fn names_have_two_to_five_syllables() {
        let mut lengths = std::collections::BTreeSet::new();
        for seed in 0..400 {
            let (name, hanja) = person_name(&mut ChaCha8Rng::seed_from_u64(seed));
            let n = name.chars().count();
            assert!((2..=5).contains(&n), "{name}");
            if let Some(hanja) = hanja {
                assert_eq!(hanja.chars().count(), n, "{name} {hanja}");
            }
            lengths.insert(n);
        }
        assert_eq!(lengths.into_iter().collect::<Vec<_>>(), [2, 3, 4, 5]);
    }
}
