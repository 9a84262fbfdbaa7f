//! The redline: NEW's document with OLD → NEW changes as revision marks.
//!
//! Conventions the DOCX writer should follow for Word's Accept/Reject to give
//! exactly [`accept_all`] / [`reject_all`]: a paragraph or heading whose every
//! span carries the same mark is a wholly inserted/deleted paragraph (its
//! paragraph mark is marked too), and a table row or list item whose every
//! span carries the same mark is a wholly inserted/deleted row or item.

use crate::tokens::{align, is_space, segments, tokenize, Bag, Seg};
use nap_doc::Revision;
use nap_doc::{
    plain_text, walk, Align, Block, Cell, Document, Inline, List, Note, ParaStyle, Row, Span,
    SpanStyle, Table,
};
use std::cell::OnceCell;
use std::collections::HashMap;

/// NEW with the changes from OLD marked: deleted words as
/// [`Revision::Deleted`], inserted words as [`Revision::Inserted`], word by
/// word inside paragraphs and table cells. Blocks are aligned section by
/// section (a section is a heading and what follows it, matched by heading
/// id), tables by their position in the section, other blocks by similarity.
pub fn redline(old: &Document, new: &Document) -> Document {
    let mut blocks = redline_sections(&old.blocks, &new.blocks);
    nap_doc::renumber_notes(&mut blocks);
    Document {
        meta: new.meta.clone(),
        blocks,
    }
}

struct Section<'a> {
    heading: Option<&'a Block>,
    id: &'a str,
    level: u8,
    body: &'a [Block],
}

fn section<'a>(head: Option<&'a Block>, body: &'a [Block]) -> Section<'a> {
    let (id, level) = match head {
        Some(Block::Heading { id, level, .. }) => (id.as_str(), *level),
        _ => ("", 0),
    };
    Section {
        heading: head,
        id,
        level,
        body,
    }
}

fn sections(blocks: &[Block]) -> Vec<Section<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut head: Option<&Block> = None;
    for (i, b) in blocks.iter().enumerate() {
        if matches!(b, Block::Heading { .. }) {
            if head.is_some() || i > start {
                out.push(section(head, &blocks[start..i]));
            }
            head = Some(b);
            start = i + 1;
        }
    }
    if head.is_some() || blocks.len() > start {
        out.push(section(head, &blocks[start..]));
    }
    out
}

fn heading_text(s: &Section) -> String {
    match s.heading {
        Some(Block::Heading { content, .. }) => plain_text(content),
        _ => String::new(),
    }
}

fn redline_sections(old: &[Block], new: &[Block]) -> Vec<Block> {
    let (os, ns) = (sections(old), sections(new));
    let (ot, nt): (Vec<String>, Vec<String>) = (
        os.iter().map(heading_text).collect(),
        ns.iter().map(heading_text).collect(),
    );
    let old_ids: HashMap<&str, usize> = os.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let new_ids: HashMap<&str, usize> = ns.iter().enumerate().map(|(j, s)| (s.id, j)).collect();
    let okeys: Vec<&str> = os.iter().map(|s| s.id).collect();
    let nkeys: Vec<&str> = ns.iter().map(|s| s.id).collect();
    // Same id first; a heading whose id changed (e.g. derived from a
    // reworded title) still pairs with a like heading of the same level.
    // Pairs stay in order: a section that moved becomes deleted where it
    // was and inserted where it is, since revision marks cannot express a
    // move and Reject must restore OLD's order.
    let matched: HashMap<usize, usize> = align(&okeys, &nkeys, |i, j| {
        if os[i].level != ns[j].level
            || new_ids.contains_key(os[i].id)
            || old_ids.contains_key(ns[j].id)
        {
            return None;
        }
        let s = Bag::new(&ot[i]).dice(&Bag::new(&nt[j]));
        (s >= 0.5).then_some(s)
    })
    .into_iter()
    .map(|(i, j)| (j, i))
    .collect();
    let old_matched: std::collections::HashSet<usize> = matched.values().copied().collect();

    let mut out = Vec::new();
    let emit_deleted = |out: &mut Vec<Block>, s: &Section| {
        out.extend(s.heading.and_then(|h| mark_block(h, Revision::Deleted)));
        out.extend(
            s.body
                .iter()
                .filter_map(|b| mark_block(b, Revision::Deleted)),
        );
    };
    let mut cursor = 0;
    for (j, s) in ns.iter().enumerate() {
        match matched.get(&j) {
            Some(&i) => {
                if i >= cursor {
                    for (k, o) in os.iter().enumerate().take(i).skip(cursor) {
                        if !old_matched.contains(&k) {
                            emit_deleted(&mut out, o);
                        }
                    }
                    cursor = i + 1;
                }
                let o = &os[i];
                match (o.heading, s.heading) {
                    (Some(oh), Some(nh)) => out.extend(redline_block(oh, nh)),
                    (None, Some(nh)) => out.extend(mark_block(nh, Revision::Inserted)),
                    _ => {}
                }
                out.extend(redline_blocks(o.body, s.body));
            }
            None => {
                out.extend(s.heading.and_then(|h| mark_block(h, Revision::Inserted)));
                out.extend(
                    s.body
                        .iter()
                        .filter_map(|b| mark_block(b, Revision::Inserted)),
                );
            }
        }
    }
    for (k, o) in os.iter().enumerate().skip(cursor) {
        if !old_matched.contains(&k) {
            emit_deleted(&mut out, o);
        }
    }
    out
}

