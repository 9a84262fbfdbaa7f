//! Layout: [`nap_doc::Document`] → pages of positioned glyph runs and boxes.
//!
//! Everything a PDF backend needs and nothing PDF-specific: glyphs are shaped
//! (rustybuzz) with the embedded Noto faces, paragraphs are broken into lines
//! by an optimal-fit (Knuth–Plass style) algorithm over Unicode line-break
//! opportunities with Albanian hyphenation, pages are filled with widow,
//! orphan and keep-with-next control, table headers repeat, and the table of
//! contents gets the real page numbers. The structure tree (for tagged PDF)
//! is produced alongside: every content item names its structure node.
//!
//! The body's blocks are laid out in chunks on the rayon pool when the
//! document is large enough; the result is the same as laid out serially.
//!
//! All coordinates are PostScript points, origin at the top-left corner of
//! the page, y growing downwards; glyph runs are positioned by their baseline.

#[doc(hidden)]
pub mod fixtures;
mod flow;
mod fonts;
mod hyph;
mod pager;
mod para;

use nap_doc::Document;
use std::sync::Arc;

pub use fonts::{face_id, face_of};

/// Index of one of the eight embedded faces (see [`face_of`]).
pub type FaceId = u8;

/// A colour as 8-bit sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const BLACK: Color = Color(0, 0, 0);
}

/// One positioned glyph. Lengths in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u16,
    /// Advance to the next glyph (includes justification for spaces).
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    /// Byte range in the run's `text` this glyph stands for. `u32` (a run
    /// is one line) keeps the glyph at 24 bytes: every glyph of the document
    /// is in memory until the PDF is written.
    pub range: std::ops::Range<u32>,
}

/// A run of glyphs in one face, size and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub face: FaceId,
    pub size: f32,
    pub glyphs: Vec<Glyph>,
    /// The text the glyphs stand for (what a reader copies out).
    pub text: String,
    pub color: Color,
    pub tag: Tag,
    /// Draw as paths, not text (the watermark: visible, never extracted).
    pub outlined: bool,
    /// Rotation in degrees, counter-clockwise, around (x, y).
    pub rotate: f32,
}

impl GlyphRun {
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    Uri(String),
    /// A place in this document: page index and y of the target's top.
    Internal {
        page: usize,
        y: f32,
    },
}

/// What a content item is in the structure tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Not part of the logical content (header, footer, borders, repeated
    /// table headers, the watermark).
    Artifact,
    /// Content of structure node `n` (index into [`Paged::structure`]).
    Node(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Glyphs(GlyphRun),
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Color,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
    },
    /// An SVG figure drawn into the box (x, y, w, h).
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        svg: Arc<str>,
        tag: Tag,
        /// The figure id (for messages).
        id: String,
    },
    /// A clickable area.
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: LinkTarget,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
}

/// A node of the logical structure (tagged PDF).
#[derive(Debug, Clone, PartialEq)]
pub struct StructNode {
    pub kind: StructKind,
    /// Child nodes in reading order. Content items point at the node they
    /// belong to; a node with content has no children but its footnotes
    /// ([`StructKind::Note`]), read after the content.
    pub children: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StructKind {
    Document,
    Paragraph,
    /// Title-page title.
    Title,
    Heading {
        level: u8,
        title: String,
    },
    List {
        ordered: bool,
    },
    ListItem,
    Label,
    ListBody,
    BlockQuote,
    Code,
    Table,
    TableRow,
    TableHeaderCell {
        colspan: u16,
    },
    TableCell {
        colspan: u16,
    },
    Figure {
        alt: String,
    },
    Caption,
    Toc,
    TocItem,
    /// A footnote; a child of the paragraph (or heading, cell paragraph…)
    /// citing it, read after that paragraph's own content.
    Note,
}

/// A bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// Where a heading landed (for the TOC and tests).
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingPos {
    pub id: String,
    pub level: u8,
    /// "1.2." or empty.
    pub number: String,
    pub text: String,
    /// 0-based page index.
    pub page: usize,
    pub y: f32,
}

/// A laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged {
    pub page_width: f32,
    pub page_height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    pub headings: Vec<HeadingPos>,
    /// Index 0 is the document root.
    pub structure: Vec<StructNode>,
    /// BCP 47 language of the document.
    pub lang: String,
    /// Problems the reader should know about (missing glyphs, broken links).
    pub warnings: Vec<String>,
    /// The text block: left, top, right, bottom edges.
    pub body: [f32; 4],
}

