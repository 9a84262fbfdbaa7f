//! SVG to PNG with resvg, on the embedded fonts only.

use crate::glyphs::{self, GlyphCache};
use nap_doc::{Block, Document, Figure};
use rayon::prelude::*;
use resvg::tiny_skia::{Color, Pixmap, PixmapMut, Transform};
use resvg::usvg::{self, fontdb};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The embedded Noto faces, and nothing from the system, so a figure
/// rasterises identically on every machine; made once per process.
pub fn font_database() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for (_, bytes) in nap_fonts::all() {
            // The bytes in the binary, not a copy (4.6 MB).
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
        db.set_sans_serif_family(nap_fonts::SANS_NAME);
        db.set_serif_family(nap_fonts::SERIF_NAME);
        Arc::new(db)
    })
    .clone()
}

/// The SVG read by usvg with the embedded fonts (text laid out and turned
/// into glyph outlines), for the rasteriser here and for the PDF writer.
///
/// A build meets each figure up to three times (its PNG, and the PDF of each
/// document that shows it); reading it, text layout included, costs about as
/// much as drawing it, so the last few trees read are kept and shared. The
/// cache only saves work: a tree depends on nothing but the SVG text and the
/// embedded fonts, so the result is the same with or without it.
pub fn parse(svg: &str) -> Result<Arc<usvg::Tree>, RasterError> {
    use std::sync::Mutex;
    /// Figures per build are few (three kinds); more kept would only hold
    /// memory in a long-running process (the test suites).
    const KEEP: usize = 8;
    type Trees = Vec<(Arc<str>, Arc<usvg::Tree>)>;
    static TREES: Mutex<Trees> = Mutex::new(Vec::new());
    let cached = |trees: &Trees| {
        trees
            .iter()
            .find(|(s, _)| **s == *svg)
            .map(|(_, t)| t.clone())
    };
    if let Some(t) = TREES.lock().ok().and_then(|t| cached(&t)) {
        return Ok(t);
    }
    let opt = usvg::Options {
        font_family: nap_fonts::SANS_NAME.to_string(),
        fontdb: font_database(),
        ..usvg::Options::default()
    };
    let tree =
        Arc::new(usvg::Tree::from_str(svg, &opt).map_err(|e| RasterError::Parse(e.to_string()))?);
    if let Ok(mut trees) = TREES.lock() {
        if cached(&trees).is_none() {
            if trees.len() == KEEP {
                trees.remove(0);
            }
            trees.push((Arc::from(svg), tree.clone()));
        }
    }
    Ok(tree)
}

/// Why an SVG could not be rasterised.
#[derive(Debug, Clone, PartialEq)]
pub enum RasterError {
    /// usvg could not read the SVG.
    Parse(String),
    /// The SVG has no area.
    Empty,
}

impl fmt::Display for RasterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RasterError::Parse(e) => write!(f, "the SVG cannot be read: {e}"),
            RasterError::Empty => f.write_str("the SVG has no area to draw"),
        }
    }
}

impl std::error::Error for RasterError {}

/// A PNG would need more memory than a figure deserves beyond this many
/// pixels (about 5 m of figure at 220 dpi); taller figures come out at a
/// lower resolution rather than exhaust memory.
const MAX_PIXELS: f64 = 64.0e6;

/// Rasterises `svg` to an opaque PNG `width_mm` wide at `dpi` (its height
/// follows the SVG's aspect ratio), with the embedded fonts. Without a
/// usable width (not finite, or not positive) the SVG's own width is used,
/// read as CSS pixels (96 per inch).
pub fn try_rasterize(svg: &str, width_mm: f32, dpi: f32) -> Result<Vec<u8>, RasterError> {
    let tree = parse(svg)?;
    let size = tree.size();
    let width_mm = if width_mm.is_finite() && width_mm > 0.0 {
        f64::from(width_mm)
    } else {
        f64::from(size.width()) * 25.4 / 96.0
    };
    let mut w = width_mm / 25.4 * f64::from(dpi);
    let mut h = w * f64::from(size.height()) / f64::from(size.width());
    if w * h > MAX_PIXELS {
        let k = (MAX_PIXELS / (w * h)).sqrt();
        (w, h) = (w * k, h * k);
    }
    let (pw, ph) = (w.round().max(1.0) as u32, h.round().max(1.0) as u32);
    let mut pixmap = Pixmap::new(pw, ph).ok_or(RasterError::Empty)?;
    pixmap.fill(Color::WHITE);
    let transform = Transform::from_scale(pw as f32 / size.width(), ph as f32 / size.height());
    draw(&tree, transform, &mut pixmap.as_mut());
    Ok(encode_rgb(&pixmap))
}