/// The text of a block and everything inside it, for alignment keys.
fn block_text(b: &Block) -> String {
    let mut s = String::new();
    walk(std::slice::from_ref(b), &mut |x| match x {
        Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
            s.push_str(&plain_text(content));
            s.push('\n');
        }
        Block::Preformatted(lines) => {
            s.push_str(&lines.join("\n"));
            s.push('\n');
        }
        Block::Figure(f) => s.push_str(&f.id),
        Block::Toc { title, .. } => s.push_str(title),
        _ => {}
    });
    s
}

fn kind(b: &Block) -> String {
    match b {
        Block::Heading { level, .. } => format!("h{level}"),
        Block::Paragraph { style, .. } => format!("p{style:?}"),
        Block::List(l) => format!("l{}", l.ordered),
        Block::Quote(_) => "q".into(),
        Block::Preformatted(_) => "pre".into(),
        Block::Table(t) => format!("t{}", t.columns.len()),
        Block::Figure(_) => "fig".into(),
        Block::PageBreak => "br".into(),
        Block::Toc { .. } => "toc".into(),
        Block::Rule => "hr".into(),
    }
}

/// Word bags built only for the items an alignment actually scores (most
/// blocks are equal and never need one).
struct LazyBags<'a> {
    texts: &'a [String],
    bags: Vec<OnceCell<Bag<'a>>>,
}

impl<'a> LazyBags<'a> {
    fn new(texts: &'a [String]) -> LazyBags<'a> {
        LazyBags {
            texts,
            bags: (0..texts.len()).map(|_| OnceCell::new()).collect(),
        }
    }
    fn get(&self, i: usize) -> &Bag<'a> {
        self.bags[i].get_or_init(|| Bag::new(&self.texts[i]))
    }
}

/// Aligns two block sequences and redlines them: paired blocks word by
/// word, unpaired ones wholly deleted (before) or inserted.
fn redline_blocks(old: &[Block], new: &[Block]) -> Vec<Block> {
    let okeys: Vec<String> = old.iter().map(|b| kind(b) + &block_text(b)).collect();
    let nkeys: Vec<String> = new.iter().map(|b| kind(b) + &block_text(b)).collect();
    let (ob, nb) = (LazyBags::new(&okeys), LazyBags::new(&nkeys));
    let table_ordinal = |blocks: &[Block]| {
        let mut n = 0;
        blocks
            .iter()
            .map(|b| {
                matches!(b, Block::Table(_)).then(|| {
                    n += 1;
                    n
                })
            })
            .collect::<Vec<_>>()
    };
    let (otab, ntab) = (table_ordinal(old), table_ordinal(new));
    let pairs = align(&okeys, &nkeys, |i, j| {
        if kind(&old[i]) != kind(&new[j]) {
            return None;
        }
        let s = ob.get(i).dice(nb.get(j));
        match (&old[i], &new[j]) {
            (Block::Table(_), Block::Table(_)) => (otab[i] == ntab[j]).then_some(1.0 + s),
            (Block::Paragraph { .. }, _) | (Block::Preformatted(_), _) => (s >= 0.5).then_some(s),
            (Block::List(_), _) | (Block::Quote(_), _) => (s >= 0.3).then_some(s),
            (Block::Figure(a), Block::Figure(b)) => (a.id == b.id).then_some(1.0),
            (Block::PageBreak, _) | (Block::Rule, _) | (Block::Toc { .. }, _) => Some(0.5),
            _ => None,
        }
    });
    merge_aligned(
        old,
        new,
        &pairs,
        |b, rev| mark_block(b, rev).into_iter().collect(),
        redline_block,
    )
}

/// Walks aligned pairs in order: unpaired OLD items are emitted deleted,
/// unpaired NEW items inserted, pairs through `pair`.
fn merge_aligned<T, U>(
    old: &[T],
    new: &[T],
    pairs: &[(usize, usize)],
    mark: impl Fn(&T, Revision) -> Vec<U>,
    pair: impl Fn(&T, &T) -> Vec<U>,
) -> Vec<U> {
    let mut out = Vec::new();
    let (mut oi, mut nj) = (0, 0);
    for &(i, j) in pairs {
        for o in &old[oi..i] {
            out.extend(mark(o, Revision::Deleted));
        }
        for n in &new[nj..j] {
            out.extend(mark(n, Revision::Inserted));
        }
        out.extend(pair(&old[i], &new[j]));
        (oi, nj) = (i + 1, j + 1);
    }
    for o in &old[oi..] {
        out.extend(mark(o, Revision::Deleted));
    }
    for n in &new[nj..] {
        out.extend(mark(n, Revision::Inserted));
    }
    out
}

