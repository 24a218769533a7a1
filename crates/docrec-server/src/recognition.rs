//! The recognition pipeline shared by the API and the command line, so both
//! answer the same for the same bytes: type check, safe decode (under a
//! decode permit), an engine from the pool, the recognizer, the API's
//! `result`. It tallies, per kind, the documents read, those settled at
//! their first look (the fast path) and Tesseract's recognitions and time
//! ([`Recognizer::tallies`]): what `/metrics` and `docrec bench` report.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use clap::ValueEnum;

use docrec_errors::ErrorCode;
use docrec_ocr::preprocess::brightest_channel;
use docrec_ocr::{Engine, EnginePool, OcrError, PooledEngine};
use docrec_recognize::api::Resolution;
use docrec_recognize::business::{self, BusinessResult, Unit};
use docrec_recognize::credit_card::{self, CreditCardResult};
use docrec_recognize::id_card::{self, IdCardResult};
use docrec_recognize::{
    recognize_business, recognize_business_text, recognize_credit_card, recognize_id_card,
    DocumentKind, ReadContext, ReadFailure, ScaledBoxes,
};
use docrec_upload::{
    check_type, decode_image, read_pdf_first_page, DecodedImage, FileType, PdfFirstPage, PdfTools,
    UploadLimits,
};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::DynamicImage;
use zeroize::Zeroizing;

use crate::failure::Failure;

/// What the recognizers need: engines, the upload limits, the decode
/// permits and Poppler's tools.
#[derive(Clone)]
pub struct Recognizer {
    pub pool: Arc<EnginePool>,
    pub limits: UploadLimits,
    decoding: Arc<DecodePermits>,
    pdf_tools: Arc<PdfTools>,
    tallies: Arc<[KindTally; Kind::ALL.len()]>,
}

/// The document kinds a recognizer reads, in routes, metrics and `docrec`
/// commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Kind {
    CreditCard,
    /// Business registration certificates (사업자등록증).
    Business,
    /// Resident registration cards (주민등록증), driver's licences
    /// (자동차운전면허증) and passports.
    IdCard,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::CreditCard, Kind::Business, Kind::IdCard];

    /// How long its recognizer may read one document.
    fn read_budget(self) -> Duration {
        match self {
            Kind::CreditCard => credit_card::READ_BUDGET,
            Kind::Business => business::READ_BUDGET,
            Kind::IdCard => id_card::READ_BUDGET,
        }
    }

    /// The recognizers' name for it.
    fn document(self) -> DocumentKind {
        match self {
            Kind::CreditCard => DocumentKind::CreditCard,
            Kind::Business => DocumentKind::Business,
            Kind::IdCard => DocumentKind::IdCard,
        }
    }

    /// Its name in routes, metrics and on the command line
    /// (`credit-card`, `business`, `id-card`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::CreditCard => "credit-card",
            Kind::Business => "business",
            Kind::IdCard => "id-card",
        }
    }
}

/// One kind's counters since the process started.
#[derive(Default)]
struct KindTally {
    documents: AtomicU64,
    first_look: AtomicU64,
    recognitions: AtomicU64,
    busy_micros: AtomicU64,
}

/// What the recognizers did with one kind of document since the process
/// started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindReads {
    /// Documents given to the recognizer (read or not).
    pub documents: u64,
    /// Those answered at their first look, or without OCR (a PDF's text
    /// layer): the fast path.
    pub first_look: u64,
    /// Tesseract's recognitions for them.
    pub recognitions: u64,
    /// The time Tesseract took for them.
    pub busy: Duration,
}

impl std::iter::Sum for KindReads {
    /// The reads of several kinds together.
    fn sum<I: Iterator<Item = KindReads>>(reads: I) -> KindReads {
        reads.fold(KindReads::default(), |sum, kind| KindReads {
            documents: sum.documents + kind.documents,
            first_look: sum.first_look + kind.first_look,
            recognitions: sum.recognitions + kind.recognitions,
            busy: sum.busy + kind.busy,
        })
    }
}

impl KindReads {
    /// What was added since `earlier`, of the same recognizer.
    pub fn since(self, earlier: KindReads) -> KindReads {
        KindReads {
            documents: self.documents - earlier.documents,
            first_look: self.first_look - earlier.first_look,
            recognitions: self.recognitions - earlier.recognitions,
            busy: self.busy.saturating_sub(earlier.busy),
        }
    }
}

/// As many decode permits as engines. A decoded image is the largest thing
/// a request holds (up to `DOCREC_MAX_PIXELS` × 4 bytes, and its grey
/// copy), so an upload is decoded only under a permit, held from before
/// the decode until an engine is taken for the image: at most one image
/// per engine waits decoded, whatever the queue's length.
struct DecodePermits {
    free: Mutex<usize>,
    returned: Condvar,
}

/// One decode permit; given back when dropped.
struct DecodePermit<'a>(&'a DecodePermits);

