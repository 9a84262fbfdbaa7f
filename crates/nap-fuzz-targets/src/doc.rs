//! A structure-aware document generator for the writer targets.
//!
//! The fuzzer drives [`FuzzDoc`] (derived with `arbitrary`); [`FuzzDoc::build`]
//! turns it into a [`Document`] that keeps every invariant `nap-doc` promises
//! writers (levels 1..=4, unique ids, rectangular tables, NFC text without
//! control characters, web/mailto/anchor links, positive widths) and nothing
//! more, so every crash is the writer's. It also appends the blocks
//! nap-compose makes of a Markdown chunk, the shapes real documents have.

use arbitrary::Arbitrary;
use nap_doc::{
    Align, Block, Cell, Document, Figure, Inline, List, Meta, ParaStyle, Revision, Row, Span,
    SpanStyle, Table,
};
use std::collections::HashSet;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Container nesting the generator builds (compose's limit is far deeper, but
/// depth is not what the writer targets look for; `markdown_to_doc` is).
const MAX_DEPTH: usize = 6;

/// A small valid SVG, so the PDF writer's vector path is reached too.
const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50"><rect x="5" y="5" width="40" height="40" fill="#1f4e79"/><text x="50" y="30" font-size="12">Faza 1 &amp; 2</text></svg>"##;

#[derive(Arbitrary, Debug)]
pub struct FuzzDoc {
    meta: FuzzMeta,
    blocks: Vec<FuzzBlock>,
    markdown: String,
    pub pdfa: bool,
}

#[derive(Arbitrary, Debug)]
struct FuzzMeta {
    title: String,
    subject: String,
    author: String,
    keywords: Vec<String>,
    language: String,
    header: String,
    footer: String,
    page_label: String,
    page_of: String,
    draft_mark: Option<String>,
    date: String,
    timestamp: i64,
    revision_author: String,
}

#[derive(Arbitrary, Debug)]
enum FuzzBlock {
    Heading {
        level: u8,
        id: String,
        numbered: bool,
        content: Vec<FuzzInline>,
    },
    Paragraph {
        style: u8,
        align: u8,
        content: Vec<FuzzInline>,
    },
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<FuzzBlock>>,
    },
    Quote(Vec<FuzzBlock>),
    Preformatted(Vec<String>),
    Table {
        columns: Vec<Option<f32>>,
        header_rows: u8,
        rows: Vec<Vec<(u8, Vec<FuzzBlock>)>>,
        label_column: bool,
    },
    Figure {
        id: String,
        valid_svg: bool,
        svg: String,
        width_mm: f32,
        height_mm: f32,
        alt: String,
        caption: Vec<FuzzInline>,
    },
    PageBreak,
    Toc {
        title: String,
        depth: u8,
    },
    Rule,
}

#[derive(Arbitrary, Debug)]
enum FuzzInline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
        code: bool,
        link: Option<FuzzLink>,
        revision: u8,
    },
    LineBreak,
    /// A footnote: its paragraphs (plain text; notes hold no notes).
    Note(Vec<String>),
}

#[derive(Arbitrary, Debug)]
enum FuzzLink {
    Web {
        https: bool,
        rest: String,
    },
    Mail(String),
    /// The n-th heading id made so far (or an unknown one when there is none).
    Heading(u8),
    Anchor(String),
}

/// Text as the producer hands it to writers: NFC, no control characters, no
/// newlines.
fn text(s: &str) -> String {
    s.nfc()
        .filter(|&c| !crate::xml_forbidden(c) && c != '\n' && c != '\r')
        .collect()
}

/// A finite positive number within `lo..=hi`.
fn positive(x: f32, lo: f32, hi: f32) -> f32 {
    if x.is_finite() {
        x.abs().clamp(lo, hi)
    } else {
        lo
    }
}

struct Builder {
    ids: HashSet<String>,
    headings: Vec<String>,
    /// Footnotes numbered so far (1, 2, … in reading order, as the model
    /// requires).
    notes: std::cell::Cell<u32>,
}

