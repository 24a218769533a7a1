//! `docrec eval DIR [--workers N] [--json] [--failures]`: accuracy per
//! field and per level, and latency, over a folder that `docrec synth`
//! wrote (images plus `truth.jsonl`). The kind of document is told from the
//! truth file.
//!
//! Credit cards: a document counts as right when the full card number and
//! the expiry are both exact. "Wrong ≥ 0.9" counts answers whose number is
//! wrong although every group's conf is at least 0.9: the failures a client
//! cannot catch. Business registrations: see [`business`]; ID cards: see
//! [`id_card`].

mod business;
mod id_card;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use docrec_synth::{CardTruth, Level};
use serde::Serialize;

use super::{percentile, run_parallel};
use crate::failure::Failure;
use crate::recognition::Kind;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A folder with images and truth.jsonl.
    dir: PathBuf,
    /// Documents recognised at once (one OCR engine each).
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// List the documents read wrong (synthetic data only: values are printed).
    #[arg(long)]
    failures: bool,
}

/// How one document went.
struct Outcome {
    truth: CardTruth,
    elapsed: Duration,
    code: i64,
    number_ok: bool,
    expiry_ok: bool,
    groups_ok: bool,
    confident_wrong: bool,
    read: String,
}

/// Counts for one level (or all).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Tally {
    documents: usize,
    total_card_num: f64,
    valid_thru: f64,
    card_nums: f64,
    document: f64,
    wrong_number_conf_at_least_0_9: f64,
}

/// A run's report: `T` tallies per level and over all documents, latency
/// and throughput.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<T> {
    workers: usize,
    levels: BTreeMap<String, T>,
    all: T,
    latency_ms_p50: f64,
    latency_ms_p95: f64,
    latency_ms_mean: f64,
    documents_per_second: f64,
}

