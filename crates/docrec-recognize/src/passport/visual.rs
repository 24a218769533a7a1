//! A passport's visual zone: what the data page prints above its
//! machine-readable zone that the zone does not carry (the date of issue,
//! the holder's name in Hangul), and where it prints the personal number.
//!
//! Takes the upright view (paper flattened), the top of the zone in it and
//! the MRZ read; gives the date of issue (as printed and as `YYYYMMDD`),
//! the Korean name, the box of the personal number's printed copy, the
//! Latin words read (to confirm the MRZ's names by) and the box of every
//! line read.
//!
//! The part of the page above the zone is read as a block in English, at
//! least [`READ_WIDTH`] across (a data page's small print is read far
//! better enlarged): the values' Latin words, digits and months, which the
//! Korean model reads poorly and at half the speed. A line with a date's
//! digits that gave no date is read again alone, cut out; on a Korean
//! passport the Korean name is read in Korean in lines cut out alone,
//! below the given names first, and answered only when its given name
//! spells as the MRZ's. What that misses is looked for in a second reading with
//! the print set apart from its surroundings (a photo's portrait otherwise
//! hides it from Tesseract's threshold). Of the dates printed, the date
//! of issue is the one that is neither the birth date nor the expiry date
//! of the MRZ and lies between them and not after today, the one nearest
//! five or ten years before expiry first (a passport's term).

use std::sync::LazyLock;

use docrec_ocr::preprocess::{darker_than_surroundings, line_cut, padded_cut};
use docrec_ocr::resample::resize;
use docrec_ocr::{Engine, OcrError, Rect, SegMode, Word};
use docrec_rules::mrz::{full_date, DateRole, Mrz};
use docrec_rules::romanise::romanises_alike;
use docrec_rules::surname::surname_of;
use docrec_rules::{date_exists, is_hangul_syllable};
use image::imageops::FilterType;
use image::GrayImage;
use regex::Regex;

use super::names::latin_words;
use crate::text::{group_lines, words_rect};

/// The model the visual zone of a Korean passport is read with.
const KOREAN: &str = "kor";
/// The model other visual zones, and lines with digits, are read with.
const ENGLISH: &str = "eng";

/// The issuing state whose pages print the holder's name in Hangul.
const KOREA: &str = "KOR";

/// How far each way [`darker_than_surroundings`] looks at the visual zone
/// read [`READ_WIDTH`] across (values print some 16-30 pixels tall).
const PRINT_BOX_RADIUS: u32 = 25;

/// How many times over a pixel's darkness against its surroundings is
/// drawn: blurred print some 60 levels darker than its paper is black.
const PRINT_GAIN: u8 = 4;

/// The widest a line that may hold a Korean name alone is, in heights: two
/// to four syllables, about as wide as high each, with some margin.
const NAME_LINE_ASPECT: u32 = 6;

/// How many lines are cut out and read in Korean for a Korean name.
const MOST_NAME_CUTS: usize = 6;

/// The height a line is cut to for its reading alone.
const REREAD_HEIGHT: u32 = 56;

/// The fewest digits a printed date has (`1 MAR 2023`).
const DATE_DIGITS: usize = 5;

/// How many lines with a date's digits that gave no date are read again.
const MOST_DATE_CUTS: usize = 3;

/// The least width the visual zone is read at: a page 1000 pixels across
/// prints its values some 10 pixels tall, and Tesseract read a third of
/// its dates; enlarged to 1600, nearly all (dev passports, eng and kor).
const READ_WIDTH: u32 = 1600;

/// Labels a Korean data page prints that have a name's shape (a surname
/// syllable and one to three more).
const LABELS: [&str; 22] = [
    "대한민국",
    "여권",
    "성명",
    "한글성명",
    "국적",
    "성별",
    "생년월일",
    "발급일",
    "발급일자",
    "기간만료일",
    "만료일",
    "발행관청",
    "발행국",
    "주민등록번호",
    "여권번호",
    "종류",
    "외교부",
    "이름",
    "소지인",
    "서명",
    "관청",
    "국가",
];

/// A printed date with its month in letters: a day (a stray stop or
/// colon after it), a month as `MAR`, `3월` or `3월/MAR` (whatever up to
/// five characters are read before the slash: English reads `11월` as
/// `112`, `11M` or `11 @`), a year.
static LETTERED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,2})[.:,]?\s*(?:(\d{1,2})\s*월\s*/?|([^/]{1,5}?)\s*/)?\s*([A-Z]{3})[A-Z]*\.?\s*(\d{4})\b",
    )
    .expect("a valid pattern")
});

