//! Figures drawn from the data as SVG, and rasterised to PNG for DOCX.
//!
//! Each figure goes data → layout (positions in points, testable on its
//! own) → SVG text (the one source: the PDF embeds it as vectors) → PNG at
//! print resolution (for DOCX), drawn by resvg with the same embedded Noto
//! fonts, so ë and ç look the same in both formats and on every machine.
//! Same data, same bytes: numbers print with fixed decimals, nothing
//! iterates a hash map, and the PNG encoder writes no timestamps.
//!
//! The figures are 160 mm wide (the A4 text width) and as tall as their
//! content; the SVG's user unit is the point, so font sizes are print sizes.

mod comments;
mod glyphs;
mod legend;
mod raster;
mod summary;
mod svg;
mod text;
mod timeline;
mod words;

#[cfg(test)]
mod testdata;

pub use comments::{comments_parts, comments_svg};
pub use raster::{font_database, parse, rasterize, try_rasterize, RasterError, Rasters};
pub use summary::{summary_parts, summary_svg};
pub use timeline::{timeline_parts, timeline_svg};

use nap_model::Plan;

/// The resolution of the PNGs, in dots per inch of the printed size.
pub const DPI: f32 = 220.0;

/// A figure drawn from the data: the SVG (the one source) and its PNG.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub svg: String,
    pub png: Vec<u8>,
    /// Printed size in millimetres.
    pub width_mm: f32,
    pub height_mm: f32,
    /// Alternative text, in Albanian.
    pub alt: String,
}

/// A figure as SVG, before rasterising.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg {
    /// The SVG document. Its `width`/`height` are the printed size in mm;
    /// its user unit is the point.
    pub source: String,
    pub width_mm: f32,
    pub height_mm: f32,
    /// Alternative text, in Albanian.
    pub alt: String,
}

impl Svg {
    fn new(source: String, height_mm: f64, alt: String) -> Svg {
        Svg {
            source,
            width_mm: svg::WIDTH_MM as f32,
            height_mm: height_mm as f32,
            alt,
        }
    }

    /// Rasterises at `dpi` of the printed size.
    pub fn render(self, dpi: f32) -> Rendered {
        let png = rasterize(&self.source, self.width_mm, dpi);
        Rendered {
            svg: self.source,
            png,
            width_mm: self.width_mm,
            height_mm: self.height_mm,
            alt: self.alt,
        }
    }
}

/// The figures the data makes: "timeline" (Figure 1, the phases on a month
/// axis), "summary" (Figure 2, the process in numbers), "comments" (Figure
/// 3, comments received per round, stacked by disposition).
///
/// `None` for an unknown name, and when the data has nothing to draw: no
/// phases (timeline, summary) or no comments (comments). A document then
/// leaves the figure out rather than print an empty frame.
pub fn figure(name: &str, plan: &Plan) -> Option<Rendered> {
    figure_svg(name, plan).map(|svg| svg.render(DPI))
}

/// [`figure`] without the PNG: the SVG only (what a document carries; the
/// DOCX writer rasterises it with [`Rasters`]).
pub fn figure_svg(name: &str, plan: &Plan) -> Option<Svg> {
    Some(match name {
        "timeline" if !plan.process.phases.is_empty() => timeline_svg(&plan.process),
        "summary" if !plan.process.phases.is_empty() => summary_svg(&plan.process),
        "comments" if !plan.comments.is_empty() => comments_svg(plan),
        _ => return None,
    })
}

/// [`figure_svg`] in parts, each no taller than [`MAX_PART_PT`]: a figure
/// that would be taller is split between phases, each part a complete
/// figure (axis, legend) of its own phases, numbered and scaled as in the
/// whole. A document shows the parts one after the other. Without it, a
/// process of 30 phases drew the summary shrunk to a sliver on one page (and
/// 300 phases rasterised two 64-megapixel PNGs). The comments figure is
/// split between rounds the same way. Empty when [`figure_svg`] is `None`.
pub fn figure_parts(name: &str, plan: &Plan) -> Vec<Svg> {
    match name {
        "timeline" if !plan.process.phases.is_empty() => timeline_parts(&plan.process),
        "summary" if !plan.process.phases.is_empty() => summary_parts(&plan.process),
        "comments" if !plan.comments.is_empty() => comments_parts(plan),
        _ => figure_svg(name, plan).into_iter().collect(),
    }
}

