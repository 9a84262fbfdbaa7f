//! The document model: what templates produce and what every writer renders.
//!
//! Both writers (`nap-docx`, and `nap-layout` + `nap-pdf`) take a
//! [`Document`] and nothing else, so the formats cannot drift. The model is
//! deliberately small: headings, paragraphs of styled spans, lists, block
//! quotes, tables whose cells hold blocks, figures, page breaks, the table of
//! contents. Writers must render every variant; none may be ignored.
//!
//! Invariants the producer (`nap-compose`) guarantees and writers may rely on:
//! - heading levels are 1..=4 and every heading has a unique, non-empty `id`;
//! - a table's rows each have as many cells (counting `colspan`) as
//!   `columns.len()`, and `header_rows <= rows.len()`;
//! - text holds no control characters except `\n` is never used (line breaks
//!   are [`Inline::LineBreak`]); text is NFC;
//! - footnotes ([`Inline::Note`]) are numbered 1, 2, … in reading order
//!   through the whole document, and a note's content holds no note.

use serde::Serialize;
use std::sync::Arc;

/// A whole document: its properties and its blocks in reading order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
}

/// Document properties and running header/footer text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Meta {
    /// Document title (DOCX core properties, PDF /Title).
    pub title: String,
    pub subject: String,
    /// The author: the POC institution.
    pub author: String,
    pub keywords: Vec<String>,
    /// BCP 47, e.g. "sq-AL".
    pub language: String,
    /// Short title printed in the running header of every page but the first.
    pub header: String,
    /// Footer text before the page number, may be empty. The page number is
    /// always printed as "Faqe X nga Y" (the words come from `page_label` and
    /// `page_of`).
    pub footer: String,
    /// "Faqe".
    pub page_label: String,
    /// "nga".
    pub page_of: String,
    /// When set (e.g. "DRAFT"), every page carries this marking (a diagonal
    /// watermark or a header stamp) and the title page shows it.
    pub draft_mark: Option<String>,
    /// The document date as printed (e.g. "15 nëntor 2020"); informational.
    pub date: String,
    /// Seconds since the Unix epoch used wherever a format wants a timestamp
    /// (DOCX created/modified, tracked-change dates, PDF dates). Never the clock.
    pub timestamp: i64,
    /// Author name for tracked changes (revisions), e.g. "nap".
    pub revision_author: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// A section heading. Level 1..=4. `numbered` headings get an outline
    /// number in both writers ("1.", "1.2.").
    Heading {
        level: u8,
        id: String,
        numbered: bool,
        content: Vec<Inline>,
    },
    Paragraph {
        style: ParaStyle,
        align: Align,
        content: Vec<Inline>,
    },
    List(List),
    /// An indented quotation (may nest).
    Quote(Vec<Block>),
    /// Literal text, kept line by line, in a monospace font.
    Preformatted(Vec<String>),
    Table(Table),
    Figure(Figure),
    /// A forced page break.
    PageBreak,
    /// The table of contents: the writer lists headings of level <= `depth`
    /// that follow, with page numbers (PDF: computed; DOCX: a TOC field).
    Toc {
        title: String,
        depth: u8,
    },
    /// A thin horizontal rule.
    Rule,
}

/// Paragraph styles both writers know. DOCX maps each to a named style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParaStyle {
    /// Body text.
    Normal,
    /// The document title on the title page (large).
    Title,
    /// Subtitle lines on the title page.
    Subtitle,
    /// Smaller, muted metadata lines (title page details, notes under tables).
    Small,
    /// A figure or table caption ("Figura 1: …").
    Caption,
    /// The draft marking on the title page, prominent.
    DraftMark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Align {
    Left,
    Center,
    Right,
    Justify,
}

