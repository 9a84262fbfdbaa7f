//! The PDF as readers and tools see it (poppler-utils, qpdf).

use nap_layout::fixtures::stress;
use nap_pdf::{pdf, render, PdfOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether `tool` can run. Missing tools skip a test only outside CI.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok && std::env::var_os("CI").is_some() {
        panic!("{tool} is required in CI");
    }
    ok
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success() || tool == "qpdf" && out.status.code() == Some(3),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(path: &Path, page: Option<usize>) -> String {
    let p = path.to_str().unwrap();
    match page {
        Some(n) => {
            let n = n.to_string();
            run("pdftotext", &["-f", &n, "-l", &n, p, "-"])
        }
        None => run("pdftotext", &[p, "-"]),
    }
}

#[test]
fn qpdf_finds_no_errors() {
    if !have("qpdf") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, doc, pdfa) in [
        ("sample.pdf", nap_doc::sample(), false),
        ("stress.pdf", stress(2), false),
        ("stress-a.pdf", stress(1), true),
    ] {
        let bytes = pdf(&doc, &PdfOptions { pdfa }).unwrap();
        let path = write(dir.path(), name, &bytes);
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}: {stdout}");
        assert!(
            stdout.contains("No syntax or stream encoding errors"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn text_extracts_with_albanian_letters_in_reading_order() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "s.pdf",
        &pdf(&nap_doc::sample(), &PdfOptions::default()).unwrap(),
    );
    let t = text(&path, None);
    assert!(
        t.contains(
            "Transparenca dhe llogaridhënia janë çështje kyçe për qeverisjen; shih ogp.gov.al."
        ),
        "{t}"
    );
    let order = [
        "Plani Kombëtar i Veprimit për",
        "Përmbajtja",
        "1. Hyrje",
        "Transparenca",
        "Përgatitjet",
        "Konsultimet",
        "1.1. Angazhimi 1",
        "Objektivi",
        "Plane integriteti në të gjitha ministritë",
        "Rezultati",
        "Miratimi i metodologjisë",
        "Një koment i citaur.",
        "kod",
        "Figura 1: Fazat",
        "Faqe 2 nga 2",
    ];
    let mut at = 0;
    for w in order {
        let i = t[at..]
            .find(w)
            .unwrap_or_else(|| panic!("{w:?} missing or out of order in:\n{t}"));
        at += i + w.len();
    }
    // The watermark is drawn as outlines: it never gets into the text.
    let body = text(&path, Some(1));
    assert_eq!(
        body.matches("DRAFT").count(),
        1,
        "only the title page's own DRAFT line: {body}"
    );
}

#[test]
fn fonts_are_embedded_subsets() {
    if !have("pdffonts") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "s.pdf",
        &pdf(&stress(1), &PdfOptions::default()).unwrap(),
    );
    let out = run("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(rows.len() >= 4, "{out}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(
            cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
            "subset tag: {row}"
        );
        assert!(cols[0].contains("Noto"), "only the Noto faces: {row}");
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb sub uni: {row}"
        );
    }
}

#[test]
fn the_pdf_is_tagged_with_language_and_metadata() {
    if !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = nap_doc::sample();
    let path = write(
        dir.path(),
        "s.pdf",
        &pdf(&doc, &PdfOptions::default()).unwrap(),
    );
    let p = path.to_str().unwrap();
    let info = run("pdfinfo", &[p]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains(&format!("Title:           {}", doc.meta.title)),
        "{info}"
    );
    assert!(
        info.contains("Author:          Sekretariati Teknik (POC)"),
        "{info}"
    );
    assert!(
        info.contains("Subject:         Partneriteti për Qeverisje të Hapur"),
        "{info}"
    );
    assert!(info.contains("Pages:           2"), "{info}");
    // The date comes from meta.timestamp (2020-11-15), not the clock.
    assert!(info.contains("2020"), "{info}");
    let st = run("pdfinfo", &["-struct", p]);
    for tag in [
        "H1",
        "H2",
        "P",
        "L",
        "LI",
        "Table",
        "TR",
        "TH",
        "TD",
        "BlockQuote",
        "TOC",
        "TOCI",
        "Caption",
    ] {
        assert!(
            st.lines()
                .any(|l| l.split_whitespace().next().map(|t| t.trim_end_matches(':')) == Some(tag)),
            "{tag} missing in structure:\n{st}"
        );
    }
}

