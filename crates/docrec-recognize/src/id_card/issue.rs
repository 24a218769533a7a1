//! When and by whom the card was issued (`issueDate`, `issuer`): the date
//! above the issuer's title, pieced together from its digit groups where
//! OCR split them and checked against the holder's birth date; the issuing
//! office matched to a province and district, misread titles and jamo
//! allowed; as methods of [`CardText`].

use docrec_ocr::detect::text_band;
use docrec_ocr::preprocess::line_cut;
use docrec_ocr::{OcrError, Rect, SegMode};
use docrec_rules::date_exists;
use docrec_rules::province::{districts_of, nearest_province, ProvinceMatch, PROVINCES};
use docrec_rules::resident_number::birth_date;
use image::{GrayImage, Luma};

use super::glyphs::word_spans;
use super::{mean_conf, CardText, Found, Segment, DATE, ENGLISH, REREAD_HEIGHT, SURE, YEAR_START};
use crate::text::{digit_reading, is_hangul, jamo_distance};

impl CardText<'_, '_> {
    /// The issue date: the lowest segment whose English reading is a date
    /// (`2019. 5. 13.` on resident cards, `2019.05.13` on licences). A
    /// reading that is not sure, or none, is checked by reading the lowest
    /// segments that start with a year word by word
    /// ([`CardText::read_word_by_word`]); the surer reading wins.
    pub(super) fn issue_date(&mut self) -> Result<Option<Found>, OcrError> {
        let as_read = self.date_as_read();
        if as_read.as_ref().is_some_and(|f| f.conf >= SURE) {
            return Ok(as_read);
        }
        let starts_with_a_year = |segment: &Segment| {
            segment
                .english_compact()
                .chain([(segment.compact(), 0.0)])
                .any(|(text, _)| YEAR_START.is_match(&text))
        };
        // Each candidate with its readings' digit groups.
        let candidates: Vec<(Rect, Vec<DigitGroups>)> = self
            .segments
            .iter()
            .rev()
            .filter(|s| starts_with_a_year(s))
            .map(|s| {
                let readings = s
                    .english
                    .iter()
                    .cloned()
                    .chain([(s.korean(), s.korean_conf())])
                    .map(|(text, conf)| (digit_groups(&text), conf))
                    .collect();
                (s.rect, readings)
            })
            .collect();
        let mut pieced = None;
        for (rect, mut readings) in candidates {
            let (words, conf) = self.read_word_by_word(rect)?;
            if let Some(value) = date_of_words(&words) {
                let found = self.with_issue_check(Found { value, conf, rect });
                if as_read.as_ref().is_some_and(|f| f.conf >= found.conf) {
                    break;
                }
                return Ok(Some(found));
            }
            readings.push((words, conf));
            if pieced.is_none() {
                pieced = date_of_pieces(&readings)
                    .map(|(value, conf)| self.with_issue_check(Found { value, conf, rect }));
            }
        }
        if as_read.is_none() {
            let above_issuer = self.date_above_issuer()?;
            return Ok(above_issuer.map(|f| self.with_issue_check(f)).or(pieced));
        }
        Ok(as_read)
    }

    /// The date read from the row above the issuer, where both cards print
    /// it, when OCR of the block left the date's line out altogether.
    fn date_above_issuer(&mut self) -> Result<Option<Found>, OcrError> {
        let Some(issuer) = self
            .segments
            .iter()
            .rev()
            .find(|s| office_in(&s.korean()).is_some())
            .map(|s| s.rect)
        else {
            return Ok(None);
        };
        let height = issuer.height as i32;
        let probe = Rect::new(
            issuer.x - 2 * height,
            issuer.y - 2 * height,
            issuer.width + 4 * height as u32,
            2 * height as u32,
        )
        .padded_within(0, 0, self.flat.width(), self.flat.height());
        let Some((top, rows)) = text_band(self.flat, probe) else {
            return Ok(None);
        };
        // The band is the glyphs' strongest rows: round tops and bottoms
        // fall outside it.
        let row = Rect::new(probe.x, top - (rows / 4) as i32, probe.width, rows * 3 / 2);
        if let Some(cut) = line_cut(self.flat, row, REREAD_HEIGHT) {
            let words = self.engine.read_with(ENGLISH, &cut, SegMode::Line)?;
            let text: String = words.iter().map(|w| w.text.as_str()).collect();
            if let Some(value) = DATE.captures(&text).and_then(|caps| {
                date_of_words(&[caps[1].to_owned(), caps[2].to_owned(), caps[3].to_owned()])
            }) {
                return Ok(Some(Found {
                    value,
                    conf: mean_conf(&words),
                    rect: row,
                }));
            }
        }
        let (words, conf) = self.read_word_by_word(row)?;
        Ok(date_of_words(&words).map(|value| Found {
            value,
            conf,
            rect: row,
        }))
    }

