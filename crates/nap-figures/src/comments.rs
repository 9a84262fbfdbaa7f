//! Figure 3: the comments received in each consultation round, stacked by
//! what became of them.
//!
//! One horizontal bar per round (in the plan's round order), split into
//! accepted, partially accepted, rejected and pending. Each part has its own
//! fill pattern as well as its colour (solid, diagonal lines, cross-hatch,
//! dots) and its count printed on it, and each bar its total, so the figure
//! reads in black-and-white print.

use crate::legend::{self, LegendItem, Swatch};
use crate::svg::{palette, printed_height, SvgWriter, WIDTH_PT};
use crate::text::{lanes, measure, wrap, Anchor, Rect, TextBlock, Weight, LEADING};
use crate::{words, Svg};
use nap_model::{Disposition, Plan};
use std::ops::Range;

const LEFT_COL: f64 = 0.28 * WIDTH_PT;
const LABEL_X: f64 = 3.0;
const GAP: f64 = 8.0;
const TITLE_SIZE: f64 = 7.5;
const COUNT_SIZE: f64 = 7.0;
const TOTAL_SIZE: f64 = 8.0;
const AXIS_SIZE: f64 = 6.5;
const BAR_H: f64 = 14.0;
const ROW_PAD: f64 = 5.0;

/// The fills of the parts that are not solid: diagonal lines (partially
/// accepted), cross-hatching (rejected), dots (pending).
fn patterns() -> String {
    use palette::{GREY, GREY_DARK, TEAL, TEAL_LIGHT, WHITE};
    format!(
        concat!(
            "<defs>\n",
            "<pattern id=\"nap-partial\" patternUnits=\"userSpaceOnUse\" width=\"4\" height=\"4\" ",
            "patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"{TEAL_LIGHT}\"/>",
            "<rect width=\"1.6\" height=\"4\" fill=\"{TEAL}\"/></pattern>\n",
            "<pattern id=\"nap-rejected\" patternUnits=\"userSpaceOnUse\" width=\"4\" height=\"4\" ",
            "patternTransform=\"rotate(45)\"><rect width=\"4\" height=\"4\" fill=\"{WHITE}\"/>",
            "<rect width=\"0.8\" height=\"4\" fill=\"{GREY_DARK}\"/>",
            "<rect width=\"4\" height=\"0.8\" fill=\"{GREY_DARK}\"/></pattern>\n",
            "<pattern id=\"nap-pending\" patternUnits=\"userSpaceOnUse\" width=\"3\" height=\"3\">",
            "<rect width=\"3\" height=\"3\" fill=\"{WHITE}\"/>",
            "<circle cx=\"1.5\" cy=\"1.5\" r=\"0.6\" fill=\"{GREY}\"/></pattern>\n",
            "</defs>\n"
        ),
        TEAL_LIGHT = TEAL_LIGHT,
        TEAL = TEAL,
        WHITE = WHITE,
        GREY_DARK = GREY_DARK,
        GREY = GREY,
    )
}

