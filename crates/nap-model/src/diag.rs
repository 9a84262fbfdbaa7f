//! Diagnostics: every problem found in the inputs, with its place.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, with where it is: `file` is relative to the input folder
/// (`areas/digjitale/commitments.json`), `line` and `column` count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field, column or key concerned, e.g. `commitments[2].milestones[0].end`.
    pub field: Option<String>,
    /// A plain sentence.
    pub message: String,
    /// The next step, where one exists ("did you mean `objective`?").
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }
    pub fn at(mut self, line: usize, column: Option<usize>) -> Diagnostic {
        self.line = Some(line);
        self.column = column;
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// One line: `error: areas/x/commitments.json:12:5: [start] the message`
/// followed by `  hint: …` on its own line when there is a hint.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line, column (stable for equal places) so
/// output does not depend on the order files were read in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.line.unwrap_or(0), a.column.unwrap_or(0)).cmp(&(
            b.file.as_str(),
            b.line.unwrap_or(0),
            b.column.unwrap_or(0),
        ))
    });
}
