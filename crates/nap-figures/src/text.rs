//! Text on the figures: measuring with the embedded fonts, wrapping, and the
//! positioned text blocks the layouts place and the SVG writer prints.
//!
//! Widths come from the same Noto Sans files the rasteriser and the PDF
//! embed, so a label measured to fit here fits on paper. Advances are summed
//! without kerning; Noto's kerning only tightens, so measured widths err on
//! the wide side.

use std::sync::OnceLock;
use ttf_parser::Face;

/// The weight of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

fn face(weight: Weight) -> &'static Face<'static> {
    static REGULAR: OnceLock<Face<'static>> = OnceLock::new();
    static BOLD: OnceLock<Face<'static>> = OnceLock::new();
    let (cell, bold) = match weight {
        Weight::Regular => (&REGULAR, false),
        Weight::Bold => (&BOLD, true),
    };
    cell.get_or_init(|| {
        let bytes = nap_fonts::bytes(nap_fonts::Face {
            family: nap_fonts::Family::Sans,
            bold,
            italic: false,
        });
        // The bytes are compiled into nap-fonts, whose own test checks them.
        Face::parse(bytes, 0).expect("nap-fonts ships a valid Noto Sans")
    })
}

/// The advance width of `text` at `size` points.
pub(crate) fn measure(text: &str, size: f64, weight: Weight) -> f64 {
    // Some labels are measured before they are set (the legend's, the bar
    // counts'): measure the form [`wrap`] and [`TextBlock::line`] will print.
    // Idempotent, and a borrow when the text has no straight quote.
    let text = &*nap_doc::typographic_quotes(text);
    let face = face(weight);
    let upem = f64::from(face.units_per_em());
    // Characters the font lacks render as .notdef, whose advance stands in.
    let notdef = f64::from(
        face.glyph_hor_advance(ttf_parser::GlyphId(0))
            .unwrap_or(face.units_per_em() / 2),
    );
    let units: f64 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map(f64::from)
                .unwrap_or(notdef)
        })
        .sum();
    units / upem * size
}

/// Greedy word wrap into lines no wider than `width`. A word wider than the
/// whole line is broken between characters rather than cut off: every
/// character of `text` is on some line.
pub(crate) fn wrap(text: &str, width: f64, size: f64, weight: Weight) -> Vec<String> {
    // Labels print their quotes as the documents' text does.
    let text = &*nap_doc::typographic_quotes(text);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate, size, weight) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if measure(word, size, weight) <= width {
            line = word.to_string();
            continue;
        }
        for c in word.chars() {
            let mut longer = line.clone();
            longer.push(c);
            if !line.is_empty() && measure(&longer, size, weight) > width {
                lines.push(std::mem::replace(&mut line, c.to_string()));
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Escapes text for SVG content and attribute values, and drops the
/// characters XML 1.0 cannot carry at all, so no input text can make the SVG
/// unreadable.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A number as the SVG prints it: two decimals at most, no trailing zeros,
/// never "-0", so the same layout always gives the same bytes.
pub(crate) fn num(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}

/// An axis-aligned box in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    #[cfg(test)]
    /// Whether the two boxes share area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        const EPS: f64 = 1e-6;
        self.x < other.right() - EPS
            && other.x < self.right() - EPS
            && self.y < other.bottom() - EPS
            && other.y < self.bottom() - EPS
    }
    #[cfg(test)]
    /// Whether `other` lies inside this box.
    pub fn contains(&self, other: &Rect) -> bool {
        const EPS: f64 = 1e-6;
        other.x >= self.x - EPS
            && other.y >= self.y - EPS
            && other.right() <= self.right() + EPS
            && other.bottom() <= self.bottom() + EPS
    }
}

/// Where a text block's `x` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
}

/// Lines of text at a place: the unit the layouts position and test for
/// overlap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextBlock {
    pub lines: Vec<String>,
    pub x: f64,
    /// The top of the first line's box.
    pub top: f64,
    pub size: f64,
    pub weight: Weight,
    pub anchor: Anchor,
    pub fill: &'static str,
}

/// Line height as a multiple of the font size.
pub(crate) const LEADING: f64 = 1.25;

