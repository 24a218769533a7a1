//! `docrec bench --url`: documents sent to a running docrec as its clients
//! send them. Credit cards and certificates go to the v1.0 routes; ID
//! cards to v2.0 `id-card/stand-alone`, each in its own envelope (a fresh
//! key K wrapped with the appKey's public key, the image AES-encrypted),
//! so the server's RSA work is measured too. A request's latency runs from
//! sending it to having read the whole answer.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use docrec_crypto::SymmetricKey;
use futures_util::StreamExt;
use serde_json::Value;

use super::{Document, Reads, Sample};
use crate::cli::progress_bar;
use crate::process::ProcessUsage;
use crate::recognition::Kind;
use crate::recognition::KindReads;

/// How long one request may take before it counts as not answered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The codes that say the appKey or its secretKey is wrong or missing:
/// measuring on would measure refusals.
const REFUSED_CODES: [i64; 4] = [4000005, 4010001, 4010006, 4010007];

/// What a server's `/metrics` said at one moment.
pub struct ServerState {
    pub usage: Option<ProcessUsage>,
    pub reads: Reads,
}

/// A running docrec and the appKey to call it with.
pub struct Target {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
    /// The base URL without a trailing `/`.
    base: String,
    app_key: String,
    secret_key: String,
    /// The appKey's `id-card` public key (Base64 DER) and its version,
    /// fetched when there are ID cards to send.
    id_card_key: Option<(String, String)>,
}

impl Target {
    /// Checks that `url` answers and takes the appKey: fetches the ID-card
    /// public key when `documents` hold ID cards, then sends the first
    /// document of each kind once (which also warms the server up).
    pub fn connect(
        url: &str,
        app_key: &str,
        secret_key: &str,
        documents: &[Document],
    ) -> anyhow::Result<Target> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        let mut target = Target {
            runtime,
            client,
            base: url.trim_end_matches('/').to_owned(),
            app_key: app_key.to_owned(),
            secret_key: secret_key.to_owned(),
            id_card_key: None,
        };
        if documents.iter().any(|d| d.kind == Kind::IdCard) {
            target.id_card_key = Some(target.runtime.block_on(target.id_card_public_key())?);
        }
        for kind in Kind::ALL {
            let Some(first) = documents.iter().find(|d| d.kind == kind) else {
                continue;
            };
            let answer = target.runtime.block_on(target.request(first));
            match answer {
                Err(error) => bail!("{url} did not answer a {} request: {error:#}", kind.name()),
                Ok((code, message)) if REFUSED_CODES.contains(&code) => {
                    bail!("{url} refused the appKey: {code} {message}")
                }
                Ok(_) => {}
            }
        }
        Ok(target)
    }

    /// Sends every request, `in_flight` at a time; gives how each went and
    /// the wall time.
    pub fn run(&self, requests: &[&Document], in_flight: usize) -> (Vec<Sample>, Duration) {
        let bar = progress_bar(requests.len());
        let started = Instant::now();
        let samples = self.runtime.block_on(
            futures_util::stream::iter(requests.iter().map(|document| self.send(document)))
                .buffer_unordered(in_flight)
                .inspect(|_| bar.inc(1))
                .collect::<Vec<Sample>>(),
        );
        let wall = started.elapsed();
        bar.finish_and_clear();
        (samples, wall)
    }

    /// The server's CPU time and peak memory, and what its recognizers
    /// read, from its `/metrics`: what it does not say is `None` or left
    /// out.
    pub fn server_state(&self) -> ServerState {
        let text = self.runtime.block_on(async {
            let response = self
                .client
                .get(format!("{}/metrics", self.base))
                .send()
                .await
                .ok()?;
            response.text().await.ok()
        });
        let text = text.unwrap_or_default();
        ServerState {
            usage: usage_from_metrics(&text),
            reads: reads_from_metrics(&text),
        }
    }

    async fn send(&self, document: &Document) -> Sample {
        let started = Instant::now();
        let code = self.request(document).await.ok().map(|(code, _)| code);
        Sample {
            kind: document.kind,
            code,
            elapsed: started.elapsed(),
        }
    }

    /// Sends `document` to its route; gives the answer's result code and
    /// message.
    async fn request(&self, document: &Document) -> anyhow::Result<(i64, String)> {
        let app_key = &self.app_key;
        let (path, image, envelope) = match document.kind {
            Kind::CreditCard => (
                format!("/v1.0/appkeys/{app_key}/credit-card"),
                document.bytes.clone(),
                None,
            ),
            Kind::Business => (
                format!("/v1.0/appkeys/{app_key}/business"),
                document.bytes.clone(),
                None,
            ),
            Kind::IdCard => {
                let (public_key, version) = self
                    .id_card_key
                    .as_ref()
                    .context("no id-card public key was fetched")?;
                let key = SymmetricKey::generate()?;
                (
                    format!("/v2.0/appkeys/{app_key}/id-card/stand-alone"),
                    key.encrypt(&document.bytes),
                    Some((version, key.wrap_for(public_key)?)),
                )
            }
        };
        let form = reqwest::multipart::Form::new().part(
            "image",
            reqwest::multipart::Part::bytes(image).file_name("document"),
        );
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Authorization", &self.secret_key)
            .multipart(form);
        if let Some((version, wrapped)) = envelope {
            request = request
                .header("X-Key-Version", version)
                .header("Symmetric-Key", wrapped);
        }
        let answer: Value = request.send().await?.json().await?;
        result_code(&answer)
    }

    /// `GET .../public-keys/id-card`: the key and its version.
    async fn id_card_public_key(&self) -> anyhow::Result<(String, String)> {
        let url = format!(
            "{}/v2.0/appkeys/{}/public-keys/id-card",
            self.base, self.app_key
        );
        let answer: Value = self
            .client
            .get(&url)
            .header("Authorization", &self.secret_key)
            .send()
            .await
            .with_context(|| format!("fetching the ID-card public key from {url}"))?
            .json()
            .await
            .with_context(|| format!("reading the ID-card public key from {url}"))?;
        let (code, message) = result_code(&answer)?;
        if REFUSED_CODES.contains(&code) {
            bail!("{} refused the appKey: {code} {message}", self.base);
        }
        if code != 0 {
            bail!("{url} answered {code} {message}");
        }
        let field = |name: &str| {
            answer["result"][name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("{url} answered no {name}"))
        };
        Ok((field("key")?, field("version")?))
    }
}

