//! A rough page estimate for each heading, for the page numbers cached in
//! the pre-filled table of contents.
//!
//! Word recomputes the TOC when the document opens (`w:updateFields`), but
//! LibreOffice shows the cached entries as they are until the reader updates
//! the index, so the cached numbers should be close. This is a deliberately
//! simple model of the styles in [`crate::parts`]: average glyph widths,
//! line heights from the Noto fonts' metrics, explicit page breaks, rows that
//! do not split, headings kept with the next line. It is off by a page now
//! and then; it is never used for anything but those cached numbers.

use nap_doc::{Block, Inline, ParaStyle, Table};

use crate::parts::{LIST_STEP, TEXT_H, TEXT_W};

/// Text area height and width, in points.
const PAGE: f32 = TEXT_H as f32 / 20.0;
const WIDTH: f32 = TEXT_W as f32 / 20.0;
/// Noto Serif and Noto Sans: ascender + descender, in em.
pub(crate) const LINE: f32 = 1.362;
/// Average advance of a character of running text, in em.
const CHAR: f32 = 0.485;
const CELL_PADDING: f32 = 2.0 * 5.4;

/// Font size, line spacing factor, space before and after (points).
#[derive(Clone, Copy)]
struct Metrics {
    size: f32,
    spacing: f32,
    before: f32,
    after: f32,
}

const fn m(size: f32, spacing: f32, before: f32, after: f32) -> Metrics {
    Metrics {
        size,
        spacing,
        before,
        after,
    }
}

/// The PDF layout's body text: 10.5 pt on a 14.5 pt line, 7 pt after
/// (the DOCX styles give the same: `atLeast` 14.5 pt).
const BODY: Metrics = m(10.5, 14.5 / (10.5 * LINE), 0.0, 7.0);
const CELL: Metrics = m(9.5, 1.0, 0.0, 3.0);

fn style_metrics(style: ParaStyle, in_cell: bool) -> Metrics {
    match style {
        ParaStyle::Normal if in_cell => CELL,
        ParaStyle::Normal => BODY,
        ParaStyle::Title => m(26.0, 1.0, 24.0, 12.0),
        ParaStyle::Subtitle => m(15.0, 1.0, 0.0, 8.0),
        ParaStyle::Small => m(9.0, 1.0, 0.0, 3.0),
        ParaStyle::Caption => m(9.5, 1.0, 3.0, 12.0),
        ParaStyle::DraftMark => m(24.0, 1.0, 12.0, 12.0),
    }
}

fn heading_metrics(level: u8) -> Metrics {
    match level {
        1 => m(16.0, 1.0, 18.0, 6.0),
        2 => m(13.0, 1.0, 14.0, 5.0),
        3 => m(11.5, 1.0, 12.0, 4.0),
        _ => m(11.0, 1.0, 10.0, 3.0),
    }
}

/// Lines `inlines` take at `width` points.
fn lines(inlines: &[Inline], metrics: Metrics, width: f32) -> u32 {
    let per_line = (width / (metrics.size * CHAR)).max(1.0);
    let mut count = 0;
    let mut chars = 0usize;
    let mut flush = |chars: &mut usize| {
        count += ((*chars as f32 / per_line).ceil() as u32).max(1);
        *chars = 0;
    };
    for inline in inlines {
        match inline {
            Inline::Text(span) => chars += span.text.chars().count(),
            Inline::LineBreak => flush(&mut chars),
            // The number only: the note itself is at the page's foot.
            Inline::Note(n) => chars += n.number.to_string().len(),
        }
    }
    flush(&mut chars);
    count
}

fn line_height(metrics: Metrics) -> f32 {
    metrics.size * LINE * metrics.spacing
}

/// The height of a block laid out whole at `width` (used inside table cells,
/// where nothing breaks across pages).
fn block_height(block: &Block, width: f32) -> f32 {
    let para = |metrics: Metrics, content: &[Inline]| {
        metrics.before
            + metrics.after
            + lines(content, metrics, width) as f32 * line_height(metrics)
    };
    match block {
        Block::Paragraph { style, content, .. } => para(style_metrics(*style, true), content),
        Block::Heading { level, content, .. } => para(heading_metrics(*level), content),
        Block::Preformatted(l) => l.len() as f32 * 9.5 * LINE,
        Block::Figure(f) if f.height_mm.is_finite() => {
            f.height_mm.clamp(0.0, nap_doc::MAX_FIGURE_HEIGHT_MM) * 72.0 / 25.4 + 30.0
        }
        Block::Rule => 13.0,
        _ => 0.0,
    }
}

struct Flow {
    page: u32,
    y: f32,
}

impl Flow {
    fn new_page(&mut self) {
        self.page += 1;
        self.y = 0.0;
    }
    /// Space between blocks: lost at a page end.
    fn space(&mut self, points: f32) {
        if self.y > 0.0 {
            self.y += points;
            if self.y >= PAGE {
                self.new_page();
            }
        }
    }
    /// Something that does not split: moves to the next page if it does not fit.
    fn unit(&mut self, height: f32) {
        if self.y + height > PAGE && self.y > 0.0 {
            self.new_page();
        }
        self.y += height.min(PAGE);
    }
    fn lines(&mut self, count: u32, height: f32) {
        for _ in 0..count {
            self.unit(height);
        }
    }
}