/// The tallest part of a split figure, in points: a millimetre under the
/// height up to which both writers show a figure at its printed size
/// ([`nap_doc::MAX_FIGURE_HEIGHT_MM`]).
pub(crate) const MAX_PART_PT: f64 = (nap_doc::MAX_FIGURE_HEIGHT_MM as f64 - 1.0) / 25.4 * 72.0;

/// A figure's parts (see [`split`]), each drawn by `part` from the range of
/// its rows; a figure that fits whole is drawn by `whole` (from the layout
/// already made for splitting).
pub(crate) fn parts(
    fixed: f64,
    rows: &[f64],
    whole: impl Fn(std::ops::Range<usize>) -> Svg,
    part: impl Fn(std::ops::Range<usize>) -> Svg,
) -> Vec<Svg> {
    split(fixed, rows)
        .into_iter()
        .map(|range| {
            if range.len() == rows.len() {
                whole(range)
            } else {
                part(range)
            }
        })
        .collect()
}

/// The heights of rows that follow each other from `top`, given their
/// bottoms in order.
pub(crate) fn heights(top: f64, bottoms: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut last = top;
    bottoms
        .map(|b| {
            let h = b - last;
            last = b;
            h
        })
        .collect()
}

/// Rows (their heights, in order) grouped into parts no taller than
/// [`MAX_PART_PT`] with `fixed` (axis, legend) added to each; a row taller
/// than that on its own is a part by itself.
pub(crate) fn split(fixed: f64, rows: &[f64]) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let (mut start, mut height) = (0, fixed);
    for (i, h) in rows.iter().enumerate() {
        if i > start && height + h > MAX_PART_PT {
            parts.push(start..i);
            (start, height) = (i, fixed);
        }
        height += h;
    }
    parts.push(start..rows.len());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{maybe_dump, seed_plan, stress_process};

    fn png_size(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
        (be(16), be(20))
    }

    /// Pixels clearly darker than the white page (text, bars, lines).
    fn dark_pixels(png: &[u8]) -> usize {
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("a PNG");
        pixmap
            .pixels()
            .iter()
            .filter(|p| u32::from(p.red()) + u32::from(p.green()) + u32::from(p.blue()) < 3 * 128)
            .count()
    }

    #[test]
    fn tall_figures_are_split_between_phases_into_parts_that_fit() {
        // The sample fits: each figure is one part, the whole figure.
        let plan = seed_plan();
        for name in ["timeline", "summary", "comments"] {
            assert_eq!(
                figure_parts(name, &plan),
                vec![figure_svg(name, &plan).unwrap()],
                "{name}"
            );
        }
        // Twenty phases with long titles do not fit on a page.
        let process = stress_process();
        let cases = [
            ("timeline", timeline_svg(&process), timeline_parts(&process)),
            ("summary", summary_svg(&process), summary_parts(&process)),
        ];
        for (name, whole, parts) in cases {
            assert!(whole.height_mm > 221.0, "{name}: {} mm", whole.height_mm);
            assert!(parts.len() >= 2, "{name}");
            for p in &parts {
                assert!(p.height_mm <= 221.1, "{name}: a part of {} mm", p.height_mm);
            }
            // Every phase once, in order, across the parts; the parts
            // after the first say they continue.
            let text: String = parts.iter().map(|p| p.alt.as_str()).collect();
            let mut at = 0;
            for k in 1..=process.phases.len() {
                let title = &process.phases[k - 1].title;
                let i = text[at..]
                    .find(title.as_str())
                    .unwrap_or_else(|| panic!("{name}: phase {k} missing or out of order"));
                at += i + title.len();
                assert!(
                    !text[at..].contains(title.as_str()),
                    "{name}: phase {k} twice"
                );
            }
            assert!(!parts[0].alt.starts_with("Vazhdim"));
            assert!(parts[1..].iter().all(|p| p.alt.starts_with("Vazhdim. ")));
        }
        // The summary numbers its phases as in the whole figure.
        let parts = summary_parts(&process);
        let n = parts[0].alt.matches("; ").count() + 1;
        assert!(
            parts[1]
                .alt
                .contains(&format!("{}. {}", n + 1, process.phases[n].title)),
            "{}",
            parts[1].alt
        );
    }

    #[test]
    fn a_comments_figure_of_many_rounds_is_split_between_rounds_on_one_scale() {
        use nap_model::{Disposition, Round};
        // A consultation in each of 40 counties: a bar per county.
        let mut plan = seed_plan();
        for k in 1..=40 {
            let id = format!("qarku-{k}");
            plan.rounds.push(Round {
                id: id.clone(),
                title: format!("Takimi konsultues rajonal nr. {k} me shoqërinë civile të qarkut"),
            });
            for n in 0..(k % 7 + 1) {
                let d = Disposition::ALL[n % 4];
                plan.comments.push(testdata::comment(1000 * k + n, &id, d));
            }
        }
        let whole = comments_svg(&plan);
        let parts = figure_parts("comments", &plan);
        assert!(whole.height_mm > 221.0, "{} mm", whole.height_mm);
        assert!(parts.len() >= 2);
        for p in &parts {
            assert!(p.height_mm <= 221.1, "a part of {} mm", p.height_mm);
        }
        // Every round once, in order, across the parts.
        let text: String = parts.iter().map(|p| p.alt.as_str()).collect();
        let mut at = 0;
        for r in &plan.rounds {
            let title = format!("{}: ", r.title);
            let i = text[at..]
                .find(&title)
                .unwrap_or_else(|| panic!("{} missing or out of order", r.id));
            at += i + title.len();
            assert!(!text[at..].contains(&title), "{} twice", r.id);
        }
        assert!(!parts[0].alt.starts_with("Vazhdim"));
        assert!(parts[1..].iter().all(|p| p.alt.starts_with("Vazhdim. ")));
        // One scale: the axis of every part runs to the largest total of
        // all rounds (37 comments in the sample's public consultation: 0 …
        // 40), not to its own (at most 7 in the later parts: 0 … 8).
        for p in &parts {
            assert!(p.source.contains(">40</text>"), "{}", p.alt);
        }
    }

    #[test]
    fn split_keeps_rows_whole_and_in_order() {
        let max = MAX_PART_PT;
        assert_eq!(split(10.0, &[]), vec![0..0]);
        assert_eq!(split(10.0, &[20.0, 30.0]), vec![0..2]);
        // A row taller than a part is a part by itself.
        assert_eq!(split(10.0, &[max, 1.0, 1.0]), vec![0..1, 1..3]);
        let rows = [max / 3.0; 7];
        let parts = split(10.0, &rows);
        assert_eq!(parts, vec![0..2, 2..4, 4..6, 6..7]);
    }

    #[test]
    fn every_figure_renders_at_its_printed_size() {
        let plan = seed_plan();
        for name in ["timeline", "summary", "comments"] {
            let f = figure(name, &plan).unwrap_or_else(|| panic!("{name} draws"));
            assert_eq!(f.width_mm, 160.0);
            assert!(
                f.height_mm > 20.0 && f.height_mm < 250.0,
                "{name}: {}",
                f.height_mm
            );
            let (w, h) = png_size(&f.png);
            let want_w = f.width_mm / 25.4 * DPI;
            let want_h = f.height_mm / 25.4 * DPI;
            assert!(
                (w as f32 - want_w).abs() <= 1.0,
                "{name}: {w} px vs {want_w}"
            );
            assert!(
                (h as f32 - want_h).abs() <= 1.0,
                "{name}: {h} px vs {want_h}"
            );
            assert!(f.svg.contains(&format!("height=\"{:.1}mm\"", f.height_mm)));
            assert!(!f.alt.is_empty());
            maybe_dump(name, &f);
        }
    }

    #[test]
    fn same_data_same_bytes() {
        let plan = seed_plan();
        for name in ["timeline", "summary", "comments"] {
            let a = figure(name, &plan).unwrap();
            let b = figure(name, &plan).unwrap();
            assert!(a.svg == b.svg, "{name}: SVG differs between two builds");
            assert!(a.png == b.png, "{name}: PNG differs between two builds");
        }
    }

    #[test]
    fn text_is_drawn_in_the_png() {
        let plan = seed_plan();
        let f = figure("timeline", &plan).unwrap();
        let (w, h) = png_size(&f.png);
        let dark = dark_pixels(&f.png);
        assert!(dark > 1000, "only {dark} dark pixels");
        assert!(dark < (w * h) as usize / 2, "mostly dark: {dark}");
        // Without the rows' text the figure has clearly fewer dark pixels:
        // the titles really are drawn with the embedded font.
        let mut untitled = plan.clone();
        for p in &mut untitled.process.phases {
            p.title = "x".into();
        }
        let g = figure("timeline", &untitled).unwrap();
        assert!(dark_pixels(&g.png) + 2000 < dark, "titles add ink");
    }

    #[test]
    fn unknown_or_empty_figures_are_none() {
        let mut plan = seed_plan();
        assert!(figure("gantt", &plan).is_none());
        plan.comments.clear();
        assert!(figure("comments", &plan).is_none());
        plan.process.phases.clear();
        assert!(figure("timeline", &plan).is_none());
        assert!(figure("summary", &plan).is_none());
    }

    /// The boxes usvg's own text layout (shaping, kerning) gives each
    /// `<text>`, in the SVG's pixels.
    fn shaped_text_boxes(svg: &str) -> Vec<resvg::usvg::Rect> {
        use resvg::usvg::{Node, Options, Tree};
        fn walk(g: &resvg::usvg::Group, out: &mut Vec<resvg::usvg::Rect>) {
            for n in g.children() {
                match n {
                    Node::Group(g) => walk(g, out),
                    Node::Text(t) => out.push(t.abs_bounding_box()),
                    _ => {}
                }
            }
        }
        let opt = Options {
            fontdb: font_database(),
            ..Options::default()
        };
        let tree = Tree::from_str(svg, &opt).unwrap();
        let mut out = Vec::new();
        walk(tree.root(), &mut out);
        out
    }

    #[test]
    fn rendered_text_does_not_collide() {
        // The layouts measure with plain advances; this checks them against
        // the renderer's shaped text. A text box spans the font's ascender to
        // descender (1.36 em), more than the 1.25 em line pitch, so boxes
        // are trimmed vertically before comparing; horizontally they must
        // not touch at all.
        let plan = seed_plan();
        let stress = stress_process();
        for svg in [
            timeline_svg(&plan.process),
            summary_svg(&plan.process),
            comments_svg(&plan),
            timeline_svg(&stress),
            summary_svg(&stress),
        ] {
            let boxes = shaped_text_boxes(&svg.source);
            assert!(boxes.len() > 20);
            let trim = |r: &resvg::usvg::Rect| {
                let d = r.height() * 0.1;
                (r.left(), r.top() + d, r.right(), r.bottom() - d)
            };
            for (i, a) in boxes.iter().enumerate() {
                let (ax0, ay0, ax1, ay1) = trim(a);
                for b in &boxes[i + 1..] {
                    let (bx0, by0, bx1, by1) = trim(b);
                    let overlap = ax0 < bx1 - 0.01 && bx0 < ax1 - 0.01 && ay0 < by1 && by0 < ay1;
                    assert!(!overlap, "{a:?} and {b:?} collide in {}", svg.alt);
                }
            }
        }
    }

    #[test]
    fn svgs_name_the_document_font() {
        let plan = seed_plan();
        for svg in [
            timeline_svg(&plan.process),
            summary_svg(&plan.process),
            comments_svg(&plan),
        ] {
            assert!(svg.source.contains("font-family=\"Noto Sans\""));
            assert!(svg
                .source
                .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
        }
    }
}
