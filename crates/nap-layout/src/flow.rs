//! Blocks → a vertical list of boxes (lines, rows, figures) → pages.

use crate::fonts::Fonts;
use crate::hyph::Hyph;
use crate::pager::{list_height, pack, CellDecor, Mark, MarkKind, PageRef, Pager, VBox, VElem};
use crate::para::{self, Base};
use crate::{
    face_id, Color, HeadingPos, Item, LinkTarget, OutlineEntry, Paged, Settings, StructKind,
    StructNode, Tag, MM,
};
use nap_doc::{plain_text, Align, Block, Document, Figure, Inline, List, ParaStyle, Table};
use nap_fonts::{Face, Family};
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const NAVY: Color = Color(0x1F, 0x38, 0x64);
const GREY: Color = Color(0x59, 0x59, 0x59);
const TEXT: Color = Color(0x1A, 0x1A, 0x1A);
const RED: Color = Color(0xB0, 0x1E, 0x1E);
const HEADER_FILL: Color = Color(0xDC, 0xE4, 0xF0);
const LABEL_FILL: Color = Color(0xF0, 0xF2, 0xF5);
const CODE_FILL: Color = Color(0xF3, 0xF4, 0xF6);
const RULE: Color = Color(0x99, 0x99, 0x99);
const WATERMARK: Color = Color(0xEB, 0xEB, 0xEB);

/// Containers nested deeper than this are laid out flat (no further
/// indentation or structure nesting): bounded recursion for hostile input.
const MAX_DEPTH: u32 = 24;
/// Below this width, nested lists and quotes stop indenting.
const MIN_WIDTH: f32 = 140.0;
const CELL_PAD_X: f32 = 4.5;
/// The cell padding of a compact table ([`Table::compact`]).
const CELL_PAD_X_COMPACT: f32 = 3.0;
const CELL_PAD_Y: f32 = 3.5;

/// A cell's side padding, in a compact table or another.
fn cell_pad_x(compact: bool) -> f32 {
    if compact {
        CELL_PAD_X_COMPACT
    } else {
        CELL_PAD_X
    }
}

/// A cell's type size and line distance, in a compact table or another.
fn cell_type(compact: bool) -> (f32, f32) {
    if compact {
        (8.0, 10.5)
    } else {
        (9.5, 12.5)
    }
}

#[derive(Clone)]
struct Ctx {
    x: f32,
    w: f32,
    depth: u32,
    list_level: u32,
    in_cell: bool,
    /// In a cell of a compact table: smaller type.
    compact: bool,
    header_cell: bool,
    quote: bool,
}

impl Ctx {
    /// The text block of a page.
    fn body(s: &Settings) -> Ctx {
        Ctx {
            x: s.margin_left,
            w: s.page_width - s.margin_left - s.margin_right,
            depth: 0,
            list_level: 0,
            in_cell: false,
            compact: false,
            header_cell: false,
            quote: false,
        }
    }
}

struct HInfo {
    id: String,
    level: u8,
    number: String,
    text: String,
}

struct Flow<'a> {
    s: &'a Settings,
    fonts: Fonts,
    hyph: Hyph,
    nodes: Vec<StructNode>,
    headings: &'a [HInfo],
    heading_by_id: &'a HashMap<String, usize>,
    /// Headings laid out so far (a TOC lists the ones after it).
    heading_cursor: usize,
    next_table: u32,
}

/// A footnote's text size and line distance.
const NOTE_SIZE: f32 = 8.5;
const NOTE_LEADING: f32 = 10.5;
/// The footnote numbered `number` among `inlines`.
fn find_note(inlines: &[Inline], number: u32) -> Option<&nap_doc::Note> {
    inlines.iter().find_map(|i| match i {
        Inline::Note(n) if n.number == number => Some(n),
        _ => None,
    })
}

fn heading_size(level: u8) -> f32 {
    match level {
        1 => 16.0,
        2 => 13.0,
        3 => 11.5,
        _ => 10.5,
    }
}

/// The leaf blocks of a deep subtree, in reading order.
fn flatten(blocks: &[Block]) -> Vec<Block> {
    let mut out = Vec::new();
    nap_doc::walk(blocks, &mut |b| match b {
        Block::List(_) | Block::Quote(_) | Block::Table(_) => {}
        other => out.push(other.clone()),
    });
    out
}

