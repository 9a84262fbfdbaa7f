//! Writes a [`Document`] as pandoc Markdown: the same content the DOCX and
//! PDF writers render, in a form pandoc reads back as that content.
//!
//! It serves two readers. Reviewers get the document as plain text they can
//! read and diff. Benchmarks feed it to pandoc (`pandoc X.md -o X.docx`) to
//! compare nap with the usual tools on the very same content (issue 7):
//! headings carry their outline numbers, tables are grid tables with their
//! column proportions, figures are images with their captions (PNG files the
//! caller writes beside the Markdown), footnotes are pandoc notes, page
//! breaks and the table of contents are raw OpenXML for pandoc's DOCX writer.
//!
//! What Markdown cannot say is left out, and only that: paragraph alignment,
//! the running header and footer, the draft watermark and the shading of
//! label columns (paragraph styles travel as pandoc `custom-style` names).
//! A cell spanning columns is written into its first column with the others
//! empty, as pandoc 2 grid tables have no spans.
//!
//! Pure: document in, text out. Deterministic.

use nap_doc::{Block, Document, Figure, Inline, List, ParaStyle, Revision, Span, Table};
use unicode_width::UnicodeWidthStr;

/// How wide (in characters) grid tables are laid out: their column
/// proportions are what pandoc reads from them, so this only sets how much
/// text fits on one line of a cell.
const TABLE_WIDTH: usize = 100;
/// The narrowest column's text width.
const MIN_COLUMN: usize = 4;