    /// Reads the digit words of `rect` one by one: the cut is parted at the
    /// gaps between words (half a text height or wider) and each part is
    /// read as a line, look-alike letters taken for digits. The English
    /// model misreads a spaced date such as `2015. 5. 2.` as a whole
    /// (`2015592`) but reads its words apart. Gives the words' digits and
    /// their mean confidence.
    fn read_word_by_word(&mut self, rect: Rect) -> Result<(Vec<String>, f32), OcrError> {
        let Some(cut) = line_cut(self.flat, rect, REREAD_HEIGHT) else {
            return Ok((Vec::new(), 0.0));
        };
        let mut digits = Vec::new();
        let mut confs = Vec::new();
        let (spans, text_height) = word_spans(&cut);
        for (start, end) in spans {
            let margin = REREAD_HEIGHT / 4;
            let mut part =
                GrayImage::from_pixel(end - start + 2 * margin, cut.height(), Luma([255]));
            image::imageops::replace(
                &mut part,
                &image::imageops::crop_imm(&cut, start, 0, end - start, cut.height()).to_image(),
                margin as i64,
                0,
            );
            // A word of one digit is read as a character too.
            let mut modes = vec![SegMode::Line];
            if end - start < text_height {
                modes.push(SegMode::Char);
            }
            let mut best: Option<(String, f32)> = None;
            for mode in modes {
                let words = self.engine.read_with(ENGLISH, &part, mode)?;
                let text: String = words.iter().map(|w| w.text.as_str()).collect();
                if let Some(reading) = digit_reading(&text) {
                    let conf = mean_conf(&words) * 0.9f32.powi(reading.mapped as i32);
                    if best.as_ref().is_none_or(|(_, c)| conf > *c) {
                        best = Some((reading.digits, conf));
                    }
                }
            }
            if let Some((word, conf)) = best {
                digits.push(word);
                confs.push(conf);
            }
        }
        let conf = confs.iter().sum::<f32>() / confs.len().max(1) as f32;
        Ok((digits, conf))
    }

    /// The date the English readings of the lowest segment that shows one
    /// give: the first reading whose date exists and could be an issue
    /// date ([`CardText::could_be_issued`]), else the first, its conf
    /// halved per check it fails.
    fn date_as_read(&self) -> Option<Found> {
        self.segments.iter().rev().find_map(|segment| {
            let dates: Vec<(Found, bool)> = segment
                .english_compact()
                .filter_map(|(text, conf)| {
                    let caps = DATE.captures(&text)?;
                    let year: u32 = caps[1].parse().ok()?;
                    let month: u32 = caps[2].parse().ok()?;
                    let day: u32 = caps[3].parse().ok()?;
                    let value = format!("{year}.{month:02}.{day:02}");
                    let checks = [date_exists(year, month, day), self.could_be_issued(&value)];
                    let failed = checks.iter().filter(|passed| !**passed).count();
                    let found = Found {
                        value,
                        conf: conf * 0.5f32.powi(failed as i32),
                        rect: segment.rect,
                    };
                    Some((found, failed == 0))
                })
                .collect();
            let first = dates.first()?.0.clone();
            Some(
                dates
                    .into_iter()
                    .find(|(_, passes)| *passes)
                    .map_or(first, |(found, _)| found),
            )
        })
    }

    /// Whether the card could be issued on `date` ([`could_be_issued`]),
    /// by the resident number read; true when none was.
    pub(super) fn could_be_issued(&self, date: &str) -> bool {
        self.resident
            .as_ref()
            .is_none_or(|(_, number)| could_be_issued(date, &number.value))
    }

    /// `found` (an issue date) with its conf halved when the card could
    /// not have been issued then ([`CardText::could_be_issued`]).
    fn with_issue_check(&self, mut found: Found) -> Found {
        if !self.could_be_issued(&found.value) {
            found.conf *= 0.5;
        }
        found
    }

