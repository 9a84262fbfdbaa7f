//! A legend row: swatches with their labels, flowing onto more lines when
//! the figure is too narrow for all of them.

use crate::svg::{palette, SvgWriter};
use crate::text::{measure, Anchor, Rect, TextBlock, Weight};

/// What a legend entry shows before its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Swatch {
    /// A filled box (a colour or a `url(#pattern)`), outlined.
    Fill(&'static str),
    /// An activity marker on a piece of bar.
    Marker,
    /// A sample of printed text, e.g. a count.
    Sample(&'static str),
    /// A value bar, two thirds full, on its track.
    ValueBar,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendItem {
    pub swatch: Swatch,
    pub swatch_box: Rect,
    pub label: TextBlock,
}

pub(crate) const SIZE: f64 = 7.0;
const SWATCH_W: f64 = 14.0;
const SWATCH_H: f64 = 8.0;
const SWATCH_GAP: f64 = 3.5;
const ITEM_GAP: f64 = 12.0;

/// Lays the entries out left to right from `x0`, starting a new line before
/// an entry that would pass `x1`. Returns the items and the bottom edge.
pub(crate) fn flow(
    entries: &[(Swatch, &str)],
    x0: f64,
    x1: f64,
    top: f64,
) -> (Vec<LegendItem>, f64) {
    let line_h = SIZE * crate::text::LEADING + 3.0;
    let mut x = x0;
    let mut y = top;
    let mut items = Vec::new();
    for (swatch, label) in entries {
        let sw = match swatch {
            Swatch::Sample(s) => measure(s, SIZE + 0.5, Weight::Bold),
            _ => SWATCH_W,
        };
        let width = sw + SWATCH_GAP + measure(label, SIZE, Weight::Regular);
        if x > x0 && x + width > x1 {
            x = x0;
            y += line_h;
        }
        let mid = y + SIZE * crate::text::LEADING / 2.0;
        items.push(LegendItem {
            swatch: swatch.clone(),
            swatch_box: Rect::new(x, mid - SWATCH_H / 2.0, sw, SWATCH_H),
            label: TextBlock::line(
                label,
                x + sw + SWATCH_GAP,
                y,
                SIZE,
                Weight::Regular,
                Anchor::Start,
                palette::TEXT,
            ),
        });
        x += width + ITEM_GAP;
    }
    (items, y + SIZE * crate::text::LEADING)
}

pub(crate) fn write(w: &mut SvgWriter, items: &[LegendItem]) {
    for item in items {
        let b = item.swatch_box;
        match item.swatch {
            Swatch::Fill(fill) => w.rect(b, fill, Some((palette::TEXT, 0.5))),
            Swatch::Marker => {
                let bar = Rect::new(b.x, b.y + 0.5, b.w, b.h - 1.0);
                w.rect(bar, palette::NAVY, None);
                w.circle(
                    b.x + b.w / 2.0,
                    b.y + b.h / 2.0,
                    crate::timeline::MARKER_R,
                    palette::WHITE,
                    Some((palette::NAVY, 0.8)),
                );
            }
            Swatch::ValueBar => {
                let track = Rect::new(b.x, b.y + b.h / 2.0 - 1.2, b.w, 2.4);
                w.rect(track, palette::GREY_LIGHT, None);
                w.rect(
                    Rect::new(track.x, track.y, track.w * 2.0 / 3.0, track.h),
                    palette::TEAL,
                    None,
                );
            }
            Swatch::Sample(s) => w.text(&TextBlock::line(
                s,
                b.x,
                item.label.top - 0.25,
                SIZE + 0.5,
                Weight::Bold,
                Anchor::Start,
                palette::TEXT,
            )),
        }
        w.text(&item.label);
    }
}

/// The boxes a legend occupies (for overlap tests).
#[cfg(test)]
pub(crate) fn boxes(items: &[LegendItem]) -> Vec<Rect> {
    items
        .iter()
        .flat_map(|i| [i.swatch_box, i.label.bbox()])
        .collect()
}
