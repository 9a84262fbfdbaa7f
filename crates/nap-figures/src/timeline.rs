//! Figure 1: the phases of the process on a month axis.
//!
//! One row per phase: its title in a left column (wrapped, never cut), a bar
//! from its start to its end, a marker for each activity in its month, and
//! the activity's count printed under the marker. Rows keep their own lines,
//! so phases that overlap in time show as bars overlapping on the axis.

use crate::legend::{self, LegendItem, Swatch};
use crate::svg::{palette, printed_height, SvgWriter, WIDTH_PT};
use crate::text::{lanes, measure, wrap, Anchor, Rect, TextBlock, Weight, LEADING};
use crate::{words, Svg};
use nap_model::date::{days_in_month, MONTHS_SQ};
use nap_model::{Date, Phase, Process};
use std::ops::Range;

/// The left column, for the phase titles.
const LABEL_COL: f64 = 0.29 * WIDTH_PT;
const LABEL_X: f64 = 3.0;
const GAP: f64 = 8.0;
const RIGHT_MARGIN: f64 = 2.0;
const TITLE_SIZE: f64 = 7.5;
const AXIS_SIZE: f64 = 7.0;
const COUNT_SIZE: f64 = 6.5;
const BAR_H: f64 = 9.0;
const ROW_PAD: f64 = 4.5;
/// A bar is never thinner than this, so a one-day phase still shows.
pub(crate) const MIN_BAR: f64 = 3.0;
pub(crate) const MARKER_R: f64 = 2.4;
/// The least room between two count labels.
const LABEL_GAP: f64 = 2.5;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Timeline {
    pub height: f64,
    /// Index of the first phase drawn (a part of a split figure starts
    /// further on): the row bands alternate by the phase's own index.
    pub first: usize,
    /// Month index ([`Date::month_index`]) of the axis' first month.
    pub first_month: i32,
    pub months: i32,
    /// The axis' x-range.
    pub chart_x0: f64,
    pub chart_x1: f64,
    pub month_w: f64,
    /// Year and month names above the rows.
    pub axis_labels: Vec<TextBlock>,
    /// Vertical lines: x and whether it is a year boundary.
    pub gridlines: Vec<(f64, bool)>,
    /// Top and bottom of the rows' area.
    pub rows_y: (f64, f64),
    pub rows: Vec<PhaseRow>,
    pub legend: Vec<LegendItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PhaseRow {
    pub band: Rect,
    pub title: TextBlock,
    pub bar: Rect,
    pub markers: Vec<Marker>,
    pub counts: Vec<TextBlock>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Marker {
    pub x: f64,
    pub y: f64,
    pub r: f64,
}

impl Timeline {
    fn month_x(&self, month_index: i32) -> f64 {
        self.chart_x0 + f64::from(month_index - self.first_month) * self.month_w
    }
    /// Where a date starts on the axis: a month at its first day, a day at
    /// its own place in its month.
    fn start_x(&self, d: &Date) -> f64 {
        let frac = match d.day() {
            None => 0.0,
            Some(day) => f64::from(day - 1) / f64::from(days_in_month(d.year(), d.month_number())),
        };
        self.month_x(d.month_index()) + frac * self.month_w
    }
    /// Where a date ends: a month after its last day, a day after itself.
    fn end_x(&self, d: &Date) -> f64 {
        let frac = match d.day() {
            None => 1.0,
            Some(day) => f64::from(day) / f64::from(days_in_month(d.year(), d.month_number())),
        };
        self.month_x(d.month_index()) + frac * self.month_w
    }

    /// Every text box of the figure (for overlap tests).
    #[cfg(test)]
    pub fn text_boxes(&self) -> Vec<Rect> {
        let mut v: Vec<Rect> = self.axis_labels.iter().map(TextBlock::bbox).collect();
        for r in &self.rows {
            v.push(r.title.bbox());
            v.extend(r.counts.iter().map(TextBlock::bbox));
        }
        v.extend(legend::boxes(&self.legend));
        v
    }
}

/// The month span the figure must show: from the earliest phase start or
/// activity to the latest phase end or activity.
fn month_span(process: &Process) -> Option<(i32, i32)> {
    let months = process.phases.iter().flat_map(|p| {
        [p.start.month_index(), p.end.month_index()]
            .into_iter()
            .chain(p.activities.iter().map(|a| a.month.month_index()))
    });
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for m in months {
        lo = lo.min(m);
        hi = hi.max(m);
    }
    (lo <= hi).then_some((lo, hi))
}

fn year_of(month_index: i32) -> i32 {
    month_index.div_euclid(12)
}
fn month_name(month_index: i32) -> &'static str {
    MONTHS_SQ[month_index.rem_euclid(12) as usize]
}

pub(crate) fn layout(process: &Process) -> Timeline {
    layout_range(process, 0..process.phases.len())
}

/// The rows of the phases in `range` under the axis of the whole process
/// (every part of a split figure has the same months).
fn layout_range(process: &Process, range: Range<usize>) -> Timeline {
    let (first_month, last_month) = month_span(process).unwrap_or((0, -1));
    let months = last_month - first_month + 1;
    let chart_x0 = LABEL_COL + GAP;
    let chart_x1 = WIDTH_PT - RIGHT_MARGIN;
    let month_w = if months > 0 {
        (chart_x1 - chart_x0) / f64::from(months)
    } else {
        0.0
    };
    let mut t = Timeline {
        height: 0.0,
        first: range.start,
        first_month,
        months,
        chart_x0,
        chart_x1,
        month_w,
        axis_labels: Vec::new(),
        gridlines: Vec::new(),
        rows_y: (0.0, 0.0),
        rows: Vec::new(),
        legend: Vec::new(),
    };
    let axis_line = AXIS_SIZE * LEADING;
    let rows_top = if months > 0 {
        layout_axis(&mut t, axis_line);
        // Over many years the axis shows years only: no empty row of months.
        let month_row = t.axis_labels.iter().any(|l| l.weight == Weight::Regular);
        if month_row {
            2.0 * axis_line + 3.0
        } else {
            axis_line + 4.0
        }
    } else {
        0.0
    };
    let mut y = rows_top;
    for phase in &process.phases[range] {
        let row = layout_row(&t, phase, y);
        y = row.band.bottom();
        t.rows.push(row);
    }
    t.rows_y = (rows_top, y);
    let entries = [
        (Swatch::Fill(palette::NAVY), "Kohëzgjatja e fazës"),
        (Swatch::Marker, "Aktivitet"),
        (
            Swatch::Sample("13"),
            "Numri i raportuar (p.sh. raporte, sondazhe)",
        ),
    ];
    let (items, bottom) = legend::flow(&entries, LABEL_X, chart_x1, y + 7.0);
    t.legend = items;
    t.height = bottom + 2.0;
    t
}

/// Month names (every `step` months when a month is too narrow for its
/// name), the year where it changes, and the grid lines.
fn layout_axis(t: &mut Timeline, line: f64) {
    let widest = (0..t.months)
        .map(|i| measure(month_name(t.first_month + i), AXIS_SIZE, Weight::Regular))
        .fold(0.0, f64::max);
    let step = [1, 2, 3, 4, 6, 12]
        .into_iter()
        .find(|&s| f64::from(s) * t.month_w >= widest + 4.0);
    // Every twelve months would print "janar" under every year: the years
    // say it alone.
    let labelled = |m: i32| match step {
        Some(1) => true,
        Some(12) | None => false,
        Some(s) => m.rem_euclid(12) % s == 0,
    };
    let mut years: Vec<TextBlock> = Vec::new();
    for i in 0..t.months {
        let m = t.first_month + i;
        let x = t.month_x(m);
        let new_year = i == 0 || m.rem_euclid(12) == 0;
        if labelled(m) {
            // A name per month sits over its month; a name every few months
            // starts at its month's grid line, as the year does.
            let (lx, anchor) = if step == Some(1) {
                (x + t.month_w / 2.0, Anchor::Middle)
            } else {
                (x + 1.5, Anchor::Start)
            };
            let mut label = TextBlock::line(
                month_name(m),
                lx,
                line + 1.0,
                AXIS_SIZE,
                Weight::Regular,
                anchor,
                palette::TEXT,
            );
            label.clamp_x(t.chart_x0, t.chart_x1);
            t.axis_labels.push(label);
        }
        if new_year {
            let mut label = TextBlock::line(
                &year_of(m).to_string(),
                x + 1.5,
                0.0,
                AXIS_SIZE,
                Weight::Bold,
                Anchor::Start,
                palette::NAVY,
            );
            label.clamp_x(t.chart_x0, t.chart_x1);
            // A last year too narrow for its number would have to sit on
            // the year before; it is left to the month names.
            if label.x == x + 1.5 || t.months <= 12 {
                years.push(label);
            }
        }
        if i > 0 && (new_year || labelled(m) || step == Some(1)) {
            t.gridlines.push((x, new_year));
        }
    }
    // Labels that would touch give way: a month name to the one before it;
    // a year to the one before it, except that a first year shown only by a
    // month or two (too narrow for its number) gives way to the next year.
    let clear = |a: &TextBlock, b: &TextBlock| a.bbox().right() + 3.0 <= b.bbox().x;
    t.axis_labels = thin(std::mem::take(&mut t.axis_labels), clear);
    if years.len() > 1 && !clear(&years[0], &years[1]) {
        years.remove(0);
    }
    let kept = thin(years, clear);
    // A year whose number gave way to the one before it keeps no grid line
    // either: its line ran through that number (over decades, a line every
    // year through labels every three years). The lines left are those of
    // the years shown.
    t.gridlines.retain(|&(x, year)| {
        !year
            || !kept
                .iter()
                .any(|l| l.bbox().x < x && x < l.bbox().right() + 3.0)
    });
    t.axis_labels.extend(kept);
}

/// Keeps each label that is clear of the last one kept, left to right.
fn thin(labels: Vec<TextBlock>, clear: impl Fn(&TextBlock, &TextBlock) -> bool) -> Vec<TextBlock> {
    let mut kept: Vec<TextBlock> = Vec::new();
    for l in labels {
        if kept.last().is_none_or(|k| clear(k, &l)) {
            kept.push(l);
        }
    }
    kept
}

fn layout_row(t: &Timeline, phase: &Phase, top: f64) -> PhaseRow {
    let title = TextBlock::new(
        wrap(
            &phase.title,
            LABEL_COL - LABEL_X - 3.0,
            TITLE_SIZE,
            Weight::Regular,
        ),
        LABEL_X,
        top + ROW_PAD,
        TITLE_SIZE,
        Weight::Regular,
        Anchor::Start,
        palette::TEXT,
    );
    // The bar sits level with the title's first line.
    let bar_top = title.top + (title.line_height() - BAR_H) / 2.0;
    let (mut x0, mut x1) = (t.start_x(&phase.start), t.end_x(&phase.end));
    if x1 < x0 {
        // An end before the start is reported by validation; draw the span
        // the two dates make rather than nothing.
        (x0, x1) = (t.start_x(&phase.end), t.end_x(&phase.start));
    }
    if x1 - x0 < MIN_BAR {
        let mid = ((x0 + x1) / 2.0).clamp(t.chart_x0 + MIN_BAR / 2.0, t.chart_x1 - MIN_BAR / 2.0);
        (x0, x1) = (mid - MIN_BAR / 2.0, mid + MIN_BAR / 2.0);
    }
    let bar = Rect::new(x0, bar_top, x1 - x0, BAR_H);
    let cy = bar_top + BAR_H / 2.0;

    // Activities of one month share that month's width inside the bar, in
    // their written order; an activity with a day sits on its day.
    let mut markers = Vec::new();
    let mut counts = Vec::new();
    for (i, a) in phase.activities.iter().enumerate() {
        let m = a.month.month_index();
        let marker = match a.month.day() {
            Some(_) => {
                let x = (t.start_x(&a.month) + t.end_x(&a.month)) / 2.0;
                Marker {
                    x,
                    y: cy,
                    r: MARKER_R,
                }
            }
            None => {
                let same: Vec<usize> = phase
                    .activities
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.month.is_month_only() && b.month.month_index() == m)
                    .map(|(j, _)| j)
                    .collect();
                let (col0, col1) = (t.month_x(m), t.month_x(m) + t.month_w);
                let (mut lo, mut hi) = (col0.max(bar.x), col1.min(bar.right()));
                if hi - lo < 2.0 * MARKER_R {
                    (lo, hi) = (col0, col1);
                }
                let k = same.len() as f64;
                let r = MARKER_R.min((hi - lo) / k * 0.4).max(1.0);
                // Each activity's slot is as wide as its count label needs,
                // and the room left over is shared out evenly, so the labels
                // of a busy month stay on one line when they can.
                let need: Vec<f64> = same
                    .iter()
                    .map(|&j| {
                        let label = phase.activities[j].count.as_ref().map_or(0.0, |c| {
                            measure(&c.text, COUNT_SIZE, Weight::Bold) + LABEL_GAP
                        });
                        label.max(2.0 * r + 1.5)
                    })
                    .collect();
                let slot = same.iter().position(|&j| j == i).unwrap_or(0);
                let total: f64 = need.iter().sum();
                let x = if total <= hi - lo {
                    let spare = (hi - lo - total) / k;
                    lo + need[..slot].iter().map(|w| w + spare).sum::<f64>()
                        + (need[slot] + spare) / 2.0
                } else {
                    lo + (slot as f64 + 0.5) / k * (hi - lo)
                };
                Marker { x, y: cy, r }
            }
        };
        if let Some(count) = &a.count {
            let mut label = TextBlock::line(
                &count.text,
                marker.x,
                0.0,
                COUNT_SIZE,
                Weight::Bold,
                Anchor::Middle,
                palette::TEXT,
            );
            label.clamp_x(t.chart_x0, t.chart_x1);
            counts.push(label);
        }
        markers.push(marker);
    }
    // Counts that would touch go down to a lane of their own.
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        counts[a]
            .bbox()
            .x
            .total_cmp(&counts[b].bbox().x)
            .then(a.cmp(&b))
    });
    let spans: Vec<(f64, f64)> = order
        .iter()
        .map(|&i| {
            let b = counts[i].bbox();
            (b.x, b.right())
        })
        .collect();
    let lane_h = COUNT_SIZE * LEADING;
    for (&i, lane) in order.iter().zip(lanes(&spans, LABEL_GAP)) {
        counts[i].top = bar.bottom() + 1.0 + lane as f64 * lane_h;
    }
    let bottom = counts
        .iter()
        .map(|c| c.top + c.height())
        .fold(title.top + title.height(), f64::max)
        .max(bar.bottom());
    let band = Rect::new(0.0, top, WIDTH_PT, bottom + ROW_PAD - top);
    PhaseRow {
        band,
        title,
        bar,
        markers,
        counts,
    }
}

