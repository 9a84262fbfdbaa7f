//! The Markdown files: situation analyses and the process report's intro.

use crate::ctx::{Ctx, MAX_TEXT_FILE};
use crate::decode::{decode_utf8, line_col_of_byte};
use crate::json::Pos;
use crate::text::{find_marker, normalize};
use nap_model::Diagnostic;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// Reads a required Markdown file; `None` when missing or unreadable.
pub fn read(cx: &mut Ctx, file: &str, what: &str) -> Option<String> {
    let bytes = match cx.read(file, MAX_TEXT_FILE) {
        crate::ctx::Read::Bytes(b) => b,
        crate::ctx::Read::Missing => {
            cx.push(
                Diagnostic::error(file, format!("{what} is missing"))
                    .hint("write it in Markdown, UTF-8; see docs/inputs.md"),
            );
            return None;
        }
        crate::ctx::Read::Failed => return None,
    };
    let raw = match decode_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let mut d = Diagnostic::error(file, e.message);
            d.line = e.line;
            d.column = e.column;
            d.hint = e.hint;
            cx.push(d);
            return None;
        }
    };
    let text = normalize(&raw);
    if text.is_empty() {
        cx.push(Diagnostic::error(file, format!("{what} is empty")));
        return None;
    }
    if !prints_something(&text) {
        cx.push(
            Diagnostic::error(file, format!("{what} is empty: it holds nothing that would be printed"))
                .hint("only invisible characters, spaces or HTML comments (<!-- … -->) are in it; write the text"),
        );
        return None;
    }
    // Places are found in the text as written, so line numbers match the file.
    if cx.final_rules {
        for (n, line) in raw.lines().enumerate() {
            if let Some((at, m)) = find_marker(line) {
                let col = line[..at].chars().count() + 1;
                cx.error_at(
                    file,
                    Pos { line: n + 1, col },
                    "",
                    format!("the text still holds the marker `{m}`"),
                )
                .hint = Some("finish the text before the final submission".into());
            }
        }
    }
    check_markdown(cx, file, &raw, Pos { line: 1, col: 1 }, "");
    Some(text)
}

/// The Markdown extensions the documents are read with: nap-compose's
/// `markdown::options()`, so that what is checked here is what is printed
/// (a test in the main crate keeps the two equal). With footnotes on,
/// `[^1]: Shënimi.` is a footnote, not a link to a local file.
/// Whether the Markdown `text` prints any visible character: not only
/// HTML comments, white space, or zero-width and other invisible
/// characters (which would give a section with no text under its heading).
fn prints_something(text: &str) -> bool {
    let visible = |t: &str| {
        t.chars().any(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{034F}'
                )
        })
    };
    Parser::new_ext(text, options()).any(|ev| match ev {
        Event::Text(t) | Event::Code(t) => visible(&t),
        Event::Html(h) | Event::InlineHtml(h) => {
            let h = h.trim();
            !(h.starts_with("<!--") && h.ends_with("-->")) && visible(h)
        }
        Event::Rule | Event::Start(Tag::Image { .. }) | Event::Start(Tag::Table(_)) => true,
        _ => false,
    })
}

pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_FOOTNOTES
}

/// Whether a link target is a local path or `file:` URL, which documents never follow.
pub fn is_local_target(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    let web = ["http://", "https://", "mailto:", "tel:", "#"];
    !web.iter().any(|p| u.starts_with(p)) && !u.is_empty()
}

/// The most columns a table may have before `nap check` warns: in the
/// documents a table of more than eight columns is set in 8-point type, in
/// which seven-digit amounts (`1.234.567`) fit up to eleven columns of the
/// A4 text width ([`TEXT_WIDTH_MM`]).
pub const WIDE_TABLE_COLUMNS: usize = 11;
/// The documents' text width on A4.
const TEXT_WIDTH_MM: usize = 160;

