//! A structure-aware SVG generator for the figure rasteriser: the shapes and
//! text the figures use (rectangles, lines with every cap and dash, circles,
//! text of any size, weight, colour, opacity, stroke and decoration), inside
//! groups that move, scale, rotate or fade, so that every branch of
//! `nap_figures::raster::draw` is reached — the glyph masks, resvg node by
//! node, the lines without area, and the whole-tree fallback.

use arbitrary::Arbitrary;
use std::fmt::Write;

#[derive(Debug, Arbitrary)]
pub struct FuzzSvg {
    /// Printed width in mm (any f32: the rasteriser must cope).
    pub width_mm: f32,
    height: u8,
    nodes: Vec<Node>,
}

#[derive(Debug, Arbitrary)]
enum Node {
    Rect {
        x: i16,
        y: i16,
        w: u16,
        h: u16,
        paint: Paint,
    },
    Line(Line),
    Circle {
        cx: i16,
        cy: i16,
        r: u8,
        paint: Paint,
    },
    Text(Label),
    Group {
        transform: Transform,
        opacity: u8,
        nodes: Vec<Node>,
    },
}

#[derive(Debug, Arbitrary)]
struct Line {
    x1: i16,
    y1: i16,
    x2: i16,
    y2: i16,
    width: u8,
    cap: u8,
    dash: bool,
    paint: Paint,
}

#[derive(Debug, Arbitrary)]
struct Label {
    x: i16,
    y: i16,
    size: u16,
    bold: bool,
    anchor: u8,
    text: String,
    paint: Paint,
    stroke: bool,
    underline: bool,
    speed: bool,
}

#[derive(Debug, Arbitrary)]
struct Paint {
    rgb: [u8; 3],
    opacity: u8,
}

#[derive(Debug, Arbitrary)]
enum Transform {
    None,
    Translate(i16, i16),
    Scale(u8, u8),
    Rotate(i16),
    Skew(i8),
}

impl Paint {
    fn fill(&self) -> String {
        format!(
            "fill=\"#{:02X}{:02X}{:02X}\" fill-opacity=\"{}\"",
            self.rgb[0],
            self.rgb[1],
            self.rgb[2],
            // Mostly opaque: the glyph masks draw only opaque text.
            if self.opacity > 200 {
                1.0
            } else {
                f32::from(self.opacity) / 200.0
            }
        )
    }
    fn stroke(&self) -> String {
        self.fill().replace("fill", "stroke")
    }
}

/// A coordinate or length from tenths of a point.
/// A filled shape element: `<tag a="v" … fill…/>`.
fn shape(out: &mut String, tag: &str, attrs: &[(&str, f32)], paint: &Paint) {
    let _ = write!(out, "<{tag}");
    for (name, v) in attrs {
        let _ = write!(out, " {name}=\"{v}\"");
    }
    let _ = write!(out, " {}/>", paint.fill());
}

fn t(v: impl Into<f32>) -> f32 {
    v.into() / 10.0
}

/// Text as SVG character data: escaped, and without what XML forbids.
fn escape(s: &str) -> String {
    s.chars()
        .take(80)
        .filter(|c| !c.is_control() && *c != '\u{FFFE}' && *c != '\u{FFFF}')
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

impl Node {
    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Node::Rect { x, y, w, h, paint } => shape(
                out,
                "rect",
                &[
                    ("x", t(*x)),
                    ("y", t(*y)),
                    ("width", t(*w)),
                    ("height", t(*h)),
                ],
                paint,
            ),
            Node::Line(l) => {
                let cap = ["butt", "round", "square"][usize::from(l.cap % 3)];
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-width=\"{}\" stroke-linecap=\"{cap}\" {} {}/>",
                    t(l.x1),
                    t(l.y1),
                    t(l.x2),
                    t(l.y2),
                    f32::from(l.width) / 20.0,
                    if l.dash { "stroke-dasharray=\"2 1\"" } else { "" },
                    l.paint.stroke()
                );
            }
            Node::Circle { cx, cy, r, paint } => shape(
                out,
                "circle",
                &[("cx", t(*cx)), ("cy", t(*cy)), ("r", t(*r))],
                paint,
            ),
            Node::Text(l) => {
                let anchor = ["start", "middle", "end"][usize::from(l.anchor % 3)];
                let flag = |on: bool, attr: &'static str| if on { attr } else { "" };
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\"{}{}{}{} {}>{}</text>",
                    t(l.x),
                    t(l.y),
                    // Up to ~650 pt: past the glyph masks' limit at some scales.
                    f32::from(l.size) / 100.0,
                    flag(l.bold, " font-weight=\"bold\""),
                    flag(l.stroke, " stroke=\"#FF0000\" stroke-width=\"0.3\""),
                    flag(l.underline, " text-decoration=\"underline\""),
                    flag(l.speed, " text-rendering=\"optimizeSpeed\""),
                    l.paint.fill(),
                    escape(&l.text)
                );
            }
            Node::Group {
                transform,
                opacity,
                nodes,
            } => {
                let t = match transform {
                    Transform::None => String::new(),
                    Transform::Translate(x, y) => {
                        format!(" transform=\"translate({} {})\"", t(*x), t(*y))
                    }
                    Transform::Scale(x, y) => format!(
                        " transform=\"scale({} {})\"",
                        f32::from(*x) / 64.0,
                        f32::from(*y) / 64.0
                    ),
                    Transform::Rotate(a) => format!(" transform=\"rotate({})\"", a),
                    Transform::Skew(a) => format!(" transform=\"skewX({})\"", a),
                };
                let o = if *opacity > 200 {
                    String::new()
                } else {
                    format!(" opacity=\"{}\"", f32::from(*opacity) / 200.0)
                };
                let _ = write!(out, "<g{t}{o}>");
                if depth < 4 {
                    for n in nodes.iter().take(16) {
                        n.write(out, depth + 1);
                    }
                }
                out.push_str("</g>");
            }
        }
    }
}

impl FuzzSvg {
    /// The SVG text: 160 × (10..265) points, the figures' user unit.
    pub fn source(&self) -> String {
        let h = 10 + u32::from(self.height);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160mm\" height=\"{}mm\" viewBox=\"0 0 453.54 {}\" font-family=\"Noto Sans\">",
            f64::from(h) * 160.0 / 453.54,
            h
        );
        for n in self.nodes.iter().take(64) {
            n.write(&mut out, 0);
        }
        out.push_str("</svg>");
        out
    }
}
