//! One initialised Tesseract instance.
//!
//! [`Engine::read`] takes an 8-bit grayscale image and a page segmentation
//! mode and gives the [`Word`]s Tesseract found, with boxes in that image's
//! pixels and confidences in [0, 1]. The mode is set on every call, because
//! settings persist on an engine that the pool hands to many callers.
//! Each engine counts its recognitions and the time they took
//! ([`Engine::tally`]), so that callers can say where a document's time
//! went.

use std::ffi::CString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use image::GrayImage;
use tesseract::plumbing::tesseract_sys::{
    TessOcrEngineMode_OEM_LSTM_ONLY, TessPageIteratorLevel_RIL_TEXTLINE,
};
use tesseract::plumbing::TessBaseApi;
use tesseract::PageSegMode;

use crate::canonical::canonical_text;
use crate::geometry::Rect;

/// Where the engine's language data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// A tessdata folder; `None` uses the system's (Debian:
    /// `/usr/share/tesseract-ocr/5/tessdata`).
    pub tessdata_dir: Option<PathBuf>,
    /// Languages joined with `+`, e.g. `eng` or `kor+eng`.
    pub languages: String,
    /// Extra models loaded from memory (shipped inside the binary), read
    /// with [`Engine::read_with`].
    pub models: Vec<EmbeddedModel>,
    /// Other languages of the tessdata folder, one name each, each started
    /// on its own (e.g. `kor` for Korean documents, read without `eng`'s
    /// Latin guesses), read with [`Engine::read_with`] by the same name.
    /// A model with Hangul is widened to every syllable of KS X 1001
    /// ([`crate::hangul`]).
    pub extra_languages: Vec<String>,
}

/// A `.traineddata` file's bytes and the name it is read by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedModel {
    pub name: &'static str,
    pub data: &'static [u8],
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            tessdata_dir: None,
            languages: "eng".to_owned(),
            models: Vec::new(),
            extra_languages: Vec::new(),
        }
    }
}

/// Tesseract's page segmentation modes that docrec uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegMode {
    /// One uniform block of text (PSM 6).
    Block,
    /// A single line (PSM 7).
    Line,
    /// As much text as possible in no particular order (PSM 11).
    Sparse,
    /// A single line as it is, without looking for text in it (PSM 13).
    RawLine,
    /// A single character (PSM 10).
    Char,
}

impl SegMode {
    fn tesseract(self) -> PageSegMode {
        match self {
            SegMode::Block => PageSegMode::PsmSingleBlock,
            SegMode::Line => PageSegMode::PsmSingleLine,
            SegMode::Sparse => PageSegMode::PsmSparseText,
            SegMode::RawLine => PageSegMode::PsmRawLine,
            SegMode::Char => PageSegMode::PsmSingleChar,
        }
    }
}

/// A word as Tesseract read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    /// Tesseract's word confidence scaled to [0, 1].
    pub conf: f32,
    /// The word's box in the pixels of the image given to [`Engine::read`].
    pub rect: Rect,
    /// Which text line the word belongs to: (block, paragraph, line).
    pub line: (u32, u32, u32),
}

/// A failure of the engine itself (not of the document).
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("tesseract could not load language data {languages:?}{}: install tesseract-ocr-eng / tesseract-ocr-kor or set DOCREC_TESSDATA_DIR", .dir.as_ref().map(|d| format!(" from {}", d.display())).unwrap_or_default())]
    Init {
        languages: String,
        dir: Option<PathBuf>,
    },
    #[error("tesseract rejected the image: {0}")]
    Image(String),
    #[error("tesseract failed to recognise the image")]
    Recognize,
    #[error("tesseract returned output that could not be read: {0}")]
    Output(String),
    #[error("no OCR engine became free within {0:?}")]
    PoolTimeout(std::time::Duration),
}

/// The name recognitions with the configured languages are traced by.
const MAIN_MODEL: &str = "main";

/// Tesseract instances, initialised once and reused: one for the
/// configured languages and one per embedded model.
pub struct Engine {
    api: TessBaseApi,
    /// The embedded models and extra languages, by name.
    models: Vec<(String, TessBaseApi)>,
    tally: EngineTally,
}

/// How many times an engine's Tesseract instances recognised an image,
/// and for how long, since the engine started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineTally {
    pub recognitions: u64,
    pub busy: Duration,
}