impl DecodePermits {
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a permit. Each is held for a decode and the wait for an
    /// engine, which the pool bounds.
    fn acquire(&self) -> DecodePermit<'_> {
        let mut free = self
            .returned
            .wait_while(self.lock(), |free| *free == 0)
            .unwrap_or_else(|p| p.into_inner());
        *free -= 1;
        DecodePermit(self)
    }
}

impl Drop for DecodePermit<'_> {
    fn drop(&mut self) {
        *self.0.lock() += 1;
        self.0.returned.notify_one();
    }
}

/// An upload decoded, converted for its recognizer, and an engine for it.
struct Prepared<'a, T> {
    image: T,
    file_type: FileType,
    width: u32,
    height: u32,
    engine: PooledEngine<'a>,
}

/// An ID card read with masking: the API's `result` and the masked copy
/// of the upload, a file wiped from memory when dropped.
pub struct MaskedIdCard {
    pub result: IdCardResult,
    pub file: Zeroizing<Vec<u8>>,
}

/// Types a card upload may be (API.md §3).
const CARD_TYPES: &[FileType] = &[FileType::Jpeg, FileType::Png];
/// Types a business registration upload may be.
const BUSINESS_TYPES: &[FileType] = &[FileType::Jpeg, FileType::Png, FileType::Pdf];

impl Recognizer {
    /// A recognizer with `pool`'s engines, as many decode permits,
    /// `limits` on uploads, and Poppler's `pdf_tools` for PDFs.
    pub fn new(pool: EnginePool, limits: UploadLimits, pdf_tools: PdfTools) -> Recognizer {
        Recognizer {
            pdf_tools: Arc::new(pdf_tools),
            tallies: Arc::default(),
            decoding: Arc::new(DecodePermits {
                free: Mutex::new(pool.size()),
                returned: Condvar::new(),
            }),
            pool: Arc::new(pool),
            limits,
        }
    }

    /// What was read of `kind` since the process started.
    pub fn tallies(&self, kind: Kind) -> KindReads {
        let tally = &self.tallies[kind as usize];
        KindReads {
            documents: tally.documents.load(Ordering::Relaxed),
            first_look: tally.first_look.load(Ordering::Relaxed),
            recognitions: tally.recognitions.load(Ordering::Relaxed),
            busy: Duration::from_micros(tally.busy_micros.load(Ordering::Relaxed)),
        }
    }

    /// Runs `read` (a recognizer of `kind`) on `engine` with a reading
    /// context of the kind's budget, and tallies its looks and
    /// recognitions.
    fn tallied<T>(
        &self,
        kind: Kind,
        engine: &mut Engine,
        read: impl FnOnce(&mut Engine, &ReadContext) -> T,
    ) -> T {
        let before = engine.tally();
        let context = ReadContext::starting_now(kind.read_budget());
        let answer = read(engine, &context);
        let spent = engine.tally().since(before);
        let tally = &self.tallies[kind as usize];
        tally.documents.fetch_add(1, Ordering::Relaxed);
        if context.looks() <= 1 {
            tally.first_look.fetch_add(1, Ordering::Relaxed);
        }
        tally
            .recognitions
            .fetch_add(spent.recognitions, Ordering::Relaxed);
        let micros = u64::try_from(spent.busy.as_micros()).unwrap_or(u64::MAX);
        tally.busy_micros.fetch_add(micros, Ordering::Relaxed);
        answer
    }

