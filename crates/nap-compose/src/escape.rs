//! Making values from the public safe to insert into template output.
//!
//! Field values come from institutions and the public. Whatever they hold,
//! once inserted they must stay text: they may never start a directive, close
//! a table, or smuggle a source marker. Two levels:
//! - [`defuse`] (applied to every string of the view data, and again by the
//!   `md` helper): a value keeps its Markdown but cannot create directives;
//! - [`text`] (the Handlebars escape function and the `text` helper): a plain
//!   value such as a name is escaped so it is not read as Markdown at all.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// Separates a directive line from the template place it came from. A control
/// character, so normalized input never holds it; values are stripped of it.
pub const MARK: char = '\u{1F}';

/// A value as Markdown that cannot create a directive: every line starting
/// with `:::` gets a leading space (a directive must start at column 0, and
/// CommonMark ignores up to three leading spaces in a paragraph, so the text
/// reads the same). Source markers are removed. Idempotent.
pub fn defuse(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with(":::") {
            out.push(' ');
        }
        out.extend(line.chars().filter(|&c| c != MARK));
    }
    out
}

/// A plain value (a name, a title) as Markdown text that reads exactly as the
/// value: punctuation that could start Markdown syntax is backslash-escaped,
/// and line breaks become spaces so the value cannot start a new block.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            MARK | '\r' => continue,
            '\n' => {
                out.push(' ');
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                continue;
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '&' | '~' | '#' | '{'
            | '}' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // Only at the start of the value can these begin a block (list
            // item, setext underline, directive).
            '-' | '+' | '=' | ':' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                // "2020. Viti" at a line start would be an ordered list.
                out.push(c);
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_digit() {
                        out.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if let Some(&p) = chars.peek() {
                    if p == '.' || p == ')' {
                        out.push('\\');
                        out.push(p);
                        chars.next();
                    }
                }
            }
            _ => out.push(c),
        }
        at_start = false;
    }
    out
}

/// Indents every line after the first by `n` spaces, so a multi-paragraph
/// value stays inside the list item or block the template put it in.
pub fn indent_rest(s: &str, n: usize) -> String {
    if n == 0 {
        return s.to_string();
    }
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(s.len() + 16);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    out
}

/// Gives a value's footnote labels a prefix of their own, made from the
/// value's text: `[^1]` → `[^n3f2a9c1e-1]`, in citations and in the notes.
/// A template puts many values into one document and every analysis has its
/// `[^1]`; with the prefix, the merged Markdown (`--emit markdown`, which
/// pandoc reads too) means what each value meant. Values with the same text
/// get the same prefix, and the same notes.
pub fn scope_footnotes(md: &str) -> String {
    if !md.contains("[^") {
        return md.to_string();
    }
    // FNV-1a: stable across Rust versions, unlike std's hasher.
    let hash = md.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let prefix = format!("n{hash:08x}-");
    // Where the labels to prefix start: citations in the text (not inside a
    // note, where a citation stays text) and the notes they cite. A note no
    // one cites keeps its label, which is printed with it.
    let notes = |text: &str| {
        let mut cited: Vec<(String, usize)> = Vec::new();
        let mut defined: Vec<(String, usize)> = Vec::new();
        let mut inside = false;
        for (event, range) in Parser::new_ext(text, crate::markdown::options()).into_offset_iter() {
            // A definition's range may start with its indentation.
            let at = || {
                let i = text[range.clone()].find("[^").filter(|&i| i <= 3)?;
                Some(range.start + i + 2)
            };
            match event {
                Event::FootnoteReference(label) if !inside => {
                    cited.extend(at().map(|a| (label.to_lowercase(), a)))
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    inside = true;
                    defined.extend(at().map(|a| (label.to_lowercase(), a)));
                }
                Event::End(TagEnd::FootnoteDefinition) => inside = false,
                _ => {}
            }
        }
        // Only a label's first note is the one its citations find; a
        // second note of the same label is printed as written, label and
        // all, so it must keep the label its writer gave it.
        // Sets, not lists: a value may hold thousands of notes.
        let cited_labels: HashSet<&str> = cited.iter().map(|(c, _)| c.as_str()).collect();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut at: Vec<usize> = defined
            .iter()
            .filter(|(l, _)| seen.insert(l) && cited_labels.contains(l.as_str()))
            .chain(&cited)
            .map(|&(_, a)| a)
            .collect();
        at.sort_unstable();
        at
    };
    let labels = notes(md);
    let mut out = md.to_string();
    for &at in labels.iter().rev() {
        out.insert_str(at, &prefix);
    }
    // Every citation must still find its note: if anything read
    // differently, the value is left as written.
    if notes(&out).len() != labels.len() {
        return md.to_string();
    }
    out
}

