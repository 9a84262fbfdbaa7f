//! Drawing a figure's text from a cache of rasterised glyphs.
//!
//! resvg fills every glyph's outline afresh, and on these text-heavy figures
//! that was most of the rasterising (the summary figure has ~1 500 glyphs,
//! a few hundred distinct ones). Here each glyph is rasterised once per size
//! and quarter-pixel position into a coverage mask, from the same outline
//! and transform usvg gives resvg, and the mask is blended wherever the
//! glyph recurs. The coverage is ab_glyph_rasterizer's exact area coverage
//! (tiny-skia supersamples 4 × 4 per pixel; ten times the cost per glyph):
//! against resvg's drawing, edges differ by a level or two of
//! anti-aliasing, and a line of text by at most half a pixel, since
//! baselines snap to whole pixels (measured in the tests). Text this module
//! cannot draw that way (a stroke, a gradient, decoration, a rotated or
//! skewed transform, a glyph larger than [`MAX_EM`]) is left to resvg,
//! whole.

use ab_glyph_rasterizer::{point, Point, Rasterizer};
use resvg::tiny_skia::{PixmapMut, Transform};
use resvg::usvg::{self, fontdb};
use std::collections::HashMap;

/// Horizontal positions are rounded to 1/SUB of a pixel (at most 1/8 of a
/// pixel off); finer would only multiply the masks.
const SUB: f32 = 4.0;

/// The largest em, in pixels, drawn from masks (a mask is about an em
/// square): larger text goes to resvg, which clips it to the canvas.
const MAX_EM: f32 = 1024.0;

/// One glyph's coverage at one size and sub-pixel position, and where its
/// top-left pixel sits relative to the pixel the glyph's origin falls in.
struct GlyphMask {
    left: i32,
    top: i32,
    width: u32,
    height: u32,
    coverage: Vec<u8>,
}

/// Which glyph, at which scale (as bits), at which quarter-pixel offset.
type Key = (fontdb::ID, u16, u32, u32, u8);

/// The masks made so far while drawing one figure (filled on demand).
pub(crate) struct GlyphCache<'a> {
    fonts: &'a fontdb::Database,
    masks: HashMap<Key, Option<GlyphMask>>,
}

/// A solid, opaque colour (premultiplied is the same for an opaque one).
#[derive(Clone, Copy)]
struct Rgb([u8; 3]);

impl<'a> GlyphCache<'a> {
    pub(crate) fn new(fonts: &'a fontdb::Database) -> Self {
        GlyphCache {
            fonts,
            masks: HashMap::new(),
        }
    }

    /// Draws `text`, which must be [`plain`], onto the pixmap; `canvas` is
    /// the tree's transform onto it (the text carries its own).
    pub(crate) fn draw_text(
        &mut self,
        text: &usvg::Text,
        canvas: Transform,
        pixmap: &mut PixmapMut,
    ) {
        let base = canvas.pre_concat(text.abs_transform());
        for span in text.layouted().iter().filter(|s| s.visible) {
            let Some(usvg::Paint::Color(c)) = span.fill.as_ref().map(|f| f.paint()) else {
                continue;
            };
            let color = Rgb([c.red, c.green, c.blue]);
            for glyph in &span.positioned_glyphs {
                let t = base.pre_concat(glyph.outline_transform());
                let (ix, fx) = split(t.tx);
                // Baselines snap to whole pixels: a line moves by at most
                // half a pixel (0.06 mm at 220 dpi), all its glyphs alike,
                // and each glyph needs a quarter of the masks.
                let iy = t.ty.round() as i32;
                let key = (glyph.font, glyph.id.0, t.sx.to_bits(), t.sy.to_bits(), fx);
                let fonts = self.fonts;
                let mask = self
                    .masks
                    .entry(key)
                    .or_insert_with(|| rasterise(fonts, glyph, t.sx, t.sy, fx));
                if let Some(mask) = mask {
                    blend(pixmap, mask, ix, iy, color);
                }
            }
        }
    }
}

/// Whether `text` can be drawn from glyph masks: anti-aliased, every
/// visible span filled with an opaque plain colour and nothing else (no
/// stroke, no underline or other decoration), and every glyph upright
/// (scaled and moved only) and at most [`MAX_EM`] pixels to the em once on
/// the canvas.
pub(crate) fn plain(text: &usvg::Text, canvas: Transform) -> bool {
    if text.rendering_mode() == usvg::TextRendering::OptimizeSpeed {
        return false;
    }
    let base = canvas.pre_concat(text.abs_transform());
    text.layouted().iter().filter(|s| s.visible).all(|span| {
        let fill_ok = span.fill.as_ref().is_some_and(|f| {
            matches!(f.paint(), usvg::Paint::Color(_)) && f.opacity().get() >= 1.0
        });
        fill_ok
            && span.stroke.is_none()
            && span.underline.is_none()
            && span.overline.is_none()
            && span.line_through.is_none()
            && span.positioned_glyphs.iter().all(|g| {
                let t = base.pre_concat(g.outline_transform());
                let em = g.font_size() * base.sx.abs().max(base.sy.abs());
                t.kx == 0.0 && t.ky == 0.0 && t.is_finite() && em <= MAX_EM
            })
    })
}

