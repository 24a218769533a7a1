//! Machine-readable zones (ICAO Doc 9303 Parts 3-6): the two or three lines
//! of `0-9A-Z<` at the foot of passports (TD3, two lines of 44), ID cards
//! (TD1, three of 30) and TD2 documents (two of 36).
//!
//! Takes the lines as read; gives their fields and which check digits pass
//! ([`parse`]), a field's check digit ([`check_digit`]), whether a code names
//! a state or organisation ([`is_icao_code`]), the century of a two-digit-year
//! date ([`full_date`]) and, for OCR, the reading among per-position
//! alternatives that passes the most check digits ([`choose`]).
//!
//! Lines and positions are counted from 0 throughout.

use std::fmt;

/// The layout of an MRZ, told by its lines' count and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrzFormat {
    /// Three lines of 30 (ID cards, Part 5).
    Td1,
    /// Two lines of 36 (Part 6).
    Td2,
    /// Two lines of 44 (passports, Part 4).
    Td3,
}

impl MrzFormat {
    /// Every format.
    pub const ALL: [MrzFormat; 3] = [MrzFormat::Td1, MrzFormat::Td2, MrzFormat::Td3];

    /// How many lines the format has.
    pub fn line_count(self) -> usize {
        match self {
            MrzFormat::Td1 => 3,
            MrzFormat::Td2 | MrzFormat::Td3 => 2,
        }
    }

    /// How many characters each of its lines has.
    pub fn line_length(self) -> usize {
        match self {
            MrzFormat::Td1 => 30,
            MrzFormat::Td2 => 36,
            MrzFormat::Td3 => 44,
        }
    }

    /// The format whose lines have exactly these lengths.
    pub fn of_lengths(lengths: &[usize]) -> Option<MrzFormat> {
        MrzFormat::ALL.into_iter().find(|format| {
            lengths.len() == format.line_count()
                && lengths.iter().all(|&length| length == format.line_length())
        })
    }

    /// The letters a document code of the format may begin with: `P` for
    /// a passport and `V` for a visa in TD3 (Parts 4 and 7); `A`, `C` or
    /// `I` for an official travel document in TD1 and TD2 (Parts 5 and 6),
    /// and `V` for a TD2 visa.
    pub fn document_kinds(self) -> &'static [char] {
        match self {
            MrzFormat::Td1 => &['A', 'C', 'I'],
            MrzFormat::Td2 => &['A', 'C', 'I', 'V'],
            MrzFormat::Td3 => &['P', 'V'],
        }
    }

    /// Where the format puts each field.
    fn layout(self) -> &'static Layout {
        match self {
            MrzFormat::Td1 => &TD1,
            MrzFormat::Td2 => &TD2,
            MrzFormat::Td3 => &TD3,
        }
    }
}

/// The value of an MRZ character in check digits: `<` 0, digits their
/// value, `A`-`Z` 10-35; None outside `[0-9A-Z<]`.
fn char_value(c: char) -> Option<u32> {
    match c {
        '<' => Some(0),
        '0'..='9' => c.to_digit(10),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

/// The weights of check digits, repeated along the field.
const WEIGHTS: [u32; 3] = [7, 3, 1];

/// The ICAO 7-3-1 check digit of a field: `<` is 0, `0`-`9` their value,
/// `A`-`Z` 10-35, weighted 7, 3, 1, 7, ... and summed mod 10. None when a
/// character is outside `[0-9A-Z<]`.
pub fn check_digit(field: &str) -> Option<u8> {
    let mut sum = 0;
    for (index, c) in field.chars().enumerate() {
        sum += char_value(c)? * WEIGHTS[index % 3];
    }
    Some((sum % 10) as u8)
}

/// Whether `check` is the check digit of `field`.
fn check_passes(field: &str, check: char) -> bool {
    check.to_digit(10).map(|digit| digit as u8) == check_digit(field)
}

/// Characters `start..end` of line `line`.
#[derive(Debug, Clone, Copy)]
struct Span {
    line: usize,
    start: usize,
    end: usize,
}

/// The span of characters `start..end` of line `line`.
const fn span(line: usize, start: usize, end: usize) -> Span {
    Span { line, start, end }
}

impl Span {
    /// The span's text in `lines`, which hold only ASCII and are long
    /// enough.
    fn text<'a>(self, lines: &[&'a str]) -> &'a str {
        &lines[self.line][self.start..self.end]
    }

    /// The span's first character in `lines` (a check digit, the sex).
    fn first_char(self, lines: &[&str]) -> char {
        char::from(lines[self.line].as_bytes()[self.start])
    }

    /// The `(line, position)` pairs the span covers.
    fn positions(self) -> impl Iterator<Item = (usize, usize)> {
        (self.start..self.end).map(move |position| (self.line, position))
    }
}

/// A field of an MRZ, for [`field_positions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrzField {
    DocumentCode,
    IssuingState,
    /// Surname and given names together.
    Name,
    /// The printed nine characters (a long TD1 number's continuation is in
    /// the optional data).
    DocumentNumber,
    Nationality,
    BirthDate,
    Sex,
    ExpiryDate,
    OptionalData,
}

/// Where `format` prints `field`: `(line, start..end)` spans, counted
/// from 0 (two spans for a TD1's optional data, one otherwise); what a
/// recognizer boxes a field by.
pub fn field_positions(format: MrzFormat, field: MrzField) -> Vec<(usize, std::ops::Range<usize>)> {
    let layout = format.layout();
    let spans: &[Span] = match field {
        MrzField::DocumentCode => std::slice::from_ref(&layout.document_code),
        MrzField::IssuingState => std::slice::from_ref(&layout.issuing_state),
        MrzField::Name => std::slice::from_ref(&layout.name),
        MrzField::DocumentNumber => std::slice::from_ref(&layout.document_number),
        MrzField::Nationality => std::slice::from_ref(&layout.nationality),
        MrzField::BirthDate => std::slice::from_ref(&layout.birth_date),
        MrzField::Sex => std::slice::from_ref(&layout.sex),
        MrzField::ExpiryDate => std::slice::from_ref(&layout.expiry_date),
        MrzField::OptionalData => layout.optional_data,
    };
    spans
        .iter()
        .map(|span| (span.line, span.start..span.end))
        .collect()
}

/// Where a format puts each field (Doc 9303 Part 4 §4.2.2, Part 5 §4.2.2,
/// Part 6 §4.2.2).
struct Layout {
    document_code: Span,
    issuing_state: Span,
    name: Span,
    document_number: Span,
    document_number_check: Span,
    nationality: Span,
    birth_date: Span,
    birth_date_check: Span,
    sex: Span,
    expiry_date: Span,
    expiry_date_check: Span,
    /// One span (TD2, TD3) or two, line 1's then line 2's (TD1).
    optional_data: &'static [Span],
    /// TD3's; TD1 and TD2 have none.
    optional_data_check: Option<Span>,
    /// Whether a document number longer than nine characters continues in
    /// the first optional data span (TD1, Part 5 §4.2.4).
    long_numbers: bool,
    /// The spans the composite check digit covers, in order.
    composite: &'static [Span],
    composite_check: Span,
}

/// TD1: line 0 code, state, number, check, optional data; line 1 birth,
/// check, sex, expiry, check, nationality, optional data, composite; line 2
/// the name.
const TD1: Layout = Layout {
    document_code: span(0, 0, 2),
    issuing_state: span(0, 2, 5),
    name: span(2, 0, 30),
    document_number: span(0, 5, 14),
    document_number_check: span(0, 14, 15),
    nationality: span(1, 15, 18),
    birth_date: span(1, 0, 6),
    birth_date_check: span(1, 6, 7),
    sex: span(1, 7, 8),
    expiry_date: span(1, 8, 14),
    expiry_date_check: span(1, 14, 15),
    optional_data: &[span(0, 15, 30), span(1, 18, 29)],
    optional_data_check: None,
    long_numbers: true,
    composite: &[
        span(0, 5, 30),
        span(1, 0, 7),
        span(1, 8, 15),
        span(1, 18, 29),
    ],
    composite_check: span(1, 29, 30),
};

/// TD2: line 0 code, state, name; line 1 number, check, nationality, birth,
/// check, sex, expiry, check, optional data, composite.
const TD2: Layout = Layout {
    document_code: span(0, 0, 2),
    issuing_state: span(0, 2, 5),
    name: span(0, 5, 36),
    document_number: span(1, 0, 9),
    document_number_check: span(1, 9, 10),
    nationality: span(1, 10, 13),
    birth_date: span(1, 13, 19),
    birth_date_check: span(1, 19, 20),
    sex: span(1, 20, 21),
    expiry_date: span(1, 21, 27),
    expiry_date_check: span(1, 27, 28),
    optional_data: &[span(1, 28, 35)],
    optional_data_check: None,
    long_numbers: false,
    composite: &[span(1, 0, 10), span(1, 13, 20), span(1, 21, 35)],
    composite_check: span(1, 35, 36),
};

