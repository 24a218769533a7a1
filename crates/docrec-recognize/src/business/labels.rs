//! The page's rows and the labels on them: words grouped into rows (glued
//! labels split apart), each label found with the misreadings its length
//! allows, and the raw value after it, the label's brackets, words and
//! stray marks dropped.

use docrec_ocr::{Rect, Word};

use super::keys::BusinessKey;
use crate::text::{edit_distance, is_hangul, words_rect};

/// One row of text as Tesseract read it: words left to right.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) words: Vec<Word>,
}

impl Row {
    pub(super) fn rect(&self) -> Rect {
        words_rect(&self.words)
    }

    pub(super) fn height(&self) -> u32 {
        let mut heights: Vec<u32> = self.words.iter().map(|w| w.rect.height).collect();
        heights.sort_unstable();
        heights.get(heights.len() / 2).copied().unwrap_or(0)
    }

    /// The row's text without spaces.
    pub(super) fn compact(&self) -> String {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }
}

/// Splits a word that holds a label that may share a row after the start
/// of the word (`심주재생년월일:1979년…`, the name read without the space
/// before the label): the box is shared by characters.
pub(super) fn split_glued_labels(words: Vec<Word>) -> Vec<Word> {
    const SHAREABLE: [&str; 4] = ["생년월일", "법인등록번호", "업태", "종목"];
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let cut = SHAREABLE
            .iter()
            .filter_map(|label| word.text.find(label))
            .filter(|at| *at > 0)
            .min();
        match cut {
            Some(at) => {
                let (head, tail) = word.text.split_at(at);
                let total = word.text.chars().count().max(1) as f32;
                let head_width =
                    (word.rect.width as f32 * head.chars().count() as f32 / total).round() as u32;
                let mut first = word.clone();
                first.text = head.to_owned();
                first.rect.width = head_width;
                let mut second = word.clone();
                second.text = tail.to_owned();
                second.rect.x += head_width as i32;
                second.rect.width = word.rect.width.saturating_sub(head_width);
                out.push(first);
                out.push(second);
            }
            None => out.push(word),
        }
    }
    out
}

/// Words grouped into Tesseract's lines, top to bottom.
pub(super) fn rows_of(words: &[Word]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut keys: Vec<(u32, u32, u32)> = Vec::new();
    for word in words {
        match keys.iter().position(|k| *k == word.line) {
            Some(i) => rows[i].words.push(word.clone()),
            None => {
                keys.push(word.line);
                rows.push(Row {
                    words: vec![word.clone()],
                });
            }
        }
    }
    for row in &mut rows {
        row.words.sort_by_key(|w| w.rect.x);
        row.words = split_glued_labels(std::mem::take(&mut row.words));
    }
    rows.sort_by_key(|r| r.rect().y);
    rows
}

/// What a label introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelTarget {
    Key(BusinessKey),
    /// `사업의 종류`: its value holds the `업태` and `종목` labels.
    KindOfBusiness,
    /// A label of no key (`발급번호`, `공동사업자`, the e-mail line): it ends
    /// the value before it and its own value is not taken.
    Other,
}

