//! What a passport's data page says: the holder, the document's numbers
//! and dates as the visual zone prints them, and the two lines of its
//! machine-readable zone (ICAO 9303 part 4, TD3) built from them.
//!
//! Takes: a random generator. Gives: [`Printed`] (what the page prints,
//! as printed) and, from it, [`Printed::mrz`] (the two 44-character
//! lines, check digits from [`docrec_rules::mrz::check_digit`]) and
//! [`Printed::fields`] (the keys of the API's passport answer, in its
//! order).
//!
//! About half the passports are Korean: document code `PM` (a few `PS`,
//! `PO`, `PD`), number `M12345678` before the 2021 passport and
//! `M123A4567` after it; the older layout also prints the back of the
//! holder's resident number (`주민등록번호/Personal No.`) and carries it in
//! the MRZ's optional data. The rest come from [`FOREIGN`] states, each
//! with its own number form, names and date style.

use rand::Rng;

use docrec_rules::mrz::check_digit;
use docrec_rules::resident_number;

use super::holder::{self, Holder, NamePool};

/// A date a page prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYMMDD`, as the MRZ gives it.
    pub fn yymmdd(self) -> String {
        format!("{:02}{:02}{:02}", self.year % 100, self.month, self.day)
    }

    /// `YYYYMMDD`.
    pub fn ymd(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    fn years_later(self, years: u32) -> Date {
        Date {
            year: self.year + years,
            ..self
        }
    }
}

/// A date in `years` (days 1-28, so every month has it).
fn date_in(rng: &mut impl Rng, years: std::ops::RangeInclusive<u32>) -> Date {
    Date {
        year: rng.gen_range(years),
        month: rng.gen_range(1..=12),
        day: rng.gen_range(1..=28),
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// How a page prints its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `21 MAR 2023`.
    Capitals,
    /// `21 3월/MAR 2023`, as Korean passports print them.
    KoreanMonth,
    /// `21 Mar 2023`.
    Mixed,
    /// `21.03.2023`.
    Dotted,
}

impl DateStyle {
    /// `date` as this style prints it.
    pub fn print(self, date: Date) -> String {
        let Date { year, month, day } = date;
        let abbr = MONTHS[month as usize - 1];
        match self {
            DateStyle::Capitals => format!("{day:02} {abbr} {year}"),
            DateStyle::KoreanMonth => format!("{day:02} {month}월/{abbr} {year}"),
            DateStyle::Mixed => {
                format!("{day:02} {}{} {year}", &abbr[..1], abbr[1..].to_lowercase())
            }
            DateStyle::Dotted => format!("{day:02}.{month:02}.{year}"),
        }
    }
}

/// A foreign issuing state: its codes, what it prints and how.
#[derive(Debug, Clone, Copy)]
pub struct State {
    /// The ICAO code, without fillers (`USA`, `D`).
    pub code: &'static str,
    /// The state's name, the page's heading.
    pub name: &'static str,
    /// The nationality as the visual zone prints it.
    pub nationality: &'static str,
    /// Issuing authorities, one drawn per page.
    pub authorities: &'static [&'static str],
    /// Passport number patterns (see [`number`]), one drawn per page.
    pub numbers: &'static [&'static str],
    pub names: NamePool,
    pub dates: DateStyle,
    /// The share of passports carrying a personal number in the MRZ's
    /// optional data (and printing it).
    pub personal_numbers: f64,
}