/// TD3: as TD2 with longer lines, and the optional data (the personal
/// number) has its own check digit.
const TD3: Layout = Layout {
    document_code: span(0, 0, 2),
    issuing_state: span(0, 2, 5),
    name: span(0, 5, 44),
    document_number: span(1, 0, 9),
    document_number_check: span(1, 9, 10),
    nationality: span(1, 10, 13),
    birth_date: span(1, 13, 19),
    birth_date_check: span(1, 19, 20),
    sex: span(1, 20, 21),
    expiry_date: span(1, 21, 27),
    expiry_date_check: span(1, 27, 28),
    optional_data: &[span(1, 28, 42)],
    optional_data_check: Some(span(1, 42, 43)),
    long_numbers: false,
    composite: &[span(1, 0, 10), span(1, 13, 20), span(1, 21, 43)],
    composite_check: span(1, 43, 44),
};

/// The fields of a parsed MRZ, as printed: `<` fillers trimmed from the
/// ends of codes, numbers and optional data; dates and sex untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mrz {
    /// The layout the lines have.
    pub format: MrzFormat,
    /// The lines exactly as given.
    pub lines: Vec<String>,
    /// `P`, `PM`, `PO`, `I`, `ID`, `AC`, ...
    pub document_code: String,
    /// `KOR`, `D`, `GBR`, `UNO`, ...
    pub issuing_state: String,
    /// The primary identifier, words joined by spaces: `HONG`,
    /// `VAN DER BERG`.
    pub surname: String,
    /// The secondary identifier (after the first `<<`), words joined by
    /// spaces: `GIL DONG`.
    pub given_names: String,
    /// The whole number, also when a TD1 number longer than nine characters
    /// continues in the optional data.
    pub document_number: String,
    /// The holder's nationality: `KOR`, `D`, `XXA`, ...
    pub nationality: String,
    /// `YYMMDD` as printed (may hold `<` for unknown parts).
    pub birth_date: String,
    /// `M`, `F`, `X` or `<`, as printed.
    pub sex: char,
    /// `YYMMDD` as printed.
    pub expiry_date: String,
    /// TD3 the personal number (line 1, 28-41); TD2 line 1, 28-34; TD1 line
    /// 0, 15-29 (less any continued document number) and line 1, 18-28,
    /// each trimmed and joined by one `<` when both hold data.
    pub optional_data: String,
    /// Which check digits pass.
    pub checks: MrzChecks,
}

impl Mrz {
    /// Whether every field holds what its place may: state and nationality
    /// ICAO codes ([`is_icao_code`]), sex `M`, `F`, `X` or `<`, dates that
    /// exist (a birth date's month and day may be `<<`, unknown), a
    /// document number whose fillers only pad its end. A misread zone whose
    /// check digits were made to pass by reading some characters as others
    /// (the chooser may) is seldom well formed too.
    pub fn is_well_formed(&self) -> bool {
        let number = trim_fillers(&self.document_number);
        !number.is_empty()
            && !number.contains('<')
            && is_icao_code(&self.issuing_state)
            && is_icao_code(&self.nationality)
            && matches!(self.sex, 'M' | 'F' | 'X' | '<')
            && is_mrz_date(&self.birth_date, true)
            && is_mrz_date(&self.expiry_date, false)
    }
}

/// Whether `yymmdd` is a date that exists (in a leap year: the century is
/// not known here); with `unknown_parts`, its month and day may be `<<`.
fn is_mrz_date(yymmdd: &str, unknown_parts: bool) -> bool {
    let part = |range: std::ops::Range<usize>| -> Option<Option<u32>> {
        let text = yymmdd.get(range)?;
        if unknown_parts && text == "<<" {
            return Some(None);
        }
        text.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| text.parse().ok())
    };
    if yymmdd.len() != 6 {
        return false;
    }
    let (Some(Some(_year)), Some(month), Some(day)) = (part(0..2), part(2..4), part(4..6)) else {
        return false;
    };
    match (month, day) {
        (Some(month), Some(day)) => crate::date_exists(2000, month, day),
        (Some(month), None) => (1..=12).contains(&month),
        (None, Some(day)) => (1..=31).contains(&day),
        (None, None) => true,
    }
}

/// Which check digits pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MrzChecks {
    /// The document number's (a long TD1 number's whole).
    pub document_number: bool,
    /// The birth date's.
    pub birth_date: bool,
    /// The expiry date's.
    pub expiry_date: bool,
    /// None where the format has no check digit for optional data (TD1,
    /// TD2), or where TD3's optional data is all fillers and its check digit
    /// is `<` or `0` (both allowed).
    pub optional_data: Option<bool>,
    /// The composite check digit's, over the number, dates and optional
    /// data with their check digits.
    pub composite: bool,
}

impl MrzChecks {
    /// The results of the checks the MRZ has.
    fn results(&self) -> impl Iterator<Item = bool> {
        [
            Some(self.document_number),
            Some(self.birth_date),
            Some(self.expiry_date),
            self.optional_data,
            Some(self.composite),
        ]
        .into_iter()
        .flatten()
    }

    /// Whether every check the MRZ has passes.
    pub fn all_pass(&self) -> bool {
        self.results().all(|passes| passes)
    }

    /// How many checks pass.
    pub fn passed(&self) -> usize {
        self.results().filter(|&passes| passes).count()
    }

    /// How many checks the MRZ has (4 or 5).
    pub fn total(&self) -> usize {
        self.results().count()
    }
}

/// Why lines are not an MRZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrzError {
    /// Neither two lines nor three.
    LineCount,
    /// A line whose length no format with this many lines has, or that
    /// differs from the first line's.
    LineLength {
        /// The line, from 0.
        line: usize,
        /// Its length in characters.
        length: usize,
    },
    /// A character outside `[0-9A-Z<]`.
    Character {
        /// The line, from 0.
        line: usize,
        /// The position on the line, from 0.
        position: usize,
    },
}

impl fmt::Display for MrzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MrzError::LineCount => write!(f, "an MRZ has two lines (TD2, TD3) or three (TD1)"),
            MrzError::LineLength { line, length } => write!(
                f,
                "MRZ line {line} has {length} characters (TD1 lines have 30, TD2 36, TD3 44)"
            ),
            MrzError::Character { line, position } => write!(
                f,
                "MRZ line {line} has a character outside [0-9A-Z<] at position {position}"
            ),
        }
    }
}

impl std::error::Error for MrzError {}

/// The format of `lines`, or why they have none.
fn format_of(lines: &[&str]) -> Result<MrzFormat, MrzError> {
    let lengths: Vec<usize> = lines.iter().map(|line| line.chars().count()).collect();
    if let Some(format) = MrzFormat::of_lengths(&lengths) {
        return Ok(format);
    }
    let expected = match lengths.as_slice() {
        [_, _, _] => 30,
        [first @ (36 | 44), _] => *first,
        [first, _] => {
            return Err(MrzError::LineLength {
                line: 0,
                length: *first,
            })
        }
        _ => return Err(MrzError::LineCount),
    };
    let line = lengths
        .iter()
        .position(|&length| length != expected)
        .unwrap_or(0);
    Err(MrzError::LineLength {
        line,
        length: lengths[line],
    })
}

/// The first character of `lines` outside `[0-9A-Z<]`.
fn first_bad_character(lines: &[&str]) -> Option<MrzError> {
    lines.iter().enumerate().find_map(|(line, text)| {
        text.chars()
            .position(|c| char_value(c).is_none())
            .map(|position| MrzError::Character { line, position })
    })
}

/// `text` without `<` fillers at its ends.
fn trim_fillers(text: &str) -> &str {
    text.trim_matches('<')
}

