//! Business registration certificates (사업자등록증), drawn upright on an
//! A4 page at 150 dpi.
//!
//! Takes: a random generator and a [`FaceGroup`]. Gives: a
//! [`RenderedCertificate`]: the page as RGBA pixels, the
//! [`CertificateContent`] printed on it (the keys of API.md §4.1, in the
//! API's order, with the values exactly as printed; drawn first, so it
//! depends on the seed only) and the template's name.
//!
//! What varies from page to page, so that a recognizer cannot depend on one
//! layout: the taxpayer kind (individual 일반/간이/면세, or corporate), the
//! faces (the group's [`Role::Body`] face and a [`Role::Title`] face, of the
//! same family when it has one), text and title sizes, margins, line
//! spacing, and the group's templates ([`CertificateTemplate::of_group`]):
//! how labels are letter-spaced (`상 호`, `상  호`, `상          호` or
//! `상호`), the title's spacing and the colon (or none); then whether the
//! birth date or corporate number shares a
//! line with the name or date before it, whether 업태 and 종목 share a
//! line, paper tint and watermark, a frame, distractor lines (the issue
//! number at the top, the joint-business and e-mail lines, a footer) and
//! the seal beside the issuer. Long addresses and business items wrap onto
//! the next line, under the value's first line.

use std::cell::RefCell;

use ab_glyph::{FontArc, PxScale};
use image::{Rgb, RgbImage, RgbaImage};
use rand::{Rng, RngCore};

use crate::draw::{fill_ellipse, layout_line, rgb, BoxF, Mask, Rgbf};
use crate::fonts::{self, Face, FaceGroup, Role};
use crate::specimen::{self, CertificateSpecimen};
use crate::SynthError;
use docrec_rules::business_number::{corporate_check_digit, registration_check_digit};

/// A4 at 150 dpi.
pub const PAGE_SIZE: (u32, u32) = (1240, 1754);

/// The taxpayer kinds a certificate's subtitle names (the `구분` key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxpayerKind {
    General,
    Simplified,
    Exempt,
    Corporate,
}

impl TaxpayerKind {
    /// The subtitle's words, the value of `구분`.
    pub fn label(self) -> &'static str {
        match self {
            TaxpayerKind::General => "일반과세자",
            TaxpayerKind::Simplified => "간이과세자",
            TaxpayerKind::Exempt => "면세사업자",
            TaxpayerKind::Corporate => "법인사업자",
        }
    }

    pub fn is_corporate(self) -> bool {
        self == TaxpayerKind::Corporate
    }
}

/// What a certificate says: the API's keys and values, in the API's order.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateContent {
    pub kind: TaxpayerKind,
    pub fields: Vec<(&'static str, String)>,
}

impl CertificateContent {
    /// The value printed for `key`, if the certificate has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One drawn certificate.
pub struct RenderedCertificate {
    pub image: RgbaImage,
    pub content: CertificateContent,
    /// The body face's name.
    pub font: &'static str,
    /// The [`CertificateTemplate`]'s name.
    pub template: &'static str,
    /// Whether a registration number fails its check digit (a specimen
    /// certificate's, see [`crate::specimen`]).
    pub specimen: bool,
    /// Every run of text drawn, in page pixels: what a born-digital PDF of
    /// the page holds in its text layer (the seal's letters are part of
    /// its picture, not text).
    pub text_runs: Vec<TextRun>,
}

/// A run of text as drawn: where its baseline starts, in page pixels, at
/// what [`PxScale`] and letter spacing, in which face.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub text: String,
    pub x: f32,
    pub baseline: f32,
    pub scale: f32,
    pub tracking: f32,
    pub face: Face,
}

