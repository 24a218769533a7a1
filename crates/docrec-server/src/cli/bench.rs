//! `docrec bench [DIR] [--workers 1,2] [--url URL] [--out OUT]`: how many
//! documents a machine reads per second, for users sizing their hardware.
//!
//! Takes a folder of the user's own documents (files in sub-folders named
//! `credit-card`, `business` and `id-card`; or a folder `docrec synth`
//! wrote; or files of one `--kind`) or, without one, generates documents
//! of every kind (clean scans and phone photos, written to
//! `OUT/documents`). Recognises them all once per worker count (and
//! `--rounds` times over), the kinds interleaved: in this process with
//! that many OCR engines, or against a running server (`--url`) with that
//! many requests in flight.
//!
//! Gives, per worker count: documents per second, latency p50/p95/p99 per
//! kind, the result codes, the share of documents settled at their first
//! look (the fast path) and Tesseract's recognitions and time per
//! document, and CPU time and peak memory (this process's, or the server's
//! from its `/metrics`). Printed as tables, and written as
//! `OUT/report.json` and `OUT/report.html` (a latency histogram and a
//! throughput-versus-workers chart). Speed only: accuracy is `docrec eval`.

mod remote;
mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use docrec_errors::ErrorCode;
use docrec_synth::{CertificateFormat, FaceGroup, Level};

use super::{percentile, run_parallel};
use crate::failure::Failure;
use crate::process::{reset_peak_memory, ProcessUsage};
use crate::recognition::Kind;
use crate::recognition::{KindReads, Recognizer};
use report::{BenchReport, KindStats, RunReport};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A folder of documents (JPEG, PNG or PDF files): in sub-folders named
    /// credit-card, business and id-card, or written by `docrec synth`, or
    /// of one --kind. Without it, documents are generated (--generate).
    dir: Option<PathBuf>,
    /// The kind of the files at the top of DIR.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Without DIR: how many documents of each kind to generate, half clean
    /// scans and half phone photos (always the same ones, so that machines
    /// can be compared).
    #[arg(long, default_value_t = 10)]
    generate: usize,
    /// Worker counts to measure, comma-separated (default: 1 and the
    /// cores). In this process: OCR engines. Against --url: requests in
    /// flight.
    #[arg(long, value_delimiter = ',')]
    workers: Vec<usize>,
    /// How many times each document is recognised in each run.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// A running docrec's base URL (http://HOST:PORT). Without it,
    /// documents are recognised in this process.
    #[arg(long)]
    url: Option<String>,
    /// The appKey to call --url with.
    #[arg(long, env = "DOCREC_BENCH_APPKEY")]
    app_key: Option<String>,
    /// Its secretKey. Give it in the environment, where the process list
    /// does not show it.
    #[arg(long, env = "DOCREC_BENCH_SECRETKEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// The folder report.json and report.html are written to.
    #[arg(long, default_value = "docrec-bench")]
    out: PathBuf,
}

/// One file to recognise.
struct Document {
    kind: Kind,
    bytes: Vec<u8>,
}

/// How one recognition went: its kind, its result code (`None`: no answer
/// came, a connection error) and how long it took.
struct Sample {
    kind: Kind,
    code: Option<i64>,
    elapsed: Duration,
}

/// Each kind's reads ([`KindReads`]).
type Reads = BTreeMap<Kind, KindReads>;

/// What was read of each kind between `before` and `after`.
fn reads_between(before: &Reads, after: Reads) -> Reads {
    after
        .into_iter()
        .map(|(kind, reads)| {
            let earlier = before.get(&kind).copied().unwrap_or_default();
            (kind, reads.since(earlier))
        })
        .collect()
}

/// What `recognizer` has read of each kind.
fn reads_of(recognizer: &Recognizer) -> Reads {
    Kind::ALL
        .into_iter()
        .map(|kind| (kind, recognizer.tallies(kind)))
        .collect()
}

