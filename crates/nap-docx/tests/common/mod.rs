//! Documents and helpers shared by the integration tests (and the
//! `render` example used to look at the output).
#![allow(dead_code)]

use nap_doc::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

/// A `w`×`h` SVG (a diagonal band on a pale ground), which the DOCX writer
/// rasterises to a PNG of the same aspect.
pub fn svg(w: u32, h: u32) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#d9e2f3\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"{w}\" y2=\"{h}\" stroke=\"#1f3864\" stroke-width=\"{}\"/></svg>",
        (h / 8).max(1)
    )
}

pub fn span(text: &str, f: impl FnOnce(&mut SpanStyle)) -> Inline {
    let mut style = SpanStyle::default();
    f(&mut style);
    Inline::Text(Span {
        text: text.into(),
        style,
    })
}

/// A paragraph whose whole text is a tracked insertion or deletion.
pub fn changed(text: &str, revision: Revision) -> Block {
    Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Left,
        content: vec![span(text, |s| s.revision = Some(revision))],
    }
}

pub fn heading(level: u8, id: &str, numbered: bool, text: &str) -> Block {
    Block::Heading {
        level,
        id: id.into(),
        numbered,
        content: vec![Inline::plain(text)],
    }
}

fn cell(text: &str) -> Cell {
    Cell {
        blocks: vec![Block::para(text)],
        colspan: 1,
    }
}

/// `nap_doc::sample()` plus what it lacks: a figure, tracked changes, an
/// internal link, nested and ordered lists, nested quotes, a colspan, a long
/// table with a repeated header row, level-3 and unnumbered headings.
pub fn rich() -> Document {
    let mut doc = sample();
    doc.meta.footer = "Sekretariati Teknik i PQH".into();
    doc.meta.keywords = vec!["OGP".into(), "PQH".into(), "plan veprimi".into()];
    let blocks = &mut doc.blocks;
    blocks.insert(
        1,
        Block::Paragraph {
            style: ParaStyle::Subtitle,
            align: Align::Center,
            content: vec![Inline::plain("Partneriteti për Qeverisje të Hapur")],
        },
    );
    blocks.insert(
        2,
        Block::Paragraph {
            style: ParaStyle::Small,
            align: Align::Center,
            content: vec![Inline::plain(
                "Versioni 0.3 · Raundi i dytë i konsultimeve · 15 nëntor 2020",
            )],
        },
    );
    blocks.push(Block::Figure(Figure {
        id: "figura-1".into(),
        svg: Arc::from(svg(400, 200)),
        width_mm: 160.0,
        height_mm: 80.0,
        alt: "Fazat e procesit, qershor–dhjetor 2020".into(),
        caption: vec![Inline::plain("Figura 1: Fazat primare të procesit")],
    }));
    blocks.push(heading(2, "ndryshimet", true, "Ndryshimet e propozuara"));
    blocks.push(Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Justify,
        content: vec![
            Inline::plain("Afati i angazhimit është "),
            span("dhjetor 2021", |s| s.revision = Some(Revision::Deleted)),
            span("qershor 2022", |s| s.revision = Some(Revision::Inserted)),
            Inline::plain(" sipas "),
            span("hyrjes", |s| s.link = Some("#hyrje".into())),
            Inline::plain(" dhe "),
            span("Figurës 1", |s| s.link = Some("#figura-1".into())),
            Inline::plain("; kodi "),
            span("nap build --final", |s| s.code = true),
            Inline::plain("."),
            Inline::LineBreak,
            Inline::plain("Rresht i dytë me ë dhe ç."),
        ],
    });
    blocks.push(Block::List(List {
        ordered: true,
        start: 3,
        items: vec![
            vec![Block::para("Hapi i tretë")],
            vec![
                Block::para("Hapi i katërt, me nënpika:"),
                Block::List(List {
                    ordered: false,
                    start: 1,
                    items: vec![
                        vec![Block::para("nënpika a")],
                        vec![Block::para("nënpika b")],
                    ],
                }),
            ],
            vec![Block::para("Hapi i pestë")],
        ],
    }));
    blocks.push(Block::List(List {
        ordered: true,
        start: 1,
        items: vec![
            vec![Block::para("Listë e re nga një")],
            vec![Block::para("dy")],
        ],
    }));
    blocks.push(Block::Quote(vec![
        Block::para("Citim i jashtëm."),
        Block::Quote(vec![Block::para("Citim i brendshëm.")]),
    ]));
    blocks.push(heading(3, "nivel-3", true, "Një nën-nënkapitull"));
    blocks.push(heading(4, "nivel-4", false, "Nivel katër pa numër"));
    let mut rows = vec![Row {
        cells: vec![cell("Nr."), cell("Aktiviteti"), cell("Afati")],
    }];
    rows.push(Row {
        cells: vec![
            Cell {
                blocks: vec![Block::para("Rresht i bashkuar mbi dy kolona")],
                colspan: 2,
            },
            cell("2021"),
        ],
    });
    for i in 1..=60 {
        rows.push(Row {
            cells: vec![
                cell(&i.to_string()),
                cell(&format!(
                    "Takim konsultimi me organizatat e shoqërisë civile nr. {i}"
                )),
                cell("tetor 2020"),
            ],
        });
    }
    blocks.push(Block::Table(Table {
        columns: vec![Some(10.0), Some(65.0), Some(25.0)],
        header_rows: 1,
        rows,
        label_column: false,
    }));
    blocks.push(heading(1, "shkurtime", false, "Shkurtime"));
    blocks.push(Block::para("PQH – Partneriteti për Qeverisje të Hapur"));
    doc
}

/// The parts of a package, by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut parts = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        parts.insert(file.name().unwrap().to_string(), data);
    }
    parts
}

pub fn part(bytes: &[u8], name: &str) -> String {
    let parts = unzip(bytes);
    String::from_utf8(
        parts
            .get(name)
            .unwrap_or_else(|| panic!("no part {name}"))
            .clone(),
    )
    .unwrap()
}