impl Paged {
    /// The page of every place the document points at: each heading, each
    /// outline entry and each internal link's target. A layout only names
    /// pages it made (tests and the pdf_writer fuzz target check it).
    pub fn destination_pages(&self) -> impl Iterator<Item = usize> + '_ {
        let links = self
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|it| match it {
                Item::Link {
                    target: LinkTarget::Internal { page, .. },
                    ..
                } => Some(*page),
                _ => None,
            });
        self.headings
            .iter()
            .map(|h| h.page)
            .chain(self.outline.iter().map(|e| e.page))
            .chain(links)
    }

    /// The first footnote line out of place, described: outside the text
    /// block, or not below every other line of content on its page. `None`
    /// when every note sits at its page's foot (tests and the pdf_writer
    /// fuzz target check it).
    pub fn misplaced_note(&self) -> Option<String> {
        let [_, top, _, bottom] = self.body;
        let is_note = |t: Tag| match t {
            Tag::Node(n) => self.structure[n as usize].kind == StructKind::Note,
            Tag::Artifact => false,
        };
        for (i, page) in self.pages.iter().enumerate() {
            let (mut text_bottom, mut notes_top) = (f32::MIN, f32::MAX);
            for item in &page.items {
                match item {
                    Item::Glyphs(r) if is_note(r.tag) => {
                        if r.y < top - 0.01 || r.y > bottom + 0.01 {
                            return Some(format!(
                                "page {}: a note's line at {} outside {top}..{bottom}",
                                i + 1,
                                r.y
                            ));
                        }
                        notes_top = notes_top.min(r.y - r.size);
                    }
                    Item::Glyphs(r) if r.tag != Tag::Artifact && !r.outlined => {
                        text_bottom = text_bottom.max(r.y);
                    }
                    Item::Svg { y, h, tag, .. } if *tag != Tag::Artifact => {
                        text_bottom = text_bottom.max(y + h);
                    }
                    _ => {}
                }
            }
            if notes_top < text_bottom {
                return Some(format!(
                    "page {}: a note's line reaches up to {notes_top}, above content at {text_bottom}",
                    i + 1
                ));
            }
        }
        None
    }
}

/// Sizes the columns of tables as the PDF layout does, for the DOCX writer:
/// a table whose column widths are not declared (a Markdown table) gets the
/// same proportions in both formats, by the same fonts, instead of equal
/// columns in Word that squeezed a column of names beside columns of
/// numbers.
#[derive(Default)]
pub struct ColumnSizer {
    settings: Settings,
    caches: Option<(fonts::Fonts, hyph::Hyph)>,
}

impl ColumnSizer {
    pub fn new() -> ColumnSizer {
        ColumnSizer::default()
    }

    /// The widths, in points, of `table`'s columns ([`nap_doc::Table::column_count`]
    /// of them) in a container `width` points wide.
    pub fn widths(&mut self, table: &nap_doc::Table, width: f32) -> Vec<f32> {
        flow::table_widths(&self.settings, &mut self.caches, table, width)
    }
}

/// Page geometry and type sizes. `Default` is the published A4 layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub page_width: f32,
    pub page_height: f32,
    pub margin_left: f32,
    pub margin_right: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
    /// Body text size and line distance.
    pub body_size: f32,
    pub body_leading: f32,
}

pub(crate) const MM: f32 = 72.0 / 25.4;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            page_width: 210.0 * MM,
            page_height: 297.0 * MM,
            margin_left: 25.0 * MM,
            margin_right: 25.0 * MM,
            margin_top: 25.0 * MM,
            margin_bottom: 25.0 * MM,
            body_size: 10.5,
            body_leading: 14.5,
        }
    }
}

/// Lays out `doc` on A4 pages.
pub fn layout(doc: &Document) -> Paged {
    layout_with(doc, &Settings::default())
}

/// Lays out `doc` with explicit page geometry.
pub fn layout_with(doc: &Document, settings: &Settings) -> Paged {
    flow::run(doc, settings)
}

/// [`layout_with`] with the body's blocks laid out in `chunks` chunks on
/// the current rayon pool (1: serially), whatever the document's size: the
/// result is the same for every `chunks` (for tests and benchmarks;
/// [`layout_with`] chooses by the size and the pool's threads).
#[doc(hidden)]
pub fn layout_in_chunks(doc: &Document, settings: &Settings, chunks: usize) -> Paged {
    flow::run_split(doc, settings, flow::Split::Chunks(chunks))
}

/// The text of a page's glyph runs in drawing order, runs on the same
/// baseline joined by nothing, lines by '\n' (for tests and diagnostics).
pub fn page_text(page: &Page) -> String {
    let mut out = String::new();
    let mut last_y: Option<f32> = None;
    for item in &page.items {
        if let Item::Glyphs(run) = item {
            if run.outlined {
                continue;
            }
            if let Some(y) = last_y {
                if (y - run.y).abs() > 0.5 {
                    out.push('\n');
                }
            }
            out.push_str(&run.text);
            last_y = Some(run.y);
        }
    }
    out
}

#[cfg(test)]
mod tests;