#[test]
fn figures_are_vectors_with_alt_text_and_selectable_text() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = stress(1);
    let r = render(&doc, &PdfOptions::default()).unwrap();
    let path = write(dir.path(), "f.pdf", &r.bytes);
    let t = text(&path, None);
    for label in [
        "Përgatitjet",
        "Konsultimet",
        "Miratimi",
        "Figura 1: Fazat e procesit",
    ] {
        assert!(t.contains(label), "{label} not selectable:\n{t}");
    }
    let images = run("pdfimages", &["-list", path.to_str().unwrap()]);
    assert_eq!(
        images.lines().count(),
        2,
        "no raster images, only the header lines: {images}"
    );
    let st = run("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
    assert!(st.contains("Figure"), "{st}");
}

#[test]
fn toc_numbers_match_the_pages_pdftotext_finds_the_headings_on() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = stress(3);
    let paged = nap_layout::layout(&doc);
    let path = write(
        dir.path(),
        "t.pdf",
        &pdf(&doc, &PdfOptions::default()).unwrap(),
    );
    let toc = text(&path, Some(2));
    for h in paged.headings.iter().filter(|h| h.level <= 2) {
        let line = toc
            .lines()
            .find(|l| l.contains(&format!("{} {}", h.number, h.text)))
            .unwrap_or_else(|| panic!("{} not in the TOC:\n{toc}", h.text));
        let number: String = line
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let page: usize = number
            .parse()
            .unwrap_or_else(|_| panic!("no page number in {line:?}"));
        let on_page = text(&path, Some(page));
        assert!(
            on_page.contains(&format!("{} {}", h.number, h.text)),
            "TOC says {} is on page {page}, but it is not:\n{on_page}",
            h.text
        );
    }
}

#[test]
fn renders_are_byte_identical_also_in_parallel() {
    let doc = stress(2);
    let opts = PdfOptions::default();
    let a = pdf(&doc, &opts).unwrap();
    let b = pdf(&doc, &opts).unwrap();
    assert!(a == b, "two renders differ");
    let other = nap_doc::sample();
    let ((c, _), (d, _)) = rayon::join(
        || (pdf(&doc, &opts).unwrap(), pdf(&other, &opts).unwrap()),
        || (pdf(&doc, &opts).unwrap(), pdf(&other, &opts).unwrap()),
    );
    assert!(a == c && a == d, "parallel renders differ");
    assert!(!a.windows(4).any(|w| w == b"2026"), "no clock in the file");
}

#[test]
fn pdfa_is_written_when_asked() {
    let doc = stress(1);
    let r = render(&doc, &PdfOptions { pdfa: true }).unwrap();
    let s = String::from_utf8_lossy(&r.bytes);
    assert!(
        s.contains("pdfaid:part") && s.contains("<pdfaid:part>2</pdfaid:part>")
            || s.contains("pdfaid:part=\"2\""),
        "no PDF/A identification"
    );
    let plain = pdf(&doc, &PdfOptions::default()).unwrap();
    assert!(!String::from_utf8_lossy(&plain).contains("pdfaid:part"));
}