impl Builder {
    fn unique(&mut self, base: &str) -> String {
        let base = text(base);
        let base = if base.is_empty() { "id".into() } else { base };
        let mut id = base.clone();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn inlines(&self, v: &[FuzzInline]) -> Vec<Inline> {
        v.iter()
            .map(|i| match i {
                FuzzInline::LineBreak => Inline::LineBreak,
                FuzzInline::Note(paras) => {
                    self.notes.set(self.notes.get() + 1);
                    let mut content = Vec::new();
                    for (k, p) in paras.iter().enumerate() {
                        if k > 0 {
                            content.push(Inline::LineBreak);
                        }
                        content.push(Inline::Text(Span::plain(text(p))));
                    }
                    Inline::Note(nap_doc::Note {
                        number: self.notes.get(),
                        content,
                    })
                }
                FuzzInline::Text {
                    text: t,
                    bold,
                    italic,
                    code,
                    link,
                    revision,
                } => Inline::Text(Span {
                    text: text(t),
                    style: SpanStyle {
                        bold: *bold,
                        italic: *italic,
                        code: *code,
                        link: link.as_ref().map(|l| self.link(l)),
                        revision: match revision % 3 {
                            1 => Some(Revision::Inserted),
                            2 => Some(Revision::Deleted),
                            _ => None,
                        },
                    },
                }),
            })
            .collect()
    }

    fn link(&self, l: &FuzzLink) -> String {
        match l {
            FuzzLink::Web { https, rest } => {
                let scheme = if *https { "https" } else { "http" };
                format!("{scheme}://{}", text(rest))
            }
            FuzzLink::Mail(to) => format!("mailto:{}", text(to)),
            FuzzLink::Heading(n) => match self.headings.len() {
                0 => "#nowhere".into(),
                len => format!("#{}", self.headings[usize::from(*n) % len]),
            },
            FuzzLink::Anchor(a) => format!("#{}", text(a)),
        }
    }

    fn blocks(&mut self, v: &[FuzzBlock], depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        for b in v {
            // Deeper containers are dropped (as their text would be in a
            // flattened tree, depth is not this target's concern).
            let container = matches!(
                b,
                FuzzBlock::List { .. } | FuzzBlock::Quote(_) | FuzzBlock::Table { .. }
            );
            if container && depth >= MAX_DEPTH {
                continue;
            }
            out.push(self.block(b, depth));
        }
        out
    }

    fn block(&mut self, b: &FuzzBlock, depth: usize) -> Block {
        match b {
            FuzzBlock::Heading {
                level,
                id,
                numbered,
                content,
            } => {
                let id = self.unique(id);
                self.headings.push(id.clone());
                Block::Heading {
                    level: level % 4 + 1,
                    id,
                    numbered: *numbered,
                    content: self.inlines(content),
                }
            }
            FuzzBlock::Paragraph {
                style,
                align,
                content,
            } => Block::Paragraph {
                style: [
                    ParaStyle::Normal,
                    ParaStyle::Title,
                    ParaStyle::Subtitle,
                    ParaStyle::Small,
                    ParaStyle::Caption,
                    ParaStyle::DraftMark,
                ][usize::from(*style) % 6],
                align: [Align::Left, Align::Center, Align::Right, Align::Justify]
                    [usize::from(*align) % 4],
                content: self.inlines(content),
            },
            FuzzBlock::List {
                ordered,
                start,
                items,
            } => Block::List(List {
                ordered: *ordered,
                // CommonMark allows at most nine digits.
                start: start % 1_000_000_000,
                items: items.iter().map(|it| self.blocks(it, depth + 1)).collect(),
            }),
            FuzzBlock::Quote(inner) => Block::Quote(self.blocks(inner, depth + 1)),
            FuzzBlock::Preformatted(lines) => Block::Preformatted(
                lines
                    .iter()
                    .flat_map(|l| l.split(['\n', '\r']).map(text).collect::<Vec<_>>())
                    .collect(),
            ),
            FuzzBlock::Table {
                columns,
                header_rows,
                rows,
                label_column,
            } => {
                let mut columns: Vec<Option<f32>> = columns
                    .iter()
                    .take(12)
                    .map(|w| w.map(|w| positive(w, 0.001, 1.0e6)))
                    .collect();
                if columns.is_empty() {
                    columns.push(None);
                }
                let n = columns.len();
                let rows: Vec<Row> = rows
                    .iter()
                    .map(|cells| {
                        let mut given = cells.iter();
                        let mut out = Vec::new();
                        let mut left = n;
                        while left > 0 {
                            let (span, blocks) = match given.next() {
                                Some((s, b)) => {
                                    (1 + usize::from(*s) % left, self.blocks(b, depth + 1))
                                }
                                None => (1, Vec::new()),
                            };
                            left -= span;
                            out.push(Cell {
                                blocks,
                                colspan: span as u16,
                            });
                        }
                        Row { cells: out }
                    })
                    .collect();
                Block::Table(Table {
                    columns,
                    header_rows: usize::from(*header_rows) % (rows.len() + 1),
                    rows,
                    label_column: *label_column,
                })
            }
            FuzzBlock::Figure {
                id,
                valid_svg,
                svg,
                width_mm,
                height_mm,
                alt,
                caption,
            } => Block::Figure(Figure {
                id: self.unique(id),
                svg: Arc::from(if *valid_svg { SVG } else { svg.as_str() }),
                width_mm: positive(*width_mm, 1.0, 400.0),
                height_mm: positive(*height_mm, 1.0, 400.0),
                alt: text(alt),
                caption: self.inlines(caption),
            }),
            FuzzBlock::PageBreak => Block::PageBreak,
            FuzzBlock::Toc { title, depth } => Block::Toc {
                title: text(title),
                depth: *depth,
            },
            FuzzBlock::Rule => Block::Rule,
        }
    }
}

impl FuzzDoc {
    pub fn build(&self) -> Document {
        let m = &self.meta;
        // Timestamps come from a `Date`, whose years are 1900–2999.
        const FROM: i64 = -2_208_988_800; // 1900-01-01
        const TO: i64 = 32_503_680_000; // 3000-01-01
        let meta = Meta {
            title: text(&m.title),
            subject: text(&m.subject),
            author: text(&m.author),
            keywords: m.keywords.iter().map(|k| text(k)).collect(),
            language: text(&m.language),
            header: text(&m.header),
            footer: text(&m.footer),
            page_label: text(&m.page_label),
            page_of: text(&m.page_of),
            draft_mark: m.draft_mark.as_deref().map(text),
            date: text(&m.date),
            timestamp: FROM + m.timestamp.rem_euclid(TO - FROM),
            revision_author: text(&m.revision_author),
        };
        let mut b = Builder {
            ids: HashSet::new(),
            headings: Vec::new(),
            notes: std::cell::Cell::new(0),
        };
        let mut blocks = b.blocks(&self.blocks, 0);
        // The Markdown chunk's ids come from its own context: rename any that
        // clash with the generated ones so the ids stay unique.
        let mut ctx = nap_compose::markdown::Ctx::default();
        let mut md = nap_compose::markdown::blocks(
            &self.markdown,
            &mut ctx,
            nap_compose::markdown::Mode::default(),
        );
        uniquify(&mut md, &mut b);
        blocks.extend(md);
        // The chunk's footnotes are numbered from 1 too: one numbering.
        nap_doc::renumber_notes(&mut blocks);
        Document { meta, blocks }
    }
}

fn uniquify(blocks: &mut [Block], b: &mut Builder) {
    for block in blocks {
        match block {
            Block::Heading { id, .. } => *id = b.unique(id),
            Block::Figure(f) => f.id = b.unique(&f.id),
            Block::List(l) => l.items.iter_mut().for_each(|it| uniquify(it, b)),
            Block::Quote(inner) => uniquify(inner, b),
            Block::Table(t) => t
                .rows
                .iter_mut()
                .flat_map(|r| &mut r.cells)
                .for_each(|c| uniquify(&mut c.blocks, b)),
            _ => {}
        }
    }
}
