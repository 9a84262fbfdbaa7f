//! The built DOCX files as Word reads them: the package unzipped and its XML
//! parsed — styles, commitment tables, repeated header rows, the TOC field,
//! page fields, language, figures with alt text — and LibreOffice turning
//! each into a PDF.

mod common;

use common::*;
use roxmltree::Document as Xml;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("nap-docx-structure-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        build(&repo().join("inputs"), &out, &[]);
        out.join("1.0-draft")
    })
}

fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = vec![];
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

fn xml(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(parts[name].clone()).unwrap()
}

/// Paragraph texts with their style ids, in order.
fn paragraphs(doc: &Xml) -> Vec<(String, String)> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|s| s.attribute((W, "val")))
                .unwrap_or("")
                .to_string();
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect();
            (style, text)
        })
        .collect()
}

#[test]
fn the_plan_has_a_commitment_table_and_a_milestones_table_per_commitment() {
    let parts = unzip(&built().join("plani-i-veprimit.docx"));
    let body = xml(&parts, "word/document.xml");
    let doc = Xml::parse(&body).unwrap();
    let plan = nap_input::load(&repo().join("inputs"), &Default::default())
        .plan
        .unwrap();
    let commitments: Vec<_> = plan.commitments().map(|(_, c)| c).collect();

    let tables: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect();
    let text_of = |n: roxmltree::Node| -> String {
        n.descendants()
            .filter(|t| t.has_tag_name((W, "t")))
            .filter_map(|t| t.text())
            .collect()
    };
    for c in &commitments {
        let commitment_tables = tables.iter().filter(|t| {
            let first_cell: String = t
                .descendants()
                .find(|n| n.has_tag_name((W, "tc")))
                .map(text_of)
                .unwrap_or_default();
            first_cell == "Angazhimi" && text_of(**t).contains(&c.id)
        });
        assert_eq!(
            commitment_tables.count(),
            1,
            "one OGP commitment table for {}",
            c.id
        );
        let milestone_ids = c
            .milestones
            .iter()
            .filter(|m| body.contains(&format!(">{}<", m.id)))
            .count();
        assert_eq!(
            milestone_ids,
            c.milestones.len(),
            "every milestone of {} is listed",
            c.id
        );
    }
    // Header rows repeat on each page; no row splits across pages.
    let header_rows = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tblHeader")))
        .count();
    assert!(
        header_rows >= commitments.len(),
        "milestone tables repeat their header row ({header_rows})"
    );
    let rows = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tr")))
        .count();
    let cant_split = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "cantSplit")))
        .count();
    assert_eq!(rows, cant_split, "every row is kept on one page");
}

#[test]
fn headings_styles_toc_fields_and_language_are_real_word_features() {
    for name in ["plani-i-veprimit.docx", "raporti-i-procesit.docx"] {
        let parts = unzip(&built().join(name));
        let body = xml(&parts, "word/document.xml");
        let doc = Xml::parse(&body).unwrap();
        let paras = paragraphs(&doc);
        let h1: Vec<&str> = paras
            .iter()
            .filter(|(s, _)| s == "Heading1")
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(h1.contains(&"Hyrje"), "{name}: Heading1 'Hyrje' in {h1:?}");
        let styles = xml(&parts, "word/styles.xml");
        for level in 0..3 {
            assert!(
                styles.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")),
                "{name}: outline level {level}"
            );
        }
        assert!(body.contains("TOC \\o"), "{name}: a TOC field");
        let footers: String = parts
            .iter()
            .filter(|(k, _)| k.starts_with("word/footer"))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect();
        assert!(
            footers.contains("PAGE") && footers.contains("NUMPAGES") && footers.contains("Faqe"),
            "{name}: Faqe X nga Y"
        );
        assert!(
            styles.contains("sq-AL"),
            "{name}: Albanian proofing language"
        );
        let core = xml(&parts, "docProps/core.xml");
        assert!(
            core.contains("<dc:title>") && core.contains("2020-12-15T00:00:00Z"),
            "{name}: properties, no clock: {core}"
        );
        let settings = xml(&parts, "word/settings.xml");
        assert!(
            settings.contains("updateFields"),
            "{name}: Word fills the TOC on open"
        );
    }
}

#[test]
fn the_report_carries_its_figures_as_pngs_with_alt_text_and_captions() {
    let parts = unzip(&built().join("raporti-i-procesit.docx"));
    let body = xml(&parts, "word/document.xml");
    let doc = Xml::parse(&body).unwrap();
    let media: Vec<&String> = parts
        .keys()
        .filter(|k| k.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), 3, "timeline, summary and comments: {media:?}");
    let captions: Vec<String> = paragraphs(&doc)
        .into_iter()
        .filter(|(s, _)| s == "Caption")
        .map(|(_, t)| t)
        .collect();
    for n in 1..=3 {
        assert!(
            captions
                .iter()
                .any(|c| c.starts_with(&format!("Figura\u{a0}{n}:"))),
            "caption {n} in {captions:?}"
        );
    }
    let drawings: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "docPr")
        .collect();
    assert_eq!(drawings.len(), 3);
    for d in &drawings {
        assert!(
            d.attribute("descr").is_some_and(|a| a.len() > 40),
            "alt text on every figure"
        );
    }
    // The PNG's pixel size matches its declared size at print resolution (>= 200 dpi).
    let extents: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "extent")
        .collect();
    for (png, ext) in media.iter().zip(&extents) {
        let bytes = &parts[*png];
        let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as f64;
        let cx: f64 = ext.attribute("cx").unwrap().parse().unwrap();
        let dpi = w / (cx / 914_400.0);
        assert!(
            (200.0..400.0).contains(&dpi),
            "{png}: {dpi:.0} dpi at its printed width"
        );
    }
}

