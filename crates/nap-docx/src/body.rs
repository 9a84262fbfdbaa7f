//! `word/document.xml`: the blocks and inlines of the document as
//! WordprocessingML.
//!
//! Rendering runs over an explicit stack of tasks instead of recursing into
//! lists, quotes and table cells, so a document nested thousands of levels
//! deep is written like any other; indentation is capped so deep nesting
//! still leaves room for text.

use crate::outline::Outline;
use crate::parts::{
    field_into, OrderedNum, Rel, LIST_HANGING, LIST_LEVELS, LIST_STEP, NS_R, NS_W, NUM_BULLET,
    NUM_FIRST_ORDERED, NUM_HEADINGS, TABLE_BORDERS, TEXT_W,
};
use crate::xml::{escape, text_into};
use crate::Rasters;
use nap_doc::{Align, Block, Document, Figure, Inline, Note, ParaStyle, Revision, Span, Table};
use std::collections::HashMap;
use std::sync::Arc;

/// Indentation per quote level, and the most any nesting may indent (8 cm,
/// half the text width).
const QUOTE_STEP: u32 = 567;
const MAX_INDENT: u32 = 4_536;
/// Left and right cell margins (see `tblCellMar`): 4.5 pt, with 9.5 pt
/// table text, as the PDF's cells, whose column widths the DOCX takes for
/// tables that do not declare them.
const CELL_MARGIN: u32 = 90;
/// The cell margins of a compact table (3 pt, as the PDF's).
const CELL_MARGIN_COMPACT: u32 = 60;
const HEADER_FILL: &str = "D9E2F3";
const LABEL_FILL: &str = "F2F2F2";
const EMU_PER_TWIP: f64 = 635.0;
const EMU_PER_MM: f64 = 36_000.0;

/// Relationship ids of the fixed parts; dynamic ones (images, hyperlinks)
/// are numbered after them.
pub const FIXED_RELS: [(&str, &str); 8] = [
    ("styles", "styles.xml"),
    ("numbering", "numbering.xml"),
    ("settings", "settings.xml"),
    ("fontTable", "fontTable.xml"),
    ("header", "header1.xml"),
    ("header", "header2.xml"),
    ("footer", "footer1.xml"),
    ("footer", "footer2.xml"),
];

pub struct Media {
    pub name: String,
    pub data: Arc<[u8]>,
}

pub struct Body {
    pub xml: String,
    pub rels: Vec<Rel>,
    pub media: Vec<Media>,
    pub ordered: Vec<OrderedNum>,
    /// The footnotes (`w:footnote` elements) and the relationships of their
    /// part (web links); `None` when the document has none.
    pub footnotes: Option<(String, Vec<Rel>)>,
}

/// What is written into `word/footnotes.xml` while the body is written.
#[derive(Default)]
struct Notes {
    xml: String,
    rels: Vec<Rel>,
    link_rels: HashMap<String, String>,
    count: u32,
    /// Writing a note's text now: links go to the notes part's relationships.
    inside: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Outside,
    Header,
    Label,
    Plain,
}

/// Where a block is being rendered.
#[derive(Clone, Copy)]
struct Ctx {
    /// Left indent of paragraphs (list and quote nesting), twips.
    indent: u32,
    /// Width of the container (text width or cell width), twips.
    width: u32,
    /// Lists enclosing this block: the `ilvl` a nested list gets.
    list_depth: u8,
    quoted: bool,
    cell: CellKind,
    /// In a cell of a compact table ([`Table::compact`]): smaller type.
    compact: bool,
}

enum Task<'a> {
    Block(&'a Block, Ctx),
    Item {
        blocks: &'a [Block],
        ctx: Ctx,
        num: u32,
        ilvl: u8,
    },
    Raw(&'static str),
    Owned(String),
    CellEnd,
}

struct Writer<'a> {
    out: String,
    outline: &'a Outline,
    rasters: &'a Rasters,
    /// `w:author` and `w:date` attributes of tracked changes, escaped.
    revision_attrs: String,
    /// Shared by bookmarks and tracked changes, which Word requires unique.
    next_id: u32,
    next_heading: usize,
    next_figure: usize,
    rels: Vec<Rel>,
    link_rels: HashMap<String, String>,
    media: Vec<Media>,
    ordered: Vec<OrderedNum>,
    notes: Notes,
    /// Sizes tables without declared column widths as the PDF does; made
    /// at the first such table.
    sizer: Option<nap_layout::ColumnSizer>,
}