/// Draws the tree as `resvg::render` does, node by node in the same order,
/// except that plain text is drawn from a cache of glyph masks
/// ([`GlyphCache`]). A tree with a node this cannot place is left to
/// `resvg::render` whole.
pub(crate) fn draw(tree: &usvg::Tree, transform: Transform, pixmap: &mut PixmapMut) {
    if !placeable(tree.root(), transform) {
        resvg::render(tree, transform, pixmap);
        return;
    }
    let mut glyphs = GlyphCache::new(tree.fontdb());
    draw_children(tree.root(), transform, transform, &mut glyphs, pixmap);
}

/// Whether [`draw_children`] can draw every node under `group`: resvg
/// draws a node alone only when it has a bounding box, which a path without
/// area (a horizontal or vertical line) lacks.
fn placeable(group: &usvg::Group, canvas: Transform) -> bool {
    group.children().iter().all(|node| match node {
        usvg::Node::Group(g) if !g.should_isolate() => placeable(g, canvas),
        usvg::Node::Text(text) if glyphs::plain(text, canvas) => true,
        usvg::Node::Path(path) if node.abs_layer_bounding_box().is_none() => {
            flat_stroke(path).is_some()
        }
        _ => node.abs_layer_bounding_box().is_some(),
    })
}

/// `canvas` is the tree's transform onto the pixmap (text carries its own
/// absolute transform); `parent` is it with the ancestors' transforms.
fn draw_children(
    group: &usvg::Group,
    canvas: Transform,
    parent: Transform,
    glyphs: &mut GlyphCache,
    pixmap: &mut PixmapMut,
) {
    for node in group.children() {
        match node {
            // A group drawn through a layer of its own (opacity, clipping,
            // masks, filters) is resvg's to draw, whole.
            usvg::Node::Group(g) if !g.should_isolate() => {
                draw_children(g, canvas, parent.pre_concat(g.transform()), glyphs, pixmap)
            }
            usvg::Node::Text(text) if glyphs::plain(text, canvas) => {
                glyphs.draw_text(text, canvas, pixmap)
            }
            usvg::Node::Path(path) => match node.abs_layer_bounding_box() {
                Some(b) => place(node, b, parent, pixmap),
                None if path.is_visible() => {
                    if let Some((paint, stroke)) = flat_stroke(path) {
                        pixmap.stroke_path(path.data(), &paint, &stroke, parent, None);
                    }
                }
                None => {}
            },
            _ => {
                if let Some(b) = node.abs_layer_bounding_box() {
                    place(node, b, parent, pixmap);
                }
            }
        }
    }
}

/// resvg::render_node draws a node alone, moved by its bounding box's
/// corner (to fill a pixmap of the box's size); moving it back first draws
/// it in place.
fn place(node: &usvg::Node, b: usvg::NonZeroRect, parent: Transform, pixmap: &mut PixmapMut) {
    resvg::render_node(node, parent.pre_translate(b.x(), b.y()), pixmap);
}

/// A path without area stroked with a plain colour, as resvg strokes it
/// (its fill covers nothing): the paint and stroke; `None` for any other
/// paint (the figure is then left to resvg whole).
fn flat_stroke(
    path: &usvg::Path,
) -> Option<(resvg::tiny_skia::Paint<'static>, resvg::tiny_skia::Stroke)> {
    let stroke = path.stroke()?;
    let usvg::Paint::Color(c) = stroke.paint() else {
        return None;
    };
    let mut paint = resvg::tiny_skia::Paint::default();
    paint.set_color_rgba8(c.red, c.green, c.blue, stroke.opacity().to_u8());
    paint.anti_alias = path.rendering_mode().use_shape_antialiasing();
    Some((paint, stroke.to_tiny_skia()))
}

