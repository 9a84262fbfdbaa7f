//! SVG to PNG with resvg, on the embedded fonts only.

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg::{self, fontdb};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The embedded Noto faces, and nothing from the system, so a figure
/// rasterises identically on every machine. The PDF writer can hand the same
/// database to krilla-svg (same usvg) so the vectors use the same fonts.
pub fn font_database() -> Arc<fontdb::Database> {
    fonts()
}

fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for (_, bytes) in nap_fonts::all() {
            db.load_font_data(bytes.to_vec());
        }
        db.set_sans_serif_family(nap_fonts::SANS_NAME);
        db.set_serif_family(nap_fonts::SERIF_NAME);
        Arc::new(db)
    })
    .clone()
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
/// follows the SVG's aspect ratio), with the embedded fonts.
pub fn try_rasterize(svg: &str, width_mm: f32, dpi: f32) -> Result<Vec<u8>, RasterError> {
    let opt = usvg::Options {
        font_family: nap_fonts::SANS_NAME.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| RasterError::Parse(e.to_string()))?;
    let size = tree.size();
    let mut w = f64::from(width_mm) / 25.4 * f64::from(dpi);
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
    Ok(encode_rgb(&pixmap))
}

/// The pixmap as an 8-bit RGB PNG. The figure is painted on opaque white, so
/// every pixel's alpha is 255 and its premultiplied colour is its colour;
/// dropping alpha and using fast compression makes encoding several times
/// cheaper than tiny-skia's RGBA at default compression, for a somewhat
/// larger file. Deterministic: same pixels, same bytes.
fn encode_rgb(pixmap: &Pixmap) -> Vec<u8> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    // Writing into memory only fails on an encoder bug.
    let mut w = enc.write_header().expect("PNG header");
    w.write_image_data(&rgb).expect("PNG data");
    w.finish().expect("PNG end");
    out
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
        let db = fonts();
        assert!(db.faces().count() >= 8);
        assert!(db
            .faces()
            .all(|f| f.families.iter().any(|(n, _)| n.starts_with("Noto"))));
    }
}
