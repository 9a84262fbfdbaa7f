//! Composition: plan model → Handlebars templates → Markdown with directives →
//! [`nap_doc::Document`].

use nap_doc::Document;
use nap_model::{Date, Diagnostic, Plan};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ComposeOptions {
    /// The templates folder (default `templates/`).
    pub templates: PathBuf,
    /// A `--final` build: no draft marking, the GMIP approval page.
    pub final_build: bool,
    /// The build date (already resolved by the driver).
    pub build_date: Date,
}

/// Both documents of a build, and the merged Markdown each was made from.
#[derive(Debug, Clone)]
pub struct Composed {
    pub plan: Document,
    pub report: Document,
    pub plan_markdown: String,
    pub report_markdown: String,
}

/// Merges the templates with the plan and parses the result.
pub fn compose(plan: &Plan, opts: &ComposeOptions) -> Result<Composed, Vec<Diagnostic>> {
    let _ = (plan, opts);
    Err(vec![Diagnostic::error("templates", "composition is not written yet")])
}