    /// The issuer: the lowest segment naming an office that issues cards
    /// (`…청장`, `…시장`, `…군수`, `…경찰청장`, `도로교통공단`). A reading
    /// that is not sure, or none, is checked by reading the row again as a
    /// line (the office's row, or else the lowest rows): a seal printed
    /// over the end of the name makes OCR of the block part it or misread
    /// it.
    pub(super) fn issuer(&mut self) -> Result<Option<Found>, OcrError> {
        let from_block = self
            .segments
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, _)| Some(*i) != self.title)
            .find_map(|(i, segment)| {
                office_in(&segment.korean()).map(|(value, misread)| {
                    let conf = segment.korean_conf() * PROVINCE_MISREAD_CONF.powi(misread as i32);
                    (i, value, conf)
                })
            })
            .map(|(i, value, conf)| self.completed_by_row(i, value, conf));
        if let Some((i, value, conf)) = &from_block {
            // Sure, and alone on its row (a part of the name OCR set apart
            // is not left out).
            if *conf >= SURE && self.row_of(*i) == self.segments[*i].rect {
                return Ok(Some(Found {
                    value: value.clone(),
                    conf: *conf,
                    rect: self.segments[*i].rect,
                }));
            }
        }
        let rows = match &from_block {
            Some((i, _, _)) => vec![self.row_of(*i)],
            None => {
                let mut rows = self.lowest_rows(2);
                rows.extend(self.text_below_segments());
                rows
            }
        };
        let mut best = from_block.map(|(i, value, conf)| Found {
            value,
            conf,
            rect: self.segments[i].rect,
        });
        for row in rows {
            let words = self.read_in_korean(row)?;
            let text = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some((value, misread)) = office_in(&text) {
                let conf = mean_conf(&words) * PROVINCE_MISREAD_CONF.powi(misread as i32);
                // The row's reading that holds the block's and more (the
                // province OCR of the block set apart) wins.
                let completes_best = best.as_ref().is_some_and(|b| completes(&value, &b.value));
                if completes_best || best.as_ref().is_none_or(|b| conf > b.conf) {
                    best = Some(Found {
                        value,
                        conf,
                        rect: row,
                    });
                }
            }
        }
        Ok(best)
    }

    /// An office read in segment `i` (`value` at `conf`), or the office the
    /// whole row reads, left to right, when it holds that one and more: OCR
    /// of the block may set the province apart from the office's title
    /// (`광주광역시` beside `북구청장`). The row's office keeps the least
    /// confidence of its segments.
    fn completed_by_row(&self, i: usize, value: String, conf: f32) -> (usize, String, f32) {
        let mut on_row: Vec<&Segment> = self.on_row_of(i).collect();
        on_row.sort_by_key(|s| s.rect.x);
        let text: Vec<String> = on_row.iter().map(|s| s.korean()).collect();
        let Some((whole, misread)) = office_in(&text.join(" ")) else {
            return (i, value, conf);
        };
        if !completes(&whole, &value) {
            return (i, value, conf);
        }
        let least = on_row.iter().map(|s| s.korean_conf()).fold(conf, f32::min);
        (i, whole, least * PROVINCE_MISREAD_CONF.powi(misread as i32))
    }
}

/// A date as the API writes it (`yyyy.mm.dd`) from its three digit words,
/// when they make a date that exists.
fn date_of_words(words: &[String]) -> Option<String> {
    let [year, month, day] = words else {
        return None;
    };
    let (year, month, day) = (
        year.parse::<u32>().ok()?,
        month.parse::<u32>().ok()?,
        day.parse::<u32>().ok()?,
    );
    ((1900..2100).contains(&year) && date_exists(year, month, day))
        .then(|| format!("{year}.{month:02}.{day:02}"))
}

/// One reading of a line as its runs of digits ([`digit_groups`]) and its
/// confidence.
type DigitGroups = (Vec<String>, f32);