impl EngineTally {
    /// What was added since `earlier`, a tally of the same engine.
    pub fn since(self, earlier: EngineTally) -> EngineTally {
        EngineTally {
            recognitions: self.recognitions - earlier.recognitions,
            busy: self.busy.saturating_sub(earlier.busy),
        }
    }
}

impl Engine {
    /// Starts Tesseract with the configured languages and models (LSTM
    /// engine only).
    pub fn new(config: &EngineConfig) -> Result<Engine, OcrError> {
        let init_error = |languages: &str| OcrError::Init {
            languages: languages.to_owned(),
            dir: config.tessdata_dir.clone(),
        };
        let datapath = match &config.tessdata_dir {
            Some(dir) => Some(
                CString::new(dir.to_string_lossy().as_bytes())
                    .map_err(|_| init_error(&config.languages))?,
            ),
            None => None,
        };
        silence_leptonica();
        let start_language = |languages: &str| -> Result<TessBaseApi, OcrError> {
            let name = CString::new(languages.as_bytes()).map_err(|_| init_error(languages))?;
            let mut api = TessBaseApi::create();
            api.init_4(
                datapath.as_deref(),
                Some(&name),
                TessOcrEngineMode_OEM_LSTM_ONLY,
            )
            .map_err(|_| init_error(languages))?;
            Ok(api)
        };
        let api = start_language(&config.languages)?;
        let mut models = Vec::with_capacity(config.models.len() + config.extra_languages.len());
        for model in &config.models {
            let name = CString::new(model.name).map_err(|_| init_error(model.name))?;
            let mut model_api = TessBaseApi::create();
            model_api
                .init_1(model.data, Some(&name), TessOcrEngineMode_OEM_LSTM_ONLY)
                .map_err(|_| init_error(model.name))?;
            models.push((model.name.to_owned(), model_api));
        }
        for language in &config.extra_languages {
            models.push((language.clone(), start_widened(config, language)?));
        }
        let mut engine = Engine {
            api,
            models,
            tally: EngineTally::default(),
        };
        // Tesseract writes diagnostics ("Estimating resolution as …") to
        // stderr; they would interleave with the server's structured logs.
        engine.set("debug_file", "/dev/null")?;
        Ok(engine)
    }

    /// The recognitions so far and the time they took.
    pub fn tally(&self) -> EngineTally {
        self.tally
    }

    /// Whether an embedded model or extra language of this name was
    /// loaded.
    pub fn has_model(&self, name: &str) -> bool {
        self.models.iter().any(|(n, _)| n == name)
    }

    fn set(&mut self, name: &str, value: &str) -> Result<(), OcrError> {
        let name_c = CString::new(name).map_err(|_| OcrError::Output(name.to_owned()))?;
        let value_c = CString::new(value).map_err(|_| OcrError::Output(value.to_owned()))?;
        for api in std::iter::once(&mut self.api).chain(self.models.iter_mut().map(|(_, a)| a)) {
            api.set_variable(&name_c, &value_c)
                .map_err(|_| OcrError::Output(format!("unknown tesseract variable {name}")))?;
        }
        Ok(())
    }

    /// Reads `image` in the given mode with the configured languages.
    pub fn read(&mut self, image: &GrayImage, mode: SegMode) -> Result<Vec<Word>, OcrError> {
        read_with_api(&mut self.api, &mut self.tally, MAIN_MODEL, image, mode)
    }

    /// Reads `image` with the embedded model or extra language `model`, or
    /// with the configured languages when no such model was loaded.
    pub fn read_with(
        &mut self,
        model: &str,
        image: &GrayImage,
        mode: SegMode,
    ) -> Result<Vec<Word>, OcrError> {
        let (api, tally) = self.api_for(model);
        read_with_api(api, tally, model, image, mode)
    }

    /// The API of the embedded model or extra language `model`, or that of
    /// the configured languages when no such model was loaded; and the
    /// tally its recognitions count in.
    fn api_for(&mut self, model: &str) -> (&mut TessBaseApi, &mut EngineTally) {
        let api = match self.models.iter_mut().find(|(n, _)| n == model) {
            Some((_, api)) => api,
            None => &mut self.api,
        };
        (api, &mut self.tally)
    }