fn mark_inlines(content: &[Inline], rev: Revision) -> Vec<Inline> {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(s) => Inline::Text(Span {
                text: s.text.clone(),
                style: SpanStyle {
                    revision: Some(rev),
                    ..s.style.clone()
                },
            }),
            Inline::LineBreak => Inline::LineBreak,
            Inline::Note(n) => Inline::Note(Note {
                number: n.number,
                content: mark_inlines(&n.content, rev),
            }),
        })
        .collect()
}

/// Literal text has no spans to mark; a changed one becomes a paragraph of
/// code spans.
fn preformatted_as_paragraph(lines: &[String], rev: Revision) -> Block {
    let mut content = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        if k > 0 {
            content.push(Inline::LineBreak);
        }
        content.push(Inline::Text(Span {
            text: l.clone(),
            style: SpanStyle {
                code: true,
                revision: Some(rev),
                ..SpanStyle::default()
            },
        }));
    }
    Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Left,
        content,
    }
}

/// A whole block inserted or deleted: every span marked. Blocks without
/// text (page breaks, rules, figures, the table of contents) cannot carry
/// a mark: inserted ones are kept as they are, deleted ones left out.
fn mark_block(b: &Block, rev: Revision) -> Option<Block> {
    Some(match b {
        Block::Heading {
            level,
            id,
            numbered,
            content,
        } => Block::Heading {
            level: *level,
            id: id.clone(),
            numbered: *numbered,
            content: mark_inlines(content, rev),
        },
        Block::Paragraph {
            style,
            align,
            content,
        } => Block::Paragraph {
            style: *style,
            align: *align,
            content: mark_inlines(content, rev),
        },
        Block::List(l) => Block::List(List {
            ordered: l.ordered,
            start: l.start,
            items: l
                .items
                .iter()
                .map(|it| it.iter().filter_map(|b| mark_block(b, rev)).collect())
                .collect(),
        }),
        Block::Quote(inner) => {
            Block::Quote(inner.iter().filter_map(|b| mark_block(b, rev)).collect())
        }
        Block::Preformatted(lines) => preformatted_as_paragraph(lines, rev),
        Block::Table(t) => Block::Table(Table {
            rows: t.rows.iter().map(|r| mark_row(r, rev)).collect(),
            ..t.clone()
        }),
        other => {
            if rev == Revision::Deleted {
                return None;
            }
            other.clone()
        }
    })
}

fn mark_row(r: &Row, rev: Revision) -> Row {
    Row {
        cells: r
            .cells
            .iter()
            .map(|c| Cell {
                blocks: c.blocks.iter().filter_map(|b| mark_block(b, rev)).collect(),
                colspan: c.colspan,
            })
            .collect(),
    }
}

/// Redlines a pair of aligned blocks.
fn redline_block(old: &Block, new: &Block) -> Vec<Block> {
    if old == new {
        return vec![new.clone()];
    }
    match (old, new) {
        (
            Block::Heading { content: oc, .. },
            Block::Heading {
                level,
                id,
                numbered,
                content,
            },
        ) => vec![Block::Heading {
            level: *level,
            id: id.clone(),
            numbered: *numbered,
            content: redline_inlines(oc, content),
        }],
        (
            Block::Paragraph { content: oc, .. },
            Block::Paragraph {
                style,
                align,
                content,
            },
        ) => vec![Block::Paragraph {
            style: *style,
            align: *align,
            content: redline_inlines(oc, content),
        }],
        (Block::Table(ot), Block::Table(nt)) if ot.columns.len() == nt.columns.len() => {
            vec![Block::Table(redline_table(ot, nt))]
        }
        (Block::List(ol), Block::List(nl)) => vec![Block::List(redline_list(ol, nl))],
        (Block::Quote(oq), Block::Quote(nq)) => vec![Block::Quote(redline_blocks(oq, nq))],
        (Block::Preformatted(a), Block::Preformatted(b)) if a != b => vec![
            preformatted_as_paragraph(a, Revision::Deleted),
            preformatted_as_paragraph(b, Revision::Inserted),
        ],
        (o, n) if o == n || kind(o) == kind(n) && block_text(o) == block_text(n) => vec![n.clone()],
        (o, n) => mark_block(o, Revision::Deleted)
            .into_iter()
            .chain(mark_block(n, Revision::Inserted))
            .collect(),
    }
}

fn row_text(r: &Row) -> String {
    r.cells
        .iter()
        .flat_map(|c| c.blocks.iter().map(block_text))
        .collect::<Vec<_>>()
        .join("\t")
}

fn first_cell_text(r: &Row) -> String {
    r.cells
        .first()
        .map(|c| c.blocks.iter().map(block_text).collect())
        .unwrap_or_default()
}