/// The pixmap as an 8-bit RGB PNG. The figure is painted on opaque white,
/// so every pixel's alpha is 255 and its premultiplied colour is its colour:
/// the PNG keeps the colour and drops the alpha, which says nothing (an
/// alpha channel made LibreOffice export every figure of the DOCX with a
/// soft mask, and made the files ~6 % larger). The rows go to the encoder a
/// band at a time, so the RGB copy is a band, not a second image. One filter
/// for every row (Paeth, the best single one for anti-aliased drawings) and
/// fast deflate: encoding costs about a third of what adaptive filtering
/// did, for files about a tenth larger (measured in docs/performance.md).
/// Deterministic: same pixels, same bytes.
fn encode_rgb(pixmap: &Pixmap) -> Vec<u8> {
    use std::io::Write;
    /// Rows per band: ~0.4 MB of RGB at the DOCX's 220 dpi.
    const BAND: usize = 64;
    let mut out = Vec::with_capacity(pixmap.data().len() / 10);
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    enc.set_filter(png::Filter::Paeth);
    // Writing into memory only fails on an encoder bug.
    let mut header = enc.write_header().expect("PNG header");
    {
        let row = pixmap.width() as usize * 4;
        let mut rgb = Vec::with_capacity(row / 4 * 3 * BAND);
        let mut stream = header.stream_writer_with_size(1 << 18).expect("PNG stream");
        for band in pixmap.data().chunks(row * BAND) {
            rgb.clear();
            rgb.extend(band.chunks_exact(4).flat_map(|px| [px[0], px[1], px[2]]));
            stream.write_all(&rgb).expect("PNG data");
        }
        stream.finish().expect("PNG data end");
    }
    header.finish().expect("PNG end");
    out
}

/// The PNGs of the figures of one or more documents, for the DOCX writer:
/// each distinct figure (SVG and printed width) rasterised once at [`crate::DPI`],
/// even when two documents show it, the figures in parallel.
///
/// Rasterising is the costliest step of a small build, and only the DOCX
/// needs it; computing it here, apart from composing, lets it run while the
/// PDF is laid out instead of before.
#[derive(Debug, Clone, Default)]
pub struct Rasters {
    pngs: HashMap<FigureKey, Option<Arc<[u8]>>>,
}

/// A figure's SVG text and printed width (as bits: a hashable float).
type FigureKey = (Arc<str>, u32);

impl Rasters {
    /// Rasterises every figure of `docs`, each distinct one (SVG and printed
    /// width) once, in parallel.
    pub fn of(docs: &[&Document]) -> Rasters {
        let mut wanted: Vec<(Arc<str>, f32)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for doc in docs {
            nap_doc::walk(&doc.blocks, &mut |b| {
                if let Block::Figure(f) = b {
                    if seen.insert((f.svg.clone(), f.width_mm.to_bits())) {
                        wanted.push((f.svg.clone(), f.width_mm));
                    }
                }
            });
        }
        Rasters {
            pngs: wanted
                .into_par_iter()
                .map(|(svg, width_mm)| {
                    let png = try_rasterize(&svg, width_mm, crate::DPI)
                        .ok()
                        .map(Arc::from);
                    ((svg, width_mm.to_bits()), png)
                })
                .collect(),
        }
    }

    /// The PNG of `figure`; `None` when its SVG cannot be read, or when the
    /// figure was not among the documents these rasters were made for.
    pub fn get(&self, figure: &Figure) -> Option<Arc<[u8]>> {
        self.pngs
            .get(&(figure.svg.clone(), figure.width_mm.to_bits()))
            .cloned()
            .flatten()
    }
}