/// A printed date in digits: `21.03.2023` (day, month, year).
static DOTTED_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{2})[.](\d{2})[.](\d{4})\b").expect("a valid pattern"));

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// What the visual zone gave.
#[derive(Debug, Clone, Default)]
pub(super) struct VisualZone {
    /// The date of issue as printed, as `YYYYMMDD`, its confidence and box.
    pub issue_date: Option<(String, String, f32, Rect)>,
    /// The holder's name in Hangul, its confidence and box.
    pub korean_name: Option<(String, f32, Rect)>,
    /// The box of the personal number's printed copy.
    pub personal_number: Option<Rect>,
    /// The Latin words read ([`latin_words`]), in either reading.
    pub latin_words: Vec<String>,
    /// Every line read.
    pub lines: Vec<Rect>,
}

/// Reads the part of `flat` above `zone_top` for what the MRZ `mrz` does
/// not carry; `today` bounds the date of issue. When the date of issue,
/// a Korean passport's name or the printed copy of the MRZ's personal
/// number is not found, the part is read again with its print set apart
/// from its surroundings ([`darker_than_surroundings`]): on a photo, the
/// portrait's dark areas set Tesseract's threshold below the print, and
/// it finds no lines at all.
pub(super) fn read_visual_zone(
    engine: &mut Engine,
    flat: &GrayImage,
    zone_top: u32,
    mrz: &Mrz,
    today: (i32, u32, u32),
) -> Result<VisualZone, OcrError> {
    let height = zone_top.min(flat.height());
    if height < 16 {
        return Ok(VisualZone::default());
    }
    let above = image::imageops::crop_imm(flat, 0, 0, flat.width(), height).to_image();
    let scale = (READ_WIDTH as f32 / above.width() as f32).max(1.0);
    let above = resize(
        &above,
        (above.width() as f32 * scale).round() as u32,
        (above.height() as f32 * scale).round() as u32,
        FilterType::CatmullRom,
    );
    let zone = read_block(engine, flat, &above, scale, mrz, today)?;
    let korean = mrz.issuing_state == KOREA;
    let missing = zone.issue_date.is_none()
        || (korean && zone.korean_name.is_none())
        || (!mrz.optional_data.is_empty() && zone.personal_number.is_none());
    if !missing {
        return Ok(zone);
    }
    let print = darker_than_surroundings(&above, PRINT_BOX_RADIUS, PRINT_GAIN);
    let again = read_block(engine, flat, &print, scale, mrz, today)?;
    let mut words = zone.latin_words;
    words.extend(again.latin_words);
    Ok(VisualZone {
        issue_date: zone.issue_date.or(again.issue_date),
        korean_name: zone.korean_name.or(again.korean_name),
        personal_number: zone.personal_number.or(again.personal_number),
        latin_words: words,
        lines: if again.lines.len() > zone.lines.len() {
            again.lines
        } else {
            zone.lines
        },
    })
}

/// Reads `above` (the part of `flat` above the zone, enlarged `scale`
/// times) as one block in English (the values' Latin words, digits and
/// months; the Korean model reads those poorly, and at half the speed);
/// a line with a date's digits that gave no date is read again alone;
/// on a Korean passport, the Korean name is then read in Korean in lines
/// cut out alone ([`name_in_cuts`]).
fn read_block(
    engine: &mut Engine,
    flat: &GrayImage,
    above: &GrayImage,
    scale: f32,
    mrz: &Mrz,
    today: (i32, u32, u32),
) -> Result<VisualZone, OcrError> {
    let korean = mrz.issuing_state == KOREA;
    let mut words = engine.read_with(ENGLISH, above, SegMode::Block)?;
    for word in &mut words {
        word.rect = mapped(word.rect, |v| v / scale);
    }
    let mut zone = VisualZone::default();
    let mut dates = Vec::new();
    let mut name_lines = Vec::new();
    let mut undated_lines = Vec::new();
    let mut given_names_line: Option<Rect> = None;
    let first_given_name = mrz.given_names.split(' ').next().unwrap_or_default();
    for line in group_lines(&words) {
        let rect = words_rect(&line.words);
        zone.lines.push(rect);
        let text = joined(&line.words);
        let latin: Vec<String> = latin_words(&text).collect();
        if given_names_line.is_none() && latin.iter().any(|word| word == first_given_name) {
            given_names_line = Some(rect);
        }
        zone.latin_words.extend(latin);
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if !mrz.optional_data.is_empty() && digits.contains(&mrz.optional_data) {
            zone.personal_number = Some(rect);
        }
        let before = dates.len();
        dates.extend(printed_dates(&text).map(|(printed, ymd)| {
            let conf = mean_conf(&line.words);
            (printed, ymd, conf, rect)
        }));
        if dates.len() == before && digits.len() >= DATE_DIGITS {
            undated_lines.push(rect);
        }
        if digits.len() < 3 {
            name_lines.push(rect);
        }
    }
    zone.issue_date = issue_date_among(dates.clone(), mrz, today);
    // A line with a date's digits that gave none is read again alone: in
    // the block, Tesseract reads a small date's month or day poorly.
    for &rect in undated_lines.iter().take(MOST_DATE_CUTS) {
        if zone.issue_date.is_some() {
            break;
        }
        let Some(cut) = line_cut(flat, rect, REREAD_HEIGHT) else {
            continue;
        };
        let words = engine.read_with(ENGLISH, &cut, SegMode::Line)?;
        let conf = mean_conf(&words);
        let text = joined(&words);
        dates.extend(printed_dates(&text).map(|(printed, ymd)| (printed, ymd, conf, rect)));
        zone.issue_date = issue_date_among(dates.clone(), mrz, today);
    }
    if korean {
        zone.korean_name = name_in_cuts(
            engine,
            flat,
            above,
            scale,
            &name_lines,
            given_names_line,
            mrz,
        )?;
    }
    Ok(zone)
}

