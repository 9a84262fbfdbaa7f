//! Reads an input folder, normalizes every text and validates it against the
//! contract (`docs/inputs.md`). Stage 1 of nap: folder → [`Loaded`].
//!
//! Every problem is reported in one run as a [`Diagnostic`] with its file,
//! line, column (where there is one) and field. When plan.json itself cannot
//! be read, the files that refer to it (areas and comments) are not checked,
//! since every reference in them would look unknown.

mod comments;
mod commitments;
mod ctx;
mod dates;
mod decode;
mod json;
mod markdown;
mod plan;
mod process;
pub mod report;
mod text;

pub use comments::COLUMNS as COMMENT_COLUMNS;
pub use ctx::{MAX_COMMENTS, MAX_CSV_FILE, MAX_TEXT_FILE};
pub use json::MAX_DEPTH;
pub use markdown::options as markdown_options;

use ctx::Ctx;
use nap_model::{Diagnostic, Plan, PolicyArea};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Parsing and normalization rules, for other stages and tests that need
/// exactly the reader's behaviour.
pub mod rules {
    pub use crate::comments::{consent, disposition};
    pub use crate::dates::{parse as parse_date, DateProblem};
    pub use crate::text::{find_marker, fold, key, normalize};
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Apply the submission rules of `--final`.
    pub final_rules: bool,
}

/// How much was read, for the summary line (counted even where the plan
/// could not be built).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub policy_areas: usize,
    pub commitments: usize,
    pub milestones: usize,
    pub comments: usize,
}

/// The result of reading a folder: the plan when it could be built (even with
/// warnings, and even with errors where a model could still be made), every
/// diagnostic, and the files read (relative paths, sorted) for the manifest.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<ReadFile>,
    pub counts: Counts,
}