/// The estimated page of each heading, in reading order (the order of
/// [`crate::outline::Outline::headings`], whose `levels` are given so a
/// table of contents knows how many entries it holds).
pub fn estimate(blocks: &[Block], levels: &[u8]) -> Vec<u32> {
    let mut flow = Flow { page: 1, y: 0.0 };
    let mut pages = Vec::with_capacity(levels.len());
    let mut stack: Vec<(std::slice::Iter<Block>, f32)> = vec![(blocks.iter(), WIDTH)];
    while let Some((iter, width)) = stack.last_mut() {
        let width = *width;
        let Some(block) = iter.next() else {
            stack.pop();
            continue;
        };
        match block {
            Block::Heading { level, content, .. } => {
                let metrics = heading_metrics(*level);
                let h = line_height(metrics);
                let n = lines(content, metrics, width);
                flow.space(metrics.before);
                // Kept with the next paragraph's first two lines.
                flow.unit(n as f32 * h + metrics.after + 2.0 * line_height(BODY));
                flow.y -= 2.0 * line_height(BODY);
                pages.push(flow.page);
            }
            Block::Paragraph { style, content, .. } => {
                let metrics = style_metrics(*style, false);
                flow.space(metrics.before);
                flow.lines(lines(content, metrics, width), line_height(metrics));
                flow.space(metrics.after);
            }
            Block::List(list) => {
                let inner = (width - LIST_STEP as f32 / 20.0).max(WIDTH / 2.0);
                stack.extend(list.items.iter().rev().map(|item| (item.iter(), inner)));
            }
            Block::Quote(inner) => {
                stack.push((inner.iter(), (width - 28.35).max(WIDTH / 2.0)));
            }
            Block::Preformatted(l) => flow.lines(l.len() as u32, 9.5 * LINE),
            Block::Table(table) => table_flow(table, width, &mut flow, &mut pages),
            Block::Figure(figure) => {
                let scale = (width * 25.4 / 72.0 / figure.width_mm).min(1.0);
                let h = if figure.height_mm.is_finite() && scale.is_finite() {
                    (figure.height_mm.max(0.0) * scale).min(nap_doc::MAX_FIGURE_HEIGHT_MM) * 72.0
                        / 25.4
                } else {
                    width / 2.0
                };
                flow.unit(h + 9.0 + 2.0 * line_height(style_metrics(ParaStyle::Caption, false)));
                flow.space(12.0);
            }
            Block::PageBreak => flow.new_page(),
            Block::Toc { title, depth } => {
                if !title.is_empty() {
                    flow.unit(16.0 * LINE + 12.0);
                }
                let entries = levels
                    .get(pages.len()..)
                    .unwrap_or_default()
                    .iter()
                    .filter(|l| **l <= *depth)
                    .count() as u32;
                flow.lines(entries, 11.0 * LINE + 4.0);
                flow.lines(1, 11.0 * LINE);
            }
            Block::Rule => flow.unit(13.0),
        }
    }
    pages
}

fn table_flow(table: &Table, width: f32, flow: &mut Flow, pages: &mut Vec<u32>) {
    let columns = table.columns.len().max(1) as f32;
    let known: f32 = table
        .columns
        .iter()
        .flatten()
        .filter(|v| v.is_finite() && **v > 0.0)
        .sum();
    let row_height = |row: &nap_doc::Row| {
        let mut col = 0usize;
        let mut tallest: f32 = 0.0;
        for cell in &row.cells {
            let span = usize::from(cell.colspan.max(1));
            // Share of the width: relative widths where given, else equal.
            let share: f32 = (col..col + span)
                .map(|c| match table.columns.get(c).copied().flatten() {
                    Some(v) if known > 0.0 && v.is_finite() && v > 0.0 => v / known,
                    _ => 1.0 / columns,
                })
                .sum();
            col += span;
            let inner = (width * share.min(1.0) - CELL_PADDING).max(20.0);
            let mut h = 0.0;
            nap_doc::walk(&cell.blocks, &mut |b| h += block_height(b, inner));
            tallest = tallest.max(h);
        }
        tallest + 3.0
    };
    let header_rows = table.header_rows.min(table.rows.len());
    let header_height: f32 = table.rows[..header_rows].iter().map(row_height).sum();
    let mut page = flow.page;
    for row in &table.rows {
        let h = row_height(row);
        flow.unit(h);
        if flow.page != page && header_rows > 0 && flow.y <= h {
            // Repeated header rows at the top of the new page.
            flow.y += header_height;
        }
        page = flow.page;
        for cell in &row.cells {
            nap_doc::walk(&cell.blocks, &mut |b| {
                if matches!(b, Block::Heading { .. }) {
                    pages.push(flow.page);
                }
            });
        }
    }
    flow.unit(8.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use nap_doc::{Block, Inline};

    fn heading(level: u8) -> Block {
        Block::Heading {
            level,
            id: "x".into(),
            numbered: false,
            content: vec![Inline::plain("Titull")],
        }
    }

    #[test]
    fn page_breaks_and_long_text_move_headings_on() {
        let long = Block::para("fjalë ".repeat(2_000));
        let blocks = vec![heading(1), Block::PageBreak, heading(1), long, heading(2)];
        let pages = estimate(&blocks, &[1, 1, 2]);
        assert_eq!(pages[..2], [1, 2]);
        // 12,000 characters at ~89 a line and ~48 lines a page: ~3 pages on.
        assert!((4..=6).contains(&pages[2]), "{pages:?}");
    }

    #[test]
    fn a_heading_at_the_foot_of_a_page_goes_with_its_text() {
        // A paragraph filling all but 40 points of the first page: room for
        // the heading, not for the heading and the start of its text.
        let per_line = (WIDTH / (BODY.size * CHAR)) as usize;
        let rows = ((PAGE - 40.0) / line_height(BODY)) as usize;
        let filler = Block::para("x".repeat(per_line * rows));
        let pages = estimate(&[filler, heading(1), Block::para("tekst")], &[1]);
        assert_eq!(pages, [2]);
    }
}