fn pick<'a, T: ?Sized>(rng: &mut impl Rng, items: &'a [&'a T]) -> &'a T {
    items[rng.gen_range(0..items.len())]
}

const SURNAMES: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황",
    "안", "송", "류", "전", "홍", "고", "문", "양", "손", "배", "백", "허", "유", "남", "심", "노",
];
const GIVEN_SYLLABLES: &[&str] = &[
    "민", "서", "준", "지", "현", "우", "예", "은", "도", "하", "수", "영", "진", "성", "호", "재",
    "윤", "태", "혜", "경", "정", "동", "상", "철", "미", "숙", "희", "연", "주", "원", "석", "훈",
    "기", "선", "아", "나", "소", "유", "빈", "혁", "규", "승",
];
const NAME_PREFIXES: &[&str] = &[
    "한빛",
    "푸른",
    "새봄",
    "다온",
    "미래",
    "대한",
    "동방",
    "하나",
    "세종",
    "누리",
    "바른",
    "으뜸",
    "온누리",
    "해맑은",
    "참좋은",
    "별빛",
    "가람",
    "솔내",
    "햇살",
    "한결",
    "늘봄",
    "산들",
    "초록",
    "은하",
    "청솔",
    "금강",
    "백두",
    "한강",
    "우리",
    "정다운",
    "제일",
    "신성",
    "태양",
    "중앙",
];
const NAME_SUFFIXES: &[&str] = &[
    "상사",
    "식품",
    "건설",
    "무역",
    "테크",
    "디자인",
    "커피",
    "약국",
    "치킨",
    "물산",
    "산업",
    "전자",
    "유통",
    "컨설팅",
    "인테리어",
    "베이커리",
    "미용실",
    "학원",
    "부동산",
    "출판사",
    "스튜디오",
    "에너지",
    "정보통신",
    "세탁소",
    "꽃집",
    "공방",
    "서점",
    "철물",
    "의원",
    "마트",
];
const CORPORATE_FORMS: &[&str] = &["주식회사", "유한회사", "(주)"];
/// Provinces and their districts.
const REGIONS: &[(&str, &[&str])] = &[
    (
        "서울특별시",
        &[
            "종로구",
            "중구",
            "용산구",
            "성동구",
            "마포구",
            "강남구",
            "서초구",
            "송파구",
            "영등포구",
            "관악구",
            "노원구",
            "강서구",
        ],
    ),
    (
        "부산광역시",
        &["해운대구", "부산진구", "동래구", "남구", "사하구"],
    ),
    ("대구광역시", &["수성구", "달서구", "중구", "북구"]),
    ("인천광역시", &["연수구", "남동구", "부평구", "서구"]),
    ("광주광역시", &["서구", "북구", "광산구"]),
    ("대전광역시", &["유성구", "서구", "중구"]),
    ("울산광역시", &["남구", "울주군", "중구"]),
    (
        "경기도",
        &[
            "수원시 영통구",
            "성남시 분당구",
            "고양시 일산동구",
            "용인시 수지구",
            "부천시",
            "안양시 동안구",
            "화성시",
            "파주시",
        ],
    ),
    ("강원특별자치도", &["춘천시", "원주시", "강릉시"]),
    ("충청북도", &["청주시 상당구", "충주시"]),
    ("충청남도", &["천안시 서북구", "아산시"]),
    ("전북특별자치도", &["전주시 완산구", "군산시"]),
    ("전라남도", &["목포시", "여수시", "순천시"]),
    ("경상북도", &["포항시 남구", "경주시", "구미시"]),
    ("경상남도", &["창원시 성산구", "김해시", "진주시"]),
    ("제주특별자치도", &["제주시", "서귀포시"]),
];
const ROAD_NAMES: &[&str] = &[
    "세종",
    "테헤란",
    "중앙",
    "문화",
    "시민",
    "평화",
    "희망",
    "번영",
    "대학",
    "역삼",
    "올림픽",
    "월드컵",
    "경인",
    "동일",
    "새말",
    "장미",
    "은행",
    "충장",
    "구암",
    "해안",
    "가람",
    "한누리",
];
const TAX_OFFICES: &[&str] = &[
    "종로",
    "남대문",
    "중부",
    "용산",
    "마포",
    "영등포",
    "강남",
    "서초",
    "송파",
    "관악",
    "수원",
    "성남",
    "고양",
    "용인",
    "부천",
    "안양",
    "해운대",
    "동래",
    "수성",
    "남동",
    "북광주",
    "대전",
    "울산",
    "청주",
    "천안",
    "전주",
    "목포",
    "포항",
    "창원",
    "제주",
];
/// 업태 and 종목 pairs.
const BUSINESS_TYPES: &[(&str, &[&str])] = &[
    (
        "정보통신업",
        &[
            "응용 소프트웨어 개발 및 공급업",
            "시스템 소프트웨어 개발",
            "포털 및 인터넷 정보매개 서비스업",
        ],
    ),
    (
        "도매 및 소매업",
        &["전자상거래 소매업", "화장품 도매업", "의류 소매업"],
    ),
    (
        "숙박 및 음식점업",
        &["한식 일반 음식점업", "커피 전문점", "제과점업"],
    ),
    (
        "제조업",
        &["플라스틱 제품 제조업", "가구 제조업", "전자부품 제조업"],
    ),
    ("건설업", &["실내 건축 공사업", "전기 공사업"]),
    ("서비스업", &["경영 컨설팅업", "광고 대행업", "세탁업"]),
    ("교육 서비스업", &["외국어 학원", "예술 학원"]),
    (
        "부동산업",
        &["부동산 중개 및 대리업", "비주거용 건물 임대업"],
    ),
    ("운수업", &["화물 자동차 운송업", "택배업"]),
    (
        "전문 과학 및 기술 서비스업",
        &["시각 디자인업", "건축 설계 및 관련 서비스업"],
    ),
    ("보건업", &["한의원", "치과의원"]),
];
const ISSUE_REASONS: &[&str] = &["신규", "재발급", "정정", "사업장 이전", "상호 변경"];