/// A file the reader read: its path relative to the input folder and the
/// SHA-256 of the very bytes it read, so the manifest describes what the
/// build used without reading the folder a second time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReadFile {
    pub path: PathBuf,
    pub sha256: [u8; 32],
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Reads, normalizes and validates the input folder `dir`.
pub fn load(dir: &Path, opts: &LoadOptions) -> Loaded {
    let mut cx = Ctx::new(dir, opts.final_rules);
    let mut counts = Counts::default();
    if !cx.root_exists() {
        let d = Diagnostic::error(
            dir.display().to_string(),
            "the input folder does not exist or is not a folder",
        )
        .hint("name the input folder with --inputs DIR");
        return Loaded {
            plan: None,
            diagnostics: vec![d],
            files: vec![],
            counts,
        };
    }
    let head = plan::read(&mut cx);
    let process = process::read(&mut cx);
    let intro = markdown::read(&mut cx, "process/intro.md", "process/intro.md");
    let Some(mut head) = head else {
        return finish(cx, None, counts);
    };
    counts.policy_areas = head.reg.areas.len();

    // Policy areas and their folders, both ways.
    let mut seen = commitments::Seen::default();
    let mut areas: Vec<PolicyArea> = Vec::new();
    let dirs = cx.list_dir("areas");
    if dirs.is_none() && !head.reg.areas.is_empty() {
        cx.push(
            Diagnostic::error("areas", "the areas/ folder is missing")
                .hint("make a folder areas/<area-id>/ for every policy area of plan.json"),
        );
    }
    let dirs = dirs.unwrap_or_default();
    let dir_names: HashMap<&str, bool> = dirs.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    for a in &head.reg.areas {
        let folder = format!("areas/{}", a.id);
        if dir_names.get(a.id.as_str()) != Some(&true) {
            if !dirs.is_empty() || cx.root.join("areas").is_dir() {
                let d = cx.error_at(
                    plan::FILE,
                    a.pos,
                    &a.field,
                    format!("policy area `{}` has no folder {folder}/", a.id),
                );
                d.hint = Some(format!(
                    "create {folder}/ with situation-analysis.md and commitments.json"
                ));
            }
            continue;
        }
        let analysis = markdown::read(
            &mut cx,
            &format!("{folder}/situation-analysis.md"),
            "the situation analysis",
        );
        let got = commitments::read(
            &mut cx,
            &format!("{folder}/commitments.json"),
            &a.id,
            &head.reg,
            head.period.as_ref(),
            &mut seen,
        );
        counts.commitments += got.commitment_count;
        counts.milestones += got.milestone_count;
        areas.push(PolicyArea {
            id: a.id.clone(),
            title: a.title.clone(),
            lfp: a.lfp.clone(),
            analysis: analysis.unwrap_or_default(),
            commitments: got.commitments,
        });
    }
    for (name, is_dir) in &dirs {
        let rel = format!("areas/{name}");
        if !is_dir {
            cx.push(Diagnostic::warning(
                rel,
                "a file directly in areas/ is ignored; each policy area has its own folder",
            ));
        } else if !head.reg.areas.iter().any(|a| &a.id == name) {
            let hint = match ctx::suggest(name, head.reg.areas.iter().map(|a| a.id.as_str())) {
                Some(s) => {
                    format!("did you mean `{s}`? The folder's name must be the policy area's id")
                }
                None => "add the policy area to `policy_areas` in plan.json, or remove the folder"
                    .into(),
            };
            cx.push(
                Diagnostic::error(
                    rel,
                    format!("the folder areas/{name}/ is not a policy area of plan.json"),
                )
                .hint(hint),
            );
        }
    }

    // Comments, resolved against the plan's rounds, areas and commitments.
    let mut comments = Vec::new();
    match cx.list_dir("comments") {
        None => cx.push(Diagnostic::warning(
            "comments",
            "there is no comments/ folder, so the plan has no stakeholder comments",
        )),
        Some(entries) => {
            let mut seen_ids = HashMap::new();
            let mut any = false;
            let mut refs = comments::Refs {
                reg: &mut head.reg,
                commitments: &seen.refs,
                commitments_complete: !seen.unreadable,
            };
            for (name, is_dir) in entries {
                let rel = format!("comments/{name}");
                if is_dir || !name.to_ascii_lowercase().ends_with(".csv") {
                    let message = if is_dir {
                        "comments/ is read one level deep: this folder is not read, nor the files in it"
                    } else {
                        "only .csv files are read from comments/; this one is ignored"
                    };
                    cx.push(Diagnostic::warning(rel, message));
                    continue;
                }
                any = true;
                counts.comments +=
                    comments::read(&mut cx, &rel, &mut refs, &mut seen_ids, &mut comments);
            }
            if !any {
                cx.push(Diagnostic::warning("comments", "the comments/ folder holds no .csv file, so the plan has no stakeholder comments"));
            }
        }
    }

    let round = head
        .round
        .as_ref()
        .and_then(|t| match head.reg.round(&t.s) {
            Some(r) => Some(r.id.clone()),
            None => {
                let titles = head.reg.round_titles();
                cx.error_at(
                    plan::FILE,
                    t.pos,
                    "round",
                    format!("unknown round `{}`", t.s),
                )
                .hint = Some(format!("the rounds in `rounds` are: {titles}"));
                None
            }
        });

    let plan = (|| {
        Some(Plan {
            country: head.country?,
            title: head.title?,
            programme: head.programme,
            period: head.period?,
            language: head.language,
            version: head.version,
            round,
            rounds: head.reg.rounds.clone(),
            date: head.date,
            poc: head.poc,
            institutions: head.reg.institutions.clone(),
            policy_areas: areas,
            comments,
            process: process?,
            process_intro: intro?,
        })
    })();
    finish(cx, plan, counts)
}

fn finish(mut cx: Ctx, plan: Option<Plan>, counts: Counts) -> Loaded {
    nap_model::diag::sort(&mut cx.diags);
    cx.files.sort();
    cx.files.dedup_by(|a, b| a.path == b.path);
    Loaded {
        plan,
        diagnostics: cx.diags,
        files: cx.files,
        counts,
    }
}