    /// Where `image` has lines of text, found by Tesseract's layout
    /// analysis alone in `mode` (no line is recognised): the lines' boxes
    /// in the image's pixels, in reading order. A fraction of the time of
    /// reading the image (about 23 ms for a card's 1000-pixel view, 7 ms
    /// at half its width, against 90-120 ms to read it), so that a
    /// recognizer can read only the lines it needs.
    pub fn text_lines(&mut self, image: &GrayImage, mode: SegMode) -> Result<Vec<Rect>, OcrError> {
        let (width, height) = image.dimensions();
        if width < 3 || height < 3 {
            return Ok(Vec::new());
        }
        let api = &mut self.api;
        give_image(api, image, mode)?;
        let started = Instant::now();
        let boxes = api.get_component_images_1(TessPageIteratorLevel_RIL_TEXTLINE, 1);
        let took = started.elapsed();
        self.tally.busy += took;
        tracing::trace!(
            ?mode,
            width,
            height,
            micros = took.as_micros() as u64,
            "tesseract layout"
        );
        // An image without text has no components: no lines, not a failure.
        let Ok(boxes) = boxes else {
            return Ok(Vec::new());
        };
        let mut lines = Vec::with_capacity(boxes.get_count().max(0) as usize);
        for index in 0..boxes.get_count() {
            let Some(found) = boxes.get_box_copied(index) else {
                continue;
            };
            let (mut x, mut y, mut w, mut h) = (0, 0, 0, 0);
            found.get_geometry(Some(&mut x), Some(&mut y), Some(&mut w), Some(&mut h));
            if w > 0 && h > 0 {
                lines.push(Rect::new(x, y, w as u32, h as u32));
            }
        }
        Ok(lines)
    }

    /// Reads `image` as [`Engine::read_with`] does, then joins the words
    /// that the recognised text does not separate by a space. Tesseract's
    /// Korean model gives syllables as separate words (`한`, `강`,
    /// `베이커리`) while its text keeps the printed spacing (`한강베이커리`).
    pub fn read_spaced_with(
        &mut self,
        model: &str,
        image: &GrayImage,
        mode: SegMode,
    ) -> Result<Vec<Word>, OcrError> {
        let (api, tally) = self.api_for(model);
        let words = read_with_api(api, tally, model, image, mode)?;
        if words.is_empty() {
            return Ok(words);
        }
        let text = api
            .get_utf8_text()
            .map_err(|_| OcrError::Output("no UTF-8 text".to_owned()))?;
        let text = text
            .as_ref()
            .to_str()
            .map_err(|e| OcrError::Output(e.to_string()))?;
        Ok(join_unspaced(words, &canonical_text(text)))
    }
}

/// One character of a line as the model read it, with the characters it
/// weighed in its place: what a field's checks may choose among.
#[derive(Debug, Clone, PartialEq)]
pub struct CharChoices {
    /// The character read (canonical, [`crate::canonical`]).
    pub chosen: char,
    /// Which word of the line the character belongs to (0 for the first):
    /// characters of one word share it.
    pub word: usize,
    /// Every character the model weighed there with its confidence (0-1),
    /// as the model lists them (the chosen one first, as a rule); just the
    /// chosen one when the model listed none.
    pub alternatives: Vec<(char, f32)>,
    /// The columns (left, right: pixels of the image read) the model
    /// placed the character at, when it said.
    pub columns: Option<(u32, u32)>,
}

impl Engine {
    /// Reads `image` as one line with `model` (as [`Engine::read_with`]
    /// does) and gives each character read with the alternatives the LSTM
    /// weighed for it (Tesseract's `lstm_choice_mode` 2, read from its
    /// hOCR with `hocr_char_boxes`). The model's other readings are not
    /// affected: both are switched off again after the line.
    pub fn read_line_choices(
        &mut self,
        model: &str,
        image: &GrayImage,
    ) -> Result<Vec<CharChoices>, OcrError> {
        let (width, height) = image.dimensions();
        if width < 3 || height < 3 {
            return Ok(Vec::new());
        }
        let (api, tally) = self.api_for(model);
        // The choices, and a span per character to hang them on.
        let set = |api: &mut TessBaseApi, on: bool| {
            let (mode, boxes) = if on { (c"2", c"1") } else { (c"0", c"0") };
            api.set_variable(c"lstm_choice_mode", mode)
                .and_then(|()| api.set_variable(c"hocr_char_boxes", boxes))
                .map_err(|_| OcrError::Output("no lstm_choice_mode".to_owned()))
        };
        set(api, true)?;
        let hocr = hocr_of_line(api, tally, model, image);
        set(api, false)?;
        Ok(parse_hocr_choices(&hocr?))
    }
}

