//! Writing a laid-out figure as SVG text. Nothing here decides where things
//! go: the layouts do, and this only prints, always in the same order and
//! with the same number formatting, so the same layout gives the same bytes.

use crate::text::{escape, num, Anchor, Rect, TextBlock, Weight};
use std::fmt::Write;

/// The figures' colours: the documents' sober palette. Every distinction
/// that matters is also made by shape, pattern or a printed label, so the
/// figures read in black-and-white print.
pub(crate) mod palette {
    /// Headings' dark blue: bars, badges, accepted comments.
    pub const NAVY: &str = "#1F3864";
    pub const TEAL: &str = "#2A7F86";
    pub const TEAL_LIGHT: &str = "#D5EAEC";
    pub const GREY: &str = "#7F7F7F";
    pub const GREY_DARK: &str = "#595959";
    pub const GREY_LIGHT: &str = "#D9D9D9";
    /// Alternate row bands.
    pub const BAND: &str = "#F2F4F8";
    pub const TEXT: &str = "#1A1A1A";
    pub const WHITE: &str = "#FFFFFF";
}

/// The printed width of every figure: the A4 text width.
pub(crate) const WIDTH_MM: f64 = 160.0;
/// The same in points, the SVG's user unit (so font sizes are in points).
pub(crate) const WIDTH_PT: f64 = WIDTH_MM / 25.4 * 72.0;

/// The printed height for a layout `height_pt` tall, rounded up to a tenth
/// of a millimetre, and that height back in points (what the viewBox uses).
pub(crate) fn printed_height(height_pt: f64) -> (f64, f64) {
    let mm = (height_pt / 72.0 * 25.4 * 10.0).ceil() / 10.0;
    (mm, mm / 25.4 * 72.0)
}

/// An SVG document being written.
pub(crate) struct SvgWriter {
    out: String,
}

impl SvgWriter {
    /// Starts a figure `WIDTH_PT` wide and `height_pt` tall (already from
    /// [`printed_height`]), titled with its alt text.
    pub fn new(height_mm: f64, height_pt: f64, title: &str) -> SvgWriter {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" ",
                "width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {vw} {vh}\" ",
                "font-family=\"{font}\" role=\"img\">\n<title>{title}</title>\n"
            ),
            w = num(WIDTH_MM),
            h = format_args!("{:.1}", height_mm),
            vw = num(WIDTH_PT),
            vh = num(height_pt),
            font = nap_fonts::SANS_NAME,
            title = escape(title),
        );
        // No background: the PDF page and the PNG's canvas are white
        // already (painting it cost the PNGs a full pass over their pixels).
        SvgWriter { out }
    }

    /// Verbatim markup (pattern definitions).
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    pub fn rect(&mut self, r: Rect, fill: &str, stroke: Option<(&str, f64)>) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            fill
        );
        self.stroke(stroke);
        self.out.push_str("/>\n");
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            stroke,
            num(width)
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, stroke: Option<(&str, f64)>) {
        let _ = write!(
            self.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"",
            num(cx),
            num(cy),
            num(r),
            fill
        );
        self.stroke(stroke);
        self.out.push_str("/>\n");
    }

    fn stroke(&mut self, stroke: Option<(&str, f64)>) {
        if let Some((colour, width)) = stroke {
            let _ = write!(
                self.out,
                " stroke=\"{}\" stroke-width=\"{}\"",
                colour,
                num(width)
            );
        }
    }

    /// One `<text>` element per line, so line breaks are the layout's and no
    /// renderer re-wraps them.
    pub fn text(&mut self, t: &TextBlock) {
        let anchor = match t.anchor {
            Anchor::Start => "",
            Anchor::Middle => " text-anchor=\"middle\"",
        };
        let weight = match t.weight {
            Weight::Regular => "",
            Weight::Bold => " font-weight=\"bold\"",
        };
        for (i, line) in t.lines.iter().enumerate() {
            let _ = writeln!(
                self.out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{}{} fill=\"{}\">{}</text>",
                num(t.x),
                num(t.baseline(i)),
                num(t.size),
                weight,
                anchor,
                t.fill,
                escape(line)
            );
        }
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}
