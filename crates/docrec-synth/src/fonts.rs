//! Fonts loaded from the system at run time, and how they are split into
//! groups.
//!
//! Takes: a [`Face`] (one of the fonts the generator draws with), or a
//! [`FaceGroup`] and a [`Role`] with a random generator.
//! Gives: a parsed [`FontArc`], loaded once per process and cached, or
//! [`SynthError::FontMissing`] naming the Debian package that ships the file;
//! [`Face::in_group`] and [`pick`]: the faces a renderer may use for a role
//! in a group.
//!
//! No font file is embedded in the repository. Each face has a list of
//! candidate paths (the Debian locations first); a directory named by the
//! environment variable `DOCREC_FONT_DIR`, if set, is searched first by file
//! name, so the generator also runs where fonts live elsewhere. Noto CJK
//! faces are one index of a `.ttc` collection (in `NotoSansCJK-*.ttc` the
//! order is JP, KR, SC, TC, HK, then the Mono faces in the same order: index
//! 1 is Sans KR, 6 is Sans Mono KR; the tests read the name table to check).
//!
//! # Groups
//!
//! Every face belongs to one [`FaceGroup`], and every face of a family
//! (all its weights and widths: one design) to the same group, so that the
//! `validation` and `test` groups show glyph shapes nothing was tuned on.
//! `docs/synthetic-groups.md` gives the reasons; in short:
//!
//! | role | development | validation | test |
//! |---|---|---|---|
//! | [`Role::Body`] (Hangul text) | NanumGothic, NanumMyeongjo, NanumBarunGothic, NanumSquare, Baekmuk Dotum, Baekmuk Batang, UnDotum, UnBatang, Noto Sans CJK KR | Baekmuk Gulim, Noto Serif CJK KR, NanumSquareRound, UnGraphic, LexiGulim, UnJamoBatang, UnTaza | NanumSquare_ac, LexiSaebom, UnJamoSora, UnShinmun, UnJamoDotum, UnDinaru |
//! | [`Role::Title`] (bold Hangul) | the bold weights of the same families (Baekmuk in its one weight) | Baekmuk Gulim, Noto Serif CJK KR SemiBold/Bold, NanumSquareRound B/EB, UnGraphic Bold, LexiGulim, UnJamoBatang | NanumSquare_ac B/EB, LexiSaebom, UnShinmun, Baekmuk Headline, UnDinaru Bold |
//! | [`Role::CardNumber`] (card digits) | OCR-A (regular, bold, condensed), OCR-B (regular, sharp), DejaVu Sans Mono Bold, DejaVu Sans Bold and Condensed Bold, Liberation Mono Bold, Liberation Sans Bold, FreeMono Bold, Noto Sans CJK KR Bold | FreeSans Bold, Noto Sans Mono CJK KR, Baekmuk Gulim, UnTaza, Noto Serif CJK KR Bold, NanumSquareRound EB | DejaVu Serif Bold, Liberation Serif Bold, FreeSerif Bold, NanumGothicCoding, NanumSquare_ac EB, Baekmuk Headline |
//! | [`Role::CardText`] (Latin on cards) | DejaVu Sans, DejaVu Sans Bold, Liberation Sans Bold, Noto Sans CJK KR, NanumGothic Bold, NanumSquare B | FreeSans Bold, Noto Serif CJK KR Bold, NanumSquareRound B, UnGraphic Bold, LexiGulim | DejaVu Serif Bold, Liberation Serif Bold, FreeSerif Bold, NanumSquare_ac B, LexiSaebom |
//! | [`Role::Mrz`] (a passport MRZ not in OCR-B) | DejaVu Sans Mono, Liberation Mono, FreeMono | Noto Sans Mono CJK KR, UnTaza | NanumGothicCoding |
//!
//! Brand marks (VISA, JCB, UnionPay, mastercard, AMERICAN EXPRESS) are
//! logos: they are drawn the same way in every group, in Liberation Sans.
//! Likewise a passport's MRZ is printed in OCR-B, the face ICAO prescribes,
//! in every group ([`ICAO_MRZ_FACES`], most pages); [`Role::Mrz`] faces
//! print the rest.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use ab_glyph::{Font, FontArc, FontVec, PxScale};
use rand::Rng;

