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
    /// Check the inputs, then write the action plan and the process report (DOCX and PDF),
    /// model.json and manifest.json into OUT/<version>-draft (or -final).
    ///
    /// Nothing is written when there are errors; the previous output of the same version
    /// stays as it was. Exit status: 0 built (or up to date), 1 input or output errors, 2 usage.
    Build {
        /// The input folder (see docs/inputs.md).
        #[arg(long, value_name = "DIR", default_value = "inputs")]
        inputs: PathBuf,
        /// The Handlebars templates (see docs/templates.md).
        #[arg(long, value_name = "DIR", default_value = "templates")]
        templates: PathBuf,
        /// Where version folders are written.
        #[arg(long, value_name = "DIR", default_value = "output")]
        out: PathBuf,
        /// Build the final plan: apply the submission rules, no draft marking, the GMIP
        /// approval page, PDF/A for archiving; writes <version>-final.
        #[arg(long = "final")]
        final_build: bool,
        /// Also write each document as text. `markdown`: pandoc Markdown with the same
        /// content as the DOCX and PDF (plani-i-veprimit.md, raporti-i-procesit.md, and the
        /// figures as PNG files beside them), for review or for `pandoc X.md -o X.docx`.
        /// `source`: what the templates produced, directives included
        /// (plani-i-veprimit.source.md, raporti-i-procesit.source.md), for template authors.
        /// May be given twice.
        #[arg(long, value_name = "WHAT", value_parser = ["markdown", "source"])]
        emit: Vec<String>,
        /// Rebuild even when the version folder is up to date with the inputs and templates.
        #[arg(long)]
        force: bool,
    },
    /// Compare two builds (their model.json) or two input folders: print what changed and
    /// write krahasimi.docx (NEW's plan with tracked changes) and krahasimi.pdf (the summary).
    ///
    /// Exit status: 0 (also when there are changes), 1 unreadable input, 2 usage.
    Diff {
        /// The older build folder (or input folder).
        old: PathBuf,
        /// The newer build folder (or input folder).
        new: PathBuf,
        /// Where to write krahasimi.docx and krahasimi.pdf (default: NEW's folder when it is a
        /// build folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The Handlebars templates the plan documents are composed with.
        #[arg(long, value_name = "DIR", default_value = "templates")]
        templates: PathBuf,
        /// Print the change list as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a valid input folder at N times the size of a base plan (for benchmarks and
    /// tests): commitments, milestones, comments and analysis length grow linearly with N.
    Generate {
        /// The input folder to scale.
        #[arg(long, value_name = "DIR", default_value = "inputs")]
        from: PathBuf,
        /// The scale factor (1 = the base plan).
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        scale: u32,
        /// Where to write the new input folder (must not exist yet).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
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
        Command::Build {
            inputs,
            templates,
            out,
            final_build,
            emit,
            force,
        } => crate::build::run(
            &crate::build::BuildOptions {
                inputs,
                templates,
                out,
                final_build,
                emit_markdown: emit.iter().any(|e| e == "markdown"),
                emit_source: emit.iter().any(|e| e == "source"),
                force,
            },
            &crate::world::World::from_env(),
        ),
        Command::Diff {
            old,
            new,
            out,
            templates,
            json,
        } => crate::diff::run_with(&old, &new, out.as_deref(), &templates, json),
        Command::Generate { from, scale, out } => generate(&from, scale as usize, &out),
    }
}

fn generate(from: &std::path::Path, scale: usize, out: &std::path::Path) -> i32 {
    let loaded = nap_input::load(from, &nap_input::LoadOptions::default());
    let plan = match &loaded.plan {
        Some(plan) if !loaded.has_errors() => plan,
        _ => {
            let _ = nap_input::report::print(&mut std::io::stderr().lock(), &loaded, from);
            eprintln!(
                "error: the base plan in {} has errors; nothing was written",
                from.display()
            );
            return 1;
        }
    };
    if out.exists() {
        eprintln!("error: {} already exists; name a new folder", out.display());
        return 1;
    }
    match crate::generate::write_scaled(plan, scale, out) {
        Ok(()) => {
            eprintln!("wrote {} (scale {scale})", out.display());
            0
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            1
        }
    }
}
