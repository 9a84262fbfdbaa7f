//! Printing diagnostics and the one-line summary.
//!
//! Each diagnostic is its header line (`error: file:line:col: field: message`),
//! then, where it has a line, that source line with a caret under the column,
//! then its hint. The snippet is printed here rather than through a snippet
//! crate: it is three lines, and the files need the reader's own decoding.

use super::Loaded;
use nap_model::Diagnostic;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

/// Longest stretch of a source line shown; longer lines are cut around the column.
const SHOWN: usize = 100;

/// Prints every diagnostic then the summary line
/// (`4 policy areas, 9 commitments, 41 milestones, 126 comments: 0 errors, 2 warnings`).
pub fn print(out: &mut dyn Write, loaded: &Loaded, dir: &Path) -> io::Result<()> {
    let mut sources: HashMap<&str, Option<Source>> = HashMap::new();
    for d in &loaded.diagnostics {
        writeln!(out, "{}", header(d))?;
        if let Some(line) = d.line {
            let src = sources
                .entry(d.file.as_str())
                .or_insert_with(|| Source::load(&dir.join(&d.file)));
            if let Some(text) = src.as_ref().and_then(|s| s.line(line)) {
                snippet(out, line, text, d.column)?;
            }
        }
        if let Some(h) = &d.hint {
            writeln!(out, "  hint: {h}")?;
        }
    }
    writeln!(out, "{}", summary(loaded))
}

/// `4 policy areas, 9 commitments, 41 milestones, 126 comments: 0 errors, 2 warnings`.
pub fn summary(loaded: &Loaded) -> String {
    let c = loaded.counts;
    format!(
        "{}, {}, {}, {}: {}, {}",
        n(c.policy_areas, "policy area", "policy areas"),
        n(c.commitments, "commitment", "commitments"),
        n(c.milestones, "milestone", "milestones"),
        n(c.comments, "comment", "comments"),
        n(loaded.errors(), "error", "errors"),
        n(loaded.warnings(), "warning", "warnings"),
    )
}

fn n(k: usize, one: &str, many: &str) -> String {
    format!("{k} {}", if k == 1 { one } else { many })
}

/// The diagnostic's first line, without its hint.
pub fn header(d: &Diagnostic) -> String {
    let hintless = Diagnostic {
        hint: None,
        ..d.clone()
    };
    hintless.to_string()
}

fn snippet(out: &mut dyn Write, line: usize, text: &str, column: Option<usize>) -> io::Result<()> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
        .collect();
    let col = column.unwrap_or(1).max(1) - 1;
    let start = if chars.len() > SHOWN && col > SHOWN / 2 {
        (col - SHOWN / 2).min(chars.len().saturating_sub(SHOWN))
    } else {
        0
    };
    let end = (start + SHOWN).min(chars.len());
    let shown: String = chars[start..end].iter().collect();
    let (pre, post) = (
        if start > 0 { "…" } else { "" },
        if end < chars.len() { "…" } else { "" },
    );
    let num = line.to_string();
    let pad = " ".repeat(num.len());
    writeln!(out, "  {num} | {pre}{}{post}", shown.trim_end())?;
    if column.is_some() {
        let caret_at = col - start + pre.chars().count();
        writeln!(out, "  {pad} | {}^", " ".repeat(caret_at))?;
    }
    Ok(())
}

/// A file's text as the reader decoded it, split into lines on demand.
struct Source {
    text: String,
    starts: Vec<usize>,
}

impl Source {
    fn load(path: &Path) -> Option<Source> {
        let bytes = std::fs::read(path).ok()?;
        let text = match crate::decode::decode_csv(&bytes) {
            Ok((t, _)) => t,
            Err(_) => {
                String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
                    .into_owned()
            }
        };
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Some(Source { text, starts })
    }

    fn line(&self, n: usize) -> Option<&str> {
        let s = *self.starts.get(n.checked_sub(1)?)?;
        let e = self.starts.get(n).map_or(self.text.len(), |&e| e - 1);
        Some(self.text[s..e].trim_end_matches('\r'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_puts_the_caret_under_the_column() {
        let mut out = Vec::new();
        snippet(&mut out, 12, "    \"end\": \"2022-13\",", Some(12)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  12 |     \"end\": \"2022-13\",\n     |            ^\n"
        );
    }

    #[test]
    fn summary_counts_in_english() {
        let loaded = Loaded {
            plan: None,
            diagnostics: vec![Diagnostic::warning("a", "x"), Diagnostic::warning("b", "y")],
            files: vec![],
            counts: crate::Counts {
                policy_areas: 4,
                commitments: 9,
                milestones: 41,
                comments: 126,
            },
        };
        assert_eq!(
            summary(&loaded),
            "4 policy areas, 9 commitments, 41 milestones, 126 comments: 0 errors, 2 warnings"
        );
    }
}
