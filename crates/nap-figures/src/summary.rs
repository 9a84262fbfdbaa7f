//! Figure 2: the process in numbers.
//!
//! One row per phase, in order, joined by a line like steps of a flow: a
//! numbered badge, the phase title and its months on the left; on the right
//! a tile per counted activity with the count printed big as written
//! (">150"), a thin bar whose length is the count's number against the
//! largest count of the process, and the activity's title. A phase with no
//! counted activity lists its activities instead.

use crate::legend::{self, LegendItem, Swatch};
use crate::svg::{palette, printed_height, SvgWriter, WIDTH_PT};
use crate::text::{measure, wrap, Anchor, Rect, TextBlock, Weight, LEADING};
use crate::{words, Svg};
use nap_model::{Phase, Process};
use std::ops::Range;

const LEFT_COL: f64 = 0.30 * WIDTH_PT;
const BADGE_R: f64 = 8.0;
const BADGE_CX: f64 = BADGE_R + 1.0;
const TITLE_X: f64 = 2.0 * BADGE_R + 7.0;
const TITLE_SIZE: f64 = 8.0;
const DATE_SIZE: f64 = 7.0;
const AREA_X0: f64 = LEFT_COL + 6.0;
const AREA_X1: f64 = WIDTH_PT - 1.0;
const TILE_MIN_W: f64 = 68.0;
const TILE_GAP: f64 = 7.0;
const TILE_LINE_GAP: f64 = 7.0;
const COUNT_SIZE: f64 = 15.0;
const COUNT_SIZE_WORDS: f64 = 9.5;
const LABEL_SIZE: f64 = 6.8;
const TILE_INSET: f64 = 5.0;
const VALUE_BAR_H: f64 = 2.4;
const BULLET_SIZE: f64 = 7.0;
const ROW_PAD: f64 = 7.0;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    pub height: f64,
    pub rows: Vec<StageRow>,
    /// What the value bars measure, when there are any.
    pub legend: Vec<LegendItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StageRow {
    pub top: f64,
    pub bottom: f64,
    /// Centre of the numbered badge.
    pub badge: (f64, f64),
    pub number: TextBlock,
    pub title: TextBlock,
    pub dates: TextBlock,
    pub tiles: Vec<Tile>,
    /// Activities listed when none is counted: dot centre and text.
    pub bullets: Vec<((f64, f64), TextBlock)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tile {
    pub frame: Rect,
    pub count: TextBlock,
    /// The track and the part of it the count's number fills.
    pub value_bar: Option<(Rect, Rect)>,
    pub label: TextBlock,
    /// The number plotted, for tests.
    pub value: Option<f64>,
}

impl Summary {
    #[cfg(test)]
    pub fn text_boxes(&self) -> Vec<Rect> {
        let mut v = Vec::new();
        for r in &self.rows {
            v.push(r.title.bbox());
            v.push(r.dates.bbox());
            for t in &r.tiles {
                v.push(t.count.bbox());
                v.push(t.label.bbox());
            }
            v.extend(r.bullets.iter().map(|(_, t)| t.bbox()));
        }
        v.extend(legend::boxes(&self.legend));
        v
    }
}

/// The largest plotted count of the process (the scale of the value bars),
/// with its text as written.
fn max_count(process: &Process) -> Option<(f64, &str)> {
    process
        .phases
        .iter()
        .flat_map(|p| &p.activities)
        .filter_map(|a| {
            let c = a.count.as_ref()?;
            Some((c.value?, c.text.as_str()))
        })
        .filter(|(v, _)| v.is_finite() && *v > 0.0)
        .reduce(|a, b| if b.0 > a.0 { b } else { a })
}

pub(crate) fn layout(process: &Process) -> Summary {
    layout_range(process, 0..process.phases.len())
}

/// The rows of the phases in `range`, numbered and scaled as in the whole
/// process (a part of a split figure continues the numbering, and its bars
/// measure against the largest count of all phases).
fn layout_range(process: &Process, range: Range<usize>) -> Summary {
    let max = max_count(process);
    let mut rows = Vec::new();
    let mut y = 0.0;
    for (i, phase) in process
        .phases
        .iter()
        .enumerate()
        .skip(range.start)
        .take(range.len())
    {
        let row = layout_row(phase, i + 1, y, max.map(|(v, _)| v));
        y = row.bottom;
        rows.push(row);
    }
    let mut legend = Vec::new();
    if let Some((_, text)) = max {
        let label = format!("Gjatësia e shiritit: numri, krahasuar me më të madhin ({text})");
        let (items, bottom) = legend::flow(
            &[(Swatch::ValueBar, label.as_str())],
            AREA_X0,
            AREA_X1,
            y + 2.0,
        );
        legend = items;
        y = bottom + 2.0;
    }
    Summary {
        height: y,
        rows,
        legend,
    }
}

fn layout_row(phase: &Phase, number: usize, top: f64, max: Option<f64>) -> StageRow {
    let content_top = top + ROW_PAD;
    let badge = (BADGE_CX, content_top + BADGE_R);
    let number_text = TextBlock::line(
        &number.to_string(),
        badge.0,
        badge.1 - TITLE_SIZE * LEADING / 2.0,
        TITLE_SIZE,
        Weight::Bold,
        Anchor::Middle,
        palette::WHITE,
    );
    let title = TextBlock::new(
        wrap(&phase.title, LEFT_COL - TITLE_X, TITLE_SIZE, Weight::Bold),
        TITLE_X,
        content_top,
        TITLE_SIZE,
        Weight::Bold,
        Anchor::Start,
        palette::NAVY,
    );
    let date_line = format!(
        "{} · {}",
        words::span(&phase.start, &phase.end),
        words::activities(phase.activities.len())
    );
    let dates = TextBlock::new(
        wrap(&date_line, LEFT_COL - TITLE_X, DATE_SIZE, Weight::Regular),
        TITLE_X,
        title.top + title.height() + 1.0,
        DATE_SIZE,
        Weight::Regular,
        Anchor::Start,
        palette::GREY_DARK,
    );
    let left_bottom = (dates.top + dates.height()).max(badge.1 + BADGE_R);

    let counted: Vec<_> = phase
        .activities
        .iter()
        .filter_map(|a| a.count.as_ref().map(|c| (a, c)))
        .collect();
    let mut tiles = Vec::new();
    let mut bullets = Vec::new();
    let mut right_bottom = content_top;
    if counted.is_empty() {
        right_bottom = list(phase.activities.iter(), content_top, 1, &mut bullets);
    } else {
        let area = AREA_X1 - AREA_X0;
        let per_line = (((area + TILE_GAP) / (TILE_MIN_W + TILE_GAP)).floor() as usize).max(1);
        let tile_w = (area - (per_line - 1) as f64 * TILE_GAP) / per_line as f64;
        let inner = tile_w - TILE_INSET - 1.0;
        let mut line_top = content_top;
        for line in counted.chunks(per_line) {
            let mut line_bottom = line_top;
            for (k, (activity, count)) in line.iter().enumerate() {
                let x = AREA_X0 + k as f64 * (tile_w + TILE_GAP);
                // A count written in words ("më shumë se 150") is set
                // smaller than a figure, so it does not crowd the tile.
                let size = if measure(&count.text, COUNT_SIZE, Weight::Bold) <= inner {
                    COUNT_SIZE
                } else {
                    COUNT_SIZE_WORDS
                };
                let count_text = TextBlock::new(
                    wrap(&count.text, inner, size, Weight::Bold),
                    x + TILE_INSET,
                    line_top,
                    size,
                    Weight::Bold,
                    Anchor::Start,
                    palette::NAVY,
                );
                let mut y = count_text.top + count_text.height() + 0.5;
                let value = count.value.filter(|v| v.is_finite() && *v >= 0.0);
                let value_bar = match (value, max) {
                    (Some(v), Some(max)) => {
                        let track = Rect::new(x + TILE_INSET, y, inner, VALUE_BAR_H);
                        // A count above nought always shows some bar.
                        let w = if v > 0.0 {
                            (inner * (v / max).min(1.0)).max(1.5)
                        } else {
                            0.0
                        };
                        y += VALUE_BAR_H + 2.5;
                        Some((track, Rect::new(track.x, track.y, w, VALUE_BAR_H)))
                    }
                    _ => {
                        y += 1.5;
                        None
                    }
                };
                let label = TextBlock::new(
                    wrap(&activity.title, inner, LABEL_SIZE, Weight::Regular),
                    x + TILE_INSET,
                    y,
                    LABEL_SIZE,
                    Weight::Regular,
                    Anchor::Start,
                    palette::TEXT,
                );
                let bottom = label.top + label.height();
                line_bottom = line_bottom.max(bottom);
                tiles.push(Tile {
                    frame: Rect::new(x, line_top, tile_w, bottom - line_top),
                    count: count_text,
                    value_bar,
                    label,
                    value,
                });
            }
            // Tiles of a line share its height, so their accents line up.
            let n = tiles.len();
            for t in &mut tiles[n - line.len()..] {
                t.frame.h = line_bottom - line_top;
            }
            right_bottom = line_bottom;
            line_top = line_bottom + TILE_LINE_GAP;
        }
        // The activities without a count are listed under the tiles, two
        // to a line: the phase's line says "5 aktivitete", so all five are
        // shown.
        let uncounted = phase.activities.iter().filter(|a| a.count.is_none());
        if phase.activities.len() > counted.len() {
            right_bottom = list(uncounted, right_bottom + 4.0, 2, &mut bullets);
        }
    }
    StageRow {
        top,
        bottom: left_bottom.max(right_bottom) + ROW_PAD,
        badge,
        number: number_text,
        title,
        dates,
        tiles,
        bullets,
    }
}

/// Lists `activities` as bullets from `y` down, in `columns` side by side
/// (filled row by row); returns the bottom.
fn list<'a>(
    activities: impl Iterator<Item = &'a nap_model::Activity>,
    y: f64,
    columns: usize,
    bullets: &mut Vec<((f64, f64), TextBlock)>,
) -> f64 {
    const COLUMN_GAP: f64 = 10.0;
    let columns = columns.max(1);
    let column_w = (AREA_X1 - AREA_X0 - (columns - 1) as f64 * COLUMN_GAP) / columns as f64;
    let activities: Vec<_> = activities.collect();
    let mut top = y;
    for row in activities.chunks(columns) {
        let mut bottom = top;
        for (k, a) in row.iter().enumerate() {
            let x = AREA_X0 + k as f64 * (column_w + COLUMN_GAP);
            let text = TextBlock::new(
                wrap(&a.title, column_w - 8.0, BULLET_SIZE, Weight::Regular),
                x + 8.0,
                top,
                BULLET_SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::TEXT,
            );
            let dot = (x + 3.0, top + text.line_height() / 2.0);
            bottom = bottom.max(top + text.height() + 1.5);
            bullets.push((dot, text));
        }
        top = bottom;
    }
    top
}

