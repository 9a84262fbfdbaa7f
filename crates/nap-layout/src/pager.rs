//! Page building: a vertical list of boxes, spaces and breaks → pages.
//!
//! Boxes carry "keep with next" flags (headings, first/second-last lines of
//! paragraphs, header rows): a chain of kept boxes moves to the next page as
//! a whole when it does not fit. Table rows carry the y positions where they
//! may be cut (between lines) and their cell decoration, which is redrawn for
//! each piece; the header rows of a table are repeated on every new page.

use crate::{Color, Item, Page, Tag};
use std::sync::Arc;

const BORDER: Color = Color(0xA6, 0xA6, 0xA6);

#[derive(Debug, Clone, PartialEq)]
pub struct CellDecor {
    pub x: f32,
    pub w: f32,
    pub fill: Option<Color>,
}

/// A TOC entry's page number, drawn once pages are known.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRef {
    pub heading: usize,
    pub x_text_end: f32,
    pub x_right: f32,
    pub baseline: f32,
    pub face: crate::FaceId,
    pub size: f32,
    pub tag: Tag,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MarkKind {
    Heading(usize),
    PageRef(PageRef),
    /// A footnote cited here, laid out (x on the page, y from its top): it
    /// goes to the foot of the page the citing line lands on.
    Note(Arc<VBox>),
}

/// Space above a page's footnotes, with the short rule that divides them
/// from the text in its middle.
const NOTE_SEPARATOR: f32 = 12.0;
/// The rule's length.
const NOTE_RULE: f32 = 50.0 * crate::MM;
/// A long note needs this share of the text block below its citing line;
/// the rest of it may go on at the next page's foot.
const NOTE_SHARE: f32 = 0.4;
/// The share of a page the notes going on from the page before may take.
const CONTINUED_SHARE: f32 = 0.5;

