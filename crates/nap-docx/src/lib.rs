//! The DOCX writer: [`nap_doc::Document`] in, WordprocessingML package bytes
//! out.
//!
//! 1. [`outline`] reads the document once for what must be known before it
//!    is written: headings with their numbers and bookmarks (the table of
//!    contents comes before them), and the bookmark of every linkable id.
//! 2. [`body`] writes `word/document.xml`, collecting relationships
//!    (hyperlinks, images), media and numbering instances on the way.
//! 3. [`parts`] writes the fixed parts from the document's properties:
//!    styles, numbering, settings, fonts, header and footer, docProps.
//! 4. [`package`] zips them reproducibly.
//!
//! Everything is written directly as XML (text through [`xml`]'s escape
//! function only). Pure: no I/O, no clock, no global state, so the same
//! document gives the same bytes on any thread, any number of times.

mod body;
mod outline;
mod package;
mod pages;
mod parts;
mod time;
mod xml;

use nap_doc::Document;
pub use nap_figures::Rasters;
use package::Entry;

/// Writes `doc` as a .docx package. Pure: no I/O, no clock; the same
/// document gives the same bytes.
pub fn docx(doc: &Document) -> Vec<u8> {
    docx_with(doc, &Rasters::of(&[doc]))
}

/// [`docx`] with the figures' PNGs already rasterised (a build makes them
/// once for both documents, while the PDF is being laid out). A figure
/// missing from `rasters` prints its alt text.
pub fn docx_with(doc: &Document, rasters: &Rasters) -> Vec<u8> {
    let meta = &doc.meta;
    let outline = outline::Outline::scan(&doc.blocks);
    let when = time::iso_utc(meta.timestamp);
    let body = body::render(doc, &outline, rasters, &when);

    let headers = ["header1.xml", "header2.xml"];
    let footers = ["footer1.xml", "footer2.xml"];
    let has_notes = body.footnotes.is_some();
    let content_types = parts::content_types(&headers, &footers, has_notes);
    let package_rels = parts::package_rels();
    let core = parts::core_properties(meta, &when);
    let app = parts::app_properties(meta);
    let custom = parts::custom_properties(meta);
    let styles = parts::styles(meta);
    let numbering = parts::numbering(&body.ordered);
    let settings = parts::settings(meta, has_notes);
    let fonts = parts::font_table();
    let header_default = parts::header(meta, false);
    let header_first = parts::header(meta, true);
    let footer_default = parts::footer(meta, false);
    let footer_first = parts::footer(meta, true);
    let document_rels = parts::document_rels(&body.rels);
    let media_names: Vec<String> = body
        .media
        .iter()
        .map(|m| format!("word/media/{}", m.name))
        .collect();

    let mut entries = vec![
        xml("[Content_Types].xml", &content_types),
        xml("_rels/.rels", &package_rels),
        xml("docProps/core.xml", &core),
        xml("docProps/app.xml", &app),
        xml("docProps/custom.xml", &custom),
        xml("word/document.xml", &body.xml),
        xml("word/styles.xml", &styles),
        xml("word/numbering.xml", &numbering),
        xml("word/settings.xml", &settings),
        xml("word/fontTable.xml", &fonts),
        xml("word/header1.xml", &header_default),
        xml("word/header2.xml", &header_first),
        xml("word/footer1.xml", &footer_default),
        xml("word/footer2.xml", &footer_first),
        xml("word/_rels/document.xml.rels", &document_rels),
    ];
    // The footnotes part, and its relationships when a note links the web.
    let notes = body.footnotes.as_ref().map(|(xml, rels)| {
        let rels = (!rels.is_empty()).then(|| parts::document_rels(rels));
        (parts::footnotes(xml), rels)
    });
    if let Some((notes_xml, rels)) = &notes {
        entries.push(xml("word/footnotes.xml", notes_xml));
        if let Some(rels) = rels {
            entries.push(xml("word/_rels/footnotes.xml.rels", rels));
        }
    }
    entries.extend(body.media.iter().zip(&media_names).map(|(m, name)| Entry {
        name,
        data: &m.data,
        deflate: false,
    }));
    package::zip(&entries)
}

fn xml<'a>(name: &'a str, text: &'a str) -> Entry<'a> {
    Entry {
        name,
        data: text.as_bytes(),
        deflate: true,
    }
}
