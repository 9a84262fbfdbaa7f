use super::*;
use crate::fixtures::{long_table, nesting, stress, PARAS};
use nap_doc::{Block, Document, Inline, List, ParaStyle};
use std::collections::BTreeMap;

fn content_runs(page: &Page) -> impl Iterator<Item = (&GlyphRun, u32)> {
    page.items.iter().filter_map(|i| match i {
        Item::Glyphs(r) => match r.tag {
            Tag::Node(n) => Some((r, n)),
            Tag::Artifact => None,
        },
        _ => None,
    })
}

/// The content's glyph runs of every page, in order.
fn text_runs(p: &Paged) -> Vec<&GlyphRun> {
    p.pages
        .iter()
        .flat_map(content_runs)
        .map(|(r, _)| r)
        .collect()
}

fn doc_of(blocks: Vec<Block>) -> Document {
    let mut d = nap_doc::sample();
    d.blocks = blocks;
    d
}

#[test]
fn no_glyph_run_leaves_the_text_block() {
    let mut doc = stress(2);
    doc.blocks.push(Block::para("x".repeat(300)));
    doc.blocks.push(Block::para(format!(
        "https://ogp.gov.al/{}",
        "a".repeat(400)
    )));
    let p = layout(&doc);
    let [left, _, right, _] = p.body;
    let mut checked = 0;
    for (pi, page) in p.pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Glyphs(r) = item {
                if r.outlined {
                    continue;
                }
                checked += 1;
                assert!(
                    r.x >= left - 0.01 && r.x + r.width() <= right + 0.05,
                    "page {}: run {:?} spans {}..{} outside {left}..{right}",
                    pi + 1,
                    r.text,
                    r.x,
                    r.x + r.width()
                );
            }
        }
    }
    assert!(checked > 500);
    let all: String = p.pages.iter().map(page_text).collect();
    assert!(
        all.matches('x').count() >= 300,
        "the long word is all there"
    );
}

#[test]
fn unbreakable_300_characters_is_broken_at_characters_inside_the_margins() {
    let word = "ë".repeat(300);
    let p = layout(&doc_of(vec![Block::para(word.clone())]));
    let [left, _, right, _] = p.body;
    let runs = text_runs(&p);
    assert!(runs.len() >= 3, "broken over several lines");
    let joined: String = runs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(joined, word, "nothing lost or duplicated");
    for r in runs {
        assert!(r.x >= left && r.x + r.width() <= right + 0.05);
    }
}

/// Heading `i` (levels 1–3 in turn) and a paragraph of a length that
/// varies with `i`: in a row, they end at every position on a page.
fn heading_and_paragraph(i: usize, numbered: bool) -> [Block; 2] {
    [
        Block::Heading {
            level: 1 + (i % 3) as u8,
            id: format!("h{i}"),
            numbered,
            content: vec![Inline::plain(format!("Kreu {i}"))],
        },
        Block::para(
            PARAS[i % 4]
                .chars()
                .take(40 + (i * 37) % 300)
                .collect::<String>(),
        ),
    ]
}

#[test]
fn a_heading_is_never_the_last_thing_on_a_page() {
    // Headings followed by paragraphs of varying length hit every position
    // on the page sooner or later.
    let mut blocks = Vec::new();
    for i in 0..120 {
        blocks.extend(heading_and_paragraph(i, true));
    }
    let p = layout(&doc_of(blocks));
    assert!(p.pages.len() > 5);
    for (pi, page) in p.pages.iter().enumerate() {
        let last = content_runs(page)
            .max_by(|a, b| a.0.y.total_cmp(&b.0.y))
            .map(|(_, n)| n);
        if let Some(n) = last {
            assert!(
                !matches!(p.structure[n as usize].kind, StructKind::Heading { .. }),
                "page {} ends with a heading",
                pi + 1
            );
        }
    }
}