impl<'a> Flow<'a> {
    /// A flow with fresh caches and counters, at the start of the body.
    fn new(
        s: &'a Settings,
        headings: &'a [HInfo],
        heading_by_id: &'a HashMap<String, usize>,
    ) -> Flow<'a> {
        Flow::new_with(s, headings, heading_by_id, None)
    }

    /// [`Flow::new`] with the fonts and hyphenator of another flow (their
    /// caches; the fonts' missing characters taken, see
    /// [`Fonts::take_report`]).
    fn new_with(
        s: &'a Settings,
        headings: &'a [HInfo],
        heading_by_id: &'a HashMap<String, usize>,
        caches: Option<(Fonts, Hyph)>,
    ) -> Flow<'a> {
        let (fonts, hyph) = caches.unwrap_or_else(|| (Fonts::new(), Hyph::new()));
        Flow {
            s,
            fonts,
            hyph,
            nodes: vec![StructNode {
                kind: StructKind::Document,
                children: Vec::new(),
            }],
            headings,
            heading_by_id,
            heading_cursor: 0,
            next_table: 0,
        }
    }

    fn node(&mut self, kind: StructKind, parent: u32) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(StructNode {
            kind,
            children: Vec::new(),
        });
        self.nodes[parent as usize].children.push(id);
        id
    }

    fn blocks(&mut self, blocks: &[Block], ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        if ctx.depth > MAX_DEPTH {
            let flat = flatten(blocks);
            for (i, b) in flat.iter().enumerate() {
                self.block(b, flat.get(i + 1), ctx, out, parent);
            }
            return;
        }
        for (i, b) in blocks.iter().enumerate() {
            self.block(b, blocks.get(i + 1), ctx, out, parent);
        }
    }

    /// Top-level `blocks` followed by `after` (the lookahead of the last).
    fn blocks_then(
        &mut self,
        blocks: &[Block],
        after: Option<&Block>,
        ctx: &Ctx,
        out: &mut Vec<VElem>,
    ) {
        debug_assert!(ctx.depth <= MAX_DEPTH);
        for (i, b) in blocks.iter().enumerate() {
            self.block(b, blocks.get(i + 1).or(after), ctx, out, 0);
        }
    }

    fn body_base(&self, ctx: &Ctx, align: Align) -> Base {
        let (size, leading) = if ctx.in_cell {
            cell_type(ctx.compact)
        } else {
            (self.s.body_size, self.s.body_leading)
        };
        Base {
            family: Family::Serif,
            bold: ctx.header_cell,
            italic: false,
            size,
            leading,
            color: if ctx.quote {
                Color(0x40, 0x40, 0x40)
            } else {
                TEXT
            },
            align: if ctx.in_cell { align.in_cell() } else { align },
            hyphenate: ctx.w > 120.0,
        }
    }

    fn para_format(&self, style: ParaStyle, align: Align, ctx: &Ctx) -> (Base, f32, f32) {
        let sans = |size: f32, leading: f32, bold: bool, color: Color| Base {
            family: Family::Sans,
            bold,
            italic: false,
            size,
            leading,
            color,
            align,
            hyphenate: false,
        };
        match style {
            ParaStyle::Normal => {
                let b = self.body_base(ctx, align);
                let after = if ctx.in_cell || ctx.list_level > 0 {
                    3.0
                } else {
                    7.0
                };
                (b, 0.0, after)
            }
            ParaStyle::Title => (sans(26.0, 33.0, true, NAVY), 0.0, 14.0),
            ParaStyle::Subtitle => (sans(14.0, 19.0, false, Color(0x40, 0x40, 0x40)), 4.0, 8.0),
            ParaStyle::Small => (sans(9.0, 12.5, false, GREY), 0.0, 3.0),
            ParaStyle::Caption => {
                let mut b = self.body_base(ctx, align);
                b.size = 9.5;
                b.leading = 12.5;
                b.italic = true;
                b.color = Color(0x33, 0x33, 0x33);
                b.hyphenate = false;
                (b, 4.0, 10.0)
            }
            ParaStyle::DraftMark => (sans(18.0, 24.0, true, RED), 10.0, 10.0),
        }
    }

    /// Lines of a paragraph as boxes, with widow/orphan control.
    #[allow(clippy::too_many_arguments)]
    fn para_boxes(
        &mut self,
        inlines: &[Inline],
        base: &Base,
        x: f32,
        w: f32,
        tag: Tag,
        keep_all: bool,
        out: &mut Vec<VElem>,
    ) {
        let hyph = if base.hyphenate {
            Some(&mut self.hyph)
        } else {
            None
        };
        let lines = para::lines(&mut self.fonts, hyph, inlines, base, w, tag);
        let n = lines.len();
        for (i, l) in lines.into_iter().enumerate() {
            let mut items = l.items;
            for it in &mut items {
                crate::pager::shift_item(it, x, 0.0);
            }
            let mut marks = Vec::new();
            for number in l.notes {
                if let Some(note) = find_note(inlines, number) {
                    marks.push(Mark {
                        y: l.baseline,
                        kind: MarkKind::Note(Arc::new(self.note_box(note, tag))),
                    });
                }
            }
            // Two lines at least at the bottom and at the top of a page.
            let keep = keep_all || (n <= 3 && i + 1 < n) || (n >= 4 && (i == 0 || i + 2 == n));
            out.push(VElem::Box(VBox {
                h: l.height,
                items,
                keep_next: keep,
                first_baseline: l.baseline,
                marks,
                ..VBox::default()
            }));
        }
    }

    /// A footnote laid out for the foot of a page: its number raised, then
    /// its text, across the text block, smaller than the body; a structure
    /// node of its own (Note) under the node of the text citing it. The box
    /// may be cut between its lines (a long note goes on at the next page's
    /// foot).
    fn note_box(&mut self, note: &nap_doc::Note, citing: Tag) -> VBox {
        let parent = match citing {
            Tag::Node(p) => p,
            Tag::Artifact => 0,
        };
        let node = self.node(StructKind::Note, parent);
        let mut inlines = vec![
            Inline::Note(nap_doc::Note {
                number: note.number,
                content: Vec::new(),
            }),
            Inline::plain(" "),
        ];
        inlines.extend(note.content.iter().cloned());
        let base = Base {
            family: Family::Serif,
            bold: false,
            italic: false,
            size: NOTE_SIZE,
            leading: NOTE_LEADING,
            color: TEXT,
            align: Align::Left,
            hyphenate: true,
        };
        let ctx = Ctx::body(self.s);
        let lines = para::lines(
            &mut self.fonts,
            Some(&mut self.hyph),
            &inlines,
            &base,
            ctx.w,
            Tag::Node(node),
        );
        let mut b = VBox::default();
        for l in lines {
            if b.h > 0.0 {
                b.cuts.push(b.h);
            } else {
                b.first_baseline = l.baseline;
            }
            for mut it in l.items {
                crate::pager::shift_item(&mut it, ctx.x, b.h);
                b.items.push(it);
            }
            b.h += l.height;
        }
        b
    }

    fn block(
        &mut self,
        b: &Block,
        next: Option<&Block>,
        ctx: &Ctx,
        out: &mut Vec<VElem>,
        parent: u32,
    ) {
        match b {
            Block::Heading {
                level,
                id,
                numbered: _,
                content,
            } => self.heading(*level, id, content, ctx, out, parent),
            Block::Paragraph {
                style,
                align,
                content,
            } => {
                let (base, before, after) = self.para_format(*style, *align, ctx);
                let kind = match style {
                    ParaStyle::Title => StructKind::Title,
                    ParaStyle::Caption => StructKind::Caption,
                    _ => StructKind::Paragraph,
                };
                let node = self.node(kind, parent);
                let keep = *style == ParaStyle::Caption
                    && matches!(next, Some(Block::Table(_)) | Some(Block::Figure(_)));
                out.push(VElem::Space(before));
                self.para_boxes(content, &base, ctx.x, ctx.w, Tag::Node(node), keep, out);
                out.push(VElem::Space(after));
            }
            Block::List(l) => self.list(l, ctx, out, parent),
            Block::Quote(inner) => self.quote(inner, ctx, out, parent),
            Block::Preformatted(lines) => self.preformatted(lines, ctx, out, parent),
            Block::Table(t) => self.table(t, ctx, out, parent),
            Block::Figure(f) => self.figure(f, ctx, out, parent),
            Block::PageBreak => {
                if !ctx.in_cell {
                    out.push(VElem::Break);
                }
            }
            Block::Toc { title, depth } => self.toc(title, *depth, ctx, out, parent),
            Block::Rule => {
                out.push(VElem::Box(VBox {
                    h: 14.0,
                    items: vec![Item::Line {
                        x1: ctx.x,
                        y1: 7.0,
                        x2: ctx.x + ctx.w,
                        y2: 7.0,
                        width: 0.6,
                        color: RULE,
                    }],
                    ..VBox::default()
                }));
            }
        }
    }

    fn heading(
        &mut self,
        level: u8,
        id: &str,
        content: &[Inline],
        ctx: &Ctx,
        out: &mut Vec<VElem>,
        parent: u32,
    ) {
        let level = level.clamp(1, 4);
        let hidx = self.heading_by_id.get(id).copied();
        if let Some(h) = hidx {
            self.heading_cursor = self.heading_cursor.max(h + 1);
        }
        let number = hidx
            .map(|h| self.headings[h].number.clone())
            .unwrap_or_default();
        let title = plain_text(content).replace('\n', " ");
        let full = if number.is_empty() {
            title.clone()
        } else {
            format!("{number} {title}")
        };
        let node = self.node(StructKind::Heading { level, title: full }, parent);
        let size = if ctx.in_cell {
            10.0
        } else {
            heading_size(level)
        };
        let base = Base {
            family: Family::Sans,
            bold: true,
            italic: level == 4,
            size,
            leading: (size * 1.28).max(13.0),
            color: if level <= 2 { NAVY } else { TEXT },
            align: Align::Left,
            hyphenate: false,
        };
        let face = face_id(Face {
            family: Family::Sans,
            bold: true,
            italic: level == 4,
        });
        let hang = if number.is_empty() {
            0.0
        } else {
            self.fonts.width(face, size, &number) + size * 0.55
        };
        let (before, after) = match level {
            1 => (22.0, 9.0),
            2 => (16.0, 7.0),
            3 => (12.0, 5.0),
            _ => (10.0, 4.0),
        };
        out.push(VElem::Space(before));
        let start = out.len();
        self.para_boxes(
            content,
            &base,
            ctx.x + hang,
            ctx.w - hang,
            Tag::Node(node),
            true,
            out,
        );
        if let Some(VElem::Box(first)) = out.get_mut(start) {
            if !number.is_empty() {
                let run = self.fonts.run(
                    face,
                    size,
                    &format!("{number} "),
                    ctx.x,
                    first.first_baseline,
                    base.color,
                    Tag::Node(node),
                );
                first.items.insert(0, Item::Glyphs(run));
            }
            if let Some(h) = hidx {
                first.marks.push(Mark {
                    y: 0.0,
                    kind: MarkKind::Heading(h),
                });
            }
        }
        out.push(VElem::Space(after));
    }

    fn list(&mut self, l: &List, ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        let node = self.node(StructKind::List { ordered: l.ordered }, parent);
        let base = self.body_base(ctx, Align::Left);
        let face = face_id(Face {
            family: Family::Serif,
            bold: base.bold,
            italic: false,
        });
        let last_num = l.start as u64 + l.items.len().saturating_sub(1) as u64;
        let indent = if l.ordered {
            (self.fonts.width(face, base.size, &format!("{last_num}.")) + 7.0).max(20.0)
        } else {
            15.0
        };
        let indent = if ctx.w - indent < MIN_WIDTH {
            0.0
        } else {
            indent
        };
        let bullet = match ctx.list_level % 3 {
            0 => "•",
            1 => "–",
            _ => {
                if self.fonts.has_char(face, '◦') {
                    "◦"
                } else {
                    "·"
                }
            }
        };
        out.push(VElem::Space(if ctx.list_level == 0 { 2.0 } else { 0.0 }));
        let sub_ctx = Ctx {
            x: ctx.x + indent,
            w: ctx.w - indent,
            depth: ctx.depth + 1,
            list_level: ctx.list_level + 1,
            ..ctx.clone()
        };
        for (k, item) in l.items.iter().enumerate() {
            let li = self.node(StructKind::ListItem, node);
            let lbl = self.node(StructKind::Label, li);
            let body = self.node(StructKind::ListBody, li);
            let marker = if l.ordered {
                format!("{}.", l.start as u64 + k as u64)
            } else {
                bullet.to_string()
            };
            let mut sub = Vec::new();
            self.blocks(item, &sub_ctx, &mut sub, body);
            let first = sub.iter_mut().find_map(|e| match e {
                VElem::Box(b) => Some(b),
                _ => None,
            });
            let first = match first {
                Some(b) => b,
                None => {
                    sub.insert(
                        0,
                        VElem::Box(VBox {
                            h: base.leading,
                            first_baseline: base.leading * 0.75,
                            ..VBox::default()
                        }),
                    );
                    let VElem::Box(b) = &mut sub[0] else {
                        unreachable!("just inserted")
                    };
                    b
                }
            };
            if indent > 0.0 {
                let run = self.fonts.run(
                    face,
                    base.size,
                    &marker,
                    ctx.x,
                    first.first_baseline,
                    base.color,
                    Tag::Node(lbl),
                );
                first.items.insert(0, Item::Glyphs(run));
            }
            out.extend(sub);
        }
        out.push(VElem::Space(if ctx.list_level == 0 { 6.0 } else { 0.0 }));
    }

    fn quote(&mut self, inner: &[Block], ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        let node = self.node(StructKind::BlockQuote, parent);
        let indent = if ctx.w - 18.0 < MIN_WIDTH { 0.0 } else { 18.0 };
        let sub_ctx = Ctx {
            x: ctx.x + indent,
            w: ctx.w - indent,
            depth: ctx.depth + 1,
            quote: true,
            ..ctx.clone()
        };
        let mut sub = Vec::new();
        self.blocks(inner, &sub_ctx, &mut sub, node);
        // The rule runs beside every box, bridging the spaces between them.
        if indent > 0.0 {
            let n = sub.len();
            for i in 0..n {
                let ext: f32 = {
                    let mut e = 0.0;
                    let mut j = i + 1;
                    while j < n {
                        match &sub[j] {
                            VElem::Space(s) => e += s,
                            _ => break,
                        }
                        j += 1;
                    }
                    if j >= n {
                        0.0
                    } else {
                        e
                    }
                };
                if let VElem::Box(b) = &mut sub[i] {
                    b.items.push(Item::Line {
                        x1: ctx.x + 5.0,
                        y1: 0.0,
                        x2: ctx.x + 5.0,
                        y2: b.h + ext,
                        width: 1.5,
                        color: Color(0xB4, 0xC0, 0xD3),
                    });
                }
            }
        }
        out.push(VElem::Space(4.0));
        out.extend(sub);
        out.push(VElem::Space(6.0));
    }

    fn preformatted(&mut self, lines: &[String], ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        let node = self.node(StructKind::Code, parent);
        let base = Base {
            family: Family::Sans,
            bold: false,
            italic: false,
            size: 9.0,
            leading: 12.0,
            color: TEXT,
            align: Align::Left,
            hyphenate: false,
        };
        out.push(VElem::Space(4.0));
        let pad = 6.0;
        for line in lines {
            // Indentation and runs of spaces must survive line breaking
            // (which collapses breakable spaces): all but the first space
            // of a run, and leading spaces, become no-break spaces.
            let mut text = String::with_capacity(line.len());
            let mut prev = None;
            for c in line.chars() {
                let keep = c == ' ' && prev.is_none_or(|p| p == ' ' || p == '\u{A0}');
                text.push(if keep { '\u{A0}' } else { c });
                prev = Some(c);
            }
            let mut sub = Vec::new();
            self.para_boxes(
                &[Inline::plain(text)],
                &base,
                ctx.x + pad,
                ctx.w - 2.0 * pad,
                Tag::Node(node),
                false,
                &mut sub,
            );
            for e in &mut sub {
                if let VElem::Box(b) = e {
                    b.items.insert(
                        0,
                        Item::Rect {
                            x: ctx.x,
                            y: 0.0,
                            w: ctx.w,
                            h: b.h,
                            fill: CODE_FILL,
                        },
                    );
                    b.keep_next = false;
                }
            }
            out.extend(sub);
        }
        out.push(VElem::Space(8.0));
    }

    /// Minimum and maximum content widths of blocks (for auto columns).
    fn measure(&mut self, blocks: &[Block], ctx: &Ctx) -> (f32, f32) {
        let (mut min, mut max) = (0.0f32, 0.0f32);
        let mut stack: Vec<(&Block, f32)> = blocks.iter().rev().map(|b| (b, 0.0)).collect();
        while let Some((b, indent)) = stack.pop() {
            let (mn, mx) = match b {
                Block::Paragraph {
                    style,
                    align,
                    content,
                } => {
                    let (base, _, _) = self.para_format(*style, *align, ctx);
                    para::measure(&mut self.fonts, content, &base)
                }
                Block::Heading { content, .. } => {
                    let base = Base {
                        family: Family::Sans,
                        bold: true,
                        ..self.body_base(ctx, Align::Left)
                    };
                    para::measure(&mut self.fonts, content, &base)
                }
                Block::Preformatted(lines) => {
                    let face = face_id(Face {
                        family: Family::Sans,
                        bold: false,
                        italic: false,
                    });
                    let w = lines
                        .iter()
                        .map(|l| self.fonts.width(face, 9.0, l))
                        .fold(0.0, f32::max)
                        + 12.0;
                    (w.min(200.0), w)
                }
                Block::Figure(f) => {
                    let w = f.width_mm * MM;
                    (w.min(120.0), w)
                }
                Block::List(l) => {
                    for it in l.items.iter().rev() {
                        for b in it.iter().rev() {
                            stack.push((b, indent + 20.0));
                        }
                    }
                    (0.0, 0.0)
                }
                Block::Quote(inner) => {
                    for b in inner.iter().rev() {
                        stack.push((b, indent + 18.0));
                    }
                    (0.0, 0.0)
                }
                Block::Table(t) => {
                    // Nested tables: the sum over cells of a row, roughly.
                    let mut tmin = 0.0f32;
                    let mut tmax = 0.0f32;
                    let cell = Ctx {
                        in_cell: true,
                        compact: t.compact(),
                        ..ctx.clone()
                    };
                    let base = self.body_base(&cell, Align::Left);
                    let pad = cell_pad_x(cell.compact);
                    for r in &t.rows {
                        let (mut rmin, mut rmax) = (0.0, 0.0);
                        for c in &r.cells {
                            let text: Vec<Inline> = flatten(&c.blocks)
                                .iter()
                                .filter_map(|b| match b {
                                    Block::Paragraph { content, .. } => Some(content.clone()),
                                    _ => None,
                                })
                                .flatten()
                                .collect();
                            let (a, b) = para::measure(&mut self.fonts, &text, &base);
                            rmin += a + 2.0 * pad;
                            rmax += b + 2.0 * pad;
                        }
                        tmin = tmin.max(rmin);
                        tmax = tmax.max(rmax);
                    }
                    (tmin, tmax)
                }
                Block::Toc { .. } => (100.0, 300.0),
                Block::Rule | Block::PageBreak => (0.0, 0.0),
            };
            min = min.max(mn + indent);
            max = max.max(mx + indent);
        }
        (min, max)
    }

    /// The widths of `t`'s columns in a container `width` wide: the
    /// declared ones scaled to it, else by the cells' content (their
    /// widest word and their whole text, as browsers size auto tables).
    fn column_widths(&mut self, t: &Table, ncols: usize, width: f32, ctx: &Ctx) -> Vec<f32> {
        if t.widths_declared() {
            let total: f32 = t.columns.iter().map(|c| c.unwrap_or(0.0)).sum();
            return t
                .columns
                .iter()
                .map(|c| c.unwrap_or(0.0) / total * width)
                .collect();
        }
        let cell_ctx = Ctx {
            in_cell: true,
            compact: t.compact(),
            w: width,
            ..ctx.clone()
        };
        let pad = cell_pad_x(cell_ctx.compact);
        let mut mins = vec![2.0 * pad + 12.0; ncols];
        let mut maxs = mins.clone();
        for row in &t.rows {
            let mut col = 0;
            for cell in &row.cells {
                let span = (cell.colspan.max(1) as usize).min(ncols.saturating_sub(col).max(1));
                if col >= ncols {
                    break;
                }
                if span == 1 {
                    let (mn, mx) = self.measure(&cell.blocks, &cell_ctx);
                    mins[col] = mins[col].max(mn + 2.0 * pad + 1.0);
                    maxs[col] = maxs[col].max(mx + 2.0 * pad + 1.0);
                }
                col += span;
            }
        }
        for (mn, mx) in mins.iter_mut().zip(maxs.iter_mut()) {
            // One long word must not starve the other columns.
            *mn = mn.min(width * 0.45);
            *mx = mx.max(*mn);
        }
        let smin: f32 = mins.iter().sum();
        let smax: f32 = maxs.iter().sum();
        if smax <= width {
            // Everything fits unwrapped: share the rest by content width.
            return maxs.iter().map(|m| m / smax * width).collect();
        }
        if smin >= width {
            return mins.iter().map(|m| m / smin * width).collect();
        }
        let f = (width - smin) / (smax - smin);
        mins.iter()
            .zip(&maxs)
            .map(|(mn, mx)| mn + (mx - mn) * f)
            .collect()
    }

    fn table(&mut self, t: &Table, ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        let ncols = t.column_count();
        // `Summary::of` counts the tables that pass here.
        if ncols == 0 || t.rows.is_empty() {
            return;
        }
        let widths = self.column_widths(t, ncols, ctx.w, ctx);
        // Counted once: `compact` walks every row.
        let compact = t.compact();
        let pad = cell_pad_x(compact);
        let node = self.node(StructKind::Table, parent);
        let tid = self.next_table;
        self.next_table += 1;
        let mut head: Vec<VBox> = Vec::new();
        let mut rows: Vec<VBox> = Vec::new();
        let header_rows = t.header_rows.min(t.rows.len());
        for (ri, row) in t.rows.iter().enumerate() {
            let is_header = ri < header_rows;
            let tr = self.node(StructKind::TableRow, node);
            let mut col = 0;
            let mut cells: Vec<(VBox, Vec<(f32, f32)>)> = Vec::new();
            let mut decor = Vec::new();
            for cell in &row.cells {
                if col >= ncols {
                    break;
                }
                let span = (cell.colspan.max(1) as usize).min(ncols - col);
                let x = ctx.x + widths[..col].iter().sum::<f32>();
                let w: f32 = widths[col..col + span].iter().sum();
                let kind = if is_header {
                    StructKind::TableHeaderCell {
                        colspan: span as u16,
                    }
                } else {
                    StructKind::TableCell {
                        colspan: span as u16,
                    }
                };
                let cn = self.node(kind, tr);
                let cctx = Ctx {
                    x: x + pad,
                    w: (w - 2.0 * pad).max(12.0),
                    depth: ctx.depth + 1,
                    in_cell: true,
                    compact,
                    header_cell: is_header,
                    list_level: 0,
                    quote: false,
                };
                let mut sub = Vec::new();
                self.blocks(&cell.blocks, &cctx, &mut sub, cn);
                let (mut b, spans) = pack(sub);
                for it in &mut b.items {
                    crate::pager::shift_item(it, 0.0, CELL_PAD_Y);
                }
                for m in &mut b.marks {
                    m.y += CELL_PAD_Y;
                }
                let spans = spans
                    .into_iter()
                    .map(|(a, e)| (a + CELL_PAD_Y, e + CELL_PAD_Y))
                    .collect();
                let fill = if is_header {
                    Some(HEADER_FILL)
                } else if t.label_column && col == 0 {
                    Some(LABEL_FILL)
                } else {
                    None
                };
                decor.push(CellDecor { x, w, fill });
                cells.push((b, spans));
                col += span;
            }
            // Missing cells still get their borders.
            while col < ncols {
                let x = ctx.x + widths[..col].iter().sum::<f32>();
                decor.push(CellDecor {
                    x,
                    w: widths[col],
                    fill: if is_header { Some(HEADER_FILL) } else { None },
                });
                col += 1;
            }
            let min_h = cell_type(compact).1 + 2.0 * CELL_PAD_Y;
            let h = cells
                .iter()
                .map(|(b, _)| b.h + 2.0 * CELL_PAD_Y)
                .fold(min_h, f32::max);
            // A row may be cut where no cell has a line crossing the cut.
            let mut cuts: Vec<f32> = cells
                .iter()
                .flat_map(|(_, s)| s.iter().map(|&(_, e)| e))
                .filter(|&y| y < h - 0.5)
                .filter(|&y| {
                    cells
                        .iter()
                        .all(|(_, s)| s.iter().all(|&(a, e)| !(a < y - 0.01 && e > y + 0.01)))
                })
                .collect();
            cuts.sort_by(f32::total_cmp);
            cuts.dedup_by(|a, b| (*a - *b).abs() < 0.01);
            let mut vb = VBox {
                h,
                cuts,
                decor,
                is_header,
                keep_next: is_header,
                ..VBox::default()
            };
            for (b, _) in cells {
                vb.items.extend(b.items);
                vb.marks.extend(b.marks);
            }
            if is_header {
                head.push(vb);
            } else {
                rows.push(vb);
            }
        }
        let repeat: Arc<Vec<VBox>> = Arc::new(
            head.iter()
                .map(|b| VBox {
                    marks: Vec::new(),
                    cuts: Vec::new(),
                    ..b.clone()
                })
                .collect(),
        );
        out.push(VElem::Space(6.0));
        for mut b in head {
            b.table = Some((tid, repeat.clone()));
            out.push(VElem::Box(b));
        }
        for mut b in rows {
            b.table = Some((tid, repeat.clone()));
            out.push(VElem::Box(b));
        }
        out.push(VElem::Space(10.0));
    }

    fn figure(&mut self, f: &Figure, ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        let node = self.node(StructKind::Figure { alt: f.alt.clone() }, parent);
        let sane = |mm: f32| {
            if mm.is_finite() && mm > 0.0 {
                mm * MM
            } else {
                100.0 * MM
            }
        };
        let mut w = sane(f.width_mm);
        let mut h = sane(f.height_mm);
        let max_h = nap_doc::MAX_FIGURE_HEIGHT_MM * MM;
        let scale = (ctx.w / w).min(max_h / h).min(1.0);
        w *= scale;
        h *= scale;
        out.push(VElem::Space(8.0));
        let has_caption = !f.caption.is_empty();
        out.push(VElem::Box(VBox {
            h,
            items: vec![Item::Svg {
                x: ctx.x + (ctx.w - w) / 2.0,
                y: 0.0,
                w,
                h,
                svg: f.svg.clone(),
                tag: Tag::Node(node),
                id: f.id.clone(),
            }],
            keep_next: has_caption,
            ..VBox::default()
        }));
        if has_caption {
            let cap = self.node(StructKind::Caption, parent);
            let (base, _, after) = self.para_format(ParaStyle::Caption, Align::Center, ctx);
            out.push(VElem::Space(5.0));
            self.para_boxes(&f.caption, &base, ctx.x, ctx.w, Tag::Node(cap), false, out);
            out.push(VElem::Space(after));
        } else {
            out.push(VElem::Space(10.0));
        }
    }

    fn toc(&mut self, title: &str, depth: u8, ctx: &Ctx, out: &mut Vec<VElem>, parent: u32) {
        let tnode = self.node(StructKind::Paragraph, parent);
        let tbase = Base {
            family: Family::Sans,
            bold: true,
            italic: false,
            size: 16.0,
            leading: 21.0,
            color: NAVY,
            align: Align::Left,
            hyphenate: false,
        };
        out.push(VElem::Space(4.0));
        self.para_boxes(
            &[Inline::plain(title)],
            &tbase,
            ctx.x,
            ctx.w,
            Tag::Node(tnode),
            true,
            out,
        );
        out.push(VElem::Space(12.0));
        let toc = self.node(StructKind::Toc, parent);
        let entries: Vec<usize> = (self.heading_cursor..self.headings.len())
            .filter(|&i| self.headings[i].level <= depth)
            .collect();
        for h in entries {
            let (level, id) = (self.headings[h].level, self.headings[h].id.clone());
            let text = if self.headings[h].number.is_empty() {
                self.headings[h].text.clone()
            } else {
                format!("{} {}", self.headings[h].number, self.headings[h].text)
            };
            let item = self.node(StructKind::TocItem, toc);
            let indent = (level.saturating_sub(1) as f32) * 16.0;
            let base = Base {
                family: Family::Serif,
                bold: level == 1,
                italic: false,
                size: self.s.body_size,
                leading: 15.0,
                color: TEXT,
                align: Align::Left,
                hyphenate: false,
            };
            let face = face_id(Face {
                family: Family::Serif,
                bold: level == 1,
                italic: false,
            });
            let num_slot = 34.0;
            let x = ctx.x + indent;
            let w = ctx.w - indent - num_slot;
            out.push(VElem::Space(if level == 1 { 5.0 } else { 0.0 }));
            let start = out.len();
            let lines = para::lines(
                &mut self.fonts,
                None,
                &[Inline::plain(text)],
                &base,
                w,
                Tag::Node(item),
            );
            let n = lines.len();
            for (i, l) in lines.into_iter().enumerate() {
                let mut items = l.items;
                for it in &mut items {
                    crate::pager::shift_item(it, x, 0.0);
                }
                items.push(Item::Link {
                    x: ctx.x,
                    y: 0.0,
                    w: ctx.w,
                    h: l.height,
                    target: LinkTarget::Uri(format!("#{id}")),
                });
                let mut marks = Vec::new();
                if i + 1 == n {
                    marks.push(Mark {
                        y: 0.0,
                        kind: MarkKind::PageRef(PageRef {
                            heading: h,
                            x_text_end: x + l.width,
                            x_right: ctx.x + ctx.w,
                            baseline: l.baseline,
                            face,
                            size: base.size,
                            tag: Tag::Node(item),
                        }),
                    });
                }
                out.push(VElem::Box(VBox {
                    h: l.height,
                    items,
                    keep_next: i + 1 < n,
                    first_baseline: l.baseline,
                    marks,
                    ..VBox::default()
                }));
            }
            let _ = start;
        }
        out.push(VElem::Space(10.0));
    }
}