fn fill(d: Disposition) -> &'static str {
    match d {
        Disposition::Accepted => palette::NAVY,
        Disposition::PartiallyAccepted => "url(#nap-partial)",
        Disposition::Rejected => "url(#nap-rejected)",
        Disposition::Pending => "url(#nap-pending)",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CommentsChart {
    pub height: f64,
    pub legend: Vec<LegendItem>,
    pub chart_x0: f64,
    /// Points per comment.
    pub scale: f64,
    pub axis_max: usize,
    pub axis_y: f64,
    pub ticks: Vec<(f64, TextBlock)>,
    pub axis_title: TextBlock,
    pub rows_y: (f64, f64),
    pub rows: Vec<RoundRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RoundRow {
    pub title: TextBlock,
    /// Comments per disposition, in [`Disposition::ALL`] order.
    pub counts: [usize; 4],
    pub segments: Vec<Segment>,
    pub total: TextBlock,
    pub bar_y: f64,
    pub bottom: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    pub disposition: Disposition,
    pub rect: Rect,
    pub count: usize,
    pub label: TextBlock,
    /// Whether the label is on the segment (else below the bar).
    pub inside: bool,
}

impl CommentsChart {
    #[cfg(test)]
    pub fn text_boxes(&self) -> Vec<Rect> {
        let mut v: Vec<Rect> = self.ticks.iter().map(|(_, t)| t.bbox()).collect();
        v.push(self.axis_title.bbox());
        for r in &self.rows {
            v.push(r.title.bbox());
            v.push(r.total.bbox());
            v.extend(r.segments.iter().map(|s| s.label.bbox()));
        }
        v.extend(legend::boxes(&self.legend));
        v
    }
}

/// The rounds in the plan's order with their comments counted by
/// disposition; a comment whose round the plan does not list (validation
/// reports it) still counts, under its round id, after the listed rounds.
fn tally(plan: &Plan) -> Vec<(String, [usize; 4])> {
    let mut rows: Vec<(String, String, [usize; 4])> = plan
        .rounds
        .iter()
        .map(|r| (r.id.clone(), r.title.clone(), [0; 4]))
        .collect();
    for c in &plan.comments {
        let i = match rows.iter().position(|(id, _, _)| *id == c.round) {
            Some(i) => i,
            None => {
                rows.push((c.round.clone(), c.round.clone(), [0; 4]));
                rows.len() - 1
            }
        };
        let d = Disposition::ALL
            .iter()
            .position(|&d| d == c.disposition)
            .unwrap_or(3);
        rows[i].2[d] += 1;
    }
    rows.into_iter().map(|(_, title, n)| (title, n)).collect()
}

/// A round number of comments per axis step (1, 2 or 5 times a power of
/// ten), at most about five steps to the largest total.
fn axis_step(max: usize) -> usize {
    let raw = (max as f64 / 5.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag);
    (step.round() as usize).max(1)
}

/// Rounds with their counts, as [`tally`] gives them.
type Tallies = [(String, [usize; 4])];

#[cfg(test)]
pub(crate) fn layout(plan: &Plan) -> CommentsChart {
    let tallies = tally(plan);
    layout_of(&tallies, 0..tallies.len())
}

/// The chart of the rounds in `range`, on the axis of all the rounds: the
/// parts of a split figure share one scale, so their bars compare.
fn layout_of(tallies: &Tallies, range: Range<usize>) -> CommentsChart {
    let max_total = tallies
        .iter()
        .map(|(_, n)| n.iter().sum::<usize>())
        .max()
        .unwrap_or(0);
    let step = axis_step(max_total);
    let axis_max = max_total.div_ceil(step).max(1) * step;
    let chart_x0 = LEFT_COL + GAP;
    let total_room = measure(&max_total.to_string(), TOTAL_SIZE, Weight::Bold) + 6.0;
    let chart_x1 = WIDTH_PT - 2.0 - total_room;
    let scale = (chart_x1 - chart_x0) / axis_max as f64;

    let entries: Vec<(Swatch, &str)> = Disposition::ALL
        .iter()
        .map(|&d| (Swatch::Fill(fill(d)), words::disposition(d)))
        .collect();
    let (legend, legend_bottom) = legend::flow(&entries, chart_x0, WIDTH_PT - 2.0, 0.0);

    let rows_top = legend_bottom + 8.0;
    let mut y = rows_top;
    let mut rows = Vec::new();
    for (title, counts) in &tallies[range] {
        let row = layout_row(title, *counts, y, chart_x0, scale);
        y = row.bottom;
        rows.push(row);
    }
    let axis_y = y;
    let ticks = (0..=axis_max)
        .step_by(step)
        .map(|n| {
            let x = chart_x0 + n as f64 * scale;
            let label = TextBlock::line(
                &n.to_string(),
                x,
                axis_y + 3.0,
                AXIS_SIZE,
                Weight::Regular,
                Anchor::Middle,
                palette::GREY_DARK,
            );
            (x, label)
        })
        .collect();
    let axis_title = TextBlock::line(
        "Numri i komenteve",
        (chart_x0 + chart_x1) / 2.0,
        axis_y + 3.0 + AXIS_SIZE * LEADING + 1.5,
        AXIS_SIZE + 0.5,
        Weight::Regular,
        Anchor::Middle,
        palette::TEXT,
    );
    let height = axis_title.top + axis_title.height() + 2.0;
    CommentsChart {
        height,
        legend,
        chart_x0,
        scale,
        axis_max,
        axis_y,
        ticks,
        axis_title,
        rows_y: (rows_top, axis_y),
        rows,
    }
}

fn layout_row(title: &str, counts: [usize; 4], top: f64, x0: f64, scale: f64) -> RoundRow {
    let content_top = top + ROW_PAD;
    let mut title = TextBlock::new(
        wrap(title, LEFT_COL - LABEL_X - 3.0, TITLE_SIZE, Weight::Regular),
        LABEL_X,
        content_top,
        TITLE_SIZE,
        Weight::Regular,
        Anchor::Start,
        palette::TEXT,
    );
    if title.height() < BAR_H {
        title.top += (BAR_H - title.height()) / 2.0;
    }
    let bar_y = content_top;
    let mid = bar_y + BAR_H / 2.0;
    let mut segments = Vec::new();
    let mut x = x0;
    for (&d, &n) in Disposition::ALL.iter().zip(&counts) {
        if n == 0 {
            continue;
        }
        let rect = Rect::new(x, bar_y, n as f64 * scale, BAR_H);
        x = rect.right();
        let text = n.to_string();
        let fits = measure(&text, COUNT_SIZE, Weight::Bold) + 5.0 <= rect.w;
        let label = TextBlock::line(
            &text,
            rect.x + rect.w / 2.0,
            mid - COUNT_SIZE * LEADING / 2.0,
            COUNT_SIZE,
            Weight::Bold,
            Anchor::Middle,
            if d == Disposition::Accepted && fits {
                palette::WHITE
            } else {
                palette::TEXT
            },
        );
        segments.push(Segment {
            disposition: d,
            rect,
            count: n,
            label,
            inside: fits,
        });
    }
    // Counts too wide for their part go under the bar, in lanes so that
    // neighbours do not collide.
    let outside: Vec<usize> = (0..segments.len())
        .filter(|&i| !segments[i].inside)
        .collect();
    let spans: Vec<(f64, f64)> = outside
        .iter()
        .map(|&i| {
            let b = segments[i].label.bbox();
            (b.x, b.right())
        })
        .collect();
    let lane_h = COUNT_SIZE * LEADING;
    let mut bottom = (bar_y + BAR_H).max(title.top + title.height());
    for (&i, lane) in outside.iter().zip(lanes(&spans, 2.0)) {
        let label = &mut segments[i].label;
        label.top = bar_y + BAR_H + 2.0 + lane as f64 * lane_h;
        bottom = bottom.max(label.top + label.height());
    }
    let total = TextBlock::line(
        &counts.iter().sum::<usize>().to_string(),
        x + 4.0,
        mid - TOTAL_SIZE * LEADING / 2.0,
        TOTAL_SIZE,
        Weight::Bold,
        Anchor::Start,
        palette::TEXT,
    );
    RoundRow {
        title,
        counts,
        segments,
        total,
        bar_y,
        bottom: bottom + ROW_PAD,
    }
}

fn write(c: &CommentsChart, alt: &str) -> (String, f64) {
    let (height_mm, height_pt) = printed_height(c.height);
    let mut w = SvgWriter::new(height_mm, height_pt, alt);
    w.raw(&patterns());
    let (y0, y1) = c.rows_y;
    for (i, (x, _)) in c.ticks.iter().enumerate() {
        let colour = if i == 0 {
            palette::GREY
        } else {
            palette::GREY_LIGHT
        };
        w.line(*x, y0, *x, y1 + 2.0, colour, 0.5);
    }
    w.line(
        c.chart_x0,
        y1,
        c.chart_x0 + c.axis_max as f64 * c.scale,
        y1,
        palette::GREY,
        0.6,
    );
    for row in &c.rows {
        for s in &row.segments {
            w.rect(s.rect, fill(s.disposition), Some((palette::TEXT, 0.5)));
        }
    }
    for row in &c.rows {
        w.text(&row.title);
        for s in &row.segments {
            if s.inside && s.disposition != Disposition::Accepted {
                // A white patch keeps the number legible on a pattern.
                let b = s.label.bbox();
                w.rect(
                    Rect::new(b.x - 1.5, b.y + 0.6, b.w + 3.0, b.h - 1.2),
                    palette::WHITE,
                    None,
                );
            }
            if !s.inside {
                let x = s.rect.x + s.rect.w / 2.0;
                w.line(x, s.rect.bottom(), x, s.label.top + 0.8, palette::TEXT, 0.4);
            }
            w.text(&s.label);
        }
        w.text(&row.total);
    }
    for (_, t) in &c.ticks {
        w.text(t);
    }
    w.text(&c.axis_title);
    legend::write(&mut w, &c.legend);
    (w.finish(), height_mm)
}

/// What a reader who cannot see the figure is told, of the rounds in
/// `range` ("Vazhdim." before the parts after the first).
fn alt(tallies: &Tallies, range: Range<usize>) -> String {
    let continued = if range.start > 0 { "Vazhdim. " } else { "" };
    let rounds: Vec<String> = tallies[range]
        .iter()
        .map(|(title, n)| {
            let parts: Vec<String> = Disposition::ALL
                .iter()
                .zip(*n)
                .filter(|(_, k)| *k > 0)
                .map(|(&d, k)| format!("{k} {}", words::disposition(d).to_lowercase()))
                .collect();
            let total = words::comments(n.iter().sum());
            if parts.is_empty() {
                format!("{title}: {total}")
            } else {
                format!("{title}: {total} ({})", parts.join(", "))
            }
        })
        .collect();
    format!(
        "{continued}Komentet e marra në çdo raund konsultimi, sipas vendimit për to: {}.",
        rounds.join("; ")
    )
}

/// `layout` (of the rounds in `range`) as SVG, with its alt text.
fn drawn(layout: &CommentsChart, tallies: &Tallies, range: Range<usize>) -> Svg {
    let alt = alt(tallies, range);
    let (source, height_mm) = write(layout, &alt);
    Svg::new(source, height_mm, alt)
}

/// Figure 3 as SVG.
pub fn comments_svg(plan: &Plan) -> Svg {
    let tallies = tally(plan);
    let all = 0..tallies.len();
    drawn(&layout_of(&tallies, all.clone()), &tallies, all)
}

/// Figure 3 in parts no taller than [`crate::MAX_PART_PT`], split between
/// rounds (a plan consulting in every county has a bar per county); each
/// part has the legend and the axis, all on the whole figure's scale. One
/// part (the whole figure) when it fits.
pub fn comments_parts(plan: &Plan) -> Vec<Svg> {
    let tallies = tally(plan);
    let whole = layout_of(&tallies, 0..tallies.len());
    let (top, bottom) = whole.rows_y;
    let rows = crate::heights(top, whole.rows.iter().map(|r| r.bottom));
    crate::parts(
        top + whole.height - bottom,
        &rows,
        |range| drawn(&whole, &tallies, range),
        |range| drawn(&layout_of(&tallies, range.clone()), &tallies, range),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{assert_no_overlap, comment, seed_plan, SEED_COMMENTS};
    use nap_model::Round;

    #[test]
    fn parts_of_any_size_fit_and_keep_their_labels_apart() {
        // Rounds from 1 to 90, titles from one word to four lines, totals
        // from 1 to 400: every part fits the page part, its text boxes do
        // not overlap, and the rounds are split in order, none lost.
        for (n, words, spread) in [
            (1, 1, 1),
            (9, 3, 40),
            (14, 12, 400),
            (37, 30, 7),
            (90, 2, 3),
        ] {
            let mut plan = seed_plan();
            plan.rounds.clear();
            plan.comments.clear();
            let mut k = 0;
            for r in 0..n {
                let id = format!("r{r}");
                let title = vec!["Takimi"; (r % words) + 1].join(" ") + &format!(" {r}");
                plan.rounds.push(Round {
                    id: id.clone(),
                    title,
                });
                for c in 0..(r * 7919 % spread) + 1 {
                    k += 1;
                    plan.comments.push(comment(k, &id, Disposition::ALL[c % 4]));
                }
            }
            let tallies = tally(&plan);
            let parts = comments_parts(&plan);
            let mut next = 0;
            for p in &parts {
                assert!(
                    p.height_mm <= 221.1,
                    "{n} rounds: a part of {} mm",
                    p.height_mm
                );
                let (_, listed) = p.alt.split_once("për to: ").expect("the alt's list");
                let rounds = listed.split("; ").count();
                let c = layout_of(&tallies, next..next + rounds);
                assert_no_overlap(&c.text_boxes());
                next += rounds;
            }
            assert_eq!(next, n, "{n} rounds");
        }
    }

    #[test]
    fn bars_follow_the_round_order_and_sum_to_the_totals() {
        let plan = seed_plan();
        let c = layout(&plan);
        assert_eq!(c.rows.len(), 3);
        for (row, (_, title, counts)) in c.rows.iter().zip(SEED_COMMENTS) {
            assert_eq!(row.title.lines.join(" "), title);
            assert_eq!(row.counts, counts);
            let total: usize = counts.iter().sum();
            assert_eq!(row.segments.iter().map(|s| s.count).sum::<usize>(), total);
            assert_eq!(row.total.lines, [total.to_string()]);
            // The parts are contiguous and as long as the total.
            let width: f64 = row.segments.iter().map(|s| s.rect.w).sum();
            assert!((width - total as f64 * c.scale).abs() < 1e-9);
            for w in row.segments.windows(2) {
                assert!((w[0].rect.right() - w[1].rect.x).abs() < 1e-9);
            }
        }
        assert_eq!(c.rows[1].counts.iter().sum::<usize>(), 37);
        assert_eq!(c.axis_max, 40);
    }

    #[test]
    fn labels_do_not_overlap() {
        let c = layout(&seed_plan());
        let boxes = c.text_boxes();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
        // The small parts' numbers (1 partially accepted, 1 pending in the
        // third round) are printed too, under the bar.
        let third = &c.rows[2];
        assert!(third.segments.iter().any(|s| !s.inside));
    }

    #[test]
    fn legend_is_albanian_and_patterned() {
        let c = layout(&seed_plan());
        let labels: Vec<&str> = c.legend.iter().map(|i| i.label.lines[0].as_str()).collect();
        assert_eq!(
            labels,
            ["Pranuar", "Pranuar pjesërisht", "Refuzuar", "Në shqyrtim"]
        );
        let svg = comments_svg(&seed_plan()).source;
        for id in ["nap-partial", "nap-rejected", "nap-pending"] {
            assert!(svg.contains(&format!("<pattern id=\"{id}\"")));
            assert!(svg.contains(&format!("fill=\"url(#{id})\"")));
        }
    }

    #[test]
    fn comments_of_an_unlisted_round_still_count() {
        let mut plan = seed_plan();
        plan.rounds.truncate(1);
        plan.comments
            .push(comment(999, "e-panjohur", Disposition::Rejected));
        let t = tally(&plan);
        assert_eq!(t[0].0, "Konsultimet tematike");
        let all: usize = t.iter().map(|(_, n)| n.iter().sum::<usize>()).sum();
        assert_eq!(all, plan.comments.len());
        assert_eq!(t.last().unwrap().0, "e-panjohur");
    }

    #[test]
    fn a_round_without_comments_shows_nought() {
        let mut plan = seed_plan();
        plan.rounds.push(Round {
            id: "takimi-final".into(),
            title: "Takimi final".into(),
        });
        let c = layout(&plan);
        let last = c.rows.last().unwrap();
        assert!(last.segments.is_empty());
        assert_eq!(last.total.lines, ["0"]);
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(axis_step(0), 1);
        assert_eq!(axis_step(4), 1);
        assert_eq!(axis_step(37), 10);
        assert_eq!(axis_step(120), 50);
        assert_eq!(axis_step(9), 2);
    }

    #[test]
    fn alt_gives_every_round_in_numbers() {
        let a = comments_svg(&seed_plan()).alt;
        assert!(
            a.contains("Konsultimi publik online i projekt-planit: 37 komente (21 pranuar, 5 pranuar pjesërisht, 8 refuzuar, 3 në shqyrtim)"),
            "{a}"
        );
    }
}