/// [`try_rasterize`] for the SVGs this crate writes, which usvg always
/// reads (all text is escaped). Panics on an SVG it cannot read.
pub fn rasterize(svg: &str, width_mm: f32, dpi: f32) -> Vec<u8> {
    match try_rasterize(svg, width_mm, dpi) {
        Ok(png) => png,
        Err(e) => panic!("nap-figures: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_follows_width_and_dpi() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="50mm" viewBox="0 0 100 50"><rect width="10" height="10"/></svg>"#;
        let png = rasterize(svg, 100.0, 254.0);
        let p = Pixmap::decode_png(&png).unwrap();
        assert_eq!((p.width(), p.height()), (1000, 500));
        // Opaque white page, black square top left.
        assert_eq!(p.pixel(500, 250).unwrap().red(), 255);
        assert_eq!(p.pixel(5, 5).unwrap().red(), 0);
        // IHDR's colour type: 2, RGB without alpha (the figure is opaque).
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(png[25], 2);
    }

    /// `svg` painted on white at 220 dpi, by resvg itself and by [`draw`].
    fn both_ways(svg: &str) -> (Pixmap, Pixmap) {
        let tree = parse(svg).unwrap();
        let size = tree.size();
        let w = (size.width() / 96.0 * crate::DPI).round() as u32;
        let h = (size.height() / 96.0 * crate::DPI).round() as u32;
        let t = Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
        let paint = |f: &dyn Fn(&mut PixmapMut)| {
            let mut p = Pixmap::new(w, h).unwrap();
            p.fill(Color::WHITE);
            f(&mut p.as_mut());
            p
        };
        (
            paint(&|p| resvg::render(&tree, t, p)),
            paint(&|p| draw(&tree, t, p)),
        )
    }

    /// Pixels clearly darker than white (ink).
    fn ink(p: &Pixmap) -> usize {
        p.pixels().iter().filter(|c| c.red() < 160).count()
    }

    #[test]
    fn figures_draw_as_resvg_draws_them() {
        let plan = crate::testdata::seed_plan();
        for name in ["timeline", "summary", "comments"] {
            let svg = crate::figure_svg(name, &plan).unwrap().source;
            let (want, got) = both_ways(&svg);
            // Text from glyph masks sits within half a pixel of where resvg
            // puts it: anti-aliased edges differ, nothing else.
            let bytes = want.data().len() as f64;
            let total: u64 = want
                .data()
                .iter()
                .zip(got.data())
                .map(|(a, b)| u64::from(a.abs_diff(*b)))
                .sum();
            let far = want
                .data()
                .iter()
                .zip(got.data())
                .filter(|(a, b)| a.abs_diff(**b) > 160)
                .count();
            assert!(
                total as f64 / bytes < 2.0,
                "{name}: mean difference {}",
                total as f64 / bytes
            );
            assert!((far as f64) < bytes * 1e-4, "{name}: {far} bytes far apart");
            let (a, b) = (ink(&want) as f64, ink(&got) as f64);
            assert!((a - b).abs() < a * 0.02, "{name}: ink {a} vs {b}");
        }
    }

    #[test]
    fn lines_without_area_are_stroked_as_resvg_strokes_them() {
        // A horizontal and a vertical line have no bounding box, so resvg
        // cannot draw them alone; they are stroked here instead.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="30mm" viewBox="0 0 170 85"><line x1="10" y1="10" x2="160" y2="10" stroke="#7F7F7F" stroke-width="1.2"/><line x1="20" y1="5" x2="20" y2="80" stroke="#1F3864" stroke-width="0.5"/><rect x="40" y="30" width="20" height="20" fill="#2A7F86"/></svg>"##;
        let (want, got) = both_ways(svg);
        assert!(ink(&want) > 500);
        assert!(want.data() == got.data(), "the lines differ");
    }

    #[test]
    fn text_beyond_plain_fills_is_left_to_resvg() {
        // A stroked label is drawn by resvg, as resvg draws it.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="30mm" viewBox="0 0 170 85" font-family="Noto Sans"><rect x="5" y="5" width="20" height="20" fill="#2A7F86"/><text x="30" y="40" font-size="14" fill="#1F3864" stroke="#FF0000" stroke-width="0.3">Përgatitjet</text></svg>"##;
        let (want, got) = both_ways(svg);
        assert!(ink(&want) > 500);
        assert!(want.data() == got.data(), "not drawn by resvg");
        // So is a glyph too large for a mask (here ~1 200 pixels to the em).
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="30mm" viewBox="0 0 170 85" font-family="Noto Sans"><text x="0" y="80" font-size="400" fill="#1F3864">Ë</text></svg>"##;
        let (want, got) = both_ways(svg);
        assert!(ink(&want) > 5_000);
        assert!(want.data() == got.data(), "a huge glyph not drawn by resvg");
    }

    #[test]
    fn a_tree_with_a_node_that_cannot_be_placed_is_drawn_by_resvg_whole() {
        // A filled horizontal line has neither area nor a stroke to draw
        // here; the text beside it must then come from resvg too.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="30mm" viewBox="0 0 170 85" font-family="Noto Sans"><path d="M10 10 H160" fill="#000000"/><text x="30" y="40" font-size="14" fill="#1F3864">Përgatitjet</text></svg>"##;
        let (want, got) = both_ways(svg);
        assert!(ink(&want) > 200);
        assert!(want.data() == got.data(), "not drawn by resvg");
    }

    #[test]
    fn unreadable_svg_is_an_error() {
        assert!(matches!(
            try_rasterize("<svg", 100.0, 100.0),
            Err(RasterError::Parse(_))
        ));
    }

    #[test]
    fn only_embedded_fonts() {
        let db = font_database();
        assert!(db.faces().count() >= 8);
        assert!(db
            .faces()
            .all(|f| f.families.iter().any(|(n, _)| n.starts_with("Noto"))));
    }
}