/// How the body (the blocks after the title page) is laid out.
#[derive(Debug, Clone, Copy)]
pub enum Split {
    /// In chunks on the thread pool when that pays, else serially.
    Auto,
    /// In (at most) this many chunks of similar cost; 1 (or 0): serially.
    Chunks(usize),
}

/// Below this estimated cost (see [`Summary`]; about the bytes of text) the
/// body is laid out serially: waking a thread and warming its shaping cache
/// would cost about what it saves (stress(6) is about 115 000).
const PARALLEL_MIN_COST: u64 = 40_000;
/// The least estimated cost of a chunk.
const CHUNK_MIN_COST: u64 = 10_000;
/// Chunks per thread: enough for the threads to even out the chunks' real
/// costs, few enough to keep the caches warm.
const CHUNKS_PER_THREAD: usize = 4;

/// What laying out one top-level block does to the flow's counters, and a
/// rough estimate of its cost.
#[derive(Debug, Clone, Copy, Default)]
struct Summary {
    /// The heading cursor its headings move the flow's to (at least).
    cursor: usize,
    /// Tables it numbers.
    tables: u32,
    /// About the bytes of text to shape and break, plus a little per block.
    cost: u64,
}

impl Summary {
    /// Mirrors [`Flow::heading`] (every heading of the subtree is laid out,
    /// also when flattened) and [`Flow::table`] (a table is numbered unless
    /// it is empty or flattened, i.e. in blocks deeper than `MAX_DEPTH`);
    /// `b` is a top-level block (depth 0).
    fn of(b: &Block, heading_by_id: &HashMap<String, usize>) -> Summary {
        fn text_len(inlines: &[Inline]) -> u64 {
            inlines
                .iter()
                .map(|i| match i {
                    Inline::Text(span) => span.text.len() as u64,
                    Inline::LineBreak => 1,
                    Inline::Note(n) => 2 + text_len(&n.content),
                })
                .sum()
        }
        let mut sum = Summary::default();
        let mut stack: Vec<(&Block, u32)> = vec![(b, 0)];
        while let Some((b, depth)) = stack.pop() {
            sum.cost += 32;
            match b {
                Block::Heading { id, content, .. } => {
                    if let Some(&h) = heading_by_id.get(id) {
                        sum.cursor = sum.cursor.max(h + 1);
                    }
                    sum.cost += text_len(content);
                }
                Block::Paragraph { content, .. } => sum.cost += text_len(content),
                Block::List(l) => {
                    stack.extend(l.items.iter().flatten().map(|b| (b, depth + 1)));
                }
                Block::Quote(inner) => stack.extend(inner.iter().map(|b| (b, depth + 1))),
                Block::Table(t) => {
                    if depth <= MAX_DEPTH && t.column_count() > 0 && !t.rows.is_empty() {
                        sum.tables += 1;
                    }
                    for c in t.rows.iter().flat_map(|r| &r.cells) {
                        // Cells are measured, then laid out.
                        sum.cost += 32;
                        stack.extend(c.blocks.iter().map(|b| (b, depth + 1)));
                    }
                }
                Block::Preformatted(lines) => {
                    sum.cost += lines.iter().map(|l| l.len() as u64).sum::<u64>();
                }
                Block::Figure(f) => sum.cost += text_len(&f.caption),
                Block::Toc { .. } => sum.cost += 32 * heading_by_id.len() as u64,
                Block::Rule | Block::PageBreak => {}
            }
        }
        sum
    }
}