const ENGLISH: NamePool = NamePool {
    surnames: &[
        "SMITH",
        "JOHNSON",
        "WILLIAMS",
        "BROWN",
        "JONES",
        "MILLER",
        "DAVIS",
        "WILSON",
        "TAYLOR",
        "ANDERSON",
        "O'BRIEN",
        "MACDONALD",
        "VAN DER BERG",
        "DE LA CRUZ",
        "TREMBLAY",
    ],
    given: &[
        "JOHN",
        "MICHAEL",
        "DAVID",
        "JAMES",
        "ROBERT",
        "EMILY",
        "SARAH",
        "JENNIFER",
        "ELIZABETH",
        "ANNA",
        "MARIA",
        "CHRISTOPHER",
        "ALEXANDER",
        "CHARLOTTE",
        "OLIVIA",
    ],
};
const GERMAN: NamePool = NamePool {
    surnames: &[
        "MUELLER",
        "SCHMIDT",
        "SCHNEIDER",
        "FISCHER",
        "WEBER",
        "MEYER",
        "WAGNER",
        "BECKER",
        "HOFFMANN",
        "VON HOHENSTEIN",
    ],
    given: &[
        "LUKAS",
        "HANS",
        "KLAUS",
        "ANNA",
        "MARIA",
        "SOPHIE",
        "MAXIMILIAN",
        "KATHARINA",
        "FRIEDRICH",
        "JOHANNA",
    ],
};
const FRENCH: NamePool = NamePool {
    surnames: &[
        "MARTIN",
        "BERNARD",
        "DUBOIS",
        "THOMAS",
        "ROBERT",
        "PETIT",
        "DURAND",
        "LEFEVRE",
        "DE LA FONTAINE",
    ],
    given: &[
        "JEAN-PIERRE",
        "MARIE",
        "CLAIRE",
        "LOUIS",
        "CAMILLE",
        "NICOLAS",
        "ISABELLE",
        "FRANCOIS",
        "MARIE-CLAIRE",
    ],
};
const JAPANESE: NamePool = NamePool {
    surnames: &[
        "TANAKA",
        "SATO",
        "SUZUKI",
        "TAKAHASHI",
        "WATANABE",
        "ITO",
        "YAMAMOTO",
        "NAKAMURA",
    ],
    given: &[
        "YUKI", "HIROSHI", "TAKESHI", "AKIKO", "HARUTO", "SAKURA", "KENJI", "YUI",
    ],
};
const CHINESE: NamePool = NamePool {
    surnames: &[
        "WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "ZHAO", "HUANG",
    ],
    given: &[
        "WEI", "FANG", "XIAOMING", "JING", "HAOYU", "LINA", "JUN", "YAN",
    ],
};
const SPECIMEN_NAMES: NamePool = NamePool {
    surnames: &[
        "ERIKSSON",
        "VAN DER BERG",
        "DE LA CRUZ",
        "O'BRIEN",
        "STORGAARD",
    ],
    given: &["ANNA", "MARIA", "ERIK", "LARS", "INGRID", "PIETER", "SOFIA"],
};

/// The foreign states passports are drawn from (`UTO` is ICAO's specimen
/// state, Utopia).
#[rustfmt::skip]
pub const FOREIGN: [State; 8] = [
    State { code: "USA", name: "UNITED STATES OF AMERICA", nationality: "UNITED STATES OF AMERICA",
        authorities: &["United States Department of State"], numbers: &["ddddddddd", "ldddddddd"],
        names: ENGLISH, dates: DateStyle::Mixed, personal_numbers: 0.0 },
    State { code: "GBR", name: "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND",
        nationality: "BRITISH CITIZEN", authorities: &["HMPO"], numbers: &["ddddddddd"],
        names: ENGLISH, dates: DateStyle::Capitals, personal_numbers: 0.0 },
    State { code: "D", name: "FEDERAL REPUBLIC OF GERMANY", nationality: "DEUTSCH",
        authorities: &["STADT BONN", "STADT BERLIN", "LANDKREIS KASSEL"], numbers: &["Cxxxxxxxx"],
        names: GERMAN, dates: DateStyle::Dotted, personal_numbers: 0.0 },
    State { code: "FRA", name: "REPUBLIQUE FRANCAISE", nationality: "FRANCAISE",
        authorities: &["PREFECTURE DE POLICE", "PREFECTURE DU RHONE"], numbers: &["ddllddddd"],
        names: FRENCH, dates: DateStyle::Dotted, personal_numbers: 0.0 },
    State { code: "JPN", name: "JAPAN", nationality: "JAPAN",
        authorities: &["MINISTRY OF FOREIGN AFFAIRS"], numbers: &["llddddddd"],
        names: JAPANESE, dates: DateStyle::Capitals, personal_numbers: 0.0 },
    State { code: "CHN", name: "PEOPLE'S REPUBLIC OF CHINA", nationality: "CHINESE",
        authorities: &["NATIONAL IMMIGRATION ADMINISTRATION"], numbers: &["Edddddddd"],
        names: CHINESE, dates: DateStyle::Capitals, personal_numbers: 0.0 },
    State { code: "CAN", name: "CANADA", nationality: "CANADIAN",
        authorities: &["GATINEAU", "MISSISSAUGA"], numbers: &["lldddddd"],
        names: ENGLISH, dates: DateStyle::Capitals, personal_numbers: 0.0 },
    State { code: "UTO", name: "UTOPIA", nationality: "UTOPIAN",
        authorities: &["PASSPORT OFFICE", "UTOPIA CITY"], numbers: &["lddddddld", "ddddddddd"],
        names: SPECIMEN_NAMES, dates: DateStyle::Capitals, personal_numbers: 0.5 },
];

/// Letters passport numbers are made of (I and O left out, as many
/// states do).
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
/// German passport numbers' characters.
const GERMAN_CHARS: &[u8] = b"CFGHJKLMNPRTVWXYZ0123456789";

/// A number following `pattern`: `d` a digit, `l` a letter, `x` a German
/// number's character, anything else itself.
fn number(rng: &mut impl Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            'd' => char::from(b'0' + rng.gen_range(0..10u8)),
            'l' => char::from(LETTERS[rng.gen_range(0..LETTERS.len())]),
            'x' => char::from(GERMAN_CHARS[rng.gen_range(0..GERMAN_CHARS.len())]),
            other => other,
        })
        .collect()
}