#[test]
fn libreoffice_turns_each_docx_into_a_pdf() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    for name in ["plani-i-veprimit", "raporti-i-procesit"] {
        let pdf = soffice_convert(&built().join(format!("{name}.docx")), "pdf", "pdf");
        let text = pdf_text(&pdf);
        assert!(
            text.contains("Faqe 2 nga"),
            "{name}: page numbers rendered by LibreOffice"
        );
        assert!(text.contains("Përmbajtja"), "{name}");
    }
}

/// Footnotes written as Word and pandoc write them (`[^1]`) become Word
/// footnotes: a reference run in the text, the note in word/footnotes.xml
/// (after the two separators Word expects, named in the settings), its web
/// link in that part's own relationships; LibreOffice prints them.
#[test]
fn footnotes_are_word_footnotes() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    copy_tree(&repo().join("inputs"), &inputs);
    std::fs::write(
        inputs.join("process/intro.md"),
        "# Hyrje\n\nRaporti mbështetet në anketën[^a] dhe në ligj[^b].\n\n\
         [^a]: INSTAT, *Anketa 2020*, [faqja](https://www.instat.gov.al).\n\
         [^b]: Ligji nr. 119/2014.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    let docx = out.join("1.0-draft/raporti-i-procesit.docx");
    let parts = unzip(&docx);
    let notes = xml(&parts, "word/footnotes.xml");
    let doc = Xml::parse(&notes).unwrap();
    let footnotes: Vec<(String, Option<String>, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "footnote")))
        .map(|n| {
            let text: String = n
                .descendants()
                .filter(|t| t.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect();
            (
                n.attribute((W, "id")).unwrap().to_string(),
                n.attribute((W, "type")).map(str::to_string),
                text.trim().to_string(),
            )
        })
        .collect();
    assert_eq!(
        footnotes,
        [
            ("-1".into(), Some("separator".into()), String::new()),
            (
                "0".into(),
                Some("continuationSeparator".into()),
                String::new()
            ),
            ("1".into(), None, "INSTAT, Anketa 2020, faqja.".into()),
            ("2".into(), None, "Ligji nr.\u{a0}119/2014.".into()),
        ]
    );
    let body = xml(&parts, "word/document.xml");
    let body = Xml::parse(&body).unwrap();
    let refs: Vec<&str> = body
        .descendants()
        .filter(|n| n.has_tag_name((W, "footnoteReference")))
        .map(|n| n.attribute((W, "id")).unwrap())
        .collect();
    assert_eq!(refs, ["1", "2"]);
    assert!(xml(&parts, "word/_rels/footnotes.xml.rels").contains("https://www.instat.gov.al"));
    assert!(xml(&parts, "word/_rels/document.xml.rels").contains("Target=\"footnotes.xml\""));
    assert!(xml(&parts, "[Content_Types].xml").contains("/word/footnotes.xml"));
    // Word reads settings in the schema's order: footnotePr after
    // updateFields, before compat.
    let settings = xml(&parts, "word/settings.xml");
    let at = |tag: &str| {
        settings
            .find(tag)
            .unwrap_or_else(|| panic!("{tag} in {settings}"))
    };
    assert!(at("<w:updateFields") < at("<w:footnotePr>"));
    assert!(at("<w:footnotePr>") < at("<w:compat>"));
    // LibreOffice reads them as footnotes: its PDF carries the notes' text.
    let pdf = soffice_convert(&docx, "pdf", "pdf");
    // The no-break space after "nr." reads as a space in extracted text.
    let text = pdf_text(&pdf).replace('\u{a0}', " ");
    assert!(
        text.contains("Raporti mbështetet në anketën1 dhe në ligj2."),
        "{text}"
    );
    assert!(text.contains("INSTAT, Anketa 2020, faqja."), "{text}");
    assert!(text.contains("Ligji nr. 119/2014."), "{text}");
    // nap's own PDF of the report: the citations raised in the text, the
    // notes at the foot of the same page, after its text.
    let ours = pdf_text(&out.join("1.0-draft/raporti-i-procesit.pdf")).replace('\u{a0}', " ");
    let page = ours
        .split("--- page")
        .find(|p| p.contains("Raporti mbështetet në anketën1 dhe në ligj2."))
        .unwrap_or_else(|| panic!("the citing line in nap's PDF:\n{ours}"));
    let cited = page.find("anketën1").unwrap();
    let (a, b) = (
        page.find("INSTAT, Anketa 2020, faqja.")
            .expect("note 1 on the page"),
        page.find("Ligji nr. 119/2014.")
            .expect("note 2 on the page"),
    );
    assert!(cited < a && a < b, "{page}");
    // The sample has none: no footnotes part at all.
    let sample = unzip(&built().join("raporti-i-procesit.docx"));
    assert!(!sample.contains_key("word/footnotes.xml"));
}
