//! The package as Word and LibreOffice read it: unzipped and parsed, then
//! checked for what a reviewer relies on (styles, TOC, repeated header
//! rows, page fields, language, tracked changes, figures, escaping).

mod common;

use common::{changed, heading, part, rich, span, unzip};
use nap_doc::*;
use roxmltree::{Document as Xml, Node};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn parse(text: &str) -> Xml<'_> {
    Xml::parse(text).unwrap_or_else(|e| panic!("not well-formed XML: {e}"))
}

fn all<'a, 'i>(xml: &'a Xml<'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    xml.descendants().filter(move |n| n.has_tag_name((W, name)))
}

fn wattr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name((W, name)))
}

/// The visible text of a paragraph (w:t only, so deletions are left out).
fn text_of(node: Node) -> String {
    node.descendants()
        .filter(|n| n.has_tag_name((W, "t")))
        .filter_map(|n| n.text())
        .collect()
}

fn style_of<'a>(p: Node<'a, '_>) -> Option<&'a str> {
    child(p, "pPr")
        .and_then(|ppr| child(ppr, "pStyle"))
        .and_then(|s| wattr(s, "val"))
}

fn instructions(xml: &Xml) -> Vec<String> {
    all(xml, "instrText")
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn package_has_every_part_with_a_fixed_time() {
    let bytes = nap_docx::docx(&rich());
    let names: Vec<String> = unzip(&bytes).into_keys().collect();
    for expected in [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "word/document.xml",
        "word/styles.xml",
        "word/numbering.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/_rels/document.xml.rels",
        "word/media/image1.png",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "missing {expected} in {names:?}"
        );
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    for i in 0..archive.len() {
        let file = archive.by_index(i).unwrap();
        let t = file.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (1980, 1, 1),
            "{}",
            file.name().unwrap()
        );
        if file.name().unwrap().ends_with(".xml") {
            assert_eq!(file.compression(), zip::CompressionMethod::Deflated);
        }
        // Every XML part is well-formed.
        drop(file);
    }
    for (name, data) in unzip(&bytes) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            parse(std::str::from_utf8(&data).unwrap());
        }
    }
}

#[test]
fn same_document_same_bytes_on_any_thread() {
    let doc = rich();
    let first = nap_docx::docx(&doc);
    assert_eq!(first, nap_docx::docx(&doc));
    let others: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| nap_docx::docx(&doc))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(others.iter().all(|o| *o == first));
    // A different document in between changes nothing (no global counters).
    nap_docx::docx(&nap_doc::sample());
    assert_eq!(first, nap_docx::docx(&doc));
}