fn redline_table(ot: &Table, nt: &Table) -> Table {
    let okeys: Vec<String> = ot.rows.iter().map(row_text).collect();
    let nkeys: Vec<String> = nt.rows.iter().map(row_text).collect();
    let (ob, nb) = (LazyBags::new(&okeys), LazyBags::new(&nkeys));
    let spans = |r: &Row| r.cells.iter().map(|c| c.colspan).collect::<Vec<_>>();
    let pairs = align(&okeys, &nkeys, |i, j| {
        let (o, n) = (&ot.rows[i], &nt.rows[j]);
        if spans(o) != spans(n) {
            return None;
        }
        let s = ob.get(i).dice(nb.get(j));
        // The label column of key–value tables ("Objektivi") identifies the row.
        let same_label = nt.label_column && first_cell_text(o) == first_cell_text(n);
        if same_label {
            Some(1.0 + s)
        } else {
            (s >= 0.3).then_some(s)
        }
    });
    // Index in the output of each NEW row, to keep the header rows in place.
    let mut out_rows: Vec<(Option<usize>, Row)> = merge_aligned(
        &ot.rows.iter().map(|r| (None, r)).collect::<Vec<_>>(),
        &nt.rows
            .iter()
            .enumerate()
            .map(|(j, r)| (Some(j), r))
            .collect::<Vec<_>>(),
        &pairs,
        |(j, r), rev| {
            vec![(
                if rev == Revision::Inserted { *j } else { None },
                mark_row(r, rev),
            )]
        },
        |(_, o), (j, n)| {
            vec![(
                *j,
                Row {
                    cells: o
                        .cells
                        .iter()
                        .zip(&n.cells)
                        .map(|(oc, nc)| Cell {
                            blocks: redline_blocks(&oc.blocks, &nc.blocks),
                            colspan: nc.colspan,
                        })
                        .collect(),
                },
            )]
        },
    );
    let header_rows = if nt.header_rows == 0 {
        0
    } else {
        out_rows
            .iter()
            .position(|(j, _)| *j == Some(nt.header_rows - 1))
            .map_or(nt.header_rows, |p| p + 1)
    };
    Table {
        columns: nt.columns.clone(),
        header_rows,
        rows: out_rows.drain(..).map(|(_, r)| r).collect(),
        label_column: nt.label_column,
    }
}

fn redline_list(ol: &List, nl: &List) -> List {
    let text = |it: &Vec<Block>| it.iter().map(block_text).collect::<String>();
    let okeys: Vec<String> = ol.items.iter().map(text).collect();
    let nkeys: Vec<String> = nl.items.iter().map(text).collect();
    let (ob, nb) = (LazyBags::new(&okeys), LazyBags::new(&nkeys));
    let pairs = align(&okeys, &nkeys, |i, j| {
        let s = ob.get(i).dice(nb.get(j));
        (s >= 0.4).then_some(s)
    });
    List {
        ordered: nl.ordered,
        start: nl.start,
        items: merge_aligned(
            &ol.items,
            &nl.items,
            &pairs,
            |it, rev| vec![it.iter().filter_map(|b| mark_block(b, rev)).collect()],
            |o, n| vec![redline_blocks(o, n)],
        ),
    }
}

/// A word-diff token of a paragraph: its text and the style of its span; a
/// footnote is one token (its text, and the note).
struct Tok<'a> {
    text: &'a str,
    style: Option<&'a SpanStyle>,
    note: Option<&'a Note>,
}

#[derive(PartialEq, Eq, Hash)]
struct TokKey<'a> {
    text: &'a str,
    bold: bool,
    italic: bool,
    code: bool,
    link: Option<&'a str>,
}

/// The plain text of each footnote of `content`, in order (what a note's
/// token is compared by).
fn note_texts(content: &[Inline]) -> Vec<String> {
    content
        .iter()
        .filter_map(|i| match i {
            Inline::Note(n) => Some(plain_text(&n.content)),
            _ => None,
        })
        .collect()
}

fn toks<'a>(content: &'a [Inline], notes: &'a [String]) -> Vec<Tok<'a>> {
    let mut out = Vec::new();
    let mut k = 0;
    for i in content {
        match i {
            Inline::Text(s) => out.extend(tokenize(&s.text).into_iter().map(|t| Tok {
                text: t,
                style: Some(&s.style),
                note: None,
            })),
            Inline::LineBreak => out.push(Tok {
                text: "\n",
                style: None,
                note: None,
            }),
            Inline::Note(n) => {
                out.push(Tok {
                    text: &notes[k],
                    style: None,
                    note: Some(n),
                });
                k += 1;
            }
        }
    }
    out
}

fn key<'a>(t: &Tok<'a>) -> TokKey<'a> {
    match t.style {
        Some(s) => TokKey {
            text: t.text,
            bold: s.bold,
            italic: s.italic,
            code: s.code,
            link: s.link.as_deref(),
        },
        None => TokKey {
            text: t.text,
            bold: false,
            italic: false,
            code: false,
            // Set apart from any text: a line break, or a note.
            link: Some(if t.note.is_some() { "\u{1}note" } else { "\n" }),
        },
    }
}