/// The hOCR of `image` read as one line.
fn hocr_of_line(
    api: &mut TessBaseApi,
    tally: &mut EngineTally,
    model: &str,
    image: &GrayImage,
) -> Result<String, OcrError> {
    recognize_image(api, tally, model, image, SegMode::Line)?;
    let hocr = api
        .get_hocr_text(0)
        .map_err(|_| OcrError::Output("no hOCR text".to_owned()))?;
    hocr.as_ref()
        .to_str()
        .map(str::to_owned)
        .map_err(|e| OcrError::Output(e.to_string()))
}

/// The characters of an hOCR page with LSTM choices: each character span
/// (`title='x_bboxes …; x_conf 98.9'`) and the choice spans that follow it
/// (`title='x_confs 92.6'`) up to the next character, each with the index
/// of its word (`ocrx_word` span). White space, and spans of more than one
/// character, are left out.
fn parse_hocr_choices(hocr: &str) -> Vec<CharChoices> {
    // Each character with the confidence of its own span.
    let mut chars: Vec<(CharChoices, f32)> = Vec::new();
    let words = hocr.split("<span class='ocrx_word'").skip(1);
    let spans = words.enumerate().flat_map(|(word, text)| {
        text.split("<span class='ocrx_cinfo'")
            .skip(1)
            .map(move |span| (word, span))
    });
    for (word, span) in spans {
        let Some((title, text)) = span_title_and_text(span) else {
            continue;
        };
        let text = html_escape::decode_html_entities(text);
        let mut text_chars = text.chars();
        let (Some(c), None) = (text_chars.next(), text_chars.next()) else {
            continue;
        };
        let c = crate::canonical::canonical_char(c);
        if c.is_whitespace() {
            continue;
        }
        if let Some(conf) = title_number(title, "x_confs") {
            if let Some((last, _)) = chars.last_mut() {
                if !last.alternatives.iter().any(|(a, _)| *a == c) {
                    last.alternatives.push((c, conf / 100.0));
                }
            }
        } else if let Some(conf) = title_number(title, "x_conf") {
            let choices = CharChoices {
                chosen: c,
                word,
                alternatives: Vec::new(),
                columns: title_columns(title),
            };
            chars.push((choices, conf / 100.0));
        }
    }
    chars
        .into_iter()
        .map(|(mut choices, conf)| {
            if choices.alternatives.is_empty() {
                choices.alternatives.push((choices.chosen, conf));
            }
            for alternative in &mut choices.alternatives {
                alternative.1 = alternative.1.clamp(0.0, 1.0);
            }
            choices
        })
        .collect()
}

/// A span's `title` attribute and its text, from what follows
/// `<span class='ocrx_cinfo'`.
fn span_title_and_text(span: &str) -> Option<(&str, &str)> {
    let title = &span[span.find("title='")? + 7..];
    let (title, rest) = title.split_at(title.find('\'')?);
    let text = rest[rest.find('>')? + 1..].split('<').next()?;
    Some((title, text))
}

/// The left and right of an hOCR title's `x_bboxes left top right bottom`.
fn title_columns(title: &str) -> Option<(u32, u32)> {
    let numbers: Vec<u32> = title_field(title, "x_bboxes")?
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    match numbers[..] {
        [left, _, right, _] => Some((left, right)),
        _ => None,
    }
}

/// The number after `key` in an hOCR title (`x_bboxes 1 2 3 4; x_conf 98.9`).
fn title_number(title: &str, key: &str) -> Option<f32> {
    title_field(title, key)?.next()?.parse().ok()
}

/// The words after `key` in an hOCR title, up to the next `;`.
fn title_field<'a>(title: &'a str, key: &str) -> Option<std::str::SplitWhitespace<'a>> {
    title.split(';').find_map(|part| {
        let mut words = part.split_whitespace();
        (words.next() == Some(key)).then_some(words)
    })
}