#[test]
fn heading_styles_carry_outline_levels() {
    let bytes = nap_docx::docx(&rich());
    let styles = part(&bytes, "word/styles.xml");
    let xml = parse(&styles);
    for level in 1..=4u8 {
        let style = all(&xml, "style")
            .find(|s| wattr(*s, "styleId") == Some(&format!("Heading{level}")))
            .unwrap_or_else(|| panic!("no Heading{level}"));
        let name = child(style, "name").and_then(|n| wattr(n, "val"));
        assert_eq!(name, Some(format!("heading {level}").as_str()));
        let ppr = child(style, "pPr").unwrap();
        let outline = child(ppr, "outlineLvl").and_then(|o| wattr(o, "val"));
        assert_eq!(outline, Some((level - 1).to_string().as_str()));
        assert!(child(ppr, "keepNext").is_some());
    }
    for id in [
        "Normal",
        "Title",
        "Subtitle",
        "Caption",
        "Small",
        "DraftMark",
        "TOC1",
        "TOC2",
        "TOC3",
        "TableGrid",
        "Hyperlink",
        "Quote",
        "Code",
    ] {
        assert!(
            all(&xml, "style").any(|s| wattr(s, "styleId") == Some(id)),
            "no style {id}"
        );
    }
    // Language for proofing: the document default and the settings.
    let lang = all(&xml, "docDefaults")
        .flat_map(|d| d.descendants())
        .find(|n| n.has_tag_name((W, "lang")));
    assert_eq!(lang.and_then(|l| wattr(l, "val")), Some("sq-AL"));

    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let headings: Vec<(String, String)> = all(&xml, "p")
        .filter_map(|p| {
            style_of(p)
                .filter(|s| s.starts_with("Heading"))
                .map(|s| (s.to_string(), text_of(p)))
        })
        .collect();
    assert_eq!(
        headings,
        [
            ("Heading1", "Hyrje"),
            ("Heading2", "Angazhimi 1"),
            ("Heading2", "Ndryshimet e propozuara"),
            ("Heading3", "Një nën-nënkapitull"),
            ("Heading4", "Nivel katër pa numër"),
            ("Heading1", "Shkurtime"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn numbered_headings_use_the_outline_list_and_others_do_not() {
    let bytes = nap_docx::docx(&rich());
    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let numbering = part(&bytes, "word/numbering.xml");
    let num_xml = parse(&numbering);
    for p in all(&xml, "p").filter(|p| style_of(*p).is_some_and(|s| s.starts_with("Heading"))) {
        let num = child(child(p, "pPr").unwrap(), "numPr");
        let text = text_of(p);
        let numbered = !matches!(text.as_str(), "Nivel katër pa numër" | "Shkurtime");
        assert_eq!(num.is_some(), numbered, "{text}");
        if let Some(num) = num {
            let id = wattr(child(num, "numId").unwrap(), "val").unwrap();
            // The instance's abstract numbering has "%1.%2." style levels.
            let abstract_id = all(&num_xml, "num")
                .find(|n| wattr(*n, "numId") == Some(id))
                .and_then(|n| child(n, "abstractNumId"))
                .and_then(|a| wattr(a, "val"))
                .unwrap();
            let level2 = all(&num_xml, "abstractNum")
                .find(|a| wattr(*a, "abstractNumId") == Some(abstract_id))
                .and_then(|a| a.children().find(|l| wattr(*l, "ilvl") == Some("1")))
                .and_then(|l| child(l, "lvlText"))
                .and_then(|t| wattr(t, "val"));
            assert_eq!(level2, Some("%1.%2."));
        }
    }
}

#[test]
fn toc_is_a_field_prefilled_with_the_following_headings() {
    let bytes = nap_docx::docx(&rich());
    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let instr = instructions(&xml);
    assert!(
        instr.contains(&r#"TOC \o "1-2" \h \z \u"#.to_string()),
        "{instr:?}"
    );
    let entries: Vec<(String, String)> = all(&xml, "p")
        .filter_map(|p| {
            style_of(p)
                .filter(|s| s.starts_with("TOC") && *s != "TOCHeading")
                .map(|s| (s.to_string(), text_of(p)))
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    // Depth 2: the level-3 and level-4 headings are not listed. The cached
    // page numbers are estimates; for this document they are the pages
    // LibreOffice 7.4 puts the headings on.
    assert_eq!(
        entries,
        [
            ("TOC1", "1. Hyrje2"),
            ("TOC2", "1.1. Angazhimi 12"),
            ("TOC2", "1.2. Ndryshimet e propozuara3"),
            ("TOC1", "Shkurtime5"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // Each entry links to, and takes its page from, a bookmark that exists.
    let bookmarks: Vec<&str> = all(&xml, "bookmarkStart")
        .filter_map(|b| wattr(b, "name"))
        .collect();
    let pagerefs: Vec<String> = instr
        .iter()
        .filter(|i| i.starts_with("PAGEREF"))
        .cloned()
        .collect();
    assert_eq!(pagerefs.len(), 4);
    for r in &pagerefs {
        let target = r.split_whitespace().nth(1).unwrap();
        assert!(bookmarks.contains(&target), "{target} not in {bookmarks:?}");
    }
    let title = all(&xml, "p")
        .find(|p| style_of(*p) == Some("TOCHeading"))
        .map(text_of);
    assert_eq!(title.as_deref(), Some("Përmbajtja"));
    // The field is closed: as many ends as begins.
    let kinds: Vec<&str> = all(&xml, "fldChar")
        .filter_map(|f| wattr(f, "fldCharType"))
        .collect();
    let count = |k| kinds.iter().filter(|x| **x == k).count();
    assert_eq!(count("begin"), count("end"));
    assert_eq!(count("begin"), 5);

    let settings = part(&bytes, "word/settings.xml");
    let settings = parse(&settings);
    assert_eq!(
        all(&settings, "updateFields")
            .next()
            .and_then(|u| wattr(u, "val")),
        Some("true")
    );
    assert_eq!(
        all(&settings, "themeFontLang")
            .next()
            .and_then(|u| wattr(u, "val")),
        Some("sq-AL")
    );
}

#[test]
fn tables_repeat_header_rows_and_never_split_rows() {
    let bytes = nap_docx::docx(&rich());
    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let rows: Vec<Node> = all(&xml, "tr").collect();
    // sample: 1 + 2 rows; rich: 1 header + 1 spanning + 60 rows.
    assert_eq!(rows.len(), 3 + 62);
    assert!(rows
        .iter()
        .all(|r| child(child(*r, "trPr").unwrap(), "cantSplit").is_some()));
    let header_rows: Vec<String> = rows
        .iter()
        .filter(|r| child(child(**r, "trPr").unwrap(), "tblHeader").is_some())
        .map(|r| text_of(*r))
        .collect();
    assert_eq!(
        header_rows,
        ["RezultatiFillimiPërfundimi", "Nr.AktivitetiAfati"]
    );
    // The colspan cell spans two grid columns; widths follow `columns`.
    let span = all(&xml, "gridSpan").next().and_then(|g| wattr(g, "val"));
    assert_eq!(span, Some("2"));
    let grids: Vec<Vec<u32>> = all(&xml, "tblGrid")
        .map(|g| {
            g.children()
                .filter_map(|c| wattr(c, "w"))
                .map(|w| w.parse().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(grids[0], [2722, 6350]);
    assert_eq!(grids[2], [907, 5897, 2268]);
    // Label column: first cell shaded and bold.
    let label = all(&xml, "tc").next().unwrap();
    assert!(label.descendants().any(|n| n.has_tag_name((W, "shd"))));
    assert!(label.descendants().any(|n| n.has_tag_name((W, "b"))));
    assert_eq!(all(&xml, "tblBorders").count(), 3);
}

#[test]
fn header_and_footer_carry_title_draft_and_page_fields() {
    let bytes = nap_docx::docx(&rich());
    let footer = part(&bytes, "word/footer1.xml");
    let xml = parse(&footer);
    assert_eq!(instructions(&xml), ["PAGE", "NUMPAGES"]);
    let text: Vec<String> = all(&xml, "p").map(text_of).collect();
    assert_eq!(text, ["Sekretariati Teknik i PQH", "Faqe 1 nga 1"]);
    let header = part(&bytes, "word/header1.xml");
    let text: String = all(&parse(&header), "p").map(text_of).collect();
    assert_eq!(text, "Plani i Veprimit OGP 2020–2022DRAFT");
    // The title page: no running title, no page number, the draft mark.
    let first = part(&bytes, "word/header2.xml");
    assert_eq!(
        all(&parse(&first), "p").map(text_of).collect::<String>(),
        "DRAFT"
    );
    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let sect = all(&xml, "sectPr").next().unwrap();
    assert!(child(sect, "titlePg").is_some());
    let size = child(sect, "pgSz").unwrap();
    assert_eq!(
        (wattr(size, "w"), wattr(size, "h")),
        (Some("11906"), Some("16838"))
    );
    let refs: Vec<(&str, &str)> = sect
        .children()
        .filter(|n| {
            n.has_tag_name((W, "headerReference")) || n.has_tag_name((W, "footerReference"))
        })
        .map(|n| (wattr(n, "type").unwrap(), n.attribute((R, "id")).unwrap()))
        .collect();
    assert_eq!(refs.len(), 4);
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    for (_, id) in refs {
        assert!(rels.contains(&format!("Id=\"{id}\"")));
    }

    // Without a draft mark there is no marking anywhere.
    let mut final_doc = rich();
    final_doc.meta.draft_mark = None;
    final_doc.blocks.retain(|b| {
        !matches!(
            b,
            Block::Paragraph {
                style: ParaStyle::DraftMark,
                ..
            }
        )
    });
    let bytes = nap_docx::docx(&final_doc);
    for name in [
        "word/header1.xml",
        "word/header2.xml",
        "word/document.xml",
        "docProps/core.xml",
    ] {
        assert!(!part(&bytes, name).contains("DRAFT"), "{name}");
    }
}

#[test]
fn core_properties_come_from_meta_never_the_clock() {
    let doc = rich();
    let bytes = nap_docx::docx(&doc);
    let core = part(&bytes, "docProps/core.xml");
    let xml = parse(&core);
    let get = |local: &str| {
        xml.descendants()
            .find(|n| n.tag_name().name() == local)
            .and_then(|n| n.text())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        get("title"),
        "Plani Kombëtar i Veprimit për Shqipërinë 2020–2022"
    );
    assert_eq!(get("subject"), "Partneriteti për Qeverisje të Hapur");
    assert_eq!(get("creator"), "Sekretariati Teknik (POC)");
    assert_eq!(get("keywords"), "OGP, PQH, plan veprimi");
    assert_eq!(get("language"), "sq-AL");
    assert_eq!(get("created"), "2020-11-15T00:00:00Z");
    assert_eq!(get("modified"), "2020-11-15T00:00:00Z");
    assert!(part(&bytes, "docProps/custom.xml").contains("15 nëntor 2020"));
    let mut later = doc.clone();
    later.meta.timestamp += 86_400;
    assert!(part(&nap_docx::docx(&later), "docProps/core.xml").contains("2020-11-16T00:00:00Z"));
}

#[test]
fn tracked_changes_carry_author_date_and_unique_ids() {
    let bytes = nap_docx::docx(&rich());
    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let ins: Vec<Node> = all(&xml, "ins").collect();
    let del: Vec<Node> = all(&xml, "del").collect();
    assert_eq!(ins.len(), 1);
    assert_eq!(del.len(), 1);
    for change in ins.iter().chain(&del) {
        assert_eq!(wattr(*change, "author"), Some("nap"));
        assert_eq!(wattr(*change, "date"), Some("2020-11-15T00:00:00Z"));
    }
    assert_eq!(text_of(ins[0]), "qershor 2022");
    let deleted: String = del[0]
        .descendants()
        .filter(|n| n.has_tag_name((W, "delText")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(deleted, "dhjetor 2021");
    assert!(!del[0].descendants().any(|n| n.has_tag_name((W, "t"))));
    let mut ids: Vec<&str> = all(&xml, "ins")
        .chain(all(&xml, "del"))
        .chain(all(&xml, "bookmarkStart"))
        .filter_map(|n| wattr(n, "id"))
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "annotation ids must be unique");
}

#[test]
fn figure_is_an_inline_png_with_alt_text_size_and_caption() {
    let doc = rich();
    let bytes = nap_docx::docx(&doc);
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    let wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
    let extent = xml
        .descendants()
        .find(|n| n.has_tag_name((wp, "extent")))
        .unwrap();
    // 160 mm × 80 mm in EMU.
    assert_eq!(extent.attribute("cx"), Some("5760000"));
    assert_eq!(extent.attribute("cy"), Some("2880000"));
    let doc_pr = xml
        .descendants()
        .find(|n| n.has_tag_name((wp, "docPr")))
        .unwrap();
    assert_eq!(
        doc_pr.attribute("descr"),
        Some("Fazat e procesit, qershor–dhjetor 2020")
    );
    assert_eq!(doc_pr.attribute("id"), Some("1"));
    let blip = xml
        .descendants()
        .find(|n| n.tag_name().name() == "blip")
        .unwrap();
    let rid = blip.attribute((R, "embed")).unwrap();
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    assert!(
        rels.contains(&format!(
            "Id=\"{rid}\" Type=\"{R}/image\" Target=\"media/image1.png\""
        )),
        "{rels}"
    );
    let Block::Figure(figure) = doc
        .blocks
        .iter()
        .find(|b| matches!(b, Block::Figure(_)))
        .unwrap()
    else {
        unreachable!()
    };
    // The picture is the figure's SVG rasterised at print resolution.
    assert_eq!(
        unzip(&bytes)["word/media/image1.png"],
        nap_figures::rasterize(&figure.svg, figure.width_mm, nap_figures::DPI)
    );
    // The caption follows the picture, bookmarked for `#figura-1` links.
    let paragraphs: Vec<Node> = all(&xml, "p").collect();
    let at = paragraphs
        .iter()
        .position(|p| p.descendants().any(|n| n.has_tag_name((W, "drawing"))))
        .unwrap();
    assert_eq!(style_of(paragraphs[at + 1]), Some("Caption"));
    assert_eq!(
        text_of(paragraphs[at + 1]),
        "Figura 1: Fazat primare të procesit"
    );
    assert!(paragraphs[at + 1]
        .descendants()
        .any(|n| wattr(n, "name") == Some("figura_1")));
    assert!(all(&xml, "hyperlink").any(|h| wattr(h, "anchor") == Some("figura_1")));
}

#[test]
fn figures_are_numbered_by_position_and_fit_the_text_width() {
    let fig = |id: &str, w: f32, h: f32, svg: String| {
        Block::Figure(Figure {
            id: id.into(),
            svg: svg.into(),
            width_mm: w,
            height_mm: h,
            alt: format!("alt {id}"),
            caption: vec![],
        })
    };
    let doc = Document {
        meta: sample().meta,
        blocks: vec![
            fig("a", 300.0, 150.0, common::svg(20, 10)),
            fig("b", f32::NAN, 0.0, common::svg(40, 10)),
            fig("c", 50.0, 50.0, "<svg".into()),
            // Taller than the PDF layout shows a figure: scaled to the same
            // height, nap_doc::MAX_FIGURE_HEIGHT_MM (222 mm).
            fig("d", 100.0, 300.0, common::svg(10, 30)),
        ],
    };
    let bytes = nap_docx::docx(&doc);
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    let extents: Vec<(i64, i64)> = xml
        .descendants()
        .filter(|n| n.tag_name().name() == "extent")
        .map(|n| {
            (
                n.attribute("cx").unwrap().parse().unwrap(),
                n.attribute("cy").unwrap().parse().unwrap(),
            )
        })
        .collect();
    // Too wide: scaled to the 16 cm text width, aspect kept. No size: the
    // text width and the PNG's aspect. An unreadable SVG: no picture at all.
    assert_eq!(
        extents,
        [
            (5_760_720, 2_880_360),
            (5_760_720, 1_440_180),
            (2_664_000, 7_992_000)
        ]
    );
    let names: Vec<String> = unzip(&bytes)
        .into_keys()
        .filter(|n| n.starts_with("word/media/"))
        .collect();
    assert_eq!(
        names,
        [
            "word/media/image1.png",
            "word/media/image2.png",
            "word/media/image3.png"
        ]
    );
    let ids: Vec<&str> = xml
        .descendants()
        .filter(|n| n.tag_name().name() == "docPr")
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert!(xml_text.contains("[alt c]"));
}

#[test]
fn lists_are_word_lists_restarting_at_their_start() {
    let bytes = nap_docx::docx(&rich());
    let numbering = part(&bytes, "word/numbering.xml");
    let num_xml = parse(&numbering);
    let doc = part(&bytes, "word/document.xml");
    let xml = parse(&doc);
    let numbered: Vec<(String, String, String)> = all(&xml, "p")
        .filter(|p| style_of(*p) == Some("ListParagraph"))
        .filter_map(|p| {
            let num = child(child(p, "pPr")?, "numPr")?;
            Some((
                wattr(child(num, "numId")?, "val")?.to_string(),
                wattr(child(num, "ilvl")?, "val")?.to_string(),
                text_of(p),
            ))
        })
        .collect();
    let texts: Vec<&str> = numbered.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Përgatitjet",
            "Konsultimet",
            "Hapi i tretë",
            "Hapi i katërt, me nënpika:",
            "nënpika a",
            "nënpika b",
            "Hapi i pestë",
            "Listë e re nga një",
            "dy"
        ]
    );
    let format_of = |num_id: &str, ilvl: &str| {
        let abstract_id = all(&num_xml, "num")
            .find(|n| wattr(*n, "numId") == Some(num_id))
            .and_then(|n| child(n, "abstractNumId"))
            .and_then(|a| wattr(a, "val"))
            .unwrap();
        let lvl = all(&num_xml, "abstractNum")
            .find(|a| wattr(*a, "abstractNumId") == Some(abstract_id))
            .and_then(|a| a.children().find(|l| wattr(*l, "ilvl") == Some(ilvl)))
            .unwrap();
        wattr(child(lvl, "numFmt").unwrap(), "val")
            .unwrap()
            .to_string()
    };
    let start_of = |num_id: &str| {
        all(&num_xml, "num")
            .find(|n| wattr(*n, "numId") == Some(num_id))
            .and_then(|n| {
                n.descendants()
                    .find(|d| d.has_tag_name((W, "startOverride")))
            })
            .and_then(|s| wattr(s, "val"))
            .map(str::to_string)
    };
    let (bullet, _, _) = &numbered[0];
    assert_eq!(format_of(bullet, "0"), "bullet");
    let (first_ordered, lvl, _) = &numbered[2];
    assert_eq!(
        (format_of(first_ordered, lvl), start_of(first_ordered)),
        ("decimal".into(), Some("3".into()))
    );
    let (nested, nested_lvl, _) = &numbered[4];
    assert_eq!(
        (format_of(nested, nested_lvl), nested_lvl.as_str()),
        ("bullet".into(), "1")
    );
    let (second_ordered, _, _) = &numbered[7];
    assert_ne!(second_ordered, first_ordered);
    assert_eq!(start_of(second_ordered), Some("1".into()));
    // No numbering instance uses id 1 (see issue 3: bullets drawn as "1.").
    assert!(all(&num_xml, "num").all(|n| wattr(n, "numId").unwrap().parse::<u32>().unwrap() >= 2));
}

#[test]
fn links_internal_external_and_refused() {
    let mut doc = rich();
    doc.blocks.push(Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Left,
        content: vec![
            span("keq", |s| s.link = Some("javascript:alert(1)".into())),
            span(" askund", |s| s.link = Some("#nuk-ekziston".into())),
            span(" postë", |s| {
                s.link = Some("mailto:info@ogp.gov.al".into())
            }),
        ],
    });
    let bytes = nap_docx::docx(&doc);
    let rels = part(&bytes, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"https://ogp.gov.al\" TargetMode=\"External\""));
    assert!(rels.contains("Target=\"mailto:info@ogp.gov.al\" TargetMode=\"External\""));
    assert!(!rels.contains("javascript"));
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    let links: Vec<(Option<&str>, bool, String)> = all(&xml, "hyperlink")
        .filter(|h| {
            !h.ancestors()
                .any(|a| style_of(a).is_some_and(|s| s.starts_with("TOC")))
        })
        .map(|h| {
            (
                wattr(h, "anchor"),
                h.attribute((R, "id")).is_some(),
                text_of(h),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (None, true, "ogp.gov.al".to_string()),
            (Some("hyrje"), false, "hyrjes".to_string()),
            (Some("figura_1"), false, "Figurës 1".to_string()),
            (None, true, " postë".to_string()),
        ]
    );
    assert!(xml_text.contains(">keq<") && xml_text.contains("> askund<"));
}

/// Text that looks like markup, in every place the document's strings go.
#[test]
fn hostile_text_comes_out_literally() {
    let hostile = "]]> <w:t>x</w:t> </w:p> & \"q\" 'a' <!-- --> \u{1}\u{8}\u{ffff}ç";
    let clean = "]]> <w:t>x</w:t> </w:p> & \"q\" 'a' <!-- --> ç";
    let mut doc = rich();
    doc.meta.title = hostile.into();
    doc.meta.header = hostile.into();
    doc.meta.footer = hostile.into();
    doc.meta.author = hostile.into();
    doc.meta.revision_author = hostile.into();
    doc.meta.keywords = vec![hostile.into()];
    doc.meta.draft_mark = Some(hostile.into());
    doc.meta.date = hostile.into();
    doc.meta.language = "sq-AL\"><x".into();
    doc.blocks.push(Block::Heading {
        level: 2,
        id: hostile.into(),
        numbered: true,
        content: vec![Inline::plain(hostile)],
    });
    doc.blocks.push(Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Left,
        content: vec![
            Inline::plain(hostile),
            span(hostile, |s| {
                s.link = Some(format!("https://x.al/{hostile}"))
            }),
            span(hostile, |s| s.revision = Some(Revision::Inserted)),
            span(hostile, |s| s.code = true),
        ],
    });
    doc.blocks.push(Block::Preformatted(vec![hostile.into()]));
    doc.blocks.push(Block::Toc {
        title: hostile.into(),
        depth: 3,
    });
    doc.blocks.push(Block::Figure(Figure {
        id: hostile.into(),
        svg: common::svg(4, 4).into(),
        width_mm: 10.0,
        height_mm: 10.0,
        alt: hostile.into(),
        caption: vec![Inline::plain(hostile)],
    }));
    let bytes = nap_docx::docx(&doc);
    for (name, data) in unzip(&bytes) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = std::str::from_utf8(&data).unwrap();
            parse(text);
        }
    }
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    let runs: Vec<String> = all(&xml, "p").map(text_of).collect();
    // Heading, its entry in the first TOC, paragraph, preformatted line, the
    // second TOC's title, caption.
    assert_eq!(
        runs.iter().filter(|t| t.contains(clean)).count(),
        6,
        "{runs:?}"
    );
    let descr = xml
        .descendants()
        .rfind(|n| n.tag_name().name() == "docPr")
        .and_then(|n| n.attribute("descr"));
    assert_eq!(descr, Some(clean));
    let header = part(&bytes, "word/header1.xml");
    assert_eq!(
        all(&parse(&header), "p").map(text_of).collect::<String>(),
        format!("{clean}{clean}")
    );
    let core = part(&bytes, "docProps/core.xml");
    let core = parse(&core);
    let title = core
        .descendants()
        .find(|n| n.tag_name().name() == "title")
        .and_then(|n| n.text());
    assert_eq!(title, Some(clean));
    let author = all(&xml, "ins").next().and_then(|n| wattr(n, "author"));
    assert_eq!(author, Some(clean));
    // Every bookmark name is one Word accepts.
    for name in all(&xml, "bookmarkStart").filter_map(|b| wattr(b, "name")) {
        assert!(
            name.len() <= 40 && name.starts_with(|c: char| c.is_ascii_alphabetic()),
            "{name}"
        );
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{name}"
        );
    }
}

/// Thousands of nested quotes and lists: written without recursion, on a
/// thread with a small stack, with indentation capped.
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 2_000;
    let mut quote = Block::para("në fund të citimeve");
    let mut list = Block::para("në fund të listave");
    for i in 0..depth {
        quote = Block::Quote(vec![Block::para(format!("citim {i}")), quote]);
        list = Block::List(List {
            ordered: i % 2 == 0,
            start: 1,
            items: vec![vec![Block::para(format!("pikë {i}")), list]],
        });
    }
    let mut doc = Document {
        meta: sample().meta,
        blocks: vec![quote, list],
    };
    doc.blocks.push(heading(1, "fund", false, "Fund"));
    let bytes = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn_scoped(s, || nap_docx::docx(&doc))
            .unwrap()
            .join()
            .expect("writer overflowed a 256 KiB stack")
    });
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    let texts: Vec<String> = all(&xml, "p").map(text_of).collect();
    assert!(texts.contains(&"në fund të citimeve".to_string()));
    assert!(texts.contains(&"në fund të listave".to_string()));
    let max_indent = all(&xml, "ind")
        .filter_map(|i| wattr(i, "left"))
        .map(|l| l.parse::<u32>().unwrap())
        .max()
        .unwrap();
    assert!(max_indent <= 4_536, "indent {max_indent}");
    let max_ilvl = all(&xml, "ilvl")
        .filter_map(|i| wattr(i, "val"))
        .map(|l| l.parse::<u32>().unwrap())
        .max()
        .unwrap();
    assert_eq!(max_ilvl, 8);
    // Dropping a 2,000-deep tree recurses: not the writer's business.
    std::mem::forget(doc);
}

#[test]
fn empty_and_degenerate_blocks_still_make_valid_tables() {
    let doc = Document {
        meta: Meta::default(),
        blocks: vec![
            Block::Table(Table {
                columns: vec![],
                header_rows: 5,
                rows: vec![],
                label_column: true,
            }),
            Block::Table(Table {
                columns: vec![None, Some(-1.0)],
                header_rows: 9,
                rows: vec![
                    Row { cells: vec![] },
                    Row {
                        cells: vec![
                            Cell {
                                blocks: vec![],
                                colspan: 0,
                            },
                            Cell {
                                blocks: vec![Block::Quote(vec![])],
                                colspan: 1,
                            },
                        ],
                    },
                    Row {
                        cells: vec![Cell {
                            blocks: vec![Block::Table(Table {
                                columns: vec![Some(1.0)],
                                header_rows: 0,
                                rows: vec![Row {
                                    cells: vec![Cell {
                                        blocks: vec![Block::para("brenda")],
                                        colspan: 1,
                                    }],
                                }],
                                label_column: false,
                            })],
                            colspan: 2,
                        }],
                    },
                ],
                label_column: false,
            }),
            Block::Toc {
                title: String::new(),
                depth: 0,
            },
            Block::List(List {
                ordered: true,
                start: 0,
                items: vec![vec![], vec![Block::Rule]],
            }),
        ],
    };
    let bytes = nap_docx::docx(&doc);
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    // Every cell ends with a paragraph, as Word requires.
    for tc in all(&xml, "tc") {
        let last = tc.children().rfind(|n| n.is_element()).unwrap();
        assert!(
            last.has_tag_name((W, "p")),
            "cell ends with {:?}",
            last.tag_name()
        );
    }
    assert_eq!(all(&xml, "tbl").count(), 2);
    assert!(instructions(&xml).contains(&r#"TOC \o "1-1" \h \z \u"#.to_string()));
    // Defaults for empty properties.
    let footer = part(&bytes, "word/footer1.xml");
    assert_eq!(
        all(&parse(&footer), "p").map(text_of).collect::<String>(),
        "Faqe 1 nga 1"
    );
    assert!(part(&bytes, "word/styles.xml").contains("w:lang w:val=\"sq-AL\""));
}

#[test]
fn a_hundredfold_plan_is_written_quickly() {
    let one = rich();
    let mut blocks = Vec::new();
    for i in 0..100 {
        for b in &one.blocks {
            let b = match b {
                Block::Heading {
                    level,
                    id,
                    numbered,
                    content,
                } => Block::Heading {
                    level: *level,
                    id: format!("{id}-{i}"),
                    numbered: *numbered,
                    content: content.clone(),
                },
                other => other.clone(),
            };
            blocks.push(b);
        }
    }
    let doc = Document {
        meta: one.meta.clone(),
        blocks,
    };
    let start = std::time::Instant::now();
    let bytes = nap_docx::docx(&doc);
    let took = start.elapsed();
    let xml_text = part(&bytes, "word/document.xml");
    let paragraphs = xml_text.matches("<w:p>").count();
    assert!(paragraphs > 10_000, "{paragraphs}");
    eprintln!(
        "100× plan: {paragraphs} paragraphs, {} bytes, in {took:?}",
        bytes.len()
    );
    // Generous for an unoptimised test build; a release build takes a
    // fraction of this.
    assert!(took.as_secs_f64() < 3.0, "took {took:?}");
}

/// A paragraph added or removed as a whole (a new milestone, a dropped
/// sentence) has its paragraph mark tracked, so accepting or rejecting
/// leaves no empty paragraph behind.
#[test]
fn whole_paragraph_changes_track_the_paragraph_mark() {
    let doc = Document {
        meta: sample().meta,
        blocks: vec![
            changed("Paragraf i ri.", Revision::Inserted),
            changed("Paragraf i hequr.", Revision::Deleted),
            Block::Paragraph {
                style: ParaStyle::Normal,
                align: Align::Left,
                content: vec![
                    Inline::plain("Pjesërisht "),
                    span("ndryshuar", |s| s.revision = Some(Revision::Inserted)),
                ],
            },
        ],
    };
    let bytes = nap_docx::docx(&doc);
    let xml_text = part(&bytes, "word/document.xml");
    let xml = parse(&xml_text);
    let marks: Vec<(String, &str, &str)> = all(&xml, "p")
        .filter_map(|p| {
            let change = child(child(child(p, "pPr")?, "rPr")?, "ins")
                .or_else(|| child(child(child(p, "pPr").unwrap(), "rPr").unwrap(), "del"))?;
            Some((
                change.tag_name().name().to_string(),
                wattr(change, "author")?,
                wattr(change, "date")?,
            ))
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("ins".to_string(), "nap", "2020-11-15T00:00:00Z"),
            ("del".to_string(), "nap", "2020-11-15T00:00:00Z"),
        ]
    );
}

/// A Markdown table (no declared widths) of a name column and `quarters`
/// columns of seven-digit amounts, its cells justified as body text is.
fn budget(quarters: usize) -> Table {
    let cell = |t: &str| Cell {
        blocks: vec![Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Justify,
            content: vec![Inline::plain(t)],
        }],
        colspan: 1,
    };
    let mut head = vec![cell("Institucioni")];
    head.extend((0..quarters).map(|q| cell(&format!("T{} {}", q % 4 + 1, 2019 + q / 4))));
    let mut body = vec![cell("Ministria e Financave dhe Ekonomisë")];
    body.extend((0..quarters).map(|q| cell(&format!("1.{:03}.567", 234 + q))));
    Table {
        columns: vec![None; quarters + 1],
        header_rows: 1,
        rows: vec![Row { cells: head }, Row { cells: body }],
        label_column: false,
    }
}

#[test]
fn tables_without_widths_take_the_pdf_layouts_columns_and_wide_ones_are_compact() {
    let mut doc = nap_doc::sample();
    doc.blocks = vec![Block::Table(budget(5)), Block::Table(budget(9))];
    let bytes = nap_docx::docx(&doc);
    let document = part(&bytes, "word/document.xml");
    let xml = parse(&document);
    let tables: Vec<Node> = all(&xml, "tbl").collect();
    assert_eq!(tables.len(), 2);
    for (t, table) in tables.iter().zip([budget(5), budget(9)]) {
        let grid: Vec<f32> = t
            .descendants()
            .filter(|n| n.has_tag_name((W, "gridCol")))
            .filter_map(|g| wattr(g, "w"))
            .map(|w| w.parse().unwrap())
            .collect();
        // The PDF layout's proportions (not equal columns: the names get
        // more room than the amounts), filling the text width.
        let points = nap_layout::ColumnSizer::new().widths(&table, grid.iter().sum::<f32>() / 20.0);
        assert_eq!(grid.len(), points.len());
        for (g, p) in grid.iter().zip(&points) {
            assert!((g / 20.0 - p).abs() <= 0.1, "{grid:?} against {points:?}");
        }
        assert!(grid[0] > 1.3 * grid[1], "{grid:?}");
        // Cells are ragged, as in the PDF: justified text in narrow
        // columns makes rivers.
        assert!(!t
            .descendants()
            .any(|n| n.has_tag_name((W, "jc")) && wattr(n, "val") == Some("both")));
    }
    // More than eight columns: compact type and margins.
    let style = |t: &Node| -> Vec<String> {
        t.descendants()
            .filter(|n| n.has_tag_name((W, "p")))
            .filter_map(|p| style_of(p).map(str::to_string))
            .collect()
    };
    assert!(style(&tables[0]).iter().all(|s| s == "TableText"));
    assert!(style(&tables[1]).iter().all(|s| s == "TableTextCompact"));
    let margin = |t: &Node| {
        t.descendants()
            .find(|n| n.has_tag_name((W, "tblCellMar")))
            .and_then(|m| child(m, "left"))
            .and_then(|l| wattr(l, "w"))
            .map(str::to_string)
    };
    assert_eq!(margin(&tables[0]).as_deref(), Some("90"));
    assert_eq!(margin(&tables[1]).as_deref(), Some("60"));
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains("w:styleId=\"TableTextCompact\""));
}

#[test]
fn a_caption_above_a_table_keeps_with_it_and_others_do_not() {
    let caption = |t: &str| Block::Paragraph {
        style: ParaStyle::Caption,
        align: Align::Left,
        content: vec![Inline::plain(t)],
    };
    let mut doc = nap_doc::sample();
    doc.blocks = vec![
        caption("Tabela 1: mbi tabelën"),
        Block::Table(budget(2)),
        caption("Shënim pa tabelë"),
        Block::para("Teksti vijon."),
    ];
    let bytes = nap_docx::docx(&doc);
    let document = part(&bytes, "word/document.xml");
    let xml = parse(&document);
    let kept: Vec<(String, bool)> = all(&xml, "p")
        .filter(|p| style_of(*p) == Some("Caption"))
        .map(|p| {
            let keep = child(child(p, "pPr").unwrap(), "keepNext").is_some();
            (text_of(p), keep)
        })
        .collect();
    assert_eq!(
        kept,
        [
            ("Tabela 1: mbi tabelën".to_string(), true),
            ("Shënim pa tabelë".to_string(), false)
        ]
    );
}