#[test]
fn long_table_repeats_its_header_on_every_page_it_spans() {
    let p = layout(&doc_of(vec![Block::Table(long_table(200))]));
    let mut pages_with_rows = 0;
    for (pi, page) in p.pages.iter().enumerate() {
        let runs: Vec<&GlyphRun> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs(r) if !r.outlined => Some(r),
                _ => None,
            })
            .collect();
        let body_rows: Vec<f32> = runs
            .iter()
            .filter(|r| r.text.starts_with("Veprimtaria "))
            .map(|r| r.y)
            .collect();
        if body_rows.is_empty() {
            continue;
        }
        pages_with_rows += 1;
        let header = runs
            .iter()
            .find(|r| r.text == "Veprimtaria")
            .unwrap_or_else(|| panic!("page {} has rows but no header", pi + 1));
        let first_row = body_rows.iter().copied().fold(f32::MAX, f32::min);
        assert!(
            header.y < first_row,
            "header above the rows on page {}",
            pi + 1
        );
        // Only the first header is content; the repeats are artifacts.
        assert_eq!(header.tag == Tag::Artifact, pi > 0);
    }
    assert!(pages_with_rows >= 5, "200 rows span several pages");
    // Every row is there exactly once.
    let all: String = p.pages.iter().map(page_text).collect::<Vec<_>>().join("\n");
    for i in 1..=200 {
        assert_eq!(
            all.matches(&format!("Veprimtaria {i} e")).count(),
            1,
            "row {i}"
        );
    }
}

/// A budget by quarter: an institution column and `quarters` columns of
/// seven-digit amounts, columns not declared (sized by their content).
fn budget_table(quarters: usize) -> nap_doc::Table {
    use crate::fixtures::cell;
    let mut head = vec![cell("Institucioni")];
    head.extend((0..quarters).map(|q| cell(&format!("T{} {}", q % 4 + 1, 2019 + q / 4))));
    let mut rows = vec![nap_doc::Row { cells: head }];
    for (r, name) in ["Ministria e Financave dhe Ekonomisë", "Bashkia Tiranë"]
        .iter()
        .enumerate()
    {
        let mut cells = vec![cell(name)];
        cells.extend((0..quarters).map(|q| cell(&amount(r, q))));
        rows.push(nap_doc::Row { cells });
    }
    nap_doc::Table {
        columns: Vec::new(),
        header_rows: 1,
        rows,
        label_column: false,
    }
}

fn amount(row: usize, q: usize) -> String {
    let n = (row + 1) * 1_234_567 + q * 1_111;
    format!(
        "{}.{:03}.{:03}",
        n / 1_000_000,
        n / 1_000 % 1_000,
        n % 1_000
    )
}

#[test]
fn a_table_of_nine_quarters_keeps_its_numbers_whole_in_compact_type() {
    let t = budget_table(9);
    assert!(t.compact());
    assert!(!budget_table(7).compact(), "eight columns");
    assert!(budget_table(8).compact(), "nine columns");
    let p = layout(&doc_of(vec![Block::Table(t)]));
    let runs = text_runs(&p);
    // Every amount is drawn whole on one line (at the body's 9.5 pt table
    // type, "1.234.567" was broken between its digits), in 8 pt type.
    for r in 0..2 {
        for q in 0..9 {
            let a = amount(r, q);
            let run = runs
                .iter()
                .find(|g| g.text == a)
                .unwrap_or_else(|| panic!("{a} is not drawn whole"));
            assert_eq!(run.size, 8.0, "{a}");
        }
    }
    // Words are whole too: no line of a cell ends inside one.
    let words: Vec<&str> = runs.iter().map(|g| g.text.trim()).collect();
    assert!(words.contains(&"Institucioni"), "{words:?}");
}