/// The labels a certificate prints, without spaces, and what each
/// introduces. Longer labels first: `법인등록번호` before `등록번호`.
const LABELS: &[(&str, LabelTarget)] = &[
    (
        "법인등록번호",
        LabelTarget::Key(BusinessKey::CorporateNumber),
    ),
    (
        "등록번호",
        LabelTarget::Key(BusinessKey::RegistrationNumber),
    ),
    ("법인명(단체명)", LabelTarget::Key(BusinessKey::TradeName)),
    ("법인명", LabelTarget::Key(BusinessKey::TradeName)),
    ("상호", LabelTarget::Key(BusinessKey::TradeName)),
    ("대표자", LabelTarget::Key(BusinessKey::Representative)),
    ("성명", LabelTarget::Key(BusinessKey::Representative)),
    ("생년월일", LabelTarget::Key(BusinessKey::BirthDate)),
    ("개업연월일", LabelTarget::Key(BusinessKey::OpeningDate)),
    (
        "사업장소재지",
        LabelTarget::Key(BusinessKey::BusinessAddress),
    ),
    (
        "본점소재지",
        LabelTarget::Key(BusinessKey::HeadOfficeAddress),
    ),
    ("사업의종류", LabelTarget::KindOfBusiness),
    ("업태", LabelTarget::Key(BusinessKey::BusinessType)),
    ("종목", LabelTarget::Key(BusinessKey::BusinessItem)),
    ("발급사유", LabelTarget::Key(BusinessKey::IssueReason)),
    ("발급번호", LabelTarget::Other),
    ("공동사업자", LabelTarget::Other),
    ("사업자단위과세적용사업자여부", LabelTarget::Other),
    ("전자세금계산서전용전자우편주소", LabelTarget::Other),
];

/// Characters printed or read between a label and its value.
pub(super) fn is_separator(c: char) -> bool {
    matches!(
        c,
        ':' | '：' | ';' | '|' | '.' | ',' | '『' | '」' | '「' | '』'
    )
}