/// Word-level redline of a paragraph's inlines; a formatting change (bold,
/// italic, code, link) counts as a change of the words it touches. Equal
/// words keep NEW's style.
fn redline_inlines(old: &[Inline], new: &[Inline]) -> Vec<Inline> {
    let (onotes, nnotes) = (note_texts(old), note_texts(new));
    let (ot, nt) = (toks(old, &onotes), toks(new, &nnotes));
    let okeys: Vec<TokKey> = ot.iter().map(key).collect();
    let nkeys: Vec<TokKey> = nt.iter().map(key).collect();
    let mut out: Vec<Inline> = Vec::new();
    let push = |out: &mut Vec<Inline>, t: &Tok, rev: Option<Revision>| match t.style {
        None if t.note.is_some() => {
            let note = t.note.expect("a note token");
            out.push(Inline::Note(match rev {
                None => note.clone(),
                Some(rev) => Note {
                    number: note.number,
                    content: mark_inlines(&note.content, rev),
                },
            }));
        }
        None => {
            // A line break cannot carry a mark: a removed one is dropped.
            if rev != Some(Revision::Deleted) {
                out.push(Inline::LineBreak);
            }
        }
        Some(style) => {
            let style = SpanStyle {
                revision: rev,
                ..style.clone()
            };
            match out.last_mut() {
                Some(Inline::Text(last)) if last.style == style => last.text.push_str(t.text),
                _ => out.push(Inline::Text(Span {
                    text: t.text.to_string(),
                    style,
                })),
            }
        }
    };
    for seg in segments(&okeys, &nkeys, |i| {
        ot[i].style.is_some() && is_space(ot[i].text)
    }) {
        match seg {
            Seg::Equal { new, .. } => nt[new].iter().for_each(|t| push(&mut out, t, None)),
            Seg::Change { old, new } => {
                ot[old]
                    .iter()
                    .for_each(|t| push(&mut out, t, Some(Revision::Deleted)));
                nt[new]
                    .iter()
                    .for_each(|t| push(&mut out, t, Some(Revision::Inserted)));
            }
        }
    }
    out
}

/// Whether the inlines hold text and every span carries `rev`.
fn wholly(content: &[Inline], rev: Revision) -> bool {
    let mut any = false;
    for i in content {
        if let Inline::Text(s) = i {
            if s.style.revision != Some(rev) {
                return false;
            }
            any = true;
        }
    }
    any
}

/// Whether blocks hold text and every span in them carries `rev`.
fn blocks_wholly(blocks: &[Block], rev: Revision) -> bool {
    let mut any = false;
    let mut all = true;
    walk(blocks, &mut |b| {
        if let Block::Heading { content, .. } | Block::Paragraph { content, .. } = b {
            for i in content {
                if let Inline::Text(s) = i {
                    any = true;
                    all &= s.style.revision == Some(rev);
                }
            }
        }
    });
    any && all
}

/// Every revision accepted: deleted text removed, inserted text kept.
/// Wholly deleted paragraphs, rows and list items disappear.
pub fn accept_all(doc: &Document) -> Document {
    resolve(doc, Revision::Deleted)
}

/// Every revision rejected: inserted text removed, deleted text kept.
/// Wholly inserted paragraphs, rows and list items disappear.
pub fn reject_all(doc: &Document) -> Document {
    resolve(doc, Revision::Inserted)
}

fn resolve(doc: &Document, drop: Revision) -> Document {
    let mut blocks = resolve_blocks(&doc.blocks, drop);
    nap_doc::renumber_notes(&mut blocks);
    Document {
        meta: doc.meta.clone(),
        blocks,
    }
}

fn resolve_inlines(content: &[Inline], drop: Revision) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for i in content {
        match i {
            Inline::Text(s) if s.style.revision == Some(drop) => {}
            Inline::Text(s) => {
                let style = SpanStyle {
                    revision: None,
                    ..s.style.clone()
                };
                match out.last_mut() {
                    Some(Inline::Text(last)) if last.style == style => last.text.push_str(&s.text),
                    _ => out.push(Inline::Text(Span {
                        text: s.text.clone(),
                        style,
                    })),
                }
            }
            Inline::LineBreak => out.push(Inline::LineBreak),
            Inline::Note(n) if wholly(&n.content, drop) => {}
            Inline::Note(n) => out.push(Inline::Note(Note {
                number: n.number,
                content: resolve_inlines(&n.content, drop),
            })),
        }
    }
    out
}