/// Something whose final page must be known, at `y` inside its box.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub y: f32,
    pub kind: MarkKind,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VBox {
    pub h: f32,
    /// Items with y relative to the box's top.
    pub items: Vec<Item>,
    pub keep_next: bool,
    pub first_baseline: f32,
    pub marks: Vec<Mark>,
    /// Where the box may be split (table rows), relative to its top.
    pub cuts: Vec<f32>,
    pub decor: Vec<CellDecor>,
    /// The table the box belongs to and that table's header rows (`Arc`:
    /// boxes are made on worker threads, see `flow::run`).
    pub table: Option<(u32, Arc<Vec<VBox>>)>,
    pub is_header: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VElem {
    Box(VBox),
    Space(f32),
    Break,
}

pub fn shift_item(item: &mut Item, dx: f32, dy: f32) {
    match item {
        Item::Glyphs(r) => {
            r.x += dx;
            r.y += dy;
        }
        Item::Rect { x, y, .. } | Item::Svg { x, y, .. } | Item::Link { x, y, .. } => {
            *x += dx;
            *y += dy;
        }
        Item::Line { x1, y1, x2, y2, .. } => {
            *x1 += dx;
            *x2 += dx;
            *y1 += dy;
            *y2 += dy;
        }
    }
}

/// The y used to decide on which side of a cut an item falls.
fn item_ref_y(item: &Item) -> f32 {
    match item {
        Item::Glyphs(r) => r.y,
        Item::Rect { y, h, .. } | Item::Link { y, h, .. } => y + h / 2.0,
        Item::Svg { y, .. } => *y,
        Item::Line { y1, y2, .. } => y1.min(*y2),
    }
}

pub fn decor_items(decor: &[CellDecor], y: f32, h: f32, out: &mut Vec<Item>) {
    for d in decor {
        if let Some(fill) = d.fill {
            out.push(Item::Rect {
                x: d.x,
                y,
                w: d.w,
                h,
                fill,
            });
        }
    }
    for d in decor {
        let (x0, x1, y0, y1) = (d.x, d.x + d.w, y, y + h);
        for (a, b, c, e) in [
            (x0, y0, x1, y0),
            (x0, y1, x1, y1),
            (x0, y0, x0, y1),
            (x1, y0, x1, y1),
        ] {
            out.push(Item::Line {
                x1: a,
                y1: b,
                x2: c,
                y2: e,
                width: 0.5,
                color: BORDER,
            });
        }
    }
}

/// Splits a box at `cut`: the part above and the rest.
fn split(b: VBox, cut: f32) -> (VBox, VBox) {
    let mut top = VBox {
        h: cut,
        keep_next: false,
        first_baseline: b.first_baseline,
        decor: b.decor.clone(),
        table: b.table.clone(),
        is_header: b.is_header,
        ..VBox::default()
    };
    let mut rest = VBox {
        h: b.h - cut,
        keep_next: b.keep_next,
        decor: b.decor,
        table: b.table,
        is_header: b.is_header,
        cuts: b
            .cuts
            .iter()
            .filter(|&&c| c > cut + 0.01)
            .map(|c| c - cut)
            .collect(),
        ..VBox::default()
    };
    for mut it in b.items {
        if item_ref_y(&it) <= cut {
            top.items.push(it);
        } else {
            shift_item(&mut it, 0.0, -cut);
            rest.items.push(it);
        }
    }
    for mut m in b.marks {
        if m.y <= cut {
            top.marks.push(m);
        } else {
            m.y -= cut;
            rest.marks.push(m);
        }
    }
    (top, rest)
}

pub struct Pager {
    pub pages: Vec<Page>,
    y: f32,
    top: f32,
    bottom: f32,
    fresh: bool,
    only_header: bool,
    pending: f32,
    header_table: Option<u32>,
    /// Heading index → (page, y).
    pub heading_pos: Vec<Option<(usize, f32)>>,
    pub pagerefs: Vec<(usize, f32, PageRef)>,
    /// The footnotes cited on the current page so far.
    notes: Vec<Arc<VBox>>,
    /// Notes cited on an earlier page that did not fit at its foot, each
    /// with whether it is the rest of a note begun there.
    deferred: Vec<(Arc<VBox>, bool)>,
    /// The page's first note goes on from the page before: its rule spans
    /// the text block, as Word's continuation separator does.
    notes_continued: bool,
    /// Where the separator rule starts (the text block's left edge), and
    /// the text block's width (a continuation rule's length).
    pub notes_x: f32,
    pub notes_w: f32,
}

impl Pager {
    pub fn new(top: f32, bottom: f32, headings: usize) -> Pager {
        Pager {
            pages: vec![Page::default()],
            y: top,
            top,
            bottom,
            fresh: true,
            only_header: false,
            pending: 0.0,
            header_table: None,
            heading_pos: vec![None; headings],
            pagerefs: Vec::new(),
            notes: Vec::new(),
            deferred: Vec::new(),
            notes_continued: false,
            notes_x: 0.0,
            notes_w: 0.0,
        }
    }

    /// The lowest the text may reach on this page: above its footnotes.
    fn limit(&self) -> f32 {
        self.bottom - self.foot_height()
    }

    /// The height this page's notes take at its foot, with the separator.
    fn foot_height(&self) -> f32 {
        if self.notes.is_empty() {
            return 0.0;
        }
        NOTE_SEPARATOR + self.notes.iter().map(|n| n.h).sum::<f32>()
    }

    /// The room the footnotes cited in `b` need at this page's foot for
    /// the box to go on this page: each note whole, or a long one's first
    /// [`NOTE_SHARE`] of the text block (the rest may go on at the next
    /// page's foot).
    fn notes_height(&self, b: &VBox) -> f32 {
        let most = self.body_height() * NOTE_SHARE;
        let mut h = 0.0;
        for m in &b.marks {
            if let MarkKind::Note(n) = &m.kind {
                h += n.h.min(most);
            }
        }
        if h > 0.0 && self.notes.is_empty() {
            h += NOTE_SEPARATOR;
        }
        h
    }

    /// The notes cited in a box just placed (`self.y` is below it).
    fn add_notes(&mut self, marks: &[Mark]) {
        for m in marks {
            if let MarkKind::Note(n) = &m.kind {
                self.take_note(n.clone());
            }
        }
    }

    /// Puts a note at this page's foot, below the text placed so far. A note
    /// that does not fit whole is cut between its lines: the lines that fit
    /// stay here, the rest goes on at the next page's foot (after any note
    /// already waiting, so the order holds). A note is never drawn over text
    /// or outside the text block; on an empty foot of a fresh page at least
    /// one line is taken, so every note is printed.
    fn take_note(&mut self, n: Arc<VBox>) {
        self.take_note_within(n, f32::INFINITY, false);
    }

    /// [`Pager::take_note`] with the page's notes kept within `cap` (notes
    /// going on from the page before leave the rest of the page to text);
    /// `rest`: `n` is the rest of a note begun on an earlier page.
    fn take_note_within(&mut self, n: Arc<VBox>, cap: f32, rest: bool) {
        if !self.deferred.is_empty() {
            self.deferred.push((n, rest));
            return;
        }
        if self.notes.is_empty() {
            self.notes_continued = rest;
        }
        let sep = if self.notes.is_empty() {
            NOTE_SEPARATOR
        } else {
            0.0
        };
        let room = (self.bottom - self.y).min(cap) - self.foot_height() - sep;
        let first = n.cuts.first().copied().unwrap_or(n.h);
        let cut = if n.h <= room + 0.01 {
            Some(n.h)
        } else {
            let lowest = n
                .cuts
                .iter()
                .copied()
                .filter(|&c| c <= room + 0.01)
                .max_by(f32::total_cmp);
            match lowest {
                Some(c) => Some(c),
                None if self.notes.is_empty() && self.fresh => Some(first),
                None => None,
            }
        };
        match cut {
            Some(c) if c < n.h - 0.01 => {
                let (top, rest) = split(n.as_ref().clone(), c);
                self.notes.push(Arc::new(top));
                self.deferred.push((Arc::new(rest), true));
            }
            Some(_) => {
                self.notes.push(n);
            }
            None => self.deferred.push((n, rest)),
        }
    }

    /// Ends the last page: draws its notes, and adds pages for the notes
    /// still waiting.
    pub fn finish(&mut self) {
        while !self.deferred.is_empty() {
            self.new_page();
        }
        self.finish_page();
    }

    /// Draws the current page's footnotes at its foot, in the order cited.
    pub fn finish_page(&mut self) {
        if self.notes.is_empty() {
            return;
        }
        let page = self.pages.len() - 1;
        let mut y = self.bottom - self.foot_height();
        let items = &mut self.pages[page].items;
        let rule_y = y + NOTE_SEPARATOR / 2.0;
        let rule = if self.notes_continued {
            self.notes_w
        } else {
            NOTE_RULE
        };
        items.push(Item::Line {
            x1: self.notes_x,
            y1: rule_y,
            x2: self.notes_x + rule,
            y2: rule_y,
            width: 0.5,
            color: BORDER,
        });
        y += NOTE_SEPARATOR;
        for n in std::mem::take(&mut self.notes) {
            for it in &n.items {
                let mut it = it.clone();
                shift_item(&mut it, 0.0, y);
                items.push(it);
            }
            y += n.h;
        }
    }

    pub fn body_height(&self) -> f32 {
        self.bottom - self.top
    }

    pub fn new_page(&mut self) {
        self.finish_page();
        self.pages.push(Page::default());
        self.y = self.top;
        self.fresh = true;
        self.only_header = false;
        self.pending = 0.0;
        self.header_table = None;
        let cap = self.body_height() * CONTINUED_SHARE;
        for (n, rest) in std::mem::take(&mut self.deferred) {
            self.take_note_within(n, cap, rest);
        }
    }

    pub fn set_y(&mut self, y: f32) {
        self.y = y;
        self.pending = 0.0;
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    fn place(&mut self, b: &VBox, artifact: bool) {
        let y = self.y + self.pending;
        let page = self.pages.len() - 1;
        let items = &mut self.pages[page].items;
        decor_items(&b.decor, y, b.h, items);
        for it in &b.items {
            let mut it = it.clone();
            shift_item(&mut it, 0.0, y);
            if artifact {
                match &mut it {
                    Item::Glyphs(r) => r.tag = Tag::Artifact,
                    Item::Svg { tag, .. } => *tag = Tag::Artifact,
                    _ => {}
                }
            }
            items.push(it);
        }
        if !artifact {
            for m in &b.marks {
                match &m.kind {
                    MarkKind::Heading(h) => {
                        if self.heading_pos[*h].is_none() {
                            self.heading_pos[*h] = Some((page, y + m.y));
                        }
                    }
                    MarkKind::PageRef(r) => self.pagerefs.push((page, y + m.y, r.clone())),
                    MarkKind::Note(_) => {}
                }
            }
        }
        self.y = y + b.h;
        self.pending = 0.0;
        self.fresh = false;
        if !artifact {
            self.add_notes(&b.marks);
        }
    }

    fn place_owned(&mut self, b: VBox) {
        let y = self.y + self.pending;
        let page = self.pages.len() - 1;
        let items = &mut self.pages[page].items;
        decor_items(&b.decor, y, b.h, items);
        items.reserve(b.items.len());
        for mut it in b.items {
            shift_item(&mut it, 0.0, y);
            items.push(it);
        }
        let mut notes = Vec::new();
        for m in b.marks {
            match m.kind {
                MarkKind::Heading(h) => {
                    if self.heading_pos[h].is_none() {
                        self.heading_pos[h] = Some((page, y + m.y));
                    }
                }
                MarkKind::PageRef(r) => self.pagerefs.push((page, y + m.y, r)),
                MarkKind::Note(n) => notes.push(n),
            }
        }
        self.y = y + b.h;
        self.pending = 0.0;
        self.fresh = false;
        for n in notes {
            self.take_note(n);
        }
    }

    fn chain_height(elems: &[VElem], i: usize) -> f32 {
        let mut h = 0.0;
        let mut j = i;
        let mut n = 0;
        while j < elems.len() && n < 80 {
            match &elems[j] {
                VElem::Space(s) => h += s,
                VElem::Break => break,
                VElem::Box(b) => {
                    h += b.h;
                    if !b.keep_next {
                        break;
                    }
                }
            }
            j += 1;
            n += 1;
        }
        h
    }

    pub fn run(&mut self, mut elems: Vec<VElem>) {
        let body = self.body_height();
        let mut i = 0;
        while i < elems.len() {
            match &elems[i] {
                VElem::Space(s) => {
                    if !self.fresh {
                        self.pending = self.pending.max(*s);
                    }
                    i += 1;
                }
                VElem::Break => {
                    if !self.fresh {
                        self.new_page();
                    }
                    i += 1;
                }
                VElem::Box(b) => {
                    if self.fresh {
                        if let Some((tid, head)) = &b.table {
                            if !b.is_header && self.header_table != Some(*tid) {
                                let (tid, head) = (*tid, head.clone());
                                for hb in head.iter() {
                                    self.place(hb, true);
                                }
                                self.header_table = Some(tid);
                                self.only_header = true;
                            }
                        }
                    }
                    let can_break = !self.fresh && !self.only_header;
                    let chain = Self::chain_height(&elems, i);
                    // The footnotes the box cites must fit below it.
                    let notes = self.notes_height(b);
                    let limit = self.limit() - notes;
                    if can_break && self.y + self.pending + chain > limit && chain + notes <= body {
                        self.new_page();
                        continue;
                    }
                    let room = limit - self.y - self.pending;
                    if b.h > room + 0.01 {
                        let cut = b
                            .cuts
                            .iter()
                            .copied()
                            .filter(|&c| c <= room && c > 0.5)
                            .fold(None, |m: Option<f32>, c| Some(m.map_or(c, |m| m.max(c))));
                        match cut {
                            Some(c) => {
                                let VElem::Box(b) = std::mem::replace(&mut elems[i], VElem::Break)
                                else {
                                    unreachable!("matched a box above")
                                };
                                let (top, rest) = split(b, c);
                                self.place(&top, false);
                                elems[i] = VElem::Box(rest);
                                self.new_page();
                                continue;
                            }
                            None if can_break => {
                                self.new_page();
                                continue;
                            }
                            // A fresh page whose foot holds a note going on
                            // from the page before: a box that fits a page
                            // but not beside the note waits for a page with
                            // room (each page takes some of the note, so one
                            // comes).
                            None if !self.notes.is_empty() && b.h + notes <= body => {
                                self.new_page();
                                continue;
                            }
                            None => {
                                // Taller than an empty page and no cut fits:
                                // cut at the page bottom (between lines of a
                                // cell when possible) rather than run off it.
                                if (b.h > body || self.only_header)
                                    && room > 24.0
                                    && !b.decor.is_empty()
                                {
                                    let VElem::Box(b) =
                                        std::mem::replace(&mut elems[i], VElem::Break)
                                    else {
                                        unreachable!("matched a box above")
                                    };
                                    let (top, rest) = split(b, room);
                                    self.place(&top, false);
                                    elems[i] = VElem::Box(rest);
                                    self.new_page();
                                    continue;
                                }
                            }
                        }
                    }
                    let VElem::Box(b) = std::mem::replace(&mut elems[i], VElem::Break) else {
                        unreachable!("matched a box above")
                    };
                    self.place_owned(b);
                    self.only_header = false;
                    i += 1;
                }
            }
        }
    }
}

/// Total height of a vertical list (spaces not collapsed).
pub fn list_height(elems: &[VElem]) -> f32 {
    elems
        .iter()
        .map(|e| match e {
            VElem::Box(b) => b.h,
            VElem::Space(s) => *s,
            VElem::Break => 0.0,
        })
        .sum()
}

/// Packs a vertical list into one box (table cells): items, height, the
/// vertical spans of its lines (a cut must not cross one), marks.
pub fn pack(elems: Vec<VElem>) -> (VBox, Vec<(f32, f32)>) {
    let mut out = VBox::default();
    let mut spans = Vec::new();
    let mut y = 0.0;
    let mut pending = 0.0f32;
    let mut first = true;
    for e in elems {
        match e {
            VElem::Space(s) => {
                if !first {
                    pending = pending.max(s);
                }
            }
            VElem::Break => {}
            VElem::Box(b) => {
                y += pending;
                pending = 0.0;
                if first {
                    out.first_baseline = y + b.first_baseline;
                }
                decor_items(&b.decor, y, b.h, &mut out.items);
                for mut it in b.items {
                    shift_item(&mut it, 0.0, y);
                    out.items.push(it);
                }
                for mut m in b.marks {
                    m.y += y;
                    out.marks.push(m);
                }
                let mut last = 0.0;
                for c in b.cuts.iter().chain(std::iter::once(&b.h)) {
                    spans.push((y + last, y + c));
                    last = *c;
                }
                y += b.h;
                first = false;
            }
        }
    }
    out.h = y;
    (out, spans)
}
