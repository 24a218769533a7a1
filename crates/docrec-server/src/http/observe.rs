//! What operators watch: `GET /metrics` (Prometheus' text format:
//! requests by route and result code, latency histograms per route, the
//! OCR engines in use, the queue waiting for one, the places left
//! before recognitions are refused and the requests refused by each bound
//! of admission, the v2 requests that did not decrypt and those refused
//! for it, the rows the retention sweeper deleted
//! and its failed sweeps, the documents read per kind with those settled
//! at their first look and Tesseract's recognitions and time for them,
//! and the process's CPU time, resident memory and
//! peak resident memory), a request id on every request (`X-Request-Id`,
//! echoed, and in the log line) and `GET /ready` (the database answers and
//! the engines are started).
//!
//! Routes are labelled by their template (`/v1.0/appkeys/{app_key}/...`),
//! never by an appKey or a value from a document.

use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::Duration;

use docrec_errors::ErrorCode;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::process::ProcessUsage;
use crate::recognition::{Kind, KindReads, Recognizer};

/// The media type of the text format `encode` writes.
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    route: String,
    result_code: i64,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Refusal {
    bound: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Stored {
    data: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

/// The recognizers' tallies per kind ([`Recognizer::tallies`]) as
/// counters.
#[derive(Default)]
struct ReadCounters {
    documents: Family<KindLabel, Counter>,
    first_look: Family<KindLabel, Counter>,
    recognitions: Family<KindLabel, Counter>,
    recognition_seconds: Family<KindLabel, Counter<f64, AtomicU64>>,
}

impl ReadCounters {
    fn register(&self, registry: &mut Registry) {
        registry.register(
            "docrec_documents_read",
            "Documents given to a recognizer, by kind",
            self.documents.clone(),
        );
        registry.register(
            "docrec_documents_first_look",
            "Documents answered at their first look (or without OCR), by kind",
            self.first_look.clone(),
        );
        registry.register(
            "docrec_tesseract_recognitions",
            "Tesseract recognitions, by the kind of document read",
            self.recognitions.clone(),
        );
        registry.register(
            "docrec_tesseract_seconds",
            "Time Tesseract spent recognising, by the kind of document read",
            self.recognition_seconds.clone(),
        );
    }

    /// Brings the counters up to `reads` of `kind` (the tallies only rise).
    fn update(&self, kind: Kind, reads: KindReads) {
        let label = KindLabel { kind: kind.name() };
        let raise = |counter: &Counter, to: u64| {
            counter.inc_by(to.saturating_sub(counter.get()));
        };
        raise(&self.documents.get_or_create(&label), reads.documents);
        raise(&self.first_look.get_or_create(&label), reads.first_look);
        raise(&self.recognitions.get_or_create(&label), reads.recognitions);
        let seconds = self.recognition_seconds.get_or_create(&label);
        let busy = reads.busy.as_secs_f64();
        if busy > seconds.get() {
            seconds.inc_by(busy - seconds.get());
        }
    }
}

/// Latency buckets: 5 ms to about 20 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

/// The server's metrics. Cheap to share (`Arc`).
pub struct Metrics {
    registry: Registry,
    answered: Family<Answered, Counter>,
    latency: Family<Route, Histogram, fn() -> Histogram>,
    engines_busy: Gauge,
    engines: Gauge,
    engine_queue: Gauge,
    recognition_places_free: Gauge,
    admission_refused: Family<Refusal, Counter>,
    decrypt_failures: Counter,
    decrypt_throttled: Counter,
    retention_deleted: Family<Stored, Counter>,
    retention_failed: Family<Stored, Counter>,
    cpu_seconds: Counter<f64, AtomicU64>,
    /// Held while `cpu_seconds` and the read counters are brought up to
    /// date, so that two scrapes at once do not both add the same time.
    cpu_seconds_update: Mutex<()>,
    resident_bytes: Gauge,
    peak_resident_bytes: Gauge,
    reads: ReadCounters,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let answered = Family::<Answered, Counter>::default();
        registry.register(
            "docrec_requests",
            "Requests answered, by route template and result code",
            answered.clone(),
        );
        let latency =
            Family::<Route, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "docrec_request_duration_seconds",
            "Time to answer a request, by route template",
            latency.clone(),
        );
        let engines = Gauge::default();
        registry.register("docrec_engines", "OCR engines started", engines.clone());
        let engines_busy = Gauge::default();
        registry.register(
            "docrec_engines_busy",
            "OCR engines recognising right now",
            engines_busy.clone(),
        );
        let engine_queue = Gauge::default();
        registry.register(
            "docrec_engine_queue",
            "Recognitions waiting for a free OCR engine",
            engine_queue.clone(),
        );
        let recognition_places_free = Gauge::default();
        registry.register(
            "docrec_recognition_places_free",
            "Recognition requests that may still be admitted (running or waiting) before 5000503",
            recognition_places_free.clone(),
        );
        let admission_refused = Family::<Refusal, Counter>::default();
        registry.register(
            "docrec_admission_refused",
            "Recognition requests answered 5000503, by the bound they met (uploads, uploads_per_appkey, recognitions, recognitions_per_appkey)",
            admission_refused.clone(),
        );
        let decrypt_failures = Counter::default();
        registry.register(
            "docrec_decrypt_failures",
            "v2 requests answered 4000303 (an upload or field that does not decrypt)",
            decrypt_failures.clone(),
        );
        let decrypt_throttled = Counter::default();
        registry.register(
            "docrec_decrypt_throttled",
            "v2 requests refused with 4000006 because their appKey's requests failed to decrypt too often",
            decrypt_throttled.clone(),
        );
        let cpu_seconds = Counter::<f64, AtomicU64>::default();
        registry.register(
            "process_cpu_seconds",
            "User and system CPU time of the docrec process",
            cpu_seconds.clone(),
        );
        let resident_bytes = Gauge::default();
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory of the docrec process",
            resident_bytes.clone(),
        );
        let peak_resident_bytes = Gauge::default();
        registry.register(
            "docrec_process_resident_memory_peak_bytes",
            "The most resident memory the docrec process has had since it started",
            peak_resident_bytes.clone(),
        );
        let retention_deleted = Family::<Stored, Counter>::default();
        registry.register(
            "docrec_retention_deleted_rows",
            "Rows the retention sweeper deleted, by what they held",
            retention_deleted.clone(),
        );
        let retention_failed = Family::<Stored, Counter>::default();
        registry.register(
            "docrec_retention_sweep_failures",
            "Sweeps that could not delete (the database did not answer), by what they were to delete",
            retention_failed.clone(),
        );
        let reads = ReadCounters::default();
        reads.register(&mut registry);
        Metrics {
            registry,
            reads,
            retention_deleted,
            retention_failed,
            cpu_seconds,
            cpu_seconds_update: Mutex::new(()),
            resident_bytes,
            peak_resident_bytes,
            answered,
            latency,
            engines_busy,
            engines,
            engine_queue,
            recognition_places_free,
            admission_refused,
            decrypt_failures,
            decrypt_throttled,
        }
    }

    /// Counts a v2 request answered 4000303.
    pub fn observe_decrypt_failure(&self) {
        self.decrypt_failures.inc();
    }

    /// Counts a v2 request refused because its appKey is throttled.
    pub fn observe_decrypt_throttled(&self) {
        self.decrypt_throttled.inc();
    }

    /// Counts a request refused by admission's `bound`.
    pub fn observe_refusal(&self, bound: &'static str) {
        self.admission_refused
            .get_or_create(&Refusal { bound })
            .inc();
    }

    /// Counts an answered request.
    pub fn observe(&self, route: &str, result_code: i64, elapsed: Duration) {
        let route = route.to_owned();
        self.answered
            .get_or_create(&Answered {
                route: route.clone(),
                result_code,
            })
            .inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a sweep of `data` (a table's name, as the README lists
    /// them): the rows it deleted, or its failure.
    pub fn observe_sweep(&self, data: &'static str, deleted: Result<u64, ErrorCode>) {
        let label = Stored { data };
        match deleted {
            Ok(rows) => {
                self.retention_deleted.get_or_create(&label).inc_by(rows);
            }
            Err(_) => {
                self.retention_failed.get_or_create(&label).inc();
            }
        }
    }

    /// The metrics in Prometheus' text format, with the state of the
    /// recognizer's engine pool, its tallies and the free recognition
    /// places as of now.
    pub fn encode(&self, recognizer: &Recognizer, places_free: usize) -> String {
        let pool = &recognizer.pool;
        self.recognition_places_free.set(places_free as i64);
        let size = pool.size();
        self.engines.set(size as i64);
        self.engines_busy
            .set(size.saturating_sub(pool.idle()) as i64);
        self.engine_queue.set(pool.waiting() as i64);
        if let Some(usage) = ProcessUsage::now() {
            // A counter only rises: add what was used since the last scrape.
            let _updating = self
                .cpu_seconds_update
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let counted = self.cpu_seconds.get();
            if usage.cpu_seconds > counted {
                self.cpu_seconds.inc_by(usage.cpu_seconds - counted);
            }
            self.resident_bytes.set(usage.resident_bytes as i64);
            self.peak_resident_bytes
                .set(usage.peak_resident_bytes as i64);
        }
        {
            let _updating = self
                .cpu_seconds_update
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            for kind in Kind::ALL {
                self.reads.update(kind, recognizer.tallies(kind));
            }
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

/// A request id: the client's `X-Request-Id` when it is a short token
/// (letters, digits, `-`, `_`, `.`; at most 64), else a fresh UUID.
pub fn request_id(given: Option<&str>) -> String {
    given
        .map(str::trim)
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_kept_when_short_tokens_and_made_otherwise() {
        assert_eq!(request_id(Some("abc-123_x.y")), "abc-123_x.y");
        for bad in [None, Some(""), Some("has space"), Some("ünïcode")] {
            let made = request_id(bad);
            assert!(uuid::Uuid::parse_str(&made).is_ok(), "{bad:?} → {made}");
        }
        let long = "a".repeat(65);
        assert_ne!(request_id(Some(&long)), long);
    }
}