/// The words of a name part, `<`-separated in the MRZ, joined by spaces.
fn name_words(part: &str) -> String {
    part.split('<')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The surname and given names of a name field, split at its first `<<`.
fn split_name(field: &str) -> (String, String) {
    let (surname, given_names) = field.split_once("<<").unwrap_or((field, ""));
    (name_words(surname), name_words(given_names))
}

/// How many characters of the first optional data span a TD1 document
/// number longer than nine continues into, its check digit included: the
/// number's check position holds `<` and the optional data starts with the
/// rest of the number and its check digit, up to the first `<` (Part 5
/// §4.2.4). None when the number is not long, or the layout has no long
/// numbers.
fn long_number_extension(layout: &Layout, lines: &[&str]) -> Option<usize> {
    if !layout.long_numbers || layout.document_number_check.first_char(lines) != '<' {
        return None;
    }
    let optional = layout.optional_data[0].text(lines);
    let extension = optional.find('<').unwrap_or(optional.len());
    (extension >= 2).then_some(extension)
}

/// The document number, its check character and the optional data spans'
/// texts, a long TD1 number's continuation taken out of the first.
fn number_and_optional_data<'a>(
    layout: &Layout,
    lines: &[&'a str],
) -> (String, char, Vec<&'a str>) {
    let number = layout.document_number.text(lines);
    let mut optional: Vec<&str> = layout.optional_data.iter().map(|s| s.text(lines)).collect();
    match long_number_extension(layout, lines) {
        Some(extension) => {
            let continued = &optional[0][..extension - 1];
            let check = char::from(optional[0].as_bytes()[extension - 1]);
            optional[0] = &optional[0][extension..];
            (format!("{number}{continued}"), check, optional)
        }
        None => (
            number.to_string(),
            layout.document_number_check.first_char(lines),
            optional,
        ),
    }
}

/// TD3's optional data check: None when the data is all fillers and its
/// check digit `<` or `0`.
fn optional_data_check(layout: &Layout, lines: &[&str]) -> Option<bool> {
    let check = layout.optional_data_check?.first_char(lines);
    let field = layout.optional_data[0].text(lines);
    if field.chars().all(|c| c == '<') && matches!(check, '<' | '0') {
        return None;
    }
    Some(check_passes(field, check))
}

/// Which of the check digits of `lines`, laid out as `layout`, pass.
fn checks_of(layout: &Layout, lines: &[&str], number: &str, number_check: char) -> MrzChecks {
    let passes =
        |field: Span, check: Span| check_passes(field.text(lines), check.first_char(lines));
    let composite: String = layout.composite.iter().map(|s| s.text(lines)).collect();
    MrzChecks {
        document_number: check_passes(number, number_check),
        birth_date: passes(layout.birth_date, layout.birth_date_check),
        expiry_date: passes(layout.expiry_date, layout.expiry_date_check),
        optional_data: optional_data_check(layout, lines),
        composite: check_passes(&composite, layout.composite_check.first_char(lines)),
    }
}

/// Parses an MRZ: lines of exactly one format's count and length, of
/// characters `[0-9A-Z<]`. Check digits are evaluated, not required to pass.
pub fn parse(lines: &[&str]) -> Result<Mrz, MrzError> {
    let format = format_of(lines)?;
    if let Some(error) = first_bad_character(lines) {
        return Err(error);
    }
    let layout = format.layout();
    let field = |span: Span| trim_fillers(span.text(lines)).to_string();
    let (number, number_check, optional) = number_and_optional_data(layout, lines);
    let optional_parts: Vec<&str> = optional
        .iter()
        .map(|part| trim_fillers(part))
        .filter(|part| !part.is_empty())
        .collect();
    let (surname, given_names) = split_name(layout.name.text(lines));
    Ok(Mrz {
        format,
        lines: lines.iter().map(|line| line.to_string()).collect(),
        document_code: field(layout.document_code),
        issuing_state: field(layout.issuing_state),
        surname,
        given_names,
        document_number: trim_fillers(&number).to_string(),
        nationality: field(layout.nationality),
        birth_date: layout.birth_date.text(lines).to_string(),
        sex: layout.sex.first_char(lines),
        expiry_date: layout.expiry_date.text(lines).to_string(),
        optional_data: optional_parts.join("<"),
        checks: checks_of(layout, lines, &number, number_check),
    })
}

/// ISO 3166-1 alpha-3, every officially assigned code, sorted.
const ISO_3166_ALPHA_3: [&str; 249] = [
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
];

/// The codes Doc 9303 Part 3 §5 adds to ISO 3166-1, sorted: `D` for
/// Germany; British nationals other than citizens (`GBD` `GBN` `GBO` `GBP`
/// `GBS`); `RKS` Kosovo; `EUE` the European Union; the United Nations
/// (`UNO` `UNA`, `UNK` UNMIK Kosovo); other organisations (`XBA` `XCC` `XCE`
/// `XCO` `XDC` `XEC` `XES` `XIM` `XMP` `XOM` `XPO`); stateless persons and
/// refugees (`XXA` `XXB` `XXC`), unspecified (`XXX`). `UTO` is "Utopia", the
/// state of ICAO's specimens, accepted so the specimens read as valid.
const ICAO_ONLY: [&str; 27] = [
    "D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UNA", "UNK", "UNO", "UTO", "XBA", "XCC",
    "XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX",
];

/// Whether `code` (trailing `<` fillers ignored) is an ICAO state or
/// organisation code: an ISO 3166-1 alpha-3 code, or one Doc 9303 adds
/// (`D`, `GBD`, `RKS`, `EUE`, `UNO`, `XXA`, ...; and `UTO`, the specimens'
/// Utopia). `ZIM` is not one
/// (Zimbabwe is `ZWE`).
pub fn is_icao_code(code: &str) -> bool {
    let code = code.trim_end_matches('<');
    ISO_3166_ALPHA_3.binary_search(&code).is_ok() || ICAO_ONLY.binary_search(&code).is_ok()
}

/// What an MRZ date is, which tells its century.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRole {
    /// Not after today: the latest such date.
    Birth,
    /// From 50 years before today's year to 49 after (20YY for present-day
    /// documents).
    Expiry,
    /// Not after today: the latest such date.
    Issue,
}

/// The full date `YYYYMMDD` of an MRZ date `YYMMDD`, its century told by its
/// role (see [`DateRole`]) and `today` as `(year, month, day)`. None when
/// the date holds anything but digits (`<` for unknown parts) or does not
/// exist (February 30).
pub fn full_date(yymmdd: &str, role: DateRole, today: (i32, u32, u32)) -> Option<String> {
    let digits: Vec<u32> = yymmdd
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    let [y1, y2, m1, m2, d1, d2] = digits[..] else {
        return None;
    };
    let (two_digit_year, month, day) = ((y1 * 10 + y2) as i32, m1 * 10 + m2, d1 * 10 + d2);
    let (this_year, this_month, this_day) = today;
    let year = match role {
        DateRole::Birth | DateRole::Issue => {
            let year = this_year - (this_year - two_digit_year).rem_euclid(100);
            let later_this_year = (month, day) > (this_month, this_day);
            if year == this_year && later_this_year {
                year - 100
            } else {
                year
            }
        }
        DateRole::Expiry => {
            let earliest = this_year - 50;
            earliest + (two_digit_year - earliest).rem_euclid(100)
        }
    };
    let exists = u32::try_from(year).is_ok_and(|year| crate::date_exists(year, month, day));
    exists.then(|| format!("{year:04}{month:02}{day:02}"))
}

/// One character position of a read line: the alternatives the OCR weighed
/// there, most likely first, each with a confidence 0-1.
pub type CharAlternatives = Vec<(char, f32)>;

/// How many alternatives [`choose`] considers at a position.
const MAX_ALTERNATIVES: usize = 3;

/// How many positions of a field [`choose`] may read as other than their
/// most likely alternative.
const MAX_CHANGES_PER_FIELD: usize = 3;

/// How much a letter read between two digits of a number keeps of its
/// confidence when the model also weighed a digit there.
const LETTER_AMONG_DIGITS: f32 = 0.5;

/// How much of an `O`'s confidence the `0` weighed in its place, in a
/// number, is given at least (more than the `O` keeps).
const ZERO_FOR_O: f32 = 0.6;

/// The least confidence an alternative needs to be chosen in place of the
/// character read. The model lists alternatives it weighs at nothing, and
/// among three per position some combination often passes a check by
/// chance (a specimen's number that fails its check read `H` for `M` to
/// pass): a check may choose only among readings the model found likely.
pub const LEAST_ALTERNATIVE_CONF: f32 = 0.01;

/// How much [`choose`]'s confidence is multiplied by for each failed check.
const FAILED_CHECK_FACTOR: f32 = 0.5;

/// What a position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    /// `A`-`Z` or `<`: codes, names, state and nationality.
    Letter,
    /// `0`-`9` or `<`: dates and check digits.
    Digit,
    /// `M`, `F`, `X` or `<`.
    Sex,
    /// The kind of document, a document code's first letter: those
    /// [`MrzFormat::document_kinds`] lists.
    DocumentKind(&'static [char]),
    /// Any: document numbers and optional data.
    Alphanumeric,
}

impl CharClass {
    /// Whether the class allows `c`.
    fn allows(self, c: char) -> bool {
        match self {
            CharClass::Letter => c == '<' || c.is_ascii_uppercase(),
            CharClass::Digit => c == '<' || c.is_ascii_digit(),
            CharClass::Sex => matches!(c, 'M' | 'F' | 'X' | '<'),
            CharClass::DocumentKind(kinds) => kinds.contains(&c),
            CharClass::Alphanumeric => char_value(c).is_some(),
        }
    }

    /// `c` as the class reads it: a digit in a letter position as the
    /// letter it looks like, a letter in a digit position as the digit.
    fn read(self, c: char) -> char {
        let c = c.to_ascii_uppercase();
        let look_alike = match self {
            CharClass::Letter | CharClass::Sex | CharClass::DocumentKind(_) => letter_like(c),
            CharClass::Digit => digit_like(c),
            CharClass::Alphanumeric => None,
        };
        look_alike.unwrap_or(c)
    }
}

/// The letter a digit looks like.
fn letter_like(digit: char) -> Option<char> {
    Some(match digit {
        '0' => 'O',
        '1' => 'I',
        '2' => 'Z',
        '5' => 'S',
        '6' => 'G',
        '8' => 'B',
        _ => return None,
    })
}

/// The digit a letter looks like.
fn digit_like(letter: char) -> Option<char> {
    Some(match letter {
        'O' | 'Q' | 'D' => '0',
        'I' | 'L' => '1',
        'Z' => '2',
        'S' => '5',
        'G' => '6',
        'B' => '8',
        _ => return None,
    })
}

/// The classes of each line's positions in `format`.
fn position_classes(format: MrzFormat) -> Vec<Vec<CharClass>> {
    let layout = format.layout();
    let mut classes =
        vec![vec![CharClass::Alphanumeric; format.line_length()]; format.line_count()];
    let letters = [
        layout.document_code,
        layout.issuing_state,
        layout.name,
        layout.nationality,
    ];
    let digits = [
        layout.document_number_check,
        layout.birth_date,
        layout.birth_date_check,
        layout.expiry_date,
        layout.expiry_date_check,
        layout.composite_check,
    ];
    let spans = (letters.iter().map(|s| (*s, CharClass::Letter)))
        .chain(digits.iter().map(|s| (*s, CharClass::Digit)))
        .chain(layout.optional_data_check.map(|s| (s, CharClass::Digit)))
        .chain([(layout.sex, CharClass::Sex)]);
    for (span, class) in spans {
        for (line, position) in span.positions() {
            classes[line][position] = class;
        }
    }
    let (line, position) = layout.document_code.positions().next().expect("a code");
    classes[line][position] = CharClass::DocumentKind(format.document_kinds());
    classes
}