impl Align {
    /// The alignment a paragraph of this alignment takes in a table cell:
    /// justified text in narrow cells makes rivers, so cells are ragged
    /// (in both writers).
    pub fn in_cell(self) -> Align {
        match self {
            Align::Justify => Align::Left,
            other => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct List {
    pub ordered: bool,
    /// First number of an ordered list.
    pub start: u32,
    /// Each item is a sequence of blocks (usually one paragraph; may hold a
    /// nested list).
    pub items: Vec<Vec<Block>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Relative column widths (any positive numbers; writers scale them to
    /// the text width). `None` = writer decides from content.
    pub columns: Vec<Option<f32>>,
    /// The first `header_rows` rows are header rows, repeated at the top of
    /// every page the table spans.
    pub header_rows: usize,
    pub rows: Vec<Row>,
    /// Shade the first column (label column of key–value tables such as the
    /// OGP commitment template).
    pub label_column: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub blocks: Vec<Block>,
    /// Columns spanned, at least 1.
    pub colspan: u16,
}

/// A figure: one SVG, the single source. Each writer embeds it the way its
/// format can: the PDF as vectors, the DOCX as a PNG rasterised from it at
/// print resolution (`nap_figures::Rasters`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Stable id, e.g. "figura-1".
    pub id: String,
    #[serde(skip)]
    pub svg: Arc<str>,
    /// Printed size in millimetres.
    pub width_mm: f32,
    pub height_mm: f32,
    /// Alternative text (accessibility).
    pub alt: String,
    /// Caption printed under the figure, e.g. "Figura 1: …".
    pub caption: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Inline {
    Text(Span),
    /// A line break inside a paragraph.
    LineBreak,
    /// A footnote: its number is printed here (raised), its content at the
    /// foot of the page (a Word footnote in the DOCX).
    Note(Note),
}

/// A footnote's number and text (paragraphs joined by line breaks).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub number: u32,
    pub content: Vec<Inline>,
}

/// A run of text with one style.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Span {
    pub text: String,
    pub style: SpanStyle,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpanStyle {
    pub bold: bool,
    pub italic: bool,
    /// Monospace (Markdown code spans).
    pub code: bool,
    /// A hyperlink target: an external URL (http, https, mailto) or
    /// `#heading-id` for an internal link.
    pub link: Option<String>,
    /// Tracked change mark (only in comparison documents).
    pub revision: Option<Revision>,
}

/// A tracked change: inserted or deleted text. The author and date are the
/// document's `Meta::revision_author` and `Meta::timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Revision {
    Inserted,
    Deleted,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            style: SpanStyle::default(),
        }
    }
    pub fn bold(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            style: SpanStyle {
                bold: true,
                ..SpanStyle::default()
            },
        }
    }
}

impl Inline {
    pub fn plain(text: impl Into<String>) -> Inline {
        Inline::Text(Span::plain(text))
    }
}

/// The tallest a figure is shown at its printed size, in millimetres (0.9
/// of A4's 247 mm text block, leaving room for the caption): both writers
/// scale a taller figure down, and the figures that grow with the data are
/// split into parts below it (`nap_figures`). One number, so the PDF and the
/// DOCX cannot show the same figure at different sizes.
pub const MAX_FIGURE_HEIGHT_MM: f32 = 222.0;

/// Tables of more columns than this are set compact (see [`Table::compact`]).
pub const COMPACT_COLUMNS: usize = 8;

impl Table {
    /// Columns of the table: its declared columns or its widest row (cells
    /// counted by the columns they span), whichever is more.
    pub fn column_count(&self) -> usize {
        let widest = self
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| usize::from(c.colspan.max(1))).sum())
            .max()
            .unwrap_or(0);
        self.columns.len().max(widest)
    }

    /// Whether every column's width is declared (a positive, finite
    /// number for each of [`Table::column_count`] columns): the writers then
    /// scale them to the width they have; otherwise they size the columns
    /// by their content, the same way in both formats.
    pub fn widths_declared(&self) -> bool {
        self.columns.len() == self.column_count()
            && self
                .columns
                .iter()
                .all(|c| c.is_some_and(|v| v > 0.0 && v.is_finite()))
    }

    /// Whether the table is set compact: smaller type (8 pt instead of
    /// 9.5) and narrower cell margins, in both writers. A table of more
    /// than [`COMPACT_COLUMNS`] columns (a budget by quarter over two years)
    /// at the body's table size broke its numbers between digits
    /// ("1.23|4.56|7") and its words between letters.
    pub fn compact(&self) -> bool {
        self.column_count() > COMPACT_COLUMNS
    }
}