/// The runs of digits in `text`, in order (`7014. 9 16.` → 7014, 9, 16).
pub(super) fn digit_groups(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|group| !group.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date put together from readings of one line that each got a part of
/// it wrong (`2014 @ 16.` and `7014. 9 16.` for `2014. 9. 16.`): the year
/// of the surest reading that starts with one, and the month and day of
/// the surest reading of three groups whose first differs from that year
/// in one digit at most and whose month and day make a date with it.
/// Each reading is its digit groups and confidence; the date's confidence
/// is the lesser of the two readings', times [`PIECED_DATE_CONF`].
pub(super) fn date_of_pieces(readings: &[DigitGroups]) -> Option<(String, f32)> {
    let is_year = |group: &String| {
        group.len() == 4
            && group
                .parse::<u32>()
                .is_ok_and(|y| (1900..2100).contains(&y))
    };
    let (year, year_conf) = readings
        .iter()
        .filter_map(|(groups, conf)| groups.first().filter(|g| is_year(g)).map(|g| (g, *conf)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let one_digit_off = |group: &String| {
        group.len() == 4
            && group
                .chars()
                .zip(year.chars())
                .filter(|(a, b)| a != b)
                .count()
                <= 1
    };
    readings
        .iter()
        .filter(|(groups, _)| groups.len() == 3 && one_digit_off(&groups[0]))
        .filter_map(|(groups, conf)| {
            let value = date_of_words(&[year.clone(), groups[1].clone(), groups[2].clone()])?;
            Some((value, year_conf.min(*conf) * PIECED_DATE_CONF))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Whether a card of the holder of `resident_number` could be issued on
/// `date` (`yyyy.mm.dd`): not before the holder is [`YOUNGEST_HOLDER`]
/// years old. True when either gives no date.
pub(super) fn could_be_issued(date: &str, resident_number: &str) -> bool {
    let issued: Vec<u32> = date.split('.').filter_map(|p| p.parse().ok()).collect();
    match (issued.as_slice(), birth_date(resident_number)) {
        ([year, month, day], Some((born, born_month, born_day))) => {
            (*year, *month, *day) >= (born + YOUNGEST_HOLDER, born_month, born_day)
        }
        _ => true,
    }
}

/// The age under which nobody holds a card: a resident card is issued at
/// 17, a moped licence (원동기) at 16 at the earliest.
const YOUNGEST_HOLDER: u32 = 16;

/// The share of its readings' confidence a date put together from pieces
/// keeps.
pub(super) const PIECED_DATE_CONF: f32 = 0.8;

/// The issuing office a line names, cut after its title (a seal may
/// follow), and how many syllables of its province were misread and
/// spelt as the province is ([`nearest_province`]). A resident card's
/// issuer keeps one space after its province (`서울특별시 종로구청장`); a
/// police agency's is one word (`서울특별시경찰청장`).
pub(super) fn office_in(text: &str) -> Option<(String, usize)> {
    const TITLES: [&str; 4] = ["도로교통공단", "청장", "시장", "군수"];
    let compact: String = text.chars().filter(|c| is_hangul(*c)).collect();
    let Some(end) = TITLES
        .iter()
        .filter_map(|t| compact.find(t).map(|at| at + t.len()))
        .min()
    else {
        return office_with_misread_title(&compact);
    };
    let office = &compact[..end];
    if office.chars().count() < 4 {
        return None;
    }
    let Some(found) = nearest_province(office).or_else(|| province_in_jamo(office)) else {
        return Some((office.to_owned(), 0));
    };
    // A police agency's title, with one syllable misread at most
    // (`경창청장`): no other office's title is that near it.
    let rest: Vec<char> = found.rest.chars().collect();
    let title_at = rest.len().saturating_sub(POLICE_AGENCY.chars().count());
    let police_misread = rest[title_at..]
        .iter()
        .zip(POLICE_AGENCY.chars())
        .filter(|(a, b)| **a != *b)
        .count();
    if rest.len() >= POLICE_AGENCY.chars().count() && police_misread <= 1 {
        let unit: String = rest[..title_at].iter().collect();
        return Some((
            format!("{}{unit}{POLICE_AGENCY}", found.province),
            found.misread + police_misread,
        ));
    }
    if found.rest == "장" {
        return Some((format!("{}장", found.province), found.misread));
    }
    let (office, district_misread) = spelt_district(found.province, found.rest);
    Some((
        format!("{} {office}", found.province),
        found.misread + district_misread,
    ))
}

/// The division an office starts with when [`nearest_province`] knows none
/// by its syllables: the one whose name its first syllables are at most
/// [`PROVINCE_MISREAD_JAMO`] jamo from, when every other is at least two
/// jamo further (`겸기도`: 경기도, one jamo off; 강원도 is five).
fn province_in_jamo(compact: &str) -> Option<ProvinceMatch<'_>> {
    let mut nearest: Vec<(usize, ProvinceMatch<'_>)> = PROVINCES
        .iter()
        .filter_map(|province| {
            let len = province.chars().count();
            let end = compact.char_indices().nth(len).map(|(at, _)| at)?;
            let misread = province
                .chars()
                .zip(compact[..end].chars())
                .filter(|(a, b)| a != b)
                .count();
            let distance = jamo_distance(&compact[..end], province);
            Some((
                distance,
                ProvinceMatch {
                    province,
                    rest: &compact[end..],
                    misread,
                },
            ))
        })
        .collect();
    nearest.sort_by_key(|(distance, _)| *distance);
    match nearest.as_slice() {
        [(distance, found), rest @ ..]
            if *distance <= PROVINCE_MISREAD_JAMO
                && rest.first().is_none_or(|(next, _)| *next >= distance + 2) =>
        {
            Some(*found)
        }
        _ => None,
    }
}

/// The most jamo an office's division may be misread by and still be
/// known by them ([`province_in_jamo`]).
const PROVINCE_MISREAD_JAMO: usize = 2;

/// The office a line names when its title was misread (`유성구청상`): a
/// division, a district of it as printed, and a word as long as the
/// district head's title (구청장, 시장, 군수) at most one jamo from it;
/// the title counts as one syllable misread.
fn office_with_misread_title(compact: &str) -> Option<(String, usize)> {
    let found = nearest_province(compact).or_else(|| province_in_jamo(compact))?;
    let district = districts_of(found.province)
        .iter()
        .filter(|d| found.rest.starts_with(*d))
        .max_by_key(|d| d.len())?;
    // The head's titles, the longer first: 시청장 is printed as well as 시장.
    let titles: &[&str] = match district.chars().last()? {
        '구' => &["청장"],
        '시' => &["청장", "장"],
        _ => &["수"],
    };
    let after = &found.rest[district.len()..];
    let title = titles.iter().find(|title| {
        let read: String = after.chars().take(title.chars().count()).collect();
        read.chars().count() == title.chars().count() && jamo_distance(&read, title) <= 1
    })?;
    Some((
        format!("{} {district}{title}", found.province),
        found.misread + 1,
    ))
}

/// The office after its province (`퐁로구청장`) with its district spelt as
/// the province's nearest district in jamo (`종로구청장`, one misread),
/// when that one is at most [`DISTRICT_MISREAD_JAMO`] away and nearer
/// than any other; else as it was read (none misread).
fn spelt_district(province: &str, office: &str) -> (String, usize) {
    // The head's title: 구청장, 시장, 군수.
    let title_len = if office.ends_with("청장") { 2 } else { 1 };
    let chars: Vec<char> = office.chars().collect();
    let as_read = (office.to_owned(), 0);
    if chars.len() <= title_len {
        return as_read;
    }
    let (district, title) = chars.split_at(chars.len() - title_len);
    let district: String = district.iter().collect();
    let districts = districts_of(province);
    if districts.contains(&district.as_str()) {
        return as_read;
    }
    let mut by_distance: Vec<(usize, &str)> = districts
        .iter()
        .map(|known| (jamo_distance(&district, known), *known))
        .collect();
    by_distance.sort();
    match by_distance.as_slice() {
        [(distance, nearest), rest @ ..]
            if *distance <= DISTRICT_MISREAD_JAMO
                && rest.first().is_none_or(|(next, _)| next > distance) =>
        {
            (format!("{nearest}{}", title.iter().collect::<String>()), 1)
        }
        _ => as_read,
    }
}

/// The most jamo a district's reading may differ from the district it is
/// spelt as (`퐁로구` is one from `종로구`).
const DISTRICT_MISREAD_JAMO: usize = 2;

/// Whether the office `whole` holds the office `part` and more before it
/// (`광주광역시 북구청장` and `북구청장`), spaces aside.
pub(super) fn completes(whole: &str, part: &str) -> bool {
    let (whole, part) = (whole.replace(' ', ""), part.replace(' ', ""));
    whole.len() > part.len() && whole.ends_with(&part)
}

/// The title of a province's police agency, which issues licences: one
/// word with the province and the agency's part of it
/// (`서울특별시경찰청장`, `경기도남부경찰청장`).
const POLICE_AGENCY: &str = "경찰청장";

/// The share of its confidence an issuer keeps per syllable of its
/// province that was misread and spelt as the province is.
const PROVINCE_MISREAD_CONF: f32 = 0.8;