/// The file names a folder of documents may hold.
const DOCUMENT_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "pdf"];

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let mut worker_counts = if args.workers.is_empty() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        vec![1, cores]
    } else {
        args.workers.clone()
    };
    if worker_counts.contains(&0) {
        bail!("--workers takes counts of 1 or more");
    }
    worker_counts.sort_unstable();
    worker_counts.dedup();
    if args.rounds == 0 {
        bail!("--rounds takes 1 or more");
    }

    let documents = match &args.dir {
        Some(dir) => read_documents(dir, args.kind)?,
        None => {
            let dir = args.out.join("documents");
            generate_documents(&dir, args.generate)?;
            eprintln!("generated documents in {}", dir.display());
            read_documents(&dir, None)?
        }
    };
    if documents.is_empty() {
        bail!("no JPEG, PNG or PDF documents to measure");
    }
    let requests: Vec<&Document> = (0..args.rounds).flat_map(|_| &documents).collect();

    let mut report = BenchReport::new(
        args.url.as_deref().unwrap_or(report::IN_PROCESS),
        args.rounds,
        &documents,
    );
    match &args.url {
        Some(url) => {
            let app_key = args
                .app_key
                .as_deref()
                .context("--url needs --app-key (or DOCREC_BENCH_APPKEY)")?;
            let secret_key = args
                .secret_key
                .as_deref()
                .context("--url needs --secret-key (or DOCREC_BENCH_SECRETKEY)")?;
            let target = remote::Target::connect(url, app_key, secret_key, &documents)?;
            for &workers in &worker_counts {
                eprintln!("{workers} request(s) in flight against {url}");
                let before = target.server_state();
                let (samples, wall) = target.run(&requests, workers);
                let after = target.server_state();
                let usage = before.usage.zip(after.usage);
                let reads = reads_between(&before.reads, after.reads);
                report
                    .runs
                    .push(run_report(workers, &samples, wall, usage, &reads));
            }
        }
        None => {
            if !docrec_ocr::engine::omp_thread_limit_is_set() {
                eprintln!(
                    "docrec: OMP_THREAD_LIMIT=1 is not set: OCR will be several times slower than it should be (see the README)"
                );
            }
            let most = worker_counts.iter().copied().max().unwrap_or(1);
            let recognizer = super::recognizer(Some(most))?;
            for &workers in &worker_counts {
                eprintln!("{workers} worker(s) in this process");
                // The peak is then this run's, not the engines' start-up's
                // or an earlier run's.
                reset_peak_memory();
                let before = ProcessUsage::now();
                let reads_before = reads_of(&recognizer);
                let (samples, wall) = run_parallel(&requests, workers, |document| {
                    let started = Instant::now();
                    let code = recognize(&recognizer, document);
                    Sample {
                        kind: document.kind,
                        code: Some(code),
                        elapsed: started.elapsed(),
                    }
                });
                let usage = before.zip(ProcessUsage::now());
                let reads = reads_between(&reads_before, reads_of(&recognizer));
                report
                    .runs
                    .push(run_report(workers, &samples, wall, usage, &reads));
            }
        }
    }

    print_tables(&report);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let json_path = args.out.join("report.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", json_path.display()))?;
    let html_path = args.out.join("report.html");
    std::fs::write(&html_path, report::html(&report))
        .with_context(|| format!("writing {}", html_path.display()))?;
    println!("wrote {} and {}", json_path.display(), html_path.display());
    Ok(ExitCode::SUCCESS)
}

/// The result code the API would answer for `document`, recognised in
/// this process.
fn recognize(recognizer: &Recognizer, document: &Document) -> i64 {
    let answer: Result<(), ErrorCode> = match document.kind {
        Kind::CreditCard => recognizer
            .credit_card(&document.bytes)
            .map_err(Failure::logged)
            .map(drop),
        Kind::Business => recognizer
            .business(&document.bytes)
            .map_err(Failure::logged)
            .map(drop),
        Kind::IdCard => recognizer
            .id_card(&document.bytes)
            .map_err(Failure::logged)
            .map(drop),
    };
    answer.map_or_else(|code| code.code(), |()| 0)
}