/// A position's alternatives as its class reads them: look-alikes mapped,
/// characters outside `[0-9A-Z<]` dropped, duplicates merged (the highest
/// confidence kept), those the class does not allow dropped unless nothing
/// else is left, most likely first, at most [`MAX_ALTERNATIVES`].
fn normalise(alternatives: &[(char, f32)], class: CharClass) -> Vec<(char, f32)> {
    let mut merged: Vec<(char, f32)> = Vec::new();
    for &(c, confidence) in alternatives {
        let c = class.read(c);
        if char_value(c).is_none() {
            continue;
        }
        match merged.iter_mut().find(|(seen, _)| *seen == c) {
            Some(seen) => seen.1 = seen.1.max(confidence),
            None => merged.push((c, confidence)),
        }
    }
    merged.sort_by(|a, b| b.1.total_cmp(&a.1));
    if merged.iter().any(|&(c, _)| class.allows(c)) {
        merged.retain(|&(c, _)| class.allows(c));
    }
    merged.truncate(MAX_ALTERNATIVES);
    merged
}

/// Positions read together: a field and its check digit, or optional data
/// only the composite check digit covers.
struct Group {
    /// The field's positions, then its check digit's if it has one.
    positions: Vec<(usize, usize)>,
    has_check: bool,
    /// Whether an all-filler field may have `<` as its check digit (TD3's
    /// optional data).
    filler_check_allowed: bool,
}

/// The groups of `format`, a long TD1 document number's extent taken from
/// `top_lines` (each position's most likely character).
fn groups_of(format: MrzFormat, top_lines: &[&str]) -> Vec<Group> {
    let layout = format.layout();
    let checked = |field: Span, check: Span| Group {
        positions: field.positions().chain(check.positions()).collect(),
        has_check: true,
        filler_check_allowed: false,
    };
    let mut groups = vec![
        number_group(layout, top_lines),
        checked(layout.birth_date, layout.birth_date_check),
        checked(layout.expiry_date, layout.expiry_date_check),
    ];
    if let Some(check) = layout.optional_data_check {
        let mut optional = checked(layout.optional_data[0], check);
        optional.filler_check_allowed = true;
        groups.push(optional);
    }
    for span in layout.composite {
        let in_checked_group = |at: &(usize, usize)| {
            groups
                .iter()
                .any(|group| group.has_check && group.positions.contains(at))
        };
        let rest: Vec<(usize, usize)> = span
            .positions()
            .filter(|at| !in_checked_group(at))
            .collect();
        if !rest.is_empty() {
            groups.push(Group {
                positions: rest,
                has_check: false,
                filler_check_allowed: false,
            });
        }
    }
    groups
}

/// The document number's group: its nine positions and check digit, or a
/// long TD1 number's nine, continuation and check digit.
fn number_group(layout: &Layout, top_lines: &[&str]) -> Group {
    let number = layout.document_number.positions();
    let positions = match long_number_extension(layout, top_lines) {
        Some(extension) => {
            let optional = layout.optional_data[0];
            let continued = span(optional.line, optional.start, optional.start + extension);
            number.chain(continued.positions()).collect()
        }
        None => number
            .chain(layout.document_number_check.positions())
            .collect(),
    };
    Group {
        positions,
        has_check: true,
        filler_check_allowed: false,
    }
}

/// The weight each position has in the composite check digit, 0 for those
/// it does not cover.
fn composite_weights(format: MrzFormat) -> Vec<Vec<u32>> {
    let mut weights = vec![vec![0; format.line_length()]; format.line_count()];
    let covered = format
        .layout()
        .composite
        .iter()
        .flat_map(|span| span.positions());
    for (index, (line, position)) in covered.enumerate() {
        weights[line][position] = WEIGHTS[index % 3];
    }
    weights
}

/// A group's reading: which alternative each of its positions takes, and
/// their summed confidence.
#[derive(Debug, Clone)]
struct Reading {
    choice: Vec<u8>,
    confidence: f32,
}

/// The running sums of a partial reading of a group.
#[derive(Debug, Clone, Copy)]
struct Sums {
    /// The field's check sum mod 10.
    field: u32,
    /// The group's part of the composite check sum mod 10.
    composite: u32,
    all_fillers: bool,
    confidence: f32,
}

/// The readings of a group within [`MAX_CHANGES_PER_FIELD`] changes, the
/// most confident kept for each outcome: whether the group's check passes
/// (always, without one) and its part of the composite sum.
struct GroupSearch<'a> {
    alternatives: Vec<&'a [(char, f32)]>,
    composite_weights: Vec<u32>,
    field_length: usize,
    group: &'a Group,
    choice: Vec<u8>,
    /// Indexed by `[passes as usize][composite part]`.
    best: [[Option<Reading>; 10]; 2],
}

impl<'a> GroupSearch<'a> {
    /// The search of `group` among `alternatives` (normalised, by line and
    /// position).
    fn new(
        group: &'a Group,
        alternatives: &'a [Vec<CharAlternatives>],
        weights: &[Vec<u32>],
    ) -> Self {
        GroupSearch {
            alternatives: group
                .positions
                .iter()
                .map(|&(l, p)| &alternatives[l][p][..])
                .collect(),
            composite_weights: group
                .positions
                .iter()
                .map(|&(l, p)| weights[l][p])
                .collect(),
            field_length: group.positions.len() - usize::from(group.has_check),
            group,
            choice: vec![0; group.positions.len()],
            best: Default::default(),
        }
    }

    /// Reads positions `index..` with at most `changes_left` changes.
    fn visit(&mut self, index: usize, changes_left: usize, sums: Sums) {
        if index == self.alternatives.len() {
            return self.keep(sums);
        }
        for (rank, &(c, confidence)) in self.alternatives[index].iter().enumerate() {
            if rank > 0 && changes_left == 0 {
                break;
            }
            let value = char_value(c).unwrap_or(0);
            let in_field = index < self.field_length;
            let field_weight = if in_field { WEIGHTS[index % 3] } else { 0 };
            let next = Sums {
                field: (sums.field + value * field_weight) % 10,
                composite: (sums.composite + value * self.composite_weights[index]) % 10,
                all_fillers: sums.all_fillers && (!in_field || c == '<'),
                confidence: sums.confidence + confidence,
            };
            self.choice[index] = rank as u8;
            self.visit(index + 1, changes_left - usize::from(rank > 0), next);
        }
    }

    /// Keeps the current reading if it is its outcome's most confident.
    fn keep(&mut self, sums: Sums) {
        let passes = !self.group.has_check || {
            let check =
                self.alternatives[self.field_length][self.choice[self.field_length] as usize].0;
            match check.to_digit(10) {
                Some(digit) => digit == sums.field,
                None => check == '<' && self.group.filler_check_allowed && sums.all_fillers,
            }
        };
        let slot = &mut self.best[usize::from(passes)][sums.composite as usize];
        if slot
            .as_ref()
            .is_none_or(|kept| sums.confidence > kept.confidence)
        {
            *slot = Some(Reading {
                choice: self.choice.clone(),
                confidence: sums.confidence,
            });
        }
    }

    /// The most confident reading for each outcome.
    fn run(mut self) -> [[Option<Reading>; 10]; 2] {
        let start = Sums {
            field: 0,
            composite: 0,
            all_fillers: true,
            confidence: 0.0,
        };
        self.visit(0, MAX_CHANGES_PER_FIELD, start);
        self.best
    }
}

/// A combination of groups' readings: how many checks fail and the summed
/// confidence, with the outcome chosen in each group so far.
#[derive(Debug, Clone)]
struct Combination {
    failures: u32,
    confidence: f32,
    /// Per group, `(passes, composite part)`.
    outcomes: Vec<(usize, usize)>,
}

impl Combination {
    /// Whether `self` is better than `other`: fewer failed checks, then
    /// more confidence.
    fn beats(&self, other: Option<&Combination>) -> bool {
        other.is_none_or(|other| {
            let fewer_failures = self.failures.cmp(&other.failures);
            let more_confidence = other.confidence.total_cmp(&self.confidence);
            fewer_failures.then(more_confidence).is_lt()
        })
    }
}

/// The best combination of the groups' readings for each composite sum mod
/// 10.
fn combine(readings: &[[[Option<Reading>; 10]; 2]]) -> [Option<Combination>; 10] {
    let mut by_sum: [Option<Combination>; 10] = Default::default();
    by_sum[0] = Some(Combination {
        failures: 0,
        confidence: 0.0,
        outcomes: Vec::new(),
    });
    for group in readings {
        let mut next: [Option<Combination>; 10] = Default::default();
        for (sum, combination) in by_sum.iter().enumerate() {
            let Some(combination) = combination else {
                continue;
            };
            for (passes, by_part) in group.iter().enumerate() {
                for (part, reading) in by_part.iter().enumerate() {
                    let Some(reading) = reading else { continue };
                    let mut outcomes = combination.outcomes.clone();
                    outcomes.push((passes, part));
                    let candidate = Combination {
                        failures: combination.failures + u32::from(passes == 0),
                        confidence: combination.confidence + reading.confidence,
                        outcomes,
                    };
                    let slot = &mut next[(sum + part) % 10];
                    if candidate.beats(slot.as_ref()) {
                        *slot = Some(candidate);
                    }
                }
            }
        }
        by_sum = next;
    }
    by_sum
}

