//! Ground truth records and the `truth.jsonl` file.
//!
//! Takes: the facts the generator chose for an image.
//! Gives: [`CardTruth`], [`BusinessTruth`] and [`IdCardTruth`] (serde, camelCase, one JSON
//! object per line of `truth.jsonl`), the difficulty [`Level`], and helpers
//! to write and read JSON-lines files.

use std::fmt;
use std::io::{BufRead, Write};
use std::path::Path;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::fonts::FaceGroup;
use crate::SynthError;

/// How hard an image is.
///
/// * `Clean`: a flat scan of the card alone, upright.
/// * `Photo`: a phone photo: background, perspective, small rotation, blur,
///   noise, uneven light, JPEG.
/// * `Hard`: the same, stronger, plus glare, a smaller card and a lower
///   resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Clean,
    Photo,
    Hard,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Clean, Level::Photo, Level::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Clean => "clean",
            Level::Photo => "photo",
            Level::Hard => "hard",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = SynthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "clean" => Ok(Level::Clean),
            "photo" => Ok(Level::Photo),
            "hard" => Ok(Level::Hard),
            _ => Err(SynthError::UnknownLevel(s.to_string())),
        }
    }
}

/// The truth for one synthetic credit card image (one line of `truth.jsonl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardTruth {
    /// File name relative to the output directory, e.g. `card-00012.jpg`.
    pub file: String,
    pub level: Level,
    /// `visa`, `mastercard`, `amex`, `jcb`, `discover`, `diners`, `unionpay`
    /// or `domestic`.
    pub brand: String,
    /// `embossed` or `flat`.
    pub style: String,
    /// Face the number is drawn with (e.g. `OCR-B`).
    pub font: String,
    /// The layout variant (e.g. `classic`, `spread`, `minimal`).
    #[serde(default)]
    pub template: String,
    /// The group of faces and templates it was drawn from.
    #[serde(default)]
    pub group: FaceGroup,
    /// All digits, no separators.
    pub total_card_num: String,
    /// The printed groups in order: 4-4-4-4, Amex 4-6-5, Diners 4-6-4,
    /// 19 digits 4-4-4-4-3.
    pub card_nums: Vec<String>,
    /// `MM/YY`.
    pub valid_thru: String,
    /// Whether the document prints a value that fails its check (a
    /// specimen's: a card number failing Luhn, an expiry without a month, a
    /// resident number's check digit or birth date, a licence's region
    /// code, a registration number's check digit; see
    /// [`crate::specimen`]). The values above are what is printed all the
    /// same. Absent (false) in files written before it existed.
    #[serde(default)]
    pub specimen: bool,
    /// Clockwise quarter turn (0, 90, 180 or 270 degrees) applied to the
    /// upright image; rotate the image counter-clockwise by this to undo it.
    pub rotation: u32,
}

/// One key of a document and the value printed for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthKeyValue {
    pub key: String,
    pub value: String,
}

/// The truth for one synthetic business registration certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessTruth {
    /// File name relative to the output directory, e.g. `business-00012.png`.
    pub file: String,
    pub level: Level,
    /// `individual` or `corporate`.
    pub kind: String,
    /// The body text's face.
    pub font: String,
    /// The layout variant (label and title spacing).
    #[serde(default)]
    pub template: String,
    /// The group of faces and templates it was drawn from.
    #[serde(default)]
    pub group: FaceGroup,
    /// The keys of API.md §4.1 the certificate prints, in the API's order.
    pub key_values: Vec<TruthKeyValue>,
    /// Whether the document prints a value that fails its check (a
    /// specimen's: a card number failing Luhn, an expiry without a month, a
    /// resident number's check digit or birth date, a licence's region
    /// code, a registration number's check digit; see
    /// [`crate::specimen`]). The values above are what is printed all the
    /// same. Absent (false) in files written before it existed.
    #[serde(default)]
    pub specimen: bool,
    /// Clockwise quarter turn applied to the upright page (0, 90, 180, 270).
    pub rotation: u32,
}