/// `n` consecutive non-empty ranges of `costs` (n clamped to 1..=len) with
/// cumulative costs as even as block boundaries allow.
fn balance(costs: &[u64], n: usize) -> Vec<Range<usize>> {
    let len = costs.len();
    let n = n.clamp(1, len.max(1));
    let total: u64 = costs.iter().sum();
    let mut ranges = Vec::with_capacity(n);
    let (mut start, mut i, mut acc) = (0, 0, 0u64);
    for k in 1..n {
        let target = (total as u128 * k as u128 / n as u128) as u64;
        // Leave at least one block to each chunk after this one.
        let last = len - (n - k);
        while i < last && (i <= start || acc + costs[i] / 2 < target) {
            acc += costs[i];
            i += 1;
        }
        ranges.push(start..i);
        start = i;
    }
    ranges.push(start..len);
    ranges
}

/// The chunks of the body for `split` on the current thread pool.
fn chunks(sums: &[Summary], split: Split) -> Vec<Range<usize>> {
    let costs: Vec<u64> = sums.iter().map(|s| s.cost).collect();
    let n = match split {
        Split::Chunks(n) => n,
        Split::Auto => {
            let total: u64 = costs.iter().sum();
            let threads = rayon::current_num_threads();
            if threads < 2 || total < PARALLEL_MIN_COST {
                1
            } else {
                (threads * CHUNKS_PER_THREAD).min((total / CHUNK_MIN_COST) as usize)
            }
        }
    };
    balance(&costs, n)
}