/// Writes `per_kind` documents of each kind into `dir/{kind}`, alternating
/// clean scans and phone photos; the seeds are fixed.
fn generate_documents(dir: &Path, per_kind: usize) -> anyhow::Result<()> {
    if per_kind == 0 {
        bail!("--generate takes 1 or more");
    }
    let levels = [Level::Clean, Level::Photo];
    for kind in Kind::ALL {
        let out = dir.join(kind.name());
        match kind {
            Kind::CreditCard => {
                docrec_synth::write_credit_cards(
                    &out,
                    per_kind,
                    1,
                    &levels,
                    FaceGroup::Development,
                )?;
            }
            Kind::Business => {
                docrec_synth::write_business_certificates(
                    &out,
                    per_kind,
                    1,
                    &levels,
                    FaceGroup::Development,
                    CertificateFormat::Image,
                )?;
            }
            Kind::IdCard => {
                docrec_synth::write_id_cards(&out, per_kind, 1, &levels, FaceGroup::Development)?;
            }
        }
    }
    Ok(())
}

/// The documents of `dir`: those of its sub-folders named after a kind,
/// and those at its top, whose kind is `kind` or the one its
/// `truth.jsonl` describes. The kinds are interleaved, as mixed traffic.
fn read_documents(dir: &Path, kind: Option<Kind>) -> anyhow::Result<Vec<Document>> {
    let mut by_kind: Vec<Vec<Document>> = Vec::new();
    for sub_kind in Kind::ALL {
        let sub = dir.join(sub_kind.name());
        if sub.is_dir() {
            by_kind.push(read_folder(&sub, sub_kind)?);
        }
    }
    let top = document_files(dir)?;
    if !top.is_empty() {
        let truth = dir.join("truth.jsonl");
        let top_kind = match kind {
            Some(kind) => kind,
            None if truth.is_file() => super::eval::kind_of_truth(&truth)?,
            None => bail!(
                "{} holds documents of no known kind: give --kind, or put them in sub-folders named credit-card, business and id-card",
                dir.display()
            ),
        };
        by_kind.push(read_folder(dir, top_kind)?);
    } else if by_kind.is_empty() && !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let longest = by_kind.iter().map(Vec::len).max().unwrap_or(0);
    let mut queues: Vec<_> = by_kind.into_iter().map(Vec::into_iter).collect();
    let mut interleaved = Vec::new();
    for _ in 0..longest {
        interleaved.extend(queues.iter_mut().filter_map(Iterator::next));
    }
    Ok(interleaved)
}

/// The documents directly in `dir`, in name order, all of `kind`.
fn read_folder(dir: &Path, kind: Kind) -> anyhow::Result<Vec<Document>> {
    document_files(dir)?
        .into_iter()
        .map(|path| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            Ok(Document { kind, bytes })
        })
        .collect()
}

/// The JPEG, PNG and PDF files directly in `dir` (by their names'
/// extensions), in name order; none when `dir` does not exist.
fn document_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let is_document = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if is_document && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// One run's report: `samples` from `workers` workers over `wall`, with
/// the recognizing process's usage before and after it when known, and
/// what its recognizers read in it (none known: empty).
fn run_report(
    workers: usize,
    samples: &[Sample],
    wall: Duration,
    usage: Option<(ProcessUsage, ProcessUsage)>,
    reads: &Reads,
) -> RunReport {
    let wall_seconds = wall.as_secs_f64().max(1e-9);
    let cpu_seconds = usage.map(|(before, after)| after.cpu_seconds - before.cpu_seconds);
    let mut kinds = BTreeMap::new();
    for kind in Kind::ALL {
        let of_kind: Vec<&Sample> = samples.iter().filter(|s| s.kind == kind).collect();
        if !of_kind.is_empty() {
            let stats = kind_stats(&of_kind).with_reads(reads.get(&kind).copied());
            kinds.insert(kind.name().to_owned(), stats);
        }
    }
    RunReport {
        workers,
        requests: samples.len(),
        wall_seconds,
        documents_per_second: samples.len() as f64 / wall_seconds,
        cpu_seconds,
        cpu_cores_busy: cpu_seconds.map(|cpu| cpu / wall_seconds),
        peak_resident_bytes: usage.map(|(_, after)| after.peak_resident_bytes),
        all: kind_stats(&samples.iter().collect::<Vec<_>>())
            .with_reads((!reads.is_empty()).then(|| reads.values().copied().sum())),
        kinds,
    }
}

