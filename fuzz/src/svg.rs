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
    Line {
        x1: i16,
        y1: i16,
        x2: i16,
        y2: i16,
        width: u8,
        cap: u8,
        dash: bool,
        paint: Paint,
    },
    Circle {
        cx: i16,
        cy: i16,
        r: u8,
        paint: Paint,
    },
    Text {
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
    },
    Group {
        transform: Transform,
        opacity: u8,
        nodes: Vec<Node>,
    },
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
            Node::Rect { x, y, w, h, paint } => {
                let _ = write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>",
                    t(*x),
                    t(*y),
                    t(*w),
                    t(*h),
                    paint.fill()
                );
            }
            Node::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                cap,
                dash,
                paint,
            } => {
                let cap = ["butt", "round", "square"][usize::from(*cap % 3)];
                let _ = write!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-width=\"{}\" stroke-linecap=\"{cap}\" {} {}/>",
                    t(*x1),
                    t(*y1),
                    t(*x2),
                    t(*y2),
                    f32::from(*width) / 20.0,
                    if *dash { "stroke-dasharray=\"2 1\"" } else { "" },
                    paint.stroke()
                );
            }
            Node::Circle { cx, cy, r, paint } => {
                let _ = write!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}/>",
                    t(*cx),
                    t(*cy),
                    t(*r),
                    paint.fill()
                );
            }
            Node::Text {
                x,
                y,
                size,
                bold,
                anchor,
                text,
                paint,
                stroke,
                underline,
                speed,
            } => {
                let anchor = ["start", "middle", "end"][usize::from(*anchor % 3)];
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\"{}{}{}{} {}>{}</text>",
                    t(*x),
                    t(*y),
                    // Up to ~650 pt: past the glyph masks' limit at some scales.
                    f32::from(*size) / 100.0,
                    if *bold { " font-weight=\"bold\"" } else { "" },
                    if *stroke { " stroke=\"#FF0000\" stroke-width=\"0.3\"" } else { "" },
                    if *underline { " text-decoration=\"underline\"" } else { "" },
                    if *speed { " text-rendering=\"optimizeSpeed\"" } else { "" },
                    paint.fill(),
                    escape(text)
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

    /// Whether the SVG has any text (glyph masks may differ from resvg by
    /// anti-aliasing and half-pixel baselines; shapes must not).
    pub fn has_text(&self) -> bool {
        fn any(nodes: &[Node], depth: usize) -> bool {
            nodes
                .iter()
                .take(if depth == 0 { 64 } else { 16 })
                .any(|n| match n {
                    Node::Text { .. } => true,
                    Node::Group { nodes, .. } => depth < 4 && any(nodes, depth + 1),
                    _ => false,
                })
        }
        any(&self.nodes, 0)
    }
}
