//! Configuration from the environment.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DOCREC_LISTEN` | `127.0.0.1:8080` | address `serve` listens on |
//! | `DOCREC_ADMIN_LISTEN` | — | when set (e.g. `127.0.0.1:9090`), `/metrics` and the admin API are served there, plain HTTP, and not on `DOCREC_LISTEN` |
//! | `DOCREC_DATA_DIR` | `./data` | where the SQLite database lives (and the master key file, without `DOCREC_MASTER_KEY`) |
//! | `DATABASE_URL` | — | `postgres://...`: keep the state in PostgreSQL instead, shared by several nodes (needs `DOCREC_MASTER_KEY`) |
//! | `DOCREC_MAX_UPLOAD_BYTES` | 5 MiB | largest accepted image part |
//! | `DOCREC_MAX_PIXELS` | 40 000 000 | largest accepted image, in pixels |
//! | `DOCREC_PDF_TOOLS_DIR` | `/usr/bin` | where `pdftotext` and `pdftoppm` are |
//! | `DOCREC_PDF_TIME_LIMIT_SECONDS` | 5 | how long each may run (wall and CPU time) |
//! | `DOCREC_PDF_SANDBOX` | `auto` | `bwrap`: run them in bubblewrap or refuse to start; `limits`: resource limits and an empty environment only; `auto`: bubblewrap when it runs here |
//! | `DOCREC_WORKERS` | cores | OCR engines (recognitions at once) |
//! | `DOCREC_QUEUE_LIMIT` | 4 × workers, fewer when memory is short ([`queue_fitting_memory`]) | recognition requests that may wait for an engine; more are refused with 5000503 |
//! | `DOCREC_MEMORY_BYTES` | the cgroup's memory limit, else the machine's memory | the memory the default queue is fitted to |
//! | `DOCREC_PLACES_PER_APPKEY` | half of workers + queue (at least 1) | recognitions one appKey may have running or waiting; more are refused with 5000503 |
//! | `DOCREC_UPLOADS_PER_APPKEY` | as `DOCREC_PLACES_PER_APPKEY` | request bodies one appKey may have being read at once; more are refused with 5000503 |
//! | `DOCREC_BODY_TIMEOUT_SECONDS` | 60 | how long a request's body may take to arrive (after its headers) |
//! | `DOCREC_HEADER_TIMEOUT_SECONDS` | 30 | how long a request's headers may take to arrive (idle keep-alive time included); then the connection is closed |
//! | `DOCREC_TESSDATA_DIR` | system | Tesseract language data folder |
//! | `DOCREC_BOOTSTRAP_APPKEY` / `DOCREC_BOOTSTRAP_SECRETKEY` | — | an appKey to make sure of at start (its secretKey at least 32 characters) |
//! | `DOCREC_HTTP_STATUS` | `constant` | `natural` maps errors to 4xx/5xx |
//! | `DOCREC_LOG` | `info` | log filter (tracing's `EnvFilter` syntax) |
//! | `DOCREC_TLS_CERT`, `DOCREC_TLS_KEY` | unset | PEM files of a certificate chain and its key: serve HTTPS (rustls) instead of HTTP |
//! | `DOCREC_MASKING` | `off` | `on` masks ID-card answers when a request does not say (`?masking=`) |
//! | `DOCREC_MASTER_KEY` | `DATA_DIR/master.key` | the master key sealing what is stored: 32 bytes as Base64 or hex; without it, a key file made (mode 0600) on first start |
//! | `DOCREC_MASTER_KEY_FILE` | — | a master key file outside the data dir (made, mode 0600, when missing), used when `DOCREC_MASTER_KEY` is unset |
//! | `DOCREC_NEW_MASTER_KEY` | — | the next master key, for `docrec admin rotate-master-key` when the key is in the environment |
//! | `DOCREC_REQUEST_KEY_TTL_SECONDS` | 3600 | how long a Request-Key is valid |
//! | `DOCREC_AUTH_LOCK_SECONDS` | 86 400 (a day) | how long five failed authenticity checks lock a resident number, from the last one |
//! | `DOCREC_VERIFIER` | `registry` | the authenticity verifier: `registry` (imported documents) or `http` (an operator's gateway) |
//! | `DOCREC_VERIFIER_URL` | — | the gateway, `https://...` (with `DOCREC_VERIFIER=http`) |
//! | `DOCREC_VERIFIER_CA_FILE` | — | a PEM bundle of CAs the gateway's certificate may chain to, besides the system's |
//! | `DOCREC_VERIFIER_ALLOW_HTTP` | `false` | `true` accepts a plain `http://` gateway (names and resident numbers travel in clear) |
//! | `DOCREC_VERIFIER_TIMEOUT_MS` | 5000 | how long a check waits for the gateway |
//! | `DOCREC_KEY_GRACE_SECONDS` | 604 800 (7 days) | how long a rotated-out envelope key pair keeps working |
//! | `DOCREC_TOKEN_TTL_SECONDS` | 86 400 (a day) | how long an access token of `POST /oauth2/token/create` is valid |
//! | `DOCREC_USAGE_RETENTION_DAYS` | 400 | how many days of usage statistics are kept (0: all) |
//! | `DOCREC_SWEEP_SECONDS` | 60 | how often expired data is deleted (Request-Keys, tokens, counters, retired key pairs, old usage statistics) |
//! | `DOCREC_DECRYPT_FAILURE_LIMIT` | 20 | how many v2 requests of one appKey may answer 4000303 (bad padding) within a minute on a node before its v2 requests answer 4000006 for the rest of the minute |
//! | `DOCREC_ADMIN_TOKEN` | — | the operator's token of the admin HTTP API (`/admin/v1/...`, at least 24 characters); without it the admin API is not served |

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use docrec_auth::{OperatorToken, MIN_OPERATOR_TOKEN_LEN};
use docrec_ocr::EngineConfig;
use docrec_store::Database;
use docrec_upload::{PdfTools, SandboxChoice, UploadLimits};

