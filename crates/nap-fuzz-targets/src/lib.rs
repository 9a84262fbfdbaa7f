//! nap's fuzz targets, as plain functions ([`targets`]), and what they share:
//! a scratch input folder on tmpfs, the invariants every stage promises
//! (checked after each run), a structure-aware [`nap_doc::Document`]
//! generator for the writers, and one of SVG figures for the rasteriser.
//!
//! `fuzz/` runs the targets coverage-guided under libFuzzer (nightly,
//! `bench/fuzz.sh`); this crate's tests replay the committed regression and
//! seed inputs and seeded pseudo-random ones through the same functions on
//! stable, so `cargo test --workspace` (CI) checks them on every change.

pub mod doc;
pub mod svg;
pub mod targets;

use nap_doc::{Block, Document, Inline};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The minimal valid input folder (`tests/fixtures/check/ok/`), as text, so a
/// reader target can put one fuzzed file among valid ones and reach the
/// code behind the first parse.
pub const BASE: [(&str, &str); 6] = [
    (
        "plan.json",
        include_str!("../../../tests/fixtures/check/ok/plan.json"),
    ),
    (
        "process/process.json",
        include_str!("../../../tests/fixtures/check/ok/process/process.json"),
    ),
    (
        "process/intro.md",
        include_str!("../../../tests/fixtures/check/ok/process/intro.md"),
    ),
    (
        "areas/drejtesia/commitments.json",
        include_str!("../../../tests/fixtures/check/ok/areas/drejtesia/commitments.json"),
    ),
    (
        "areas/drejtesia/situation-analysis.md",
        include_str!("../../../tests/fixtures/check/ok/areas/drejtesia/situation-analysis.md"),
    ),
    (
        "comments/komentet.csv",
        include_str!("../../../tests/fixtures/check/ok/comments/komentet.csv"),
    ),
];

/// A scratch copy of [`BASE`] in memory-backed storage (`/dev/shm` where it
/// exists), one per process and call so parallel fuzzers and tests never
/// share one; removed when dropped.
pub struct Folder {
    pub root: PathBuf,
}