/// Checks a text's Markdown: images and links that point to local files
/// (never read or embedded), footnotes cited without a note or written
/// without a citation, and tables too wide for the page. `base` is where
/// `text` starts in its file (for Markdown files, line 1; for a JSON or CSV
/// field, the field's place, and then every report is at that place).
pub fn check_markdown(cx: &mut Ctx, file: &str, text: &str, base: Pos, field: &str) {
    // Cheap test first: most texts hold no link, footnote or table at all.
    let notes = text.contains("[^");
    if !(notes
        || text.contains('|')
        || text.contains("](")
        || text.contains("]:")
        || text.contains("<file:")
        || text.contains("<FILE:"))
    {
        return;
    }
    let whole_file = base == Pos { line: 1, col: 1 } && field.is_empty();
    let pos_of = |at: usize| {
        if whole_file {
            let (line, col) = line_col_of_byte(text.as_bytes(), at);
            Pos { line, col }
        } else {
            base
        }
    };
    // Footnotes: label → where first defined; labels cited.
    let mut defined: Vec<(String, usize)> = Vec::new();
    let mut cited: Vec<String> = Vec::new();
    // Consecutive text, and where it starts.
    let mut run = String::new();
    let mut run_at = 0;
    let mut in_code = false;
    let uncited = |cx: &mut Ctx, run: &mut String, at: usize| {
        for (i, _) in run.match_indices("[^") {
            let rest = &run[i + 2..];
            let Some(end) = rest.find(']') else { continue };
            let label = &rest[..end];
            if label.is_empty() || label.contains(char::is_whitespace) {
                continue;
            }
            // Text starts where it does in the source (escapes aside).
            cx.warning_at(
                file,
                pos_of((at + i).min(text.len())),
                field,
                format!(
                    "`[^{label}]` cites a footnote that is not written; it is printed as it stands"
                ),
            )
            .hint = Some(format!("write the note below the text: `[^{label}]: …`"));
        }
        run.clear();
    };
    for (ev, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if !matches!(ev, Event::Text(_)) && !run.is_empty() {
            uncited(cx, &mut run, run_at);
        }
        let (kind, url) = match &ev {
            Event::Start(Tag::Image { dest_url, .. }) => ("an image", dest_url),
            Event::Start(Tag::Link { dest_url, .. }) => ("a link", dest_url),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                defined.push((label.to_string(), range.start));
                continue;
            }
            Event::FootnoteReference(label) => {
                // Labels match whatever their case, as the parser matches them.
                cited.push(label.to_lowercase());
                continue;
            }
            // A citation without a note stays text, `[^x]` as written: in
            // pieces (the parser splits text at brackets), joined here.
            Event::Text(t) if notes && !in_code => {
                if run.is_empty() {
                    run_at = range.start;
                }
                run.push_str(t);
                continue;
            }
            Event::Start(Tag::Table(aligns)) if aligns.len() > WIDE_TABLE_COLUMNS => {
                let n = aligns.len();
                cx.warning_at(
                    file,
                    pos_of(range.start),
                    field,
                    format!(
                        "a table of {n} columns is too wide for an A4 page: its columns are about {} mm wide, so longer words and numbers in it are broken between characters",
                        TEXT_WIDTH_MM / n
                    ),
                )
                .hint = Some("split it into two tables, or turn it so that its columns become rows".into());
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                continue;
            }
            _ => continue,
        };
        if !is_local_target(url) {
            continue;
        }
        cx.warning_at(file, pos_of(range.start), field, format!("{kind} to the local file `{url}`; local files are never read or embedded, so it is left out"))
            .hint = Some("link to a web address (https://…) instead".into());
    }
    if !run.is_empty() {
        uncited(cx, &mut run, run_at);
    }
    // Sets, not lists: a text may hold thousands of notes.
    let cited: HashSet<String> = cited.into_iter().collect();
    let mut seen: HashSet<String> = HashSet::new();
    for (label, at) in defined {
        let key = label.to_lowercase();
        if !seen.insert(key.clone()) {
            cx.warning_at(
                file,
                pos_of(at),
                field,
                format!("the footnote `[^{label}]` is written twice; citations find the first, and this one is printed where it is written, as `[{label}]`"),
            )
            .hint = Some("give each note its own label".into());
            continue;
        }
        if !cited.contains(&key) {
            cx.warning_at(
                file,
                pos_of(at),
                field,
                format!("the footnote `[^{label}]` is cited nowhere in the text; it is printed where it is written"),
            )
            .hint = Some(format!("cite it with `[^{label}]` where it belongs, or delete it"));
        }
    }
}

#[cfg(test)]
mod tests {

    /// A text of only invisible characters or HTML comments is empty: the
    /// document would show a heading with nothing under it.
    #[test]
    fn invisible_text_and_comments_print_nothing() {
        assert!(!super::prints_something("\u{200B}\u{00A0}\t\u{FEFF}"));
        assert!(!super::prints_something(
            "<!-- shënim për veten -->\n\n<!-- tjetër -->"
        ));
        assert!(super::prints_something("Teksti."));
        assert!(super::prints_something("<!-- x --> Teksti."));
        assert!(super::prints_something("| a |\n|---|\n| b |"));
        assert!(super::prints_something("---"));
    }

    use super::*;

