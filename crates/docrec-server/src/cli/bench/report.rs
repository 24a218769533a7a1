//! The report of `docrec bench`: its JSON form and an HTML page that shows
//! it without anything from the network: tables, a throughput-versus-
//! workers chart and a latency histogram per run, drawn as inline SVG.
//!
//! The charts are written here rather than with a plotting crate: the one
//! in wide use (plotters) needs a font backend to lay out axis labels,
//! while a browser lays out SVG text itself, and two charts of bars and
//! lines are a page of code.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Document;
use crate::recognition::{Kind, KindReads};

/// The report's target when documents were recognised in the bench's own
/// process.
pub const IN_PROCESS: &str = "in-process";

/// Everything a bench measured.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchReport {
    pub docrec_version: &'static str,
    /// `in-process`, or the server's URL.
    pub target: String,
    /// The cores of the machine the bench ran on.
    pub bench_machine_cores: usize,
    /// Documents of each kind.
    pub documents: BTreeMap<String, usize>,
    /// How many times each document was recognised in each run.
    pub rounds: usize,
    pub runs: Vec<RunReport>,
}

/// One run: every document `rounds` times with `workers` workers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub workers: usize,
    pub requests: usize,
    pub wall_seconds: f64,
    pub documents_per_second: f64,
    /// CPU time the recognizing process used in the run (this one, or the
    /// server's by its `/metrics`).
    pub cpu_seconds: Option<f64>,
    /// `cpu_seconds` over the wall time: how many cores were kept busy.
    pub cpu_cores_busy: Option<f64>,
    /// The recognizing process's peak resident memory: this run's in
    /// process; against a server, the most since it started.
    pub peak_resident_bytes: Option<u64>,
    pub all: KindStats,
    /// By kind (`credit-card`, `business`, `id-card`).
    pub kinds: BTreeMap<String, KindStats>,
}

/// Latency and result codes of one kind's documents in a run.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindStats {
    pub documents: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    /// How many answers had each result code (`no answer` when none came).
    pub result_codes: BTreeMap<String, usize>,
    /// Every latency, ascending, to 0.1 ms.
    pub latencies_ms: Vec<f64>,
    /// The share of the documents read that were answered at their first
    /// look (the fast path), when the recognizer's tallies are known.
    pub first_look_share: Option<f64>,
    /// Tesseract's recognitions per document read, when known.
    pub recognitions_per_document: Option<f64>,
    /// Tesseract's time per document read, when known.
    pub tesseract_ms_per_document: Option<f64>,
}

impl BenchReport {
    /// A report with no runs yet.
    pub fn new(target: &str, rounds: usize, documents: &[Document]) -> BenchReport {
        let mut counts = BTreeMap::new();
        for document in documents {
            *counts.entry(document.kind.name().to_owned()).or_insert(0) += 1;
        }
        BenchReport {
            docrec_version: env!("CARGO_PKG_VERSION"),
            target: target.to_owned(),
            bench_machine_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            documents: counts,
            rounds,
            runs: Vec::new(),
        }
    }
}

/// Bytes as MiB, for tables.
fn mebibytes(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

impl RunReport {
    /// Each kind's numbers, then those over all kinds, by name: a table's
    /// rows.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &KindStats)> {
        self.kinds
            .iter()
            .map(|(kind, stats)| (kind.as_str(), stats))
            .chain([("all", &self.all)])
    }

    /// CPU seconds, cores busy and peak memory as a table shows them, `?`
    /// for what is not known.
    pub fn usage_cells(&self) -> [String; 3] {
        let unknown = || "?".to_owned();
        [
            self.cpu_seconds.map_or_else(unknown, |c| format!("{c:.1}")),
            self.cpu_cores_busy
                .map_or_else(unknown, |c| format!("{c:.2}")),
            self.peak_resident_bytes.map_or_else(unknown, mebibytes),
        ]
    }
}

impl KindStats {
    /// The same numbers with the recognizer's `reads` of these documents.
    pub fn with_reads(mut self, reads: Option<KindReads>) -> KindStats {
        if let Some(reads) = reads.filter(|r| r.documents > 0) {
            let documents = reads.documents as f64;
            self.first_look_share = Some(reads.first_look as f64 / documents);
            self.recognitions_per_document = Some(reads.recognitions as f64 / documents);
            self.tesseract_ms_per_document = Some(reads.busy.as_secs_f64() * 1000.0 / documents);
        }
        self
    }