/// The shortest bootstrap secretKey accepted: as long as the ones docrec
/// makes, so that the operator's is no easier to guess.
const MIN_BOOTSTRAP_SECRET_LEN: usize = 32;

/// A rotated-out envelope key pair works for 7 days by default.
const DEFAULT_KEY_GRACE_SECONDS: u64 = 7 * 24 * 3600;

/// Everything `docrec` reads from its environment (but the master key,
/// which [`docrec_auth::MasterKeySource`] reads so that it is held in one
/// place only).
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Where `/metrics` and the admin API are served instead of `listen`.
    pub admin_listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    /// Where the state lives: SQLite in `data_dir`, or PostgreSQL.
    pub database: Database,
    pub limits: UploadLimits,
    /// Poppler's tools, for PDF uploads, and their sandbox.
    pub pdf_tools: PdfTools,
    pub workers: usize,
    /// The bounds on uploads being read and recognitions running or
    /// waiting, for the node and per appKey.
    pub admission: AdmissionLimits,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// How long a request's headers may take to arrive (from the moment
    /// the connection waits for them, idle keep-alive time included).
    pub header_timeout: Duration,
    pub engine: EngineConfig,
    pub bootstrap: Option<(String, String)>,
    pub natural_http_status: bool,
    /// Whether ID-card answers are masked when a request does not say.
    pub masking_by_default: bool,
    /// The PEM certificate chain and private key to serve HTTPS with.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// How long a request waits for a free OCR engine.
    pub engine_wait: Duration,
    /// How long a rotated-out envelope key pair keeps working.
    pub key_grace: Duration,
    /// How long a Request-Key is valid.
    pub request_key_ttl: Duration,
    /// How long five failed authenticity checks lock a resident number.
    pub authenticity_lock: Duration,
    /// Which verifier checks authenticity.
    pub verifier: VerifierConfig,
    /// How long an access token is valid.
    pub token_ttl: Duration,
    /// How many days of usage statistics are kept; `None`: all.
    pub usage_retention_days: Option<u32>,
    /// How often expired data is deleted.
    pub sweep_interval: Duration,
    /// The admin API's operator token.
    pub operator_token: Option<OperatorToken>,
    /// How many 4000303 answers within a minute throttle an appKey.
    pub decrypt_failure_limit: u32,
}