/// How many misread characters a label of `len` characters may have and
/// still be recognised: none for two-character labels (`상호` is also a
/// word of trade names), one up to five, two beyond.
fn allowed_errors(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// A label found at word `start` of a row, spanning `words` words; the value
/// begins at word `start + words` (and after `skip_chars` characters of it,
/// when the label or its colon was glued to the value).
#[derive(Debug, Clone, Copy)]
pub(super) struct LabelAt {
    pub(super) target: LabelTarget,
    pub(super) start: usize,
    pub(super) words: usize,
    /// Characters of the word after the label's last word that belong to
    /// it (a colon glued to the value).
    pub(super) value_skip: usize,
    pub(super) errors: usize,
}

/// The label that the words of `row` from `start` spell, if any: the words
/// joined without spaces, with a trailing separator dropped, within the
/// label's allowed errors. A label whose last character is glued to the
/// start of the value (`생년월일:1978`) is found too.
fn label_at(row: &Row, start: usize) -> Option<LabelAt> {
    let mut best: Option<(LabelAt, i32)> = None;
    let mut joined = String::new();
    for end in start..row.words.len().min(start + 16) {
        joined.push_str(&row.words[end].text);
        let bare: String = joined.trim_end_matches(is_separator).to_owned();
        // The word may hold the label and a glued colon and value: try every
        // split of the last word.
        let last = &row.words[end].text;
        let before_last: String = joined[..joined.len() - last.len()].to_owned();
        // The last word may hold the end of the label and the start of the
        // value (`생년월일:1978`, `)유한회사`): try every split of it.
        // A split not at a separator must give the label exactly: `법인`
        // of `법인사업자` is no `법인명`.
        let mut splits: Vec<(String, usize, bool)> = vec![(bare.clone(), 0, true)];
        for (index, _) in last.char_indices().skip(1) {
            let head = &last[..index];
            let tail = &last[index..];
            let value = tail.trim_start_matches(is_separator);
            if !value.is_empty() {
                let at_separator = value.len() < tail.len() || head.ends_with(is_separator);
                let value_skip = last.chars().count() - value.chars().count();
                let head = format!("{before_last}{}", head.trim_end_matches(is_separator));
                splits.push((head, value_skip, at_separator));
            }
        }
        for (text, value_skip, at_separator) in splits {
            // Specks read between a label's letters (`대. .표' ㆍ 자`) are
            // not part of it.
            let text: String = text
                .chars()
                .filter(|c| !is_separator(*c) && !is_stray_mark(*c))
                .collect();
            let text = text.as_str();
            let length = text.chars().count();
            for (label, target) in LABELS {
                let label_len = label.chars().count();
                if length + 2 < label_len || length > label_len + 2 {
                    continue;
                }
                let errors = edit_distance(text, label);
                if errors > allowed_errors(label_len) || (errors > 0 && !at_separator) {
                    continue;
                }
                let words = if value_skip > 0 {
                    end - start
                } else {
                    end - start + 1
                };
                let found = LabelAt {
                    target: *target,
                    start,
                    words,
                    value_skip,
                    errors,
                };
                // The most characters matched, an error costing two (so
                // `법인명(단체명` is the long label read with one error, not
                // `법인명` and a stray `(단체명`), then more words.
                // On a tie, the split that gives the label more of the word
                // (`대표.자:` rather than `대표`, leaving `자:` to the value).
                let score = label_len as i32 - 2 * errors as i32;
                let better = match best {
                    None => true,
                    Some((b, b_score)) => {
                        (score, found.words, found.value_skip) > (b_score, b.words, b.value_skip)
                    }
                };
                if better {
                    best = Some((found, score));
                }
            }
        }
        if joined.chars().count() > 20 {
            break;
        }
    }
    best.map(|(label, _)| label)
}

/// Labels that follow a value on the same row: the birth date after the
/// name, the corporate number after the opening date, `업태` and `종목`.
fn may_share_a_row(target: LabelTarget) -> bool {
    matches!(
        target,
        LabelTarget::Key(
            BusinessKey::BirthDate
                | BusinessKey::CorporateNumber
                | BusinessKey::BusinessType
                | BusinessKey::BusinessItem
        )
    )
}

/// The labels of a row, left to right, not overlapping: one at its start
/// (its first or second word: a stray mark may come first), then those
/// that may share a row. A row whose start is no label has none (`상호`
/// inside `상호 변경`, a reason of issue, is no label).
pub(super) fn labels_in(row: &Row) -> Vec<LabelAt> {
    let Some(first) =
        (0..row.words.len().min(2)).find_map(|start| best_label_from(row, start, |_| true))
    else {
        return Vec::new();
    };
    let mut found = vec![first];
    found.extend(shared_labels_from(row, first.start + first.words.max(1)));
    found
}

/// The labels that may share a row (see [`may_share_a_row`]) from word
/// `start` on, left to right, not overlapping.
pub(super) fn shared_labels_from(row: &Row, mut start: usize) -> Vec<LabelAt> {
    let mut found = Vec::new();
    while start < row.words.len() {
        match best_label_from(row, start, may_share_a_row) {
            Some(label) => {
                start = label.start + label.words.max(1);
                found.push(label);
            }
            None => start += 1,
        }
    }
    found
}

/// The label starting at word `start`, unless one starting a word later
/// reads with fewer errors (`준 생년월일:` is the name's last syllable, then
/// the label).
fn best_label_from(
    row: &Row,
    start: usize,
    allowed: impl Fn(LabelTarget) -> bool,
) -> Option<LabelAt> {
    let here = label_at(row, start).filter(|l| allowed(l.target))?;
    match label_at(row, start + 1).filter(|l| allowed(l.target)) {
        Some(next) if next.errors < here.errors => Some(next),
        _ => Some(here),
    }
}

/// A value as read: its words (and characters to skip at the front of the
/// first) and the row it starts on.
#[derive(Debug, Clone)]
pub(super) struct RawValue {
    pub(super) key: BusinessKey,
    pub(super) words: Vec<Word>,
    pub(super) errors: usize,
    /// The row its label is on.
    pub(super) row: usize,
}

impl RawValue {
    pub(super) fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn conf(&self) -> f32 {
        if self.words.is_empty() {
            return 0.0;
        }
        let mean = self.words.iter().map(|w| w.conf).sum::<f32>() / self.words.len() as f32;
        mean * 0.9f32.powi(self.errors as i32)
    }

    pub(super) fn rect(&self) -> Rect {
        words_rect(&self.words)
    }
}

/// The words of `row` from word `from` (skipping `skip` characters of it)
/// to word `to`, without what OCR made of the colon and the marks around
/// the value: up to a colon among its first two words (`ㆍ :`, `_ :`), and
/// stray marks at either end (`정정 |`, `박예나-`).
pub(super) fn value_words(row: &Row, from: usize, skip: usize, to: usize) -> Vec<Word> {
    let mut words: Vec<Word> = row.words[from.min(to)..to].to_vec();
    if let Some(first) = words.first_mut() {
        if skip > 0 {
            first.text = first.text.chars().skip(skip).collect();
        }
    }
    if let Some(colon) = words
        .iter()
        .take(2)
        .rposition(|w| w.text.ends_with([':', '：']))
    {
        words.drain(..=colon);
    }
    while let Some(first) = words.first_mut() {
        first.text = first.text.trim_start_matches(is_leading_stray).to_owned();
        if !first.text.is_empty() {
            break;
        }
        words.remove(0);
    }
    while let Some(last) = words.last_mut() {
        last.text = last.text.trim_end_matches(is_stray_mark).to_owned();
        if !last.text.is_empty() {
            break;
        }
        words.pop();
    }
    words
}

/// A trade name without what OCR kept of its label's bracket
/// (`법인명(단체명)`) when the name follows the label closely:
/// `(단체몇주)해맑은테크` and `( 단 체 명주)초록미용실` were the bracket and
/// `(주)…`. The bracket is the longest start that reads `(단체명` with one
/// error at most (after the label's first word, when OCR read that too:
/// [`without_label_word`]); a corporate mark it left without its opening
/// bracket (`주)`) gets it back.
pub(super) fn without_label_bracket(text: &str) -> String {
    const BRACKET: &str = "(단체명";
    let text = without_label_word(text);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bracket_chars = (2..=BRACKET.chars().count() + 1)
        .filter_map(|n| {
            let start: String = compact.chars().take(n).collect();
            let errors = edit_distance(&start, BRACKET);
            (start.starts_with('(') && start.chars().count() == n && errors <= 1)
                .then_some((errors, n))
        })
        .min_by_key(|&(errors, n)| (errors, std::cmp::Reverse(n)));
    let Some((_, n)) = bracket_chars else {
        return text.to_owned();
    };
    // Skip `n` characters that are not white space.
    let mut seen = 0;
    let rest = text.trim_start_matches(|c: char| {
        if seen == n {
            return c.is_whitespace();
        }
        seen += usize::from(!c.is_whitespace());
        true
    });
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || is_leading_stray(c));
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(mark), Some(')')) if is_hangul(mark) => format!("({rest}"),
        _ => rest.to_owned(),
    }
}

