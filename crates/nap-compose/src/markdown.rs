//! CommonMark (with GFM tables and heading attributes) → document blocks.
//!
//! Everything Markdown can say maps to the model; nothing is passed through:
//! raw HTML is printed as text, images print their alt text, links to
//! anything but http(s), mailto or `#anchors` print their text and are
//! reported. Nesting deeper than [`MAX_DEPTH`] containers is flattened, so
//! hostile input cannot exhaust the stack of any later stage.

use nap_doc::{Align, Block, Cell, Inline, List, Note, ParaStyle, Row, Span, SpanStyle, Table};
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// Containers (quotes, lists, list items) kept nested; deeper ones are flattened.
pub const MAX_DEPTH: usize = 64;

pub fn options() -> Options {
    // Footnotes are parsed so that their text is kept (as "[1]" markers and
    // "[1] …" paragraphs) instead of vanishing as link definitions.
    Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_FOOTNOTES
}

/// A link or image that was not followed: its target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refused {
    pub target: String,
    pub image: bool,
}

/// State shared by every Markdown chunk of one document.
#[derive(Debug, Default)]
pub struct Ctx {
    ids: HashSet<String>,
    /// The next suffix to try per base, so many equal headings stay linear.
    next_suffix: HashMap<String, usize>,
    /// Headings are unnumbered until the table of contents (title page).
    pub front_matter: bool,
    pub refused: Vec<Refused>,
    /// Footnotes numbered so far in this document.
    notes: u32,
}

impl Ctx {
    /// `base` (or "seksion" if it is empty) made unique in this document.
    pub fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "seksion" } else { base };
        if self.ids.insert(base.to_string()) {
            return base.to_string();
        }
        let n = self.next_suffix.entry(base.to_string()).or_insert(2);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// A heading id from its text: lower case, ë→e and ç→c, other runs of
/// non-alphanumerics → '-'.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ë' => 'e',
            'ç' => 'c',
            c => c,
        };
        if c.is_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            s.push(c);
        } else {
            dash = true;
        }
    }
    s.chars()
        .take(64)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// How the blocks of a chunk are made.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Style and alignment of paragraphs.
    pub style: ParaStyle,
    pub align: Align,
    /// Headings become document headings only at the top level; inside a
    /// table cell they become bold paragraphs.
    pub top_level: bool,
}

impl Default for Mode {
    fn default() -> Mode {
        Mode {
            style: ParaStyle::Normal,
            align: Align::Left,
            top_level: true,
        }
    }
}

enum Frame {
    Blocks(Vec<Block>),
    Quote(Vec<Block>),
    List(List),
    Item(Vec<Block>),
    Table {
        columns: usize,
        header_rows: usize,
        rows: Vec<Row>,
    },
    Row(Vec<Cell>),
}

enum Target {
    Paragraph,
    Heading {
        level: usize,
        id: Option<String>,
        unnumbered: bool,
    },
    Cell,
    Code(String),
    Html(String),
}

struct Conv<'c> {
    ctx: &'c mut Ctx,
    mode: Mode,
    stack: Vec<Frame>,
    /// For each open quote/list/item: whether it pushed a frame.
    opened: Vec<bool>,
    depth: usize,
    target: Option<Target>,
    inlines: Vec<Inline>,
    bold: usize,
    italic: usize,
    links: Vec<Option<String>>,
    image: usize,
    /// "[label] " to print before the first paragraph of a footnote.
    footnote: Option<String>,
}

impl<'c> Conv<'c> {
    fn new(ctx: &'c mut Ctx, mode: Mode) -> Self {
        Conv {
            ctx,
            mode,
            stack: vec![Frame::Blocks(Vec::new())],
            opened: Vec::new(),
            depth: 0,
            target: None,
            inlines: Vec::new(),
            bold: 0,
            italic: 0,
            links: Vec::new(),
            image: 0,
            footnote: None,
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.finish_target();
        match self.stack.pop() {
            Some(Frame::Blocks(b)) if self.stack.is_empty() => b,
            _ => unreachable!("parser events are balanced"),
        }
    }
}

/// Converts one Markdown chunk.
///
/// Footnotes (`text[^1]` … `[^1]: note`) become [`Inline::Note`]s numbered
/// on through the document. Labels are the writer's own and repeat between
/// the texts a template puts in one chunk (every analysis has its `[^1]`), so
/// a reference takes the first definition of its label after it, or else the
/// last one before it: notes are written below the text that cites them. A
/// definition no reference takes is printed where it stands, as "[label] …";
/// a reference inside a note stays text.
pub fn blocks(md: &str, ctx: &mut Ctx, mode: Mode) -> Vec<Block> {
    let mut c = Conv::new(ctx, mode);
    if !md.contains("[^") {
        for event in Parser::new_ext(md, options()) {
            c.event(event);
        }
        return c.finish();
    }
    let events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(md, options()).into_offset_iter().collect();
    let notes = Footnotes::find(&events);
    // Each note's text, made once however often it is cited.
    let mut texts: HashMap<usize, Vec<Inline>> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Some(&end) = notes.taken.get(&i) {
            i = end + 1;
            continue;
        }
        match notes.target.get(&i) {
            Some(&def) => {
                let (start, end) = notes.defs[def].events;
                let content = texts
                    .entry(def)
                    .or_insert_with(|| note_inlines(&events[start + 1..end], c.ctx))
                    .clone();
                c.ctx.notes += 1;
                let number = c.ctx.notes;
                c.push_note(Note { number, content });
            }
            None => c.event(events[i].0.clone()),
        }
        i += 1;
    }
    c.finish()
}