fn write(t: &Timeline, alt: &str) -> (String, f64) {
    let (height_mm, height_pt) = printed_height(t.height);
    let mut w = SvgWriter::new(height_mm, height_pt, alt);
    for (i, row) in t.rows.iter().enumerate() {
        if (t.first + i) % 2 == 1 {
            w.rect(row.band, palette::BAND, None);
        }
    }
    let (y0, y1) = t.rows_y;
    for &(x, year) in &t.gridlines {
        if year {
            w.line(x, 0.0, x, y1, palette::GREY, 0.8);
        } else {
            w.line(
                x,
                y0 - 3.0 - AXIS_SIZE * LEADING,
                x,
                y1,
                palette::GREY_LIGHT,
                0.5,
            );
        }
    }
    if t.months > 0 {
        w.line(t.chart_x0, y0, t.chart_x1, y0, palette::NAVY, 0.8);
        w.line(t.chart_x0, y0, t.chart_x0, y1, palette::GREY, 0.5);
        w.line(t.chart_x1, y0, t.chart_x1, y1, palette::GREY, 0.5);
    }
    w.line(0.0, y1, WIDTH_PT, y1, palette::GREY, 0.5);
    for row in &t.rows {
        w.rect(row.bar, palette::NAVY, None);
        for m in &row.markers {
            w.circle(m.x, m.y, m.r, palette::WHITE, Some((palette::NAVY, 0.8)));
        }
    }
    for label in &t.axis_labels {
        w.text(label);
    }
    for row in &t.rows {
        w.text(&row.title);
        for c in &row.counts {
            w.text(c);
        }
    }
    legend::write(&mut w, &t.legend);
    (w.finish(), height_mm)
}