/// The document as pandoc Markdown. `figure_file` names the image file of
/// a figure (written by the caller beside the Markdown); a figure without
/// one is written as its caption alone.
pub fn write(doc: &Document, figure_file: &mut dyn FnMut(&Figure) -> Option<String>) -> String {
    let mut w = Writer {
        figure_file,
        numbers: nap_doc::heading_numbers(&doc.blocks).into_iter(),
    };
    let mut out = front_matter(doc);
    let lines = w.blocks(&doc.blocks, None);
    for line in lines {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The YAML metadata pandoc copies into the DOCX properties. No `title` or
/// `author`: pandoc would print them above the document, whose own title
/// page already says them.
fn front_matter(doc: &Document) -> String {
    let m = &doc.meta;
    let mut s = String::from("---\n");
    let mut field = |key: &str, value: &str| {
        if !value.is_empty() {
            s.push_str(&format!("{key}: {}\n", yaml_string(value)));
        }
    };
    field("lang", &m.language);
    field("subject", &m.subject);
    field("description", &m.title);
    if !m.keywords.is_empty() {
        s.push_str("keywords:\n");
        for k in &m.keywords {
            s.push_str(&format!("  - {}\n", yaml_string(k)));
        }
    }
    s.push_str("---\n\n");
    s
}

/// A double-quoted YAML scalar. pandoc reads metadata strings as Markdown,
/// so the text is escaped for Markdown first.
fn yaml_string(text: &str) -> String {
    let md = escape(&text.replace('\n', " "));
    let mut s = String::from("\"");
    for c in md.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if c.is_control() => s.push(' '),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

struct Writer<'a> {
    figure_file: &'a mut dyn FnMut(&Figure) -> Option<String>,
    numbers: std::vec::IntoIter<String>,
}

impl Writer<'_> {
    /// Blocks as lines, separated by blank lines; paragraphs wrapped at
    /// `width` columns when given (inside grid table cells).
    fn blocks(&mut self, blocks: &[Block], width: Option<usize>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for b in blocks {
            let lines = self.block(b, width);
            if lines.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(String::new());
            }
            out.extend(lines);
        }
        out
    }

    fn block(&mut self, block: &Block, width: Option<usize>) -> Vec<String> {
        match block {
            Block::Heading {
                level, id, content, ..
            } => {
                let number = self.numbers.next().unwrap_or_default();
                let text = one_line(&inlines(content));
                let mut line = "#".repeat(usize::from((*level).clamp(1, 4)));
                line.push(' ');
                if !number.is_empty() {
                    line.push_str(&number);
                    line.push(' ');
                }
                line.push_str(&text);
                if is_identifier(id) {
                    line.push_str(&format!(" {{#{id}}}"));
                }
                vec![line]
            }
            Block::Paragraph { style, content, .. } => {
                let lines = paragraph(&inlines(content), width);
                match style_name(*style) {
                    Some(name) if !lines.is_empty() => {
                        let mut out = vec![format!("::: {{custom-style=\"{name}\"}}")];
                        out.extend(lines);
                        out.push(":::".into());
                        out
                    }
                    _ => lines,
                }
            }
            Block::List(list) => self.list(list, width),
            Block::Quote(inner) => self
                .blocks(inner, width.map(|w| w.saturating_sub(2).max(MIN_COLUMN)))
                .into_iter()
                .map(|l| {
                    if l.is_empty() {
                        ">".into()
                    } else {
                        format!("> {l}")
                    }
                })
                .collect(),
            Block::Preformatted(lines) => {
                let longest = lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
                let fence = "`".repeat(longest.max(2) + 1);
                let mut out = vec![fence.clone()];
                out.extend(lines.iter().map(|l| l.replace('\t', "    ")));
                out.push(fence);
                out
            }
            Block::Table(table) => self.table(table),
            Block::Figure(figure) => self.figure(figure, width),
            Block::PageBreak => raw_openxml(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
            Block::Toc { title, depth } => {
                let mut out = vec![
                    "::: {custom-style=\"TOC Heading\"}".to_string(),
                    escape(title),
                    ":::".into(),
                    String::new(),
                ];
                out.extend(raw_openxml(&format!(
                    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/></w:r>\
                     <w:r><w:instrText xml:space=\"preserve\">TOC \\o \"1-{}\" \\h \\z \\u</w:instrText></w:r>\
                     <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
                     <w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>",
                    (*depth).clamp(1, 4)
                )));
                out
            }
            Block::Rule => vec!["-----".into()],
        }
    }

    fn list(&mut self, list: &List, width: Option<usize>) -> Vec<String> {
        // Tight (no blank line between items) when every item is one
        // paragraph, as such lists print in the other formats.
        let tight = list
            .items
            .iter()
            .all(|i| i.len() <= 1 && matches!(i.first(), None | Some(Block::Paragraph { .. })));
        let mut out = Vec::new();
        for (n, item) in list.items.iter().enumerate() {
            let marker = if list.ordered {
                format!("{}.", u64::from(list.start) + n as u64)
            } else {
                "-".into()
            };
            // Continuation lines start where the item's text starts.
            let indent = (marker.len() + 1).max(4);
            let lines = self.blocks(
                item,
                width.map(|w| w.saturating_sub(indent).max(MIN_COLUMN)),
            );
            if !tight && n > 0 {
                out.push(String::new());
            }
            let mut first = true;
            for l in if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            } {
                if first {
                    out.push(format!("{marker:<indent$}{l}"));
                    first = false;
                } else if l.is_empty() {
                    out.push(String::new());
                } else {
                    out.push(format!("{}{l}", " ".repeat(indent)));
                }
            }
        }
        out
    }

    fn figure(&mut self, figure: &Figure, width: Option<usize>) -> Vec<String> {
        let caption = one_line(&inlines(&figure.caption));
        match (self.figure_file)(figure) {
            // Alone in its paragraph, an image is a figure with its caption.
            Some(file) => {
                let size = if figure.width_mm.is_finite() && figure.width_mm > 0.0 {
                    format!("{{width={:.1}mm}}", figure.width_mm)
                } else {
                    String::new()
                };
                paragraph(&format!("![{caption}]({}){size}", url(&file)), width)
            }
            None => paragraph(&caption, width),
        }
    }

    /// A grid table: each cell's blocks laid out in its column.
    fn table(&mut self, table: &Table) -> Vec<String> {
        if table.rows.is_empty() {
            return Vec::new();
        }
        let n = table.column_count().max(1);
        let shares = shares(table, n);
        let mut widths: Vec<usize> = shares
            .iter()
            .map(|s| ((s * TABLE_WIDTH as f32).round() as usize).max(MIN_COLUMN))
            .collect();
        // Each row's cells, in columns; a spanning cell fills its first column.
        let mut rows: Vec<Vec<Vec<String>>> = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let mut cells = vec![Vec::new(); n];
            let mut col = 0;
            for cell in &row.cells {
                if col >= n {
                    break;
                }
                cells[col] = self.blocks(&cell.blocks, Some(widths[col]));
                col += usize::from(cell.colspan.max(1));
            }
            rows.push(cells);
        }
        // A word longer than its column widens the column.
        for cells in &rows {
            for (c, lines) in cells.iter().enumerate() {
                let longest = lines.iter().map(|l| l.width()).max().unwrap_or(0);
                widths[c] = widths[c].max(longest);
            }
        }
        let rule = |fill: char| {
            let mut s = String::from("+");
            for w in &widths {
                s.push_str(&fill.to_string().repeat(w + 2));
                s.push('+');
            }
            s
        };
        let mut out = vec![rule('-')];
        for (r, cells) in rows.iter().enumerate() {
            let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for i in 0..height {
                let mut line = String::from("|");
                for (c, lines) in cells.iter().enumerate() {
                    let text = lines.get(i).map(String::as_str).unwrap_or("");
                    line.push(' ');
                    line.push_str(text);
                    line.push_str(&" ".repeat(widths[c] - text.width() + 1));
                    line.push('|');
                }
                out.push(line);
            }
            // pandoc's grid tables have one header row: the first, and
            // only above a body (a header alone leaves its `=` rule as text).
            let header = r == 0 && table.header_rows > 0 && rows.len() > 1;
            out.push(rule(if header { '=' } else { '-' }));
        }
        out
    }
}