/// One footnote definition: its label (lower case: labels match whatever
/// their case, as in CommonMark), where it starts in the text, and its Start
/// and End events' indices.
struct Definition {
    label: String,
    offset: usize,
    events: (usize, usize),
}

/// Which definition each footnote reference takes (both by event index).
struct Footnotes {
    defs: Vec<Definition>,
    /// Reference event → definition.
    target: HashMap<usize, usize>,
    /// Start event of a definition some reference took → its End event.
    taken: HashMap<usize, usize>,
}

impl Footnotes {
    fn find(events: &[(Event, std::ops::Range<usize>)]) -> Footnotes {
        let mut defs = Vec::new();
        let mut open: Vec<(String, usize, usize)> = Vec::new();
        let mut refs = Vec::new();
        for (i, (event, range)) in events.iter().enumerate() {
            match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    open.push((label.to_lowercase(), range.start, i))
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((label, offset, start)) = open.pop() {
                        defs.push(Definition {
                            label,
                            offset,
                            events: (start, i),
                        });
                    }
                }
                // References inside a definition stay text.
                Event::FootnoteReference(label) if open.is_empty() => {
                    refs.push((i, label.to_lowercase(), range.start))
                }
                _ => {}
            }
        }
        defs.sort_by_key(|d| d.offset);
        let mut target = HashMap::new();
        let mut taken = HashMap::new();
        for (i, label, at) in refs {
            let same = || defs.iter().enumerate().filter(|(_, d)| d.label == *label);
            let def = same()
                .find(|(_, d)| d.offset > at)
                .or_else(|| same().rfind(|(_, d)| d.offset < at));
            if let Some((k, d)) = def {
                target.insert(i, k);
                taken.insert(d.events.0, d.events.1);
            }
        }
        Footnotes {
            defs,
            target,
            taken,
        }
    }
}

/// A footnote's events (inside its definition) → its inlines.
fn note_inlines(events: &[(Event, std::ops::Range<usize>)], ctx: &mut Ctx) -> Vec<Inline> {
    let mode = Mode {
        top_level: false,
        ..Mode::default()
    };
    let mut c = Conv::new(ctx, mode);
    for (event, _) in events {
        match event {
            Event::FootnoteReference(label) => {
                let style = c.style();
                c.push_text(&format!("[{label}]"), style);
            }
            e => c.event(e.clone()),
        }
    }
    paragraphs_inlines(c.finish())
}

/// The paragraphs of `blocks`, nested ones too, joined by line breaks.
fn paragraphs_inlines(blocks: Vec<Block>) -> Vec<Inline> {
    let mut out = Vec::new();
    let collect = |b: &Block, out: &mut Vec<Inline>| {
        if let Block::Paragraph { content, .. } = b {
            if !out.is_empty() {
                out.push(Inline::LineBreak);
            }
            out.extend(content.iter().cloned());
        }
    };
    for b in blocks {
        nap_doc::walk(std::slice::from_ref(&b), &mut |b| collect(b, &mut out));
    }
    out
}

/// Inline Markdown (a caption, a title) → inlines: paragraphs joined by line breaks.
pub fn inlines(md: &str, ctx: &mut Ctx) -> Vec<Inline> {
    let mode = Mode {
        top_level: false,
        ..Mode::default()
    };
    paragraphs_inlines(blocks(md, ctx, mode))
}

/// Plain text of inline Markdown (meta values, titles): escapes resolved.
pub fn plain(md: &str) -> String {
    let mut ctx = Ctx::default();
    nap_doc::plain_text(&inlines(md, &mut ctx)).replace('\n', " ")
}