/// The truth for one synthetic ID card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdCardTruth {
    /// File name relative to the output directory, e.g. `id-card-00012.jpg`.
    pub file: String,
    pub level: Level,
    /// The API's `idType`: `resident`, `driver` or `passport`.
    pub id_type: String,
    /// A licence printing its region as a name (`서울-19-…`).
    pub legacy_region: bool,
    /// The face the text is drawn in (a passport's visual zone).
    pub font: String,
    /// A passport's MRZ face (`OCR-B` mostly); empty, and left out of the
    /// JSON, for ID cards.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mrz_font: String,
    /// The layout variant.
    #[serde(default)]
    pub template: String,
    /// The group of faces and templates it was drawn from.
    #[serde(default)]
    pub group: FaceGroup,
    /// The keys of API.md §4.4 for the type, in its order, as the API gives
    /// them (a passport's: `passportType` … `MRZ2`, see
    /// [`crate::passport`]).
    pub key_values: Vec<TruthKeyValue>,
    /// Whether the document prints a value that fails its check (a
    /// specimen's: a card number failing Luhn, an expiry without a month, a
    /// resident number's check digit or birth date, a licence's region
    /// code, a registration number's check digit; see
    /// [`crate::specimen`]). The values above are what is printed all the
    /// same. Absent (false) in files written before it existed.
    #[serde(default)]
    pub specimen: bool,
    /// The word a passport's page is stamped with across, as specimens
    /// are (`SPECIMEN`, `견본`, ...); empty, and left out of the JSON, when
    /// it is not.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stamp: String,
    /// Clockwise quarter turn applied to the upright card (0, 90, 180, 270).
    pub rotation: u32,
}

/// Writes records as JSON lines (one object per line, `\n` terminated).
pub fn write_jsonl<T: Serialize>(path: &Path, records: &[T]) -> Result<(), SynthError> {
    let file = std::fs::File::create(path).map_err(|e| SynthError::io(path, e))?;
    let mut w = std::io::BufWriter::new(file);
    for r in records {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n").map_err(|e| SynthError::io(path, e))?;
    }
    w.flush().map_err(|e| SynthError::io(path, e))
}

/// Reads a `truth.jsonl` written by [`write_jsonl`] (blank lines skipped).
pub fn read_truth<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, SynthError> {
    let file = std::fs::File::open(path).map_err(|e| SynthError::io(path, e))?;
    let mut out = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| SynthError::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_round_trips() {
        for l in Level::ALL {
            assert_eq!(l.to_string().parse::<Level>().unwrap(), l);
            let j = serde_json::to_string(&l).unwrap();
            assert_eq!(j, format!("\"{l}\""));
        }
        assert_eq!("PHOTO".parse::<Level>().unwrap(), Level::Photo);
        assert!("blurry".parse::<Level>().is_err());
    }

    #[test]
    fn truth_is_camel_case() {
        let t = CardTruth {
            file: "card-00001.png".into(),
            level: Level::Clean,
            brand: "visa".into(),
            style: "flat".into(),
            font: "OCR-B".into(),
            template: "classic".into(),
            group: FaceGroup::Validation,
            total_card_num: "4111111111111111".into(),
            card_nums: vec!["4111".into(); 4],
            valid_thru: "01/30".into(),
            specimen: false,
            rotation: 0,
        };
        let j = serde_json::to_string(&t).unwrap();
        assert!(j.contains("\"totalCardNum\":\"4111111111111111\""), "{j}");
        assert!(j.contains("\"cardNums\":[") && j.contains("\"validThru\":\"01/30\""));
        assert!(j.contains("\"level\":\"clean\""));
        assert!(j.contains("\"group\":\"validation\""), "{j}");
        assert!(j.contains("\"specimen\":false"), "{j}");
        assert_eq!(serde_json::from_str::<CardTruth>(&j).unwrap(), t);
        // Lines written before `specimen` existed read as false.
        let old = j.replace(",\"specimen\":false", "");
        assert!(!old.contains("specimen"), "{old}");
        assert_eq!(serde_json::from_str::<CardTruth>(&old).unwrap(), t);
    }
}