fn write(s: &Summary, alt: &str) -> (String, f64) {
    let (height_mm, height_pt) = printed_height(s.height);
    let mut w = SvgWriter::new(height_mm, height_pt, alt);
    // The flow line joins the badges from the first to the last.
    if let (Some(first), Some(last)) = (s.rows.first(), s.rows.last()) {
        w.line(
            first.badge.0,
            first.badge.1,
            last.badge.0,
            last.badge.1,
            palette::GREY,
            1.2,
        );
    }
    for (i, row) in s.rows.iter().enumerate() {
        if i > 0 {
            w.line(
                TITLE_X,
                row.top,
                WIDTH_PT,
                row.top,
                palette::GREY_LIGHT,
                0.6,
            );
        }
        w.circle(
            row.badge.0,
            row.badge.1,
            BADGE_R,
            palette::NAVY,
            Some((palette::WHITE, 1.5)),
        );
        w.text(&row.number);
        w.text(&row.title);
        w.text(&row.dates);
        for t in &row.tiles {
            w.rect(
                Rect::new(t.frame.x, t.frame.y, 1.6, t.frame.h),
                palette::TEAL,
                None,
            );
            w.text(&t.count);
            if let Some((track, value)) = t.value_bar {
                w.rect(track, palette::GREY_LIGHT, None);
                w.rect(value, palette::TEAL, None);
            }
            w.text(&t.label);
        }
        for ((cx, cy), text) in &row.bullets {
            w.circle(*cx, *cy, 1.4, palette::TEAL, None);
            w.text(text);
        }
    }
    legend::write(&mut w, &s.legend);
    (w.finish(), height_mm)
}

