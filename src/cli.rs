//! Command-line interface: parses arguments once into checked options, then
//! hands them to the command functions. Exit codes follow the contract:
//! 0 clean (warnings allowed), 1 input errors, 2 usage.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// nap — assembles Albania's OGP National Action Plan (draft and final) and the
/// report on how it was co-created, as DOCX and PDF, from the institutions' inputs.
#[derive(Debug, Parser)]
#[command(name = "nap", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, normalize and validate the input folder; print every problem and a summary.
    ///
    /// Exit status: 0 clean (warnings allowed), 1 input errors, 2 usage.
    Check {
        /// The input folder (see docs/inputs.md).
        #[arg(long, value_name = "DIR", default_value = "inputs")]
        inputs: PathBuf,
        /// Also apply the submission rules of the final plan (no pending
        /// disposition, a response to every comment, every field required at final, no TODO markers).
        #[arg(long = "final")]
        final_rules: bool,
    },
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check {
            inputs,
            final_rules,
        } => crate::check::run(&inputs, final_rules),
    }
}