pub fn render(doc: &Document, outline: &Outline, rasters: &Rasters, when: &str) -> Body {
    let rels = FIXED_RELS
        .iter()
        .enumerate()
        .map(|(i, (kind, target))| Rel {
            id: format!("rId{}", i + 1),
            kind,
            target: (*target).to_string(),
            external: false,
        })
        .collect();
    let mut w = Writer {
        out: String::with_capacity(16_384 + doc.blocks.len() * 400),
        outline,
        rasters,
        revision_attrs: format!(
            "w:author=\"{}\" w:date=\"{when}\"",
            escape(&doc.meta.revision_author)
        ),
        next_id: 1,
        next_heading: 0,
        next_figure: 0,
        rels,
        link_rels: HashMap::new(),
        media: Vec::new(),
        ordered: Vec::new(),
        notes: Notes::default(),
        sizer: None,
    };
    w.out.push_str(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\" \
         xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
         xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
         xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>"
    ));
    let root = Ctx {
        indent: 0,
        width: TEXT_W,
        list_depth: 0,
        quoted: false,
        cell: CellKind::Outside,
        compact: false,
    };
    let mut stack: Vec<Task> = doc
        .blocks
        .iter()
        .rev()
        .map(|b| Task::Block(b, root))
        .collect();
    while let Some(task) = stack.pop() {
        match task {
            Task::Block(block, ctx) => w.block(block, ctx, &mut stack),
            Task::Item {
                blocks,
                ctx,
                num,
                ilvl,
            } => w.item(blocks, ctx, num, ilvl, &mut stack),
            Task::Raw(s) => w.out.push_str(s),
            Task::Owned(s) => w.out.push_str(&s),
            Task::CellEnd => {
                // A cell must hold at least one paragraph, even when its
                // blocks rendered to nothing (an empty list or quote).
                if w.out.ends_with("</w:tcPr>") {
                    w.out.push_str(EMPTY_CELL_PARAGRAPH);
                }
                w.out.push_str("</w:tc>");
            }
        }
    }
    w.out.push_str(&format!(
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId5\"/><w:headerReference w:type=\"first\" r:id=\"rId6\"/>\
         <w:footerReference w:type=\"default\" r:id=\"rId7\"/><w:footerReference w:type=\"first\" r:id=\"rId8\"/>\
         <w:pgSz w:w=\"{}\" w:h=\"{}\"/>\
         <w:pgMar w:top=\"{m}\" w:right=\"{m}\" w:bottom=\"{m}\" w:left=\"{m}\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/>\
         <w:cols w:space=\"708\"/><w:titlePg/><w:docGrid w:linePitch=\"360\"/></w:sectPr></w:body></w:document>",
        crate::parts::PAGE_W,
        crate::parts::PAGE_H,
        m = crate::parts::MARGIN
    ));
    let footnotes = if w.notes.count > 0 {
        w.rel("footnotes", "footnotes.xml".into(), false);
        Some((w.notes.xml, w.notes.rels))
    } else {
        None
    };
    Body {
        xml: w.out,
        rels: w.rels,
        media: w.media,
        ordered: w.ordered,
        footnotes,
    }
}

const EMPTY_CELL_PARAGRAPH: &str = "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>";
const LIST_END: &str = "<w:p><w:pPr><w:pStyle w:val=\"TableSpacer\"/></w:pPr></w:p>";
const TABLE_END: &str = "</w:tbl><w:p><w:pPr><w:pStyle w:val=\"TableSpacer\"/></w:pPr></w:p>";

fn indent_by(ctx: Ctx, step: u32) -> u32 {
    (ctx.indent + step).min(MAX_INDENT)
}

fn jc(align: Align) -> &'static str {
    match align {
        Align::Left => "",
        Align::Center => "<w:jc w:val=\"center\"/>",
        Align::Right => "<w:jc w:val=\"right\"/>",
        Align::Justify => "<w:jc w:val=\"both\"/>",
    }
}