impl Block {
    /// A plain left-aligned body paragraph of one span.
    pub fn para(text: impl Into<String>) -> Block {
        Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Left,
            content: vec![Inline::plain(text)],
        }
    }
}

/// The plain text of inlines (spans concatenated, line breaks as '\n';
/// footnotes left out: a heading's or caption's title is read without them).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text(span) => s.push_str(&span.text),
            Inline::LineBreak => s.push('\n'),
            Inline::Note(_) => {}
        }
    }
    s
}

/// Numbers the footnotes 1, 2, … in reading order (the model's invariant),
/// for producers that join or drop blocks: a redline holds deleted notes
/// beside inserted ones, and accepting or rejecting drops some.
pub fn renumber_notes(blocks: &mut [Block]) {
    fn number(content: &mut [Inline], n: &mut u32) {
        for i in content {
            if let Inline::Note(note) = i {
                *n += 1;
                note.number = *n;
            }
        }
    }
    // Iterative, as `walk`: nesting thousands deep must not overflow.
    let mut n = 0;
    let mut stack: Vec<&mut [Block]> = vec![blocks];
    while let Some(top) = stack.pop() {
        let Some((b, rest)) = top.split_first_mut() else {
            continue;
        };
        stack.push(rest);
        match b {
            Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
                number(content, &mut n)
            }
            Block::Figure(f) => number(&mut f.caption, &mut n),
            Block::List(l) => stack.extend(l.items.iter_mut().rev().map(Vec::as_mut_slice)),
            Block::Quote(inner) => stack.push(inner),
            Block::Table(t) => stack.extend(
                t.rows
                    .iter_mut()
                    .rev()
                    .flat_map(|r| r.cells.iter_mut().rev())
                    .map(|c| c.blocks.as_mut_slice()),
            ),
            Block::Preformatted(_) | Block::PageBreak | Block::Toc { .. } | Block::Rule => {}
        }
    }
}

/// The typographic form of a character of text, given the characters before
/// and after it, as Albanian typesetting prints straight quotes: `"` opening
/// a quotation (at the start, after a space, an opening bracket, a dash or a
/// slash) is „, closing one is “, and one alone between spaces is kept;
/// `'` between two letters is the apostrophe ’. Any other character is
/// itself. The documents' text (nap-compose) and the figures' labels
/// (nap-figures) both set their quotes with it.
pub fn typographic(before: Option<char>, c: char, after: Option<char>) -> char {
    let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
    match c {
        '"' if spaced(before) && spaced(after) => '"',
        '"' if before.is_none_or(|b| b.is_whitespace() || "([{-–—/„‘".contains(b)) => '„',
        '"' => '“',
        '\'' if before.is_some_and(char::is_alphabetic)
            && after.is_some_and(char::is_alphabetic) =>
        {
            '’'
        }
        c => c,
    }
}

/// [`typographic`] over a whole text (a figure's label).
pub fn typographic_quotes(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['"', '\'']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .map(|k| {
            typographic(
                k.checked_sub(1).map(|b| chars[b]),
                chars[k],
                chars.get(k + 1).copied(),
            )
        })
        .collect::<String>()
        .into()
}

/// Each heading's outline number ("1.", "1.2."; empty when the heading is
/// not numbered), in reading order ([`walk`]'s). The one numbering every
/// writer prints: a numbered heading increments its level's counter and
/// restarts the deeper ones; unnumbered headings change nothing; a level
/// skipped over shows 1, as in Word's outline list ("2.1.1." for a level-3
/// heading right under "2.").
pub fn heading_numbers(blocks: &[Block]) -> Vec<String> {
    let mut numbers = Vec::new();
    let mut counters = [0u32; 4];
    walk(blocks, &mut |b| {
        if let Block::Heading {
            level, numbered, ..
        } = b
        {
            let l = usize::from((*level).clamp(1, 4));
            numbers.push(if *numbered {
                counters[l - 1] += 1;
                counters[l..].iter_mut().for_each(|c| *c = 0);
                counters[..l]
                    .iter()
                    .map(|c| format!("{}.", (*c).max(1)))
                    .collect()
            } else {
                String::new()
            });
        }
    });
    numbers
}