/// The best combination with a composite check digit alternative, and that
/// alternative's rank.
fn with_composite_check(
    by_sum: [Option<Combination>; 10],
    check: &[(char, f32)],
) -> Option<(Combination, usize)> {
    let mut best: Option<(Combination, usize)> = None;
    for (sum, combination) in by_sum.into_iter().enumerate() {
        let Some(combination) = combination else {
            continue;
        };
        for (rank, &(c, confidence)) in check.iter().enumerate() {
            let candidate = Combination {
                failures: combination.failures + u32::from(c.to_digit(10) != Some(sum as u32)),
                confidence: combination.confidence + confidence,
                outcomes: combination.outcomes.clone(),
            };
            if candidate.beats(best.as_ref().map(|(kept, _)| kept)) {
                best = Some((candidate, rank));
            }
        }
    }
    best
}

/// The most confident reading of a state or nationality code, preferring
/// codes [`is_icao_code`] knows, as ranks of each position's alternatives.
fn choose_code(alternatives: &[&[(char, f32)]]) -> Vec<usize> {
    let mut best: Option<((bool, f32), Vec<usize>)> = None;
    let mut ranks = vec![0; alternatives.len()];
    loop {
        let code: String = ranks
            .iter()
            .zip(alternatives)
            .map(|(&r, alts)| alts[r].0)
            .collect();
        let confidence: f32 = ranks
            .iter()
            .zip(alternatives)
            .map(|(&r, alts)| alts[r].1)
            .sum();
        let score = (is_icao_code(&code), confidence);
        let beats = |(kept, _): &((bool, f32), Vec<usize>)| {
            score
                .0
                .cmp(&kept.0)
                .then(score.1.total_cmp(&kept.1))
                .is_gt()
        };
        if best.as_ref().is_none_or(beats) {
            best = Some((score, ranks.clone()));
        }
        // The next combination of ranks, counting with mixed radices.
        let Some(index) = (0..ranks.len()).find(|&i| ranks[i] + 1 < alternatives[i].len()) else {
            break;
        };
        ranks[index] += 1;
        ranks[..index].fill(0);
    }
    best.map(|(_, ranks)| ranks).unwrap_or_default()
}

/// Sets the ranks of the issuing state's and nationality's positions to
/// their most likely code [`is_icao_code`] knows (or, if none, their most
/// likely alternatives).
fn choose_codes(
    format: MrzFormat,
    alternatives: &[Vec<CharAlternatives>],
    ranks: &mut [Vec<usize>],
) {
    let layout = format.layout();
    for code in [layout.issuing_state, layout.nationality] {
        let positions: Vec<(usize, usize)> = code.positions().collect();
        let options: Vec<&[(char, f32)]> = positions
            .iter()
            .map(|&(l, p)| &alternatives[l][p][..])
            .collect();
        for ((line, position), rank) in positions.into_iter().zip(choose_code(&options)) {
            ranks[line][position] = rank;
        }
    }
}

/// Chooses the most likely MRZ among per-position alternatives (one
/// `Vec<CharAlternatives>` per line, each of the format's line length):
/// the combination that passes the most check digits, and among those the
/// one of the highest total confidence.
///
/// Before choosing, each position's alternatives are read by what it may
/// hold: in letter-only positions (codes, names, state, nationality, sex) a
/// digit is read as the letter it looks like (`0`→`O`, `1`→`I`, `2`→`Z`,
/// `5`→`S`, `6`→`G`, `8`→`B`), in digit-only positions (dates, check digits)
/// a letter as its digit (`O`/`Q`/`D`→`0`, `I`/`L`→`1`, `Z`→`2`, `S`→`5`,
/// `G`→`6`, `B`→`8`); document numbers and optional data take either.
/// Alternatives a position cannot hold (a document code's first letter
/// holds only those [`MrzFormat::document_kinds`] lists) are dropped while
/// others remain; state and nationality prefer codes [`is_icao_code`]
/// knows. Bounded: at most 3 alternatives per position and 3 positions per
/// field read as other than their most likely; the composite check is
/// combined over fields exactly, by its sum mod 10.
///
/// Gives the parsed chosen lines and a confidence 0-1: the mean of the
/// chosen characters' confidences, halved for each failed check. None when
/// the lines are not the format's, or a position has no `[0-9A-Z<]`
/// alternative.
pub fn choose(format: MrzFormat, lines: &[Vec<CharAlternatives>]) -> Option<(Mrz, f32)> {
    let alternatives = normalised_lines(format, lines)?;
    let top_lines: Vec<String> = alternatives
        .iter()
        .map(|line| line.iter().map(|alts| alts[0].0).collect())
        .collect();
    let top_refs: Vec<&str> = top_lines.iter().map(String::as_str).collect();
    let groups = groups_of(format, &top_refs);
    let weights = composite_weights(format);
    let readings: Vec<_> = groups
        .iter()
        .map(|group| GroupSearch::new(group, &alternatives, &weights).run())
        .collect();
    let check = format.layout().composite_check;
    let check_alternatives = &alternatives[check.line][check.start];
    let (combination, check_rank) = with_composite_check(combine(&readings), check_alternatives)?;

    let mut ranks: Vec<Vec<usize>> = alternatives
        .iter()
        .map(|line| vec![0; line.len()])
        .collect();
    choose_codes(format, &alternatives, &mut ranks);
    ranks[check.line][check.start] = check_rank;
    for ((group, group_readings), (passes, part)) in
        groups.iter().zip(&readings).zip(combination.outcomes)
    {
        let reading = group_readings[passes][part].as_ref()?;
        for (&(line, position), &rank) in group.positions.iter().zip(&reading.choice) {
            ranks[line][position] = usize::from(rank);
        }
    }
    chosen_mrz(&alternatives, &ranks)
}

/// Each position's normalised alternatives; None when the lines are not
/// `format`'s or a position has none.
fn normalised_lines(
    format: MrzFormat,
    lines: &[Vec<CharAlternatives>],
) -> Option<Vec<Vec<CharAlternatives>>> {
    let lengths: Vec<usize> = lines.iter().map(Vec::len).collect();
    if MrzFormat::of_lengths(&lengths) != Some(format) {
        return None;
    }
    let mut classes = position_classes(format);
    let layout = format.layout();
    if format == MrzFormat::Td3
        && read_field(layout.document_code, lines).starts_with('P')
        && read_field(layout.issuing_state, lines) == KOREA
    {
        korean_number_classes(format, &mut classes);
    }
    let normalised: Vec<Vec<CharAlternatives>> = lines
        .iter()
        .zip(&classes)
        .map(|(line, classes)| {
            line.iter()
                .zip(classes)
                .map(|(alts, &class)| normalise(alts, class))
                .collect()
        })
        .collect();
    let readable = normalised.iter().flatten().all(|alts| !alts.is_empty());
    readable.then(|| {
        normalised
            .into_iter()
            .zip(&classes)
            .map(|(line, classes)| letters_among_digits_doubted(line, classes))
            .map(|line| line.into_iter().map(weighed_alternatives).collect())
            .collect()
    })
}

/// The state whose passports' numbers [`korean_number_classes`] knows
/// (a passport's code starts with `P`; its second letter, `M`, `S`, `O`
/// or `D`, is not looked at: the model reads some faces' `M` as `H`).
const KOREA: &str = "KOR";

/// The field at `span` as the model read it most likely, its characters
/// as letters (a code, a state).
fn read_field(span: Span, lines: &[Vec<CharAlternatives>]) -> String {
    span.positions()
        .filter_map(|(line, position)| {
            let alternatives = lines.get(line)?.get(position)?;
            normalise(alternatives, CharClass::Letter)
                .first()
                .map(|(c, _)| *c)
        })
        .collect()
}

/// A Korean passport number's classes: its type's letter (`M`, `S`, `R`,
/// `D`), three digits, a digit (before 2021) or a letter, four digits
/// (`M12345678`, `M123A4567`). Its digits are then read as digits where
/// the model read a look-alike: no check digit tells `G` from `6`.
fn korean_number_classes(format: MrzFormat, classes: &mut [Vec<CharClass>]) {
    let number = format.layout().document_number;
    for (index, (line, position)) in number.positions().enumerate() {
        classes[line][position] = match index {
            0 => CharClass::Letter,
            4 => CharClass::Alphanumeric,
            _ => CharClass::Digit,
        };
    }
}