fn digits(rng: &mut impl Rng, n: usize) -> Vec<u32> {
    (0..n).map(|_| rng.gen_range(0..10)).collect()
}

fn joined(digits: &[u32]) -> String {
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// A registration number with a right check digit; the middle two digits
/// follow the kind (01-79 individuals, 81/86/87/88 corporations).
fn registration_number(rng: &mut impl Rng, kind: TaxpayerKind) -> String {
    let office = rng.gen_range(101..=799u32);
    let middle = if kind.is_corporate() {
        *[81u32, 86, 87, 88]
            .get(rng.gen_range(0..4))
            .expect("index in range")
    } else {
        rng.gen_range(1..=79)
    };
    let serial = digits(rng, 4);
    let mut first_nine = vec![
        office / 100,
        office / 10 % 10,
        office % 10,
        middle / 10,
        middle % 10,
    ];
    first_nine.extend(&serial);
    let check = registration_check_digit(&first_nine).expect("nine digits");
    format!("{office:03}-{middle:02}-{}{check}", joined(&serial))
}

fn corporate_number(rng: &mut impl Rng) -> String {
    let mut first = vec![1, 1, 0, 1, 1, rng.gen_range(1..=5)];
    first.extend(digits(rng, 6));
    let check = corporate_check_digit(&first).expect("twelve digits");
    format!("{}-{}{check}", joined(&first[..6]), joined(&first[6..]))
}

/// `YYYY 년 MM 월 DD 일` for a day in `years`.
fn korean_date(rng: &mut impl Rng, years: std::ops::RangeInclusive<u32>) -> (u32, String) {
    let year = rng.gen_range(years);
    let month = rng.gen_range(1..=12u32);
    let day = rng.gen_range(1..=28u32);
    (year, format!("{year} 년 {month:02} 월 {day:02} 일"))
}

fn person_name(rng: &mut impl Rng) -> String {
    format!(
        "{}{}{}",
        pick(rng, SURNAMES),
        pick(rng, GIVEN_SYLLABLES),
        pick(rng, GIVEN_SYLLABLES)
    )
}

fn trade_name(rng: &mut impl Rng, corporate: bool) -> String {
    let base = format!("{}{}", pick(rng, NAME_PREFIXES), pick(rng, NAME_SUFFIXES));
    if !corporate {
        return base;
    }
    match pick(rng, CORPORATE_FORMS) {
        "(주)" => format!("(주){base}"),
        form if rng.gen_bool(0.6) => format!("{form} {base}"),
        form => format!("{base} {form}"),
    }
}

fn address(rng: &mut impl Rng) -> String {
    let (province, districts) = REGIONS[rng.gen_range(0..REGIONS.len())];
    let district = pick(rng, districts);
    let road = match rng.gen_range(0..3) {
        0 => format!("{}로", pick(rng, ROAD_NAMES)),
        1 => format!("{}대로", pick(rng, ROAD_NAMES)),
        _ => format!("{}로{}길", pick(rng, ROAD_NAMES), rng.gen_range(1..40)),
    };
    let number = rng.gen_range(1..400);
    let mut out = format!("{province} {district} {road} {number}");
    if rng.gen_bool(0.2) {
        out.push_str(&format!("-{}", rng.gen_range(1..30)));
    }
    match rng.gen_range(0..4) {
        0 => out.push_str(&format!(", {}층", rng.gen_range(1..16))),
        1 => out.push_str(&format!(
            ", {}동 {}호",
            rng.gen_range(101..110),
            rng.gen_range(101..1505)
        )),
        _ => {}
    }
    out
}

/// Draws what one certificate says.
pub fn content(rng: &mut impl Rng) -> CertificateContent {
    let kind = match rng.gen_range(0..10) {
        0..=3 => TaxpayerKind::General,
        4 | 5 => TaxpayerKind::Simplified,
        6 => TaxpayerKind::Exempt,
        _ => TaxpayerKind::Corporate,
    };
    let corporate = kind.is_corporate();
    let (opened_year, opened) = korean_date(rng, 1995..=2025);
    let (_, issued) = korean_date(rng, opened_year..=2026);
    let (business_type, items) = BUSINESS_TYPES[rng.gen_range(0..BUSINESS_TYPES.len())];
    let mut item = pick(rng, items).to_owned();
    if rng.gen_bool(0.25) {
        let other = pick(rng, items);
        if other != item {
            item = format!("{item}, {other}");
        }
    }
    let head_office = address(rng);
    let place = if corporate && rng.gen_bool(0.6) {
        head_office.clone()
    } else {
        address(rng)
    };
    let mut fields: Vec<(&'static str, String)> = vec![
        ("구분", kind.label().to_owned()),
        ("등록번호", registration_number(rng, kind)),
        ("상호", trade_name(rng, corporate)),
        ("대표자", person_name(rng)),
    ];
    if !corporate {
        fields.push(("생년월일", korean_date(rng, 1950..=2000).1));
    }
    fields.push(("개업연월일", opened));
    if corporate {
        fields.push(("법인등록번호", corporate_number(rng)));
    }
    fields.push(("사업장소재지", place));
    if corporate {
        fields.push(("본점소재지", head_office));
    }
    fields.push(("업태", business_type.to_owned()));
    fields.push(("종목", item));
    fields.push(("발급사유", pick(rng, ISSUE_REASONS).to_owned()));
    fields.push(("발급일자", issued));
    fields.push(("발급기관", format!("{}세무서장", pick(rng, TAX_OFFICES))));
    CertificateContent { kind, fields }
}

/// How labels are printed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LabelStyle {
    /// Characters spread over the label column (`상          호`).
    Justified,
    /// One space between characters (`상 호`).
    Spaced,
    /// Two spaces between characters (`상  호`).
    DoubleSpaced,
    /// As a word (`상호`).
    Plain,
}