#[test]
fn toc_page_numbers_are_the_pages_of_the_headings() {
    let p = layout(&stress(3));
    let toc_items: Vec<u32> = (0..p.structure.len() as u32)
        .filter(|&n| p.structure[n as usize].kind == StructKind::TocItem)
        .collect();
    assert_eq!(
        toc_items.len(),
        3 * 3,
        "three sections of one level-1 and two level-2 headings"
    );
    let mut texts: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for page in &p.pages {
        for (r, n) in content_runs(page) {
            texts.entry(n).or_default().push(r.text.clone());
        }
    }
    let wanted: Vec<&HeadingPos> = p.headings.iter().filter(|h| h.level <= 2).collect();
    for (item, h) in toc_items.iter().zip(wanted) {
        let runs = &texts[item];
        assert!(runs[0].contains(&h.text), "{runs:?} vs {}", h.text);
        assert_eq!(
            runs.last().unwrap(),
            &(h.page + 1).to_string(),
            "{}",
            h.text
        );
    }
    // The headings really are on those pages.
    for h in &p.headings {
        let t = page_text(&p.pages[h.page]);
        assert!(t.contains(&h.text), "{} not on page {}", h.text, h.page + 1);
    }
}

#[test]
fn toc_entries_link_to_their_headings() {
    let p = layout(&stress(1));
    let links: Vec<(usize, f32)> = p.pages[1]
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Link {
                target: LinkTarget::Internal { page, y },
                ..
            } => Some((*page, *y)),
            _ => None,
        })
        .collect();
    let heads: Vec<(usize, f32)> = p
        .headings
        .iter()
        .filter(|h| h.level <= 2)
        .map(|h| (h.page, h.y))
        .collect();
    assert_eq!(links, heads);
}

#[test]
fn paragraphs_leave_no_widows_or_orphans() {
    let mut blocks = Vec::new();
    for i in 0..80 {
        blocks.push(Block::para(PARAS[i % 4].repeat(1 + i % 3)));
    }
    let p = layout(&doc_of(blocks));
    let mut lines: BTreeMap<u32, BTreeMap<usize, std::collections::BTreeSet<i64>>> =
        BTreeMap::new();
    for (pi, page) in p.pages.iter().enumerate() {
        for (r, n) in content_runs(page) {
            lines
                .entry(n)
                .or_default()
                .entry(pi)
                .or_default()
                .insert((r.y * 10.0) as i64);
        }
    }
    let mut split = 0;
    for per_page in lines.values() {
        let total: usize = per_page.values().map(|s| s.len()).sum();
        if per_page.len() > 1 && total >= 4 {
            split += 1;
            for s in per_page.values() {
                assert!(
                    s.len() >= 2,
                    "a lone line of a split paragraph: {per_page:?}"
                );
            }
        }
    }
    assert!(split > 3, "the test must actually split paragraphs");
}

#[test]
fn justified_lines_fill_the_measure_and_last_lines_do_not() {
    let p = layout(&doc_of(vec![Block::Paragraph {
        style: ParaStyle::Normal,
        align: nap_doc::Align::Justify,
        content: vec![Inline::plain(PARAS[0].repeat(3))],
    }]));
    let [left, _, right, _] = p.body;
    let runs = text_runs(&p);
    let full = runs
        .iter()
        .filter(|r| (r.x + r.width() - right).abs() < 0.1)
        .count();
    assert!(
        full as f32 >= runs.len() as f32 * 0.7,
        "{full} of {} justified",
        runs.len()
    );
    let last = runs.last().unwrap();
    assert!(last.x + last.width() < right - 20.0 && last.x == left);
}

#[test]
fn missing_characters_are_drawn_and_reported() {
    let p = layout(&doc_of(vec![Block::para("Emoji 😀 dhe 中")]));
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("U+4E2D") && p.warnings[1].contains("U+1F600"));
    let run = p.pages.iter().flat_map(content_runs).next().unwrap().0;
    assert!(run.text.contains('😀'), "the text keeps the character");
    assert!(
        run.glyphs.iter().all(|g| g.id != 0),
        ".notdef is never drawn"
    );
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let mut b = Block::para("thellë");
    for i in 0..2000 {
        b = if i % 2 == 0 {
            Block::Quote(vec![b])
        } else {
            Block::List(List {
                ordered: false,
                start: 1,
                items: vec![vec![b]],
            })
        };
    }
    let doc = doc_of(vec![b]);
    let p = std::thread::Builder::new()
        .stack_size(1 << 21)
        .spawn(move || {
            let p = layout(&doc);
            std::mem::forget(doc);
            p
        })
        .unwrap()
        .join()
        .unwrap();
    let text: String = p.pages.iter().map(page_text).collect();
    assert!(text.contains("thellë"));
}