/// Joins consecutive words of one line that `text` (the same recognition's
/// text) writes without a space between them: texts concatenated, boxes
/// united, confidences averaged by characters. When the words cannot be
/// followed through the text, they are given back as they are.
fn join_unspaced(words: Vec<Word>, text: &str) -> Vec<Word> {
    let mut rest = text.chars().peekable();
    let mut joined: Vec<(Word, usize)> = Vec::with_capacity(words.len());
    for word in &words {
        let mut spaced = false;
        while let Some(c) = rest.peek() {
            if !c.is_whitespace() {
                break;
            }
            spaced = true;
            rest.next();
        }
        for expected in word.text.chars() {
            // Text outside the words (a character TSV trimmed) gives up.
            if rest.next() != Some(expected) {
                return words;
            }
        }
        let chars = word.text.chars().count();
        match joined.last_mut() {
            Some((last, last_chars)) if !spaced && last.line == word.line => {
                last.text.push_str(&word.text);
                last.rect = last.rect.union(&word.rect);
                last.conf = (last.conf * *last_chars as f32 + word.conf * chars as f32)
                    / (*last_chars + chars) as f32;
                *last_chars += chars;
            }
            _ => joined.push((word.clone(), chars)),
        }
    }
    joined.into_iter().map(|(word, _)| word).collect()
}

fn read_with_api(
    api: &mut TessBaseApi,
    tally: &mut EngineTally,
    model: &str,
    image: &GrayImage,
    mode: SegMode,
) -> Result<Vec<Word>, OcrError> {
    let (width, height) = image.dimensions();
    if width < 3 || height < 3 {
        return Ok(Vec::new());
    }
    recognize_image(api, tally, model, image, mode)?;
    let tsv = api
        .get_tsv_text(0)
        .map_err(|_| OcrError::Output("no TSV text".to_owned()))?;
    let tsv = tsv
        .as_ref()
        .to_str()
        .map_err(|e| OcrError::Output(e.to_string()))?;
    Ok(parse_tsv(tsv))
}

/// Gives `image` to `api` (of `model`) and recognises it in `mode`,
/// counted in `tally` and traced (at `trace` level: the model, mode, size
/// and time, never the text); the results are then read from `api` in the
/// form wanted (TSV, text, hOCR).
fn recognize_image(
    api: &mut TessBaseApi,
    tally: &mut EngineTally,
    model: &str,
    image: &GrayImage,
    mode: SegMode,
) -> Result<(), OcrError> {
    let (width, height) = image.dimensions();
    give_image(api, image, mode)?;
    let started = Instant::now();
    let recognized = api.recognize().map_err(|_| OcrError::Recognize);
    let took = started.elapsed();
    tally.recognitions += 1;
    tally.busy += took;
    tracing::trace!(
        model,
        ?mode,
        width,
        height,
        micros = took.as_micros() as u64,
        "tesseract recognition"
    );
    recognized
}

/// Gives `image` to `api`, to be analysed in `mode` at 300 dpi (the
/// resolution the recognizers scale their text for).
fn give_image(api: &mut TessBaseApi, image: &GrayImage, mode: SegMode) -> Result<(), OcrError> {
    let (width, height) = image.dimensions();
    api.set_page_seg_mode(mode.tesseract().as_tess_page_seg_mode());
    api.set_image(image.as_raw(), width as i32, height as i32, 1, width as i32)
        .map_err(|e| OcrError::Image(format!("{e:?}")))?;
    api.set_source_resolution(300);
    Ok(())
}

/// Leptonica, under Tesseract, prints warnings such as "Error in
/// pixScanForForeground" to stderr for harmless conditions; they would
/// interleave with the structured logs.
fn silence_leptonica() {
    use tesseract::plumbing::leptonica_plumbing::leptonica_sys::{setMsgSeverity, L_SEVERITY_NONE};
    // SAFETY: setMsgSeverity only stores an integer in a global of
    // Leptonica's; it touches no memory of ours.
    unsafe {
        setMsgSeverity(L_SEVERITY_NONE as i32);
    }
}