/// The report of `outcomes` (each one document's, with its level and the
/// time it took), tallied by `tally`, for a run of `workers` that took
/// `wall`.
fn report<O, T>(
    outcomes: &[O],
    workers: usize,
    wall: Duration,
    level_of: impl Fn(&O) -> Level,
    elapsed_of: impl Fn(&O) -> Duration,
    tally: impl Fn(&[&O]) -> T,
) -> Report<T> {
    let mut levels = BTreeMap::new();
    for level in Level::ALL {
        let of_level: Vec<&O> = outcomes.iter().filter(|o| level_of(o) == level).collect();
        if !of_level.is_empty() {
            levels.insert(level.as_str().to_owned(), tally(&of_level));
        }
    }
    let mut latencies: Vec<f64> = outcomes
        .iter()
        .map(|o| elapsed_of(o).as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    Report {
        workers,
        levels,
        all: tally(&outcomes.iter().collect::<Vec<_>>()),
        latency_ms_p50: percentile(&latencies, 0.50),
        latency_ms_p95: percentile(&latencies, 0.95),
        latency_ms_mean: latencies.iter().sum::<f64>() / latencies.len().max(1) as f64,
        documents_per_second: outcomes.len() as f64 / wall.as_secs_f64().max(1e-9),
    }
}

fn tally(outcomes: &[&Outcome]) -> Tally {
    let n = outcomes.len().max(1) as f64;
    let share = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as f64 / n;
    Tally {
        documents: outcomes.len(),
        total_card_num: share(&|o| o.number_ok),
        valid_thru: share(&|o| o.expiry_ok),
        card_nums: share(&|o| o.groups_ok),
        document: share(&|o| o.number_ok && o.expiry_ok),
        wrong_number_conf_at_least_0_9: share(&|o| o.confident_wrong),
    }
}

/// The kind of the documents a `truth.jsonl` that `docrec synth` wrote
/// describes, told from its first line.
pub fn kind_of_truth(truth_path: &Path) -> anyhow::Result<Kind> {
    let first_line = std::fs::read_to_string(truth_path)
        .with_context(|| format!("reading {}", truth_path.display()))?
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok(if first_line.contains("\"idType\"") {
        Kind::IdCard
    } else if first_line.contains("\"keyValues\"") {
        Kind::Business
    } else {
        Kind::CreditCard
    })
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    match kind_of_truth(&args.dir.join("truth.jsonl"))? {
        Kind::IdCard => return id_card::run(args),
        Kind::Business => return business::run(args),
        Kind::CreditCard => {}
    }
    let truths: Vec<docrec_synth::CardTruth> =
        docrec_synth::truth::read_truth(&args.dir.join("truth.jsonl"))
            .with_context(|| format!("reading {}/truth.jsonl", args.dir.display()))?;
    let workers = args.workers.max(1);
    let recognizer = super::recognizer(Some(workers))?;
    let (outcomes, wall) = run_parallel(&truths, workers, |truth| {
        let bytes = std::fs::read(args.dir.join(&truth.file)).unwrap_or_default();
        let t0 = Instant::now();
        let answer = recognizer.credit_card(&bytes).map_err(Failure::logged);
        let elapsed = t0.elapsed();
        match answer {
            Ok(r) => {
                let number_ok = r.total_card_num == truth.total_card_num;
                let groups: Vec<&str> = r.card_nums.iter().map(|g| g.value.as_str()).collect();
                let min_conf = r.card_nums.iter().map(|g| g.conf).fold(1.0f32, f32::min);
                Outcome {
                    number_ok,
                    expiry_ok: r.valid_thru.value == truth.valid_thru,
                    groups_ok: groups == truth.card_nums,
                    confident_wrong: !number_ok && min_conf >= 0.9,
                    code: 0,
                    read: format!(
                        "{} {} (conf {min_conf:.2})",
                        groups.join(" "),
                        r.valid_thru.value
                    ),
                    truth: truth.clone(),
                    elapsed,
                }
            }
            Err(code) => Outcome {
                number_ok: false,
                expiry_ok: false,
                groups_ok: false,
                confident_wrong: false,
                code: code.code(),
                read: code.key().to_owned(),
                truth: truth.clone(),
                elapsed,
            },
        }
    });

    let report = report(
        &outcomes,
        workers,
        wall,
        |o| o.truth.level,
        |o| o.elapsed,
        tally,
    );

    if args.failures {
        for o in outcomes.iter().filter(|o| !(o.number_ok && o.expiry_ok)) {
            eprintln!(
                "{}\t{}\t{}\ttruth {} {}\tread {} [{}]",
                o.truth.file,
                o.truth.level.as_str(),
                o.truth.style,
                o.truth.card_nums.join(" "),
                o.truth.valid_thru,
                o.read,
                o.code
            );
        }
    }
    print_report(&report, args.json, print_table)?;
    Ok(ExitCode::SUCCESS)
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Prints `report` as JSON or, with `print_table`, as a table.
fn print_report<T: Serialize>(
    report: &Report<T>,
    json: bool,
    print_table: impl Fn(&Report<T>),
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print_table(report);
    }
    Ok(())
}

fn print_table(report: &Report<Tally>) {
    println!(
        "{:<7} {:>5} {:>13} {:>10} {:>9} {:>9} {:>10}",
        "level", "docs", "totalCardNum", "validThru", "cardNums", "document", "wrong≥0.9"
    );
    for (name, t) in report.rows() {
        println!(
            "{:<7} {:>5} {:>13} {:>10} {:>9} {:>9} {:>10}",
            name,
            t.documents,
            percent(t.total_card_num),
            percent(t.valid_thru),
            percent(t.card_nums),
            percent(t.document),
            percent(t.wrong_number_conf_at_least_0_9)
        );
    }
    report.print_latency();
}

impl<T> Report<T> {
    /// The tallies per level, then over all documents, as the table's rows.
    fn rows(&self) -> Vec<(&str, &T)> {
        self.levels
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .chain([("all", &self.all)])
            .collect()
    }

    /// A row per key, `key_width` wide: the key's exact share at each level
    /// and over all (`-` where no document has the key).
    fn print_key_shares(
        &self,
        keys: &[&str],
        key_width: usize,
        shares: impl Fn(&T) -> &BTreeMap<String, f64>,
    ) {
        let rows = self.rows();
        print!("{:<key_width$}", "key");
        for (name, _) in &rows {
            print!(" {name:>7}");
        }
        println!();
        for key in keys {
            print!("{key:<key_width$}");
            for (_, t) in &rows {
                match shares(t).get(*key) {
                    Some(share) => print!(" {:>7}", percent(*share)),
                    None => print!(" {:>7}", "-"),
                }
            }
            println!();
        }
    }

    /// The last line of the table: latency and throughput.
    fn print_latency(&self) {
        println!(
            "latency per document: p50 {:.0} ms, p95 {:.0} ms, mean {:.0} ms; {:.2} documents/s with {} worker(s)",
            self.latency_ms_p50, self.latency_ms_p95, self.latency_ms_mean, self.documents_per_second, self.workers
        );
    }
}
