//! Reads an input folder, normalizes every text and validates it against the
//! contract (`docs/inputs.md`). Stage 1 of nap: folder → [`Loaded`].

use nap_model::{Diagnostic, Plan};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Apply the submission rules of `--final`.
    pub final_rules: bool,
}

/// The result of reading a folder: the plan when it could be built (even with
/// warnings, and even with errors where a model could still be made), every
/// diagnostic, and the files read (relative paths, sorted) for the manifest.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<PathBuf>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Reads, normalizes and validates the input folder `dir`.
pub fn load(dir: &Path, opts: &LoadOptions) -> Loaded {
    let _ = (dir, opts);
    Loaded {
        plan: None,
        diagnostics: vec![Diagnostic::error(
            "plan.json",
            "the reader is not written yet",
        )],
        files: vec![],
    }
}

pub mod report {
    //! Printing diagnostics and the one-line summary.
    use super::Loaded;
    use std::io::{self, Write};
    use std::path::Path;

    /// Prints every diagnostic then the summary line
    /// (`4 policy areas, 9 commitments, 41 milestones, 126 comments: 0 errors, 2 warnings`).
    pub fn print(out: &mut dyn Write, loaded: &Loaded, _dir: &Path) -> io::Result<()> {
        for d in &loaded.diagnostics {
            writeln!(out, "{d}")?;
        }
        Ok(())
    }
}