/// [`alt_range`] for every phase.
#[cfg(test)]
fn alt(process: &Process) -> String {
    alt_range(process, 0..process.phases.len())
}

/// What a reader who cannot see the figure is told.
/// Only the phases in `range` (a part of a split figure, "Vazhdim." before
/// the parts after the first).
fn alt_range(process: &Process, range: Range<usize>) -> String {
    let mut s = String::new();
    if range.start > 0 {
        s.push_str("Vazhdim. ");
    }
    s.push_str("Përmbledhja e procesit në numra, fazë pas faze: ");
    let phases: Vec<String> = process
        .phases
        .iter()
        .enumerate()
        .skip(range.start)
        .take(range.len())
        .map(|(i, p)| {
            // Counted activities first, as drawn, then the others.
            let body = p
                .activities
                .iter()
                .filter_map(|a| a.count.as_ref().map(|c| format!("{} {}", c.text, a.title)))
                .chain(
                    p.activities
                        .iter()
                        .filter(|a| a.count.is_none())
                        .map(|a| a.title.clone()),
                )
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{}. {} ({}): {}",
                i + 1,
                p.title,
                words::span(&p.start, &p.end),
                body
            )
        })
        .collect();
    s.push_str(&phases.join("; "));
    s.push('.');
    s
}

/// Figure 2 as SVG.
pub fn summary_svg(process: &Process) -> Svg {
    part(process, 0..process.phases.len())
}

/// The figure for the phases in `range`.
fn part(process: &Process, range: Range<usize>) -> Svg {
    drawn(&layout_range(process, range.clone()), process, range)
}