    /// The first-look share, recognitions and Tesseract's milliseconds per
    /// document as a table shows them, `?` for what is not known.
    pub fn read_cells(&self) -> [String; 3] {
        let unknown = || "?".to_owned();
        [
            self.first_look_share
                .map_or_else(unknown, |s| format!("{:.1}%", s * 100.0)),
            self.recognitions_per_document
                .map_or_else(unknown, |n| format!("{n:.1}")),
            self.tesseract_ms_per_document
                .map_or_else(unknown, |ms| format!("{ms:.0}")),
        ]
    }

    /// The result codes and how often each came (`0 ×19, 4000121 ×1`).
    pub fn codes(&self) -> String {
        self.result_codes
            .iter()
            .map(|(code, n)| format!("{code} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The colour of a kind in the charts.
fn colour(kind: &str) -> &'static str {
    match kind {
        k if k == Kind::CreditCard.name() => "#4e79a7",
        k if k == Kind::Business.name() => "#f28e2b",
        _ => "#59a14f",
    }
}

/// The report as a self-contained HTML page.
pub fn html(report: &BenchReport) -> String {
    let mut page = String::new();
    let documents: Vec<String> = report
        .documents
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    let _ = write!(
        page,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>docrec bench</title><style>{STYLE}</style></head><body>\n\
         <h1>docrec bench</h1>\n<p>docrec {}, {}; documents: {} (each {} time(s) per run); \
         the bench ran on {} core(s).</p>\n",
        escape(report.docrec_version),
        escape(&report.target),
        escape(&documents.join(", ")),
        report.rounds,
        report.bench_machine_cores,
    );

    page.push_str("<h2>Throughput</h2>\n<table><tr><th>workers</th><th>requests</th><th>seconds</th><th>documents/s</th><th>CPU s</th><th>cores busy</th><th>peak memory</th></tr>\n");
    for run in &report.runs {
        let [cpu, busy, peak] = run.usage_cells();
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.2}</td><td>{cpu}</td><td>{busy}</td><td>{peak}</td></tr>",
            run.workers, run.requests, run.wall_seconds, run.documents_per_second,
        );
    }
    page.push_str("</table>\n");
    page.push_str(if report.target == IN_PROCESS {
        "<p>CPU and memory: this process's, in each run.</p>\n"
    } else {
        "<p>CPU and memory: the server's, from its /metrics; its peak memory is the most since it started.</p>\n"
    });
    page.push_str(&throughput_chart(&report.runs));

    page.push_str("<h2>Latency</h2>\n<table><tr><th>workers</th><th>kind</th><th>documents</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>mean ms</th><th>result codes</th></tr>\n");
    for run in &report.runs {
        for (kind, stats) in run.rows() {
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}</td><td>{:.0}</td><td>{:.0}</td><td>{:.0}</td><td>{}</td></tr>",
                run.workers,
                escape(kind),
                stats.documents,
                stats.p50_ms,
                stats.p95_ms,
                stats.p99_ms,
                stats.mean_ms,
                escape(&stats.codes()),
            );
        }
    }
    page.push_str("</table>\n");
    for run in &report.runs {
        let _ = writeln!(page, "<h3>{} worker(s)</h3>", run.workers);
        page.push_str(&latency_histogram(run));
    }
    page.push_str("</body></html>\n");
    page
}

const STYLE: &str = "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}\
th{background:#f4f4f4}svg{display:block;margin:1em 0}svg text{font-size:12px;fill:#333}";

/// Chart size and margins, in SVG units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 50.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 45.0;

/// Where `x` of `0..=x_max` and `y` of `0..=y_max` fall in the plot.
struct Plot {
    x_max: f64,
    y_max: f64,
}

impl Plot {
    fn x(&self, x: f64) -> f64 {
        LEFT + x / self.x_max * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - y / self.y_max * (HEIGHT - TOP - BOTTOM)
    }