/// A trade name without the label's first word, when OCR read the label
/// letter by letter as part of the value (`법 인 명 ( 단 체 명:) (주)…`):
/// three characters that read `법인명` with one error at most, then its
/// bracket.
fn without_label_word(text: &str) -> &str {
    const WORD: &str = "법인명";
    let mut letters = text.char_indices().filter(|(_, c)| !c.is_whitespace());
    let word: String = letters.by_ref().take(3).map(|(_, c)| c).collect();
    match letters.next() {
        Some((at, '(')) if edit_distance(&word, WORD) <= 1 => &text[at..],
        _ => text,
    }
}

/// What OCR may read before a value that no value starts with: separators,
/// stray marks, and the closing bracket of the corporate label (`(단체명)`).
pub(super) fn is_leading_stray(c: char) -> bool {
    is_separator(c) || is_stray_mark(c) || matches!(c, ')' | '}' | ']')
}

/// Marks OCR reads from specks, the seal's ring or a misread colon, which
/// no value starts or ends with.
pub(super) fn is_stray_mark(c: char) -> bool {
    matches!(
        c,
        '|' | '「'
            | '」'
            | '『'
            | '』'
            | '-'
            | '_'
            | '~'
            | '。'
            | '”'
            | '“'
            | '"'
            | '\''
            | '*'
            | '＊'
            | 'ㆍ'
            | '·'
            | '•'
            | '`'
            | '^'
            | '!'
            | '['
            | '…'
    )
}
