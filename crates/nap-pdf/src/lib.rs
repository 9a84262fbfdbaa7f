//! The PDF writer: lays out a [`nap_doc::Document`] and serializes the pages.

use nap_doc::Document;

#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Write PDF/A-2 (for the approved, archived plan).
    pub pdfa: bool,
}

/// Writes `doc` as PDF bytes. Pure and reproducible.
pub fn pdf(doc: &Document, opts: &PdfOptions) -> Result<Vec<u8>, String> {
    let _ = (doc, opts);
    Ok(Vec::new())
}