/// [`alt_range`] for every phase.
#[cfg(test)]
fn alt(process: &Process) -> String {
    alt_range(process, 0..process.phases.len())
}

/// What a reader who cannot see the figure is told: the span, then each
/// phase with its months and its activities.
/// Only the phases in `range` (a part of a split figure, "Vazhdim." before
/// the parts after the first).
fn alt_range(process: &Process, range: Range<usize>) -> String {
    let Some((first, last)) = month_span(process) else {
        return "Figura nuk ka faza për të treguar.".to_string();
    };
    let label = |m: i32| format!("{} {}", month_name(m), year_of(m));
    let mut s = String::new();
    if range.start > 0 {
        s.push_str("Vazhdim. ");
    }
    s.push_str(&format!(
        "Grafik kohor i fazave të procesit, nga {} deri në {}, me një rresht për çdo fazë: ",
        label(first),
        label(last)
    ));
    let phases: Vec<String> = process.phases[range]
        .iter()
        .map(|p| {
            let counted: Vec<String> = p
                .activities
                .iter()
                .filter_map(|a| a.count.as_ref().map(|c| format!("{} {}", c.text, a.title)))
                .collect();
            let mut one = format!(
                "{} ({}, {})",
                p.title,
                words::span(&p.start, &p.end),
                words::activities(p.activities.len())
            );
            if !counted.is_empty() {
                one.push_str(": ");
                one.push_str(&counted.join(", "));
            }
            one
        })
        .collect();
    s.push_str(&phases.join("; "));
    s.push('.');
    s
}