/// Parses Tesseract's TSV output and keeps the words (level 5) that have
/// text, in canonical form ([`crate::canonical`]). Columns: level, page,
/// block, paragraph, line, word, left, top, width, height, conf, text.
fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.splitn(12, '\t').collect();
            if cols.len() < 12 || cols[0] != "5" {
                return None;
            }
            let text = cols[11].trim();
            if text.is_empty() {
                return None;
            }
            let text = canonical_text(text);
            let num = |i: usize| cols[i].parse::<i64>().ok();
            let conf = cols[10].parse::<f32>().ok()?;
            Some(Word {
                text,
                conf: (conf / 100.0).clamp(0.0, 1.0),
                rect: Rect::new(
                    num(6)? as i32,
                    num(7)? as i32,
                    num(8)?.max(0) as u32,
                    num(9)?.max(0) as u32,
                ),
                line: (num(2)? as u32, num(3)? as u32, num(4)? as u32),
            })
        })
        .collect()
}

/// Where Tesseract's language data is read from when no folder is
/// configured: `TESSDATA_PREFIX` (Tesseract's own variable), else the first
/// of the packaged folders (Debian and Ubuntu's Tesseract 5 and 4, Fedora's)
/// that exists.
const PACKAGED_TESSDATA: [&str; 3] = [
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tesseract/tessdata",
];

fn tessdata_dir(config: &EngineConfig) -> Option<PathBuf> {
    config
        .tessdata_dir
        .clone()
        .or_else(|| std::env::var_os("TESSDATA_PREFIX").map(PathBuf::from))
        .or_else(|| {
            PACKAGED_TESSDATA
                .iter()
                .map(PathBuf::from)
                .find(|dir| dir.is_dir())
        })
}

/// Starts `language` of the tessdata folder from its file's bytes, widened
/// to every Hangul syllable of KS X 1001 it can spell ([`crate::hangul`]).
fn start_widened(config: &EngineConfig, language: &str) -> Result<TessBaseApi, OcrError> {
    let dir = tessdata_dir(config);
    let init_error = || OcrError::Init {
        languages: language.to_owned(),
        dir: dir.clone(),
    };
    let path = dir
        .as_ref()
        .ok_or_else(init_error)?
        .join(format!("{language}.traineddata"));
    let bytes = std::fs::read(&path).map_err(|_| init_error())?;
    let widened = crate::hangul::widen_hangul(&bytes).map_err(|e| {
        tracing::error!(model = %path.display(), "{e}");
        init_error()
    })?;
    if widened.added > 0 {
        tracing::debug!(
            model = %path.display(),
            syllables = widened.added,
            "Hangul syllables added to the model's output"
        );
    }
    let name = CString::new(language).map_err(|_| init_error())?;
    let mut api = TessBaseApi::create();
    api.init_1(
        &widened.traineddata,
        Some(&name),
        TessOcrEngineMode_OEM_LSTM_ONLY,
    )
    .map_err(|_| init_error())?;
    // The extra languages (Korean) read pages flattened to dark text on
    // light paper (ID cards, certificates: `preprocess::flatten_paper`):
    // a line read unsurely is not read again inverted, as Tesseract does by
    // default, at a tenth of a block read's time and a quarter of a hard ID
    // card's. Cards, which print light on dark too, are read with
    // the other models, which still try both.
    api.set_variable(c"tessedit_do_invert", c"0")
        .map_err(|_| init_error())?;
    Ok(api)
}