/// The bounds of admission (`http::admission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionLimits {
    /// Recognitions running or waiting on the node (workers + queue); also
    /// the request bodies read at once on the node.
    pub places: usize,
    /// Recognitions running or waiting for one appKey.
    pub places_per_app_key: usize,
    /// Request bodies being read at once for one appKey.
    pub uploads_per_app_key: usize,
}

/// Resident memory of a started server before any request, engines aside
/// (docs/benchmarks.md, "Memory": some 40 MB measured).
const BASE_BYTES: u64 = 64 << 20;
/// Resident memory one OCR engine adds, its language models loaded and a
/// page read: some 75-80 MB measured on a 2000-pixel page
/// (docs/benchmarks.md, "Memory"), doubled for the larger views of larger
/// uploads.
const ENGINE_BYTES: u64 = 160 << 20;

/// The longest queue that fits `memory` bytes: every worker decoding the
/// largest image allowed (8 bits per channel, RGBA, and its grey copy)
/// beside its engine, and every place (running or waiting) holding an
/// upload being read and one read, each up to twice the largest upload (a
/// v2 upload is held encrypted and decrypted). At most 4 × workers, as
/// more waiting only makes answers later.
pub fn queue_fitting_memory(memory: u64, workers: usize, limits: &UploadLimits) -> usize {
    let workers_bytes = workers as u64 * (ENGINE_BYTES + limits.max_pixels * 5);
    let place_bytes = 4 * (limits.max_bytes + docrec_upload::MULTIPART_OVERHEAD) as u64;
    let places = memory.saturating_sub(BASE_BYTES + workers_bytes) / place_bytes;
    (places as usize).saturating_sub(workers).min(4 * workers)
}

/// The memory this process may use: the cgroup's limit (v2, then v1)
/// when one is set, else the machine's memory; `None` when neither can be
/// read.
fn memory_available() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let cgroup = read("/sys/fs/cgroup/memory.max")
        .or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
        .and_then(|text| text.trim().parse::<u64>().ok());
    let machine = read("/proc/meminfo").and_then(|text| {
        let kib = text
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse::<u64>()
            .ok()?;
        Some(kib * 1024)
    });
    match (cgroup, machine) {
        (Some(limit), Some(total)) => Some(limit.min(total)),
        (limit, total) => limit.or(total),
    }
}

/// The authenticity verifier to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifierConfig {
    /// The registry of imported documents.
    Registry,
    /// An operator's gateway at `url`, waited for at most `timeout`, its
    /// certificate checked against the system's CAs and `ca_file`'s; plain
    /// `http://` only when `allow_http`.
    Http {
        url: String,
        timeout: Duration,
        ca_file: Option<PathBuf>,
        allow_http: bool,
    },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

/// A count from `name` that may not be zero.
fn at_least_one(name: &str) -> anyhow::Result<Option<usize>> {
    match parsed(name)? {
        Some(0) => bail!("{name} must be at least 1"),
        count => Ok(count),
    }
}