fn resolve_blocks(blocks: &[Block], drop: Revision) -> Vec<Block> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Paragraph { content, .. }
                if wholly(content, drop) => {}
            Block::Heading {
                level,
                id,
                numbered,
                content,
            } => out.push(Block::Heading {
                level: *level,
                id: id.clone(),
                numbered: *numbered,
                content: resolve_inlines(content, drop),
            }),
            Block::Paragraph {
                style,
                align,
                content,
            } => out.push(Block::Paragraph {
                style: *style,
                align: *align,
                content: resolve_inlines(content, drop),
            }),
            Block::List(l) => {
                let items: Vec<Vec<Block>> = l
                    .items
                    .iter()
                    .filter(|it| !blocks_wholly(it, drop))
                    .map(|it| resolve_blocks(it, drop))
                    .collect();
                if !items.is_empty() {
                    out.push(Block::List(List { items, ..l.clone() }));
                }
            }
            Block::Quote(inner) => {
                if !blocks_wholly(inner, drop) {
                    out.push(Block::Quote(resolve_blocks(inner, drop)));
                }
            }
            Block::Table(t) => {
                let rows: Vec<Row> = t
                    .rows
                    .iter()
                    .filter(|r| {
                        let cells: Vec<Block> =
                            r.cells.iter().flat_map(|c| c.blocks.clone()).collect();
                        !blocks_wholly(&cells, drop)
                    })
                    .map(|r| Row {
                        cells: r
                            .cells
                            .iter()
                            .map(|c| Cell {
                                blocks: resolve_blocks(&c.blocks, drop),
                                colspan: c.colspan,
                            })
                            .collect(),
                    })
                    .collect();
                if !rows.is_empty() {
                    out.push(Block::Table(Table {
                        header_rows: t.header_rows.min(rows.len()),
                        rows,
                        ..t.clone()
                    }));
                }
            }
            other => out.push(other.clone()),
        }
    }
    out
}