    /// The opening tag, both axes with ticks at `x_ticks` and every
    /// `y_step`, and their titles.
    fn frame(
        &self,
        svg: &mut String,
        title: &str,
        x_ticks: &[f64],
        y_step: f64,
        x_title: &str,
        y_title: &str,
    ) {
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
             viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\"><title>{}</title>",
            escape(title)
        );
        let (x0, y0) = (self.x(0.0), self.y(0.0));
        let _ = write!(
            svg,
            "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{:.1}\" y2=\"{y0}\" stroke=\"#333\"/>\
             <line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{TOP}\" stroke=\"#333\"/>",
            self.x(self.x_max)
        );
        for &tick in x_ticks {
            let x = self.x(tick);
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{y0}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                y0 + 4.0,
                y0 + 16.0,
                number(tick)
            );
        }
        let mut tick = 0.0;
        while tick <= self.y_max + y_step * 1e-6 {
            let y = self.y(tick);
            let _ = write!(
                svg,
                "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                self.x(self.x_max),
                x0 - 6.0,
                y + 4.0,
                number(tick)
            );
            tick += y_step;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
             <text transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
            (self.x(0.0) + self.x(self.x_max)) / 2.0,
            HEIGHT - 8.0,
            escape(x_title),
            (TOP + HEIGHT - BOTTOM) / 2.0,
            escape(y_title)
        );
    }
}

/// A tick label: whole numbers without decimals.
fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The smallest of 1, 2 and 5 times a power of ten that splits `0..=max`
/// into at most `parts` steps.
fn nice_step(max: f64, parts: usize) -> f64 {
    let rough = (max / parts.max(1) as f64).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * power)
}

/// Documents per second against workers, with the line a perfect scaling
/// of the smallest run would follow (dashed).
fn throughput_chart(runs: &[RunReport]) -> String {
    let mut svg = String::new();
    let Some(first) = runs.first() else {
        return svg;
    };
    let workers_max = runs.iter().map(|r| r.workers).max().unwrap_or(1) as f64;
    let measured_max = runs
        .iter()
        .map(|r| r.documents_per_second)
        .fold(0.0, f64::max);
    let linear = |workers: f64| first.documents_per_second / first.workers as f64 * workers;
    let y_step = nice_step(measured_max.max(linear(workers_max)) * 1.1, 5);
    let plot = Plot {
        x_max: workers_max,
        y_max: (measured_max.max(linear(workers_max)) * 1.1 / y_step).ceil() * y_step,
    };
    let ticks: Vec<f64> = runs.iter().map(|r| r.workers as f64).collect();
    plot.frame(
        &mut svg,
        "Throughput against workers",
        &ticks,
        y_step,
        "workers",
        "documents per second",
    );
    let _ = write!(
        svg,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>",
        plot.x(0.0),
        plot.y(0.0),
        plot.x(workers_max),
        plot.y(linear(workers_max))
    );
    let points: Vec<String> = runs
        .iter()
        .map(|r| {
            format!(
                "{:.1},{:.1}",
                plot.x(r.workers as f64),
                plot.y(r.documents_per_second)
            )
        })
        .collect();
    let _ = write!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\"/>",
        points.join(" ")
    );
    for run in runs {
        let (x, y) = (plot.x(run.workers as f64), plot.y(run.documents_per_second));
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#4e79a7\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{:.2}</text>",
            x + 6.0,
            y - 6.0,
            run.documents_per_second
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{TOP}\">dashed: the rate of {} worker(s), times the workers</text></svg>",
        LEFT + 10.0,
        first.workers
    );
    svg
}

/// How many of each kind's latencies fall in each of `bins` bins of
/// `width` ms from 0 (the last bin takes everything beyond).
fn bin_counts(run: &RunReport, bins: usize, width: f64) -> BTreeMap<&str, Vec<usize>> {
    run.kinds
        .iter()
        .map(|(kind, stats)| {
            let mut counts = vec![0; bins];
            for &ms in &stats.latencies_ms {
                let bin = ((ms / width) as usize).min(bins - 1);
                counts[bin] += 1;
            }
            (kind.as_str(), counts)
        })
        .collect()
}

