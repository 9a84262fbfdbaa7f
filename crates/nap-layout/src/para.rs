//! Paragraphs: styled inlines → atoms between break opportunities → lines
//! chosen by an optimal-fit (Knuth–Plass style) search → positioned runs.

use crate::fonts::{glyphs_into, glyphs_of, Fonts, Shaped};
use crate::hyph::Hyph;
use crate::{Color, FaceId, GlyphRun, Item, LinkTarget, Tag};
use nap_doc::{Align, Inline, Revision};
use nap_fonts::{Face, Family};
use std::ops::Range;
use std::rc::Rc;
use unicode_linebreak::{linebreaks, BreakOpportunity};

pub const LINK_COLOR: Color = Color(0x1F, 0x4E, 0x99);
const INSERT_COLOR: Color = Color(0x1B, 0x5E, 0x20);
const DELETE_COLOR: Color = Color(0xB7, 0x1C, 0x1C);

/// The paragraph's base format.
#[derive(Debug, Clone)]
pub struct Base {
    pub family: Family,
    pub bold: bool,
    pub italic: bool,
    pub size: f32,
    pub leading: f32,
    pub color: Color,
    pub align: Align,
    pub hyphenate: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Style {
    face: FaceId,
    size: f32,
    color: Color,
    link: Option<String>,
    underline: bool,
    strike: bool,
    hyphenate: bool,
    /// How far the text is raised above the baseline (a footnote's number).
    rise: f32,
    /// The footnote whose number this is.
    note: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Brk {
    /// No break (a style change inside a word).
    None,
    /// Inter-word space of natural width `w`; the whitespace ends at `end`.
    Space {
        w: f32,
        end: usize,
    },
    /// A break without a space (after a hyphen, a slash, or a forced split).
    Soft,
    /// A hyphenation point: a hyphen of width `w` is drawn when broken.
    Hyphen {
        w: f32,
    },
    Forced,
    End,
}

struct Atom {
    style: u16,
    shaped: Rc<Shaped>,
    gl: Range<usize>,
    /// Offset in the paragraph text where the shaped text starts.
    base: usize,
    text: Range<usize>,
    width: f32,
    brk: Brk,
}

/// One line: items positioned relative to the line's top-left corner.
#[derive(Debug, Clone)]
pub struct Line {
    pub height: f32,
    pub baseline: f32,
    pub items: Vec<Item>,
    pub width: f32,
    /// The footnotes whose numbers this line prints, in order.
    pub notes: Vec<u32>,
}

struct Prepared {
    text: String,
    styles: Vec<Style>,
    atoms: Vec<Atom>,
}

fn resolve_style(base: &Base, st: &nap_doc::SpanStyle) -> Style {
    let mut family = base.family;
    let mut size = base.size;
    let mut color = base.color;
    if st.code {
        family = Family::Sans;
        size *= 0.92;
    }
    if st.link.is_some() {
        color = LINK_COLOR;
    }
    let (mut underline, mut strike) = (false, false);
    match st.revision {
        Some(Revision::Inserted) => {
            color = INSERT_COLOR;
            underline = true;
        }
        Some(Revision::Deleted) => {
            color = DELETE_COLOR;
            strike = true;
        }
        None => {}
    }
    Style {
        face: crate::face_id(Face {
            family,
            bold: base.bold || st.bold,
            italic: base.italic || st.italic,
        }),
        size,
        color,
        link: st.link.clone(),
        underline,
        strike,
        hyphenate: base.hyphenate && !st.code && st.link.is_none(),
        rise: 0.0,
        note: None,
    }
}

/// A footnote's number: smaller and raised, never hyphenated.
fn note_style(base: &Base, number: u32) -> Style {
    Style {
        size: base.size * NOTE_MARK_SCALE,
        rise: base.size * NOTE_MARK_RISE,
        note: Some(number),
        hyphenate: false,
        ..resolve_style(base, &nap_doc::SpanStyle::default())
    }
}

/// A footnote number's size and rise, as fractions of the text's size (the
/// proportions of Word's superscript).
pub const NOTE_MARK_SCALE: f32 = 0.65;
pub const NOTE_MARK_RISE: f32 = 0.33;

fn style_index(styles: &mut Vec<Style>, s: Style) -> u16 {
    if let Some(i) = styles.iter().position(|x| *x == s) {
        return i as u16;
    }
    styles.push(s);
    (styles.len() - 1) as u16
}

fn is_break_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}' | '\u{2007}')
}