/// Whether `OMP_THREAD_LIMIT=1` is in this process's environment, as every
/// way of running docrec must arrange (it cannot be set from inside `main`:
/// OpenMP reads it when the library loads).
pub fn omp_thread_limit_is_set() -> bool {
    std::env::var("OMP_THREAD_LIMIT").is_ok_and(|v| v.trim() == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_the_text_writes_together_are_joined() {
        let word = |text: &str, x: i32, line: u32| Word {
            text: text.to_owned(),
            conf: 0.5 + 0.1 * text.chars().count() as f32,
            rect: Rect::new(x, 10 * line as i32, 10, 10),
            line: (1, 1, line),
        };
        let words = vec![
            word("상호", 0, 1),
            word(":", 30, 1),
            word("한", 40, 1),
            word("강", 52, 1),
            word("베이커리", 64, 1),
            word("신규", 0, 2),
        ];
        let joined = join_unspaced(words.clone(), "상호 : 한강베이커리\n신규\n");
        let texts: Vec<&str> = joined.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["상호", ":", "한강베이커리", "신규"]);
        assert_eq!(joined[2].rect, Rect::new(40, 10, 34, 10));
        assert!((joined[2].conf - (0.6 + 0.6 + 0.9 * 4.0) / 6.0).abs() < 1e-6);
        // Spaced text keeps the words; text that does not follow them
        // leaves them alone.
        assert_eq!(
            join_unspaced(words.clone(), "상호 : 한 강 베이커리 X").len(),
            6
        );
        assert_eq!(join_unspaced(words, "전혀 다른 글").len(), 6);
    }

    #[test]
    fn parses_words_from_tsv() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t12\t40\t20\t96.5\t4518\n\
                   5\t1\t1\t1\t1\t2\t60\t12\t40\t20\t91\t1234\n\
                   5\t1\t1\t1\t2\t1\t10\t40\t40\t20\t95\t \n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "4518");
        assert_eq!(words[0].rect, Rect::new(10, 12, 40, 20));
        assert!((words[0].conf - 0.965).abs() < 1e-6);
        assert_eq!(words[1].line, (1, 1, 1));
    }

    /// A line of digits in DejaVu Sans Mono (Debian's fonts-dejavu-core).
    fn render_line(text: &str) -> GrayImage {
        let bytes = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")
            .expect("fonts-dejavu-core installed");
        let font = ab_glyph::FontRef::try_from_slice(&bytes).unwrap();
        let mut img = GrayImage::from_pixel(700, 80, image::Luma([255]));
        imageproc::drawing::draw_text_mut(&mut img, image::Luma([0]), 20, 15, 40.0, &font, text);
        img
    }

    #[test]
    fn engine_reads_a_line_with_word_boxes() {
        let mut engine =
            Engine::new(&EngineConfig::default()).expect("eng language data installed");
        for mode in [SegMode::Line, SegMode::Block, SegMode::Sparse] {
            let words = engine.read(&render_line("4518 1234 5678"), mode).unwrap();
            let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            assert_eq!(texts, ["4518", "1234", "5678"], "{mode:?}");
            assert!(words.iter().all(|w| w.conf > 0.8));
            assert!(words[0].rect.x < words[1].rect.x && words[1].rect.x < words[2].rect.x);
        }
    }

    #[test]
    fn layout_alone_finds_each_line_of_text() {
        let mut engine =
            Engine::new(&EngineConfig::default()).expect("eng language data installed");
        let line = render_line("4518 1234 5678");
        let mut page = GrayImage::from_pixel(700, 240, image::Luma([255]));
        image::imageops::replace(&mut page, &line, 0, 20);
        image::imageops::replace(&mut page, &render_line("12/34"), 0, 140);
        let lines = engine.text_lines(&page, SegMode::Sparse).unwrap();
        assert_eq!(lines.len(), 2, "{lines:?}");
        // The boxes hold the text drawn at x 20, 30-70 pixels below each
        // line's top, and nothing of the other line.
        assert!(
            lines[0].x >= 15 && lines[0].x <= 25 && lines[0].width > 250,
            "{lines:?}"
        );
        assert!(lines[0].y >= 30 && lines[0].bottom() <= 100);
        assert!(lines[1].y >= 150 && lines[1].bottom() <= 220 && lines[1].width < 200);
        let blank = GrayImage::from_pixel(700, 240, image::Luma([255]));
        assert!(engine
            .text_lines(&blank, SegMode::Sparse)
            .unwrap()
            .is_empty());
        // Nothing was recognised: the engine's count of recognitions stays.
        assert_eq!(engine.tally().recognitions, 0);
    }

    #[test]
    fn choices_are_parsed_per_character_from_hocr() {
        let hocr = "<span class='ocrx_word' id='word_1_1' title='bbox 19 12 229 37; x_wconf 3'>\n\
            <span class='ocrx_cinfo' title='x_bboxes 19 12 33 37; x_conf 98.9'>8</span>\n\
            <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>\n\
            <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 82.2'>8</span>\n\
            <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 79.6'>9</span>\n\
            <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 0'>&#39;</span>\n\
            </span>\n\
            <span class='ocrx_cinfo' title='x_bboxes 34 12 48 37; x_conf 67.0'>\u{2014}</span>\n\
            <span class='ocrx_cinfo' title='x_bboxes 49 12 63 37; x_conf 95.0'>7</span>\n\
            </span>\n\
            <span class='ocrx_word' id='word_1_2' title='bbox 70 12 90 37; x_wconf 90'>\n\
            <span class='ocrx_cinfo' title='x_bboxes 70 12 90 37; x_conf 90.0'>4</span>\n";
        let chars = parse_hocr_choices(hocr);
        assert_eq!(chars.len(), 4);
        let words: Vec<usize> = chars.iter().map(|c| c.word).collect();
        assert_eq!(words, [0, 0, 0, 1]);
        assert_eq!(chars[0].chosen, '8');
        let alternatives: Vec<char> = chars[0].alternatives.iter().map(|(c, _)| *c).collect();
        assert_eq!(alternatives, ['8', '9', '\'']);
        assert!((chars[0].alternatives[1].1 - 0.796).abs() < 1e-6);
        // A long dash is a hyphen; a character without choices keeps its own.
        assert_eq!(chars[1].chosen, '-');
        assert_eq!(chars[2].alternatives, vec![('7', 0.95)]);
        // Each character where the model placed it.
        assert_eq!(chars[0].columns, Some((19, 33)));
        assert_eq!(chars[3].columns, Some((70, 90)));
    }

    #[test]
    fn the_english_model_weighs_choices_for_each_digit() {
        let mut engine =
            Engine::new(&EngineConfig::default()).expect("eng language data installed");
        let chars = engine
            .read_line_choices("eng", &render_line("900101-1234568"))
            .unwrap();
        let read: String = chars.iter().map(|c| c.chosen).collect();
        assert_eq!(read, "900101-1234568");
        assert!(chars.iter().all(|c| !c.alternatives.is_empty()));
        // The mode is off again: an ordinary reading is unchanged.
        let words = engine.read(&render_line("4518"), SegMode::Line).unwrap();
        assert_eq!(words[0].text, "4518");
        // Both recognitions were counted; an image too small to read was
        // not given to Tesseract.
        let tally = engine.tally();
        assert_eq!(tally.recognitions, 2);
        assert!(tally.busy > Duration::ZERO);
        engine.read(&GrayImage::new(2, 2), SegMode::Line).unwrap();
        assert_eq!(engine.tally().since(tally), EngineTally::default());
    }

    #[test]
    fn engine_reads_a_blank_page_as_no_words() {
        let mut engine =
            Engine::new(&EngineConfig::default()).expect("eng language data installed");
        let blank = GrayImage::from_pixel(300, 200, image::Luma([255]));
        for mode in [SegMode::Block, SegMode::Sparse] {
            assert!(engine.read(&blank, mode).unwrap().is_empty());
        }
    }

    #[test]
    fn the_korean_model_reads_syllables_its_unicharset_lacks() {
        let bytes = std::fs::read("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
            .expect("fonts-nanum installed");
        let font = ab_glyph::FontRef::try_from_slice(&bytes).unwrap();
        let mut line = GrayImage::from_pixel(260, 64, image::Luma([255]));
        imageproc::drawing::draw_text_mut(
            &mut line,
            image::Luma([0]),
            12,
            10,
            40.0,
            &font,
            "으뜸전자",
        );
        let config = EngineConfig {
            extra_languages: vec!["kor".to_owned()],
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(&config).expect("kor language data installed");
        let words = engine
            .read_spaced_with("kor", &line, SegMode::Line)
            .unwrap();
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        // Debian's model lists no `뜸`: unwidened, it reads `으듬전자`.
        assert_eq!(texts, ["으뜸전자"]);
    }

    #[test]
    fn missing_language_data_is_an_init_error() {
        let config = EngineConfig {
            tessdata_dir: Some(PathBuf::from("/nonexistent")),
            ..EngineConfig::default()
        };
        assert!(matches!(Engine::new(&config), Err(OcrError::Init { .. })));
        let config = EngineConfig {
            extra_languages: vec!["xyz".to_owned()],
            ..EngineConfig::default()
        };
        assert!(matches!(Engine::new(&config), Err(OcrError::Init { .. })));
    }
}