use crate::SynthError;

/// Environment variable naming an extra directory searched first for font files.
pub const FONT_DIR_ENV: &str = "DOCREC_FONT_DIR";

/// Which share of the faces and layout variants a document is drawn from:
/// `Development` is tuned and trained on, `Validation` is reported but
/// never tuned on, `Test` is looked at once, at the end.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum FaceGroup {
    #[default]
    Development,
    Validation,
    Test,
}

impl FaceGroup {
    pub const ALL: [FaceGroup; 3] = [
        FaceGroup::Development,
        FaceGroup::Validation,
        FaceGroup::Test,
    ];

    /// `development`, `validation` or `test`.
    pub fn as_str(self) -> &'static str {
        match self {
            FaceGroup::Development => "development",
            FaceGroup::Validation => "validation",
            FaceGroup::Test => "test",
        }
    }
}

impl fmt::Display for FaceGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FaceGroup {
    type Err = SynthError;

    /// `development` (or `dev`), `validation` or `test`, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(FaceGroup::Development),
            "validation" => Ok(FaceGroup::Validation),
            "test" => Ok(FaceGroup::Test),
            _ => Err(SynthError::UnknownGroup(s.to_owned())),
        }
    }
}

/// What a face is drawn for; each role needs its own glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Running Hangul text of a document (with digits, Latin and
    /// punctuation): ID-card fields, certificate rows.
    Body,
    /// Bold Hangul: titles, issuers, Hangul bank names and card labels.
    Title,
    /// A credit card's number, expiry and (embossed) cardholder name:
    /// digits, `/` and capitals.
    CardNumber,
    /// Small Latin text on a card: bank names, `VALID THRU`, products;
    /// a foreign passport's visual zone.
    CardText,
    /// A passport's machine-readable zone when it is not printed in OCR-B
    /// ([`ICAO_MRZ_FACES`]): monospaced capitals, digits and `<`.
    Mrz,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Body,
        Role::Title,
        Role::CardNumber,
        Role::CardText,
        Role::Mrz,
    ];
}

/// The faces of OCR-B (`fonts-ocr-b`, regular and sharp), which ICAO
/// prescribes for machine-readable zones: drawn in every group, as brand
/// marks are, though the family is development's.
pub const ICAO_MRZ_FACES: [Face; 2] = [Face::OcrB, Face::OcrBSharp];

/// Where a face comes from and what it is for.
struct FaceSpec {
    /// The face's full name, as truth records give it.
    name: &'static str,
    /// The design it belongs to; a family is in exactly one group.
    family: &'static str,
    group: FaceGroup,
    roles: &'static [Role],
    package: &'static str,
    /// Index of the face in a `.ttc` collection (0 for single fonts).
    index: u32,
    paths: &'static [&'static str],
}

/// Declares [`Face`], [`Face::ALL`] and each face's [`FaceSpec`] from one
/// table, so that a face cannot be listed without its group and roles.
macro_rules! faces {
    ($($face:ident: $name:literal, $family:literal, $group:ident, [$($role:ident),*],
        $package:literal, $index:literal, [$($path:literal),+];)*) => {
        /// Every font face the generator draws with (see the module's table).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Face {
            $($face,)*
        }

        impl Face {
            /// All faces, e.g. to check an installation.
            pub const ALL: &'static [Face] = &[$(Face::$face,)*];

            fn spec(self) -> FaceSpec {
                match self {
                    $(Face::$face => FaceSpec {
                        name: $name,
                        family: $family,
                        group: FaceGroup::$group,
                        roles: &[$(Role::$role),*],
                        package: $package,
                        index: $index,
                        paths: &[$($path),+],
                    },)*
                }
            }
        }
    };
}