/// A histogram of one run's latencies, the kinds stacked in each bin.
fn latency_histogram(run: &RunReport) -> String {
    let mut svg = String::new();
    let slowest = run.all.latencies_ms.last().copied().unwrap_or(0.0).max(1.0);
    let width = nice_step(slowest, 25);
    let bins = ((slowest / width).floor() as usize + 1).max(1);
    let counts = bin_counts(run, bins, width);
    let tallest = (0..bins)
        .map(|bin| counts.values().map(|c| c[bin]).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y_step = nice_step(tallest, 5).max(1.0);
    let plot = Plot {
        x_max: bins as f64 * width,
        y_max: (tallest / y_step).ceil() * y_step,
    };
    let x_step = nice_step(plot.x_max, 8);
    let x_ticks: Vec<f64> = (0..)
        .map(|i| i as f64 * x_step)
        .take_while(|t| *t <= plot.x_max + 1e-9)
        .collect();
    plot.frame(
        &mut svg,
        &format!("Latency with {} worker(s)", run.workers),
        &x_ticks,
        y_step,
        "latency (ms)",
        "documents",
    );
    for bin in 0..bins {
        let mut stacked = 0usize;
        for (kind, kind_counts) in &counts {
            let n = kind_counts[bin];
            if n == 0 {
                continue;
            }
            let (x0, x1) = (plot.x(bin as f64 * width), plot.x((bin + 1) as f64 * width));
            let (y_top, y_bottom) = (plot.y((stacked + n) as f64), plot.y(stacked as f64));
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{y_top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\">\
                 <title>{} {}–{} ms: {n}</title></rect>",
                x0 + 0.5,
                (x1 - x0 - 1.0).max(0.5),
                y_bottom - y_top,
                colour(kind),
                escape(kind),
                number(bin as f64 * width),
                number((bin + 1) as f64 * width),
            );
            stacked += n;
        }
    }
    for (i, kind) in counts.keys().enumerate() {
        let y = TOP + 4.0 + i as f64 * 16.0;
        let x = WIDTH - RIGHT - 110.0;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            colour(kind),
            x + 14.0,
            y + 9.0,
            escape(kind)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Text made safe for HTML content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(latencies_ms: Vec<f64>) -> KindStats {
        KindStats {
            documents: latencies_ms.len(),
            p50_ms: 0.0,
            p95_ms: 0.0,
            p99_ms: 0.0,
            mean_ms: 0.0,
            result_codes: BTreeMap::from([("0".to_owned(), latencies_ms.len())]),
            latencies_ms,
            first_look_share: None,
            recognitions_per_document: None,
            tesseract_ms_per_document: None,
        }
    }

    fn run(workers: usize, documents_per_second: f64) -> RunReport {
        RunReport {
            workers,
            requests: 4,
            wall_seconds: 1.0,
            documents_per_second,
            cpu_seconds: None,
            cpu_cores_busy: None,
            peak_resident_bytes: Some(300 << 20),
            all: stats(vec![12.0, 180.0, 230.0, 950.0]),
            kinds: BTreeMap::from([
                ("credit-card".to_owned(), stats(vec![180.0, 230.0])),
                ("business".to_owned(), stats(vec![12.0, 950.0])),
            ]),
        }
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(950.0, 25), 50.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(0.9, 5), 0.2);
    }

    #[test]
    fn latencies_fall_in_their_bins_and_the_slowest_in_the_last() {
        let one_worker = run(1, 2.0);
        let counts = bin_counts(&one_worker, 20, 50.0);
        let cards = &counts["credit-card"];
        assert_eq!((cards[3], cards[4]), (1, 1));
        let certificates = &counts["business"];
        assert_eq!((certificates[0], certificates[19]), (1, 1));
        assert_eq!(counts.values().flatten().sum::<usize>(), 4);
    }

    #[test]
    fn the_page_holds_both_charts_a_bar_per_kind_and_bin_and_escaped_text() {
        let report = BenchReport {
            docrec_version: "0.1.0",
            target: "http://host:8080/?a=<b>&c".to_owned(),
            bench_machine_cores: 2,
            documents: BTreeMap::from([("business".to_owned(), 2), ("credit-card".to_owned(), 2)]),
            rounds: 1,
            runs: vec![run(1, 2.0), run(2, 3.6)],
        };
        let page = html(&report);
        assert!(page.contains("http://host:8080/?a=&lt;b&gt;&amp;c"));
        assert!(!page.contains("<b>"));
        assert_eq!(page.matches("<svg ").count(), 3);
        assert!(page.contains("<title>Throughput against workers</title>"));
        // Two runs, four latencies each in four different bins.
        assert_eq!(
            page.matches("<rect x=").count() - page.matches("height=\"10\"").count(),
            8
        );
        assert!(page.contains("<td>300 MiB</td>"));
        assert_eq!(
            page.matches("<svg ").count(),
            page.matches("</svg>").count()
        );
    }
}
