//! Lets a Korean LSTM model answer every Hangul syllable of KS X 1001.
//!
//! Takes the bytes of a `.traineddata` file and gives the bytes of the same
//! model with more syllables it may output; the network is not touched.
//!
//! Why: Tesseract's LSTM models do not emit Hangul syllables whole. Their
//! recoder writes each syllable as three codes (initial consonant, vowel,
//! final consonant or none) and the network outputs those codes; the beam
//! search then accepts only code sequences that spell a syllable of the
//! model's unicharset. Debian's `kor` model lists 1076 of the 2350
//! syllables of KS X 1001 (the set Korean text is written in), so it can
//! never answer `뜸` (`으뜸`, a common word in trade names) although its
//! network outputs each of `ㄸ`, `ㅡ` and `ㅁ`. Adding a syllable to the
//! unicharset and its three codes to the recoder lets the beam search
//! spell it.
//!
//! Only syllables whose three jamo the model already outputs are added,
//! with the code the model gives each jamo in its own syllables: a jamo no
//! listed syllable uses has no output of the network to stand for it.

use std::collections::HashMap;

/// What keeps a model from being widened: its bytes are not a
/// `.traineddata` file of the layout Tesseract 4 and 5 write, or not a
/// recoded LSTM model.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a Tesseract LSTM model that can be widened: {0}")]
pub struct WidenError(&'static str);

/// The model widened, and how many syllables were added.
#[derive(Debug)]
pub struct Widened {
    pub traineddata: Vec<u8>,
    pub added: usize,
}

/// The component numbers of `.traineddata` (Tesseract's `TessdataType`).
const UNICHARSET_COMPONENT: usize = 21;
const RECODER_COMPONENT: usize = 22;

/// The Hangul syllables block: 19 initials × 21 vowels × 28 finals
/// (the first final being "none"), in Unicode's order.
const FIRST_SYLLABLE: u32 = 0xAC00;
const VOWELS: u32 = 21;
const FINALS: u32 = 28;
const SYLLABLES: u32 = 19 * VOWELS * FINALS;

/// Adds to `traineddata`'s unicharset and recoder each syllable of
/// KS X 1001 it lacks and can spell (see the module's documentation).
/// A model without Hangul is given back unchanged, with nothing added.
pub fn widen_hangul(traineddata: &[u8]) -> Result<Widened, WidenError> {
    let mut components = split_components(traineddata)?;
    let (Some(unicharset), Some(recoder)) = (
        components
            .get(UNICHARSET_COMPONENT)
            .and_then(Option::as_ref),
        components.get(RECODER_COMPONENT).and_then(Option::as_ref),
    ) else {
        return Err(WidenError("no LSTM unicharset and recoder"));
    };
    let mut unicharset = Unicharset::parse(unicharset)?;
    let mut recoder = parse_recoder(recoder)?;
    if recoder.len() != unicharset.entries.len() {
        return Err(WidenError("recoder and unicharset differ in length"));
    }
    let jamo = JamoCodes::learn(&unicharset.entries, &recoder)?;
    let listed: std::collections::HashSet<char> = unicharset
        .entries
        .iter()
        .filter_map(|line| single_char(entry_text(line)))
        .collect();
    let mut added = 0;
    for syllable in ks_x_1001_syllables() {
        if listed.contains(&syllable) {
            continue;
        }
        if let Some(codes) = jamo.spell(syllable) {
            let id = unicharset.entries.len();
            unicharset.entries.push(syllable_entry(syllable, id));
            recoder.push(RecodedChar {
                self_normalized: 1,
                codes: codes.to_vec(),
            });
            added += 1;
        }
    }
    components[UNICHARSET_COMPONENT] = Some(unicharset.serialize());
    components[RECODER_COMPONENT] = Some(serialize_recoder(&recoder));
    Ok(Widened {
        traineddata: join_components(&components),
        added,
    })
}

/// A `.traineddata` file's components by number: an `i32` count, that many
/// `i64` offsets (-1 for a component that is absent), then the components'
/// bytes in order, each running to the next present one's offset.
fn split_components(data: &[u8]) -> Result<Vec<Option<Vec<u8>>>, WidenError> {
    const TOO_SHORT: WidenError = WidenError("truncated component table");
    let count = data
        .get(..4)
        .map(|b| i32::from_le_bytes(b.try_into().expect("4 bytes")))
        .ok_or(TOO_SHORT)?;
    let count = usize::try_from(count)
        .ok()
        .filter(|n| (1..=64).contains(n))
        .ok_or(WidenError("implausible component count"))?;
    let table_end = 4 + 8 * count;
    let offsets: Vec<i64> = data
        .get(4..table_end)
        .ok_or(TOO_SHORT)?
        .chunks_exact(8)
        .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    let mut components = vec![None; count];
    for (number, &offset) in offsets.iter().enumerate() {
        if offset < 0 {
            continue;
        }
        let end = offsets[number + 1..]
            .iter()
            .find(|&&o| o >= 0)
            .copied()
            .unwrap_or(data.len() as i64);
        let (Ok(start), Ok(end)) = (usize::try_from(offset), usize::try_from(end)) else {
            return Err(WidenError("negative component offset"));
        };
        if start < table_end || start > end || end > data.len() {
            return Err(WidenError("component offsets out of order"));
        }
        components[number] = Some(data[start..end].to_vec());
    }
    Ok(components)
}

/// The inverse of [`split_components`].
fn join_components(components: &[Option<Vec<u8>>]) -> Vec<u8> {
    let table_end = 4 + 8 * components.len();
    let mut offsets = Vec::with_capacity(components.len());
    let mut position = table_end as i64;
    for component in components {
        match component {
            Some(bytes) => {
                offsets.push(position);
                position += bytes.len() as i64;
            }
            None => offsets.push(-1),
        }
    }
    let mut data = Vec::with_capacity(position as usize);
    data.extend_from_slice(&(components.len() as i32).to_le_bytes());
    for offset in offsets {
        data.extend_from_slice(&offset.to_le_bytes());
    }
    for bytes in components.iter().flatten() {
        data.extend_from_slice(bytes);
    }
    data
}

/// An LSTM unicharset: a line with the count, one line per character
/// (the character first, then its properties), and whatever follows.
struct Unicharset {
    entries: Vec<String>,
    rest: Vec<String>,
}

impl Unicharset {
    fn parse(bytes: &[u8]) -> Result<Unicharset, WidenError> {
        let text = std::str::from_utf8(bytes).map_err(|_| WidenError("unicharset not UTF-8"))?;
        let mut lines = text.split('\n').map(str::to_owned);
        let count: usize = lines
            .next()
            .and_then(|line| line.trim().parse().ok())
            .ok_or(WidenError("unicharset without its count"))?;
        let entries: Vec<String> = lines.by_ref().take(count).collect();
        if entries.len() != count {
            return Err(WidenError("unicharset shorter than its count"));
        }
        Ok(Unicharset {
            entries,
            rest: lines.collect(),
        })
    }

    fn serialize(&self) -> Vec<u8> {
        let count = self.entries.len().to_string();
        std::iter::once(&count)
            .chain(&self.entries)
            .chain(&self.rest)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    }
}

/// A unicharset line's character (the text before its first space).
fn entry_text(line: &str) -> &str {
    line.split(' ').next().unwrap_or_default()
}

fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    chars.next().filter(|_| chars.next().is_none())
}