    /// Decodes `bytes` (of one of `allowed` types) under a decode permit,
    /// converts the image with `convert`, and takes an engine (a failure to
    /// get one is the engine failure of `kind`); the permit is given back
    /// once the engine is taken.
    fn prepare<T>(
        &self,
        bytes: &[u8],
        allowed: &[FileType],
        convert: impl FnOnce(DynamicImage) -> T,
        kind: Kind,
    ) -> Result<Prepared<'_, T>, Failure> {
        let decoding = self.decoding.acquire();
        let DecodedImage {
            image,
            file_type,
            width,
            height,
        } = decode_image(bytes, allowed, &self.limits).map_err(|e| Failure::caused_by(&e))?;
        let image = convert(image);
        let engine = self.pool.get().map_err(|e| engine_failure(kind, e))?;
        drop(decoding);
        Ok(Prepared {
            image,
            file_type,
            width,
            height,
            engine,
        })
    }

    /// Reads a credit card from an upload's bytes. Blocking: call it from a
    /// blocking thread.
    pub fn credit_card(&self, bytes: &[u8]) -> Result<CreditCardResult, Failure> {
        let mut card = self.prepare(
            bytes,
            CARD_TYPES,
            |image| image.to_luma8(),
            Kind::CreditCard,
        )?;
        let image = &card.image;
        let read = self
            .tallied(Kind::CreditCard, &mut card.engine, |engine, context| {
                recognize_credit_card(image, engine, context)
            })
            .map_err(|e| Failure::caused_by(&e))?;
        Ok(read.to_result(
            card.file_type.api_name(),
            Resolution::of(card.width, card.height, credit_card::RECOMMENDED_SIZE),
        ))
    }

    /// Reads a Korean ID card (a resident registration card or a driver's
    /// licence) from an upload's bytes. Blocking: call it from a blocking
    /// thread.
    pub fn id_card(&self, bytes: &[u8]) -> Result<IdCardResult, Failure> {
        let mut card = self.prepare(
            bytes,
            CARD_TYPES,
            |image| brightest_channel(&image),
            Kind::IdCard,
        )?;
        let image = &card.image;
        let read = self
            .tallied(Kind::IdCard, &mut card.engine, |engine, context| {
                recognize_id_card(image, engine, context)
            })
            .map_err(|e| Failure::caused_by(&e))?;
        Ok(read.to_result(
            card.file_type.api_name(),
            Resolution::of(card.width, card.height, id_card::RECOMMENDED_SIZE),
        ))
    }

    /// [`Recognizer::id_card`] with masking: the result with its
    /// `maskingPolys`, and a copy of the upload (EXIF orientation applied,
    /// as boxes are measured) with them filled black, as a file of the
    /// upload's type: PNG, or JPEG at quality 90. The copy's `maskedImage`
    /// is for the caller to fill, encrypted.
    pub fn id_card_masked(&self, bytes: &[u8]) -> Result<MaskedIdCard, Failure> {
        let mut prepared = self.prepare(
            bytes,
            CARD_TYPES,
            |image| {
                let gray = brightest_channel(&image);
                (image, gray)
            },
            Kind::IdCard,
        )?;
        let (image, gray) = prepared.image;
        let card = self
            .tallied(Kind::IdCard, &mut prepared.engine, |engine, context| {
                recognize_id_card(&gray, engine, context)
            })
            .map_err(|e| Failure::caused_by(&e))?;
        drop((gray, prepared.engine));
        let copy = card.masked_copy(&image);
        drop(image);
        let mut file = Zeroizing::new(Vec::new());
        let written = match prepared.file_type {
            FileType::Png => copy.write_with_encoder(PngEncoder::new(&mut *file)),
            _ => copy.write_with_encoder(JpegEncoder::new_with_quality(&mut *file, 90)),
        };
        written.map_err(|e| Failure::with_cause(ErrorCode::OcrDocumentIdCardApiFail, &e))?;
        let mut result = card.to_result(
            prepared.file_type.api_name(),
            Resolution::of(prepared.width, prepared.height, id_card::RECOMMENDED_SIZE),
        );
        result.masking_polys = Some(card.masking.iter().map(|q| (*q).into()).collect());
        Ok(MaskedIdCard { result, file })
    }

    /// Reads a business registration certificate from an upload's bytes: an
    /// image, or a PDF's first page (its text layer, or rendered when it
    /// has none). Blocking: call it from a blocking thread.
    pub fn business(&self, bytes: &[u8]) -> Result<BusinessResult, Failure> {
        if check_type(bytes, BUSINESS_TYPES).map_err(|e| Failure::caused_by(&e))? == FileType::Pdf {
            return self.business_pdf(bytes);
        }
        // As on ID cards, the seal stamped over the office's name turns
        // light.
        let mut page = self.prepare(
            bytes,
            BUSINESS_TYPES,
            |image| brightest_channel(&image),
            Kind::Business,
        )?;
        let image = &page.image;
        let certificate = self
            .tallied(Kind::Business, &mut page.engine, |engine, context| {
                recognize_business(image, engine, context)
            })
            .map_err(|e| Failure::caused_by(&e))?;
        Ok(certificate.to_result(
            page.file_type.api_name(),
            Unit::Pixel,
            Resolution::of(page.width, page.height, business::RECOMMENDED_SIZE),
        ))
    }

    /// A PDF's first page. An engine is taken from the pool before Poppler
    /// runs, even for a text layer that needs none, so that PDFs, like
    /// images, are read at most `DOCREC_WORKERS` at a time.
    fn business_pdf(&self, bytes: &[u8]) -> Result<BusinessResult, Failure> {
        let mut engine = self
            .pool
            .get()
            .map_err(|e| engine_failure(Kind::Business, e))?;
        let page = read_pdf_first_page(bytes, &self.limits, &self.pdf_tools)
            .map_err(|e| Failure::caused_by(&e))?;
        let certificate = self.tallied(Kind::Business, &mut engine, |engine, context| match page {
            PdfFirstPage::Text { words, .. } => {
                let words: Vec<(String, [f32; 4])> = words
                    .into_iter()
                    .map(|w| (w.text, [w.x_min, w.y_min, w.x_max, w.y_max]))
                    .collect();
                recognize_business_text(&words)
            }
            PdfFirstPage::Rendered {
                image,
                points_per_pixel,
            } => recognize_business(&image, engine, context)
                .map(|certificate| certificate.scaled(points_per_pixel)),
        });
        let certificate = certificate.map_err(|e| Failure::caused_by(&e))?;
        // A PDF's page is vector or rendered at the size OCR wants.
        Ok(certificate.to_result(FileType::Pdf.api_name(), Unit::Point, Resolution::Normal))
    }
}

/// The engine failure of a request for `kind`: no engine became free, or
/// one failed.
fn engine_failure(kind: Kind, error: OcrError) -> Failure {
    Failure::caused_by(&ReadFailure::new(kind.document(), error))
}