/// What a data page prints, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    /// The document code without fillers (`PM`, `P`).
    pub doc_code: &'static str,
    /// The issuing state's and the holder's nationality's code (`KOR`).
    pub state: &'static str,
    /// The heading's state name.
    pub state_name: &'static str,
    /// The nationality as printed (`REPUBLIC OF KOREA`).
    pub nationality: &'static str,
    pub number: String,
    pub holder: Holder,
    pub birth: Date,
    /// `M`, `F` or `<` (printed `X`).
    pub sex: char,
    pub issue: Date,
    pub expiry: Date,
    pub authority: &'static str,
    /// The personal number the page prints and the MRZ's optional data
    /// carries (the back of a Korean resident number, `1234567`).
    pub personal_no: Option<String>,
    pub dates: DateStyle,
    /// The check digit of empty optional data: `<` or `0` (ICAO allows
    /// both).
    pub empty_optional_check: char,
}

/// An issue date, a birth date before it and the expiry `years` (ten, five
/// for a minor) later.
fn dates(rng: &mut impl Rng, issued: std::ops::RangeInclusive<u32>, years: u32) -> [Date; 3] {
    let issue = date_in(rng, issued);
    let birth = date_in(rng, 1945..=issue.year - 1);
    let minor = issue.year - birth.year < 18;
    let years = if minor { years.min(5) } else { years };
    [birth, issue, issue.years_later(years)]
}

/// A Korean passport: older (before 2021, two in five) ones print the back
/// of the resident number.
fn korean(rng: &mut impl Rng) -> Printed {
    let holder = holder::korean(rng);
    let doc_code = match rng.gen_range(0..100) {
        0..88 => "PM",
        88..94 => "PS",
        94..97 => "PO",
        _ => "PD",
    };
    let older = rng.gen_bool(0.4);
    let issued = if older { 2014..=2020 } else { 2021..=2025 };
    let years = if doc_code == "PM" { 10 } else { 5 };
    let [birth, issue, expiry] = dates(rng, issued, years);
    let sex = if rng.gen_bool(0.5) { 'M' } else { 'F' };
    // The number's letter is the type's: M, S, R (official), D.
    let letter = match doc_code {
        "PM" => "M",
        "PS" => "S",
        "PO" => "R",
        _ => "D",
    };
    let pattern = if older { "dddddddd" } else { "dddldddd" };
    let number = format!("{letter}{}", number(rng, pattern));
    let personal_no = older.then(|| resident_back(rng, birth, sex));
    Printed {
        doc_code,
        state: "KOR",
        state_name: "REPUBLIC OF KOREA",
        nationality: "REPUBLIC OF KOREA",
        number,
        holder,
        birth,
        sex,
        issue,
        expiry,
        authority: "MINISTRY OF FOREIGN AFFAIRS",
        personal_no,
        dates: if rng.gen_bool(0.5) {
            DateStyle::KoreanMonth
        } else {
            DateStyle::Capitals
        },
        empty_optional_check: if rng.gen_bool(0.8) { '<' } else { '0' },
    }
}

/// The back seven digits of a resident number of someone born on `birth`
/// of `sex`, its check digit right.
fn resident_back(rng: &mut impl Rng, birth: Date, sex: char) -> String {
    let g = match (birth.year >= 2000, sex == 'F') {
        (false, false) => 1,
        (false, true) => 2,
        (true, false) => 3,
        (true, true) => 4,
    };
    let front = birth.yymmdd();
    let mut digits: Vec<u32> = front.chars().filter_map(|c| c.to_digit(10)).collect();
    digits.push(g);
    digits.extend((0..5).map(|_| rng.gen_range(0..10u32)));
    digits.push(resident_number::check_digit(&digits).expect("twelve digits"));
    digits[6..]
        .iter()
        .map(|d| char::from(b'0' + *d as u8))
        .collect()
}

/// A foreign passport of one of [`FOREIGN`].
fn foreign(rng: &mut impl Rng) -> Printed {
    let state = FOREIGN[rng.gen_range(0..FOREIGN.len())];
    let holder = holder::foreign(rng, state.names);
    let doc_code = if rng.gen_bool(0.92) { "P" } else { "PD" };
    let [birth, issue, expiry] = dates(rng, 2014..=2025, 10);
    let sex = match rng.gen_range(0..100) {
        0..47 => 'M',
        47..94 => 'F',
        _ => '<',
    };
    let pattern = state.numbers[rng.gen_range(0..state.numbers.len())];
    let number = number(rng, pattern);
    let authority = state.authorities[rng.gen_range(0..state.authorities.len())];
    let personal_no = rng
        .gen_bool(state.personal_numbers)
        .then(|| self::number(rng, "llddddddl"));
    Printed {
        doc_code,
        state: state.code,
        state_name: state.name,
        nationality: state.nationality,
        number,
        holder,
        birth,
        sex,
        issue,
        expiry,
        authority,
        personal_no,
        dates: state.dates,
        empty_optional_check: if rng.gen_bool(0.8) { '<' } else { '0' },
    }
}