/// A link target as Word accepts it in a relationship: Word refuses to open
/// a package whose hyperlink target is not a valid URI, so anything outside
/// the URI character set (spaces, non-ASCII, stray `%`) is percent-encoded.
fn uri(target: &str) -> String {
    let bytes = target.trim().as_bytes();
    let mut out = String::with_capacity(bytes.len() + 8);
    let mut seen_hash = false;
    for (i, &b) in bytes.iter().enumerate() {
        let keep = match b {
            b'%' => bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            b'#' => !std::mem::replace(&mut seen_hash, true),
            b if b.is_ascii_alphanumeric() => true,
            _ => b"-._~:/?@!$&'()*+,;=".contains(&b),
        };
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn external_scheme(target: &str) -> bool {
    let t = target.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| t.starts_with(s) && t.len() > s.len())
}

/// Pixel size of a PNG from its IHDR chunk, or `None` when `data` is not a PNG.
fn png_size(data: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if data.len() < 24 || &data[..8] != SIGNATURE || &data[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(data[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(data[20..24].try_into().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// Column widths in twips summing exactly to `total`: relative widths
/// scaled, columns without one given the mean of the others.
fn column_widths(columns: &[Option<f32>], n: usize, total: u32) -> Vec<u32> {
    let valid = |v: f32| v.is_finite() && v > 0.0;
    let known: Vec<f64> = columns
        .iter()
        .flatten()
        .copied()
        .filter(|v| valid(*v))
        .map(f64::from)
        .collect();
    let mean = if known.is_empty() {
        1.0
    } else {
        known.iter().sum::<f64>() / known.len() as f64
    };
    let weights: Vec<f64> = (0..n)
        .map(|i| match columns.get(i).copied().flatten() {
            Some(v) if valid(v) => f64::from(v).max(mean * 0.02),
            _ => mean,
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut widths = Vec::with_capacity(n);
    let (mut acc, mut prev) = (0.0, 0u32);
    for w in weights {
        acc += w;
        let edge = (f64::from(total) * acc / sum).round() as u32;
        widths.push(edge.saturating_sub(prev).max(1));
        prev = edge;
    }
    widths
}

impl<'a> Writer<'a> {
    fn next_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn rel(&mut self, kind: &'static str, target: String, external: bool) -> String {
        let id = format!("rId{}", self.rels.len() + 1);
        self.rels.push(Rel {
            id: id.clone(),
            kind,
            target,
            external,
        });
        id
    }

    fn block(&mut self, block: &'a Block, ctx: Ctx, stack: &mut Vec<Task<'a>>) {
        match block {
            Block::Heading { content, .. } => self.heading(content, ctx),
            Block::Paragraph {
                style,
                align,
                content,
            } => {
                // A caption above a table or figure stays on its page (the
                // next task is the next block in reading order).
                let keep = *style == ParaStyle::Caption
                    && matches!(
                        stack.last(),
                        Some(Task::Block(Block::Table(_) | Block::Figure(_), _))
                    );
                self.paragraph(*style, *align, content, ctx, None, keep)
            }
            Block::List(list) => {
                let ilvl = ctx.list_depth.min(LIST_LEVELS - 1);
                let num = if list.ordered {
                    let id = NUM_FIRST_ORDERED + self.ordered.len() as u32;
                    self.ordered.push(OrderedNum {
                        id,
                        ilvl,
                        start: list.start,
                    });
                    id
                } else {
                    NUM_BULLET
                };
                if ctx.list_depth == 0 {
                    // Closes the list with a little space, so two lists in a
                    // row read as two and the text after it does not cling.
                    stack.push(Task::Raw(LIST_END));
                }
                let item_ctx = Ctx {
                    indent: indent_by(ctx, LIST_STEP),
                    list_depth: ctx.list_depth.saturating_add(1),
                    ..ctx
                };
                stack.extend(list.items.iter().rev().map(|item| Task::Item {
                    blocks: item,
                    ctx: item_ctx,
                    num,
                    ilvl,
                }));
            }
            Block::Quote(inner) => {
                let inner_ctx = Ctx {
                    indent: indent_by(ctx, QUOTE_STEP),
                    quoted: true,
                    ..ctx
                };
                stack.extend(inner.iter().rev().map(|b| Task::Block(b, inner_ctx)));
            }
            Block::Preformatted(lines) => {
                for line in lines {
                    self.out.push_str("<w:p><w:pPr><w:pStyle w:val=\"Code\"/>");
                    self.indent(ctx.indent);
                    self.out.push_str("</w:pPr>");
                    if !line.is_empty() {
                        self.out.push_str("<w:r>");
                        text_into(&mut self.out, line, false);
                        self.out.push_str("</w:r>");
                    }
                    self.out.push_str("</w:p>");
                }
            }
            Block::Table(table) => self.table(table, ctx, stack),
            Block::Figure(figure) => self.figure(figure, ctx),
            Block::PageBreak => self.out.push_str(
                // The paragraph mark that follows the break lands on the new
                // page: made tiny so the page does not start with a blank line.
                "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>\
                 <w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr></w:pPr>\
                 <w:r><w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr><w:br w:type=\"page\"/></w:r></w:p>",
            ),
            Block::Toc { title, depth } => self.toc(title, *depth),
            Block::Rule => {
                self.out.push_str(
                    "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"A6A6A6\"/></w:pBdr>\
                     <w:spacing w:before=\"0\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>",
                );
                self.indent(ctx.indent);
                self.out.push_str(
                    "<w:rPr><w:sz w:val=\"8\"/><w:szCs w:val=\"8\"/></w:rPr></w:pPr></w:p>",
                );
            }
        }
    }

    fn indent(&mut self, left: u32) {
        if left > 0 {
            self.out.push_str(&format!("<w:ind w:left=\"{left}\"/>"));
        }
    }

    fn bookmark_start(&mut self, name: &str) -> u32 {
        let id = self.next_id();
        self.out.push_str(&format!(
            "<w:bookmarkStart w:id=\"{id}\" w:name=\"{name}\"/>"
        ));
        id
    }

    fn bookmark_end(&mut self, id: u32) {
        self.out
            .push_str(&format!("<w:bookmarkEnd w:id=\"{id}\"/>"));
    }

    fn heading(&mut self, content: &[Inline], ctx: Ctx) {
        let outline = self.outline;
        let info = &outline.headings[self.next_heading];
        self.next_heading += 1;
        self.out.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading{}\"/>",
            info.level
        ));
        if !info.number.is_empty() {
            self.out.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{NUM_HEADINGS}\"/></w:numPr>",
                info.level - 1
            ));
        }
        self.indent(ctx.indent);
        self.paragraph_mark(content);
        self.out.push_str("</w:pPr>");
        let id = self.bookmark_start(&info.bookmark);
        self.inlines(content, false);
        self.bookmark_end(id);
        self.out.push_str("</w:p>");
    }

    fn paragraph(
        &mut self,
        style: ParaStyle,
        align: Align,
        content: &[Inline],
        ctx: Ctx,
        numbering: Option<(u32, u8)>,
        keep_next: bool,
    ) {
        let style_id = match style {
            ParaStyle::Normal if ctx.cell != CellKind::Outside && ctx.compact => "TableTextCompact",
            ParaStyle::Normal if ctx.cell != CellKind::Outside => "TableText",
            ParaStyle::Normal if ctx.quoted => "Quote",
            ParaStyle::Normal if ctx.list_depth > 0 => "ListParagraph",
            ParaStyle::Normal => "Normal",
            ParaStyle::Title => "Title",
            ParaStyle::Subtitle => "Subtitle",
            ParaStyle::Small => "Small",
            ParaStyle::Caption => "Caption",
            ParaStyle::DraftMark => "DraftMark",
        };
        self.out
            .push_str(&format!("<w:p><w:pPr><w:pStyle w:val=\"{style_id}\"/>"));
        if keep_next {
            self.out.push_str("<w:keepNext/>");
        }
        match numbering {
            Some((num, ilvl)) => self.out.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num}\"/></w:numPr>\
                 <w:ind w:left=\"{}\" w:hanging=\"{LIST_HANGING}\"/>",
                ctx.indent
            )),
            None => self.indent(ctx.indent),
        }
        let align = if ctx.cell == CellKind::Outside {
            align
        } else {
            align.in_cell()
        };
        self.out.push_str(jc(align));
        self.paragraph_mark(content);
        self.out.push_str("</w:pPr>");
        let bold = matches!(ctx.cell, CellKind::Header | CellKind::Label);
        self.inlines(content, bold);
        self.out.push_str("</w:p>");
    }

    /// A paragraph whose whole text is inserted (or deleted) has its
    /// paragraph mark tracked too, so that rejecting (or accepting) the
    /// change removes the paragraph instead of leaving an empty one.
    fn paragraph_mark(&mut self, content: &[Inline]) {
        let mut spans = content.iter().filter_map(|i| match i {
            Inline::Text(span) if !span.text.is_empty() => Some(span.style.revision),
            _ => None,
        });
        let Some(Some(first)) = spans.next() else {
            return;
        };
        if spans.all(|r| r == Some(first)) {
            let id = self.next_id();
            let tag = match first {
                Revision::Inserted => "ins",
                Revision::Deleted => "del",
            };
            self.out.push_str(&format!(
                "<w:rPr><w:{tag} w:id=\"{id}\" {}/></w:rPr>",
                self.revision_attrs
            ));
        }
    }

    fn item(
        &mut self,
        blocks: &'a [Block],
        ctx: Ctx,
        num: u32,
        ilvl: u8,
        stack: &mut Vec<Task<'a>>,
    ) {
        // The number goes on the item's first paragraph; an item opening with
        // anything else gets a numbered empty paragraph of its own.
        let rest = match blocks.first() {
            Some(Block::Paragraph {
                style,
                align,
                content,
            }) => {
                self.paragraph(*style, *align, content, ctx, Some((num, ilvl)), false);
                &blocks[1..]
            }
            _ => {
                self.paragraph(
                    ParaStyle::Normal,
                    Align::Left,
                    &[],
                    ctx,
                    Some((num, ilvl)),
                    false,
                );
                blocks
            }
        };
        stack.extend(rest.iter().rev().map(|b| Task::Block(b, ctx)));
    }

    fn inlines(&mut self, content: &[Inline], bold: bool) {
        let mut i = 0;
        while i < content.len() {
            match &content[i] {
                Inline::LineBreak => {
                    self.out.push_str("<w:r><w:br/></w:r>");
                    i += 1;
                }
                Inline::Note(note) => {
                    self.note(note);
                    i += 1;
                }
                Inline::Text(span) => {
                    let link = span.style.link.as_deref();
                    match link.and_then(|l| self.hyperlink_open(l)) {
                        Some(open) => {
                            // Adjacent spans to the same target share one link.
                            self.out.push_str(&open);
                            while let Some(Inline::Text(s)) = content.get(i) {
                                if s.style.link.as_deref() != link {
                                    break;
                                }
                                self.run(s, bold, true);
                                i += 1;
                            }
                            self.out.push_str("</w:hyperlink>");
                        }
                        None => {
                            self.run(span, bold, false);
                            i += 1;
                        }
                    }
                }
            }
        }
    }

    /// A footnote: its reference here, its text into the footnotes part
    /// (a note inside a note, which the model excludes, is left out).
    fn note(&mut self, note: &Note) {
        if self.notes.inside {
            return;
        }
        self.notes.count += 1;
        let id = self.notes.count;
        self.out.push_str(&format!(
            "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"{id}\"/></w:r>"
        ));
        let body = std::mem::take(&mut self.out);
        self.notes.inside = true;
        self.out.push_str(&format!(
            "<w:footnote w:id=\"{id}\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr>\
             <w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>\
             <w:r><w:t xml:space=\"preserve\"> </w:t></w:r>"
        ));
        self.inlines(&note.content, false);
        self.out.push_str("</w:p></w:footnote>");
        self.notes.inside = false;
        let xml = std::mem::replace(&mut self.out, body);
        self.notes.xml.push_str(&xml);
    }

    /// The opening `w:hyperlink` tag for `target`, or `None` when the target
    /// is not one the document may link to (an unknown `#id`, a scheme other
    /// than http, https or mailto): the text is then written unlinked.
    fn hyperlink_open(&mut self, target: &str) -> Option<String> {
        if let Some(id) = target.strip_prefix('#') {
            let name = self.outline.anchors.get(id)?;
            return Some(format!("<w:hyperlink w:anchor=\"{name}\" w:history=\"1\">"));
        }
        if !external_scheme(target) {
            return None;
        }
        let uri = uri(target);
        if self.notes.inside {
            let n = &mut self.notes;
            let rid = match n.link_rels.get(&uri) {
                Some(rid) => rid.clone(),
                None => {
                    let rid = format!("rId{}", n.rels.len() + 1);
                    n.rels.push(Rel {
                        id: rid.clone(),
                        kind: "hyperlink",
                        target: uri.clone(),
                        external: true,
                    });
                    n.link_rels.insert(uri, rid.clone());
                    rid
                }
            };
            return Some(format!("<w:hyperlink r:id=\"{rid}\" w:history=\"1\">"));
        }
        let rid = match self.link_rels.get(&uri) {
            Some(rid) => rid.clone(),
            None => {
                let rid = self.rel("hyperlink", uri.clone(), true);
                self.link_rels.insert(uri, rid.clone());
                rid
            }
        };
        Some(format!("<w:hyperlink r:id=\"{rid}\" w:history=\"1\">"))
    }

    fn run(&mut self, span: &Span, bold: bool, link: bool) {
        if span.text.is_empty() {
            return;
        }
        let revision = span.style.revision;
        let close = match revision {
            Some(Revision::Inserted) => {
                let id = self.next_id();
                self.out
                    .push_str(&format!("<w:ins w:id=\"{id}\" {}>", self.revision_attrs));
                "</w:ins>"
            }
            Some(Revision::Deleted) => {
                let id = self.next_id();
                self.out
                    .push_str(&format!("<w:del w:id=\"{id}\" {}>", self.revision_attrs));
                "</w:del>"
            }
            None => "",
        };
        self.out.push_str("<w:r>");
        let style = &span.style;
        if link || style.code || style.bold || style.italic || bold {
            self.out.push_str("<w:rPr>");
            if link {
                self.out.push_str("<w:rStyle w:val=\"Hyperlink\"/>");
                if style.code {
                    self.out.push_str(&format!(
                        "<w:rFonts w:ascii=\"{m}\" w:hAnsi=\"{m}\" w:cs=\"{m}\"/>",
                        m = crate::parts::MONO
                    ));
                }
            } else if style.code {
                self.out.push_str("<w:rStyle w:val=\"CodeChar\"/>");
            }
            if style.bold || bold {
                self.out.push_str("<w:b/><w:bCs/>");
            }
            if style.italic {
                self.out.push_str("<w:i/><w:iCs/>");
            }
            self.out.push_str("</w:rPr>");
        }
        text_into(
            &mut self.out,
            &span.text,
            revision == Some(Revision::Deleted),
        );
        self.out.push_str("</w:r>");
        self.out.push_str(close);
    }

    fn table(&mut self, table: &'a Table, ctx: Ctx, stack: &mut Vec<Task<'a>>) {
        let span = |c: &nap_doc::Cell| usize::from(c.colspan.max(1));
        let n = table.column_count();
        let compact = table.compact();
        let margin = if compact {
            CELL_MARGIN_COMPACT
        } else {
            CELL_MARGIN
        };
        if table.rows.is_empty() || n == 0 {
            // Word requires at least one row and one column.
            return;
        }
        let indent = ctx.indent.min(ctx.width / 2);
        let widths = if table.widths_declared() {
            column_widths(&table.columns, n, ctx.width - indent)
        } else {
            // The PDF layout's widths for this container, in the same
            // proportions (twentieths of a point → points and back).
            let points = self
                .sizer
                .get_or_insert_with(nap_layout::ColumnSizer::new)
                .widths(table, (ctx.width - indent) as f32 / 20.0);
            let sized: Vec<Option<f32>> = points.into_iter().map(Some).collect();
            column_widths(&sized, n, ctx.width - indent)
        };
        let total: u32 = widths.iter().sum();
        self.out.push_str(&format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>\
             <w:tblInd w:w=\"{indent}\" w:type=\"dxa\"/>{TABLE_BORDERS}<w:tblLayout w:type=\"fixed\"/>\
             <w:tblCellMar><w:top w:w=\"57\" w:type=\"dxa\"/><w:left w:w=\"{margin}\" w:type=\"dxa\"/>\
             <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"{margin}\" w:type=\"dxa\"/></w:tblCellMar>\
             </w:tblPr><w:tblGrid>"
        ));
        for w in &widths {
            self.out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        self.out.push_str("</w:tblGrid>");
        stack.push(Task::Raw(TABLE_END));
        let header_rows = table.header_rows.min(table.rows.len());
        let mean = total / n as u32;
        for (r, row) in table.rows.iter().enumerate().rev() {
            stack.push(Task::Raw("</w:tr>"));
            let header = r < header_rows;
            // (first column, span) of each cell, computed left to right.
            let mut col = 0usize;
            let placed: Vec<(usize, usize)> = row
                .cells
                .iter()
                .map(|c| {
                    let at = col;
                    col += span(c);
                    (at, span(c))
                })
                .collect();
            if row.cells.is_empty() {
                stack.push(Task::CellEnd);
                stack.push(Task::Owned(cell_open(total, n, None)));
            }
            for (cell, &(at, cols)) in row.cells.iter().zip(&placed).rev() {
                let width: u32 = (at..at + cols)
                    .map(|c| widths.get(c).copied().unwrap_or(mean))
                    .sum();
                let kind = if header {
                    CellKind::Header
                } else if table.label_column && at == 0 {
                    CellKind::Label
                } else {
                    CellKind::Plain
                };
                let fill = match kind {
                    CellKind::Header => Some(HEADER_FILL),
                    CellKind::Label => Some(LABEL_FILL),
                    _ => None,
                };
                let cell_ctx = Ctx {
                    indent: 0,
                    width: width.saturating_sub(2 * margin).max(margin),
                    list_depth: 0,
                    quoted: false,
                    cell: kind,
                    compact,
                };
                stack.push(Task::CellEnd);
                stack.extend(cell.blocks.iter().rev().map(|b| Task::Block(b, cell_ctx)));
                stack.push(Task::Owned(cell_open(width, cols, fill)));
            }
            stack.push(Task::Raw(if header {
                "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            } else {
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            }));
        }
    }

    fn figure(&mut self, figure: &Figure, ctx: Ctx) {
        let bookmark = self.outline.figures[self.next_figure].clone();
        self.next_figure += 1;
        self.out
            .push_str("<w:p><w:pPr><w:pStyle w:val=\"Figure\"/>");
        self.indent(ctx.indent);
        self.out.push_str("</w:pPr>");
        let caption = !figure.caption.is_empty();
        let mark = (!caption).then(|| self.bookmark_start(&bookmark));
        let png = self.rasters.get(figure);
        match png.as_ref().and_then(|p| png_size(p).map(|s| (p, s))) {
            Some((png, pixels)) => self.drawing(figure, png.clone(), pixels, ctx),
            None => {
                // The SVG could not be drawn: the alt text keeps the place
                // visible instead of a broken picture.
                self.out.push_str("<w:r><w:rPr><w:i/><w:iCs/></w:rPr>");
                text_into(&mut self.out, &format!("[{}]", figure.alt), false);
                self.out.push_str("</w:r>");
            }
        }
        if let Some(id) = mark {
            self.bookmark_end(id);
        }
        self.out.push_str("</w:p>");
        if caption {
            self.out
                .push_str("<w:p><w:pPr><w:pStyle w:val=\"Caption\"/>");
            self.indent(ctx.indent);
            self.out.push_str("<w:jc w:val=\"center\"/></w:pPr>");
            let id = self.bookmark_start(&bookmark);
            self.inlines(&figure.caption, false);
            self.bookmark_end(id);
            self.out.push_str("</w:p>");
        }
    }

    fn drawing(&mut self, figure: &Figure, png: Arc<[u8]>, (px_w, px_h): (u32, u32), ctx: Ctx) {
        let aspect = f64::from(px_h) / f64::from(px_w);
        let mm = |v: f32| (v.is_finite() && v > 0.0).then(|| f64::from(v) * EMU_PER_MM);
        let max_w = f64::from(ctx.width.saturating_sub(ctx.indent).max(567)) * EMU_PER_TWIP;
        // As tall as the PDF layout shows a figure, which leaves room on the
        // page for the caption.
        let max_h = f64::from(nap_doc::MAX_FIGURE_HEIGHT_MM) * EMU_PER_MM;
        let (w, h) = match (mm(figure.width_mm), mm(figure.height_mm)) {
            (Some(w), Some(h)) => (w, h),
            (Some(w), None) => (w, w * aspect),
            (None, Some(h)) => (h / aspect, h),
            (None, None) => (max_w, max_w * aspect),
        };
        let scale = (max_w / w).min(max_h / h).min(1.0);
        let cx = ((w * scale).round() as i64).max(1);
        let cy = ((h * scale).round() as i64).max(1);
        let n = self.media.len() + 1;
        let name = format!("image{n}.png");
        let rid = self.rel("image", format!("media/{name}"), false);
        self.media.push(Media {
            name: name.clone(),
            data: png,
        });
        let alt = escape(&figure.alt);
        self.out.push_str(&format!(
            "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
             <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
             <wp:docPr id=\"{n}\" name=\"Figura {n}\" descr=\"{alt}\"/>\
             <wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
             <a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">\
             <a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"{name}\" descr=\"{alt}\"/><pic:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></pic:cNvPicPr></pic:nvPicPr>\
             <pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
             <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>\
             <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
             </a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        ));
    }

    /// The TOC field, its cached result pre-filled with one entry per
    /// following heading so that LibreOffice (which shows the cached result)
    /// lists real entries; Word refreshes them on open (`w:updateFields`).
    fn toc(&mut self, title: &str, depth: u8) {
        let depth = depth.clamp(1, 9);
        if !title.is_empty() {
            self.out
                .push_str("<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/></w:pPr><w:r>");
            text_into(&mut self.out, title, false);
            self.out.push_str("</w:r></w:p>");
        }
        let field_begin = format!(
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
             <w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-{depth}\" \\h \\z \\u </w:instrText></w:r>\
             <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
        );
        let outline = self.outline;
        let entries = outline.headings[self.next_heading..]
            .iter()
            .filter(|h| h.level <= depth);
        let mut first = true;
        for h in entries {
            self.out.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"TOC{}\"/></w:pPr>",
                h.level.min(4)
            ));
            if std::mem::take(&mut first) {
                self.out.push_str(&field_begin);
            }
            self.out.push_str(&format!(
                "<w:hyperlink w:anchor=\"{}\" w:history=\"1\"><w:r>",
                h.bookmark
            ));
            let text = if h.number.is_empty() {
                h.text.clone()
            } else {
                format!("{} {}", h.number, h.text)
            };
            text_into(&mut self.out, &text, false);
            self.out.push_str("</w:r><w:r><w:tab/></w:r>");
            field_into(
                &mut self.out,
                "",
                &format!("PAGEREF {} \\h", h.bookmark),
                &h.page.to_string(),
            );
            self.out.push_str("</w:hyperlink></w:p>");
        }
        self.out
            .push_str("<w:p><w:pPr><w:pStyle w:val=\"TOC1\"/></w:pPr>");
        if first {
            self.out.push_str(&field_begin);
        }
        self.out
            .push_str("<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>");
    }
}