/// The columns' shares of the table's width: the declared proportions, or
/// equal shares.
fn shares(table: &Table, n: usize) -> Vec<f32> {
    if table.widths_declared() {
        let total: f32 = table.columns.iter().map(|c| c.unwrap_or(0.0)).sum();
        table
            .columns
            .iter()
            .map(|c| c.unwrap_or(0.0) / total)
            .collect()
    } else {
        vec![1.0 / n as f32; n]
    }
}

fn style_name(style: ParaStyle) -> Option<&'static str> {
    match style {
        ParaStyle::Normal => None,
        ParaStyle::Title => Some("Title"),
        ParaStyle::Subtitle => Some("Subtitle"),
        ParaStyle::Small => Some("Small"),
        ParaStyle::Caption => Some("Caption"),
        ParaStyle::DraftMark => Some("Draft Mark"),
    }
}

fn raw_openxml(xml: &str) -> Vec<String> {
    vec!["```{=openxml}".into(), xml.into(), "```".into()]
}

/// Whether pandoc takes `id` as a heading identifier as it is.
fn is_identifier(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A paragraph's Markdown text (hard line breaks as `\` + newline) as lines,
/// wrapped at spaces to `width` when given; each line's start escaped where
/// pandoc would read a block there ([`escape_line_start`]).
fn paragraph(text: &str, width: Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    for segment in text.split('\n') {
        let segment = segment.trim();
        match width {
            None => out.push(segment.to_string()),
            Some(w) => out.extend(wrap(segment, w)),
        }
    }
    while out.last().is_some_and(|l: &String| l.is_empty()) {
        out.pop();
    }
    out.iter().map(|l| escape_line_start(l)).collect()
}

/// Greedy wrapping at ASCII spaces; a word longer than `width` stays whole
/// on its own line (the table widens its column for it).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes the first character of a line that pandoc would read as the
/// start of a block (a list item, a rule, a setext underline, a div or a
/// definition) rather than as text.
fn escape_line_start(line: &str) -> String {
    let t = line.trim_start();
    let first = t.chars().next();
    let risky = match first {
        // The other block starts (`#`, `>`, `|`, `*`, `~`, a backtick) are
        // escaped in all text already; unescaped, they are inline markup.
        Some('-' | '+' | ':' | '=' | '%') => true,
        Some(c) if c.is_ascii_digit() => {
            // "1." or "1)" followed by a space or the end: an ordered item.
            let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")"
        }
        _ => false,
    };
    if !risky {
        return line.to_string();
    }
    // Digits stay; the character after them (or the first one) is escaped.
    let at = line.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    format!("{}\\{}", &line[..at], &line[at..])
}

/// Inlines as Markdown: consecutive spans grouped by link, then by bold,
/// then by italic, so that emphasis nests (`**a *b***`) instead of being
/// closed and reopened; notes as `^[…]`; line breaks as `\n` (turned into
/// `\` + newline by [`paragraph`]).
fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < content.len() {
        match &content[i] {
            Inline::Text(_) => {
                let mut run = Vec::new();
                while let Some(Inline::Text(s)) = content.get(i) {
                    run.push(s);
                    i += 1;
                }
                out.push_str(&linked(&run));
            }
            Inline::LineBreak => {
                out.push_str("\\\n");
                i += 1;
            }
            Inline::Note(note) => {
                out.push_str(&format!("^[{}]", one_line(&inlines(&note.content)).trim()));
                i += 1;
            }
        }
    }
    out
}