/// Re-levels the headings of a Markdown value so that its highest heading
/// becomes level `top` and the others keep their distance below it (capped at
/// 6): an analysis written with `##` sections fits below the section that
/// holds it, without skipped levels. Setext headings become ATX headings.
pub fn relevel_headings(md: &str, top: usize) -> String {
    if top == 0 || !md.contains(['#', '=', '-']) {
        return md.to_string();
    }
    let headings: Vec<(usize, std::ops::Range<usize>)> =
        Parser::new_ext(md, crate::markdown::options())
            .into_offset_iter()
            .filter_map(|(event, range)| match event {
                Event::Start(Tag::Heading { level, .. }) => Some((level as usize, range)),
                _ => None,
            })
            .collect();
    let Some(min) = headings.iter().map(|h| h.0).min() else {
        return md.to_string();
    };
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (level, range) in headings {
        let new_level = (level + top).saturating_sub(min).clamp(1, 6);
        let src = &md[range.clone()];
        let hashes = src.bytes().take_while(|&b| b == b'#').count();
        if hashes > 0 {
            edits.push((range.start..range.start + hashes, "#".repeat(new_level)));
        } else {
            // Setext: content lines, then the underline.
            let body = src.trim_end_matches('\n');
            let content = match body.rfind('\n') {
                Some(i) => &body[..i],
                None => body,
            };
            let joined: Vec<&str> = content.lines().map(str::trim).collect();
            let mut replacement = format!("{} {}", "#".repeat(new_level), joined.join(" "));
            if src.ends_with('\n') {
                replacement.push('\n');
            }
            edits.push((range, replacement));
        }
    }
    let mut out = md.to_string();
    for (range, replacement) in edits.into_iter().rev() {
        out.replace_range(range, &replacement);
    }
    out
}