/// A certificate's spacing variant; each belongs to one [`FaceGroup`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CertificateTemplate {
    /// Its name in truth records.
    pub name: &'static str,
    labels: LabelStyle,
    /// The title with a space between its letters (`사 업 자 등 록 증`).
    spaced_title: bool,
    /// Extra letter spacing of the title, in ems.
    title_tracking: (f32, f32),
    /// The colons after labels, one chosen per page (where the face has it).
    colons: &'static [&'static str],
}

const fn certificate_template(
    name: &'static str,
    labels: LabelStyle,
    spaced_title: bool,
    title_tracking: (f32, f32),
    colons: &'static [&'static str],
) -> CertificateTemplate {
    CertificateTemplate {
        name,
        labels,
        spaced_title,
        title_tracking,
        colons,
    }
}

// Every group has justified, spaced and plain labels, a colon or none, the
// title spaced or tracked, in other combinations.
#[rustfmt::skip]
const DEVELOPMENT_TEMPLATES: [CertificateTemplate; 3] = [
    certificate_template("justified", LabelStyle::Justified, true, (0.05, 0.1), &[":", " :"]),
    certificate_template("spaced", LabelStyle::Spaced, true, (0.05, 0.1), &[":", " :"]),
    certificate_template("plain", LabelStyle::Plain, false, (0.05, 0.1), &[":", " :", ""]),
];
#[rustfmt::skip]
const VALIDATION_TEMPLATES: [CertificateTemplate; 2] = [
    certificate_template("justified-wide-title", LabelStyle::Justified, false, (0.35, 0.6), &["：", ":"]),
    certificate_template("double-spaced", LabelStyle::DoubleSpaced, true, (0.0, 0.05), &[" :", ""]),
];
#[rustfmt::skip]
const TEST_TEMPLATES: [CertificateTemplate; 2] = [
    certificate_template("plain-no-colon", LabelStyle::Plain, false, (0.05, 0.1), &[""]),
    certificate_template("spaced-wide-title", LabelStyle::Spaced, false, (0.35, 0.6), &[":"]),
];

impl CertificateTemplate {
    /// The templates certificates of `group` are drawn with.
    pub fn of_group(group: FaceGroup) -> &'static [CertificateTemplate] {
        match group {
            FaceGroup::Development => &DEVELOPMENT_TEMPLATES,
            FaceGroup::Validation => &VALIDATION_TEMPLATES,
            FaceGroup::Test => &TEST_TEMPLATES,
        }
    }
}

/// A face at a size, drawing in one colour; every run drawn is written
/// down in `runs`.
struct Pen<'a> {
    font: FontArc,
    face: Face,
    size: f32,
    color: Rgbf,
    runs: &'a RefCell<Vec<TextRun>>,
}