/// One chunk of the body laid out by a flow of its own.
struct ChunkOut {
    elems: Vec<VElem>,
    /// Its structure nodes; 0 is the document root.
    nodes: Vec<StructNode>,
    missing: crate::fonts::MissingReport,
}

/// Node ids of a chunk's flow in the whole document's: the root is the
/// root, the others follow the `off + 1` nodes made before.
fn renumber_tag(t: &mut Tag, off: u32) {
    if let Tag::Node(n) = t {
        if *n != 0 {
            *n += off;
        }
    }
}

fn renumber_box(b: &mut VBox, off: u32) {
    for it in &mut b.items {
        match it {
            Item::Glyphs(r) => renumber_tag(&mut r.tag, off),
            Item::Svg { tag, .. } => renumber_tag(tag, off),
            Item::Rect { .. } | Item::Line { .. } | Item::Link { .. } => {}
        }
    }
    for m in &mut b.marks {
        match &mut m.kind {
            MarkKind::PageRef(r) => renumber_tag(&mut r.tag, off),
            MarkKind::Heading(_) => {}
            MarkKind::Note(b) => renumber_box(Arc::make_mut(b), off),
        }
    }
}

fn renumber(c: &mut ChunkOut, off: u32) {
    if off == 0 {
        return;
    }
    for n in &mut c.nodes {
        for ch in &mut n.children {
            *ch += off;
        }
    }
    // The boxes of a table share its header rows: renumbered once.
    type Head = Arc<Vec<VBox>>;
    let mut last: Option<(Head, Head)> = None;
    for e in &mut c.elems {
        let VElem::Box(b) = e else { continue };
        renumber_box(b, off);
        if let Some((_, head)) = &mut b.table {
            match &last {
                Some((old, new)) if Arc::ptr_eq(old, head) => *head = new.clone(),
                _ => {
                    let mut rows: Vec<VBox> = head.as_ref().clone();
                    for r in &mut rows {
                        renumber_box(r, off);
                    }
                    let new = Arc::new(rows);
                    last = Some((std::mem::replace(head, new.clone()), new));
                }
            }
        }
    }
}