/// The Korean name read in one of `lines` (boxes in `flat` of lines
/// without a number) cut out and read alone in Korean, the first
/// [`MOST_NAME_CUTS`] at most: those below `given` (the given names' line;
/// a Korean page prints the Hangul name after them) nearest first, then
/// the others as short as a name's line. A line read as a name the MRZ
/// does not spell ([`korean_name_in`]) is read once more cut out of
/// `above` (`flat` enlarged `scale` times, as the block was read): a small
/// page's name often reads right only there.
fn name_in_cuts(
    engine: &mut Engine,
    flat: &GrayImage,
    above: &GrayImage,
    scale: f32,
    lines: &[Rect],
    given: Option<Rect>,
    mrz: &Mrz,
) -> Result<Option<(String, f32, Rect)>, OcrError> {
    let below = |line: &Rect| given.is_some_and(|given| line.y > given.y);
    let mut candidates: Vec<Rect> = lines
        .iter()
        .filter(|line| below(line) || line.width <= NAME_LINE_ASPECT * line.height)
        .copied()
        .collect();
    // Stable: the lines not below keep their order, after those below.
    candidates.sort_by_key(|line| match given {
        Some(given) if below(line) => (0, line.y - given.y),
        _ => (1, 0),
    });
    for &rect in candidates.iter().take(MOST_NAME_CUTS) {
        let Some(cut) = line_cut(flat, rect, REREAD_HEIGHT) else {
            continue;
        };
        let words = engine.read_spaced_with(KOREAN, &cut, SegMode::Line)?;
        if let Some((name, conf, _)) = korean_name_in(&words, mrz) {
            return Ok(Some((name, conf, rect)));
        }
        if !words.iter().any(|word| name_shaped(word.text.trim())) {
            continue;
        }
        let wide = mapped(rect, |v| v * scale);
        let pad = (wide.height / 2) as i32;
        let Some(cut) = padded_cut(above, wide, pad, pad) else {
            continue;
        };
        let words = engine.read_spaced_with(KOREAN, &cut, SegMode::Line)?;
        if let Some((name, conf, _)) = korean_name_in(&words, mrz) {
            return Ok(Some((name, conf, rect)));
        }
    }
    Ok(None)
}

/// Whether `text` has a Korean name's shape: two to four Hangul syllables
/// starting with a surname, no label of the page.
fn name_shaped(text: &str) -> bool {
    (2..=4).contains(&text.chars().count())
        && text.chars().all(is_hangul_syllable)
        && surname_of(text).is_some()
        && !LABELS.contains(&text)
}

/// `rect` with each coordinate and side mapped by `map` (a box between an
/// image and a copy enlarged), no side shorter than a pixel.
fn mapped(rect: Rect, map: impl Fn(f32) -> f32) -> Rect {
    Rect::new(
        map(rect.x as f32).round() as i32,
        map(rect.y as f32).round() as i32,
        (map(rect.width as f32).round() as u32).max(1),
        (map(rect.height as f32).round() as u32).max(1),
    )
}