fn prepare(
    fonts: &mut Fonts,
    hyph: Option<&mut Hyph>,
    inlines: &[Inline],
    base: &Base,
) -> Prepared {
    let mut text = String::new();
    let mut styles: Vec<Style> = Vec::new();
    let mut spans: Vec<(Range<usize>, u16)> = Vec::new();
    let plain = resolve_style(base, &nap_doc::SpanStyle::default());
    let mut last_style = style_index(&mut styles, plain);
    for inline in inlines {
        let start = text.len();
        match inline {
            Inline::Text(span) => {
                last_style = style_index(&mut styles, resolve_style(base, &span.style));
                for c in span.text.chars() {
                    // Control characters would shape as .notdef; tabs are spaces.
                    if c == '\t' || c == '\n' || c == '\r' {
                        text.push(' ');
                    } else if !c.is_control() {
                        text.push(c);
                    }
                }
            }
            Inline::LineBreak => text.push('\n'),
            Inline::Note(n) => {
                last_style = style_index(&mut styles, note_style(base, n.number));
                text.push_str(&n.number.to_string());
            }
        }
        if text.len() > start {
            spans.push((start..text.len(), last_style));
        }
    }
    fonts.set_context(&text);
    let mut hyph = hyph;
    let mut atoms = Vec::new();
    let mut prev = 0;
    let mut span_i = 0;
    for (pos, op) in linebreaks(&text) {
        let seg = &text[prev..pos];
        let trimmed = seg.trim_end_matches(is_break_space);
        let ce = prev + trimmed.len();
        let brk = if op == BreakOpportunity::Mandatory && pos == text.len() {
            Brk::End
        } else if op == BreakOpportunity::Mandatory && seg.ends_with('\n') {
            Brk::Forced
        } else if ce < pos {
            let st = span_style_at(&spans, ce).unwrap_or(0);
            let s = &styles[st as usize];
            Brk::Space {
                w: fonts.metrics[s.face as usize].space * s.size,
                end: pos,
            }
        } else if op == BreakOpportunity::Mandatory {
            Brk::Forced
        } else {
            Brk::Soft
        };
        // Pieces of the segment's content by style.
        let mut pieces: Vec<(Range<usize>, u16)> = Vec::new();
        while span_i < spans.len() && spans[span_i].0.end <= prev {
            span_i += 1;
        }
        let mut j = span_i;
        while j < spans.len() && spans[j].0.start < ce {
            let r = spans[j].0.start.max(prev)..spans[j].0.end.min(ce);
            if !r.is_empty() {
                pieces.push((r, spans[j].1));
            }
            j += 1;
        }
        if pieces.is_empty() {
            pieces.push((prev..prev, last_style_at(&spans, prev)));
        }
        let np = pieces.len();
        for (pi, (r, st)) in pieces.into_iter().enumerate() {
            let piece_brk = if pi + 1 == np { brk } else { Brk::None };
            let style = styles[st as usize].clone();
            let mut cuts = Vec::new();
            if style.hyphenate {
                if let Some(h) = hyph.as_deref_mut() {
                    hyphen_cuts(h, &text, r.clone(), &mut cuts);
                }
            }
            let mut s = r.start;
            for c in cuts.into_iter().chain(std::iter::once(r.end)) {
                let b = if c == r.end {
                    piece_brk
                } else {
                    Brk::Hyphen {
                        w: fonts.width(style.face, style.size, "-"),
                    }
                };
                let shaped = fonts.shape(style.face, &text[s..c]);
                atoms.push(Atom {
                    style: st,
                    width: shaped.width * style.size,
                    gl: 0..shaped.glyphs.len(),
                    shaped,
                    base: s,
                    text: s..c,
                    brk: b,
                });
                s = c;
            }
        }
        prev = pos;
    }
    if atoms.is_empty() {
        let shaped = fonts.shape(styles[0].face, "");
        atoms.push(Atom {
            style: 0,
            shaped,
            gl: 0..0,
            base: 0,
            text: 0..0,
            width: 0.0,
            brk: Brk::End,
        });
    }
    Prepared {
        text,
        styles,
        atoms,
    }
}