pub fn run(doc: &Document, s: &Settings) -> Paged {
    run_split(doc, s, Split::Auto)
}

/// Every heading with its number, and the first heading of each id.
fn number_headings(blocks: &[Block]) -> (Vec<HInfo>, HashMap<String, usize>) {
    let mut numbers = nap_doc::heading_numbers(blocks).into_iter();
    let mut headings = Vec::new();
    nap_doc::walk(blocks, &mut |b| {
        if let Block::Heading {
            level, id, content, ..
        } = b
        {
            headings.push(HInfo {
                id: id.clone(),
                level: (*level).clamp(1, 4),
                number: numbers.next().unwrap_or_default(),
                text: plain_text(content).replace('\n', " "),
            });
        }
    });
    let mut heading_by_id = HashMap::new();
    for (i, h) in headings.iter().enumerate() {
        heading_by_id.entry(h.id.clone()).or_insert(i);
    }
    (headings, heading_by_id)
}

pub fn run_split(doc: &Document, s: &Settings, split: Split) -> Paged {
    // Heading numbers first: the TOC needs every heading's number and text.
    let (headings, heading_by_id) = number_headings(&doc.blocks);
    let mut f = Flow::new(s, &headings, &heading_by_id);
    let ctx = Ctx::body(s);
    let top = s.margin_top;
    let bottom = s.page_height - s.margin_bottom;
    let mut pager = Pager::new(top, bottom, f.headings.len());
    pager.notes_x = ctx.x;
    pager.notes_w = ctx.w;

    // The title page: the blocks before the first page break when they
    // hold the Title paragraph.
    let title_end = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::PageBreak))
        .filter(|&p| {
            doc.blocks[..p].iter().any(|b| {
                matches!(
                    b,
                    Block::Paragraph {
                        style: ParaStyle::Title,
                        ..
                    }
                )
            })
        });
    let rest: &[Block] = match title_end {
        Some(p) => {
            let title_blocks = &doc.blocks[..p];
            let q = title_blocks
                .iter()
                .rposition(|b| {
                    !matches!(
                        b,
                        Block::Paragraph {
                            style: ParaStyle::Small,
                            ..
                        }
                    )
                })
                .map_or(0, |i| i + 1);
            let mut main = Vec::new();
            let mut tail = Vec::new();
            f.blocks(&title_blocks[..q], &ctx, &mut main, 0);
            f.blocks(&title_blocks[q..], &ctx, &mut tail, 0);
            let (hm, ht) = (list_height(&main), list_height(&tail));
            let body = pager.body_height();
            if hm + ht + 30.0 <= body {
                pager.set_y(top + (body * 0.22).min(body - hm - ht - 30.0));
                pager.run(main);
                let y = (bottom - ht).max(pager.y() + 30.0);
                pager.set_y(y);
                pager.run(tail);
            } else {
                pager.run(main);
                pager.run(tail);
            }
            pager.new_page();
            &doc.blocks[p + 1..]
        }
        None => &doc.blocks[..],
    };
    let sums: Vec<Summary> = rest
        .iter()
        .map(|b| Summary::of(b, &heading_by_id))
        .collect();
    let ranges = chunks(&sums, split);
    let mut elems = Vec::new();
    if ranges.len() <= 1 {
        f.blocks(rest, &ctx, &mut elems, 0);
    } else {
        f.blocks_parallel(rest, &sums, &ranges, &ctx, &mut elems);
    }
    pager.run(elems);
    pager.finish();
    // Drop a trailing empty page (a document ending in a page break), unless
    // something points at it: a heading with no visible text after the break
    // is still a heading the TOC, the outline and links lead to, and a page
    // dropped under it left them pointing past the last page (the fuzzer
    // found it; fuzz/src/lib.rs `check_destinations`).
    let last = pager.pages.len().saturating_sub(1);
    let pointed_at = pager.heading_pos.iter().flatten().any(|&(p, _)| p == last)
        || pager.pagerefs.iter().any(|&(p, ..)| p == last);
    if last > 0 && pager.pages[last].items.is_empty() && !pointed_at {
        pager.pages.pop();
    }
    finish(f, pager, doc, s, title_end.is_some())
}

