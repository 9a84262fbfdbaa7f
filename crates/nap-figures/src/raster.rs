//! SVG to PNG with resvg, on the embedded fonts only.

use nap_doc::{Block, Document, Figure};
use rayon::prelude::*;
use resvg::tiny_skia::{Color, Pixmap, Transform};
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
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(encode_rgba(&pixmap))
}

/// The pixmap as an 8-bit RGBA PNG. The figure is painted on opaque white,
/// so every pixel's alpha is 255 and its premultiplied colour is its colour:
/// the pixmap's bytes are the PNG's rows as they are, with no copy. One
/// filter for every row (Paeth, the best single one for anti-aliased
/// drawings) and fast deflate: encoding costs about a third of what adaptive
/// filtering did, for files about a tenth larger (measured in
/// docs/performance.md). Deterministic: same pixels, same bytes.
fn encode_rgba(pixmap: &Pixmap) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixmap.data().len() / 8);
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    enc.set_filter(png::Filter::Paeth);
    // Writing into memory only fails on an encoder bug.
    let mut w = enc.write_header().expect("PNG header");
    w.write_image_data(pixmap.data()).expect("PNG data");
    w.finish().expect("PNG end");
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
