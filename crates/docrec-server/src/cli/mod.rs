//! The command-line subcommands other than `serve`.

pub mod accounts;
pub mod admin;
pub mod bench;
pub mod eval;
pub mod recognize;
pub mod synth;

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use docrec_ocr::EnginePool;

use crate::config::Config;
use crate::recognition::Recognizer;

/// Structured logs on stderr, filtered by `DOCREC_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DOCREC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// A recognizer with `workers` engines, configured from the environment.
pub fn recognizer(workers: Option<usize>) -> anyhow::Result<Recognizer> {
    let config = Config::from_env()?;
    let workers = workers.unwrap_or(config.workers).max(1);
    let pool = EnginePool::new(&config.engine, workers, Duration::from_secs(600))
        .context("starting the OCR engines")?;
    Ok(Recognizer::new(
        pool,
        config.limits,
        config.pdf_tools.clone(),
    ))
}

/// `docrec error-codes [--json]`: the table, in its order; the readable
/// form says where each code not in `error-codes.md` comes from. A reader
/// that stops early (`| head`) is not an error.
pub fn error_codes(json: bool) -> anyhow::Result<ExitCode> {
    use docrec_errors::{ErrorCode, Origin};
    use std::io::Write;

    let mut out = std::io::stdout().lock();
    let written = if json {
        writeln!(out, "{}", serde_json::to_string(&docrec_errors::table())?)
    } else {
        ErrorCode::ALL.iter().try_for_each(|code| {
            let origin = match code.origin() {
                Origin::Table => "",
                Origin::Hosted => "  (the hosted service's, adopted: API.md §1)",
                Origin::Extension => "  (extension: API.md)",
            };
            writeln!(
                out,
                "{:>8}  {:<45} {}{origin}",
                code.code(),
                code.key(),
                code.message()
            )
        })
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// A progress bar on stderr for `len` items, hidden for a handful of them.
pub fn progress_bar(len: usize) -> indicatif::ProgressBar {
    if len < 4 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed_precise} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The `p` quantile (0 to 1) of ascending values, by the nearest rank;
/// 0 for none.
pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted_ms.len() as f64).ceil() as usize).clamp(1, sorted_ms.len());
    sorted_ms[rank - 1]
}

/// Recognises every item with `workers` threads (`recognize` gives the
/// outcome of one); gives the outcomes in the order they finished and the
/// wall time.
pub fn run_parallel<T: Sync, O: Send>(
    items: &[T],
    workers: usize,
    recognize: impl Fn(&T) -> O + Sync,
) -> (Vec<O>, Duration) {
    let bar = progress_bar(items.len());
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::with_capacity(items.len()));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let outcome = recognize(item);
                outcomes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(outcome);
                bar.inc(1);
            });
        }
    });
    let wall = started.elapsed();
    bar.finish_and_clear();
    (
        outcomes.into_inner().unwrap_or_else(|p| p.into_inner()),
        wall,
    )
}