#[test]
fn layout_is_deterministic() {
    let d = stress(2);
    assert_eq!(layout(&d), layout(&d));
}

#[test]
fn footer_counts_pages_and_title_page_has_no_header() {
    let p = layout(&stress(1));
    let n = p.pages.len();
    assert!(!page_text(&p.pages[0]).contains("Faqe"));
    for i in 1..n {
        let t = page_text(&p.pages[i]);
        assert!(
            t.contains(&format!("Faqe {} nga {n}", i + 1)),
            "page {}: {t}",
            i + 1
        );
        assert!(t.contains("Plani i Veprimit OGP 2020–2022"));
    }
}

#[test]
#[ignore = "timing; run with --release --ignored --nocapture"]
fn timing_of_a_large_document() {
    // stress(6): 28 pages, the body a third of a real plan's; 10 and 100 times it.
    for sections in [6, 60, 600] {
        let d = stress(sections);
        let s = Settings::default();
        let runs = 600 / sections.max(60) + 2;
        // Alternately, best of `runs` each.
        let (mut serial, mut auto) = (std::time::Duration::MAX, std::time::Duration::MAX);
        let mut pages = 0;
        for _ in 0..runs {
            let t = std::time::Instant::now();
            pages = layout_in_chunks(&d, &s, 1).pages.len();
            serial = serial.min(t.elapsed());
            let t = std::time::Instant::now();
            assert_eq!(layout(&d).pages.len(), pages);
            auto = auto.min(t.elapsed());
        }
        eprintln!(
            "stress({sections}), {pages} pages, {} threads: serial {serial:?}, layout() {auto:?} (best of {runs})",
            rayon::current_num_threads()
        );
    }
}

/// Panics with the first difference between two layouts.
fn assert_same(a: &Paged, b: &Paged, what: &str) {
    assert_eq!(a.pages.len(), b.pages.len(), "{what}: pages");
    for (pi, (pa, pb)) in a.pages.iter().zip(&b.pages).enumerate() {
        if let Some(i) =
            (0..pa.items.len().max(pb.items.len())).find(|&i| pa.items.get(i) != pb.items.get(i))
        {
            panic!(
                "{what}: page {} item {i}: {:?} vs {:?}",
                pi + 1,
                pa.items.get(i),
                pb.items.get(i)
            );
        }
    }
    if let Some(i) = (0..a.structure.len().max(b.structure.len()))
        .find(|&i| a.structure.get(i) != b.structure.get(i))
    {
        panic!(
            "{what}: structure node {i}: {:?} vs {:?}",
            a.structure.get(i),
            b.structure.get(i)
        );
    }
    assert_eq!(a.warnings, b.warnings, "{what}: warnings");
    assert_eq!(a.outline, b.outline, "{what}: outline");
    assert_eq!(a.headings, b.headings, "{what}: headings");
    assert!(a == b, "{what}: the layouts differ");
}

/// Documents with everything the body's layout carries from block to block.
fn chunking_fixtures() -> Vec<(&'static str, Document)> {
    let mut headings = Vec::new();
    for i in 0..60 {
        headings.extend(heading_and_paragraph(i, i % 5 != 0));
        if i % 7 == 3 {
            headings.push(Block::Toc {
                title: "Më tej".into(),
                depth: 3,
            });
        }
    }
    let mut missing = vec![Block::para("Hyrje pa shenja të veçanta.")];
    for (i, t) in ["Emoji 😀 dhe 中", "Përsëri 😀 dhe 字", "Fund 🙂 中 字"]
        .iter()
        .enumerate()
    {
        missing.push(Block::para(PARAS[i]));
        missing.push(Block::para(*t));
    }
    vec![
        ("stress(3)", stress(3)),
        ("nesting", nesting()),
        ("headings", doc_of(headings)),
        ("missing", doc_of(missing)),
        (
            "tables",
            doc_of(vec![
                Block::Table(long_table(120)),
                Block::para("Ndërmjet."),
                Block::Table(long_table(50)),
                Block::Table(long_table(3)),
            ]),
        ),
        ("sample", nap_doc::sample()),
        ("notes", notes_doc(80)),
    ]
}