/// An answer's `header.resultCode` and `header.resultMessage`.
fn result_code(answer: &Value) -> anyhow::Result<(i64, String)> {
    let header = &answer["header"];
    let code = header["resultCode"]
        .as_i64()
        .context("the answer has no header.resultCode")?;
    let message = header["resultMessage"].as_str().unwrap_or_default();
    Ok((code, message.to_owned()))
}

/// The process metrics of a docrec `/metrics` page.
fn usage_from_metrics(text: &str) -> Option<ProcessUsage> {
    let value = |name: &str| -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))?
            .trim()
            .parse()
            .ok()
    };
    Some(ProcessUsage {
        cpu_seconds: value("process_cpu_seconds_total")?,
        resident_bytes: value("process_resident_memory_bytes")? as u64,
        peak_resident_bytes: value("docrec_process_resident_memory_peak_bytes")? as u64,
    })
}

/// What a docrec `/metrics` page says its recognizers read, per kind
/// (the `kind` label): only kinds with every counter.
fn reads_from_metrics(text: &str) -> Reads {
    // Each (metric, kind) value: `name_total{kind="id-card"} 12`.
    let value = |name: &str, kind: &str| -> Option<f64> {
        let prefix = format!("{name}_total{{kind=\"{kind}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))?
            .trim()
            .parse()
            .ok()
    };
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let name = kind.name();
            let reads = KindReads {
                documents: value("docrec_documents_read", name)? as u64,
                first_look: value("docrec_documents_first_look", name)? as u64,
                recognitions: value("docrec_tesseract_recognitions", name)? as u64,
                busy: Duration::from_secs_f64(value("docrec_tesseract_seconds", name)?.max(0.0)),
            };
            Some((kind, reads))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_metrics_are_read_from_a_metrics_page() {
        let page = "# HELP process_cpu_seconds User and system CPU time\n\
                    # TYPE process_cpu_seconds counter\n\
                    process_cpu_seconds_total 12.5\n\
                    process_resident_memory_bytes 314572800\n\
                    docrec_process_resident_memory_peak_bytes 419430400\n\
                    # EOF\n";
        assert_eq!(
            usage_from_metrics(page),
            Some(ProcessUsage {
                cpu_seconds: 12.5,
                resident_bytes: 314_572_800,
                peak_resident_bytes: 419_430_400,
            })
        );
        assert_eq!(usage_from_metrics("docrec_engines 2\n# EOF\n"), None);
    }

    #[test]
    fn reads_are_read_from_a_metrics_page_per_kind() {
        let page = "docrec_documents_read_total{kind=\"id-card\"} 40\n\
                    docrec_documents_first_look_total{kind=\"id-card\"} 30\n\
                    docrec_tesseract_recognitions_total{kind=\"id-card\"} 400\n\
                    docrec_tesseract_seconds_total{kind=\"id-card\"} 8.5\n\
                    docrec_documents_read_total{kind=\"business\"} 3\n\
                    # EOF\n";
        let reads = reads_from_metrics(page);
        assert_eq!(
            reads,
            Reads::from([(
                Kind::IdCard,
                KindReads {
                    documents: 40,
                    first_look: 30,
                    recognitions: 400,
                    busy: Duration::from_millis(8500),
                }
            )])
        );
    }

    #[test]
    fn result_codes_are_read_from_the_header() {
        let answer = serde_json::json!({"header": {"isSuccessful": false, "resultCode": 4010001, "resultMessage": "Unauthorized."}});
        assert_eq!(
            result_code(&answer).unwrap(),
            (4010001, "Unauthorized.".to_owned())
        );
        assert!(result_code(&serde_json::json!({"error": "x"})).is_err());
    }
}