/// The words' texts joined by spaces.
fn joined(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn mean_conf(words: &[Word]) -> f32 {
    words.iter().map(|w| w.conf).sum::<f32>() / words.len().max(1) as f32
}

/// The dates `text` prints, each as printed and as `YYYYMMDD`, when it
/// exists: `21 MAR 2023` (spaces made single, the month's letters as
/// read), `21 3월/MAR 2023` (the Korean month given by the Latin one,
/// however it was read) and `21.03.2023`.
fn printed_dates(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let lettered = LETTERED_DATE.captures_iter(text).filter_map(|found| {
        let day: u32 = found[1].parse().ok()?;
        let latin = &found[4];
        let month = MONTHS
            .iter()
            .position(|month| month.eq_ignore_ascii_case(latin))? as u32
            + 1;
        let korean_month = found.get(2).and_then(|m| m.as_str().parse::<u32>().ok());
        if korean_month.is_some_and(|korean| korean != month) {
            return None;
        }
        let year: u32 = found[5].parse().ok()?;
        let bilingual = found.get(2).is_some() || found.get(3).is_some();
        let printed = if bilingual {
            format!("{} {month}월/{latin} {year}", &found[1])
        } else {
            format!("{} {latin} {year}", &found[1])
        };
        Some((printed, year, month, day))
    });
    let dotted = DOTTED_DATE.captures_iter(text).filter_map(|found| {
        let day: u32 = found[1].parse().ok()?;
        let month: u32 = found[2].parse().ok()?;
        let year: u32 = found[3].parse().ok()?;
        Some((found[0].to_owned(), year, month, day))
    });
    lettered
        .chain(dotted)
        .filter(|(_, year, month, day)| date_exists(*year, *month, *day))
        .map(|(printed, year, month, day)| (printed, format!("{year:04}{month:02}{day:02}")))
}

/// The longest a passport is valid, as a difference of `YYYYMMDD`
/// numbers: ten years and a month.
const LONGEST_TERM: i64 = 100_100;

/// The date of issue among the printed `dates`: not the MRZ's birth or
/// expiry date, after birth, before expiry by at most [`LONGEST_TERM`] and
/// not after `today`; the one nearest five or ten years before expiry.
fn issue_date_among(
    dates: Vec<(String, String, f32, Rect)>,
    mrz: &Mrz,
    today: (i32, u32, u32),
) -> Option<(String, String, f32, Rect)> {
    let birth = full_date(&mrz.birth_date, DateRole::Birth, today);
    let expiry = full_date(&mrz.expiry_date, DateRole::Expiry, today);
    let today = format!("{:04}{:02}{:02}", today.0, today.1, today.2);
    let as_number = |ymd: &str| ymd.parse::<i64>().unwrap_or(0);
    let term_distance = |ymd: &str| match &expiry {
        // Years are the ten-thousands of YYYYMMDD.
        Some(expiry) => [50_000, 100_000]
            .map(|term| (as_number(expiry) - term - as_number(ymd)).abs())
            .into_iter()
            .min()
            .unwrap_or(i64::MAX),
        None => 0,
    };
    dates
        .into_iter()
        .filter(|(_, ymd, _, _)| {
            Some(ymd) != birth.as_ref()
                && Some(ymd) != expiry.as_ref()
                && birth.as_ref().is_none_or(|birth| ymd > birth)
                && expiry.as_ref().is_none_or(|expiry| {
                    ymd < expiry && as_number(expiry) - as_number(ymd) <= LONGEST_TERM
                })
                && *ymd <= today
        })
        .min_by_key(|(_, ymd, _, _)| term_distance(ymd))
}

/// A Korean name among `words`: a word of a name's shape
/// ([`name_shaped`]) whose surname and given name begin as the MRZ's
/// romanised ones can ([`romanises_as`]) and whose given name spells as
/// the MRZ's does ([`romanises_alike`]: the same consonants).
fn korean_name_in(words: &[Word], mrz: &Mrz) -> Option<(String, f32, Rect)> {
    words.iter().find_map(|word| {
        let text = word.text.trim();
        let surname = surname_of(text)?;
        let given = &text[surname.len()..];
        (name_shaped(text)
            && romanises_as(surname, &mrz.surname)
            && romanises_as(given, &mrz.given_names)
            && (given.is_empty()
                || mrz.given_names.is_empty()
                || romanises_alike(given, &mrz.given_names)))
        .then(|| (text.to_owned(), word.conf, word.rect))
    })
}

/// Whether Hangul `hangul` can be romanised as `latin` begins: the first
/// syllable's initial consonant against the first letter, as Korean
/// passports spell names (Revised Romanization, McCune-Reischauer and the
/// customary spellings: 이 `LEE`, `RHEE` or `YI`; 임 `LIM`; 최 `CHOI`;
/// 박 `PARK`). Either empty: nothing to hold against.
fn romanises_as(hangul: &str, latin: &str) -> bool {
    let (Some(syllable), Some(letter)) = (hangul.chars().next(), latin.chars().next()) else {
        return true;
    };
    let Some(offset) = (syllable as u32).checked_sub(0xAC00) else {
        return false;
    };
    // The initial consonants in Unicode's order: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ
    // ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ.
    const LETTERS: [&str; 19] = [
        "GK",
        "GK",
        "NRL",
        "DT",
        "DT",
        "RLNY",
        "M",
        "BP",
        "BP",
        "S",
        "S",
        "AEIOUYWLR",
        "JC",
        "JC",
        "C",
        "K",
        "T",
        "P",
        "H",
    ];
    LETTERS
        .get((offset / 588) as usize)
        .is_some_and(|letters| letters.contains(letter.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use docrec_rules::mrz::parse;

    fn specimen() -> Mrz {
        parse(&[
            "PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<",
            "M123A45674KOR8501017M3403155<<<<<<<<<<<<<<08",
        ])
        .unwrap()
    }

    #[test]
    fn dates_are_read_as_printed_in_english_and_in_korean() {
        let dates: Vec<_> = printed_dates("발급일/Date of issue 21 MAR 2023").collect();
        assert_eq!(dates, vec![("21 MAR 2023".into(), "20230321".into())]);
        let dates: Vec<_> = printed_dates("15 3월/MAR 2034").collect();
        assert_eq!(dates, vec![("15 3월/MAR 2034".into(), "20340315".into())]);
        // The Korean month as English reads it.
        let dates: Vec<_> = printed_dates("09 121 /JAN 2019 09 13) JAN 2029").collect();
        assert_eq!(dates[0], ("09 1월/JAN 2019".into(), "20190109".into()));
        // Its Korean month read with a space, its day with a colon: not the
        // month taken for the day.
        let dates: Vec<_> = printed_dates("13 11 @/NOV 2024 obverse").collect();
        assert_eq!(dates[0], ("13 11월/NOV 2024".into(), "20241113".into()));
        let dates: Vec<_> = printed_dates("25: 11M/NOV 2014").collect();
        assert_eq!(dates[0], ("25 11월/NOV 2014".into(), "20141125".into()));
        let dates: Vec<_> = printed_dates("Date of issue 08.08.2017 21 Mar 2022").collect();
        assert_eq!(
            dates,
            vec![
                ("21 Mar 2022".into(), "20220321".into()),
                ("08.08.2017".into(), "20170808".into())
            ]
        );
        assert_eq!(printed_dates("31 FEB 2023").count(), 0);
        assert_eq!(printed_dates("21 4월/MAR 2023").count(), 0);
    }

    #[test]
    fn the_date_of_issue_is_the_printed_date_that_is_neither_birth_nor_expiry() {
        let mrz = specimen();
        let rect = Rect::new(0, 0, 10, 10);
        let dates = vec![
            ("01 JAN 1985".into(), "19850101".into(), 0.9, rect),
            ("15 MAR 2034".into(), "20340315".into(), 0.9, rect),
            ("16 MAR 2024".into(), "20240316".into(), 0.9, rect),
            ("02 JAN 2019".into(), "20190102".into(), 0.9, rect),
        ];
        let issue = issue_date_among(dates.clone(), &mrz, (2026, 12, 7)).unwrap();
        assert_eq!(issue.1, "20240316");
        // More than ten years before expiry: no passport's date of issue.
        let older = vec![dates[0].clone(), dates[3].clone()];
        assert!(issue_date_among(older, &mrz, (2026, 12, 7)).is_none());
    }

    #[test]
    fn a_korean_name_starts_with_a_surname_is_no_label_and_fits_the_mrz() {
        let word = |text: &str| Word {
            text: text.into(),
            conf: 0.9,
            rect: Rect::new(0, 0, 10, 10),
            line: (0, 0, 0),
        };
        let mrz = specimen();
        let words = [word("국적"), word("성명"), word("홍길동")];
        assert_eq!(korean_name_in(&words, &mrz).unwrap().0, "홍길동");
        assert!(korean_name_in(&[word("MINISTRY"), word("외교부")], &mrz).is_none());
        // A misread label or line that cannot be romanised HONG GILDONG.
        assert!(korean_name_in(&[word("안성명"), word("정경")], &mrz).is_none());
        // Its surname and first consonant fit, its given name does not
        // spell GILDONG.
        assert!(korean_name_in(&[word("홍기도")], &mrz).is_none());
        assert!(romanises_as("이", "LEE") && romanises_as("최", "CHOI"));
        assert!(romanises_as("박", "PARK") && !romanises_as("박", "KIM"));
    }
}