/// Visits every block depth-first in reading order (cells, list items,
/// quotes). Iterative: hostile nesting thousands deep must not overflow the
/// stack.
pub fn walk<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    let mut stack: Vec<std::slice::Iter<'a, Block>> = vec![blocks.iter()];
    while let Some(top) = stack.last_mut() {
        let Some(b) = top.next() else {
            stack.pop();
            continue;
        };
        f(b);
        match b {
            Block::List(l) => {
                // Items in order: push them reversed, the first on top.
                for item in l.items.iter().rev() {
                    stack.push(item.iter());
                }
            }
            Block::Quote(inner) => stack.push(inner.iter()),
            Block::Table(t) => {
                for c in t.rows.iter().flat_map(|r| &r.cells).rev() {
                    stack.push(c.blocks.iter());
                }
            }
            _ => {}
        }
    }
}

/// A small sample document using every block type: for writers' tests.
pub fn sample() -> Document {
    let meta = Meta {
        title: "Plani Kombëtar i Veprimit për Shqipërinë 2020–2022".into(),
        subject: "Partneriteti për Qeverisje të Hapur".into(),
        author: "Sekretariati Teknik (POC)".into(),
        keywords: vec!["OGP".into()],
        language: "sq-AL".into(),
        header: "Plani i Veprimit OGP 2020–2022".into(),
        footer: String::new(),
        page_label: "Faqe".into(),
        page_of: "nga".into(),
        draft_mark: Some("DRAFT".into()),
        date: "15 nëntor 2020".into(),
        timestamp: 1_605_398_400,
        revision_author: "nap".into(),
    };
    let cell = |t: &str| Cell {
        blocks: vec![Block::para(t)],
        colspan: 1,
    };
    let blocks = vec![
        Block::Paragraph {
            style: ParaStyle::Title,
            align: Align::Center,
            content: vec![Inline::plain(meta.title.clone())],
        },
        Block::Paragraph {
            style: ParaStyle::DraftMark,
            align: Align::Center,
            content: vec![Inline::plain("DRAFT")],
        },
        Block::PageBreak,
        Block::Toc {
            title: "Përmbajtja".into(),
            depth: 2,
        },
        Block::Heading {
            level: 1,
            id: "hyrje".into(),
            numbered: true,
            content: vec![Inline::plain("Hyrje")],
        },
        Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Justify,
            content: vec![
                Inline::plain("Transparenca dhe llogaridhënia janë "),
                Inline::Text(Span::bold("çështje kyçe")),
                Inline::plain(" për "),
                Inline::Text(Span {
                    text: "qeverisjen".into(),
                    style: SpanStyle {
                        italic: true,
                        ..Default::default()
                    },
                }),
                Inline::plain("; shih "),
                Inline::Text(Span {
                    text: "ogp.gov.al".into(),
                    style: SpanStyle {
                        link: Some("https://ogp.gov.al".into()),
                        ..Default::default()
                    },
                }),
                Inline::plain("."),
            ],
        },
        Block::List(List {
            ordered: false,
            start: 1,
            items: vec![
                vec![Block::para("Përgatitjet")],
                vec![Block::para("Konsultimet")],
            ],
        }),
        Block::Heading {
            level: 2,
            id: "angazhimi-1".into(),
            numbered: true,
            content: vec![Inline::plain("Angazhimi 1")],
        },
        Block::Table(Table {
            columns: vec![Some(30.0), Some(70.0)],
            header_rows: 0,
            rows: vec![Row {
                cells: vec![
                    cell("Objektivi"),
                    cell("Plane integriteti në të gjitha ministritë"),
                ],
            }],
            label_column: true,
        }),
        Block::Table(Table {
            columns: vec![Some(60.0), Some(20.0), Some(20.0)],
            header_rows: 1,
            rows: vec![
                Row {
                    cells: vec![cell("Rezultati"), cell("Fillimi"), cell("Përfundimi")],
                },
                Row {
                    cells: vec![
                        cell("Miratimi i metodologjisë"),
                        cell("shtator 2020"),
                        cell("dhjetor 2020"),
                    ],
                },
            ],
            label_column: false,
        }),
        Block::Quote(vec![Block::para("Një koment i citaur.")]),
        Block::Preformatted(vec!["kod".into()]),
        Block::Rule,
        Block::Paragraph {
            style: ParaStyle::Caption,
            align: Align::Center,
            content: vec![Inline::plain("Figura 1: Fazat")],
        },
    ];
    Document { meta, blocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_quotes_take_their_albanian_form() {
        let t = |s| typographic_quotes(s).into_owned();
        assert_eq!(t(r#"ligji "Për të drejtën""#), "ligji „Për të drejtën“");
        assert_eq!(t(r#"("a") -"b" /"c" „"d"#), "(„a“) -„b“ /„c“ „„d");
        assert_eq!(t(r#"t'i ç'mund 'a' 5" " x"#), r#"t’i ç’mund 'a' 5“ " x"#);
        assert!(matches!(
            typographic_quotes("pa thonjëza"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn headings_are_numbered_as_words_outline_list_numbers_them() {
        let h = |level, numbered| Block::Heading {
            level,
            id: format!("h{level}"),
            numbered,
            content: vec![Inline::plain("x")],
        };
        let blocks = [
            h(1, false),
            h(1, true),
            h(2, true),
            h(2, true),
            h(1, true),
            // Level 2 skipped: it shows 1, not 0.
            h(3, true),
            h(2, false),
            h(3, true),
            h(1, true),
            h(4, true),
        ];
        assert_eq!(
            heading_numbers(&blocks),
            ["", "1.", "1.1.", "1.2.", "2.", "2.1.1.", "", "2.1.2.", "3.", "3.1.1.1."]
        );
    }

    /// The visiting order, spelled out recursively.
    fn recursive<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
        for b in blocks {
            out.push(b);
            match b {
                Block::List(l) => l.items.iter().for_each(|it| recursive(it, out)),
                Block::Quote(inner) => recursive(inner, out),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .for_each(|c| recursive(&c.blocks, out)),
                _ => {}
            }
        }
    }

    #[test]
    fn walk_visits_in_reading_order() {
        let doc = sample();
        let mut walked = Vec::new();
        walk(&doc.blocks, &mut |b| walked.push(b));
        let mut expected = Vec::new();
        recursive(&doc.blocks, &mut expected);
        assert!(walked.len() > doc.blocks.len(), "nested blocks are visited");
        assert_eq!(walked, expected);
    }

    #[test]
    fn walk_survives_deep_nesting() {
        let mut b = Block::para("x");
        for _ in 0..200_000 {
            b = Block::Quote(vec![b]);
        }
        let mut n = 0;
        walk(std::slice::from_ref(&b), &mut |_| n += 1);
        assert_eq!(n, 200_001);
        // Dropping it recursively would overflow too: unnest first.
        let mut cur = b;
        while let Block::Quote(mut v) = cur {
            cur = v.pop().unwrap_or(Block::Rule);
        }
    }

    #[test]
    fn notes_are_renumbered_in_reading_order() {
        let note = |n: u32| {
            Inline::Note(Note {
                number: n,
                content: vec![Inline::plain(format!("shënimi {n}"))],
            })
        };
        let para = |n: u32| Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Left,
            content: vec![Inline::plain("a"), note(n), note(n + 100)],
        };
        let mut blocks = vec![
            para(9),
            Block::List(List {
                ordered: false,
                start: 1,
                items: vec![vec![para(7)], vec![Block::Quote(vec![para(3)])]],
            }),
            Block::Table(Table {
                columns: vec![None, None],
                header_rows: 0,
                rows: vec![Row {
                    cells: vec![
                        Cell {
                            blocks: vec![para(1)],
                            colspan: 1,
                        },
                        Cell {
                            blocks: vec![para(1)],
                            colspan: 1,
                        },
                    ],
                }],
                label_column: false,
            }),
            para(5),
        ];
        renumber_notes(&mut blocks);
        let mut numbers = Vec::new();
        walk(&blocks, &mut |b| {
            if let Block::Paragraph { content, .. } = b {
                for i in content {
                    if let Inline::Note(n) = i {
                        numbers.push(n.number);
                    }
                }
            }
        });
        assert_eq!(numbers, (1..=12).collect::<Vec<u32>>());
    }
}