/// A unicharset line for a Hangul syllable with id `id`, as Tesseract's
/// training tools write one: alphabetic, no typographic ranges, script
/// Hangul, its own other case, left to right, its own mirror, normalised
/// to itself.
fn syllable_entry(syllable: char, id: usize) -> String {
    format!(
        "{syllable} 1 0,255,0,255,0,0,0,0,0,0 Hangul {id} 0 {id} {syllable}\t# {syllable} [{:x} ]x",
        u32::from(syllable)
    )
}

/// One character's codes in the recoder.
struct RecodedChar {
    self_normalized: i8,
    codes: Vec<i32>,
}

/// The recoder as Tesseract serialises it: a `u32` count, then per
/// character an `i8` flag, an `i32` length and that many `i32` codes.
fn parse_recoder(bytes: &[u8]) -> Result<Vec<RecodedChar>, WidenError> {
    const TRUNCATED: WidenError = WidenError("truncated recoder");
    let mut rest = bytes;
    let mut take = |n: usize| -> Result<&[u8], WidenError> {
        if rest.len() < n {
            return Err(TRUNCATED);
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
    let mut chars = Vec::with_capacity(count.min(bytes.len() / 5));
    for _ in 0..count {
        let self_normalized = take(1)?[0] as i8;
        let length = i32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        let length = usize::try_from(length)
            .ok()
            .filter(|&n| n <= 9)
            .ok_or(WidenError("implausible code length"))?;
        let codes = take(4 * length)?
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect();
        chars.push(RecodedChar {
            self_normalized,
            codes,
        });
    }
    if !rest.is_empty() {
        return Err(WidenError("bytes after the recoder"));
    }
    Ok(chars)
}

fn serialize_recoder(chars: &[RecodedChar]) -> Vec<u8> {
    let mut bytes = (chars.len() as u32).to_le_bytes().to_vec();
    for char in chars {
        bytes.push(char.self_normalized as u8);
        bytes.extend_from_slice(&(char.codes.len() as i32).to_le_bytes());
        for code in &char.codes {
            bytes.extend_from_slice(&code.to_le_bytes());
        }
    }
    bytes
}

/// The code a model gives each initial, vowel and final it outputs,
/// learnt from the syllables it lists.
struct JamoCodes {
    initials: HashMap<u32, i32>,
    vowels: HashMap<u32, i32>,
    finals: HashMap<u32, i32>,
}

impl JamoCodes {
    fn learn(entries: &[String], recoder: &[RecodedChar]) -> Result<JamoCodes, WidenError> {
        let mut jamo = JamoCodes {
            initials: HashMap::new(),
            vowels: HashMap::new(),
            finals: HashMap::new(),
        };
        for (line, recoded) in entries.iter().zip(recoder) {
            let Some((initial, vowel, last)) = single_char(entry_text(line)).and_then(decompose)
            else {
                continue;
            };
            let [a, b, c] = recoded.codes[..] else {
                return Err(WidenError("a syllable not recoded as three codes"));
            };
            for (codes, part, code) in [
                (&mut jamo.initials, initial, a),
                (&mut jamo.vowels, vowel, b),
                (&mut jamo.finals, last, c),
            ] {
                if *codes.entry(part).or_insert(code) != code {
                    return Err(WidenError("one jamo recoded two ways"));
                }
            }
        }
        Ok(jamo)
    }

    /// The three codes of `syllable`, when the model outputs each of its
    /// jamo.
    fn spell(&self, syllable: char) -> Option<[i32; 3]> {
        let (initial, vowel, last) = decompose(syllable)?;
        Some([
            *self.initials.get(&initial)?,
            *self.vowels.get(&vowel)?,
            *self.finals.get(&last)?,
        ])
    }
}

/// A Hangul syllable's initial, vowel and final (0 for none) indices.
fn decompose(syllable: char) -> Option<(u32, u32, u32)> {
    let offset = u32::from(syllable).checked_sub(FIRST_SYLLABLE)?;
    (offset < SYLLABLES).then_some((
        offset / (VOWELS * FINALS),
        offset / FINALS % VOWELS,
        offset % FINALS,
    ))
}

/// The 2350 Hangul syllables of KS X 1001, decoded from their EUC-KR
/// codes (rows 0xB0-0xC8, cells 0xA1-0xFE).
fn ks_x_1001_syllables() -> impl Iterator<Item = char> {
    (0xB0u8..=0xC8).flat_map(|row| {
        (0xA1u8..=0xFE).filter_map(move |cell| {
            let code = [row, cell];
            let (text, _, malformed) = encoding_rs::EUC_KR.decode(&code);
            single_char(&text).filter(|c| !malformed && decompose(*c).is_some())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOREAN_MODEL: &str = "/usr/share/tesseract-ocr/5/tessdata/kor.traineddata";

    fn system_korean_model() -> Vec<u8> {
        std::fs::read(KOREAN_MODEL).expect("tesseract-ocr-kor installed")
    }

    fn syllables_of(traineddata: &[u8]) -> (Vec<String>, Vec<RecodedChar>) {
        let components = split_components(traineddata).unwrap();
        let unicharset =
            Unicharset::parse(components[UNICHARSET_COMPONENT].as_ref().unwrap()).unwrap();
        let recoder = parse_recoder(components[RECODER_COMPONENT].as_ref().unwrap()).unwrap();
        (unicharset.entries, recoder)
    }

    fn codes_of(entries: &[String], recoder: &[RecodedChar], text: &str) -> Vec<i32> {
        let id = entries
            .iter()
            .position(|line| entry_text(line) == text)
            .unwrap_or_else(|| panic!("{text} listed"));
        recoder[id].codes.clone()
    }

    #[test]
    fn ks_x_1001_has_2350_syllables_in_unicode_order() {
        let syllables: Vec<char> = ks_x_1001_syllables().collect();
        assert_eq!(syllables.len(), 2350);
        assert_eq!(syllables[0], '가');
        assert_eq!(syllables[2349], '힝');
        assert!(syllables.windows(2).all(|w| w[0] < w[1]));
        assert!(syllables.contains(&'뜸'));
    }

    #[test]
    fn decomposes_syllables_into_unicode_jamo_indices() {
        assert_eq!(decompose('가'), Some((0, 0, 0)));
        assert_eq!(decompose('뜸'), Some((4, 18, 16)));
        assert_eq!(decompose('힣'), Some((18, 20, 27)));
        assert_eq!(decompose('A'), None);
        assert_eq!(decompose('ㄱ'), None);
    }

    #[test]
    fn components_split_and_join_to_the_same_bytes() {
        let model = system_korean_model();
        assert_eq!(join_components(&split_components(&model).unwrap()), model);
    }

    #[test]
    fn the_korean_model_gains_the_syllables_it_can_spell() {
        let model = system_korean_model();
        let (before, _) = syllables_of(&model);
        assert!(!before.iter().any(|line| entry_text(line) == "뜸"));

        let widened = widen_hangul(&model).unwrap();
        let (after, recoder) = syllables_of(&widened.traineddata);
        assert_eq!(after.len(), before.len() + widened.added);
        assert!(widened.added > 1000, "added {}", widened.added);
        // The entries the model had keep their ids.
        assert_eq!(after[..before.len()], before[..]);
        // 뜸 is spelt with 뜨's initial and vowel and 음's final.
        let tteu = codes_of(&after, &recoder, "뜨");
        let eum = codes_of(&after, &recoder, "음");
        assert_eq!(
            codes_of(&after, &recoder, "뜸"),
            vec![tteu[0], tteu[1], eum[2]]
        );
        // Every other component is the model's own.
        let old = split_components(&model).unwrap();
        let new = split_components(&widened.traineddata).unwrap();
        for (number, (a, b)) in old.iter().zip(&new).enumerate() {
            if number != UNICHARSET_COMPONENT && number != RECODER_COMPONENT {
                assert_eq!(a, b, "component {number}");
            }
        }
        // Widening again adds nothing.
        assert_eq!(widen_hangul(&widened.traineddata).unwrap().added, 0);
    }

    #[test]
    fn a_model_without_hangul_gains_nothing() {
        let english = std::fs::read("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata")
            .expect("tesseract-ocr-eng installed");
        assert_eq!(widen_hangul(&english).unwrap().added, 0);
    }

    #[test]
    fn damaged_models_are_refused() {
        let model = system_korean_model();
        assert!(widen_hangul(&[]).is_err());
        assert!(widen_hangul(&model[..100]).is_err());
        assert!(widen_hangul(&model[..model.len() / 2]).is_err());
        let mut no_count = model.clone();
        no_count[..4].copy_from_slice(&1000i32.to_le_bytes());
        assert!(widen_hangul(&no_count).is_err());
    }
}
