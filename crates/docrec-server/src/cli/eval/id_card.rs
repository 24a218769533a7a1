//! `docrec eval` over Korean ID cards and passports.
//!
//! A document counts as right when its `idType` and the key fields of its
//! type are exact (the issue's measure: a licence's number, type, name and
//! resident number; a resident card's name, resident number and issue
//! date, the three its authenticity check takes; a passport's number and
//! both lines of its machine-readable zone); "all keys" when every key
//! of its type is exact and no other is answered. "Wrong ≥ 0.9" counts the
//! values answered that are wrong although their conf is at least 0.9, over
//! all values answered: the errors a client cannot catch. Of the passports
//! answered, those whose MRZ is wrong although every check digit of it
//! passes are counted too (the check digits cannot catch them either).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use docrec_recognize::api::ApiKey;
use docrec_recognize::id_card::{IdKey, PassportKey, DRIVER_KEYS, PASSPORT_KEYS};
use docrec_synth::IdCardTruth;
use serde::Serialize;

use super::{percent, print_report, report, run_parallel, EvalArgs, Report};
use crate::failure::Failure;

/// The keys that must all be exact for a licence to count as right.
const DRIVER_CORE_KEYS: [IdKey; 4] = [
    IdKey::DriverLicenseNumber,
    IdKey::LicenseType,
    IdKey::Name,
    IdKey::ResidentNumber,
];
/// The keys that must all be exact for a resident card to count as right.
const RESIDENT_CORE_KEYS: [IdKey; 3] = [IdKey::Name, IdKey::ResidentNumber, IdKey::IssueDate];
/// The keys that must all be exact for a passport to count as right.
const PASSPORT_CORE_KEYS: [IdKey; 3] = [
    IdKey::Passport(PassportKey::PassportNo),
    IdKey::Passport(PassportKey::Mrz1),
    IdKey::Passport(PassportKey::Mrz2),
];

/// Every key reported on: a licence's (which has every key of a resident
/// card), then a passport's.
fn reported_keys() -> Vec<&'static str> {
    DRIVER_KEYS
        .iter()
        .chain(&PASSPORT_KEYS)
        .map(|key| key.api_name())
        .collect()
}

/// How one card went.
struct Outcome {
    truth: IdCardTruth,
    elapsed: Duration,
    code: i64,
    /// The answer's `idType` (empty on failure).
    id_type: String,
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

    fn truth_value(&self, key: &str) -> Option<&str> {
        self.truth
            .key_values
            .iter()
            .find(|kv| kv.key == key)
            .map(|kv| kv.value.as_str())
    }

    fn exact(&self, key: &str) -> bool {
        self.truth_value(key) == self.value(key)
    }

    /// `idType` and the key fields of the card's type exact.
    fn core_ok(&self) -> bool {
        let core: &[IdKey] = match self.truth.id_type.as_str() {
            "driver" => &DRIVER_CORE_KEYS,
            "passport" => &PASSPORT_CORE_KEYS,
            _ => &RESIDENT_CORE_KEYS,
        };
        self.id_type == self.truth.id_type && core.iter().all(|k| self.exact(k.api_name()))
    }

    /// `idType` and every key exact, and no other key answered.
    fn all_ok(&self) -> bool {
        self.id_type == self.truth.id_type
            && self.truth.key_values.iter().all(|kv| self.exact(&kv.key))
            && self.read.len() == self.truth.key_values.len()
    }

    /// Whether a passport was answered whose MRZ lines (or, with
    /// `second_line`, its second line, which holds every field a TD3 check
    /// digit covers) are wrong though every check digit in them passes.
    fn mrz_wrong_checks_passing(&self, second_line: bool) -> bool {
        let (Some(first), Some(second)) = (self.value("MRZ1"), self.value("MRZ2")) else {
            return false;
        };
        let wrong = !self.exact("MRZ2") || (!second_line && !self.exact("MRZ1"));
        wrong && docrec_rules::mrz::parse(&[first, second]).is_ok_and(|mrz| mrz.checks.all_pass())
    }

    /// Values answered, and those wrong at conf ≥ 0.9.
    fn confident_wrong(&self) -> (usize, usize) {
        let wrong = self
            .read
            .iter()
            .filter(|(k, v, conf)| *conf >= 0.9 && self.truth_value(k) != Some(v.as_str()))
            .count();
        (self.read.len(), wrong)
    }
}