impl Flow<'_> {
    /// Lays out the top-level `blocks` in the given chunks in parallel, each
    /// with a flow of its own starting with the counters this flow would
    /// have there, and merges the results into this flow and `out`: the
    /// same as [`Flow::blocks`] would do (`sums` summarize the blocks).
    fn blocks_parallel(
        &mut self,
        blocks: &[Block],
        sums: &[Summary],
        ranges: &[Range<usize>],
        ctx: &Ctx,
        out: &mut Vec<VElem>,
    ) {
        let mut jobs = Vec::with_capacity(ranges.len());
        let (mut cursor, mut table) = (self.heading_cursor, self.next_table);
        for r in ranges {
            jobs.push((r.clone(), cursor, table));
            for sum in &sums[r.clone()] {
                cursor = cursor.max(sum.cursor);
                table += sum.tables;
            }
        }
        let (s, headings, by_id) = (self.s, self.headings, self.heading_by_id);
        // One lane per thread takes the next chunk until none is left, with
        // the same fonts and hyphenator (warm caches) for all of its chunks.
        let next = AtomicUsize::new(0);
        let lanes = rayon::current_num_threads().clamp(1, jobs.len());
        let done: Vec<Vec<(usize, ChunkOut)>> = (0..lanes)
            .into_par_iter()
            .with_max_len(1)
            .map(|_| {
                let mut done = Vec::new();
                let mut caches: Option<(Fonts, Hyph)> = None;
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((r, cursor, table)) = jobs.get(k) else {
                        break;
                    };
                    let mut f = Flow::new_with(s, headings, by_id, caches.take());
                    f.heading_cursor = *cursor;
                    f.next_table = *table;
                    let mut elems = Vec::new();
                    f.blocks_then(&blocks[r.clone()], blocks.get(r.end), ctx, &mut elems);
                    let missing = f.fonts.take_report();
                    done.push((
                        k,
                        ChunkOut {
                            elems,
                            nodes: f.nodes,
                            missing,
                        },
                    ));
                    caches = Some((f.fonts, f.hyph));
                }
                done
            })
            .collect();
        let mut slots: Vec<Option<ChunkOut>> = jobs.iter().map(|_| None).collect();
        for (k, c) in done.into_iter().flatten() {
            slots[k] = Some(c);
        }
        let mut outs: Vec<ChunkOut> = slots
            .into_iter()
            .map(|c| c.expect("every chunk is laid out"))
            .collect();
        let mut offs = Vec::with_capacity(outs.len());
        let mut len = self.nodes.len() as u32;
        for c in &outs {
            offs.push(len - 1);
            len += c.nodes.len() as u32 - 1;
        }
        outs.par_iter_mut()
            .with_max_len(1)
            .zip(offs)
            .for_each(|(c, off)| renumber(c, off));
        out.reserve(outs.iter().map(|c| c.elems.len()).sum());
        for c in outs {
            let mut nodes = c.nodes.into_iter();
            let root = nodes.next().expect("a flow has a root");
            self.nodes[0].children.extend(root.children);
            self.nodes.extend(nodes);
            self.fonts.absorb(c.missing);
            out.extend(c.elems);
        }
        self.heading_cursor = cursor;
        self.next_table = table;
    }
}

fn finish(mut f: Flow, pager: Pager, doc: &Document, s: &Settings, title_page: bool) -> Paged {
    let Pager {
        mut pages,
        heading_pos,
        pagerefs,
        ..
    } = pager;
    let mut warnings = Vec::new();
    // TOC page numbers and leaders.
    let dot_face = face_id(Face {
        family: Family::Serif,
        bold: false,
        italic: false,
    });
    for (page, y, r) in pagerefs {
        let Some((hp, _)) = heading_pos.get(r.heading).copied().flatten() else {
            continue;
        };
        let num = (hp + 1).to_string();
        let nw = f.fonts.width(r.face, r.size, &num);
        let baseline = y + r.baseline;
        let num_x = r.x_right - nw;
        let step = 4.5;
        let mut dx = ((r.x_text_end + 5.0) / step).ceil() * step;
        let mut dots = String::new();
        let dot_start = dx;
        while dx + step <= num_x - 4.0 {
            dots.push('.');
            dx += step;
        }
        if !dots.is_empty() {
            let mut run = f.fonts.run(
                dot_face,
                r.size,
                &dots,
                dot_start,
                baseline,
                GREY,
                Tag::Artifact,
            );
            for g in &mut run.glyphs {
                g.advance = step;
            }
            pages[page].items.push(Item::Glyphs(run));
        }
        let run = f
            .fonts
            .run(r.face, r.size, &num, num_x, baseline, TEXT, r.tag);
        pages[page].items.push(Item::Glyphs(run));
    }
    // Internal links.
    let ids: HashMap<&str, usize> = f
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id.as_str(), i))
        .collect();
    for page in &mut pages {
        page.items.retain_mut(|it| {
            if let Item::Link { target, .. } = it {
                if let LinkTarget::Uri(u) = target {
                    if let Some(id) = u.strip_prefix('#') {
                        match ids.get(id).and_then(|&i| heading_pos[i]) {
                            Some((p, y)) => *target = LinkTarget::Internal { page: p, y },
                            None => {
                                warnings
                                    .push(format!("link to unknown heading #{id}: not clickable"));
                                return false;
                            }
                        }
                    }
                }
            }
            true
        });
    }
    warnings.dedup();
    // Running header, footer, watermark.
    let n = pages.len();
    let sans = face_id(Face {
        family: Family::Sans,
        bold: false,
        italic: false,
    });
    let sans_bold = face_id(Face {
        family: Family::Sans,
        bold: true,
        italic: false,
    });
    let left = s.margin_left;
    let right = s.page_width - s.margin_right;
    let top = s.margin_top;
    let bottom = s.page_height - s.margin_bottom;
    let m = &doc.meta;
    for (i, page) in pages.iter_mut().enumerate() {
        let mut deco = Vec::new();
        if let Some(mark) = m.draft_mark.as_deref().filter(|d| !d.trim().is_empty()) {
            let w1 = f.fonts.width(sans_bold, 1.0, mark).max(0.1);
            let diag = (s.page_width.powi(2) + s.page_height.powi(2)).sqrt();
            let size = (diag * 0.5 / w1).min(160.0);
            let mut run = f.fonts.run(
                sans_bold,
                size,
                mark,
                s.page_width / 2.0,
                s.page_height / 2.0,
                WATERMARK,
                Tag::Artifact,
            );
            run.outlined = true;
            run.rotate = (s.page_height / s.page_width).atan().to_degrees();
            page.items.insert(0, Item::Glyphs(run));
        }
        if title_page && i == 0 {
            continue;
        }
        let hy = top - 20.0;
        if !m.header.is_empty() {
            deco.push(Item::Glyphs(f.fonts.run(
                sans,
                8.5,
                &m.header,
                left,
                hy,
                GREY,
                Tag::Artifact,
            )));
        }
        if let Some(mark) = m.draft_mark.as_deref().filter(|d| !d.trim().is_empty()) {
            let w = f.fonts.width(sans_bold, 8.5, mark);
            deco.push(Item::Glyphs(f.fonts.run(
                sans_bold,
                8.5,
                mark,
                right - w,
                hy,
                RED,
                Tag::Artifact,
            )));
        }
        deco.push(Item::Line {
            x1: left,
            y1: top - 14.0,
            x2: right,
            y2: top - 14.0,
            width: 0.4,
            color: Color(0xBF, 0xBF, 0xBF),
        });
        let fy = bottom + 28.0;
        deco.push(Item::Line {
            x1: left,
            y1: bottom + 16.0,
            x2: right,
            y2: bottom + 16.0,
            width: 0.4,
            color: Color(0xBF, 0xBF, 0xBF),
        });
        if !m.footer.is_empty() {
            deco.push(Item::Glyphs(f.fonts.run(
                sans,
                8.5,
                &m.footer,
                left,
                fy,
                GREY,
                Tag::Artifact,
            )));
        }
        let (x, of) = ((i + 1).to_string(), n.to_string());
        let label = [m.page_label.as_str(), &x, m.page_of.as_str(), &of]
            .iter()
            .filter(|p| !p.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let w = f.fonts.width(sans, 8.5, &label);
        deco.push(Item::Glyphs(f.fonts.run(
            sans,
            8.5,
            &label,
            right - w,
            fy,
            GREY,
            Tag::Artifact,
        )));
        page.items.extend(deco);
    }
    for (c, ctx) in &f.fonts.missing {
        let shown: String = ctx.chars().take(60).collect();
        warnings.push(format!(
            "character U+{:04X} '{}' is not in the embedded fonts; drawn as a replacement mark in «{}»",
            *c as u32, c, shown
        ));
    }
    let mut headings = Vec::new();
    let mut outline = Vec::new();
    for (i, h) in f.headings.iter().enumerate() {
        let Some((page, y)) = heading_pos[i] else {
            continue;
        };
        let title = if h.number.is_empty() {
            h.text.clone()
        } else {
            format!("{} {}", h.number, h.text)
        };
        outline.push(OutlineEntry {
            level: h.level,
            title,
            page,
            y,
        });
        headings.push(HeadingPos {
            id: h.id.clone(),
            level: h.level,
            number: h.number.clone(),
            text: h.text.clone(),
            page,
            y,
        });
    }
    Paged {
        page_width: s.page_width,
        page_height: s.page_height,
        pages,
        outline,
        headings,
        structure: f.nodes,
        lang: if doc.meta.language.is_empty() {
            "sq".into()
        } else {
            doc.meta.language.clone()
        },
        warnings,
        body: [left, top, right, bottom],
    }
}

