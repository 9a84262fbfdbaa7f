//! The figures' rasteriser (`nap_figures::try_rasterize`: glyph masks for
//! plain text, resvg node by node for the rest) on generated SVGs: it must
//! not panic, must give a PNG of the asked size, and where there is no text
//! must draw what resvg draws (to within a level or two of anti-aliasing
//! from the transform round trip of drawing node by node).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz::svg::FuzzSvg;
use resvg::tiny_skia::{Color, Pixmap, Transform};

const DPI: f32 = 60.0;

fuzz_target!(|input: FuzzSvg| {
    let svg = input.source();
    // Any printed width: an error or a PNG, never a panic (kept under 0.5 m,
    // where the pixel cap would make each run allocate a quarter gigabyte).
    let width = if input.width_mm.is_finite() {
        input.width_mm.clamp(-500.0, 500.0)
    } else {
        input.width_mm
    };
    let _ = nap_figures::try_rasterize(&svg, width, DPI);
    let Ok(png) = nap_figures::try_rasterize(&svg, 160.0, DPI) else {
        return;
    };
    let got = Pixmap::decode_png(&png).expect("the rasteriser writes a PNG");
    let tree = nap_figures::parse(&svg).expect("it rasterised, so it parses");
    let size = tree.size();
    let w = (160.0 / 25.4 * DPI).round() as u32;
    let h = (w as f32 * size.height() / size.width()).round().max(1.0) as u32;
    assert_eq!((got.width(), got.height()), (w, h));
    if svg.contains("<text") {
        return;
    }
    let mut want = Pixmap::new(w, h).unwrap();
    want.fill(Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(w as f32 / size.width(), h as f32 / size.height()),
        &mut want.as_mut(),
    );
    let worst = want
        .data()
        .iter()
        .zip(got.data())
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap_or(0);
    assert!(worst <= 16, "shapes differ from resvg's by {worst}:\n{svg}");
});