#[test]
fn the_layout_in_chunks_is_the_serial_layout() {
    let s = Settings::default();
    for (name, d) in chunking_fixtures() {
        let serial = layout_in_chunks(&d, &s, 1);
        assert!(!serial.pages.is_empty());
        for n in [2, 3, 7, 10_000] {
            assert_same(
                &layout_in_chunks(&d, &s, n),
                &serial,
                &format!("{name} in {n}"),
            );
        }
        assert_same(&layout(&d), &serial, &format!("{name}, layout()"));
    }
}

#[test]
fn the_layout_is_the_same_in_pools_of_one_and_two_threads() {
    let s = Settings::default();
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let (one, two) = (pool(1), pool(2));
    // Large enough for `layout` to go parallel with two threads.
    let d = stress(12);
    let serial = one.install(|| layout_in_chunks(&d, &s, 1));
    assert!(serial.pages.len() > 40);
    assert_same(&one.install(|| layout(&d)), &serial, "layout(), 1 thread");
    assert_same(&two.install(|| layout(&d)), &serial, "layout(), 2 threads");
    for n in [3, 7] {
        assert_same(
            &one.install(|| layout_in_chunks(&d, &s, n)),
            &serial,
            &format!("{n} chunks, 1 thread"),
        );
        assert_same(
            &two.install(|| layout_in_chunks(&d, &s, n)),
            &serial,
            &format!("{n} chunks, 2 threads"),
        );
    }
}

#[test]
fn a_row_taller_than_a_page_is_split_between_lines_and_stays_in_the_body() {
    use nap_doc::{Cell, Row, Table};
    let long: String = (0..300)
        .map(|i| format!("Rreshti {i} i qelizës së gjatë. "))
        .collect();
    let table = Table {
        columns: vec![Some(25.0), Some(75.0)],
        header_rows: 1,
        rows: vec![
            Row {
                cells: vec![
                    Cell {
                        blocks: vec![Block::para("Fusha")],
                        colspan: 1,
                    },
                    Cell {
                        blocks: vec![Block::para("Përshkrimi")],
                        colspan: 1,
                    },
                ],
            },
            Row {
                cells: vec![
                    Cell {
                        blocks: vec![Block::para("Përshkrimi i gjatë")],
                        colspan: 1,
                    },
                    Cell {
                        blocks: vec![Block::para(long.clone())],
                        colspan: 1,
                    },
                ],
            },
        ],
        label_column: true,
    };
    let p = layout(&doc_of(vec![Block::para("Hyrje."), Block::Table(table)]));
    assert!(p.pages.len() >= 3, "the row spans pages");
    let [_, top, _, bottom] = p.body;
    for (pi, page) in p.pages.iter().enumerate() {
        for (r, _) in content_runs(page) {
            assert!(
                r.y - r.size <= bottom && r.y >= top,
                "page {}: {:?} at y={}",
                pi + 1,
                r.text,
                r.y
            );
        }
        if pi > 0 {
            assert!(
                page_text(page).contains("Përshkrimi\n") || page_text(page).starts_with("Fusha"),
                "header repeated on page {}",
                pi + 1
            );
        }
    }
    let text: String = p
        .pages
        .iter()
        .map(page_text)
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\u{AD}\n", "")
        // A line broken at a space keeps that space in its text.
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for i in 0..300 {
        assert_eq!(
            text.matches(&format!("Rreshti {i} i")).count(),
            1,
            "line {i} once"
        );
    }
}