/// Latency percentiles and result codes of `samples`.
fn kind_stats(samples: &[&Sample]) -> KindStats {
    let mut latencies_ms: Vec<f64> = samples
        .iter()
        .map(|s| (s.elapsed.as_secs_f64() * 10_000.0).round() / 10.0)
        .collect();
    latencies_ms.sort_by(f64::total_cmp);
    let mut result_codes = BTreeMap::new();
    for sample in samples {
        let code = sample
            .code
            .map_or_else(|| "no answer".to_owned(), |c| c.to_string());
        *result_codes.entry(code).or_insert(0) += 1;
    }
    KindStats {
        documents: samples.len(),
        p50_ms: percentile(&latencies_ms, 0.50),
        p95_ms: percentile(&latencies_ms, 0.95),
        p99_ms: percentile(&latencies_ms, 0.99),
        mean_ms: latencies_ms.iter().sum::<f64>() / latencies_ms.len().max(1) as f64,
        result_codes,
        latencies_ms,
        first_look_share: None,
        recognitions_per_document: None,
        tesseract_ms_per_document: None,
    }
}

/// The report's numbers as tables on stdout.
fn print_tables(report: &BenchReport) {
    println!(
        "{:>7} {:>8} {:>8} {:>7} {:>8} {:>10} {:>10}",
        "workers", "requests", "seconds", "docs/s", "CPU s", "cores busy", "peak RSS"
    );
    for run in &report.runs {
        let [cpu, busy, peak] = run.usage_cells();
        println!(
            "{:>7} {:>8} {:>8.1} {:>7.2} {cpu:>8} {busy:>10} {peak:>10}",
            run.workers, run.requests, run.wall_seconds, run.documents_per_second,
        );
    }
    println!();
    println!(
        "{:>7} {:<12} {:>5} {:>8} {:>8} {:>8} {:>8}  result codes",
        "workers", "kind", "docs", "p50 ms", "p95 ms", "p99 ms", "mean ms"
    );
    for run in &report.runs {
        for (kind, stats) in run.rows() {
            println!(
                "{:>7} {:<12} {:>5} {:>8.0} {:>8.0} {:>8.0} {:>8.0}  {}",
                run.workers,
                kind,
                stats.documents,
                stats.p50_ms,
                stats.p95_ms,
                stats.p99_ms,
                stats.mean_ms,
                stats.codes()
            );
        }
    }
    println!();
    println!(
        "{:>7} {:<12} {:>10} {:>13} {:>12}",
        "workers", "kind", "first look", "OCR calls/doc", "OCR ms/doc"
    );
    for run in &report.runs {
        for (kind, stats) in run.rows() {
            let [share, calls, ms] = stats.read_cells();
            println!(
                "{:>7} {:<12} {share:>10} {calls:>13} {ms:>12}",
                run.workers, kind
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(kind: Kind, code: Option<i64>, ms: u64) -> Sample {
        Sample {
            kind,
            code,
            elapsed: Duration::from_millis(ms),
        }
    }

    #[test]
    fn a_run_is_summed_up_per_kind_and_over_all() {
        let mut samples: Vec<Sample> = (1..=100)
            .map(|ms| sample(Kind::CreditCard, Some(0), ms))
            .collect();
        samples.push(sample(Kind::IdCard, Some(4000121), 500));
        samples.push(sample(Kind::IdCard, None, 900));
        let usage = |cpu_seconds: f64, peak_resident_bytes: u64| ProcessUsage {
            cpu_seconds,
            resident_bytes: 0,
            peak_resident_bytes,
        };
        let card_reads = KindReads {
            documents: 100,
            first_look: 75,
            recognitions: 1000,
            busy: Duration::from_secs(5),
        };
        let reads = Reads::from([(Kind::CreditCard, card_reads)]);
        let run = run_report(
            2,
            &samples,
            Duration::from_secs(4),
            Some((usage(10.0, 1 << 10), usage(16.0, 1 << 20))),
            &reads,
        );
        assert_eq!(run.requests, 102);
        assert!((run.documents_per_second - 25.5).abs() < 1e-9);
        assert_eq!(run.cpu_cores_busy, Some(1.5));
        assert_eq!(run.peak_resident_bytes, Some(1 << 20));
        let cards = &run.kinds["credit-card"];
        assert_eq!(
            (cards.p50_ms, cards.p95_ms, cards.p99_ms),
            (50.0, 95.0, 99.0)
        );
        assert_eq!(cards.result_codes, BTreeMap::from([("0".to_owned(), 100)]));
        assert_eq!(cards.first_look_share, Some(0.75));
        assert_eq!(cards.recognitions_per_document, Some(10.0));
        assert_eq!(cards.tesseract_ms_per_document, Some(50.0));
        assert_eq!(cards.read_cells(), ["75.0%", "10.0", "50"]);
        let ids = &run.kinds["id-card"];
        assert_eq!(ids.latencies_ms, [500.0, 900.0]);
        assert_eq!(
            ids.result_codes,
            BTreeMap::from([("4000121".to_owned(), 1), ("no answer".to_owned(), 1)])
        );
        assert!(!run.kinds.contains_key("business"));
        // No reads were known of ID cards.
        assert_eq!(ids.read_cells(), ["?", "?", "?"]);
        assert_eq!(run.all.first_look_share, Some(0.75));
        assert_eq!(run.all.documents, 102);
        assert_eq!(run.all.p99_ms, 500.0);
    }

    #[test]
    fn folders_are_read_by_kind_and_interleaved() {
        let dir = tempfile::tempdir().unwrap();
        let cards = dir.path().join("credit-card");
        let ids = dir.path().join("id-card");
        std::fs::create_dir_all(&cards).unwrap();
        std::fs::create_dir_all(&ids).unwrap();
        for name in ["a.png", "b.JPG", "c.jpeg", "notes.txt"] {
            std::fs::write(cards.join(name), name).unwrap();
        }
        std::fs::write(ids.join("x.pdf"), "x.pdf").unwrap();
        let documents = read_documents(dir.path(), None).unwrap();
        let read: Vec<(Kind, &[u8])> = documents
            .iter()
            .map(|d| (d.kind, d.bytes.as_slice()))
            .collect();
        assert_eq!(
            read,
            [
                (Kind::CreditCard, b"a.png".as_slice()),
                (Kind::IdCard, b"x.pdf".as_slice()),
                (Kind::CreditCard, b"b.JPG".as_slice()),
                (Kind::CreditCard, b"c.jpeg".as_slice()),
            ]
        );
    }

    #[test]
    fn documents_at_the_top_need_a_kind() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scan.png"), "scan").unwrap();
        let error = read_documents(dir.path(), None).err().unwrap().to_string();
        assert!(error.contains("--kind"), "{error}");
        let documents = read_documents(dir.path(), Some(Kind::Business)).unwrap();
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].kind, Kind::Business);
        let missing = read_documents(&dir.path().join("nowhere"), None);
        assert!(missing.err().unwrap().to_string().contains("not a folder"));
    }
}
