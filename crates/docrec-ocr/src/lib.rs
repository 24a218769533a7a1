//! The OCR engine of docrec: Tesseract behind a pool, and the image work
//! around it.
//!
//! Takes decoded images and gives words with boxes and confidences. The
//! stages, each in its own module:
//!
//! - [`preprocess`]: contrast, shading, polarity and scaling variants.
//! - [`detect`]: finding a document's quadrilateral in a photo and
//!   rectifying it to an upright, fixed-size image, keeping the mapping back
//!   to the upload's coordinates.
//! - [`canonical`]: one spelling for the dashes, slashes and full-width
//!   forms the models give (`17—16` is `17-16`), applied to every word.
//! - [`engine`]: one initialised Tesseract instance; every call sets its page
//!   segmentation mode (settings persist on a pooled engine) and returns
//!   [`Word`]s in the coordinates of the image it was given.
//! - [`hangul`]: a Korean model given every syllable of KS X 1001 to
//!   answer, not only those its unicharset lists.
//! - [`pool`]: a fixed set of engines, one per worker thread, handed out to
//!   blocking callers (an engine takes ~60 ms to start, so they are reused).
//!
//! This crate knows nothing of credit cards or ID cards: `docrec-recognize`
//! decides where to look and what the text means.
//!
//! Tesseract must run with `OMP_THREAD_LIMIT=1` in the process environment
//! (set before the process starts): with OpenMP threads every call is several
//! times slower on a small machine. [`engine::omp_thread_limit_is_set`] lets
//! the binary warn when it is missing.

pub mod canonical;
pub mod detect;
pub mod engine;
pub mod geometry;
pub mod hangul;
mod hough;
pub mod pool;
pub mod preprocess;
pub mod resample;

pub use engine::{CharChoices, Engine, EngineConfig, EngineTally, OcrError, SegMode, Word};
pub use geometry::{Quad, Rect};
pub use pool::{EnginePool, PooledEngine};
