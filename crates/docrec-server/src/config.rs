//! Configuration from the environment.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DOCREC_LISTEN` | `127.0.0.1:8080` | address `serve` listens on |
//! | `DOCREC_DATA_DIR` | `./data` | where the SQLite database lives (and the master key file, without `DOCREC_MASTER_KEY`) |
//! | `DATABASE_URL` | — | `postgres://...`: keep the state in PostgreSQL instead, shared by several nodes (needs `DOCREC_MASTER_KEY`) |
//! | `DOCREC_MAX_UPLOAD_BYTES` | 5 MiB | largest accepted image part |
//! | `DOCREC_MAX_PIXELS` | 40 000 000 | largest accepted image, in pixels |
//! | `DOCREC_WORKERS` | cores | OCR engines (recognitions at once) |
//! | `DOCREC_QUEUE_LIMIT` | 4 × workers | recognition requests that may wait for an engine; more are refused with 5000008 |
//! | `DOCREC_BODY_TIMEOUT_SECONDS` | 60 | how long a request's body may take to arrive (after its headers) |
//! | `DOCREC_HEADER_TIMEOUT_SECONDS` | 30 | how long a request's headers may take to arrive (idle keep-alive time included); then the connection is closed |
//! | `DOCREC_TESSDATA_DIR` | system | Tesseract language data folder |
//! | `DOCREC_BOOTSTRAP_APPKEY` / `DOCREC_BOOTSTRAP_SECRETKEY` | — | an appKey to make sure of at start |
//! | `DOCREC_HTTP_STATUS` | `constant` | `natural` maps errors to 4xx/5xx |
//! | `DOCREC_LOG` | `info` | log filter (tracing's `EnvFilter` syntax) |
//! | `DOCREC_TLS_CERT`, `DOCREC_TLS_KEY` | unset | PEM files of a certificate chain and its key: serve HTTPS (rustls) instead of HTTP |
//! | `DOCREC_MASKING` | `off` | `on` masks ID-card answers when a request does not say (`?masking=`) |
//! | `DOCREC_MASTER_KEY` | `DATA_DIR/master.key` | the master key sealing what is stored: 32 bytes as Base64 or hex; without it, a key file made (mode 0600) on first start |
//! | `DOCREC_NEW_MASTER_KEY` | — | the next master key, for `docrec admin rotate-master-key` when the key is in the environment |
//! | `DOCREC_REQUEST_KEY_TTL_SECONDS` | 3600 | how long a Request-Key is valid |
//! | `DOCREC_AUTH_LOCK_SECONDS` | 86 400 (a day) | how long five failed authenticity checks lock a resident number, from the last one |
//! | `DOCREC_VERIFIER` | `registry` | the authenticity verifier: `registry` (imported documents) or `http` (an operator's gateway) |
//! | `DOCREC_VERIFIER_URL` | — | the gateway, `http://...` (with `DOCREC_VERIFIER=http`) |
//! | `DOCREC_VERIFIER_TIMEOUT_MS` | 5000 | how long a check waits for the gateway |
//! | `DOCREC_KEY_GRACE_SECONDS` | 604 800 (7 days) | how long a rotated-out envelope key pair keeps working |
//! | `DOCREC_TOKEN_TTL_SECONDS` | 86 400 (a day) | how long an access token of `POST /oauth2/token/create` is valid |
//! | `DOCREC_USAGE_RETENTION_DAYS` | 400 | how many days of usage statistics are kept (0: all) |
//! | `DOCREC_SWEEP_SECONDS` | 60 | how often expired data is deleted (Request-Keys, tokens, counters, retired key pairs, old usage statistics) |
//! | `DOCREC_ADMIN_TOKEN` | — | the operator's token of the admin HTTP API (`/admin/v1/...`, at least 24 characters); without it the admin API is not served |

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use docrec_auth::{OperatorToken, MIN_OPERATOR_TOKEN_LEN};
use docrec_ocr::EngineConfig;
use docrec_store::Database;
use docrec_upload::UploadLimits;

/// A rotated-out envelope key pair works for 7 days by default.
const DEFAULT_KEY_GRACE_SECONDS: u64 = 7 * 24 * 3600;

/// Everything `docrec` reads from its environment (but the master key,
/// which [`crate::keys::MasterKeySource`] reads so that it is held in one
/// place only).
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// Where the state lives: SQLite in `data_dir`, or PostgreSQL.
    pub database: Database,
    pub limits: UploadLimits,
    pub workers: usize,
    /// Recognition requests that may wait for an engine.
    pub queue_limit: usize,
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
}

/// The authenticity verifier to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifierConfig {
    /// The registry of imported documents.
    Registry,
    /// An operator's gateway at `url`, waited for at most `timeout`.
    Http { url: String, timeout: Duration },
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
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers: usize = parsed("DOCREC_WORKERS")?.unwrap_or(cores);
        if workers == 0 {
            bail!("DOCREC_WORKERS must be at least 1");
        }
        let queue_limit = parsed("DOCREC_QUEUE_LIMIT")?.unwrap_or(4 * workers);
        let bootstrap = match (
            var("DOCREC_BOOTSTRAP_APPKEY"),
            var("DOCREC_BOOTSTRAP_SECRETKEY"),
        ) {
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
            },
            Some(other) => bail!("DOCREC_VERIFIER={other:?}: use registry or http"),
        };
        let data_dir =
            var("DOCREC_DATA_DIR").map_or_else(|| PathBuf::from("./data"), PathBuf::from);
        let database = Database::from_url(var("DATABASE_URL").as_deref(), &data_dir).context(
            "DATABASE_URL must be a postgres:// URL (or unset, for SQLite in DOCREC_DATA_DIR)",
        )?;
        if matches!(database, Database::Postgres(_)) && var(crate::keys::MASTER_KEY_ENV).is_none() {
            bail!(
                "with DATABASE_URL, set DOCREC_MASTER_KEY too: every node sharing the database needs the same master key"
            );
        }
        Ok(Config {
            listen: var("DOCREC_LISTEN")
                .unwrap_or_else(|| "127.0.0.1:8080".to_owned())
                .parse()
                .context("DOCREC_LISTEN must be host:port")?,
            data_dir,
            database,
            limits,
            workers,
            queue_limit,
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