/// A coordinate as a whole pixel and a count of sub-pixel steps (0..SUB).
fn split(v: f32) -> (i32, u8) {
    let steps = (v * SUB).round();
    let whole = (steps / SUB).floor();
    (whole as i32, (steps - whole * SUB) as u8)
}

/// Feeds a glyph outline, scaled and moved into the mask's pixels, to the
/// coverage rasteriser.
struct Outline {
    raster: Rasterizer,
    /// Font units to mask pixels: x' = sx·x + dx, y' = sy·y + dy.
    sx: f32,
    sy: f32,
    dx: f32,
    dy: f32,
    start: Point,
    last: Point,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> Point {
        point(self.sx * x + self.dx, self.sy * y + self.dy)
    }
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.start = self.at(x, y);
        self.last = self.start;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.at(x, y);
        self.raster.draw_line(self.last, p);
        self.last = p;
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (c, p) = (self.at(x1, y1), self.at(x, y));
        self.raster.draw_quad(self.last, c, p);
        self.last = p;
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (c1, c2, p) = (self.at(x1, y1), self.at(x2, y2), self.at(x, y));
        self.raster.draw_cubic(self.last, c1, c2, p);
        self.last = p;
    }
    fn close(&mut self) {
        if self.last != self.start {
            self.raster.draw_line(self.last, self.start);
        }
        self.last = self.start;
    }
}

/// One glyph's outline, scaled by (sx, sy) (font units to pixels, y
/// flipped) and shifted right by `fx` quarter pixels, as coverage in a mask
/// just large enough for it. `None` for a glyph with no outline (a space)
/// or a font fontdb cannot give.
fn rasterise(
    fonts: &fontdb::Database,
    glyph: &usvg::layout::PositionedGlyph,
    sx: f32,
    sy: f32,
    fx: u8,
) -> Option<GlyphMask> {
    fonts.with_face_data(glyph.font, |data, index| {
        let face = ttf_parser::Face::parse(data, index).ok()?;
        let id = ttf_parser::GlyphId(glyph.id.0);
        let b = face.glyph_bounding_box(id)?;
        let shift = f32::from(fx) / SUB;
        let (x0, x1) = (
            sx * f32::from(b.x_min) + shift,
            sx * f32::from(b.x_max) + shift,
        );
        let (y0, y1) = (sy * f32::from(b.y_max), sy * f32::from(b.y_min));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        // One pixel of margin: anti-aliasing reaches into the pixel an
        // edge touches, and the box is the font's (rounded) one.
        let left = x0.floor() as i32 - 1;
        let top = y0.floor() as i32 - 1;
        let width = (x1.ceil() as i32 + 1 - left).max(1) as u32;
        let height = (y1.ceil() as i32 + 1 - top).max(1) as u32;
        let mut outline = Outline {
            raster: Rasterizer::new(width as usize, height as usize),
            sx,
            sy,
            dx: shift - left as f32,
            dy: -top as f32,
            start: point(0.0, 0.0),
            last: point(0.0, 0.0),
        };
        face.outline_glyph(id, &mut outline)?;
        let mut coverage = vec![0u8; (width * height) as usize];
        outline.raster.for_each_pixel(|i, a| {
            coverage[i] = (a.clamp(0.0, 1.0) * 255.0).round() as u8;
        });
        Some(GlyphMask {
            left,
            top,
            width,
            height,
            coverage,
        })
    })?
}

/// Paints `color` through `mask` onto the pixmap, the glyph's origin in
/// pixel (x, y): source-over with the coverage as alpha, as tiny-skia
/// blends an anti-aliased fill.
fn blend(pixmap: &mut PixmapMut, mask: &GlyphMask, x: i32, y: i32, Rgb(color): Rgb) {
    let (pw, ph) = (pixmap.width() as i32, pixmap.height() as i32);
    let data = pixmap.data_mut();
    for row in 0..mask.height as i32 {
        let py = y + mask.top + row;
        if py < 0 || py >= ph {
            continue;
        }
        for col in 0..mask.width as i32 {
            let px = x + mask.left + col;
            if px < 0 || px >= pw {
                continue;
            }
            let c = u32::from(mask.coverage[(row as u32 * mask.width + col as u32) as usize]);
            if c == 0 {
                continue;
            }
            let i = ((py * pw + px) * 4) as usize;
            let dst = &mut data[i..i + 4];
            for (d, s) in dst.iter_mut().zip(color.iter().chain([&255u8])) {
                *d = div255(u32::from(*s) * c + u32::from(*d) * (255 - c));
            }
        }
    }
}

/// x / 255, rounded, for x ≤ 255 × 255.
fn div255(x: u32) -> u8 {
    ((x + 128 + ((x + 128) >> 8)) >> 8) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_rounds_to_quarter_pixels() {
        assert_eq!(split(10.0), (10, 0));
        assert_eq!(split(10.3), (10, 1));
        assert_eq!(split(10.9), (11, 0));
        assert_eq!(split(-0.3), (-1, 3));
    }

    #[test]
    fn div255_is_rounded_division() {
        for x in (0..=255 * 255).step_by(97) {
            assert_eq!(u32::from(div255(x)), (x + 127) / 255, "{x}");
        }
    }
}