#[test]
fn missing_characters_are_reported() {
    let r = render(&stress(1), &PdfOptions::default()).unwrap();
    assert!(
        r.warnings.iter().any(|w| w.contains("U+1F600")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn deeply_nested_input_is_written_without_overflowing_the_stack() {
    let mut b = nap_doc::Block::para("thellë");
    for i in 0..2000 {
        b = if i % 3 == 0 {
            nap_doc::Block::Quote(vec![b])
        } else if i % 3 == 1 {
            nap_doc::Block::List(nap_doc::List {
                ordered: true,
                start: 1,
                items: vec![vec![b]],
            })
        } else {
            nap_doc::Block::Table(nap_doc::Table {
                columns: vec![None],
                header_rows: 0,
                rows: vec![nap_doc::Row {
                    cells: vec![nap_doc::Cell {
                        blocks: vec![b],
                        colspan: 1,
                    }],
                }],
                label_column: false,
            })
        };
    }
    let mut doc = nap_doc::sample();
    doc.blocks = vec![b];
    let bytes = std::thread::Builder::new()
        .stack_size(1 << 21)
        .spawn(move || {
            let r = pdf(&doc, &PdfOptions::default());
            // Dropping a 2,000-deep document is the model's business, not the writer's.
            std::mem::forget(doc);
            r
        })
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn odd_input_still_gives_a_valid_pdf_with_warnings() {
    use nap_doc::{Block, Cell, Figure, Inline, Row, Table};
    let mut doc = nap_doc::sample();
    doc.blocks = vec![
        Block::Heading {
            level: 9,
            id: "x".into(),
            numbered: true,
            content: vec![],
        },
        Block::Table(Table {
            columns: vec![Some(f32::INFINITY), Some(f32::NAN)],
            header_rows: 5,
            rows: vec![Row {
                cells: vec![
                    Cell {
                        blocks: vec![Block::para("a")],
                        colspan: 0,
                    },
                    Cell {
                        blocks: vec![],
                        colspan: 9,
                    },
                ],
            }],
            label_column: true,
        }),
        Block::Table(Table {
            columns: vec![],
            header_rows: 0,
            rows: vec![],
            label_column: false,
        }),
        Block::Figure(Figure {
            id: "figura-x".into(),
            svg: "<not svg".into(),
            width_mm: f32::INFINITY,
            height_mm: -3.0,
            alt: String::new(),
            caption: vec![Inline::plain("Figura X")],
        }),
        Block::Paragraph {
            style: nap_doc::ParaStyle::Normal,
            align: nap_doc::Align::Justify,
            content: vec![Inline::LineBreak, Inline::LineBreak, Inline::plain("  ")],
        },
        Block::para(format!("[link](#nowhere) {}", "\u{202E}abc\u{0301}")),
        Block::Paragraph {
            style: nap_doc::ParaStyle::Normal,
            align: nap_doc::Align::Left,
            content: vec![Inline::Text(nap_doc::Span {
                text: "lidhje".into(),
                style: nap_doc::SpanStyle {
                    link: Some("#nowhere".into()),
                    ..Default::default()
                },
            })],
        },
    ];
    let r = render(&doc, &PdfOptions::default()).unwrap();
    assert!(r.bytes.starts_with(b"%PDF"));
    assert!(
        r.warnings.iter().any(|w| w.contains("figura-x")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings.iter().any(|w| w.contains("#nowhere")),
        "{:?}",
        r.warnings
    );
    let empty = nap_doc::Document {
        meta: nap_doc::Meta::default(),
        blocks: vec![],
    };
    let r = render(&empty, &PdfOptions { pdfa: true }).unwrap();
    assert_eq!(r.pages, 1);
    if have("qpdf") {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "e.pdf", &r.bytes);
        assert!(Command::new("qpdf")
            .arg("--check")
            .arg(&p)
            .status()
            .unwrap()
            .success());
    }
}

/// The content streams of `bytes`, uncompressed by qpdf.
fn content_streams(dir: &Path, bytes: &[u8]) -> String {
    let input = write(dir, "in.pdf", bytes);
    let out = dir.join("qdf.pdf");
    run(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            input.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    );
    String::from_utf8_lossy(&std::fs::read(out).unwrap()).into_owned()
}

#[test]
fn neighbouring_rules_fills_and_runs_share_one_drawing_operation() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Tables (four rules per cell), paragraphs of several lines.
    let doc = stress(1);
    let paged = nap_layout::layout(&doc);
    let (mut rules, mut runs, mut tagged) = (0, 0, 0);
    for item in paged.pages.iter().flat_map(|p| &p.items) {
        match item {
            nap_layout::Item::Line { .. } => rules += 1,
            // (Outlined runs are drawn as shapes, not text.)
            nap_layout::Item::Glyphs(r) if !r.glyphs.is_empty() && !r.outlined => {
                runs += 1;
                tagged += usize::from(matches!(r.tag, nap_layout::Tag::Node(_)));
            }
            _ => {}
        }
    }
    let bytes = pdf(&doc, &PdfOptions::default()).unwrap();
    let qdf = content_streams(dir.path(), &bytes);
    let strokes = qdf.matches("\nS\n").count();
    // Tagged content opens with BDC (with its MCID), artifacts with BMC.
    let marked = qdf.matches("BDC").count();
    let shown = qdf.matches("BT\n").count() + qdf.matches("BT ").count();
    assert!(
        rules > 100 && tagged > 100,
        "{rules} rules, {tagged} tagged runs"
    );
    // Every run is still drawn; the rules of a row are one stroke, the
    // lines of a paragraph one marked sequence. (Fills are not counted:
    // outlined glyphs are fills too.)
    assert!(shown >= runs, "{shown} text operations for {runs} runs");
    assert!(strokes * 3 < rules, "{strokes} strokes for {rules} rules");
    assert!(
        marked * 4 < tagged * 3,
        "{marked} sequences for {tagged} tagged runs"
    );
    // And a reader gets every run's text (compared without spaces and
    // hyphens: pdftotext joins words hyphenated at a line end).
    let path = write(dir.path(), "s.pdf", &bytes);
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
            .collect()
    };
    let text = bare(&text(&path, None));
    for item in paged.pages.iter().flat_map(|p| &p.items) {
        if let nap_layout::Item::Glyphs(r) = item {
            let words = bare(&r.text);
            assert!(text.contains(&words), "{:?} not in the text", r.text);
        }
    }
}

#[test]
fn words_stay_apart_across_line_breaks_in_the_structure_tree() {
    if !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<String> = (0..120).map(|i| format!("fjala{i}")).collect();
    // Lines broken at spaces, and two hard line breaks.
    let mut inlines = vec![nap_doc::Inline::plain(words[..100].join(" "))];
    for w in &words[100..102] {
        inlines.push(nap_doc::Inline::LineBreak);
        inlines.push(nap_doc::Inline::plain(w.clone()));
    }
    inlines.push(nap_doc::Inline::plain(format!(
        " {}",
        words[102..].join(" ")
    )));
    let doc = nap_doc::Document {
        meta: nap_doc::sample().meta,
        blocks: vec![nap_doc::Block::Paragraph {
            style: nap_doc::ParaStyle::Normal,
            align: nap_doc::Align::Justify,
            content: inlines,
        }],
    };
    let bytes = pdf(&doc, &PdfOptions::default()).unwrap();
    let path = write(dir.path(), "w.pdf", &bytes);
    // Screen readers take the text from the structure tree, line by line
    // joined as written: a line broken at a space must keep that space.
    let st = run("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
    let text: Vec<&str> = st
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix('"'))
        .flat_map(str::split_whitespace)
        .filter(|w| w.starts_with("fjala"))
        .collect();
    assert_eq!(text, words, "{st}");
}

#[test]
fn the_draft_watermark_is_written_once_and_shown_on_every_page() {
    if !have("qpdf") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut marked = stress(2);
    marked.meta.draft_mark = Some("PROJEKT".into());
    let mut plain = marked.clone();
    plain.meta.draft_mark = None;
    let pages = nap_layout::layout(&marked).pages.len();
    assert!(pages >= 10, "{pages} pages");
    let with = pdf(&marked, &PdfOptions::default()).unwrap();
    let without = pdf(&plain, &PdfOptions::default()).unwrap();
    // One form holds the outlines; every page shows it by name.
    let qdf = content_streams(dir.path(), &with);
    let pages_showing = qdf
        .split("%% Contents for page")
        .skip(1)
        .filter(|page| page.split("endstream").next().unwrap_or("").contains(" Do"))
        .count();
    assert_eq!(pages_showing, pages);
    // The marking costs the file about one page's outlines, not one per
    // page (it was ~700 bytes a page when each page drew its own).
    let extra = with.len() as i64 - without.len() as i64;
    assert!(extra < 3_000, "the watermark adds {extra} bytes");
}

/// poppler reads the PDF without a word on stderr: krilla's
/// `/Suspects false` made pdfinfo and pdftotext print "Syntax Error:
/// Suspects object is wrong type (boolean)" for every PDF nap wrote, the
/// archival (PDF/A) one included.
#[test]
fn poppler_reads_the_pdf_without_complaint() {
    if !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, pdfa) in [("draft.pdf", false), ("final.pdf", true)] {
        let bytes = pdf(&nap_doc::sample(), &PdfOptions { pdfa }).unwrap();
        let path = write(dir.path(), name, &bytes);
        for (tool, args) in [("pdfinfo", vec![]), ("pdftotext", vec!["-"])] {
            let out = Command::new(tool).arg(&path).args(&args).output().unwrap();
            assert!(out.status.success(), "{tool} {name}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                "",
                "{tool} {name} printed on stderr"
            );
        }
        let info = run("pdfinfo", &[path.to_str().unwrap()]);
        assert!(info.contains("Tagged:          yes"), "{info}");
    }
}