fn span_style_at(spans: &[(Range<usize>, u16)], pos: usize) -> Option<u16> {
    // Spans are sorted and disjoint.
    let i = spans.partition_point(|(r, _)| r.end <= pos);
    spans
        .get(i)
        .filter(|(r, _)| r.start <= pos && pos < r.end)
        .map(|(_, s)| *s)
}

fn last_style_at(spans: &[(Range<usize>, u16)], pos: usize) -> u16 {
    span_style_at(spans, pos)
        .or_else(|| spans.last().map(|s| s.1))
        .unwrap_or(0)
}

/// Hyphenation points (absolute offsets) of the words inside `r`.
fn hyphen_cuts(h: &mut Hyph, text: &str, r: Range<usize>, cuts: &mut Vec<usize>) {
    let s = &text[r.clone()];
    let mut word_start: Option<usize> = None;
    let mut flush = |ws: usize, we: usize, cuts: &mut Vec<usize>| {
        for b in h.breaks(&s[ws..we]) {
            cuts.push(r.start + ws + b);
        }
    };
    for (i, c) in s.char_indices() {
        if c.is_alphabetic() {
            word_start.get_or_insert(i);
        } else if let Some(ws) = word_start.take() {
            flush(ws, i, cuts);
        }
    }
    if let Some(ws) = word_start {
        flush(ws, s.len(), cuts);
    }
}