/// A line's alternatives with a letter made less likely than a digit the
/// model also weighed there, in a field that takes either (a document
/// number, optional data). A letter read between two digits, alone or in
/// a run of such letters (`8GG0`), keeps
/// [`LETTER_AMONG_DIGITS`] of its confidence. So does `O` read anywhere
/// but at a line's ends, and the `0` weighed there, however little, is
/// given [`ZERO_FOR_O`] of the `O`'s: numbers shun `O`, and in some faces
/// its glyph is all but a `0`'s (the model then weighs the `0` at
/// nothing). Where a check digit cannot
/// tell them apart (`S` and `8`, `G` and `6` weigh alike in its sum; so do
/// `OO` and `00` at weights 7 and 3) the digit is chosen, as numbers are
/// mostly digits; where it can, the check still decides (a Korean
/// number's letter among digits, `M123A4567`, passes only as the letter).
fn letters_among_digits_doubted(
    mut line: Vec<CharAlternatives>,
    classes: &[CharClass],
) -> Vec<CharAlternatives> {
    let top_is = |alts: &CharAlternatives, wanted: fn(&char) -> bool| {
        alts.first().is_some_and(|(c, _)| wanted(c))
    };
    let letter_or_digit = |alts: &CharAlternatives| {
        top_is(alts, char::is_ascii_uppercase) && alts.iter().any(|(c, _)| c.is_ascii_digit())
    };
    // Whether the first position of `side` that is not a letter the
    // model also weighed a digit at was read a digit.
    let digit_beyond = |mut side: Box<dyn Iterator<Item = usize>>| {
        side.find(|&j| !letter_or_digit(&line[j]))
            .is_some_and(|j| top_is(&line[j], char::is_ascii_digit))
    };
    // Decided on the line as read, then applied.
    let doubted: Vec<(usize, bool)> = (1..line.len().saturating_sub(1))
        .filter_map(|i| {
            let read_o = top_is(&line[i], |c| *c == 'O');
            (classes[i] == CharClass::Alphanumeric
                && letter_or_digit(&line[i])
                && (read_o
                    || digit_beyond(Box::new((0..i).rev()))
                        && digit_beyond(Box::new(i + 1..line.len()))))
            .then_some((i, read_o))
        })
        .collect();
    for (i, read_o) in doubted {
        let letter_conf = line[i][0].1;
        for (c, confidence) in &mut line[i] {
            if c.is_ascii_uppercase() {
                *confidence *= LETTER_AMONG_DIGITS;
            } else if read_o && *c == '0' {
                *confidence = confidence.max(letter_conf * ZERO_FOR_O);
            }
        }
        line[i].sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    line
}

/// A position's alternatives without those the model weighed at less than
/// [`LEAST_ALTERNATIVE_CONF`] (the most likely is kept whatever its
/// weight).
fn weighed_alternatives(mut alternatives: CharAlternatives) -> CharAlternatives {
    let mut rank = 0;
    alternatives.retain(|&(_, confidence)| {
        rank += 1;
        rank == 1 || confidence >= LEAST_ALTERNATIVE_CONF
    });
    alternatives
}

/// The MRZ of the chosen ranks, and its confidence.
fn chosen_mrz(alternatives: &[Vec<CharAlternatives>], ranks: &[Vec<usize>]) -> Option<(Mrz, f32)> {
    let chosen: Vec<Vec<(char, f32)>> = alternatives
        .iter()
        .zip(ranks)
        .map(|(line, ranks)| {
            line.iter()
                .zip(ranks)
                .map(|(alts, &rank)| alts[rank])
                .collect()
        })
        .collect();
    let lines: Vec<String> = chosen
        .iter()
        .map(|line| line.iter().map(|&(c, _)| c).collect())
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mrz = parse(&refs).ok()?;
    let confidences: Vec<f32> = chosen
        .iter()
        .flatten()
        .map(|&(_, confidence)| confidence)
        .collect();
    let mean = confidences.iter().sum::<f32>() / confidences.len() as f32;
    let failed = (mrz.checks.total() - mrz.checks.passed()) as i32;
    Some((mrz, mean * FAILED_CHECK_FACTOR.powi(failed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ICAO's TD3 specimen (Doc 9303 Part 4, Appendix A).
    const TD3_SPECIMEN: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    /// ICAO's TD1 specimen (Part 5, Appendix A).
    const TD1_SPECIMEN: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    /// ICAO's TD2 specimen (Part 6, Appendix A).
    const TD2_SPECIMEN: [&str; 2] = [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ];
    /// A Korean passport's MRZ, digits computed: no personal number.
    const KOREAN_TD3: [&str; 2] = [
        "PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "M123456788KOR9001158M3405123<<<<<<<<<<<<<<<6",
    ];
    /// A TD1 with a twelve-character number, D23145890734, check digit 9
    /// (Part 5 §4.2.4).
    const TD1_LONG_NUMBER: [&str; 3] = [
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];

    /// Lines read with one alternative each, of confidence 0.9.
    fn certain(lines: &[&str]) -> Vec<Vec<CharAlternatives>> {
        lines
            .iter()
            .map(|line| line.chars().map(|c| vec![(c, 0.9)]).collect())
            .collect()
    }

    #[test]
    fn check_digits_of_the_specimens_fields() {
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("ZE184226B<<<<<"), Some(1));
        assert_eq!(check_digit("D23145890"), Some(7));
        assert_eq!(check_digit("<<<<"), Some(0));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("ab1"), None);
        assert_eq!(check_digit("L89 902"), None);
    }

    #[test]
    fn formats_by_line_lengths() {
        assert_eq!(MrzFormat::of_lengths(&[30, 30, 30]), Some(MrzFormat::Td1));
        assert_eq!(MrzFormat::of_lengths(&[36, 36]), Some(MrzFormat::Td2));
        assert_eq!(MrzFormat::of_lengths(&[44, 44]), Some(MrzFormat::Td3));
        assert_eq!(MrzFormat::of_lengths(&[44, 36]), None);
        assert_eq!(MrzFormat::of_lengths(&[30, 30]), None);
        assert_eq!(MrzFormat::of_lengths(&[]), None);
        for format in MrzFormat::ALL {
            let layout = format.layout();
            let composite: usize = layout.composite.iter().map(|s| s.end - s.start).sum();
            let expected = match format {
                MrzFormat::Td1 => 25 + 7 + 7 + 11,
                MrzFormat::Td2 => 10 + 7 + 14,
                MrzFormat::Td3 => 10 + 7 + 22,
            };
            assert_eq!(composite, expected, "{format:?}");
        }
    }

    #[test]
    fn parses_the_td3_specimen() {
        let mrz = parse(&TD3_SPECIMEN).unwrap();
        assert_eq!(mrz.format, MrzFormat::Td3);
        assert_eq!(mrz.lines, TD3_SPECIMEN);
        assert_eq!(mrz.document_code, "P");
        assert_eq!(mrz.issuing_state, "UTO");
        assert_eq!(mrz.surname, "ERIKSSON");
        assert_eq!(mrz.given_names, "ANNA MARIA");
        assert_eq!(mrz.document_number, "L898902C3");
        assert_eq!(mrz.nationality, "UTO");
        assert_eq!(mrz.birth_date, "740812");
        assert_eq!(mrz.sex, 'F');
        assert_eq!(mrz.expiry_date, "120415");
        assert_eq!(mrz.optional_data, "ZE184226B");
        assert_eq!(mrz.checks.optional_data, Some(true));
        assert!(mrz.checks.all_pass());
        assert_eq!((mrz.checks.passed(), mrz.checks.total()), (5, 5));
    }

    #[test]
    fn parses_the_td1_specimen() {
        let mrz = parse(&TD1_SPECIMEN).unwrap();
        assert_eq!(mrz.format, MrzFormat::Td1);
        assert_eq!(mrz.document_code, "I");
        assert_eq!(mrz.issuing_state, "UTO");
        assert_eq!(mrz.document_number, "D23145890");
        assert_eq!((mrz.birth_date.as_str(), mrz.sex), ("740812", 'F'));
        assert_eq!(mrz.expiry_date, "120415");
        assert_eq!(mrz.nationality, "UTO");
        assert_eq!(
            (mrz.surname.as_str(), mrz.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!(mrz.optional_data, "");
        assert_eq!(mrz.checks.optional_data, None);
        assert!(mrz.checks.all_pass());
        assert_eq!(mrz.checks.total(), 4);
    }

    #[test]
    fn parses_the_td2_specimen() {
        let mrz = parse(&TD2_SPECIMEN).unwrap();
        assert_eq!(mrz.format, MrzFormat::Td2);
        assert_eq!(
            (mrz.document_code.as_str(), mrz.issuing_state.as_str()),
            ("I", "UTO")
        );
        assert_eq!(
            (mrz.surname.as_str(), mrz.given_names.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!(mrz.document_number, "D23145890");
        assert_eq!(mrz.nationality, "UTO");
        assert_eq!(
            (mrz.birth_date.as_str(), mrz.expiry_date.as_str()),
            ("740812", "120415")
        );
        assert_eq!(mrz.optional_data, "");
        assert!(mrz.checks.all_pass());
        assert_eq!(mrz.checks.total(), 4);
    }

    #[test]
    fn parses_a_korean_passport_without_a_personal_number() {
        let mrz = parse(&KOREAN_TD3).unwrap();
        assert_eq!(mrz.document_code, "PM");
        assert_eq!(
            (mrz.issuing_state.as_str(), mrz.nationality.as_str()),
            ("KOR", "KOR")
        );
        assert_eq!(
            (mrz.surname.as_str(), mrz.given_names.as_str()),
            ("HONG", "GILDONG")
        );
        assert_eq!(mrz.document_number, "M12345678");
        assert_eq!((mrz.birth_date.as_str(), mrz.sex), ("900115", 'M'));
        assert_eq!(mrz.expiry_date, "340512");
        assert_eq!(mrz.optional_data, "");
        // All fillers with `<` or `0` as check digit: no optional data check.
        assert_eq!(mrz.checks.optional_data, None);
        assert!(mrz.checks.all_pass());
        assert_eq!(mrz.checks.total(), 4);
        let zero = KOREAN_TD3[1].replace("<<<6", "<<06");
        let mrz = parse(&[KOREAN_TD3[0], &zero]).unwrap();
        assert_eq!(mrz.checks.optional_data, None);
        assert!(mrz.checks.all_pass());
        let five = KOREAN_TD3[1].replace("<<<6", "<<56");
        let mrz = parse(&[KOREAN_TD3[0], &five]).unwrap();
        assert_eq!(mrz.checks.optional_data, Some(false));
        assert!(!mrz.checks.composite);
        assert_eq!((mrz.checks.passed(), mrz.checks.total()), (3, 5));
    }

    #[test]
    fn names_of_several_words_and_fillers_in_numbers() {
        let lines = [
            "P<KORVAN<DER<BERG<<ANNA<MARIA<JOSE<<<<<<<<<<",
            "K0123456<1KOR8502304F30123161234567890123<32",
        ];
        let mrz = parse(&lines).unwrap();
        assert_eq!(mrz.surname, "VAN DER BERG");
        assert_eq!(mrz.given_names, "ANNA MARIA JOSE");
        assert_eq!(mrz.document_number, "K0123456");
        assert_eq!(mrz.optional_data, "1234567890123");
        // Check digits are evaluated on the date as printed, existing or not.
        assert_eq!(mrz.birth_date, "850230");
        assert!(mrz.checks.all_pass());
        let (surname, given) = split_name("HONG<<<<<<<<<");
        assert_eq!((surname.as_str(), given.as_str()), ("HONG", ""));
        let (surname, given) = split_name("MADONNA<<<<<<");
        assert_eq!((surname.as_str(), given.as_str()), ("MADONNA", ""));
    }

    #[test]
    fn a_long_td1_number_continues_in_the_optional_data() {
        let mrz = parse(&TD1_LONG_NUMBER).unwrap();
        assert_eq!(mrz.document_number, "D23145890734");
        assert_eq!(mrz.optional_data, "");
        assert!(mrz.checks.all_pass(), "{:?}", mrz.checks);
        let wrong = TD1_LONG_NUMBER[0].replace("7349", "7348");
        let mrz = parse(&[&wrong, TD1_LONG_NUMBER[1], TD1_LONG_NUMBER[2]]).unwrap();
        assert_eq!(mrz.document_number, "D23145890734");
        assert!(!mrz.checks.document_number);
        // Optional data after the number's check digit, and on line 1.
        let line0 = "I<UTOD23145890<7349<AB<<<<<<<<";
        let line1 = "7408122F1204159UTO<<<<CD<<<<<0";
        let mrz = parse(&[line0, line1, TD1_LONG_NUMBER[2]]).unwrap();
        assert_eq!(mrz.document_number, "D23145890734");
        assert_eq!(mrz.optional_data, "AB<CD");
        assert!(mrz.checks.document_number);
    }

    #[test]
    fn failed_checks_are_reported_not_refused() {
        let line = TD3_SPECIMEN[1].replace("7408122", "7408132");
        let mrz = parse(&[TD3_SPECIMEN[0], &line]).unwrap();
        assert!(!mrz.checks.birth_date);
        assert!(!mrz.checks.composite);
        assert!(mrz.checks.document_number && mrz.checks.expiry_date);
        assert_eq!((mrz.checks.passed(), mrz.checks.total()), (3, 5));
        assert!(!mrz.checks.all_pass());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(parse(&[TD3_SPECIMEN[0]]), Err(MrzError::LineCount));
        assert_eq!(parse(&[]), Err(MrzError::LineCount));
        let short = &TD3_SPECIMEN[1][..43];
        assert_eq!(
            parse(&[TD3_SPECIMEN[0], short]),
            Err(MrzError::LineLength {
                line: 1,
                length: 43
            })
        );
        assert_eq!(
            parse(&[short, TD3_SPECIMEN[1]]),
            Err(MrzError::LineLength {
                line: 0,
                length: 43
            })
        );
        assert_eq!(
            parse(&[TD1_SPECIMEN[0], TD1_SPECIMEN[1], "ERIKSSON"]),
            Err(MrzError::LineLength { line: 2, length: 8 })
        );
        let lower = TD3_SPECIMEN[1].replace('L', "l");
        assert_eq!(
            parse(&[TD3_SPECIMEN[0], &lower]),
            Err(MrzError::Character {
                line: 1,
                position: 0
            })
        );
        let hangul = TD3_SPECIMEN[0].replacen("<<<", "홍", 1);
        assert_eq!(
            parse(&[&hangul, TD3_SPECIMEN[1]]),
            Err(MrzError::LineLength {
                line: 0,
                length: 42
            })
        );
        let message = MrzError::Character {
            line: 1,
            position: 7,
        }
        .to_string();
        assert!(
            message.contains("line 1") && message.contains("position 7"),
            "{message}"
        );
    }

    #[test]
    fn icao_codes() {
        assert!(ISO_3166_ALPHA_3.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ICAO_ONLY.windows(2).all(|pair| pair[0] < pair[1]));
        for code in [
            "KOR", "D", "UTO", "GBD", "UNO", "ZWE", "RKS", "EUE", "XXA", "XOM", "D<<",
        ] {
            assert!(is_icao_code(code), "{code}");
        }
        for code in ["ZIM", "XYZ", "KO", "", "kor", "DE", "<<<"] {
            assert!(!is_icao_code(code), "{code}");
        }
    }

    #[test]
    fn full_dates_by_role() {
        let today = (2026, 12, 7);
        let birth = |date| full_date(date, DateRole::Birth, today);
        assert_eq!(birth("741208").as_deref(), Some("19741208"));
        assert_eq!(birth("201208").as_deref(), Some("20201208"));
        assert_eq!(birth("261208").as_deref(), Some("19261208"));
        assert_eq!(birth("261207").as_deref(), Some("20261207"));
        assert_eq!(birth("000229").as_deref(), Some("20000229"));
        assert_eq!(birth("300230"), None);
        assert_eq!(birth("74<<<<"), None);
        assert_eq!(birth("7412"), None);
        let expiry = |date| full_date(date, DateRole::Expiry, today);
        assert_eq!(expiry("341208").as_deref(), Some("20341208"));
        assert_eq!(expiry("120415").as_deref(), Some("20120415"));
        assert_eq!(expiry("751231").as_deref(), Some("20751231"));
        assert_eq!(expiry("760101").as_deref(), Some("19760101"));
        assert_eq!(expiry("300230"), None);
        assert_eq!(expiry("301300"), None);
        let issue = |date| full_date(date, DateRole::Issue, today);
        assert_eq!(issue("240105").as_deref(), Some("20240105"));
        assert_eq!(issue("270105").as_deref(), Some("19270105"));
    }

    #[test]
    fn choosing_among_certain_readings_gives_them() {
        for lines in [
            &TD3_SPECIMEN[..],
            &TD1_SPECIMEN,
            &TD2_SPECIMEN,
            &KOREAN_TD3,
            &TD1_LONG_NUMBER,
        ] {
            let format = MrzFormat::of_lengths(&lines.iter().map(|l| l.len()).collect::<Vec<_>>());
            let (mrz, confidence) = choose(format.unwrap(), &certain(lines)).unwrap();
            assert_eq!(mrz, parse(lines).unwrap());
            assert!((confidence - 0.9).abs() < 1e-4, "{confidence}");
        }
    }

    #[test]
    fn choose_reads_a_letter_in_a_date_as_its_digit() {
        let mut read = certain(&TD3_SPECIMEN);
        // The `0` of 740812 read as `O`, and the `1` as `I` or `7`.
        read[1][15] = vec![('O', 0.8)];
        read[1][17] = vec![('I', 0.5), ('7', 0.4)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.birth_date, "740812");
        assert!(mrz.checks.all_pass());
    }

    #[test]
    fn choose_reads_a_digit_in_a_name_or_code_as_its_letter() {
        let mut read = certain(&KOREAN_TD3);
        read[0][3] = vec![('0', 0.7)];
        read[0][6] = vec![('0', 0.7)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.issuing_state, "KOR");
        assert_eq!(mrz.surname, "HONG");
    }

    #[test]
    fn a_document_code_begins_with_a_letter_its_format_allows() {
        // A passport's `P` read `Y` (in a small scan), weighed second.
        let mut read = certain(&KOREAN_TD3);
        read[0][0] = vec![('Y', 0.78), ('P', 0.65), ('O', 0.45)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_code, "PM");
        // An ID card's `I` read as `1`, or weighed below a `T`.
        let mut read = certain(&TD1_SPECIMEN);
        read[0][0] = vec![('T', 0.7), ('1', 0.6)];
        let (mrz, _) = choose(MrzFormat::Td1, &read).unwrap();
        assert!(mrz.document_code.starts_with('I'), "{}", mrz.document_code);
        // Nothing it allows weighed: the reading stands.
        read[0][0] = vec![('T', 0.7)];
        let (mrz, _) = choose(MrzFormat::Td1, &read).unwrap();
        assert!(mrz.document_code.starts_with('T'));
    }

    #[test]
    fn a_letter_among_digits_the_check_cannot_tell_from_one_reads_as_the_digit() {
        let mut read = certain(&KOREAN_TD3);
        // The number's last `8` read as `S` (28, which weighs as 8).
        read[1][8] = vec![('S', 0.8), ('8', 0.6)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "M12345678");
        // The specimen's `C` among digits passes its check only as `C`.
        let mut read = certain(&TD3_SPECIMEN);
        read[1][7] = vec![('C', 0.8), ('0', 0.6)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "L898902C3");
        assert!(mrz.checks.all_pass());
        // A German number's `00` between letters read `OO`: 24 at weights
        // 7 and 3 sums to 240, as `00` does.
        let mut read = certain(&[
            "PDD<<SCHMIDT<<FRIEDRICH<ANNA<<<<<<<<<<<<<<<<",
            "CRHHCL00P3D<<0107194F3207213<<<<<<<<<<<<<<06",
        ]);
        read[1][6] = vec![('O', 0.9), ('0', 0.0)];
        read[1][7] = vec![('O', 0.9), ('Q', 0.0), ('0', 0.0)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "CRHHCL00P");
    }

    #[test]
    fn a_run_of_letters_among_digits_is_doubted_as_one_letter_is() {
        // A Canadian-style number, `HJ9527668`, its `66` read `GG` (16
        // weighs as 6), the model weighing each `6` second.
        let mut read = certain(&[
            "P<CANANDERSON<<MARIA<<<<<<<<<<<<<<<<<<<<<<<<",
            "HJ95276681CAN1705128M2511214<<<<<<<<<<<<<<04",
        ]);
        read[1][6] = vec![('G', 0.8), ('6', 0.6)];
        read[1][7] = vec![('G', 0.8), ('6', 0.6)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "HJ9527668");
    }

    #[test]
    fn a_korean_passport_numbers_digits_are_read_as_digits() {
        // `M123Y8660` read `M123Y8GG0`, the second `6` weighed at nothing:
        // its position takes only a digit (the fifth takes either).
        let mut read = certain(&[
            "PMKOROH<<HOSEO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
            "M123Y86600KOR5304079F3210134<<<<<<<<<<<<<<06",
        ]);
        read[1][6] = vec![('G', 0.8), ('6', 0.6)];
        read[1][7] = vec![('G', 0.9)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "M123Y8660");
        assert!(mrz.checks.all_pass());
        // Another state's number keeps the letters the model read (the
        // first `G` is not doubted: the letter beside it has no digit).
        read[0] = certain(&["P<CANOH<<HOSEO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"]).remove(0);
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "M123Y8GG0");
    }

    #[test]
    fn a_check_chooses_only_among_alternatives_the_model_weighed() {
        // A specimen's number whose check digit fails as printed: `L`, which
        // would pass, weighed at nothing.
        let mut read = certain(&KOREAN_TD3);
        read[1][9] = vec![('1', 0.9)];
        read[1][0] = vec![('M', 0.9), ('L', 0.0), ('N', 0.004)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "M12345678");
        assert!(!mrz.checks.document_number);
        // Weighed at all, it may be chosen.
        read[1][0] = vec![('M', 0.9), ('L', 0.05)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.document_number, "L12345678");
        assert!(mrz.checks.document_number);
    }

    #[test]
    fn choose_prefers_codes_that_exist() {
        let mut read = certain(&KOREAN_TD3);
        read[1][11] = vec![('D', 0.6), ('O', 0.4)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.nationality, "KOR");
        read[1][11] = vec![('D', 0.6)];
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.nationality, "KDR");
    }

    #[test]
    fn choose_reads_a_filler_misread_as_k_by_the_check_digits() {
        let mut read = certain(&KOREAN_TD3);
        read[1][33] = vec![('K', 0.6), ('<', 0.4)];
        let (mrz, confidence) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.lines[1], KOREAN_TD3[1]);
        assert!(mrz.checks.all_pass());
        assert!(confidence < 0.9);
        // In TD1's optional data only the composite check tells.
        let mut read = certain(&TD1_SPECIMEN);
        read[1][22] = vec![('X', 0.6), ('<', 0.4)];
        let (mrz, _) = choose(MrzFormat::Td1, &read).unwrap();
        assert_eq!(mrz.lines[1], TD1_SPECIMEN[1]);
        assert!(mrz.checks.all_pass());
        // But not for `K`: 20, like `A` 10 and `U` 30, weighs as `<` mod 10,
        // so no check digit tells them from a filler there.
        read[1][22] = vec![('K', 0.6), ('<', 0.4)];
        let (mrz, _) = choose(MrzFormat::Td1, &read).unwrap();
        assert_eq!(&mrz.lines[1][18..23], "<<<<K");
        assert!(mrz.checks.all_pass());
    }

    #[test]
    fn choose_takes_a_second_alternative_that_passes() {
        let mut read = certain(&TD3_SPECIMEN);
        // Birth date 740812 read 740872, the right `1` second.
        read[1][17] = vec![('7', 0.5), ('1', 0.3), ('4', 0.1)];
        // Number L898902C3 read L898302C3.
        read[1][4] = vec![('3', 0.5), ('9', 0.45)];
        let (mrz, confidence) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.lines, TD3_SPECIMEN);
        assert!(confidence > 0.8, "{confidence}");
        // The long TD1 number's continuation too.
        let mut read = certain(&TD1_LONG_NUMBER);
        read[0][16] = vec![('8', 0.6), ('3', 0.3)];
        let (mrz, _) = choose(MrzFormat::Td1, &read).unwrap();
        assert_eq!(mrz.document_number, "D23145890734");
        assert!(mrz.checks.all_pass());
    }

    #[test]
    fn choose_lowers_the_confidence_when_checks_fail() {
        let clean = choose(MrzFormat::Td3, &certain(&TD3_SPECIMEN)).unwrap().1;
        let mut read = certain(&TD3_SPECIMEN);
        read[1][17] = vec![('7', 0.9)];
        let (mrz, one_failed) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.birth_date, "740872");
        assert_eq!(mrz.checks.passed(), 3);
        // Nothing passes: every check digit wrong.
        for position in [9, 19, 27, 42, 43] {
            let wrong = if TD3_SPECIMEN[1].as_bytes()[position] == b'3' {
                '4'
            } else {
                '3'
            };
            read[1][position] = vec![(wrong, 0.9)];
        }
        let (mrz, none_passed) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.checks.passed(), 0);
        assert!(
            clean > one_failed && one_failed > none_passed,
            "{clean} {one_failed} {none_passed}"
        );
    }

    #[test]
    fn choose_among_three_alternatives_everywhere() {
        let read: Vec<Vec<CharAlternatives>> = TD3_SPECIMEN
            .iter()
            .map(|line| {
                line.chars()
                    .map(|c| vec![(c, 0.6), ('7', 0.2), ('X', 0.1)])
                    .collect()
            })
            .collect();
        let (mrz, _) = choose(MrzFormat::Td3, &read).unwrap();
        assert_eq!(mrz.lines, TD3_SPECIMEN);
        assert!(mrz.checks.all_pass());
    }

    #[test]
    fn choose_refuses_what_is_not_the_format() {
        assert!(choose(MrzFormat::Td1, &certain(&TD3_SPECIMEN)).is_none());
        let mut read = certain(&TD3_SPECIMEN);
        read[1].pop();
        assert!(choose(MrzFormat::Td3, &read).is_none());
        let mut read = certain(&TD3_SPECIMEN);
        read[0][7] = vec![('#', 0.9), (' ', 0.1)];
        assert!(choose(MrzFormat::Td3, &read).is_none());
        read[0][7] = Vec::new();
        assert!(choose(MrzFormat::Td3, &read).is_none());
    }

    #[test]
    fn a_fields_positions_are_where_its_format_prints_it() {
        assert_eq!(
            field_positions(MrzFormat::Td3, MrzField::DocumentNumber),
            vec![(1, 0..9)]
        );
        assert_eq!(
            field_positions(MrzFormat::Td3, MrzField::OptionalData),
            vec![(1, 28..42)]
        );
        assert_eq!(
            field_positions(MrzFormat::Td1, MrzField::OptionalData),
            vec![(0, 15..30), (1, 18..29)]
        );
        assert_eq!(
            field_positions(MrzFormat::Td1, MrzField::Name),
            vec![(2, 0..30)]
        );
    }

    #[test]
    fn a_zone_is_well_formed_when_its_codes_sex_and_dates_are() {
        let lines = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let mrz = parse(&lines).expect("the specimen parses");
        assert!(mrz.is_well_formed());
        let mut misread = mrz.clone();
        misread.nationality = "ORZ".into();
        assert!(!misread.is_well_formed());
        let mut misread = mrz.clone();
        misread.birth_date = "H85909".into();
        assert!(!misread.is_well_formed());
        let mut misread = mrz.clone();
        misread.expiry_date = "611137".into();
        assert!(!misread.is_well_formed());
        let mut misread = mrz.clone();
        misread.sex = '9';
        assert!(!misread.is_well_formed());
        // A filler within the number: a digit misread.
        let mut misread = mrz.clone();
        misread.document_number = "L89890<C".into();
        assert!(!misread.is_well_formed());
        misread.document_number = "L89890<<<".into();
        assert!(misread.is_well_formed());
        let mut unknown_day = mrz;
        unknown_day.birth_date = "7408<<".into();
        assert!(unknown_day.is_well_formed());
    }
}