/// `layout` (of the phases in `range`) as SVG, with its alt text.
fn drawn(layout: &Summary, process: &Process, range: Range<usize>) -> Svg {
    let alt = alt_range(process, range);
    let (source, height_mm) = write(layout, &alt);
    Svg::new(source, height_mm, alt)
}

/// Figure 2 in parts no taller than [`crate::MAX_PART_PT`], split between
/// phases; each part has the legend. One part (the whole figure) when it
/// fits.
pub fn summary_parts(process: &Process) -> Vec<Svg> {
    let whole = layout(process);
    let rows: Vec<f64> = whole.rows.iter().map(|r| r.bottom - r.top).collect();
    let last = whole.rows.last().map_or(0.0, |r| r.bottom);
    crate::parts(
        whole.height - last,
        &rows,
        |range| drawn(&whole, process, range),
        |range| part(process, range),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{
        assert_no_overlap, maybe_dump_svg, seed_process, stress_process, LONG_TITLE,
    };

    #[test]
    fn counts_print_as_written_and_plot_their_number() {
        let s = layout(&seed_process());
        let row = &s.rows[1];
        assert_eq!(row.tiles[0].count.lines, [">150"]);
        assert_eq!(row.tiles[0].value, Some(150.0));
        let (track, full) = row.tiles[0].value_bar.unwrap();
        assert!(
            (full.w - track.w).abs() < 1e-9,
            "the largest count fills its track"
        );
        let (track, four) = row.tiles[1].value_bar.unwrap();
        assert!((four.w - (track.w * 4.0 / 150.0).max(1.5)).abs() < 1e-9);
        assert_eq!(
            row.tiles[1].label.lines.join(" "),
            "Sondazhe të hartuara të para-konsultimit"
        );
    }

    #[test]
    fn a_phase_without_counts_lists_its_activities() {
        let s = layout(&seed_process());
        assert!(s.rows[0].tiles.is_empty());
        let listed: Vec<String> = s.rows[0]
            .bullets
            .iter()
            .map(|(_, t)| t.lines.join(" "))
            .collect();
        assert_eq!(listed[0], "Metodologjia");
        assert_eq!(listed.len(), 5);
    }

    /// A phase's line counts all its activities ("5 aktivitete"), so the
    /// ones without a count are listed under its tiles: none is left out.
    #[test]
    fn every_activity_of_a_phase_with_counts_is_shown() {
        let process = seed_process();
        let s = layout(&process);
        for (phase, row) in process.phases.iter().zip(&s.rows) {
            assert_eq!(
                row.tiles.len() + row.bullets.len(),
                phase.activities.len(),
                "{}",
                phase.title
            );
            if let (Some(last_tile), Some((_, first))) = (row.tiles.last(), row.bullets.first()) {
                assert!(
                    first.top >= last_tile.frame.y + last_tile.frame.h,
                    "{}",
                    phase.title
                );
            }
        }
        assert!(
            process
                .phases
                .iter()
                .zip(&s.rows)
                .any(|(p, r)| !r.tiles.is_empty()
                    && !r.bullets.is_empty()
                    && r.tiles.len() < p.activities.len()),
            "the seed has a phase with counted and uncounted activities"
        );
    }

    #[test]
    fn seed_labels_do_not_overlap_and_stay_inside() {
        let s = layout(&seed_process());
        let boxes = s.text_boxes();
        assert_no_overlap(&boxes);
        let page = Rect::new(0.0, 0.0, WIDTH_PT, s.height);
        for b in &boxes {
            assert!(page.contains(b), "{b:?}");
        }
        for r in &s.rows {
            assert!(r.title.bbox().right() <= LEFT_COL + 1e-9);
            for t in &r.tiles {
                assert!(t.frame.contains(&t.count.bbox()) && t.frame.contains(&t.label.bbox()));
            }
        }
    }

    #[test]
    fn twenty_phases_with_long_titles_and_counts_fit() {
        let process = stress_process();
        maybe_dump_svg("summary-20", summary_svg(&process));
        let s = layout(&process);
        assert_eq!(s.rows.len(), 20);
        assert_no_overlap(&s.text_boxes());
        for r in &s.rows {
            assert!(r.title.lines.join(" ").starts_with(LONG_TITLE));
            assert!(r.title.bbox().right() <= LEFT_COL + 1e-9);
            for t in &r.tiles {
                assert!(t.frame.right() <= WIDTH_PT);
                assert!(t.frame.contains(&t.label.bbox()));
            }
            assert!(r.bottom > r.top);
        }
    }

    #[test]
    fn alt_names_phases_with_counts() {
        let a = alt(&seed_process());
        assert!(
            a.contains("2. Konsultimet paraprake (gusht – shtator 2020): >150 Identifikohen"),
            "{a}"
        );
        assert!(
            a.contains("1. Përgatitjet (qershor – korrik 2020): Metodologjia"),
            "{a}"
        );
    }
}