faces! {
    // Development: card digits.
    OcrA: "OCR-A", "OCR-A", Development, [CardNumber], "fonts-ocr-a", 0,
        ["/usr/share/fonts/truetype/ocr-a/OCRA.ttf"];
    OcrABold: "OCR-A Bold", "OCR-A", Development, [CardNumber], "fonts-ocr-a", 0,
        ["/usr/share/fonts/truetype/ocr-a/OCRABold.ttf"];
    OcrACondensed: "OCR-A Condensed", "OCR-A", Development, [CardNumber], "fonts-ocr-a", 0,
        ["/usr/share/fonts/truetype/ocr-a/OCRACondensed.ttf"];
    OcrB: "OCR-B", "OCR-B", Development, [CardNumber], "fonts-ocr-b", 0,
        ["/usr/share/fonts/opentype/ocr-b/OCRB.otf", "/usr/share/fonts/truetype/ocr-b/OCRB.otf"];
    OcrBSharp: "OCR-B Sharp", "OCR-B", Development, [CardNumber], "fonts-ocr-b", 0,
        ["/usr/share/fonts/opentype/ocr-b/OCRBS.otf"];
    DejaVuSansMonoBold: "DejaVu Sans Mono Bold", "DejaVu Sans Mono", Development, [CardNumber],
        "fonts-dejavu-core", 0,
        ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
         "/usr/share/fonts/dejavu/DejaVuSansMono-Bold.ttf"];
    DejaVuSans: "DejaVu Sans", "DejaVu Sans", Development, [CardText], "fonts-dejavu-core", 0,
        ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"];
    DejaVuSansBold: "DejaVu Sans Bold", "DejaVu Sans", Development, [CardNumber, CardText],
        "fonts-dejavu-core", 0,
        ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"];
    DejaVuSansCondensedBold: "DejaVu Sans Condensed Bold", "DejaVu Sans", Development,
        [CardNumber], "fonts-dejavu-extra", 0,
        ["/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"];
    LiberationMonoBold: "Liberation Mono Bold", "Liberation Mono", Development, [CardNumber],
        "fonts-liberation2", 0,
        ["/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf"];
    LiberationSansBold: "Liberation Sans Bold", "Liberation Sans", Development,
        [CardNumber, CardText], "fonts-liberation2", 0,
        ["/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"];
    // Brand marks only (logos, the same in every group).
    LiberationSansBoldItalic: "Liberation Sans Bold Italic", "Liberation Sans", Development, [],
        "fonts-liberation2", 0,
        ["/usr/share/fonts/truetype/liberation2/LiberationSans-BoldItalic.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSans-BoldItalic.ttf"];
    FreeMonoBold: "FreeMono Bold", "FreeMono", Development, [CardNumber], "fonts-freefont-ttf", 0,
        ["/usr/share/fonts/truetype/freefont/FreeMonoBold.ttf"];
    // Development: passport MRZs not in OCR-B.
    DejaVuSansMono: "DejaVu Sans Mono", "DejaVu Sans Mono", Development, [Mrz],
        "fonts-dejavu-core", 0,
        ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
         "/usr/share/fonts/dejavu/DejaVuSansMono.ttf"];
    LiberationMono: "Liberation Mono", "Liberation Mono", Development, [Mrz], "fonts-liberation2", 0,
        ["/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"];
    FreeMono: "FreeMono", "FreeMono", Development, [Mrz], "fonts-freefont-ttf", 0,
        ["/usr/share/fonts/truetype/freefont/FreeMono.ttf"];
    // Development: Hangul.
    NanumGothic: "NanumGothic", "NanumGothic", Development, [Body], "fonts-nanum", 0,
        ["/usr/share/fonts/truetype/nanum/NanumGothic.ttf"];
    NanumGothicLight: "NanumGothic Light", "NanumGothic", Development, [Body],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumGothicLight.ttf"];
    NanumGothicBold: "NanumGothic Bold", "NanumGothic", Development, [Title, CardText],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"];
    NanumGothicExtraBold: "NanumGothic ExtraBold", "NanumGothic", Development, [Title],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumGothicExtraBold.ttf"];
    NanumMyeongjo: "NanumMyeongjo", "NanumMyeongjo", Development, [Body], "fonts-nanum", 0,
        ["/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf"];
    NanumMyeongjoBold: "NanumMyeongjo Bold", "NanumMyeongjo", Development, [Title],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumMyeongjoBold.ttf"];
    NanumMyeongjoExtraBold: "NanumMyeongjo ExtraBold", "NanumMyeongjo", Development, [Title],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumMyeongjoExtraBold.ttf"];
    NanumBarunGothic: "NanumBarunGothic", "NanumBarunGothic", Development, [Body],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf"];
    NanumBarunGothicLight: "NanumBarunGothic Light", "NanumBarunGothic", Development, [Body],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumBarunGothicLight.ttf"];
    NanumBarunGothicBold: "NanumBarunGothic Bold", "NanumBarunGothic", Development, [Title],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf"];
    NanumSquareR: "NanumSquare", "NanumSquare", Development, [Body], "fonts-nanum", 0,
        ["/usr/share/fonts/truetype/nanum/NanumSquareR.ttf"];
    NanumSquareL: "NanumSquare Light", "NanumSquare", Development, [Body], "fonts-nanum-extra", 0,
        ["/usr/share/fonts/truetype/nanum/NanumSquareL.ttf"];
    NanumSquareB: "NanumSquare Bold", "NanumSquare", Development, [Title, CardText],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumSquareB.ttf"];
    NanumSquareEB: "NanumSquare ExtraBold", "NanumSquare", Development, [Title],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumSquareEB.ttf"];
    BaekmukDotum: "Baekmuk Dotum", "Baekmuk Dotum", Development, [Body, Title], "fonts-baekmuk", 0,
        ["/usr/share/fonts/truetype/baekmuk/dotum.ttf"];
    BaekmukBatang: "Baekmuk Batang", "Baekmuk Batang", Development, [Body, Title],
        "fonts-baekmuk", 0, ["/usr/share/fonts/truetype/baekmuk/batang.ttf"];
    UnDotum: "UnDotum", "UnDotum", Development, [Body], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf"];
    UnDotumBold: "UnDotum Bold", "UnDotum", Development, [Title], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnDotumBold.ttf"];
    UnBatang: "UnBatang", "UnBatang", Development, [Body], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnBatang.ttf"];
    UnBatangBold: "UnBatang Bold", "UnBatang", Development, [Title], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnBatangBold.ttf"];
    NotoSansKrDemiLight: "Noto Sans CJK KR DemiLight", "Noto Sans CJK KR", Development, [Body],
        "fonts-noto-cjk-extra", 1, ["/usr/share/fonts/opentype/noto/NotoSansCJK-DemiLight.ttc"];
    NotoSansKr: "Noto Sans CJK KR", "Noto Sans CJK KR", Development, [Body, CardText],
        "fonts-noto-cjk", 1, ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"];
    NotoSansKrMedium: "Noto Sans CJK KR Medium", "Noto Sans CJK KR", Development, [Body, Title],
        "fonts-noto-cjk-extra", 1, ["/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc"];
    NotoSansKrBold: "Noto Sans CJK KR Bold", "Noto Sans CJK KR", Development,
        [Title, CardNumber, CardText], "fonts-noto-cjk", 1,
        ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"];
    NotoSansKrBlack: "Noto Sans CJK KR Black", "Noto Sans CJK KR", Development, [Title],
        "fonts-noto-cjk-extra", 1, ["/usr/share/fonts/opentype/noto/NotoSansCJK-Black.ttc"];

    // Validation.
    FreeSansBold: "FreeSans Bold", "FreeSans", Validation, [CardNumber, CardText],
        "fonts-freefont-ttf", 0, ["/usr/share/fonts/truetype/freefont/FreeSansBold.ttf"];
    NotoSansMonoKr: "Noto Sans Mono CJK KR", "Noto Sans Mono CJK KR", Validation,
        [CardNumber, Mrz],
        "fonts-noto-cjk", 6, ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"];
    NotoSansMonoKrBold: "Noto Sans Mono CJK KR Bold", "Noto Sans Mono CJK KR", Validation,
        [CardNumber], "fonts-noto-cjk", 6, ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"];
    BaekmukGulim: "Baekmuk Gulim", "Baekmuk Gulim", Validation, [Body, Title, CardNumber],
        "fonts-baekmuk", 0, ["/usr/share/fonts/truetype/baekmuk/gulim.ttf"];
    NotoSerifKr: "Noto Serif CJK KR", "Noto Serif CJK KR", Validation, [Body], "fonts-noto-cjk", 1,
        ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"];
    NotoSerifKrMedium: "Noto Serif CJK KR Medium", "Noto Serif CJK KR", Validation, [Body],
        "fonts-noto-cjk-extra", 1, ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Medium.ttc"];
    NotoSerifKrSemiBold: "Noto Serif CJK KR SemiBold", "Noto Serif CJK KR", Validation, [Title],
        "fonts-noto-cjk-extra", 1, ["/usr/share/fonts/opentype/noto/NotoSerifCJK-SemiBold.ttc"];
    NotoSerifKrBold: "Noto Serif CJK KR Bold", "Noto Serif CJK KR", Validation,
        [Title, CardNumber, CardText], "fonts-noto-cjk", 1,
        ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"];
    NanumSquareRoundR: "NanumSquareRound", "NanumSquareRound", Validation, [Body], "fonts-nanum", 0,
        ["/usr/share/fonts/truetype/nanum/NanumSquareRoundR.ttf"];
    NanumSquareRoundB: "NanumSquareRound Bold", "NanumSquareRound", Validation, [Title, CardText],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumSquareRoundB.ttf"];
    NanumSquareRoundEB: "NanumSquareRound ExtraBold", "NanumSquareRound", Validation,
        [Title, CardNumber], "fonts-nanum-extra", 0,
        ["/usr/share/fonts/truetype/nanum/NanumSquareRoundEB.ttf"];
    UnGraphic: "UnGraphic", "UnGraphic", Validation, [Body], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnGraphic.ttf"];
    UnGraphicBold: "UnGraphic Bold", "UnGraphic", Validation, [Title, CardText],
        "fonts-unfonts-core", 0, ["/usr/share/fonts/truetype/unfonts-core/UnGraphicBold.ttf"];
    LexiGulim: "LexiGulim", "LexiGulim", Validation, [Body, Title, CardText], "fonts-lexi-gulim", 0,
        ["/usr/share/fonts/truetype/lexi/LexiGulim.ttf"];
    UnJamoBatang: "UnJamoBatang", "UnJamoBatang", Validation, [Body, Title],
        "fonts-unfonts-extra", 0, ["/usr/share/fonts/truetype/unfonts-extra/UnJamoBatang.ttf"];
    UnTaza: "UnTaza", "UnTaza", Validation, [Body, CardNumber, Mrz], "fonts-unfonts-extra", 0,
        ["/usr/share/fonts/truetype/unfonts-extra/UnTaza.ttf"];

    // Test.
    DejaVuSerifBold: "DejaVu Serif Bold", "DejaVu Serif", Test, [CardNumber, CardText],
        "fonts-dejavu-core", 0, ["/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"];
    LiberationSerifBold: "Liberation Serif Bold", "Liberation Serif", Test, [CardNumber, CardText],
        "fonts-liberation2", 0,
        ["/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"];
    FreeSerifBold: "FreeSerif Bold", "FreeSerif", Test, [CardNumber, CardText],
        "fonts-freefont-ttf", 0, ["/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf"];
    NanumGothicCoding: "NanumGothicCoding", "NanumGothicCoding", Test, [CardNumber, Mrz],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumGothicCoding.ttf"];
    NanumGothicCodingBold: "NanumGothicCoding Bold", "NanumGothicCoding", Test, [CardNumber],
        "fonts-nanum", 0, ["/usr/share/fonts/truetype/nanum/NanumGothicCodingBold.ttf"];
    NanumSquareAcR: "NanumSquare_ac", "NanumSquare_ac", Test, [Body], "fonts-nanum-extra", 0,
        ["/usr/share/fonts/truetype/nanum/NanumSquare_acR.ttf"];
    NanumSquareAcL: "NanumSquare_ac Light", "NanumSquare_ac", Test, [Body], "fonts-nanum-extra", 0,
        ["/usr/share/fonts/truetype/nanum/NanumSquare_acL.ttf"];
    NanumSquareAcB: "NanumSquare_ac Bold", "NanumSquare_ac", Test, [Title, CardText],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumSquare_acB.ttf"];
    NanumSquareAcEB: "NanumSquare_ac ExtraBold", "NanumSquare_ac", Test, [Title, CardNumber],
        "fonts-nanum-extra", 0, ["/usr/share/fonts/truetype/nanum/NanumSquare_acEB.ttf"];
    LexiSaebom: "LexiSaebom", "LexiSaebom", Test, [Body, Title, CardText], "fonts-lexi-saebom", 0,
        ["/usr/share/fonts/truetype/lexi/LexiSaebomR.ttf"];
    UnJamoSora: "UnJamoSora", "UnJamoSora", Test, [Body], "fonts-unfonts-extra", 0,
        ["/usr/share/fonts/truetype/unfonts-extra/UnJamoSora.ttf"];
    UnJamoDotum: "UnJamoDotum", "UnJamoDotum", Test, [Body], "fonts-unfonts-extra", 0,
        ["/usr/share/fonts/truetype/unfonts-extra/UnJamoDotum.ttf"];
    UnShinmun: "UnShinmun", "UnShinmun", Test, [Body, Title], "fonts-unfonts-extra", 0,
        ["/usr/share/fonts/truetype/unfonts-extra/UnShinmun.ttf"];
    UnDinaru: "UnDinaru", "UnDinaru", Test, [Body], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnDinaru.ttf"];
    UnDinaruBold: "UnDinaru Bold", "UnDinaru", Test, [Title], "fonts-unfonts-core", 0,
        ["/usr/share/fonts/truetype/unfonts-core/UnDinaruBold.ttf"];
    BaekmukHeadline: "Baekmuk Headline", "Baekmuk Headline", Test, [Title, CardNumber],
        "fonts-baekmuk", 0, ["/usr/share/fonts/truetype/baekmuk/hline.ttf"];
}