/// Words wider than the line are split between characters (never overfull).
fn split_overlong(atoms: Vec<Atom>, width: f32, styles: &[Style]) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::with_capacity(atoms.len());
    let mut word: Vec<Atom> = Vec::new();
    let flush = |word: &mut Vec<Atom>, out: &mut Vec<Atom>| {
        let total: f32 = word.iter().map(|a| a.width).sum();
        if total <= width {
            out.append(word);
            return;
        }
        let n = word.len();
        for (k, a) in word.drain(..).enumerate() {
            let last_brk = if k + 1 == n { a.brk } else { Brk::Soft };
            if a.width <= width {
                out.push(Atom { brk: last_brk, ..a });
                continue;
            }
            let size = styles[a.style as usize].size;
            let gs = &a.shaped.glyphs;
            let mut chunk_start = a.gl.start;
            let mut acc = 0.0;
            let mut i = a.gl.start;
            while i < a.gl.end {
                let cl = gs[i].cluster;
                let mut j = i;
                let mut cw = 0.0;
                while j < a.gl.end && gs[j].cluster == cl {
                    cw += gs[j].adv * size;
                    j += 1;
                }
                if acc + cw > width && i > chunk_start {
                    let t0 = a.base + gs[chunk_start].cluster as usize;
                    let t1 = a.base + cl as usize;
                    out.push(Atom {
                        style: a.style,
                        shaped: a.shaped.clone(),
                        gl: chunk_start..i,
                        base: a.base,
                        text: t0..t1,
                        width: acc,
                        brk: Brk::Soft,
                    });
                    chunk_start = i;
                    acc = 0.0;
                }
                acc += cw;
                i = j;
            }
            let t0 = if chunk_start < a.gl.end {
                a.base + gs[chunk_start].cluster as usize
            } else {
                a.text.end
            };
            out.push(Atom {
                style: a.style,
                shaped: a.shaped.clone(),
                gl: chunk_start..a.gl.end,
                base: a.base,
                text: t0.max(a.text.start)..a.text.end,
                width: acc,
                brk: last_brk,
            });
        }
    };
    for a in atoms {
        let ends_word = !matches!(a.brk, Brk::None | Brk::Hyphen { .. });
        word.push(a);
        if ends_word {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

const STRETCH: f32 = 0.5;
const SHRINK: f32 = 0.2;

/// Chooses break positions: returns the index of the last atom of each line.
fn break_lines(
    atoms: &[Atom],
    width: f32,
    justify: bool,
    space_of: impl Fn(&Atom) -> f32,
) -> Vec<usize> {
    let n = atoms.len();
    let mut best = vec![f64::INFINITY; n];
    let mut from = vec![0usize; n];
    for k in 0..n {
        if atoms[k].brk == Brk::None {
            continue;
        }
        let last = matches!(atoms[k].brk, Brk::Forced | Brk::End);
        let hyphen_w = match atoms[k].brk {
            Brk::Hyphen { w } => w,
            _ => 0.0,
        };
        let mut nat = atoms[k].width + hyphen_w;
        let mut stretch = 0.0f32;
        let mut shrink = 0.0f32;
        let mut spaces = 0u32;
        let mut found = false;
        let mut i = k;
        loop {
            if i < k {
                nat += atoms[i].width;
                if let Brk::Space { w, .. } = atoms[i].brk {
                    nat += w;
                    stretch += space_of(&atoms[i]) * STRETCH;
                    shrink += space_of(&atoms[i]) * SHRINK;
                    spaces += 1;
                }
            }
            let can_start = i == 0 || atoms[i - 1].brk != Brk::None;
            if can_start {
                let prev_cost = if i == 0 { 0.0 } else { best[i - 1] };
                let over = nat - width;
                let bad: Option<f32> = if over > 0.01 {
                    if justify && over <= shrink {
                        Some(100.0 * (over / shrink).powi(3))
                    } else {
                        None
                    }
                } else if last {
                    Some(0.0)
                } else {
                    let slack = -over;
                    if justify {
                        if stretch > 0.0 {
                            Some((100.0 * (slack / stretch).powi(3)).min(10_000.0))
                        } else if slack < 1.0 {
                            Some(0.0)
                        } else {
                            Some(5_000.0)
                        }
                    } else {
                        Some((100.0 * (slack / (0.22 * width)).powi(3)).min(10_000.0))
                    }
                };
                let bad = match bad {
                    Some(b) => Some(b),
                    // A single atom always fits after split_overlong; if a
                    // cluster is still too wide, accept it rather than fail.
                    None if i == k => Some(1e6),
                    None => None,
                };
                if let Some(b) = bad {
                    let mut d = (10.0 + b as f64).powi(2);
                    if hyphen_w > 0.0 {
                        d += 3000.0;
                        if i > 0 && matches!(atoms[i - 1].brk, Brk::Hyphen { .. }) {
                            d += 6000.0;
                        }
                    }
                    let _ = spaces;
                    let total = prev_cost + d;
                    if total < best[k] {
                        best[k] = total;
                        from[k] = i;
                        found = true;
                    }
                }
                if i > 0 && atoms[i - 1].brk == Brk::Forced {
                    break;
                }
            }
            if i == 0 || nat - shrink > width {
                break;
            }
            i -= 1;
        }
        if !found {
            best[k] = best.get(k.wrapping_sub(1)).copied().unwrap_or(0.0) + 1e12;
            from[k] = k;
        }
    }
    let mut ends = Vec::new();
    let mut k = n - 1;
    loop {
        ends.push(k);
        let i = from[k];
        if i == 0 {
            break;
        }
        k = i - 1;
    }
    ends.reverse();
    ends
}

/// Lays out a paragraph into lines of `width`.
pub fn lines(
    fonts: &mut Fonts,
    hyph: Option<&mut Hyph>,
    inlines: &[Inline],
    base: &Base,
    width: f32,
    tag: Tag,
) -> Vec<Line> {
    let width = width.max(12.0);
    let mut p = prepare(fonts, hyph, inlines, base);
    let atoms = split_overlong(std::mem::take(&mut p.atoms), width, &p.styles);
    let justify = base.align == Align::Justify;
    let space_w: Vec<f32> = p
        .styles
        .iter()
        .map(|s| fonts.metrics[s.face as usize].space * s.size)
        .collect();
    let space_of = |a: &Atom| space_w[a.style as usize];
    let ends = break_lines(&atoms, width, justify, space_of);
    let m = &fonts.metrics[crate::face_id(Face {
        family: base.family,
        bold: base.bold,
        italic: base.italic,
    }) as usize];
    let asc = m.ascent * base.size;
    let desc = m.descent * base.size;
    let leading = base.leading;
    let baseline = ((leading - (asc + desc)) / 2.0 + asc).max(asc * 0.8);
    let mut out = Vec::with_capacity(ends.len());
    let mut start = 0;
    for &end in &ends {
        let line_atoms = &atoms[start..=end];
        let last = matches!(atoms[end].brk, Brk::Forced | Brk::End);
        let hyphen = matches!(atoms[end].brk, Brk::Hyphen { .. });
        let mut nat = 0.0;
        let mut spaces = 0;
        for (i, a) in line_atoms.iter().enumerate() {
            nat += a.width;
            if i + 1 < line_atoms.len() {
                if let Brk::Space { w, .. } = a.brk {
                    nat += w;
                    spaces += 1;
                }
            }
        }
        if let Brk::Hyphen { w } = atoms[end].brk {
            nat += w;
        }
        let slack = width - nat;
        let mut extra = 0.0;
        let mut x = 0.0;
        match base.align {
            Align::Justify if !last && spaces > 0 && slack > 0.0 => {
                let per = slack / spaces as f32;
                // Very loose lines (few words) are set ragged: no rivers.
                let sp = space_of(&line_atoms[0]);
                if per <= 1.6 * sp {
                    extra = per;
                }
            }
            Align::Justify if !last && spaces > 0 && slack < 0.0 => {
                extra = slack / spaces as f32;
            }
            Align::Center => x = (slack / 2.0).max(0.0),
            Align::Right => x = slack.max(0.0),
            _ => {}
        }
        let items = place_line(
            fonts, &p, line_atoms, x, baseline, leading, extra, hyphen, tag,
        );
        let mut notes: Vec<u32> = Vec::new();
        for a in line_atoms {
            if let Some(n) = p.styles[a.style as usize].note {
                if notes.last() != Some(&n) {
                    notes.push(n);
                }
            }
        }
        out.push(Line {
            height: leading,
            baseline,
            items,
            width: nat,
            notes,
        });
        start = end + 1;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn place_line(
    fonts: &mut Fonts,
    p: &Prepared,
    atoms: &[Atom],
    x0: f32,
    baseline: f32,
    leading: f32,
    extra: f32,
    hyphen: bool,
    tag: Tag,
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut runs: Vec<(u16, GlyphRun)> = Vec::new();
    let mut links: Vec<(f32, f32, String)> = Vec::new();
    let mut x = x0;
    let n = atoms.len();
    for (i, a) in atoms.iter().enumerate() {
        let st = &p.styles[a.style as usize];
        let new_run = runs.last().is_none_or(|(s, _)| *s != a.style);
        if new_run {
            runs.push((
                a.style,
                GlyphRun {
                    x,
                    y: baseline - st.rise,
                    face: st.face,
                    size: st.size,
                    glyphs: Vec::new(),
                    text: String::new(),
                    color: st.color,
                    tag,
                    outlined: false,
                    rotate: 0.0,
                },
            ));
        }
        let run = &mut runs.last_mut().expect("run").1;
        let x_atom = x;
        let t0 = run.text.len();
        run.text.push_str(&p.text[a.text.clone()]);
        let offset = t0 as isize - (a.text.start - a.base) as isize;
        glyphs_into(
            &mut run.glyphs,
            &a.shaped,
            a.gl.clone(),
            a.text.end - a.base,
            offset,
            st.size,
        );
        x += a.width;
        let mut x_end = x;
        if i + 1 < n {
            if let Brk::Space { w, end } = a.brk {
                let t0 = run.text.len();
                run.text.push_str(&p.text[a.text.end..end]);
                let m = &fonts.metrics[st.face as usize];
                run.glyphs.push(crate::Glyph {
                    id: m.space_glyph,
                    advance: w + extra,
                    dx: 0.0,
                    dy: 0.0,
                    range: t0 as u32..run.text.len() as u32,
                });
                x += w + extra;
                // A link's underline area spans the space only inside the link.
                if atoms[i + 1].style == a.style {
                    x_end = x;
                }
            }
        } else if matches!(a.brk, Brk::Space { .. } | Brk::Forced) {
            // The line was broken at this space (or by a hard line break):
            // nothing is drawn, but the text layer keeps a space (a space
            // glyph of no width), so that a reader taking the text from the
            // structure tree — a screen reader, `pdfinfo -struct-text` —
            // does not join the last word of the line to the first of the
            // next.
            let t0 = run.text.len();
            match a.brk {
                Brk::Space { end, .. } => run.text.push_str(&p.text[a.text.end..end]),
                _ => run.text.push(' '),
            }
            if run.text.len() > t0 {
                let m = &fonts.metrics[st.face as usize];
                run.glyphs.push(crate::Glyph {
                    id: m.space_glyph,
                    advance: 0.0,
                    dx: 0.0,
                    dy: 0.0,
                    range: t0 as u32..run.text.len() as u32,
                });
            }
        } else if hyphen {
            let shaped = fonts.shape(st.face, "-");
            let t0 = run.text.len();
            run.text.push('\u{AD}');
            let mut gs = glyphs_of(&shaped, 0..shaped.glyphs.len(), 1, 0, st.size);
            for g in &mut gs {
                g.range = t0 as u32..run.text.len() as u32;
            }
            x += shaped.width * st.size;
            run.glyphs.extend(gs);
            x_end = x;
        }
        if let Some(l) = &st.link {
            match links.last_mut() {
                Some((_, e, t)) if t == l && (x_atom - *e).abs() < 0.01 + extra.abs() + 8.0 => {
                    *e = x_end
                }
                _ => links.push((x_atom, x_end, l.clone())),
            }
        }
        if st.underline || st.strike {
            let y = if st.underline {
                baseline + st.size * 0.12
            } else {
                baseline - st.size * 0.28
            };
            items.push(Item::Line {
                x1: x_atom,
                y1: y,
                x2: x_end,
                y2: y,
                width: (st.size * 0.06).max(0.4),
                color: st.color,
            });
        }
    }
    for (_, mut run) in runs {
        if !run.glyphs.is_empty() {
            // Every line of the document is held until the PDF is written:
            // the slack left by growing these vectors was a third of the
            // peak memory at 100x the plan.
            run.glyphs.shrink_to_fit();
            run.text.shrink_to_fit();
            items.push(Item::Glyphs(run));
        }
    }
    for (a, b, target) in links {
        items.push(Item::Link {
            x: a,
            y: 0.0,
            w: (b - a).max(1.0),
            h: leading,
            target: LinkTarget::Uri(target),
        });
    }
    items
}

/// Minimum (widest unbreakable word) and maximum (no wrapping) widths.
pub fn measure(fonts: &mut Fonts, inlines: &[Inline], base: &Base) -> (f32, f32) {
    let p = prepare(fonts, None, inlines, base);
    let (mut min, mut max) = (0.0f32, 0.0f32);
    let (mut word, mut line) = (0.0f32, 0.0f32);
    for a in &p.atoms {
        word += a.width;
        line += a.width;
        match a.brk {
            Brk::None | Brk::Hyphen { .. } => {}
            Brk::Space { w, .. } => {
                min = min.max(word);
                word = 0.0;
                line += w;
            }
            Brk::Soft => {
                min = min.max(word);
                word = 0.0;
            }
            Brk::Forced | Brk::End => {
                min = min.max(word);
                max = max.max(line);
                word = 0.0;
                line = 0.0;
            }
        }
    }
    (min, max.max(min))
}
