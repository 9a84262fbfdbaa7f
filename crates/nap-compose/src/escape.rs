//! Making values from the public safe to insert into template output.
//!
//! Field values come from institutions and the public. Whatever they hold,
//! once inserted they must stay text: they may never start a directive, close
//! a table, or smuggle a source marker. Two levels:
//! - [`defuse`] (applied to every string of the view data, and again by the
//!   `md` helper): a value keeps its Markdown but cannot create directives;
//! - [`text`] (the Handlebars escape function and the `text` helper): a plain
//!   value such as a name is escaped so it is not read as Markdown at all.

use pulldown_cmark::{Event, Parser, Tag};

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
}