/// [`Flow::column_widths`] of a table in a container `width` points wide,
/// with the fonts and hyphenator of `caches` (made on first use, kept for the
/// next table).
pub(crate) fn table_widths(
    s: &Settings,
    caches: &mut Option<(Fonts, Hyph)>,
    t: &Table,
    width: f32,
) -> Vec<f32> {
    let by_id = HashMap::new();
    let mut f = Flow::new_with(s, &[], &by_id, caches.take());
    let ctx = Ctx {
        w: width,
        ..Ctx::body(s)
    };
    let widths = f.column_widths(t, t.column_count(), width, &ctx);
    *caches = Some((f.fonts, f.hyph));
    widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{nesting, stress};

    /// Lays out `doc`'s blocks one by one on one flow and checks its
    /// counters after each against the summaries of the blocks so far.
    fn check_counters(doc: &Document) -> (usize, u32) {
        let s = Settings::default();
        let (headings, by_id) = number_headings(&doc.blocks);
        let mut f = Flow::new(&s, &headings, &by_id);
        let ctx = Ctx::body(&s);
        let (mut cursor, mut tables) = (0, 0);
        let mut out = Vec::new();
        for (i, b) in doc.blocks.iter().enumerate() {
            f.blocks_then(
                std::slice::from_ref(b),
                doc.blocks.get(i + 1),
                &ctx,
                &mut out,
            );
            let sum = Summary::of(b, &by_id);
            cursor = cursor.max(sum.cursor);
            tables += sum.tables;
            assert_eq!(f.heading_cursor, cursor, "heading cursor after block {i}");
            assert_eq!(f.next_table, tables, "tables after block {i}");
        }
        (cursor, tables)
    }

    #[test]
    fn summaries_follow_the_flows_counters() {
        let doc = nesting();
        let mut all_tables = 0;
        nap_doc::walk(&doc.blocks, &mut |b| {
            all_tables += u32::from(matches!(b, Block::Table(_)));
        });
        let (cursor, tables) = check_counters(&doc);
        // The two empty tables and the 6 of the 30 nested ones deeper than
        // MAX_DEPTH (flattened) are not numbered.
        assert_eq!(MAX_DEPTH, 24);
        assert_eq!((tables, all_tables), (28, 36));
        let (headings, _) = number_headings(&doc.blocks);
        assert_eq!(cursor, headings.len());
        check_counters(&stress(2));
        check_counters(&nap_doc::sample());
    }

    type Body = (
        Vec<VElem>,
        Vec<StructNode>,
        usize,
        u32,
        std::collections::BTreeMap<char, String>,
    );

    /// `doc`'s blocks laid out as the body in `n` chunks, after a little
    /// of a title page: the boxes, the structure, the counters and the
    /// missing characters.
    fn body(doc: &Document, n: usize) -> Body {
        let s = Settings::default();
        let (headings, by_id) = number_headings(&doc.blocks);
        let mut f = Flow::new(&s, &headings, &by_id);
        let ctx = Ctx::body(&s);
        let title = [
            Block::para("Titulli 🙂"),
            Block::Table(crate::fixtures::long_table(1)),
        ];
        f.blocks(&title, &ctx, &mut Vec::new(), 0);
        let sums: Vec<Summary> = doc.blocks.iter().map(|b| Summary::of(b, &by_id)).collect();
        let ranges = chunks(&sums, Split::Chunks(n));
        assert_eq!(ranges.len(), n.min(doc.blocks.len()));
        let mut out = Vec::new();
        if n == 1 {
            f.blocks(&doc.blocks, &ctx, &mut out, 0);
        } else {
            f.blocks_parallel(&doc.blocks, &sums, &ranges, &ctx, &mut out);
        }
        (
            out,
            f.nodes,
            f.heading_cursor,
            f.next_table,
            f.fonts.missing,
        )
    }

    #[test]
    fn the_body_in_chunks_is_the_serial_body() {
        for doc in [nesting(), stress(2)] {
            let serial = body(&doc, 1);
            assert!(serial.4.len() >= 2, "missing characters: {:?}", serial.4);
            for n in [2, 3, 7, 10_000] {
                let chunked = body(&doc, n.min(doc.blocks.len()));
                if let Some(i) = (0..serial.0.len().max(chunked.0.len()))
                    .find(|&i| serial.0.get(i) != chunked.0.get(i))
                {
                    panic!(
                        "{n} chunks, element {i}: {:?} vs {:?}",
                        chunked.0.get(i),
                        serial.0.get(i)
                    );
                }
                assert_eq!(chunked.1, serial.1, "{n} chunks: structure");
                assert_eq!(chunked.2, serial.2, "{n} chunks: heading cursor");
                assert_eq!(chunked.3, serial.3, "{n} chunks: tables");
                assert_eq!(chunked.4, serial.4, "{n} chunks: missing characters");
            }
        }
    }

    #[test]
    fn balanced_chunks_cover_the_blocks_evenly() {
        let check = |costs: &[u64], n: usize| {
            let r = balance(costs, n);
            assert_eq!(r.len(), n.clamp(1, costs.len().max(1)), "{costs:?} / {n}");
            assert_eq!(r[0].start, 0);
            assert_eq!(r.last().unwrap().end, costs.len());
            for w in r.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
            if !costs.is_empty() {
                assert!(r.iter().all(|r| !r.is_empty()), "{r:?}");
            }
            r
        };
        assert_eq!(check(&[], 4), vec![0..0]);
        assert_eq!(check(&[5; 12], 3), vec![0..4, 4..8, 8..12]);
        assert_eq!(check(&[5; 12], 1), vec![0..12]);
        assert_eq!(check(&[1, 1, 1], 1000), vec![0..1, 1..2, 2..3]);
        // A heavy block gets a chunk of its own.
        assert_eq!(check(&[1, 1, 100, 1, 1, 1], 3), vec![0..2, 2..3, 3..6]);
        assert_eq!(check(&[100, 1, 1, 1], 2), vec![0..1, 1..4]);
        assert_eq!(check(&[1, 1, 1, 100], 2), vec![0..3, 3..4]);
        for n in 1..20 {
            for len in 0..25 {
                let costs: Vec<u64> = (0..len).map(|i| (i * 37 % 11) as u64).collect();
                check(&costs, n);
            }
        }
    }

    #[test]
    fn small_documents_are_laid_out_serially_and_large_ones_in_chunks() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let sums = |doc: &Document| {
            let (_, by_id) = number_headings(&doc.blocks);
            doc.blocks
                .iter()
                .map(|b| Summary::of(b, &by_id))
                .collect::<Vec<_>>()
        };
        let small = sums(&nap_doc::sample());
        let large = sums(&stress(30));
        pool.install(|| {
            assert_eq!(chunks(&small, Split::Auto).len(), 1);
            assert_eq!(chunks(&large, Split::Auto).len(), 2 * CHUNKS_PER_THREAD);
            assert_eq!(chunks(&large, Split::Chunks(1)).len(), 1);
        });
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| assert_eq!(chunks(&large, Split::Auto).len(), 1));
    }
}
