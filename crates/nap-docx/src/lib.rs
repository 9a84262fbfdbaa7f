//! The DOCX writer: [`nap_doc::Document`] in, WordprocessingML package bytes out.

use nap_doc::Document;

/// Writes `doc` as a .docx package. Pure: no I/O, no clock; the same
/// document gives the same bytes.
pub fn docx(doc: &Document) -> Vec<u8> {
    let _ = doc;
    Vec::new()
}