impl TextBlock {
    pub fn new(
        lines: Vec<String>,
        x: f64,
        top: f64,
        size: f64,
        weight: Weight,
        anchor: Anchor,
        fill: &'static str,
    ) -> TextBlock {
        TextBlock {
            lines,
            x,
            top,
            size,
            weight,
            anchor,
            fill,
        }
    }
    /// One line, not wrapped.
    pub fn line(
        text: &str,
        x: f64,
        top: f64,
        size: f64,
        weight: Weight,
        anchor: Anchor,
        fill: &'static str,
    ) -> TextBlock {
        let text = nap_doc::typographic_quotes(text).into_owned();
        TextBlock::new(vec![text], x, top, size, weight, anchor, fill)
    }
    pub fn line_height(&self) -> f64 {
        self.size * LEADING
    }
    pub fn height(&self) -> f64 {
        self.lines.len() as f64 * self.line_height()
    }
    pub fn width(&self) -> f64 {
        self.lines
            .iter()
            .map(|l| measure(l, self.size, self.weight))
            .fold(0.0, f64::max)
    }
    pub fn bbox(&self) -> Rect {
        let w = self.width();
        let x = match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - w / 2.0,
        };
        Rect::new(x, self.top, w, self.height())
    }
    /// The baseline of line `i`: Noto's ascender and descender (1.069 and
    /// 0.293 em) centred in the line box, so accents (Ë) and descenders stay
    /// inside the box the overlap tests use.
    pub fn baseline(&self, i: usize) -> f64 {
        self.top
            + i as f64 * self.line_height()
            + self.size * (LEADING - 1.362) / 2.0
            + self.size * 1.069
    }
    /// Moves the block horizontally so its box lies within `lo..hi` (when it
    /// is narrower than that span).
    pub fn clamp_x(&mut self, lo: f64, hi: f64) {
        let b = self.bbox();
        if b.right() > hi {
            self.x -= b.right() - hi;
        }
        let b = self.bbox();
        if b.x < lo {
            self.x += lo - b.x;
        }
    }
}

/// Assigns each box (given left to right by `x`) the first lane where it does
/// not touch the previous box of that lane; returns the lane of each.
pub(crate) fn lanes(spans: &[(f64, f64)], gap: f64) -> Vec<usize> {
    let mut ends: Vec<f64> = Vec::new();
    spans
        .iter()
        .map(
            |&(x0, x1)| match ends.iter().position(|&end| x0 >= end + gap) {
                Some(lane) => {
                    ends[lane] = x1;
                    lane
                }
                None => {
                    ends.push(x1);
                    ends.len() - 1
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albanian_letters_have_real_widths() {
        // ë and ç are in Noto Sans: they measure like letters, not like the
        // .notdef box.
        let e = measure("e", 10.0, Weight::Regular);
        let ee = measure("ë", 10.0, Weight::Regular);
        assert!((e - ee).abs() < 0.01, "{e} vs {ee}");
        assert!(measure("ç", 10.0, Weight::Regular) > 3.0);
        assert!(
            measure("Shqipëri", 10.0, Weight::Bold) > measure("Shqipëri", 10.0, Weight::Regular)
        );
    }

    #[test]
    fn wrap_keeps_every_word_and_fits() {
        let text = "Konsolidimi dhe Miratimi i Qeverisë i Planit Përfundimtar të Veprimit";
        let lines = wrap(text, 80.0, 8.0, Weight::Regular);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for l in &lines {
            assert!(measure(l, 8.0, Weight::Regular) <= 80.0, "{l}");
        }
    }

    #[test]
    fn wrap_breaks_a_word_longer_than_the_line() {
        let word = "Bashkëkrijimiiiiiiiiiiiiiiiiiiiiiiiiii";
        let lines = wrap(word, 40.0, 8.0, Weight::Regular);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word);
        for l in &lines {
            assert!(measure(l, 8.0, Weight::Regular) <= 40.0, "{l}");
        }
    }

    #[test]
    fn labels_print_quotes_as_the_documents_do() {
        let lines = wrap(
            r#"Konsultimi "Shqipëria që duam" t'i " x"#,
            400.0,
            8.0,
            Weight::Regular,
        );
        assert_eq!(lines, [r#"Konsultimi „Shqipëria që duam“ t’i " x"#]);
        let one = TextBlock::line(
            "\"KKSHC\"",
            0.0,
            0.0,
            8.0,
            Weight::Bold,
            Anchor::Start,
            "#000",
        );
        assert_eq!(one.lines, ["„KKSHC“"]);
        assert_eq!(
            measure("\"KKSHC\"", 8.0, Weight::Bold),
            measure("„KKSHC“", 8.0, Weight::Bold)
        );
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("a & b < c > d \" e ' f\u{1}"),
            "a &amp; b &lt; c &gt; d &quot; e &apos; f"
        );
    }

    #[test]
    fn numbers_print_stably() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.005_f64 + 0.0001), "1.01");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(453.543_307), "453.54");
        assert_eq!(num(12.5), "12.5");
    }

    #[test]
    fn lanes_stack_only_what_collides() {
        assert_eq!(lanes(&[(0.0, 10.0), (12.0, 20.0)], 1.0), vec![0, 0]);
        assert_eq!(
            lanes(&[(0.0, 10.0), (5.0, 15.0), (11.5, 20.0)], 1.0),
            vec![0, 1, 0]
        );
    }
}