/// Inline Markdown on one line: a hard line break (`\` + newline; a
/// backslash before a space would be a no-break space) becomes a space.
fn one_line(markdown: &str) -> String {
    markdown.replace("\\\n", " ").replace('\n', " ")
}

/// Consecutive spans split where `key` changes, each group rendered by
/// `inner` and wrapped by `outer` with its key.
fn grouped<K: PartialEq>(
    spans: &[&Span],
    key: impl Fn(&Span) -> K,
    inner: impl Fn(&[&Span]) -> String,
    outer: impl Fn(&str, &K) -> String,
) -> String {
    let mut out = String::new();
    let mut start = 0;
    while start < spans.len() {
        let k = key(spans[start]);
        let end = spans[start..]
            .iter()
            .position(|s| key(s) != k)
            .map_or(spans.len(), |n| start + n);
        out.push_str(&outer(&inner(&spans[start..end]), &k));
        start = end;
    }
    out
}

fn linked(spans: &[&Span]) -> String {
    grouped(
        spans,
        |s| s.style.link.clone(),
        bolded,
        |text, link| match link {
            Some(target) if !text.trim().is_empty() => {
                wrap_marks(text, "[", &format!("]({})", url(target)))
            }
            _ => text.to_string(),
        },
    )
}

fn bolded(spans: &[&Span]) -> String {
    grouped(
        spans,
        |s| s.style.bold,
        italicized,
        |text, &bold| {
            if bold {
                wrap_marks(text, "**", "**")
            } else {
                text.to_string()
            }
        },
    )
}

fn italicized(spans: &[&Span]) -> String {
    grouped(
        spans,
        |s| s.style.italic,
        |group| group.iter().map(|s| span_text(s)).collect(),
        |text, &italic| {
            if italic {
                wrap_marks(text, "*", "*")
            } else {
                text.to_string()
            }
        },
    )
}

/// One span's text: escaped, or a code span; tracked changes as pandoc's
/// strikeout (deleted) and underline (inserted).
fn span_text(span: &Span) -> String {
    let text = span.text.replace('\n', " ");
    let body = if span.style.code && !text.trim().is_empty() {
        let ticks = "`".repeat(longest_run(&text, '`') + 1);
        let pad = if text.starts_with('`') || text.ends_with('`') {
            " "
        } else {
            ""
        };
        format!("{ticks}{pad}{text}{pad}{ticks}")
    } else {
        escape(&text)
    };
    match span.style.revision {
        Some(Revision::Deleted) => wrap_marks(&body, "~~", "~~"),
        Some(Revision::Inserted) => wrap_marks(&body, "[", "]{.underline}"),
        None => body,
    }
}

/// `text` between `open` and `close`, with its leading and trailing spaces
/// outside them (pandoc does not close emphasis after a space).
fn wrap_marks(text: &str, open: &str, close: &str) -> String {
    let core = text.trim();
    if core.is_empty() {
        return text.to_string();
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    format!("{lead}{open}{core}{close}{trail}")
}

/// A link or image target: spaces and parentheses escaped.
fn url(target: &str) -> String {
    let mut s = String::new();
    for c in target.chars() {
        match c {
            ' ' => s.push_str("%20"),
            '(' | ')' | '<' | '>' | '\\' => {
                s.push('\\');
                s.push(c);
            }
            c if c.is_control() => {}
            c => s.push(c),
        }
    }
    s
}

/// Text as Markdown that pandoc reads back as the same text: every
/// character with a meaning inside a line (emphasis, links, notes, math,
/// citations, raw HTML, entities, smart quotes and dashes) escaped.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let special = match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '$' | '@' | '^' | '~' | '|'
            | '&' | '"' | '\'' | '{' | '}' => true,
            // "--" and "..." are dashes and an ellipsis to pandoc.
            '-' => next == Some('-') || prev == '-',
            '.' => next == Some('.') || prev == '.',
            _ => false,
        };
        if special {
            s.push('\\');
        }
        s.push(c);
        prev = c;
    }
    s
}

#[cfg(test)]
mod tests;