/// What one passport says: Korean or foreign, one each in two.
pub fn printed(rng: &mut impl Rng) -> Printed {
    if rng.gen_bool(0.5) {
        korean(rng)
    } else {
        foreign(rng)
    }
}

/// `text` in the MRZ's characters: capitals and digits kept, spaces and
/// hyphens as fillers, anything else (an apostrophe) left out.
pub fn mrz_text(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'A'..='Z' | '0'..='9' => Some(c),
            'a'..='z' => Some(c.to_ascii_uppercase()),
            ' ' | '-' | '<' => Some('<'),
            _ => None,
        })
        .collect()
}

/// `field` padded with fillers to `width`, or cut to it.
fn padded(field: &str, width: usize) -> String {
    let mut out: String = field.chars().take(width).collect();
    while out.len() < width {
        out.push('<');
    }
    out
}

/// The check digit of `field` as a character.
fn check(field: &str) -> char {
    let digit = check_digit(field).expect("MRZ characters only");
    char::from(b'0' + digit)
}

impl Printed {
    /// The holder's name as the MRZ's 39 characters give it: the surname,
    /// `<<`, the given names, cut at 39.
    fn mrz_name(&self) -> String {
        let name = format!(
            "{}<<{}",
            mrz_text(&self.holder.surname),
            mrz_text(&self.holder.given)
        );
        padded(&name, 39)
    }

    /// The two lines of the MRZ, 44 characters each.
    pub fn mrz(&self) -> [String; 2] {
        let first = format!(
            "{}{}{}",
            padded(self.doc_code, 2),
            padded(self.state, 3),
            self.mrz_name()
        );
        let number = padded(&self.number, 9);
        let birth = self.birth.yymmdd();
        let expiry = self.expiry.yymmdd();
        let optional = padded(self.personal_no.as_deref().unwrap_or(""), 14);
        let optional_check = match &self.personal_no {
            Some(_) => check(&optional),
            None => self.empty_optional_check,
        };
        let number = format!("{number}{}", check(&number));
        let birth = format!("{birth}{}", check(&birth));
        let expiry = format!("{expiry}{}", check(&expiry));
        let tail = format!("{expiry}{optional}{optional_check}");
        let composite = check(&format!("{number}{birth}{tail}"));
        let second = format!(
            "{number}{}{birth}{}{tail}{composite}",
            padded(self.state, 3),
            self.sex
        );
        [first, second]
    }

    /// How the page prints `date`.
    pub fn date(&self, date: Date) -> String {
        self.dates.print(date)
    }

    /// The sex as printed: `M`, `F` or `X`.
    pub fn sex_printed(&self) -> char {
        if self.sex == '<' {
            'X'
        } else {
            self.sex
        }
    }

    /// The keys of the API's passport answer in its order, the values as
    /// the MRZ `mrz` gives them (names with fillers as spaces; a name the
    /// MRZ cuts is cut) or, for the issue date, as printed.
    pub fn fields(&self, mrz: &[String; 2]) -> Vec<(&'static str, String)> {
        let trimmed = |s: &str| s.trim_end_matches('<').to_owned();
        let name = &mrz[0][5..];
        let (surname, given) = name.split_once("<<").unwrap_or((name, ""));
        let spaced = |s: &str| s.trim_end_matches('<').replace('<', " ");
        vec![
            ("passportType", trimmed(&mrz[0][..2])),
            ("countryCode", trimmed(&mrz[0][2..5])),
            ("passportNo", trimmed(&mrz[1][..9])),
            ("surName", spaced(surname)),
            ("givenName", spaced(given)),
            ("nationality", trimmed(&mrz[1][10..13])),
            ("dateOfBirth", mrz[1][13..19].to_owned()),
            ("dateOfBirthYMD", self.birth.ymd()),
            ("sex", mrz[1][20..21].to_owned()),
            ("dateOfIssue", self.date(self.issue)),
            ("dateOfIssueYMD", self.issue.ymd()),
            ("dateOfExpiry", mrz[1][21..27].to_owned()),
            ("dateOfExpiryYMD", self.expiry.ymd()),
            ("koreanName", self.holder.korean.clone().unwrap_or_default()),
            ("personalNo", trimmed(&mrz[1][28..42])),
            ("MRZ1", mrz[0].clone()),
            ("MRZ2", mrz[1].clone()),
        ]
    }
}