/// Closes what a value leaves open at its end, so it cannot swallow the
/// template lines that follow it: an unclosed fenced code block gets its
/// closing fence, and an HTML block running to the end (printed as text
/// anyway) is turned into a paragraph by escaping its first `<`.
pub fn seal(md: &str) -> String {
    let end = md.trim_end().len();
    let mut fence: Option<String> = None;
    let mut html_at: Vec<usize> = Vec::new();
    for (event, range) in Parser::new_ext(md, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(_)))
                if range.end >= end =>
            {
                let src = &md[range.clone()];
                let first = src.trim_start_matches(' ');
                let ch = first.chars().next().unwrap_or('`');
                let open: String = first.chars().take_while(|&c| c == ch).collect();
                let last = src.trim_end().lines().last().unwrap_or("").trim();
                let closed = src.trim_end().lines().count() > 1
                    && last.len() >= open.len()
                    && last.chars().all(|c| c == ch);
                if !closed {
                    fence = Some(open);
                }
            }
            Event::Start(Tag::HtmlBlock) if range.end >= end => {
                let lead =
                    md[range.start..].len() - md[range.start..].trim_start_matches(' ').len();
                html_at.push(range.start + lead);
            }
            _ => {}
        }
    }
    let mut out = md.to_string();
    for at in html_at.into_iter().rev() {
        if out[at..].starts_with('<') {
            out.insert(at, '\\');
        }
    }
    if let Some(f) = fence {
        out.push('\n');
        out.push_str(&f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocks `md` becomes, and its paragraphs' plain text.
    fn paragraphs(md: &str) -> (Vec<nap_doc::Block>, Vec<String>) {
        let mut ctx = crate::markdown::Ctx::default();
        let blocks = crate::markdown::blocks(md, &mut ctx, Default::default());
        let texts = blocks
            .iter()
            .filter_map(|b| match b {
                nap_doc::Block::Paragraph { content, .. } => Some(nap_doc::plain_text(content)),
                _ => None,
            })
            .collect();
        (blocks, texts)
    }

    #[test]
    fn defuse_pushes_directive_lines_off_column_zero() {
        let v = "Teksti\n::: pagebreak\n:::\nfund \u{1F}x";
        assert_eq!(defuse(v), "Teksti\n ::: pagebreak\n :::\nfund x");
        assert_eq!(defuse(&defuse(v)), defuse(v));
    }

    #[test]
    fn text_escapes_markdown_syntax() {
        assert_eq!(
            text("*Arta* _H_ [x](y) <b>"),
            r"\*Arta\* \_H\_ \[x\](y) \<b\>"
        );
        assert_eq!(text("# Titull"), r"\# Titull");
        assert_eq!(text("- jo listë"), r"\- jo listë");
        assert_eq!(text("2020. Viti"), r"2020\. Viti");
        assert_eq!(text("::: pagebreak"), r"\::: pagebreak");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(text("a\n ::: toc"), "a ::: toc");
        assert_eq!(text("Ministria e Drejtësisë"), "Ministria e Drejtësisë");
    }

    #[test]
    fn indent_keeps_blank_lines_empty() {
        assert_eq!(indent_rest("a\n\nb", 2), "a\n\n  b");
    }

    #[test]
    fn sealed_values_do_not_swallow_what_follows() {
        let after = "\n- pika tjetër";
        for v in [
            "```\nkod",
            "~~~~\nkod\n~~~",
            "<!-- koment",
            "<div>\ntekst",
            "<script>x",
        ] {
            let sealed = seal(v);
            let mut ctx = crate::markdown::Ctx::default();
            let blocks = crate::markdown::blocks(
                &format!("{sealed}{after}"),
                &mut ctx,
                crate::markdown::Mode::default(),
            );
            assert!(
                matches!(blocks.last(), Some(nap_doc::Block::List(_))),
                "{v:?} → {sealed:?}: {blocks:?}"
            );
        }
        assert_eq!(seal("```\nkod\n```"), "```\nkod\n```");
        assert_eq!(seal("tekst <b>"), "tekst <b>");
    }

    #[test]
    fn relevels_atx_and_setext_headings() {
        assert_eq!(
            relevel_headings("# A\n\ntext\n\n## B {#b}\n", 3),
            "### A\n\ntext\n\n#### B {#b}\n"
        );
        // The value's highest heading is what moves to `top`.
        assert_eq!(relevel_headings("## A\n\n### B", 3), "### A\n\n#### B");
        assert_eq!(
            relevel_headings("Titull\n======\n\npara", 2),
            "## Titull\n\npara"
        );
        assert_eq!(
            relevel_headings("# a\n\n###### deep", 3),
            "### a\n\n###### deep"
        );
        // Not headings: code stays as it is.
        assert_eq!(relevel_headings("```\n# code\n```", 2), "```\n# code\n```");
    }

    #[test]
    fn footnote_labels_get_a_prefix_of_their_value() {
        let a = "Teksti[^1] dhe[^x].\n\n[^1]: Nota A.\n   [^x]: E dyta.\n";
        let sa = scope_footnotes(a);
        let p = &sa[sa.find("[^").unwrap() + 2..sa.find("-1]").unwrap() + 1];
        assert!(p.starts_with('n') && p.len() == 10, "{sa}");
        assert_eq!(
            sa,
            format!("Teksti[^{p}1] dhe[^{p}x].\n\n[^{p}1]: Nota A.\n   [^{p}x]: E dyta.\n")
        );
        // Another value, the same labels: another prefix.
        let b = scope_footnotes("Tjetër[^1].\n\n[^1]: Nota B.\n");
        assert!(!b.contains(p), "{b}");
        // The same text, the same prefix (and the same notes); no notes,
        // nothing changes; a citation in code stays as written.
        assert_eq!(scope_footnotes(a), sa);
        assert_eq!(
            scope_footnotes("Pa shënime [x](#y)."),
            "Pa shënime [x](#y)."
        );
        let code = "Kodi `[^1]` dhe[^1].\n\n[^1]: N.\n";
        assert!(scope_footnotes(code).starts_with("Kodi `[^1]` dhe[^n"));
    }

    /// A note no one cites, and a citation inside a note, keep their labels
    /// as written: they are printed as text, `[b] …` and `[^a]` (a
    /// citation whose note is not in reach stays as written).
    #[test]
    fn uncited_notes_keep_their_labels() {
        let md = "Teksti[^a].\n\n[^a]: Nota A.\n[^b]: Pa citim, me [^a] brenda.\n";
        let out = scope_footnotes(md);
        let p = &out[out.find("[^").unwrap() + 2..out.find("-a]").unwrap() + 1];
        assert_eq!(
            out,
            format!("Teksti[^{p}a].\n\n[^{p}a]: Nota A.\n[^b]: Pa citim, me [^a] brenda.\n")
        );
        let (_, texts) = paragraphs(&out);
        assert_eq!(texts, ["Teksti.", "[b] Pa citim, me [^a] brenda."]);
    }

    /// A label written twice: citations find the first note, and the second
    /// is printed with the label its writer gave it, never the internal
    /// prefix (it printed `[n960fee5b-1] …`).
    #[test]
    fn a_second_note_of_one_label_keeps_its_label() {
        let out = scope_footnotes("Teksti[^1].\n\n[^1]: E para.\n\n[^1]: E dyta.\n");
        let (blocks, texts) = paragraphs(&out);
        assert_eq!(texts, ["Teksti.", "[1] E dyta."]);
        let note = blocks.iter().find_map(|b| match b {
            nap_doc::Block::Paragraph { content, .. } => content.iter().find_map(|i| match i {
                nap_doc::Inline::Note(n) => Some(nap_doc::plain_text(&n.content)),
                _ => None,
            }),
            _ => None,
        });
        assert_eq!(note.as_deref(), Some("E para."));
    }

    /// Two values with the same labels merged into one chunk keep their own
    /// notes, by label alone (what pandoc reads from `--emit markdown`).
    #[test]
    fn merged_values_keep_their_notes() {
        let a = scope_footnotes("A[^1].\n\n[^1]: Nota A.");
        let b = scope_footnotes("B[^1].\n\n[^1]: Nota B.");
        let merged = format!("{a}\n\n{b}\n\n");
        let mut ctx = crate::markdown::Ctx::default();
        let blocks = crate::markdown::blocks(&merged, &mut ctx, Default::default());
        let notes: Vec<String> = blocks
            .iter()
            .filter_map(|b| match b {
                nap_doc::Block::Paragraph { content, .. } => Some(content),
                _ => None,
            })
            .flatten()
            .filter_map(|i| match i {
                nap_doc::Inline::Note(n) => Some(nap_doc::plain_text(&n.content)),
                _ => None,
            })
            .collect();
        assert_eq!(notes, ["Nota A.", "Nota B."]);
    }
}