/// A document ending in a page break and a heading with no visible text
/// (the fuzzer's case): the page under the heading is kept, so the TOC, the
/// outline and the links never point past the last page.
#[test]
fn a_heading_after_the_last_page_break_keeps_its_page() {
    let blank_heading = |id: &str| Block::Heading {
        level: 4,
        id: id.into(),
        numbered: false,
        content: vec![Inline::LineBreak],
    };
    let doc = doc_of(vec![
        Block::Toc {
            title: "Përmbajtja".into(),
            depth: 4,
        },
        blank_heading("a"),
        Block::PageBreak,
        Block::PageBreak,
        blank_heading("b"),
    ]);
    let p = layout(&doc);
    let n = p.pages.len();
    assert_eq!(n, 2, "the page the second heading starts is kept");
    assert_eq!(p.headings.len(), 2);
    for page in p.destination_pages() {
        assert!(page < n, "a destination on page {page} of {n}");
    }
    // A trailing page break with nothing after it still leaves no blank page.
    let doc = doc_of(vec![Block::para("Tekst."), Block::PageBreak]);
    assert_eq!(layout(&doc).pages.len(), 1);
}

/// Note `number` of the text `text`.
fn note(number: u32, text: &str) -> Inline {
    Inline::Note(nap_doc::Note {
        number,
        content: vec![Inline::plain(text)],
    })
}

/// A left-aligned paragraph of `content`.
fn para_of(content: Vec<Inline>) -> Block {
    Block::Paragraph {
        style: ParaStyle::Normal,
        align: nap_doc::Align::Left,
        content,
    }
}

/// A line citing note 1, `words` long (of the words f0, f1, …).
fn citing_long_note(words: usize) -> (Block, Vec<String>) {
    let words: Vec<String> = (0..words).map(|i| format!("f{i}")).collect();
    let block = para_of(vec![
        Inline::plain("Rreshti që e citon"),
        note(1, &words.join(" ")),
    ]);
    (block, words)
}

/// `n` paragraphs, every third citing a footnote (every fifth note long,
/// one of them, of paragraph 30, longer than a page's foot takes), and a
/// table whose cells cite notes.
fn notes_doc(n: usize) -> Document {
    let mut blocks = Vec::new();
    let mut number = 0;
    let mut next = |text: String| {
        number += 1;
        note(number, &text)
    };
    for i in 0..n {
        let mut content = vec![Inline::plain(PARAS[i % PARAS.len()])];
        if i % 3 == 0 {
            let text = match i {
                30 => format!("GJATË {}", PARAS.join(" ").repeat(4)),
                i if i % 5 == 0 => format!("{i}. {}", PARAS[(i + 1) % PARAS.len()]),
                _ => format!("Shënimi i paragrafit {i}."),
            };
            content.push(next(text));
            content.push(Inline::plain(" Fund i paragrafit."));
        }
        blocks.push(Block::Paragraph {
            style: ParaStyle::Normal,
            align: nap_doc::Align::Justify,
            content,
        });
        if i == 40 {
            let mut t = long_table(6);
            for row in t.rows.iter_mut().skip(t.header_rows) {
                if let Some(Block::Paragraph { content, .. }) =
                    row.cells.first_mut().and_then(|c| c.blocks.first_mut())
                {
                    content.push(next(format!("Shënim në tabelë {i}.")));
                }
            }
            blocks.push(Block::Table(t));
        }
    }
    doc_of(blocks)
}

/// The structure nodes of the footnotes.
fn note_nodes(p: &Paged) -> Vec<u32> {
    (0..p.structure.len() as u32)
        .filter(|&i| p.structure[i as usize].kind == StructKind::Note)
        .collect()
}

/// The runs of `page` tagged with one of `notes`.
fn note_runs<'a>(page: &'a Page, notes: &[u32]) -> Vec<&'a GlyphRun> {
    content_runs(page)
        .filter(|(_, n)| notes.contains(n))
        .map(|(r, _)| r)
        .collect()
}

/// The pages that print notes: index, page and their note lines.
fn pages_with_notes<'a>(p: &'a Paged, notes: &[u32]) -> Vec<(usize, &'a Page, Vec<&'a GlyphRun>)> {
    p.pages
        .iter()
        .enumerate()
        .map(|(i, page)| (i, page, note_runs(page, notes)))
        .filter(|(_, _, runs)| !runs.is_empty())
        .collect()
}