impl Folder {
    pub fn new(target: &str) -> Folder {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let shm = Path::new("/dev/shm");
        let parent = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let root = parent.join(format!(
            "nap-fuzz-{target}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        for (rel, _) in BASE {
            let dir = root
                .join(rel)
                .parent()
                .expect("a file in a folder")
                .to_path_buf();
            std::fs::create_dir_all(dir).expect("scratch folder");
        }
        Folder { root }
    }

    /// Writes the base folder with `rel` replaced by `bytes`.
    pub fn write_with(&self, rel: &str, bytes: &[u8]) {
        for (name, text) in BASE {
            if name != rel {
                std::fs::write(self.root.join(name), text).expect("scratch write");
            }
        }
        std::fs::write(self.root.join(rel), bytes).expect("scratch write");
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Characters XML 1.0 forbids (the normalizer removes them; neither writer
/// may ever receive one).
pub fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Every string of a serialized value, with its JSON path.
fn strings(v: &serde_json::Value, path: &mut String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => out.push((path.clone(), s.clone())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                strings(x, path, out);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                strings(x, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// The contract's normalization holds for every text of a loaded plan: no
/// XML-forbidden character and no CR survive (whatever encoding the file had).
pub fn check_plan(plan: &nap_model::Plan) {
    let v = serde_json::to_value(plan).expect("a plan serializes");
    let mut all = Vec::new();
    strings(&v, &mut String::new(), &mut all);
    for (path, s) in all {
        assert!(
            !s.chars().any(|c| xml_forbidden(c) || c == '\r'),
            "plan text at {path} holds a control character the normalizer removes: {s:?}"
        );
    }
}

/// Loads the scratch folder both ways (draft and `--final` rules) and checks
/// the plan's texts.
pub fn load_and_check(folder: &Folder) {
    for final_rules in [false, true] {
        let opts = nap_input::LoadOptions { final_rules };
        let loaded = nap_input::load(&folder.root, &opts);
        if let Some(plan) = &loaded.plan {
            check_plan(plan);
        }
        for d in &loaded.diagnostics {
            // Rendering a diagnostic must not panic either.
            let _ = format!("{d:?}");
        }
    }
}

/// The invariants `nap-doc` says the producer guarantees and writers rely on:
/// heading levels 1..=4, unique non-empty ids, rectangular tables, no control
/// characters or newlines in text, safe link targets, and bounded nesting.
pub fn check_document(doc: &Document) {
    let m = &doc.meta;
    for s in [
        &m.title,
        &m.subject,
        &m.author,
        &m.language,
        &m.header,
        &m.footer,
        &m.page_label,
        &m.page_of,
        &m.date,
        &m.revision_author,
    ]
    .into_iter()
    .chain(m.keywords.iter())
    .chain(m.draft_mark.iter())
    {
        check_text(s, "meta");
    }
    let mut ids = HashSet::new();
    check_blocks(&doc.blocks, &mut ids, 0);
}

/// Deepest container nesting accepted. nap-compose flattens Markdown deeper
/// than `nap_compose::markdown::MAX_DEPTH` containers (quote, list, item);
/// a table cell and a style frame may add a few more.
pub const MAX_NESTING: usize = 3 * nap_compose::markdown::MAX_DEPTH + 8;

fn check_text(s: &str, place: &str) {
    assert!(
        !s.chars()
            .any(|c| xml_forbidden(c) || c == '\n' || c == '\r'),
        "{place} text holds a control character or a newline: {s:?}"
    );
}

fn check_inlines(inlines: &[Inline]) {
    for i in inlines {
        if let Inline::Text(span) = i {
            check_text(&span.text, "span");
            if let Some(link) = &span.style.link {
                let l = link.to_ascii_lowercase();
                assert!(
                    l.starts_with("http://")
                        || l.starts_with("https://")
                        || l.starts_with("mailto:")
                        || l.starts_with('#'),
                    "link target is neither a web address, mailto nor an anchor: {link:?}"
                );
                check_text(link, "link");
            }
        }
    }
}

fn check_blocks(blocks: &[Block], ids: &mut HashSet<String>, depth: usize) {
    assert!(
        depth <= MAX_NESTING,
        "blocks nested {depth} deep (limit {MAX_NESTING})"
    );
    for b in blocks {
        match b {
            Block::Heading {
                level, id, content, ..
            } => {
                assert!((1..=4).contains(level), "heading level {level}");
                assert!(!id.is_empty(), "empty heading id");
                assert!(ids.insert(id.clone()), "duplicate id {id:?}");
                check_inlines(content);
            }
            Block::Paragraph { content, .. } => check_inlines(content),
            Block::List(l) => {
                for item in &l.items {
                    check_blocks(item, ids, depth + 1);
                }
            }
            Block::Quote(inner) => check_blocks(inner, ids, depth + 1),
            Block::Preformatted(lines) => {
                for l in lines {
                    assert!(
                        !l.chars()
                            .any(|c| xml_forbidden(c) || c == '\n' || c == '\r'),
                        "preformatted line holds a control character: {l:?}"
                    );
                }
            }
            Block::Table(t) => {
                assert!(
                    t.header_rows <= t.rows.len(),
                    "{} header rows of {}",
                    t.header_rows,
                    t.rows.len()
                );
                for (r, row) in t.rows.iter().enumerate() {
                    let width: usize = row.cells.iter().map(|c| usize::from(c.colspan)).sum();
                    assert_eq!(
                        width,
                        t.columns.len(),
                        "row {r} spans {width} columns of {}",
                        t.columns.len()
                    );
                    for c in &row.cells {
                        assert!(c.colspan >= 1, "colspan 0");
                        check_blocks(&c.blocks, ids, depth + 1);
                    }
                }
                for w in t.columns.iter().flatten() {
                    assert!(w.is_finite() && *w > 0.0, "column width {w}");
                }
            }
            Block::Figure(f) => {
                assert!(!f.id.is_empty(), "empty figure id");
                assert!(ids.insert(f.id.clone()), "duplicate id {:?}", f.id);
                check_inlines(&f.caption);
            }
            Block::Toc { title, .. } => check_text(title, "toc title"),
            Block::PageBreak | Block::Rule => {}
        }
    }
}

/// Unpacks a DOCX package and parses every XML part: all must be
/// well-formed, and `word/document.xml` must be there.
pub fn check_docx(bytes: &[u8]) {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the DOCX is a readable zip");
    let mut saw_document = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("a readable zip entry");
        let name = entry.name().expect("a readable entry name").to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text)
            .unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"));
        if let Err(e) = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: false,
                nodes_limit: u32::MAX,
                ..roxmltree::ParsingOptions::default()
            },
        ) {
            panic!("{name} is not well-formed XML: {e}");
        }
        saw_document |= name == "word/document.xml";
    }
    assert!(saw_document, "no word/document.xml in the package");
}

/// Runs the PDF writer: it must not panic, and without PDF/A it must not
/// refuse the document.
pub fn check_pdf(doc: &Document, pdfa: bool) {
    check_destinations(doc);
    let opts = nap_pdf::PdfOptions { pdfa };
    match nap_pdf::pdf(doc, &opts) {
        Ok(bytes) => {
            assert!(bytes.starts_with(b"%PDF-"), "the PDF has no header");
            let tail = &bytes[bytes.len().saturating_sub(32)..];
            assert!(
                tail.windows(5).any(|w| w == b"%%EOF"),
                "the PDF has no %%EOF trailer"
            );
        }
        Err(e) => assert!(pdfa, "the PDF writer refused a plain PDF: {e}"),
    }
}

/// Every place the layout points at (a heading, an outline entry, an
/// internal link) is on a page it made: the PDF writer clamps destinations
/// to the last page as a guard, and this finds any layout that needs it.
pub fn check_destinations(doc: &Document) {
    let paged = nap_layout::layout(doc);
    let n = paged.pages.len();
    assert!(n > 0, "the layout made no page");
    for page in paged.destination_pages() {
        assert!(page < n, "a destination on page {page} of {n}");
    }
    // Footnotes sit at the foot of their page: inside the text block and
    // below every other line of content on it.
    if let Some(m) = paged.misplaced_note() {
        panic!("{m}");
    }
}