impl Pen<'_> {
    fn scale(&self) -> PxScale {
        PxScale::from(self.size)
    }

    fn width(&self, text: &str, tracking: f32) -> f32 {
        layout_line(&self.font, self.scale(), text, 0.0, 0.0, tracking).1
    }

    /// Draws `text` with its baseline at `baseline`; gives the advance width.
    fn draw(&self, page: &mut RgbImage, text: &str, x: f32, baseline: f32, tracking: f32) -> f32 {
        let (glyphs, width) = layout_line(&self.font, self.scale(), text, x, baseline, tracking);
        let (mask, _): (Mask, Vec<BoxF>) = Mask::text(&self.font, self.scale(), &glyphs);
        mask.paint(page, 0.0, 0.0, 0.95, self.color);
        self.runs.borrow_mut().push(TextRun {
            text: text.to_owned(),
            x,
            baseline,
            scale: self.size,
            tracking,
            face: self.face,
        });
        width
    }

    fn draw_centered(
        &self,
        page: &mut RgbImage,
        text: &str,
        cx: f32,
        baseline: f32,
        tracking: f32,
    ) {
        let w = self.width(text, tracking);
        self.draw(page, text, cx - w / 2.0, baseline, tracking);
    }

    /// Draws `label` in the label column `[x, x + column)` in `style`.
    fn draw_label(
        &self,
        page: &mut RgbImage,
        label: &str,
        x: f32,
        column: f32,
        baseline: f32,
        style: LabelStyle,
    ) {
        let chars: Vec<char> = label.chars().filter(|c| *c != ' ').collect();
        match style {
            LabelStyle::Justified if chars.len() > 1 => {
                let widths: Vec<f32> = chars
                    .iter()
                    .map(|c| self.width(&c.to_string(), 0.0))
                    .collect();
                let gap = ((column - widths.iter().sum::<f32>()) / (chars.len() - 1) as f32)
                    .max(self.size * 0.25);
                let mut pen = x;
                for (c, w) in chars.iter().zip(widths) {
                    self.draw(page, &c.to_string(), pen, baseline, 0.0);
                    pen += w + gap;
                }
            }
            LabelStyle::Spaced | LabelStyle::DoubleSpaced => {
                let space = if style == LabelStyle::Spaced {
                    " "
                } else {
                    "  "
                };
                let spaced: String = chars
                    .iter()
                    .map(char::to_string)
                    .collect::<Vec<_>>()
                    .join(space);
                self.draw(page, &spaced, x, baseline, 0.0);
            }
            _ => {
                self.draw(page, label, x, baseline, 0.0);
            }
        }
    }
}

/// Splits `text` at spaces into lines no wider than `width`.
fn wrap(pen: &Pen, text: &str, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && pen.width(&candidate, 0.0) > width {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        } else {
            current = candidate;
        }
    }
    lines.push(current);
    lines
}

/// Faint paper: a tint, and sometimes a large pale watermark circle.
fn paper(rng: &mut impl Rng) -> RgbImage {
    let (w, h) = PAGE_SIZE;
    let base = rng.gen_range(238.0..254.0f32);
    let tint = [
        base + rng.gen_range(-3.0..2.0f32),
        base,
        base + rng.gen_range(-6.0..1.0f32),
    ];
    let mut page = RgbImage::from_pixel(w, h, Rgb(tint.map(|v| v.clamp(0.0, 255.0) as u8)));
    if rng.gen_bool(0.5) {
        let (cx, cy) = (w as f32 / 2.0, h as f32 * rng.gen_range(0.4..0.6));
        let r = w as f32 * rng.gen_range(0.2..0.32);
        fill_ellipse(
            &mut page,
            (cx, cy),
            (r, r),
            0.0,
            rng.gen_range(0.04..0.09),
            rgb(120, 150, 190),
        );
    }
    page
}

fn frame(page: &mut RgbImage, inset: f32, thickness: f32, color: Rgbf) {
    let (w, h) = (page.width() as f32, page.height() as f32);
    let edges = [
        [inset, inset, w - inset, inset + thickness],
        [inset, h - inset - thickness, w - inset, h - inset],
        [inset, inset, inset + thickness, h - inset],
        [w - inset - thickness, inset, w - inset, h - inset],
    ];
    for [x0, y0, x1, y1] in edges {
        for y in y0 as u32..y1.ceil() as u32 {
            for x in x0 as u32..x1.ceil() as u32 {
                if x < page.width() && y < page.height() {
                    page.put_pixel(x, y, Rgb(color.map(|c| c as u8)));
                }
            }
        }
    }
}

/// The seal: a red ring with the office's name inside.
fn seal(page: &mut RgbImage, center: (f32, f32), radius: f32, font: &FontArc, face: Face) {
    let red = rgb(200, 40, 40);
    fill_ellipse(page, center, (radius, radius), 0.0, 0.75, red);
    fill_ellipse(
        page,
        center,
        (radius * 0.86, radius * 0.86),
        0.0,
        0.9,
        rgb(250, 235, 235),
    );
    // Its letters are part of the seal's picture, not of the text.
    let picture = RefCell::new(Vec::new());
    let pen = Pen {
        font: font.clone(),
        face,
        size: radius * 0.55,
        color: red,
        runs: &picture,
    };
    pen.draw_centered(page, "세무", center.0, center.1 - radius * 0.05, 0.0);
    pen.draw_centered(page, "서인", center.0, center.1 + radius * 0.5, 0.0);
}

/// [`content`], then, when `specimens` is given, a specimen 등록번호 or
/// 법인등록번호 as [`specimen::certificate`] draws from it (see
/// [`crate::specimen`]); true when the certificate prints one. Without
/// `specimens` nothing is drawn from it and nothing changes; with it,
/// `rng` gives the same draws.
fn specimen_content(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
) -> (CertificateContent, bool) {
    let mut content = content(rng);
    let Some(specimens) = specimens else {
        return (content, false);
    };
    let key = match specimen::certificate(specimens, content.kind.is_corporate()) {
        Some(CertificateSpecimen::Registration) => "등록번호",
        Some(CertificateSpecimen::Corporate) => "법인등록번호",
        None => return (content, false),
    };
    if let Some((_, value)) = content.fields.iter_mut().find(|(k, _)| *k == key) {
        *value = specimen::other_last_digit(value, specimens);
    }
    (content, true)
}