impl Face {
    /// The face's full name, as truth records give it (e.g. `OCR-B`,
    /// `NanumGothic Bold`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The design the face belongs to (e.g. `NanumGothic` for all its
    /// weights); a family is in one group only.
    pub fn family(self) -> &'static str {
        self.spec().family
    }

    pub fn group(self) -> FaceGroup {
        self.spec().group
    }

    /// What the face may be drawn for.
    pub fn roles(self) -> &'static [Role] {
        self.spec().roles
    }

    /// Debian package that installs the font.
    pub fn debian_package(self) -> &'static str {
        self.spec().package
    }

    /// Candidate paths, most likely first.
    pub fn candidates(self) -> &'static [&'static str] {
        self.spec().paths
    }

    /// The faces of `group` that may play `role`, in [`Face::ALL`]'s order.
    pub fn in_group(group: FaceGroup, role: Role) -> Vec<Face> {
        Face::ALL
            .iter()
            .copied()
            .filter(|f| f.group() == group && f.roles().contains(&role))
            .collect()
    }
}

/// A face of `group` for `role`: a family first (each family of the group
/// that plays the role equally likely), then one of its faces for the role.
pub fn pick(rng: &mut impl Rng, group: FaceGroup, role: Role) -> Face {
    let faces = Face::in_group(group, role);
    let mut families: Vec<&str> = Vec::new();
    for face in &faces {
        if !families.contains(&face.family()) {
            families.push(face.family());
        }
    }
    let family = families[rng.gen_range(0..families.len())];
    pick_in_family(rng, &faces, family)
}