/// Figure 1 as SVG.
pub fn timeline_svg(process: &Process) -> Svg {
    part(process, 0..process.phases.len())
}

/// The figure for the phases in `range`.
fn part(process: &Process, range: Range<usize>) -> Svg {
    drawn(&layout_range(process, range.clone()), process, range)
}

/// `layout` (of the phases in `range`) as SVG, with its alt text.
fn drawn(layout: &Timeline, process: &Process, range: Range<usize>) -> Svg {
    let alt = alt_range(process, range);
    let (source, height_mm) = write(layout, &alt);
    Svg::new(source, height_mm, alt)
}

/// Figure 1 in parts no taller than [`crate::MAX_PART_PT`], split between
/// phases; each part has the axis of the whole process and the legend. One
/// part (the whole figure) when it fits.
pub fn timeline_parts(process: &Process) -> Vec<Svg> {
    let whole = layout(process);
    let (top, bottom) = whole.rows_y;
    let rows = crate::heights(top, whole.rows.iter().map(|r| r.band.bottom()));
    crate::parts(
        top + whole.height - bottom,
        &rows,
        |range| drawn(&whole, process, range),
        |range| part(process, range),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{
        assert_no_overlap, maybe_dump_svg, phase, seed_process, stress_process, LONG_TITLE,
    };

    #[test]
    fn axis_spans_the_data_in_albanian() {
        let t = layout(&seed_process());
        assert_eq!(t.months, 7);
        assert_eq!(t.first_month, Date::month(2020, 6).month_index());
        let names: Vec<&str> = t.axis_labels.iter().map(|l| l.lines[0].as_str()).collect();
        assert_eq!(
            names,
            ["qershor", "korrik", "gusht", "shtator", "tetor", "nëntor", "dhjetor", "2020"]
        );
    }

    #[test]
    fn bars_cover_their_phase_months() {
        let p = seed_process();
        let t = layout(&p);
        let mw = t.month_w;
        // Përgatitjet: June and July, the axis' first two months.
        let bar = t.rows[0].bar;
        assert!((bar.x - t.chart_x0).abs() < 1e-9);
        assert!((bar.right() - (t.chart_x0 + 2.0 * mw)).abs() < 1e-9);
        // Konsultimet paraprake: August–September, months 3 and 4.
        let bar = t.rows[1].bar;
        assert!((bar.x - (t.chart_x0 + 2.0 * mw)).abs() < 1e-9);
        assert!((bar.right() - (t.chart_x0 + 4.0 * mw)).abs() < 1e-9);
        // Every bar lies within the axis.
        for r in &t.rows {
            assert!(r.bar.x >= t.chart_x0 - 1e-9 && r.bar.right() <= t.chart_x1 + 1e-9);
        }
    }

    #[test]
    fn overlapping_phases_overlap_on_the_axis() {
        let t = layout(&seed_process());
        // Konsultimet paraprake (Aug–Sep) and the thematic groups (Sep).
        let (a, b) = (t.rows[1].bar, t.rows[2].bar);
        assert!(a.x < b.right() && b.x < a.right());
        assert!(a.bottom() <= b.y, "rows keep their own lines");
    }

    #[test]
    fn day_dates_sit_inside_their_month() {
        let mut p = seed_process();
        p.phases[0].start = Date::ymd(2020, 6, 16);
        p.phases[0].end = Date::ymd(2020, 7, 15);
        let t = layout(&p);
        let bar = t.rows[0].bar;
        let (june, july) = (
            t.month_x(Date::month(2020, 6).month_index()),
            t.month_x(Date::month(2020, 7).month_index()),
        );
        assert!((bar.x - (june + 15.0 / 30.0 * t.month_w)).abs() < 1e-9);
        assert!((bar.right() - (july + 15.0 / 31.0 * t.month_w)).abs() < 1e-9);
    }

    #[test]
    fn a_one_month_phase_has_the_month_and_a_one_day_phase_still_shows() {
        let mut p = seed_process();
        let t = layout(&p);
        // Konsultimet Tematike: October only.
        assert!((t.rows[4].bar.w - t.month_w).abs() < 1e-9);
        assert!(t.rows[4].bar.w > 20.0);
        p.phases[4].start = Date::ymd(2020, 10, 5);
        p.phases[4].end = Date::ymd(2020, 10, 5);
        let t = layout(&p);
        assert!(t.rows[4].bar.w >= MIN_BAR);
    }

    #[test]
    fn seed_labels_do_not_overlap() {
        let t = layout(&seed_process());
        assert_no_overlap(&t.text_boxes());
        let page = Rect::new(0.0, 0.0, WIDTH_PT, t.height);
        for b in t.text_boxes() {
            assert!(page.contains(&b), "{b:?} leaves the figure");
        }
    }

    #[test]
    fn counts_of_one_month_are_spread_and_printed_as_written() {
        let t = layout(&seed_process());
        let row = &t.rows[1];
        let texts: Vec<&str> = row.counts.iter().map(|c| c.lines[0].as_str()).collect();
        assert_eq!(texts, [">150", "4", "4", "1", "4", "4", "4", "4"]);
        // Four activities in August: four distinct markers inside the bar.
        let xs: Vec<f64> = row.markers[..4].iter().map(|m| m.x).collect();
        assert!(xs.windows(2).all(|w| w[1] - w[0] > 2.0 * MARKER_R));
        assert!(row
            .markers
            .iter()
            .all(|m| m.x > row.bar.x && m.x < row.bar.right()));
        // There is room for all eight labels on one line under the bar.
        assert!(row.counts.iter().all(|c| c.top == row.counts[0].top));
    }

    #[test]
    fn twenty_phases_with_long_titles_wrap_and_fit() {
        let p = stress_process();
        let t = layout(&p);
        maybe_dump_svg("timeline-20", timeline_svg(&p));
        assert_eq!(t.rows.len(), 20);
        assert!(t.rows.iter().all(|r| r.title.lines.len() >= 3));
        for r in &t.rows {
            // Nothing lost: the wrapped lines are the whole title.
            assert!(r.title.lines.join(" ").starts_with(LONG_TITLE));
            assert!(
                r.title.bbox().right() <= LABEL_COL,
                "title stays in its column"
            );
            assert!(
                r.band.contains(&r.title.bbox()),
                "the row grows to hold its title"
            );
        }
        assert_no_overlap(&t.text_boxes());
        let page = Rect::new(0.0, 0.0, WIDTH_PT, t.height);
        assert!(t.text_boxes().iter().all(|b| page.contains(b)));
    }

    #[test]
    fn long_spans_label_every_few_months() {
        let p = Process {
            title: "Procesi".into(),
            phases: vec![phase("Zbatimi", Date::month(2020, 9), Date::month(2022, 8))],
        };
        let t = layout(&p);
        maybe_dump_svg("timeline-24m", timeline_svg(&p));
        assert_eq!(t.months, 24);
        assert_no_overlap(&t.text_boxes());
        let years: Vec<&str> = t
            .axis_labels
            .iter()
            .filter(|l| l.weight == Weight::Bold)
            .map(|l| l.lines[0].as_str())
            .collect();
        assert_eq!(years, ["2020", "2021", "2022"]);
    }

    #[test]
    fn a_decade_keeps_its_axis_legible() {
        let p = Process {
            title: "Procesi".into(),
            phases: vec![
                phase("Para", Date::month(2019, 12), Date::month(2019, 12)),
                phase("Zbatimi", Date::month(2020, 1), Date::month(2031, 6)),
            ],
        };
        maybe_dump_svg("timeline-decade", timeline_svg(&p));
        let t = layout(&p);
        let page = Rect::new(0.0, 0.0, WIDTH_PT, t.height);
        assert!(t.text_boxes().iter().all(|b| page.contains(b)));
        assert_no_overlap(&t.text_boxes());
        let years: Vec<&str> = t
            .axis_labels
            .iter()
            .filter(|l| l.weight == Weight::Bold)
            .map(|l| l.lines[0].as_str())
            .collect();
        // December 2019 is too narrow for "2019"; the years after it show.
        assert_eq!(years.first(), Some(&"2020"));
        assert!(years.len() >= 6, "{years:?}");
    }

    #[test]
    fn forty_years_draw_no_line_through_a_year() {
        let p = Process {
            title: "Procesi".into(),
            phases: vec![phase("Zbatimi", Date::month(2020, 6), Date::month(2060, 5))],
        };
        maybe_dump_svg("timeline-40y", timeline_svg(&p));
        let t = layout(&p);
        assert_no_overlap(&t.text_boxes());
        let years: Vec<&TextBlock> = t
            .axis_labels
            .iter()
            .filter(|l| l.weight == Weight::Bold)
            .collect();
        assert!(years.len() >= 8, "{}", years.len());
        // No grid line crosses a label of the axis; each year shown after
        // the first starts at a line of its own.
        for &(x, _) in &t.gridlines {
            for l in &t.axis_labels {
                let b = l.bbox();
                assert!(
                    !(b.x < x && x < b.right()),
                    "a line at {x} through {:?}",
                    l.lines
                );
            }
        }
        for y in &years[1..] {
            assert!(t
                .gridlines
                .iter()
                .any(|&(x, year)| year && (y.x - 1.5 - x).abs() < 1e-6));
        }
        // No month names: "janar" under every year says nothing; and no
        // empty row for them above the phases.
        assert!(t.axis_labels.iter().all(|l| l.weight == Weight::Bold));
        assert!(t.rows_y.0 < 2.0 * AXIS_SIZE * LEADING, "{}", t.rows_y.0);
        let page = Rect::new(0.0, 0.0, WIDTH_PT, t.height);
        assert!(t.text_boxes().iter().all(|b| page.contains(b)));
    }

    #[test]
    fn alt_lists_phases_and_months() {
        let a = alt(&seed_process());
        assert!(a.contains("nga qershor 2020 deri në dhjetor 2020"), "{a}");
        assert!(
            a.contains("Përgatitjet (qershor – korrik 2020, 5 aktivitete)"),
            "{a}"
        );
        assert!(
            a.contains(">150 Identifikohen palët kryesore të interesit"),
            "{a}"
        );
    }
}