/// A period of whole seconds from `name`, `default` when unset; zero is
/// refused (no request could arrive in it, and no timer may tick at it).
fn whole_seconds(name: &str, default: u64) -> anyhow::Result<Duration> {
    match parsed(name)?.unwrap_or(default) {
        0 => bail!("{name} must be at least 1"),
        seconds => Ok(Duration::from_secs(seconds)),
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let defaults = UploadLimits::default();
        let limits = UploadLimits {
            max_bytes: parsed("DOCREC_MAX_UPLOAD_BYTES")?.unwrap_or(defaults.max_bytes),
            max_pixels: parsed("DOCREC_MAX_PIXELS")?.unwrap_or(defaults.max_pixels),
            ..defaults
        };
        let pdf_sandbox = match var("DOCREC_PDF_SANDBOX").as_deref() {
            None | Some("auto") => SandboxChoice::Auto,
            Some("bwrap") => SandboxChoice::Bubblewrap,
            Some("limits") => SandboxChoice::LimitsOnly,
            Some(other) => bail!("DOCREC_PDF_SANDBOX={other:?}: use auto, bwrap or limits"),
        };
        let pdf_tools = PdfTools::new(
            &var("DOCREC_PDF_TOOLS_DIR").map_or_else(|| PathBuf::from("/usr/bin"), PathBuf::from),
            whole_seconds("DOCREC_PDF_TIME_LIMIT_SECONDS", 5)?,
            pdf_sandbox,
        )
        .map_err(|e| anyhow::anyhow!("DOCREC_PDF_SANDBOX=bwrap: {e}"))?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers: usize = parsed("DOCREC_WORKERS")?.unwrap_or(cores);
        if workers == 0 {
            bail!("DOCREC_WORKERS must be at least 1");
        }
        let memory = match parsed("DOCREC_MEMORY_BYTES")? {
            Some(bytes) => Some(bytes),
            None => memory_available(),
        };
        let queue_limit = match parsed("DOCREC_QUEUE_LIMIT")? {
            Some(queue) => queue,
            None => memory.map_or(4 * workers, |m| queue_fitting_memory(m, workers, &limits)),
        };
        let places = workers + queue_limit;
        let places_per_app_key =
            at_least_one("DOCREC_PLACES_PER_APPKEY")?.unwrap_or(places.div_ceil(2).max(1));
        let admission = AdmissionLimits {
            places,
            places_per_app_key,
            uploads_per_app_key: at_least_one("DOCREC_UPLOADS_PER_APPKEY")?
                .unwrap_or(places_per_app_key),
        };
        let bootstrap = match (
            var("DOCREC_BOOTSTRAP_APPKEY"),
            var("DOCREC_BOOTSTRAP_SECRETKEY"),
        ) {
            (Some(_), Some(secret)) if secret.chars().count() < MIN_BOOTSTRAP_SECRET_LEN => bail!(
                "DOCREC_BOOTSTRAP_SECRETKEY must be at least {MIN_BOOTSTRAP_SECRET_LEN} characters (e.g. head -c 32 /dev/urandom | base64)"
            ),
            (Some(key), Some(secret)) => Some((key, secret)),
            (None, None) => None,
            _ => {
                bail!("set both DOCREC_BOOTSTRAP_APPKEY and DOCREC_BOOTSTRAP_SECRETKEY, or neither")
            }
        };
        let natural_http_status = match var("DOCREC_HTTP_STATUS").as_deref() {
            None | Some("constant") => false,
            Some("natural") => true,
            Some(other) => bail!("DOCREC_HTTP_STATUS={other:?}: use constant or natural"),
        };
        let tls = match (var("DOCREC_TLS_CERT"), var("DOCREC_TLS_KEY")) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some((PathBuf::from(cert), PathBuf::from(key))),
            _ => bail!("set both DOCREC_TLS_CERT and DOCREC_TLS_KEY, or neither"),
        };
        let masking_by_default = match var("DOCREC_MASKING").as_deref() {
            None | Some("off") => false,
            Some("on") => true,
            Some(other) => bail!("DOCREC_MASKING={other:?}: use off or on"),
        };
        let verifier = match var("DOCREC_VERIFIER").as_deref() {
            None | Some("registry") => VerifierConfig::Registry,
            Some("http") => VerifierConfig::Http {
                url: var("DOCREC_VERIFIER_URL")
                    .context("DOCREC_VERIFIER=http needs DOCREC_VERIFIER_URL")?,
                timeout: Duration::from_millis(
                    parsed("DOCREC_VERIFIER_TIMEOUT_MS")?.unwrap_or(5000),
                ),
                ca_file: var("DOCREC_VERIFIER_CA_FILE").map(PathBuf::from),
                allow_http: parsed("DOCREC_VERIFIER_ALLOW_HTTP")?.unwrap_or(false),
            },
            Some(other) => bail!("DOCREC_VERIFIER={other:?}: use registry or http"),
        };
        let data_dir =
            var("DOCREC_DATA_DIR").map_or_else(|| PathBuf::from("./data"), PathBuf::from);
        let database = Database::from_url(var("DATABASE_URL").as_deref(), &data_dir).context(
            "DATABASE_URL must be a postgres:// URL (or unset, for SQLite in DOCREC_DATA_DIR)",
        )?;
        if matches!(database, Database::Postgres(_))
            && var(docrec_auth::MASTER_KEY_ENV).is_none()
            && var(docrec_auth::MASTER_KEY_FILE_ENV).is_none()
        {
            bail!(
                "with DATABASE_URL, set DOCREC_MASTER_KEY (or DOCREC_MASTER_KEY_FILE) too: every node sharing the database needs the same master key"
            );
        }
        Ok(Config {
            listen: var("DOCREC_LISTEN")
                .unwrap_or_else(|| "127.0.0.1:8080".to_owned())
                .parse()
                .context("DOCREC_LISTEN must be host:port")?,
            admin_listen: var("DOCREC_ADMIN_LISTEN")
                .map(|address| address.parse())
                .transpose()
                .context("DOCREC_ADMIN_LISTEN must be host:port")?,
            data_dir,
            database,
            limits,
            pdf_tools,
            workers,
            admission,
            body_timeout: whole_seconds("DOCREC_BODY_TIMEOUT_SECONDS", 60)?,
            header_timeout: whole_seconds("DOCREC_HEADER_TIMEOUT_SECONDS", 30)?,
            engine: EngineConfig {
                tessdata_dir: var("DOCREC_TESSDATA_DIR").map(PathBuf::from),
                languages: "eng".to_owned(),
                models: docrec_recognize::engine_models(),
                extra_languages: docrec_recognize::engine_languages(),
            },
            bootstrap,
            natural_http_status,
            masking_by_default,
            tls,
            engine_wait: Duration::from_secs(30),
            key_grace: Duration::from_secs(
                parsed("DOCREC_KEY_GRACE_SECONDS")?.unwrap_or(DEFAULT_KEY_GRACE_SECONDS),
            ),
            request_key_ttl: Duration::from_secs(
                parsed("DOCREC_REQUEST_KEY_TTL_SECONDS")?.unwrap_or(3600),
            ),
            authenticity_lock: Duration::from_secs(
                parsed("DOCREC_AUTH_LOCK_SECONDS")?.unwrap_or(24 * 3600),
            ),
            verifier,
            token_ttl: Duration::from_secs(
                parsed("DOCREC_TOKEN_TTL_SECONDS")?.unwrap_or(24 * 3600),
            ),
            usage_retention_days: match parsed("DOCREC_USAGE_RETENTION_DAYS")?.unwrap_or(400) {
                0 => None,
                days => Some(days),
            },
            sweep_interval: whole_seconds("DOCREC_SWEEP_SECONDS", 60)?,
            decrypt_failure_limit: match parsed("DOCREC_DECRYPT_FAILURE_LIMIT")?.unwrap_or(20) {
                0 => bail!("DOCREC_DECRYPT_FAILURE_LIMIT must be at least 1"),
                limit => limit,
            },
            operator_token: match var("DOCREC_ADMIN_TOKEN") {
                None => None,
                Some(token) => Some(OperatorToken::new(&token).with_context(|| {
                    format!(
                        "DOCREC_ADMIN_TOKEN must be at least {MIN_OPERATOR_TOKEN_LEN} characters (e.g. head -c 24 /dev/urandom | base64)"
                    )
                })?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_four_per_worker_when_memory_allows() {
        let limits = UploadLimits::default();
        assert_eq!(queue_fitting_memory(2 << 30, 2, &limits), 8);
        assert_eq!(queue_fitting_memory(64 << 30, 16, &limits), 64);
    }

    #[test]
    fn the_queue_shrinks_to_what_memory_holds() {
        let limits = UploadLimits::default();
        let workers_bytes = 2 * (ENGINE_BYTES + limits.max_pixels * 5);
        let place_bytes = 4 * (limits.max_bytes + docrec_upload::MULTIPART_OVERHEAD) as u64;
        // Room for the two running and three waiting.
        let memory = BASE_BYTES + workers_bytes + 5 * place_bytes;
        assert_eq!(queue_fitting_memory(memory, 2, &limits), 3);
        assert_eq!(queue_fitting_memory(BASE_BYTES, 2, &limits), 0);
    }
}