/// A face of `group` for `role` in the family of `like` when that family
/// plays the role (a bold title beside its regular body), else [`pick`].
pub fn pick_like(rng: &mut impl Rng, group: FaceGroup, role: Role, like: Face) -> Face {
    let faces = Face::in_group(group, role);
    if faces.iter().any(|f| f.family() == like.family()) {
        pick_in_family(rng, &faces, like.family())
    } else {
        pick(rng, group, role)
    }
}

fn pick_in_family(rng: &mut impl Rng, faces: &[Face], family: &str) -> Face {
    let members: Vec<Face> = faces
        .iter()
        .copied()
        .filter(|f| f.family() == family)
        .collect();
    members[rng.gen_range(0..members.len())]
}

/// Whether `font` draws every character of `text` but spaces: a glyph
/// that is not `.notdef` and not empty (some faces map Hanja to blank
/// glyphs).
pub fn covers(font: &FontArc, text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || draws(font, c))
}

/// Whether `font` has a visible glyph for `c`.
pub fn draws(font: &FontArc, c: char) -> bool {
    let glyph = font.glyph_id(c);
    glyph.0 != 0 && font.outline_glyph(glyph.with_scale(40.0)).is_some()
}

fn cache() -> &'static Mutex<HashMap<Face, FontArc>> {
    static CACHE: OnceLock<Mutex<HashMap<Face, FontArc>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn candidate_paths(face: Face) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(dir) = std::env::var_os(FONT_DIR_ENV) {
        for c in face.candidates() {
            if let Some(name) = Path::new(c).file_name() {
                paths.push(Path::new(&dir).join(name));
            }
        }
    }
    paths.extend(face.candidates().iter().map(PathBuf::from));
    paths
}