/// Counts for one level (or all).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Tally {
    documents: usize,
    /// `idType` and the key fields of the card's type exact.
    document: f64,
    /// `idType` and every key exact.
    all_keys: f64,
    id_type: f64,
    /// Exact share per key, over the cards of the types that have it.
    keys: BTreeMap<String, f64>,
    wrong_value_conf_at_least_0_9: f64,
    /// Passports answered (`idType` passport).
    passports_answered: usize,
    /// Of them, those whose MRZ is wrong with every check digit passing.
    mrz_wrong_checks_passing: usize,
    /// Of them, those whose MRZ's second line is.
    mrz2_wrong_checks_passing: usize,
}

fn tally(outcomes: &[&Outcome]) -> Tally {
    let n = outcomes.len().max(1) as f64;
    let share = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as f64 / n;
    let mut keys = BTreeMap::new();
    for key in reported_keys() {
        let having: Vec<&&Outcome> = outcomes
            .iter()
            .filter(|o| o.truth_value(key).is_some())
            .collect();
        if !having.is_empty() {
            let exact = having.iter().filter(|o| o.exact(key)).count();
            keys.insert(key.to_owned(), exact as f64 / having.len() as f64);
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
        id_type: share(&|o| o.id_type == o.truth.id_type),
        keys,
        wrong_value_conf_at_least_0_9: wrong as f64 / answered.max(1) as f64,
        passports_answered: outcomes.iter().filter(|o| o.id_type == "passport").count(),
        mrz_wrong_checks_passing: outcomes
            .iter()
            .filter(|o| o.mrz_wrong_checks_passing(false))
            .count(),
        mrz2_wrong_checks_passing: outcomes
            .iter()
            .filter(|o| o.mrz_wrong_checks_passing(true))
            .count(),
    }
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let truths: Vec<IdCardTruth> =
        docrec_synth::truth::read_truth(&args.dir.join("truth.jsonl"))
            .with_context(|| format!("reading {}/truth.jsonl", args.dir.display()))?;
    let workers = args.workers.max(1);
    let recognizer = super::super::recognizer(Some(workers))?;
    let (outcomes, wall) = run_parallel(&truths, workers, |truth| {
        let bytes = std::fs::read(args.dir.join(&truth.file)).unwrap_or_default();
        let t0 = Instant::now();
        let answer = recognizer.id_card(&bytes).map_err(Failure::logged);
        let elapsed = t0.elapsed();
        let (code, id_type, read) = match answer {
            Ok(r) => (
                0,
                r.id_type.api_name().to_owned(),
                r.key_values
                    .into_iter()
                    .map(|kv| (kv.key, kv.value, kv.conf))
                    .collect(),
            ),
            Err(code) => (code.code(), String::new(), Vec::new()),
        };
        Outcome {
            truth: truth.clone(),
            elapsed,
            code,
            id_type,
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
            let wrong: Vec<String> = o
                .truth
                .key_values
                .iter()
                .filter(|kv| !o.exact(&kv.key))
                .map(|kv| {
                    format!(
                        "{}: {:?} read {:?}",
                        kv.key,
                        kv.value,
                        o.value(&kv.key).unwrap_or("-")
                    )
                })
                .collect();
            eprintln!(
                "{}\t{}\t{}\t{}{}\t[{}]\t{}",
                o.truth.file,
                o.truth.level.as_str(),
                o.truth.font,
                o.truth.id_type,
                if o.truth.legacy_region {
                    " (legacy)"
                } else {
                    ""
                },
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
        "{:<7} {:>5} {:>9} {:>9} {:>8} {:>10}",
        "level", "docs", "document", "allKeys", "idType", "wrong≥0.9"
    );
    for (name, t) in &rows {
        println!(
            "{:<7} {:>5} {:>9} {:>9} {:>8} {:>10}",
            name,
            t.documents,
            percent(t.document),
            percent(t.all_keys),
            percent(t.id_type),
            percent(t.wrong_value_conf_at_least_0_9)
        );
    }
    for (name, t) in rows.iter().filter(|(_, t)| t.passports_answered > 0) {
        println!(
            "{name}: of {} passports answered, {} have an MRZ wrong with every check \
             digit passing ({} with its second line wrong)",
            t.passports_answered, t.mrz_wrong_checks_passing, t.mrz2_wrong_checks_passing
        );
    }
    println!();
    report.print_key_shares(&reported_keys(), 20, |t| &t.keys);
    report.print_latency();
}