fn cell_open(width: u32, cols: usize, fill: Option<&str>) -> String {
    let mut s = format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if cols > 1 {
        s.push_str(&format!("<w:gridSpan w:val=\"{cols}\"/>"));
    }
    if let Some(fill) = fill {
        s.push_str(&format!(
            "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/>"
        ));
    }
    s.push_str("</w:tcPr>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_made_valid() {
        assert_eq!(uri("https://ogp.gov.al"), "https://ogp.gov.al");
        assert_eq!(
            uri(" https://x.al/a b?q=ë#f#g "),
            "https://x.al/a%20b?q=%C3%AB#f%23g"
        );
        assert_eq!(uri("https://x.al/%2F%zz"), "https://x.al/%2F%25zz");
        assert_eq!(uri("mailto:a@b.al\"><x"), "mailto:a@b.al%22%3E%3Cx");
    }

    #[test]
    fn only_web_and_mail_links_are_external() {
        assert!(external_scheme("HTTPS://ogp.gov.al"));
        assert!(external_scheme("mailto:info@ogp.gov.al"));
        assert!(!external_scheme("javascript:alert(1)"));
        assert!(!external_scheme("file:///etc/passwd"));
        assert!(!external_scheme("https://"));
    }

    #[test]
    fn column_widths_fill_the_width_exactly() {
        assert_eq!(
            column_widths(&[Some(30.0), Some(70.0)], 2, 9070),
            [2721, 6349]
        );
        assert_eq!(
            column_widths(&[None, None, None], 3, 9000),
            [3000, 3000, 3000]
        );
        let mixed = column_widths(&[Some(2.0), None, Some(f32::NAN)], 3, 9070);
        assert_eq!(mixed.iter().sum::<u32>(), 9070);
        assert_eq!(mixed, [3023, 3024, 3023]);
    }

    #[test]
    fn png_size_reads_ihdr() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((640, 480)));
        assert_eq!(png_size(b"GIF89a"), None);
        assert_eq!(png_size(&[]), None);
    }
}
