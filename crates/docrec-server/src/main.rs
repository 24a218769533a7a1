//! `docrec`: a self-hosted document recognizer.
//!
//! Subcommands: `serve` (the HTTP API), `recognize` (the same answers on the
//! command line), `synth` (labelled synthetic documents), `eval` (accuracy
//! and latency over a labelled folder), `bench` (throughput and latency
//! for sizing hardware), `admin` (an operator's commands on
//! the data directory) and `error-codes` (the error table).
//! Configuration comes from `DOCREC_*` environment variables (see
//! [`config`]).

mod authenticity;
mod business_status;
mod cli;
mod config;
mod http;
mod keys;
mod process;
mod recognition;
mod sweeper;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "docrec",
    version,
    about = "Self-hosted recognizer of credit cards, ID cards and business registrations"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API (DOCREC_LISTEN, default 127.0.0.1:8080).
    Serve,
    /// Recognise files and print, per file, the envelope the API would answer.
    Recognize(cli::recognize::RecognizeArgs),
    /// Write labelled synthetic documents.
    Synth(cli::synth::SynthArgs),
    /// Measure accuracy and latency over a folder with a truth.jsonl.
    Eval(cli::eval::EvalArgs),
    /// Measure throughput, latency, CPU and memory, in this process or
    /// against a running server, and write a JSON and an HTML report.
    Bench(cli::bench::BenchArgs),
    /// An operator's commands on the data directory.
    #[command(subcommand)]
    Admin(cli::admin::AdminCommand),
    /// Print the error table.
    ErrorCodes {
        /// As JSON: [{"resultCode", "resultKey", "resultMessage"}, ...].
        #[arg(long)]
        json: bool,
    },
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    cli::init_logging();
    let result = match args.command {
        Command::Serve => http::serve(),
        Command::Recognize(a) => cli::recognize::run(a),
        Command::Synth(a) => cli::synth::run(a),
        Command::Eval(a) => cli::eval::run(a),
        Command::Bench(a) => cli::bench::run(a),
        Command::Admin(c) => cli::admin::run(c),
        Command::ErrorCodes { json } => cli::error_codes(json),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("docrec: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