    /// What [`check_markdown`] says about `text` starting at `base`: line,
    /// column and message of each diagnostic.
    fn said(text: &str, base: Pos, field: &str) -> Vec<(Option<usize>, Option<usize>, String)> {
        let dir = tempfile::tempdir().unwrap();
        let mut cx = Ctx::new(dir.path(), false);
        check_markdown(&mut cx, "a.md", text, base, field);
        cx.diags
            .into_iter()
            .map(|d| (d.line, d.column, d.message))
            .collect()
    }

    const FILE: Pos = Pos { line: 1, col: 1 };

    fn table(columns: usize) -> String {
        let row = |c: &str| format!("|{}\n", vec![c; columns].join("|"));
        format!(
            "Buxheti:\n\n{}{}{}",
            row(" T1 "),
            row("---"),
            row(" 1.234.567 ")
        )
    }

    #[test]
    fn a_table_too_wide_for_the_page_is_named_where_it_starts() {
        assert!(said(&table(WIDE_TABLE_COLUMNS), FILE, "").is_empty());
        let d = said(&table(16), FILE, "");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].0, d[0].1), (Some(3), Some(1)));
        assert!(d[0].2.contains("a table of 16 columns"), "{}", d[0].2);
        assert!(d[0].2.contains("about 10 mm"), "{}", d[0].2);
        // In a JSON field: the field's place.
        let at = Pos { line: 7, col: 12 };
        let d = said(&table(12), at, "[0].description");
        assert_eq!((d[0].0, d[0].1), (Some(7), Some(12)));
    }

    /// A footnote is printed (see nap-compose), so its definition is no link
    /// to a local file and nothing is said about it; a local link inside a
    /// note still is.
    #[test]
    fn a_footnote_is_no_local_link() {
        let d = said(
            "Teksti[^1] dhe [lidhja](shenim.md)[^2].\n\n[^1]: Shënimi.\n\n[^2]: Shih [këtu](../tjeter.md).\n",
            FILE,
            "",
        );
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!((d[0].0, d[0].1), (Some(1), Some(16)));
        assert!(d[0].2.starts_with("a link to the local file `shenim.md`"));
        assert_eq!((d[1].0, d[1].1), (Some(5), Some(12)));
        assert!(d[1]
            .2
            .starts_with("a link to the local file `../tjeter.md`"));
    }

    /// A citation without its note, and a note cited nowhere, are named at
    /// their place; a label cited twice, or in another case, is fine.
    #[test]
    fn footnotes_without_note_or_citation_are_named() {
        let md = "# Hyrje\n\nTeksti[^1] dhe[^Ab], pa shënim[^mungon].\n\n[^1]: Shënimi.\n[^aB]: Po.\n[^tepër]: Askush nuk e citon.\n";
        assert_eq!(
            said(md, FILE, ""),
            [
                (
                    Some(3),
                    Some(31),
                    "`[^mungon]` cites a footnote that is not written; it is printed as it stands".into()
                ),
                (
                    Some(7),
                    Some(1),
                    "the footnote `[^tepër]` is cited nowhere in the text; it is printed where it is written".into()
                ),
            ]
        );
        // A label written twice: the second note is named at its line.
        let twice = said("A[^1].\n\n[^1]: E para.\n\n[^1]: E dyta.\n", FILE, "");
        assert_eq!(
            twice,
            [(
                Some(5),
                Some(1),
                "the footnote `[^1]` is written twice; citations find the first, and this one is printed where it is written, as `[1]`".into()
            )]
        );
        // In a JSON field: at the field's place.
        let d = said("Pa[^x].", Pos { line: 7, col: 5 }, "objective");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].0, d[0].1), (Some(7), Some(5)));
    }

    #[test]
    fn local_targets() {
        assert!(is_local_target("../../etc/passwd"));
        assert!(is_local_target("file:///etc/shadow"));
        assert!(is_local_target("figura.png"));
        assert!(!is_local_target("https://www.opengovpartnership.org/"));
        assert!(!is_local_target("mailto:poc@example.al"));
        assert!(!is_local_target("#seksioni"));
    }

    #[test]
    fn local_links_are_reported_at_their_line() {
        let md = "# Hyrje\n\nShih [ligjin](https://qbz.gov.al).\n\n![x](../../etc/passwd) dhe <file:///etc/shadow>\n";
        let d = said(md, FILE, "");
        let places: Vec<_> = d.iter().map(|d| (d.0, d.1)).collect();
        assert_eq!(places, vec![(Some(5), Some(1)), (Some(5), Some(28))]);
        assert!(d[0]
            .2
            .starts_with("an image to the local file `../../etc/passwd`"));
    }
}
