//! `nap diff OLD NEW [--out DIR] [--templates DIR] [--json]`.
//!
//! OLD and NEW are build folders (their `model.json`) or input folders
//! (read and validated on the fly, as `nap check` does). Prints the change
//! list (text, or JSON with `--json`) on stdout and writes `krahasimi.docx`
//! (NEW's action plan with the changes as tracked changes) and
//! `krahasimi.pdf` (the change summary) into the output folder.
//!
//! Exit status: 0 (also when there are changes), 1 unreadable input.

use nap_compose::{compose, ComposeOptions};
use nap_doc::{Document, Meta};
use nap_input::{load, LoadOptions};
use nap_model::{Date, ModelFile, Plan};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A side of the comparison, read.
struct Side {
    plan: Plan,
    build_date: Date,
    final_build: bool,
    /// True for a build folder (or a model.json file).
    is_build: bool,
}

/// Runs `nap diff` printing the text summary.
pub fn run(old: &Path, new: &Path, out: Option<&Path>, templates: &Path) -> i32 {
    run_with(old, new, out, templates, false)
}

/// Runs `nap diff`; with `json`, stdout gets the change list as JSON
/// (the `nap_diff::ChangeList` serialization) instead of the text summary.
pub fn run_with(old: &Path, new: &Path, out: Option<&Path>, templates: &Path, json: bool) -> i32 {
    let (old_side, new_side) = match (read_side(old), read_side(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                eprintln!("{e}");
            }
            return 1;
        }
    };
    let list = nap_diff::diff(&old_side.plan, &new_side.plan);

    let (old_doc, new_doc) = match (
        compose_plan(&old_side, templates),
        compose_plan(&new_side, templates),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                eprintln!("{e}");
            }
            return 1;
        }
    };
    let timestamp = new_side.build_date.unix_seconds();
    let mut redlined = nap_diff::redline(&old_doc, &new_doc);
    redlined.meta.revision_author = "nap".into();
    redlined.meta.timestamp = timestamp;

    let summary_meta = Meta {
        title: format!(
            "Krahasimi i versioneve {} dhe {}",
            list.old_version, list.new_version
        ),
        subject: new_doc.meta.title.clone(),
        header: "Krahasimi i versioneve të planit".into(),
        draft_mark: None,
        date: new_side.build_date.sq(),
        timestamp,
        revision_author: "nap".into(),
        ..new_doc.meta.clone()
    };
    let summary = nap_diff::summary_document(&list, summary_meta);

    let docx = nap_docx::docx(&redlined);
    let pdf = match nap_pdf::pdf(&summary, &nap_pdf::PdfOptions::default()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: the change summary could not be written as PDF: {e}");
            return 1;
        }
    };

    let dir = match out {
        Some(d) => d.to_path_buf(),
        None if new_side.is_build => build_folder(new),
        None => default_out(&old_side.plan, &new_side.plan),
    };
    for (name, bytes) in [("krahasimi.docx", &docx), ("krahasimi.pdf", &pdf)] {
        if let Err(e) = write_atomically(&dir, name, bytes) {
            eprintln!("error: {}: {e}", dir.join(name).display());
            return 1;
        }
    }

    let stdout = std::io::stdout();
    let text = if json {
        match serde_json::to_string_pretty(&list) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: the change list could not be serialized: {e}");
                return 1;
            }
        }
    } else {
        let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        nap_diff::render_text(&list, color)
    };
    let mut lock = stdout.lock();
    let _ = lock.write_all(text.as_bytes());
    let _ = lock.flush();
    eprintln!(
        "wrote {} and {}",
        dir.join("krahasimi.docx").display(),
        dir.join("krahasimi.pdf").display()
    );
    0
}

/// The folder of a build given as a folder or as its model.json.
fn build_folder(p: &Path) -> PathBuf {
    if p.is_file() {
        p.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    } else {
        p.to_path_buf()
    }
}

/// For two input folders: `output/krahasimi-<old version>-<new version>/`
/// (never inside an input folder).
fn default_out(old: &Plan, new: &Plan) -> PathBuf {
    let clean = |v: &str| -> String {
        v.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    PathBuf::from("output").join(format!(
        "krahasimi-{}-{}",
        clean(&old.version),
        clean(&new.version)
    ))
}

fn read_side(p: &Path) -> Result<Side, String> {
    let model = if p.is_file() {
        Some(p.to_path_buf())
    } else if p.join("model.json").is_file() {
        Some(p.join("model.json"))
    } else {
        None
    };
    if let Some(m) = model {
        let text = std::fs::read_to_string(&m)
            .map_err(|e| format!("error: {}: cannot read: {e}", m.display()))?;
        let file: ModelFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "error: {}:{}:{}: not a model.json written by nap: {e}",
                m.display(),
                e.line(),
                e.column()
            )
        })?;
        return Ok(Side {
            plan: file.plan,
            build_date: file.build_date,
            final_build: file.final_build,
            is_build: true,
        });
    }
    if p.join("plan.json").is_file() {
        let loaded = load(p, &LoadOptions::default());
        let mut buf = Vec::new();
        let _ = nap_input::report::print(&mut buf, &loaded, p);
        // Diagnostics name files relative to the folder: say which folder.
        let listing = String::from_utf8_lossy(&buf).into_owned();
        match loaded.plan {
            Some(plan) if !loaded.has_errors() => {
                if !loaded.diagnostics.is_empty() {
                    eprint!("{}:\n{listing}", p.display());
                }
                // As a build resolves it: SOURCE_DATE_EPOCH, plan.json's date, today.
                let build_date = crate::world::World::from_env()
                    .build_date(plan.date)
                    .map_err(|e| format!("error: {e}"))?;
                Ok(Side {
                    plan,
                    build_date,
                    final_build: false,
                    is_build: false,
                })
            }
            _ => Err(format!(
                "{}:\n{listing}error: {}: the input folder has errors (run `nap check --inputs {}`)",
                p.display(),
                p.display(),
                p.display()
            )),
        }
    } else if p.exists() {
        Err(format!(
            "error: {}: neither a build folder (no model.json) nor an input folder (no plan.json)",
            p.display()
        ))
    } else {
        Err(format!("error: {}: no such file or folder", p.display()))
    }
}

fn compose_plan(side: &Side, templates: &Path) -> Result<Document, String> {
    let opts = ComposeOptions {
        templates: templates.to_path_buf(),
        final_build: side.final_build,
        build_date: side.build_date,
    };
    compose(&side.plan, &opts).map(|c| c.plan).map_err(|diags| {
        diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// Writes `dir/name` through a temporary file in the same folder, renamed
/// into place, so a reader never sees half a file.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, dir.join(name)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
