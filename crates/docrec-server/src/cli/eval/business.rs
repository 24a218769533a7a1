//! `docrec eval` over business registration certificates.
//!
//! A document counts as right when 등록번호, 상호, 대표자 and 개업연월일 are
//! all exact (the measure); "all keys" when every key the
//! certificate prints is exact and no other key is answered. Addresses,
//! 업태 and 종목 are also scored by character error rate: edit distance over
//! the truth's length, a missing value counting as all wrong. "Wrong ≥
//! 0.9" is the share of the values answered that are wrong although their
//! conf is at least 0.9: the failures a client cannot catch.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use docrec_recognize::api::ApiKey;
use docrec_recognize::business::{BusinessKey, KEYS};
use docrec_recognize::text::edit_distance;
use docrec_synth::BusinessTruth;
use serde::Serialize;

use super::{percent, print_report, report, run_parallel, EvalArgs, Report};
use crate::failure::Failure;

/// The keys that must all be exact for a document to count as right.
const CORE_KEYS: [BusinessKey; 4] = [
    BusinessKey::RegistrationNumber,
    BusinessKey::TradeName,
    BusinessKey::Representative,
    BusinessKey::OpeningDate,
];
/// The keys scored by character error rate.
const CER_KEYS: [BusinessKey; 4] = [
    BusinessKey::BusinessAddress,
    BusinessKey::HeadOfficeAddress,
    BusinessKey::BusinessType,
    BusinessKey::BusinessItem,
];

/// How one document went.
struct Outcome {
    truth: BusinessTruth,
    elapsed: Duration,
    code: i64,
    /// The answer's keys, values and confidences (empty on failure).
    read: Vec<(String, String, f32)>,
}

impl Outcome {
    fn value(&self, key: &str) -> Option<&str> {
        self.read
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    }

    fn exact(&self, key: &str) -> bool {
        truth_value(&self.truth, key) == self.value(key)
    }

    fn core_ok(&self) -> bool {
        CORE_KEYS.iter().all(|k| self.exact(k.api_name()))
    }

    fn all_ok(&self) -> bool {
        self.truth.key_values.iter().all(|kv| self.exact(&kv.key))
            && self
                .read
                .iter()
                .all(|(k, _, _)| truth_value(&self.truth, k).is_some())
    }

    /// Values answered, and those wrong at conf ≥ 0.9.
    fn confident_wrong(&self) -> (usize, usize) {
        let wrong = self
            .read
            .iter()
            .filter(|(k, v, conf)| *conf >= 0.9 && truth_value(&self.truth, k) != Some(v.as_str()))
            .count();
        (self.read.len(), wrong)
    }
}

fn truth_value<'a>(truth: &'a BusinessTruth, key: &str) -> Option<&'a str> {
    truth
        .key_values
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| kv.value.as_str())
}

/// Counts for one level (or all).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Tally {
    documents: usize,
    /// 등록번호, 상호, 대표자 and 개업연월일 all exact.
    document: f64,
    all_keys: f64,
    /// Exact share per key, over the documents that print it.
    keys: BTreeMap<String, f64>,
    /// Character error rate of addresses, 업태 and 종목.
    cer: f64,
    wrong_value_conf_at_least_0_9: f64,
}

fn tally(outcomes: &[&Outcome]) -> Tally {
    let n = outcomes.len().max(1) as f64;
    let share = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as f64 / n;
    let mut keys = BTreeMap::new();
    for key in KEYS.map(BusinessKey::api_name) {
        let printed: Vec<&&Outcome> = outcomes
            .iter()
            .filter(|o| truth_value(&o.truth, key).is_some())
            .collect();
        if !printed.is_empty() {
            let exact = printed.iter().filter(|o| o.exact(key)).count();
            keys.insert(key.to_owned(), exact as f64 / printed.len() as f64);
        }
    }
    let (mut errors, mut chars) = (0usize, 0usize);
    for o in outcomes {
        for key in CER_KEYS.map(BusinessKey::api_name) {
            if let Some(truth) = truth_value(&o.truth, key) {
                chars += truth.chars().count();
                errors += match o.value(key) {
                    Some(read) => edit_distance(truth, read),
                    None => truth.chars().count(),
                };
            }
        }
    }
    let (answered, wrong) = outcomes
        .iter()
        .map(|o| o.confident_wrong())
        .fold((0, 0), |(a, w), (oa, ow)| (a + oa, w + ow));
    Tally {
        documents: outcomes.len(),
        document: share(&|o| o.core_ok()),
        all_keys: share(&|o| o.all_ok()),
        keys,
        cer: errors as f64 / chars.max(1) as f64,
        wrong_value_conf_at_least_0_9: wrong as f64 / answered.max(1) as f64,
    }
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let truths: Vec<BusinessTruth> = docrec_synth::truth::read_truth(&args.dir.join("truth.jsonl"))
        .with_context(|| format!("reading {}/truth.jsonl", args.dir.display()))?;
    let workers = args.workers.max(1);
    let recognizer = super::super::recognizer(Some(workers))?;
    let (outcomes, wall) = run_parallel(&truths, workers, |truth| {
        let bytes = std::fs::read(args.dir.join(&truth.file)).unwrap_or_default();
        let t0 = Instant::now();
        let answer = recognizer.business(&bytes).map_err(Failure::logged);
        let elapsed = t0.elapsed();
        let (code, read) = match answer {
            Ok(r) => (
                0,
                r.key_values
                    .into_iter()
                    .map(|kv| (kv.key, kv.value, kv.conf))
                    .collect(),
            ),
            Err(code) => (code.code(), Vec::new()),
        };
        Outcome {
            truth: truth.clone(),
            elapsed,
            code,
            read,
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
        for o in outcomes.iter().filter(|o| !o.all_ok()) {
            let wrong: Vec<String> = KEYS
                .map(BusinessKey::api_name)
                .iter()
                .filter(|k| !o.exact(k))
                .map(|k| {
                    format!(
                        "{k}: {:?} read {:?}",
                        truth_value(&o.truth, k).unwrap_or("-"),
                        o.value(k).unwrap_or("-")
                    )
                })
                .collect();
            eprintln!(
                "{}\t{}\t{}\t[{}]\t{}",
                o.truth.file,
                o.truth.level.as_str(),
                o.truth.font,
                o.code,
                wrong.join("; ")
            );
        }
    }
    print_report(&report, args.json, print_table)?;
    Ok(ExitCode::SUCCESS)
}

fn print_table(report: &Report<Tally>) {
    let rows = report.rows();
    println!(
        "{:<7} {:>5} {:>9} {:>9} {:>7} {:>10}",
        "level", "docs", "document", "allKeys", "CER", "wrong≥0.9"
    );
    for (name, t) in &rows {
        println!(
            "{:<7} {:>5} {:>9} {:>9} {:>7} {:>10}",
            name,
            t.documents,
            percent(t.document),
            percent(t.all_keys),
            format!("{:.2}%", t.cer * 100.0),
            percent(t.wrong_value_conf_at_least_0_9)
        );
    }
    println!();
    report.print_key_shares(&KEYS.map(BusinessKey::api_name), 10, |t| &t.keys);
    report.print_latency();
}