/// Loads (once) and returns a font face.
pub fn load(face: Face) -> Result<FontArc, SynthError> {
    if let Some(f) = cache().lock().unwrap_or_else(|e| e.into_inner()).get(&face) {
        return Ok(f.clone());
    }
    let tried = candidate_paths(face);
    for path in &tried {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let font: FontArc = FontVec::try_from_vec_and_index(bytes, face.spec().index)
            .map_err(|_| SynthError::FontInvalid { path: path.clone() })?
            .into();
        cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(face, font.clone());
        return Ok(font);
    }
    Err(SynthError::FontMissing {
        font: face.name(),
        package: face.debian_package(),
        tried,
    })
}

/// Checks that every face loads; returns the first failure.
pub fn check_all() -> Result<(), SynthError> {
    Face::ALL.iter().try_for_each(|f| load(*f).map(|_| ()))
}

/// Glyph-box height in pixels of `reference` (e.g. '8' or 'H') drawn at a
/// [`PxScale`] of 1.0; divide a wanted cap/digit height by it to get the scale.
pub fn height_per_scale(font: &FontArc, reference: char) -> f32 {
    const PROBE: f32 = 200.0;
    let glyph = font
        .glyph_id(reference)
        .with_scale_and_position(PxScale::from(PROBE), ab_glyph::point(0.0, 0.0));
    match font.outline_glyph(glyph) {
        Some(g) => {
            let b = g.px_bounds();
            ((b.max.y - b.min.y) / PROBE).max(0.3)
        }
        None => 0.7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn all_faces_load() {
        check_all().expect("fonts installed (see Face::debian_package)");
        let f = load(Face::OcrB).unwrap();
        let h = height_per_scale(&f, '8');
        assert!(h > 0.5 && h < 0.9, "{h}");
    }

    #[test]
    fn missing_font_error_names_package() {
        let e = SynthError::FontMissing {
            font: Face::OcrA.name(),
            package: Face::OcrA.debian_package(),
            tried: vec![],
        };
        assert!(e.to_string().contains("fonts-ocr-a"));
    }

    /// Every Hangul syllable the renderers can draw: those in their
    /// sources (word lists and labels) and in the rules' region and
    /// licence-class names.
    fn hangul_drawn() -> String {
        let sources = [
            include_str!("id_card.rs"),
            include_str!("business.rs"),
            include_str!("credit_card.rs"),
            include_str!("passport/holder.rs"),
            include_str!("passport/content.rs"),
            include_str!("passport/page.rs"),
        ];
        let mut all: String = sources.concat();
        for (_, name) in docrec_rules::driver_license::REGIONS {
            all.push_str(name);
        }
        for class in docrec_rules::driver_license::CLASSES {
            all.push_str(class);
        }
        let set: std::collections::BTreeSet<char> = all
            .chars()
            .filter(|c| ('\u{AC00}'..='\u{D7A3}').contains(c))
            .collect();
        set.into_iter().collect()
    }

    /// What each role draws.
    fn needed(role: Role) -> String {
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let digits = "0123456789";
        match role {
            Role::Body => format!(
                "{}{}{upper}{}-.,:()/@",
                hangul_drawn(),
                digits,
                upper.to_lowercase()
            ),
            // A Korean passport's heading: `대한민국  REPUBLIC OF KOREA`.
            Role::Title => format!("{}{digits}{upper}-.()", hangul_drawn()),
            Role::CardNumber => format!("{digits}/-{upper}"),
            // A foreign passport's names and labels: `O'BRIEN`,
            // `SMITH-JONES`, `Passport No.`, `21.03.2023`.
            Role::CardText => format!("{upper}{}{digits}/.'-", upper.to_lowercase()),
            Role::Mrz => format!("{digits}{upper}<"),
        }
    }

    #[test]
    fn every_face_draws_the_glyphs_of_its_roles() {
        for group in FaceGroup::ALL {
            for role in Role::ALL {
                let faces = Face::in_group(group, role);
                assert!(!faces.is_empty(), "{group} has no face for {role:?}");
                let text = needed(role);
                for face in faces {
                    let font = load(face).unwrap();
                    for c in text.chars() {
                        assert!(draws(&font, c), "{} does not draw {c:?}", face.name());
                    }
                }
            }
        }
    }

    #[test]
    fn blank_glyphs_do_not_count_as_drawn() {
        // NanumSquare maps Hanja to empty glyphs.
        let square = load(Face::NanumSquareR).unwrap();
        assert!(square.glyph_id('金').0 != 0);
        assert!(!covers(&square, "金"));
        assert!(covers(&load(Face::NanumGothic).unwrap(), "金 李"));
    }

    #[test]
    fn groups_are_disjoint_by_family() {
        let mut group_of: HashMap<&str, FaceGroup> = HashMap::new();
        for face in Face::ALL {
            let group = *group_of.entry(face.family()).or_insert(face.group());
            assert_eq!(group, face.group(), "{} splits its family", face.name());
        }
        let names: HashSet<&str> = Face::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Face::ALL.len(), "two faces share a name");
        for group in FaceGroup::ALL {
            assert_eq!(group.to_string().parse::<FaceGroup>().unwrap(), group);
        }
        assert_eq!("dev".parse::<FaceGroup>().unwrap(), FaceGroup::Development);
        assert!("training".parse::<FaceGroup>().is_err());
    }

    /// The full name (name ID 4, Windows UTF-16) of face `index` of a
    /// font collection or single font.
    fn full_name(bytes: &[u8], index: u32) -> String {
        let u16_at = |o: usize| u16::from_be_bytes([bytes[o], bytes[o + 1]]) as usize;
        let u32_at = |o: usize| u32::from_be_bytes(bytes[o..o + 4].try_into().unwrap()) as usize;
        let table_dir = if &bytes[..4] == b"ttcf" {
            u32_at(12 + 4 * index as usize)
        } else {
            0
        };
        let tables = u16_at(table_dir + 4);
        let name = (0..tables)
            .map(|i| table_dir + 12 + 16 * i)
            .find(|&record| &bytes[record..record + 4] == b"name")
            .map(|record| u32_at(record + 8))
            .expect("a name table");
        let (count, strings) = (u16_at(name + 2), name + u16_at(name + 4));
        for i in 0..count {
            let r = name + 6 + 12 * i;
            if u16_at(r) == 3 && u16_at(r + 6) == 4 {
                let (len, off) = (u16_at(r + 8), u16_at(r + 10));
                let units: Vec<u16> = bytes[strings + off..strings + off + len]
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                return String::from_utf16_lossy(&units);
            }
        }
        String::new()
    }

    #[test]
    fn collection_faces_are_the_korean_ones() {
        for face in Face::ALL.iter().filter(|f| f.spec().index > 0) {
            let path = candidate_paths(*face)
                .into_iter()
                .find(|p| p.exists())
                .unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let name = full_name(&bytes, face.spec().index);
            assert!(name.contains(" KR"), "{}: {name}", face.name());
            let mono = name.contains("Mono");
            assert_eq!(mono, face.family().contains("Mono"), "{name}");
        }
    }

    #[test]
    fn picks_stay_in_the_group() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for group in FaceGroup::ALL {
            for role in Role::ALL {
                for _ in 0..20 {
                    let face = pick(&mut rng, group, role);
                    assert_eq!(face.group(), group);
                    assert!(face.roles().contains(&role));
                }
            }
            let title = pick_like(&mut rng, group, Role::Title, Face::NanumGothic);
            assert_eq!(title.group(), group);
        }
        let bold = pick_like(
            &mut rng,
            FaceGroup::Development,
            Role::Title,
            Face::NanumMyeongjo,
        );
        assert_eq!(bold.family(), "NanumMyeongjo");
    }
}