/// Draws one certificate in the faces and templates of `group`, every
/// number passing its check: [`render_with`] without specimens.
pub fn render(rng: &mut impl Rng, group: FaceGroup) -> Result<RenderedCertificate, SynthError> {
    render_with(rng, None, group)
}

/// Draws one certificate in the faces and templates of `group`; with
/// `specimens` (the seed's [`specimen::rng`]) a few print a 등록번호 or
/// 법인등록번호 whose check digit fails (`RenderedCertificate::specimen`).
pub fn render_with(
    rng: &mut impl Rng,
    specimens: Option<&mut dyn RngCore>,
    group: FaceGroup,
) -> Result<RenderedCertificate, SynthError> {
    let (content, specimen) = specimen_content(rng, specimens);
    let templates = CertificateTemplate::of_group(group);
    let template = templates[rng.gen_range(0..templates.len())];
    let body_face = fonts::pick(rng, group, Role::Body);
    let bold_face = fonts::pick_like(rng, group, Role::Title, body_face);
    let body_font = fonts::load(body_face)?;
    let bold_font = fonts::load(bold_face)?;
    let ink = {
        let v = rng.gen_range(0.0..40.0f32);
        [v, v, v + rng.gen_range(0.0..20.0f32)]
    };
    let runs = RefCell::new(Vec::new());
    let body = Pen {
        font: body_font.clone(),
        face: body_face,
        size: rng.gen_range(25.0..32.0),
        color: ink,
        runs: &runs,
    };
    let title = Pen {
        font: bold_font.clone(),
        face: bold_face,
        size: rng.gen_range(52.0..68.0),
        color: ink,
        runs: &runs,
    };
    let number_pen = Pen {
        font: bold_font.clone(),
        face: bold_face,
        size: body.size * rng.gen_range(1.1..1.3),
        color: ink,
        runs: &runs,
    };
    let mut page = paper(rng);
    let (w, _) = PAGE_SIZE;
    let w = w as f32;
    if rng.gen_bool(0.6) {
        frame(
            &mut page,
            rng.gen_range(40.0..70.0),
            rng.gen_range(2.0..5.0),
            ink,
        );
    }
    let left = rng.gen_range(110.0..170.0);
    let right = w - rng.gen_range(100.0..150.0);
    let mut y = rng.gen_range(130.0..190.0);
    if rng.gen_bool(0.5) {
        let small = Pen {
            font: body_font.clone(),
            face: body_face,
            size: body.size * 0.75,
            color: ink,
            runs: &runs,
        };
        let issue_number = format!(
            "발급번호 : {}-{}-{}",
            rng.gen_range(100..999),
            rng.gen_range(2015..2027),
            rng.gen_range(1_000_000..9_999_999)
        );
        small.draw(&mut page, &issue_number, left, y - body.size * 1.5, 0.0);
    }

    // Title, subtitle, registration number.
    let title_text = if template.spaced_title {
        "사 업 자 등 록 증"
    } else {
        "사업자등록증"
    };
    y += title.size;
    let (lo, hi) = template.title_tracking;
    let title_tracking = title.size * rng.gen_range(lo..=hi);
    title.draw_centered(&mut page, title_text, w / 2.0, y, title_tracking);
    y += body.size * rng.gen_range(1.6..2.2);
    let subtitle = if rng.gen_bool(0.5) {
        format!("({})", content.kind.label())
    } else {
        format!("( {} )", content.kind.label())
    };
    body.draw_centered(&mut page, &subtitle, w / 2.0, y, 0.0);
    y += number_pen.size * rng.gen_range(2.2..3.0);
    let colon = template.colons[rng.gen_range(0..template.colons.len())];
    let colon = if fonts::covers(&body.font, colon) {
        colon
    } else {
        ":"
    };
    let number_line = format!(
        "등록번호{colon} {}",
        content.get("등록번호").unwrap_or_default()
    );
    number_pen.draw_centered(&mut page, &number_line, w / 2.0, y, 0.0);
    y += body.size * rng.gen_range(2.4..3.2);

    // The labelled rows.
    let style = template.labels;
    let column = body.size * rng.gen_range(6.0..7.5);
    let value_x = left + column + body.size * 0.4;
    let value_start = value_x + body.width(colon, 0.0) + body.size * 0.5;
    let step = body.size * rng.gen_range(1.9..2.5);
    let wrapped_step = body.size * 1.35;
    let corporate = content.kind.is_corporate();
    let row = |page: &mut RgbImage, y: &mut f32, label: &str, value: &str| {
        body.draw_label(page, label, left, column, *y, style);
        body.draw(page, colon, value_x, *y, 0.0);
        let lines = wrap(&body, value, right - value_start);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                *y += wrapped_step;
            }
            body.draw(page, line, value_start, *y, 0.0);
        }
        *y += step;
    };
    let half = (left + right) / 2.0 + body.size;
    // A second field on the row when it fits there and `shared`, else on
    // its own row.
    let pair = |page: &mut RgbImage,
                y: &mut f32,
                first: (&str, &str),
                second: (&str, &str),
                shared: bool| {
        let at = half.max(value_start + body.width(first.1, 0.0) + body.size * 2.0);
        let shown = format!("{colon} {}", second.1);
        let fits = at + body.width(second.0, 0.0) + body.width(&shown, 0.0) < right;
        if shared && fits {
            body.draw_label(page, first.0, left, column, *y, style);
            body.draw(page, colon, value_x, *y, 0.0);
            body.draw(page, first.1, value_start, *y, 0.0);
            let label_width = body.draw(page, second.0, at, *y, 0.0);
            body.draw(page, &shown, at + label_width, *y, 0.0);
            *y += step;
        } else {
            row(page, y, first.0, first.1);
            row(page, y, second.0, second.1);
        }
    };
    let value = |key: &str| content.get(key).unwrap_or_default().to_owned();
    let name_label = if corporate {
        "법인명(단체명)"
    } else {
        "상호"
    };
    row(&mut page, &mut y, name_label, &value("상호"));
    if corporate {
        row(&mut page, &mut y, "대표자", &value("대표자"));
        let shared = rng.gen_bool(0.5);
        pair(
            &mut page,
            &mut y,
            ("개업연월일", &value("개업연월일")),
            ("법인등록번호", &value("법인등록번호")),
            shared,
        );
        row(&mut page, &mut y, "사업장소재지", &value("사업장소재지"));
        row(&mut page, &mut y, "본점소재지", &value("본점소재지"));
    } else {
        let shared = rng.gen_bool(0.6);
        pair(
            &mut page,
            &mut y,
            ("성명", &value("대표자")),
            ("생년월일", &value("생년월일")),
            shared,
        );
        row(&mut page, &mut y, "개업연월일", &value("개업연월일"));
        row(&mut page, &mut y, "사업장소재지", &value("사업장소재지"));
    }

    // 사업의 종류: 업태 and 종목, on one row or two.
    body.draw_label(&mut page, "사업의종류", left, column, y, style);
    body.draw(&mut page, colon, value_x, y, 0.0);
    let business_type = value("업태");
    let item = value("종목");
    let type_label = "업태";
    let item_label = "종목";
    let sub_gap = body.size * 0.8;
    let type_value_x = value_start + body.width(type_label, 0.0) + sub_gap;
    body.draw(&mut page, type_label, value_start, y, 0.0);
    body.draw(&mut page, &business_type, type_value_x, y, 0.0);
    let item_x_same_row = type_value_x + body.width(&business_type, 0.0) + body.size * 2.0;
    let item_fits_on_row =
        item_x_same_row + body.width(item_label, 0.0) + sub_gap + body.width(&item, 0.0) < right;
    let item_x = if item_fits_on_row && rng.gen_bool(0.6) {
        item_x_same_row
    } else {
        y += wrapped_step * 1.2;
        value_start
    };
    body.draw(&mut page, item_label, item_x, y, 0.0);
    let item_value_x = item_x + body.width(item_label, 0.0) + sub_gap;
    for (i, line) in wrap(&body, &item, right - item_value_x).iter().enumerate() {
        if i > 0 {
            y += wrapped_step;
        }
        body.draw(&mut page, line, item_value_x, y, 0.0);
    }
    y += step;

    row(&mut page, &mut y, "발급사유", &value("발급사유"));
    if rng.gen_bool(0.6) {
        body.draw_label(&mut page, "공동사업자", left, column, y, style);
        body.draw(&mut page, colon, value_x, y, 0.0);
        y += step;
    }
    if rng.gen_bool(0.5) {
        body.draw(
            &mut page,
            &format!("사업자 단위 과세 적용사업자 여부{colon} 여( ) 부( V )"),
            left,
            y,
            0.0,
        );
        y += step;
    }
    if rng.gen_bool(0.5) {
        let mail = format!(
            "전자세금계산서 전용 전자우편주소{colon} {}{}@{}",
            ["kim", "lee", "park", "biz", "tax", "office"][rng.gen_range(0..6)],
            rng.gen_range(1..999),
            ["naver.com", "daum.net", "gmail.com"][rng.gen_range(0..3)]
        );
        body.draw(&mut page, &mail, left, y, 0.0);
        y += step;
    }

    // Issue date, issuer and seal.
    y += body.size * rng.gen_range(2.0..4.0);
    body.draw_centered(&mut page, &value("발급일자"), w / 2.0, y, 0.0);
    y += body.size * rng.gen_range(2.5..3.5);
    let issuer_pen = Pen {
        font: bold_font.clone(),
        face: bold_face,
        size: body.size * rng.gen_range(1.3..1.7),
        color: ink,
        runs: &runs,
    };
    let issuer = value("발급기관");
    issuer_pen.draw_centered(&mut page, &issuer, w / 2.0, y, issuer_pen.size * 0.15);
    let issuer_width = issuer_pen.width(&issuer, issuer_pen.size * 0.15);
    let radius = issuer_pen.size * 1.1;
    seal(
        &mut page,
        (
            w / 2.0 + issuer_width / 2.0 + radius * 1.3,
            y - issuer_pen.size * 0.35,
        ),
        radius,
        &bold_font,
        bold_face,
    );
    if rng.gen_bool(0.5) {
        let small = Pen {
            font: body_font,
            face: body_face,
            size: body.size * 0.7,
            color: ink,
            runs: &runs,
        };
        let note = "이 증명서는 홈택스에서 발급되었습니다.";
        let note = if fonts::covers(&small.font, "※") {
            format!("※ {note}")
        } else {
            note.to_owned()
        };
        small.draw_centered(
            &mut page,
            &note,
            w / 2.0,
            PAGE_SIZE.1 as f32 - rng.gen_range(90.0..130.0),
            0.0,
        );
    }

    let image = image::DynamicImage::ImageRgb8(page).to_rgba8();
    Ok(RenderedCertificate {
        image,
        content,
        font: body_face.name(),
        template: template.name,
        specimen,
        text_runs: runs.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::business_number::{corporate_number_passes, registration_number_passes};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn content_follows_the_rules() {
        for seed in 0..200 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let c = content(&mut rng);
            let number = c.get("등록번호").unwrap();
            assert!(registration_number_passes(number), "{number}");
            let middle: u32 = number[4..6].parse().unwrap();
            assert_eq!(c.kind.is_corporate(), [81, 86, 87, 88].contains(&middle));
            if c.kind.is_corporate() {
                assert!(corporate_number_passes(c.get("법인등록번호").unwrap()));
                assert!(c.get("생년월일").is_none());
                assert!(c.get("본점소재지").is_some());
            } else {
                assert!(c.get("법인등록번호").is_none());
                assert!(c.get("생년월일").is_some());
            }
            assert_eq!(c.get("구분"), Some(c.kind.label()));
            for (key, value) in &c.fields {
                assert_eq!(value.trim(), value, "{key}");
                assert!(!value.contains("  "), "{key}: {value}");
            }
        }
    }

    #[test]
    fn specimen_certificates_fail_their_checks_and_only_they() {
        let n = 2000usize;
        let (mut registration, mut corporate, mut corporations) = (0, 0, 0);
        for seed in 0..n as u64 {
            let content = |specimens: Option<&mut dyn RngCore>| {
                specimen_content(&mut ChaCha8Rng::seed_from_u64(seed), specimens)
            };
            let (plain, plain_specimen) = content(None);
            let (c, specimen) = content(Some(&mut specimen::rng(
                seed,
                specimen::Document::Certificate,
            )));
            assert!(!plain_specimen);
            assert_eq!(c.kind, plain.kind);
            let number = c.get("등록번호").unwrap();
            assert_eq!(number.len(), 12, "{number}");
            assert_eq!(number[..11], plain.get("등록번호").unwrap()[..11]);
            let registration_ok = registration_number_passes(number);
            let corporate_ok = c.get("법인등록번호").is_none_or(corporate_number_passes);
            assert_eq!(specimen, !(registration_ok && corporate_ok), "{seed}");
            if specimen {
                let differing = c.fields.iter().zip(&plain.fields).filter(|(a, b)| a != b);
                assert_eq!(differing.count(), 1, "{seed}");
            } else {
                assert_eq!(c, plain);
            }
            registration += usize::from(!registration_ok);
            corporate += usize::from(!corporate_ok);
            corporations += usize::from(c.kind.is_corporate());
        }
        let share = |k: usize, of: usize| 100.0 * k as f64 / of as f64;
        assert!(
            (2.5..5.5).contains(&share(registration, n)),
            "{registration}"
        );
        assert!(
            (1.5..7.0).contains(&share(corporate, corporations)),
            "{corporate} of {corporations}"
        );
    }

    #[test]
    fn pages_are_a4_and_deterministic() {
        let draw = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            render(&mut rng, FaceGroup::Validation).unwrap()
        };
        let a = draw(3);
        assert_eq!(a.image.dimensions(), PAGE_SIZE);
        let b = draw(3);
        assert_eq!(a.image.as_raw(), b.image.as_raw());
        assert_eq!(a.content, b.content);
        assert!(CertificateTemplate::of_group(FaceGroup::Validation)
            .iter()
            .any(|t| t.name == a.template));
    }
}