#[test]
fn footnotes_sit_at_the_foot_of_the_page_that_cites_them() {
    let p = layout(&notes_doc(80));
    assert_eq!(p.misplaced_note(), None);
    let notes = note_nodes(&p);
    // 27 in the text (the long one, of paragraph 30, goes on over the next
    // pages' feet), 6 in the table's rows.
    assert_eq!(notes.len(), 33);
    let at_foot = pages_with_notes(&p, &notes);
    for (pi, page, foot) in &at_foot {
        // Each number cited on the page (the small raised runs of its
        // text) is a note at its foot.
        let noted: String = foot.iter().map(|r| format!("{} ", r.text)).collect();
        for (r, _) in content_runs(page).filter(|(r, n)| !notes.contains(n) && r.size < 8.0) {
            let c = r.text.trim();
            assert!(
                noted.split_whitespace().any(|w| w == c),
                "page {}: note {c} cited but not at the foot: {noted}",
                pi + 1
            );
        }
    }
    assert!(
        at_foot.len() >= 5,
        "notes at the foot of {} pages",
        at_foot.len()
    );
}

#[test]
fn a_line_whose_note_does_not_fit_moves_to_the_next_page() {
    // Seven paragraphs, then a line citing a five-line note, pushed further
    // down the page each time: wherever it lands, the note is on the same
    // page, below all of the page's text and inside the text block.
    let s = Settings::default();
    let mut blocks: Vec<Block> = (0..7)
        .map(|i| Block::para(PARAS[i % PARAS.len()]))
        .collect();
    let mut pages_seen = std::collections::BTreeSet::new();
    for extra in 0..14 {
        blocks.push(para_of(vec![
            Inline::plain("Rreshti me shënim"),
            note(1, PARAS[0]),
        ]));
        let p = layout_in_chunks(&doc_of(blocks.clone()), &s, 1);
        assert_eq!(p.misplaced_note(), None, "extra {extra}");
        let notes = note_nodes(&p);
        assert_eq!(notes.len(), 1);
        let (pi, page) = p
            .pages
            .iter()
            .enumerate()
            .find(|(_, pg)| content_runs(pg).any(|(r, _)| r.text.contains("Rreshti")))
            .expect("the citing line");
        pages_seen.insert(pi);
        assert!(
            note_runs(page, &notes).len() >= 4,
            "extra {extra}: the note is on the citing line's page"
        );
        blocks.pop();
        blocks.insert(0, Block::para("Një rresht më shumë."));
    }
    assert!(
        pages_seen.len() >= 2,
        "the citing line moved on: {pages_seen:?}"
    );
}

/// One line citing nine long notes: together they would not fit at any
/// page's foot; those that do not fit go on at the next pages' feet, and
/// nothing is drawn outside the text block or over the text.
#[test]
fn a_line_citing_many_long_notes_keeps_them_inside_the_page() {
    let mut content = vec![Inline::plain("Një rresht me shumë shënime")];
    content.extend((1..=9).map(|n| note(n, &PARAS.join(" "))));
    let blocks = vec![
        Block::para(PARAS[0]),
        para_of(content),
        Block::para(PARAS[1]),
    ];
    let p = layout(&doc_of(blocks));
    assert_eq!(p.misplaced_note(), None);
    let notes = note_nodes(&p);
    let lines: usize = p.pages.iter().map(|pg| note_runs(pg, &notes).len()).sum();
    assert!(lines > 9 * 3, "every note's lines are printed: {lines}");
}