/// The text of a document, one line per non-empty paragraph or heading (in
/// reading order, through lists, quotes and table cells), ignoring revision
/// marks: what `accept_all`/`reject_all` results are compared by.
pub fn text_lines(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    walk(&doc.blocks, &mut |b| match b {
        Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
            let t = plain_text(content);
            if !t.is_empty() {
                out.push(t);
            }
            // Footnotes, each a line after the paragraph citing it.
            for note in note_texts(content) {
                out.push(format!("[shënim] {note}"));
            }
        }
        Block::Preformatted(lines) if !lines.is_empty() => out.push(lines.join("\n")),
        _ => {}
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nap_doc::Meta;

    fn para(spans: Vec<Span>) -> Block {
        Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Justify,
            content: spans.into_iter().map(Inline::Text).collect(),
        }
    }
    fn h(level: u8, id: &str, text: &str) -> Block {
        Block::Heading {
            level,
            id: id.into(),
            numbered: true,
            content: vec![Inline::plain(text)],
        }
    }
    fn cell(t: &str) -> Cell {
        Cell {
            blocks: vec![Block::para(t)],
            colspan: 1,
        }
    }
    fn kv(rows: &[(&str, &str)]) -> Block {
        Block::Table(Table {
            columns: vec![Some(30.0), Some(70.0)],
            header_rows: 0,
            rows: rows
                .iter()
                .map(|(k, v)| Row {
                    cells: vec![cell(k), cell(v)],
                })
                .collect(),
            label_column: true,
        })
    }
    fn milestones(rows: &[(&str, &str, &str)]) -> Block {
        let mut all = vec![Row {
            cells: vec![cell("Rezultati"), cell("Fillimi"), cell("Përfundimi")],
        }];
        all.extend(rows.iter().map(|(a, b, c)| Row {
            cells: vec![cell(a), cell(b), cell(c)],
        }));
        Block::Table(Table {
            columns: vec![Some(60.0), Some(20.0), Some(20.0)],
            header_rows: 1,
            rows: all,
            label_column: false,
        })
    }
    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            meta: Meta {
                revision_author: "nap".into(),
                ..Meta::default()
            },
            blocks,
        }
    }

    fn old_doc() -> Document {
        doc(vec![
            Block::Paragraph {
                style: ParaStyle::Title,
                align: Align::Center,
                content: vec![Inline::plain("Plani Kombëtar i Veprimit 2020–2022")],
            },
            Block::PageBreak,
            Block::Toc {
                title: "Përmbajtja".into(),
                depth: 2,
            },
            h(1, "antikorrupsioni", "Lufta kundër korrupsionit"),
            Block::para("Korrupsioni mbetet një sfidë e madhe për administratën publike."),
            Block::para("Paragraf që do të hiqet plotësisht nga drafti i ri."),
            Block::List(List {
                ordered: false,
                start: 1,
                items: vec![
                    vec![Block::para("Ministria e Drejtësisë")],
                    vec![Block::para("Agjencia e Prokurimit Publik")],
                ],
            }),
            h(2, "ak-01", "AK-01 Planet e integritetit"),
            kv(&[
                (
                    "Objektivi",
                    "Hartimi i planeve të integritetit në ministri.",
                ),
                ("Institucioni zbatues", "Ministria e Drejtësisë"),
            ]),
            milestones(&[
                ("Miratimi i metodologjisë", "shtator 2020", "dhjetor 2020"),
                ("Trajnimi i stafit", "janar 2021", "qershor 2021"),
            ]),
            h(2, "ak-02", "AK-02 Prokurimet e hapura"),
            kv(&[("Objektivi", "Publikimi i kontratave.")]),
            h(2, "ak-03", "AK-03 Regjistri i pronave"),
            kv(&[("Objektivi", "Regjistri online i pronave.")]),
        ])
    }

    fn new_doc() -> Document {
        doc(vec![
            Block::Paragraph {
                style: ParaStyle::Title,
                align: Align::Center,
                content: vec![Inline::plain("Plani Kombëtar i Veprimit 2020–2022")],
            },
            Block::PageBreak,
            Block::Toc {
                title: "Përmbajtja".into(),
                depth: 2,
            },
            h(1, "antikorrupsioni", "Lufta kundër korrupsionit"),
            para(vec![
                Span::plain("Korrupsioni mbetet një "),
                Span::bold("sfidë kryesore"),
                Span::plain(" për administratën publike shqiptare."),
            ]),
            Block::para("Një paragraf krejt i ri për çështjet e pronës."),
            Block::List(List {
                ordered: false,
                start: 1,
                items: vec![
                    vec![Block::para("Ministria e Drejtësisë")],
                    vec![Block::para("Agjencia e Prokurimit Publik")],
                    vec![Block::para("Shoqëria civile")],
                ],
            }),
            h(2, "ak-03", "AK-03 Regjistri elektronik i pronave"),
            kv(&[("Objektivi", "Regjistri online i pronave.")]),
            h(2, "ak-01", "AK-01 Planet e integritetit"),
            kv(&[
                (
                    "Objektivi",
                    "Miratimi i planeve të integritetit në të gjitha ministritë.",
                ),
                ("Ambicia", "Përtej praktikës aktuale."),
                ("Institucioni zbatues", "Ministria e Drejtësisë"),
            ]),
            milestones(&[
                ("Miratimi i metodologjisë", "shtator 2020", "mars 2021"),
                ("Trajnimi i stafit", "janar 2021", "qershor 2021"),
                ("Monitorimi", "korrik 2021", "gusht 2022"),
            ]),
            h(2, "ak-04", "AK-04 Angazhim i ri"),
            kv(&[("Objektivi", "Diçka e re.")]),
        ])
    }

    #[test]
    fn accept_gives_new_and_reject_gives_old() {
        let (old, new) = (old_doc(), new_doc());
        let r = redline(&old, &new);
        assert_eq!(text_lines(&accept_all(&r)), text_lines(&new));
        assert_eq!(text_lines(&reject_all(&r)), text_lines(&old));
        // Also in the other direction, and against itself.
        let back = redline(&new, &old);
        assert_eq!(text_lines(&accept_all(&back)), text_lines(&old));
        assert_eq!(text_lines(&reject_all(&back)), text_lines(&new));
        let same = redline(&new, &new);
        assert_eq!(same, new, "a document against itself has no marks");
    }

    fn marked(doc: &Document, rev: Revision) -> Vec<String> {
        let mut out = Vec::new();
        walk(&doc.blocks, &mut |b| {
            if let Block::Heading { content, .. } | Block::Paragraph { content, .. } = b {
                for i in content {
                    if let Inline::Text(s) = i {
                        if s.style.revision == Some(rev) {
                            out.push(s.text.clone());
                        }
                    }
                }
            }
        });
        out
    }

    /// A footnote is one token: an unchanged note stays as it is, a changed
    /// one is deleted and inserted whole (its text marked); accepting or
    /// rejecting gives either version's notes back, numbered 1, 2, ….
    #[test]
    fn footnotes_change_as_whole_notes() {
        let note = |t: &str| {
            Inline::Note(nap_doc::Note {
                number: 0,
                content: vec![Inline::plain(t)],
            })
        };
        let p = |a: &str, b: &str| Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Left,
            content: vec![
                Inline::plain("Pohimi i parë"),
                note(a),
                Inline::plain(" dhe i dyti"),
                note(b),
                Inline::plain("."),
            ],
        };
        let mut old = doc(vec![p("Burimi A.", "Burimi B.")]);
        let mut new = doc(vec![p("Burimi A.", "Burimi C, i ri.")]);
        nap_doc::renumber_notes(&mut old.blocks);
        nap_doc::renumber_notes(&mut new.blocks);
        let r = redline(&old, &new);
        let Block::Paragraph { content, .. } = &r.blocks[0] else {
            panic!("{:?}", r.blocks)
        };
        let notes: Vec<(u32, String, Option<Revision>)> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Note(n) => Some((
                    n.number,
                    plain_text(&n.content),
                    match &n.content[0] {
                        Inline::Text(s) => s.style.revision,
                        _ => None,
                    },
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            notes,
            [
                (1, "Burimi A.".into(), None),
                (2, "Burimi B.".into(), Some(Revision::Deleted)),
                (3, "Burimi C, i ri.".into(), Some(Revision::Inserted)),
            ]
        );
        assert_eq!(accept_all(&r), new);
        assert_eq!(reject_all(&r), old);
        assert_eq!(text_lines(&accept_all(&r)), text_lines(&new));
        assert!(text_lines(&new).contains(&"[shënim] Burimi C, i ri.".to_string()));
    }

    #[test]
    fn marks_only_changed_words() {
        let r = redline(&old_doc(), &new_doc());
        let del = marked(&r, Revision::Deleted);
        let ins = marked(&r, Revision::Inserted);
        assert!(del.contains(&"Hartimi".to_string()), "{del:?}");
        assert!(ins.contains(&"Miratimi".to_string()), "{ins:?}");
        assert!(del.contains(&"dhjetor 2020".to_string()), "{del:?}");
        assert!(ins.contains(&"mars 2021".to_string()), "{ins:?}");
        // Formatting change: plain "sfidë e madhe" → bold "sfidë kryesore".
        assert!(del.contains(&"sfidë e madhe".to_string()), "{del:?}");
        assert!(ins.contains(&"sfidë kryesore".to_string()), "{ins:?}");
        // Whole blocks: removed section AK-02, added AK-04, the new row.
        for t in [
            "AK-02 Prokurimet e hapura",
            "Publikimi i kontratave.",
            "Paragraf që do të hiqet plotësisht nga drafti i ri.",
        ] {
            assert!(del.contains(&t.to_string()), "{t}: {del:?}");
        }
        for t in [
            "AK-04 Angazhim i ri",
            "Ambicia",
            "Monitorimi",
            "gusht 2022",
            "Shoqëria civile",
        ] {
            assert!(ins.contains(&t.to_string()), "{t}: {ins:?}");
        }
        // Unchanged text is not marked.
        for t in [
            "Trajnimi i stafit",
            "Institucioni zbatues",
            "Ministria e Drejtësisë",
        ] {
            assert!(!del.iter().chain(&ins).any(|x| x.contains(t)), "{t}");
        }
        // The section AK-03 moved before AK-01: deleted where it was,
        // inserted where it is.
        assert!(
            ins.contains(&"AK-03 Regjistri elektronik i pronave".to_string()),
            "{ins:?}"
        );
        assert!(
            del.contains(&"AK-03 Regjistri i pronave".to_string()),
            "{del:?}"
        );
    }

    #[test]
    fn styles_survive_and_header_rows_stay_in_place() {
        let r = redline(&old_doc(), &new_doc());
        let mut bold_equal = false;
        walk(&r.blocks, &mut |b| {
            if let Block::Paragraph { content, .. } = b {
                for i in content {
                    if let Inline::Text(s) = i {
                        bold_equal |= s.style.bold && s.style.revision == Some(Revision::Inserted);
                    }
                }
            }
        });
        assert!(bold_equal);
        let tables: Vec<&Table> = r
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) if t.columns.len() == 3 => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].header_rows, 1);
        assert_eq!(tables[0].rows.len(), 4);
    }

    #[test]
    fn changed_heading_id_pairs_by_text() {
        let old = doc(vec![
            h(1, "hyrje-e-vjeter", "Hyrja e planit"),
            Block::para("Tekst i njëjtë."),
        ]);
        let new = doc(vec![
            h(1, "hyrje-e-re", "Hyrja e planit të ri"),
            Block::para("Tekst i njëjtë."),
        ]);
        let r = redline(&old, &new);
        assert_eq!(marked(&r, Revision::Deleted), Vec::<String>::new());
        assert_eq!(marked(&r, Revision::Inserted), vec![" të ri".to_string()]);
    }

    #[test]
    fn preformatted_and_line_breaks() {
        let old = doc(vec![Block::Preformatted(vec!["a = 1".into()])]);
        let new = doc(vec![Block::Preformatted(vec!["a = 2".into(), "b".into()])]);
        let r = redline(&old, &new);
        assert_eq!(text_lines(&accept_all(&r)), text_lines(&new));
        assert_eq!(text_lines(&reject_all(&r)), text_lines(&old));
    }

    #[test]
    fn large_documents_redline_quickly() {
        // 1,000 commitment sections of a heading, a key–value table and a
        // milestone table; every tenth reworded, one section dropped.
        let section = |k: usize, word: &str| {
            vec![
                h(2, &format!("ak-{k}"), &format!("AK-{k} Angazhimi {k}")),
                kv(&[
                    (
                        "Objektivi",
                        &format!("Objektivi {word} i angazhimit {k} për transparencën."),
                    ),
                    ("Institucioni zbatues", "Ministria e Drejtësisë"),
                ]),
                milestones(&[
                    ("Miratimi i metodologjisë", "shtator 2020", "dhjetor 2020"),
                    ("Trajnimi i stafit", "janar 2021", "qershor 2021"),
                ]),
            ]
        };
        let old = doc((0..1000).flat_map(|k| section(k, "kryesor")).collect());
        let new = doc((0..1000)
            .filter(|k| *k != 500)
            .flat_map(|k| section(k, if k % 10 == 0 { "i ri" } else { "kryesor" }))
            .collect());
        let t = std::time::Instant::now();
        let r = redline(&old, &new);
        let took = t.elapsed();
        assert_eq!(text_lines(&accept_all(&r)), text_lines(&new));
        assert_eq!(text_lines(&reject_all(&r)), text_lines(&old));
        assert!(took.as_secs_f64() < 1.0, "took {took:?}");
    }
}