fn allowed(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('#') && lower.len() > 1)
}

fn level(l: HeadingLevel) -> usize {
    l as usize
}

impl Conv<'_> {
    fn style(&self) -> SpanStyle {
        SpanStyle {
            bold: self.bold > 0,
            italic: self.italic > 0,
            code: false,
            link: if self.image > 0 {
                None
            } else {
                self.links.iter().rev().flatten().next().cloned()
            },
            revision: None,
        }
    }

    fn push_text(&mut self, text: &str, style: SpanStyle) {
        if let Some(Target::Code(buf) | Target::Html(buf)) = &mut self.target {
            buf.push_str(text);
            return;
        }
        if self.target.is_none() {
            // Tight list items hold inline content without a paragraph.
            self.target = Some(Target::Paragraph);
        }
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                self.inlines.push(Inline::LineBreak);
            }
            let clean: String = part
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .filter(|c| !c.is_control())
                .collect();
            if clean.is_empty() {
                continue;
            }
            match self.inlines.last_mut() {
                Some(Inline::Text(span)) if span.style == style => span.text.push_str(&clean),
                _ => self.inlines.push(Inline::Text(Span {
                    text: clean,
                    style: style.clone(),
                })),
            }
        }
    }

    fn push_note(&mut self, note: Note) {
        if self.target.is_none() {
            self.target = Some(Target::Paragraph);
        }
        self.inlines.push(Inline::Note(note));
    }

    fn blocks_mut(&mut self) -> &mut Vec<Block> {
        match self.stack.last_mut().expect("root frame") {
            Frame::Blocks(b) | Frame::Quote(b) | Frame::Item(b) => b,
            // Stray content directly in a list/table/row (not produced by the
            // parser) is dropped into a fresh item-less spot: keep it visible.
            Frame::List(l) => {
                l.items.push(Vec::new());
                l.items.last_mut().expect("just pushed")
            }
            Frame::Table { .. } | Frame::Row(_) => {
                unreachable!("tables only hold rows and cells")
            }
        }
    }

    fn paragraph(&self, content: Vec<Inline>) -> Block {
        Block::Paragraph {
            style: self.mode.style,
            align: self.mode.align,
            content,
        }
    }

    fn finish_target(&mut self) {
        let Some(target) = self.target.take() else {
            return;
        };
        let mut content = std::mem::take(&mut self.inlines);
        tie_numbers(&mut content);
        albanian_quotes(&mut content);
        let block = match target {
            Target::Paragraph => {
                if content.is_empty() {
                    return;
                }
                self.paragraph(content)
            }
            Target::Heading {
                level,
                id,
                unnumbered,
            } => {
                let top = self.mode.top_level && self.stack.len() == 1;
                if !top || level > 4 {
                    let bold = content
                        .into_iter()
                        .map(|i| match i {
                            Inline::Text(mut s) => {
                                s.style.bold = true;
                                Inline::Text(s)
                            }
                            other => other,
                        })
                        .collect();
                    self.paragraph(bold)
                } else {
                    let base = id.unwrap_or_else(|| slug(&nap_doc::plain_text(&content)));
                    Block::Heading {
                        level: level as u8,
                        id: self.ctx.unique_id(&base),
                        numbered: !unnumbered && !self.ctx.front_matter,
                        content,
                    }
                }
            }
            Target::Cell => {
                let blocks = if content.is_empty() {
                    Vec::new()
                } else {
                    vec![self.paragraph(content)]
                };
                if let Some(Frame::Row(cells)) = self.stack.last_mut() {
                    cells.push(Cell { blocks, colspan: 1 });
                }
                return;
            }
            Target::Code(text) => {
                let text = text.strip_suffix('\n').unwrap_or(&text);
                Block::Preformatted(
                    text.split('\n')
                        .map(|l| {
                            l.chars()
                                .map(|c| if c == '\t' { ' ' } else { c })
                                .filter(|c| !c.is_control())
                                .collect()
                        })
                        .collect(),
                )
            }
            Target::Html(text) => {
                let text = text.trim_end_matches('\n').to_string();
                self.target = Some(Target::Paragraph);
                self.push_text(&text, SpanStyle::default());
                self.target = None;
                let content = std::mem::take(&mut self.inlines);
                self.paragraph(content)
            }
        };
        self.blocks_mut().push(block);
    }

    /// Opens a quote/list/item frame unless the nesting cap is reached.
    fn open(&mut self, frame: Frame) {
        self.finish_target();
        if self.depth >= MAX_DEPTH {
            self.opened.push(false);
            return;
        }
        self.depth += 1;
        self.opened.push(true);
        self.stack.push(frame);
    }

    fn close(&mut self) {
        self.finish_target();
        if !self.opened.pop().unwrap_or(false) {
            return;
        }
        self.depth -= 1;
        let frame = self.stack.pop().expect("opened frame");
        match frame {
            Frame::Quote(b) => self.blocks_mut().push(Block::Quote(b)),
            Frame::List(l) => self.blocks_mut().push(Block::List(l)),
            Frame::Item(b) => match self.stack.last_mut() {
                Some(Frame::List(l)) => l.items.push(b),
                // The list itself was flattened: keep the item's blocks.
                _ => self.blocks_mut().extend(b),
            },
            _ => unreachable!("only quotes, lists and items are opened"),
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                let style = self.style();
                self.push_text(&t, style);
            }
            Event::Code(t) => {
                let mut style = self.style();
                style.code = true;
                self.push_text(&t, style);
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let style = self.style();
                self.push_text(&t, style);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                let style = self.style();
                self.push_text(&t, style);
            }
            Event::FootnoteReference(label) => {
                let style = self.style();
                self.push_text(&format!("[{label}]"), style);
            }
            Event::SoftBreak => {
                let style = self.style();
                self.push_text(" ", style);
            }
            Event::HardBreak => {
                if self.target.is_none() {
                    self.target = Some(Target::Paragraph);
                }
                self.inlines.push(Inline::LineBreak);
            }
            Event::Rule => {
                self.finish_target();
                self.blocks_mut().push(Block::Rule);
            }
            Event::TaskListMarker(done) => {
                let style = self.style();
                self.push_text(if done { "[x] " } else { "[ ] " }, style);
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                self.finish_target();
                self.target = Some(Target::Paragraph);
                if let Some(label) = self.footnote.take() {
                    self.push_text(&label, SpanStyle::default());
                }
            }
            Tag::Heading {
                level: l,
                id,
                classes,
                ..
            } => {
                self.finish_target();
                self.target = Some(Target::Heading {
                    level: level(l),
                    id: id.map(|s| s.to_string()).filter(|s| !s.is_empty()),
                    unnumbered: classes.iter().any(|c| &**c == "unnumbered"),
                });
            }
            Tag::BlockQuote(_) => self.open(Frame::Quote(Vec::new())),
            Tag::List(start) => self.open(Frame::List(List {
                ordered: start.is_some(),
                start: start.map(|s| s.min(u32::MAX as u64) as u32).unwrap_or(1),
                items: Vec::new(),
            })),
            Tag::Item => self.open(Frame::Item(Vec::new())),
            Tag::CodeBlock(_) => {
                self.finish_target();
                self.target = Some(Target::Code(String::new()));
            }
            Tag::HtmlBlock => {
                self.finish_target();
                self.target = Some(Target::Html(String::new()));
            }
            Tag::Table(aligns) => {
                self.finish_target();
                self.stack.push(Frame::Table {
                    columns: aligns.len(),
                    header_rows: 0,
                    rows: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => self.stack.push(Frame::Row(Vec::new())),
            Tag::TableCell => {
                self.target = Some(Target::Cell);
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let url = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                if allowed(&url) {
                    self.links.push(Some(url.trim().to_string()));
                } else {
                    self.ctx.refused.push(Refused {
                        target: url,
                        image: false,
                    });
                    self.links.push(None);
                }
            }
            Tag::Image { dest_url, .. } => {
                let lower = dest_url.to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    self.ctx.refused.push(Refused {
                        target: dest_url.to_string(),
                        image: true,
                    });
                }
                self.image += 1;
            }
            Tag::FootnoteDefinition(label) => {
                self.finish_target();
                self.footnote = Some(format!("[{label}] "));
            }
            Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.finish_target()
            }
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item => self.close(),
            TagEnd::TableCell => self.finish_target(),
            TagEnd::TableHead | TagEnd::TableRow => {
                let Some(Frame::Row(cells)) = self.stack.pop() else {
                    unreachable!("row frame")
                };
                if let Some(Frame::Table {
                    header_rows, rows, ..
                }) = self.stack.last_mut()
                {
                    if tag == TagEnd::TableHead {
                        *header_rows += 1;
                    }
                    rows.push(Row { cells });
                }
            }
            TagEnd::Table => {
                let Some(Frame::Table {
                    columns,
                    header_rows,
                    mut rows,
                }) = self.stack.pop()
                else {
                    unreachable!("table frame")
                };
                for row in &mut rows {
                    while row.cells.len() < columns {
                        row.cells.push(Cell {
                            blocks: Vec::new(),
                            colspan: 1,
                        });
                    }
                    row.cells.truncate(columns);
                }
                if columns > 0 && !rows.is_empty() {
                    self.blocks_mut().push(Block::Table(Table {
                        columns: vec![None; columns],
                        header_rows,
                        rows,
                        label_column: false,
                    }));
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Link => {
                self.links.pop();
            }
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            TagEnd::FootnoteDefinition => {
                self.finish_target();
                self.footnote = None;
            }
            _ => {}
        }
    }
}

/// Straight quotes as Albanian typesetting prints them
/// ([`nap_doc::typographic`]): `"` opening a quotation becomes „ and closing
/// it “ (the marks the templates use, as in „KKSHC“), one standing alone
/// between spaces is kept; `'` between two letters is an apostrophe, ’
/// (t’i, ç’mund).
/// Authors type straight quotes in plain editors; a ministry's document
/// prints these. Consecutive text spans are read as one text, so a quote
/// opening before **bold** closes after it; code spans are left as written
/// but still tell what is before and after a quote. A footnote mark or a
/// line break ends the run.
fn albanian_quotes(content: &mut [Inline]) {
    text_runs(content, quotes_run);
}

/// Calls `f` on each run of consecutive text spans of `content` (a footnote
/// mark or a line break ends a run).
fn text_runs(content: &mut [Inline], f: fn(&mut [Inline])) {
    let mut i = 0;
    while i < content.len() {
        let j = i + content[i..]
            .iter()
            .take_while(|x| matches!(x, Inline::Text(_)))
            .count();
        if j > i {
            f(&mut content[i..j]);
        }
        i = j + 1;
    }
}

/// [`albanian_quotes`] for one run of text spans.
fn quotes_run(run: &mut [Inline]) {
    let spans = || {
        run.iter().filter_map(|x| match x {
            Inline::Text(span) => Some(span),
            _ => None,
        })
    };
    if !spans().any(|s| !s.style.code && s.text.contains(['"', '\''])) {
        return;
    }
    let chars: Vec<char> = spans().flat_map(|s| s.text.chars()).collect();
    let mut at = 0;
    for x in run.iter_mut() {
        let Inline::Text(span) = x else { continue };
        let n = span.text.chars().count();
        if !span.style.code && span.text.contains(['"', '\'']) {
            span.text = (at..at + n)
                .map(|k| {
                    nap_doc::typographic(
                        k.checked_sub(1).map(|b| chars[b]),
                        chars[k],
                        chars.get(k + 1).copied(),
                    )
                })
                .collect();
        }
        at += n;
    }
}

/// Words after which Albanian typesetting keeps the number that follows on
/// the same line: "nr. 9917/2008", "neni 5", "Figura 1", "Tabela 2",
/// "faqe 12" (lower-cased; the text's own case is kept).
const TIED_BEFORE_NUMBER: [&str; 11] = [
    "nr.", "neni", "nenin", "nenit", "pika", "pikën", "figura", "tabela", "faqe", "kreu", "vkm",
];

/// Makes the space between a word of [`TIED_BEFORE_NUMBER`] and a number a
/// no-break space (U+00A0), so neither writer ends a line between "nr." and
/// "9917/2008". Consecutive text spans are read as one text, so the word and
/// its number may be in different spans ("nr. **9917/2008**"); a footnote
/// mark or a line break between them ends the run.
fn tie_numbers(content: &mut [Inline]) {
    text_runs(content, tie_run);
}

/// [`tie_numbers`] for one run of text spans.
fn tie_run(run: &mut [Inline]) {
    let texts = || {
        run.iter().map(|x| match x {
            Inline::Text(span) => span.text.as_str(),
            _ => "",
        })
    };
    if !texts().any(|t| t.contains(' ')) {
        return;
    }
    let joined: String = texts().collect();
    let at = tie_positions(&joined);
    if at.is_empty() {
        return;
    }
    let mut start = 0;
    let mut k = 0;
    for x in run.iter_mut() {
        let Inline::Text(span) = x else { continue };
        let end = start + span.text.len();
        let local: Vec<usize> = at[k..]
            .iter()
            .take_while(|&&p| p < end)
            .map(|&p| p - start)
            .collect();
        k += local.len();
        if !local.is_empty() {
            span.text = no_break_at(&span.text, &local);
        }
        start = end;
    }
}

/// `text` with the spaces to tie replaced, or `None` when there is none.
#[cfg(test)]
fn tie(text: &str) -> Option<String> {
    let at = tie_positions(text);
    (!at.is_empty()).then(|| no_break_at(text, &at))
}

/// The byte offsets, in order, of the spaces of `text` that come between a
/// word of [`TIED_BEFORE_NUMBER`] and a digit.
fn tie_positions(text: &str) -> Vec<usize> {
    text.match_indices(' ')
        .map(|(at, _)| at)
        .filter(|&at| {
            if !text[at + 1..].starts_with(|c: char| c.is_ascii_digit()) {
                return false;
            }
            let word_start = text[..at]
                .rfind(|c: char| c.is_whitespace() || c == '(')
                .map_or(0, |i| {
                    i + text[i..].chars().next().map_or(1, char::len_utf8)
                });
            TIED_BEFORE_NUMBER.contains(&text[word_start..at].to_lowercase().as_str())
        })
        .collect()
}

/// `text` with the spaces at the byte offsets `at` (in order) made no-break.
fn no_break_at(text: &str, at: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + at.len());
    let mut last = 0;
    for &p in at {
        out.push_str(&text[last..p]);
        out.push('\u{a0}');
        last = p + 1;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {

    /// Straight quotes come out as „…“ and apostrophes as ’, across spans,
    /// and code is left alone.
    #[test]
    fn straight_quotes_are_printed_as_albanian_quotes() {
        let mut ctx = Ctx::default();
        let text = |md: &str, ctx: &mut Ctx| nap_doc::plain_text(&inlines(md, ctx));
        assert_eq!(
            text(
                r#"ligji "Për **regjistrin** e pronarëve", (“x”) t'i, ç'mund"#,
                &mut ctx
            ),
            "ligji „Për regjistrin e pronarëve“, (“x”) t’i, ç’mund"
        );
        assert_eq!(
            text(r#""Besimi" - "2019"/"x" 'a' 5" `"kod" t'i`"#, &mut ctx),
            "„Besimi“ - „2019“/„x“ 'a' 5“ \"kod\" t'i"
        );
        assert_eq!(
            text(r#"a & < > " ' ]]> b"#, &mut ctx),
            r#"a & < > " ' ]]> b"#,
            "a quote alone between spaces quotes nothing"
        );
        let got = inlines(r#"a "b `c"` d""#, &mut ctx);
        let code: Vec<&str> = got
            .iter()
            .filter_map(|i| match i {
                Inline::Text(s) if s.style.code => Some(s.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(code, [r#"c""#]);
        assert_eq!(nap_doc::plain_text(&got), r#"a „b c" d“"#);
    }

    /// "nr. 9917/2008" and "Figura 1" are never split at a line end: the
    /// space is a no-break one in the model both writers draw.
    #[test]
    fn numbers_stay_with_the_word_before_them() {
        let nb = "\u{a0}";
        assert_eq!(
            tie("ligjin nr. 9917/2008 dhe neni 5, Figura 1 (Tabela 2)").as_deref(),
            Some(
                format!("ligjin nr.{nb}9917/2008 dhe neni{nb}5, Figura{nb}1 (Tabela{nb}2)")
                    .as_str()
            )
        );
        assert_eq!(tie("ëndrra nr. e madhe, 5 vjet"), None);
        assert_eq!(
            tie("Nr. 12 dhe nr. 13").as_deref(),
            Some(format!("Nr.{nb}12 dhe nr.{nb}13").as_str())
        );
        let mut ctx = Ctx::default();
        let blocks = blocks("Sipas ligjit nr. 112/2020.", &mut ctx, Mode::default());
        let Block::Paragraph { content, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            nap_doc::plain_text(content),
            format!("Sipas ligjit nr.{nb}112/2020.")
        );
    }

    /// The word and its number in different spans (bold, italics, a link)
    /// are tied too; a footnote mark between them ends the run.
    #[test]
    fn numbers_stay_with_the_word_before_them_across_spans() {
        let nb = "\u{a0}";
        for (md, want) in [
            (
                "Ligji nr. **9917/2008** u ndryshua.",
                format!("Ligji nr.{nb}9917/2008 u ndryshua."),
            ),
            (
                "Ligji **nr.** 9917/2008 u ndryshua.",
                format!("Ligji nr.{nb}9917/2008 u ndryshua."),
            ),
            (
                "Shih *Figura* 2 dhe [neni 5](https://e.al/).",
                format!("Shih Figura{nb}2 dhe neni{nb}5."),
            ),
            ("Shih n*r.* 5.", format!("Shih nr.{nb}5.")),
        ] {
            let (b, _) = conv(md);
            assert_eq!(para_text(&b[0]), want, "{md}");
        }
        let (b, _) = conv("Ligji nr.[^1] 5 vjet.\n\n[^1]: Shënim.");
        assert!(!para_text(&b[0]).contains(nb), "{:?}", para_text(&b[0]));
    }

    use super::*;
    use nap_doc::plain_text;

    fn conv(md: &str) -> (Vec<Block>, Ctx) {
        let mut ctx = Ctx::default();
        let b = blocks(md, &mut ctx, Mode::default());
        (b, ctx)
    }

    fn para_text(b: &Block) -> String {
        match b {
            Block::Paragraph { content, .. } => plain_text(content),
            other => panic!("not a paragraph: {other:?}"),
        }
    }

    #[test]
    fn inline_styles_links_and_breaks() {
        let (b, ctx) =
            conv("Një *pjerrët* **i trashë** `kod` [OGP](https://ogp.gov.al) rresht  \ni ri");
        let Block::Paragraph { content, .. } = &b[0] else {
            panic!()
        };
        let find = |t: &str| {
            content
                .iter()
                .find_map(|i| match i {
                    Inline::Text(s) if s.text == t => Some(s.style.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{t} in {content:?}"))
        };
        assert!(find("pjerrët").italic);
        assert!(find("i trashë").bold);
        assert!(find("kod").code);
        assert_eq!(find("OGP").link.as_deref(), Some("https://ogp.gov.al"));
        assert!(content.contains(&Inline::LineBreak));
        assert_eq!(
            plain_text(content),
            "Një pjerrët i trashë kod OGP rresht\ni ri"
        );
        assert!(ctx.refused.is_empty());
    }

    #[test]
    fn local_links_and_images_are_text_and_reported() {
        let (b, ctx) = conv("[raport](../sekret.docx) ![harta](file:///etc/passwd) [x](javascript:alert(1)) <a@b.al> [s](#hyrje)");
        let Block::Paragraph { content, .. } = &b[0] else {
            panic!()
        };
        assert_eq!(plain_text(content), "raport harta x a@b.al s");
        let links: Vec<_> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Text(s) => s.style.link.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(
            links,
            vec!["mailto:a@b.al".to_string(), "#hyrje".to_string()]
        );
        let targets: Vec<_> = ctx.refused.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(
            targets,
            vec![
                "../sekret.docx",
                "file:///etc/passwd",
                "javascript:alert(1)"
            ]
        );
    }

    #[test]
    fn html_is_literal_text() {
        let (b, _) = conv("a <b>x</b>\n\n<script>alert(1)</script>\n");
        assert_eq!(para_text(&b[0]), "a <b>x</b>");
        assert_eq!(para_text(&b[1]), "<script>alert(1)</script>");
    }

    #[test]
    fn blocks_lists_quotes_code_tables_rules() {
        let md = "# Hyrje\n\n1. një\n2. dy\n   - nën\n\n> cituar\n\n```\nkod 1\n  kod 2\n```\n\n---\n\n| A | B |\n|---|---|\n| 1 | 2 |\n| 3 |\n";
        let (b, _) = conv(md);
        assert!(
            matches!(&b[0], Block::Heading { level: 1, id, numbered: true, .. } if id == "hyrje")
        );
        let Block::List(l) = &b[1] else {
            panic!("{:?}", b[1])
        };
        assert!(l.ordered && l.start == 1 && l.items.len() == 2);
        assert!(matches!(&l.items[1][1], Block::List(inner) if !inner.ordered));
        assert!(matches!(&b[2], Block::Quote(q) if para_text(&q[0]) == "cituar"));
        assert_eq!(
            b[3],
            Block::Preformatted(vec!["kod 1".into(), "  kod 2".into()])
        );
        assert_eq!(b[4], Block::Rule);
        let Block::Table(t) = &b[5] else { panic!() };
        assert_eq!((t.columns.len(), t.header_rows, t.rows.len()), (2, 1, 3));
        assert!(t.rows.iter().all(|r| r.cells.len() == 2));
    }

    #[test]
    fn heading_ids_are_unique_and_attributes_win() {
        let (b, _) = conv(
            "# Hyrje\n\n# Hyrje\n\n## Çështje të hapura {#ceshtje .unnumbered}\n\n##### thellë",
        );
        let ids: Vec<_> = b
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, numbered, .. } => Some((id.clone(), *numbered)),
                _ => None,
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                ("hyrje".into(), true),
                ("hyrje-2".into(), true),
                ("ceshtje".into(), false)
            ]
        );
        assert_eq!(para_text(&b[3]), "thellë");
        assert_eq!(
            slug("Konteksti i qeverisjes së hapur në Shqipëri"),
            "konteksti-i-qeverisjes-se-hapur-ne-shqiperi"
        );
    }

    #[test]
    fn headings_inside_cells_are_bold_paragraphs() {
        let mut ctx = Ctx::default();
        let b = blocks(
            "## Problemi\n\ntekst",
            &mut ctx,
            Mode {
                top_level: false,
                ..Mode::default()
            },
        );
        let Block::Paragraph { content, .. } = &b[0] else {
            panic!()
        };
        assert!(matches!(&content[0], Inline::Text(s) if s.style.bold && s.text == "Problemi"));
    }

    #[test]
    fn deep_nesting_is_flattened_not_overflowed() {
        let quotes = format!("{}fund", "> ".repeat(2000));
        let (b, _) = conv(&quotes);
        let mut depth = 0;
        let mut cur = &b;
        while let Some(Block::Quote(inner)) = cur.first() {
            depth += 1;
            cur = inner;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(para_text(&cur[0]), "fund");

        let lists = format!("{}fund", "- ".repeat(2000));
        let (b, _) = conv(&lists);
        let mut text = String::new();
        nap_doc::walk(&b, &mut |b| {
            if let Block::Paragraph { content, .. } = b {
                text.push_str(&plain_text(content));
            }
        });
        assert_eq!(text, "fund");
    }

    /// The notes of a paragraph: (number, plain text).
    fn notes_of(b: &Block) -> Vec<(u32, String)> {
        let Block::Paragraph { content, .. } = b else {
            panic!("not a paragraph: {b:?}")
        };
        content
            .iter()
            .filter_map(|i| match i {
                Inline::Note(n) => Some((n.number, plain_text(&n.content))),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn footnotes_become_numbered_notes_and_strikethrough_stays_text() {
        let (b, _) = conv("Shiko[^1] ~~jo~~ dhe[^x].\n\n[^1]: shënim *i pjerrët*\n\n[^x]: Dy\n    paragrafë.\n\n    I dyti.");
        assert_eq!(b.len(), 1, "{b:#?}");
        assert_eq!(para_text(&b[0]), "Shiko ~~jo~~ dhe.");
        assert_eq!(
            notes_of(&b[0]),
            [
                (1, "shënim i pjerrët".into()),
                (2, "Dy paragrafë.\nI dyti.".into())
            ]
        );
    }

    /// Two texts with the same labels in one chunk (every analysis has its
    /// `[^1]`): each reference takes the definition written after it; the
    /// numbers run on through the document, across chunks.
    #[test]
    fn repeated_labels_take_the_next_definition_and_numbers_run_on() {
        let mut ctx = Ctx::default();
        let md = "A[^1] a[^2].\n\n[^1]: Nota A1.\n[^2]: Nota A2.\n\nB[^1].\n\n[^1]: Nota B1.\n";
        let b = blocks(md, &mut ctx, Mode::default());
        assert_eq!(b.len(), 2, "{b:#?}");
        assert_eq!(
            notes_of(&b[0]),
            [(1, "Nota A1.".into()), (2, "Nota A2.".into())]
        );
        assert_eq!(notes_of(&b[1]), [(3, "Nota B1.".into())]);
        let b = blocks(
            "C[^n] dhe prapë[^n].\n\n[^n]: Nota C.",
            &mut ctx,
            Mode::default(),
        );
        assert_eq!(
            notes_of(&b[0]),
            [(4, "Nota C.".into()), (5, "Nota C.".into())]
        );
    }

    /// Labels match whatever their case, as CommonMark's parser matches
    /// them; a note cited twice is one text, printed at both numbers.
    #[test]
    fn labels_match_in_any_case() {
        let (b, _) = conv("Teksti[^Ab] dhe[^AB].\n\n[^aB]: Nota.");
        assert_eq!(b.len(), 1, "{b:#?}");
        assert_eq!(para_text(&b[0]), "Teksti dhe.");
        assert_eq!(notes_of(&b[0]), [(1, "Nota.".into()), (2, "Nota.".into())]);
    }

    /// A definition written before its reference is still found; one that no
    /// reference takes is printed where it stands; a reference inside a note
    /// stays text.
    #[test]
    fn unreferenced_and_nested_notes_are_kept_as_text() {
        let (b, _) = conv("[^a]: Para.\n\nTeksti[^a].\n\n[^b]: Pa referencë[^a].");
        let texts: Vec<String> = b.iter().map(para_text).collect();
        assert_eq!(texts, ["Teksti.", "[b] Pa referencë[a]."]);
        assert_eq!(notes_of(&b[0]), [(1, "Para.".into())]);
    }

    #[test]
    fn escaped_values_read_as_written() {
        let raw = "*Arta* [x](file:a) <b> # {#id} 2020. _y_ | z ::: w";
        assert_eq!(plain(&crate::escape::text(raw)), raw);
    }
}