/// A table row whose six cells each cite a long note: the notes together
/// are taller than a page's foot. Those that do not fit go to the foot of
/// the next page (pages are added for them): never over the text, never
/// outside the text block, every note printed.
#[test]
fn notes_a_row_cites_beyond_one_foot_go_on_to_the_next_pages() {
    let long = format!("{} {}", PARAS.join(" "), PARAS.join(" "));
    let cells: Vec<nap_doc::Cell> = (1..=6)
        .map(|n| nap_doc::Cell {
            blocks: vec![para_of(vec![
                Inline::plain(format!("Qeliza {n}")),
                note(n, &long),
            ])],
            colspan: 1,
        })
        .collect();
    let table = nap_doc::Table {
        columns: vec![None; 6],
        header_rows: 0,
        rows: vec![nap_doc::Row { cells }],
        label_column: false,
    };
    let p = layout(&doc_of(vec![
        Block::para(PARAS[0]),
        Block::Table(table),
        Block::para("Fundi i tekstit."),
    ]));
    assert_eq!(p.misplaced_note(), None);
    let notes = note_nodes(&p);
    let printed: std::collections::BTreeSet<u32> = p
        .pages
        .iter()
        .flat_map(content_runs)
        .filter(|(_, n)| notes.contains(n))
        .map(|(_, n)| n)
        .collect();
    assert_eq!(printed.len(), 6, "every note printed");
}

/// A note of about two and a half pages: its first lines at the foot of the
/// citing page, the rest at the feet of the next pages (at most half of
/// each, the text going on above), every word printed once, in order.
#[test]
fn a_long_note_goes_on_over_the_next_pages_feet() {
    let (citing, words) = citing_long_note(2400);
    let mut blocks = vec![citing];
    blocks.extend((0..40).map(|i| Block::para(PARAS[i % PARAS.len()])));
    let p = layout(&doc_of(blocks));
    assert_eq!(p.misplaced_note(), None);
    let [left, _, right, _] = p.body;
    let notes = note_nodes(&p);
    let mut printed = String::new();
    let with_notes = pages_with_notes(&p, &notes);
    for (pi, page, runs) in &with_notes {
        let pi = *pi;
        if pi == 0 {
            assert!(content_runs(page).any(|(r, _)| r.text.contains("citon")));
        }
        // The rule above the notes: short where the note begins, across
        // the text block where it goes on (Word's continuation separator).
        let notes_top = runs.iter().map(|r| r.y).fold(f32::MAX, f32::min);
        let rule = page
            .items
            .iter()
            .find_map(|i| match i {
                Item::Line { x1, y1, x2, y2, .. }
                    if y1 == y2 && *y1 < notes_top && notes_top - y1 < 20.0 =>
                {
                    Some(x2 - x1)
                }
                _ => None,
            })
            .expect("a rule above the notes");
        if pi == 0 {
            assert!(rule < (right - left) / 2.0, "page 1: rule {rule}");
        } else {
            assert!(
                (rule - (right - left)).abs() < 0.5,
                "page {}: rule {rule}",
                pi + 1
            );
        }
        for r in runs {
            printed.push_str(&r.text);
            printed.push(' ');
        }
    }
    assert!(with_notes.len() >= 3, "on {} pages", with_notes.len());
    let got: Vec<&str> = printed
        .split_whitespace()
        .map(|w| w.trim_end_matches('\u{AD}'))
        .filter(|w| w.starts_with('f'))
        .collect();
    assert_eq!(got.len(), words.len(), "every word once");
    assert!(got.iter().zip(&words).all(|(a, b)| a == b), "in order");
}

/// A figure taller than what a page leaves beside a note going on from the
/// page before waits for a page with room: it is never drawn over the note.
#[test]
fn a_tall_figure_does_not_sit_on_a_note_going_on() {
    let (citing, _) = citing_long_note(2400);
    let blocks = vec![
        citing,
        Block::Figure(nap_doc::Figure {
            id: "e-larta".into(),
            svg: crate::fixtures::SVG.into(),
            width_mm: 160.0,
            height_mm: 150.0,
            alt: "Një figurë e lartë".into(),
            caption: vec![Inline::plain("Figura 1: E lartë")],
        }),
        Block::para(PARAS[0]),
    ];
    let p = layout(&doc_of(blocks));
    let figures = p
        .pages
        .iter()
        .flat_map(|pg| &pg.items)
        .filter(|i| matches!(i, Item::Svg { .. }))
        .count();
    assert_eq!(figures, 1);
    assert_eq!(p.misplaced_note(), None);
}
