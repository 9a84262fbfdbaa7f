//! Test documents shared by the layout and PDF tests (not part of the API).

use nap_doc::*;

pub const PARAS: [&str; 4] = [
    "Në kuadër të Partneritetit për Qeverinë e Hapur (OGP), qeveria shqiptare u jep mbështetje vlerave të promovuara nga kjo iniciativë shumëpalëshe. Partneriteti i Qeverisë së Hapur (OGP) është një nga instrumentet më të rëndësishëm për të promovuar transparencën si dhe për të rritur pjesëmarrjen qytetare në jetën publike dhe për të përdorur teknologji të reja për të forcuar qeverisjen.",
    "Për të lehtësuar bashkërendimin, mbikëqyrjen, përgjegjshmërinë dhe përfshirjen e palëve të interesit në zhvillimin e planit të ardhshëm të veprimit, Sekretariati Teknik vepron si Pika e Kontaktit e Qeverisë Shqiptare (POC).",
    "Zhvillimi i Planit të Veprimit OGP 2020-2022 u zhvillua nga qershor - dhjetor 2020. Seksionet pasuese përshkruajnë fazat e përgjithshme të procesit të zhvillimit dhe hapat ndërmjetësues drejt përfundimit dhe finalizimit të tij.",
    "Identifikohen palët kryesore të interesit: Çdo LFP identifikon dhe zgjedh Organizatat e Shoqërisë Civile (OSHC) të rëndësishme për fushën e tyre përkatëse të politikave. OShC-të kryesisht zgjidhen nga lista e Agjencisë për Mbështetje të Shoqërisë Civile të OShC-ve të regjistruara në mënyrë që të identifikojnë dhe kontaktojnë të gjitha OShC-të.",
];

pub const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160"><rect x="10" y="20" width="110" height="60" fill="#1F3864"/><rect x="145" y="20" width="110" height="60" fill="#2E75B6"/><rect x="280" y="20" width="110" height="60" fill="#9DC3E6"/><text x="65" y="120" font-family="Noto Sans" font-size="14" text-anchor="middle">Përgatitjet</text><text x="200" y="120" font-family="Noto Sans" font-size="14" text-anchor="middle">Konsultimet</text><text x="335" y="120" font-family="Noto Sans" font-size="14" text-anchor="middle">Miratimi</text></svg>"##;

fn heading(level: u8, id: &str, text: &str) -> Block {
    Block::Heading {
        level,
        id: id.into(),
        numbered: true,
        content: vec![Inline::plain(text)],
    }
}

fn justified(text: &str) -> Block {
    Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Justify,
        content: vec![Inline::plain(text)],
    }
}

pub fn cell(t: &str) -> Cell {
    Cell {
        blocks: vec![Block::para(t)],
        colspan: 1,
    }
}

/// A long table: one header row and `n` body rows.
pub fn long_table(n: usize) -> Table {
    let mut rows = vec![Row {
        cells: vec![cell("Nr."), cell("Veprimtaria"), cell("Afati")],
    }];
    for i in 0..n {
        rows.push(Row {
            cells: vec![
                cell(&format!("{}", i + 1)),
                cell(&format!(
                    "Veprimtaria {} e angazhimit: {}",
                    i + 1,
                    PARAS[i % 4]
                        .chars()
                        .take(60 + (i * 7) % 80)
                        .collect::<String>()
                )),
                cell("dhjetor 2021"),
            ],
        });
    }
    Table {
        columns: vec![Some(8.0), Some(70.0), Some(22.0)],
        header_rows: 1,
        rows,
        label_column: false,
    }
}

/// A document exercising everything: `sections` repetitions of the body.
pub fn stress(sections: usize) -> Document {
    let mut doc = sample();
    doc.blocks.truncate(2);
    doc.blocks.insert(
        1,
        Block::Paragraph {
            style: ParaStyle::Subtitle,
            align: Align::Center,
            content: vec![Inline::plain("Partneriteti për Qeverisje të Hapur")],
        },
    );
    doc.blocks.push(Block::Paragraph {
        style: ParaStyle::Small,
        align: Align::Center,
        content: vec![Inline::plain("Tiranë, 15 nëntor 2020")],
    });
    doc.blocks.push(Block::PageBreak);
    doc.blocks.push(Block::Toc {
        title: "Përmbajtja".into(),
        depth: 2,
    });
    doc.blocks.push(Block::PageBreak);
    for s in 0..sections {
        doc.blocks.push(heading(
            1,
            &format!("kreu-{s}"),
            &format!("Procesi i zhvillimit të planit, pjesa {}", s + 1),
        ));
        for p in PARAS {
            doc.blocks.push(justified(p));
        }
        doc.blocks.push(Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Justify,
            content: vec![
                Inline::plain("Shih edhe "),
                Inline::Text(Span {
                    text: "kapitullin e tabelës".into(),
                    style: SpanStyle {
                        link: Some(format!("#tabela-{s}")),
                        ..Default::default()
                    },
                }),
                Inline::plain(" dhe adresën "),
                Inline::Text(Span {
                    text: "https://www.opengovpartnership.org/members/albania/commitments/AL0056/shume/e/gjate/adrese".into(),
                    style: SpanStyle {
                        link: Some("https://www.opengovpartnership.org/members/albania".into()),
                        ..Default::default()
                    },
                }),
                Inline::plain(" ku "),
                Inline::Text(Span {
                    text: "kodi_i_programit()".into(),
                    style: SpanStyle {
                        code: true,
                        ..Default::default()
                    },
                }),
                Inline::plain(" përshkruhet; "),
                Inline::Text(Span {
                    text: "e shtuar".into(),
                    style: SpanStyle {
                        revision: Some(Revision::Inserted),
                        ..Default::default()
                    },
                }),
                Inline::plain(" "),
                Inline::Text(Span {
                    text: "e hequr".into(),
                    style: SpanStyle {
                        revision: Some(Revision::Deleted),
                        ..Default::default()
                    },
                }),
                Inline::LineBreak,
                Inline::plain("Rresht i ri pas ndërprerjes. Emoji 😀 dhe 中文."),
            ],
        });
        doc.blocks
            .push(heading(2, &format!("lista-{s}"), "Hapat kryesorë"));
        doc.blocks.push(Block::List(List {
            ordered: true,
            start: 1,
            items: (0..4)
                .map(|i| {
                    let mut item = vec![Block::para(PARAS[i])];
                    if i == 1 {
                        item.push(Block::List(List {
                            ordered: false,
                            start: 1,
                            items: vec![
                                vec![Block::para("Metodologjia e miratuar")],
                                vec![
                                    Block::para("Kalendari i menaxhimit"),
                                    Block::List(List {
                                        ordered: false,
                                        start: 1,
                                        items: vec![vec![Block::para("Nivel i tretë")]],
                                    }),
                                ],
                            ],
                        }));
                    }
                    item
                })
                .collect(),
        }));
        doc.blocks.push(Block::Quote(vec![
            justified(PARAS[1]),
            Block::Quote(vec![Block::para("Citim brenda citimit.")]),
        ]));
        doc.blocks.push(Block::Preformatted(vec![
            "nap build --final inputs/".into(),
            "    # një rresht i dhëmbëzuar".into(),
        ]));
        doc.blocks.push(Block::Figure(Figure {
            id: format!("figura-{s}"),
            svg: SVG.into(),
            width_mm: 160.0,
            height_mm: 64.0,
            alt: "Tri fazat e procesit: përgatitjet, konsultimet, miratimi".into(),
            caption: vec![Inline::plain(format!("Figura {}: Fazat e procesit", s + 1))],
        }));
        doc.blocks
            .push(heading(2, &format!("tabela-{s}"), "Tabela e veprimtarive"));
        doc.blocks.push(Block::Paragraph {
            style: ParaStyle::Caption,
            align: Align::Center,
            content: vec![Inline::plain("Tabela 1: Veprimtaritë")],
        });
        doc.blocks.push(Block::Table(long_table(40)));
        doc.blocks.push(Block::Table(Table {
            columns: vec![None, None, None],
            header_rows: 1,
            rows: vec![
                Row {
                    cells: vec![cell("Institucioni"), cell("Roli"), cell("Kontakti")],
                },
                Row {
                    cells: vec![
                        cell("Ministria e Drejtësisë"),
                        cell(PARAS[1]),
                        cell("info@drejtesia.gov.al"),
                    ],
                },
                Row {
                    cells: vec![
                        Cell {
                            blocks: vec![Block::para("Rresht me bashkim kolonash (colspan 2)")],
                            colspan: 2,
                        },
                        cell("x"),
                    ],
                },
            ],
            label_column: true,
        }));
        doc.blocks
            .push(heading(3, &format!("gjate-{s}"), "Varg i pandërprerë"));
        doc.blocks.push(justified(&"Transparenca".repeat(25)));
        doc.blocks.push(Block::Rule);
    }
    doc
}

/// A document whose headings and tables hide in lists, quotes, table cells
/// and containers nested deeper than the layout indents (flattened), with
/// repeated heading ids, empty tables, several tables of contents and
/// characters the fonts lack: what the layout's counters must follow.
pub fn nesting() -> Document {
    let mut doc = sample();
    let mut deep = vec![Block::para("Në fund të thellësisë.")];
    for i in 0..30 {
        let inner = std::mem::take(&mut deep);
        deep = vec![
            heading(4, &format!("thelle-{i}"), &format!("Niveli {i}")),
            Block::Table(long_table(1 + i % 2)),
            if i % 2 == 0 {
                Block::Quote(inner)
            } else {
                Block::List(List {
                    ordered: i % 4 == 1,
                    start: 1,
                    items: vec![inner, vec![Block::para("Pika tjetër 字.")]],
                })
            },
        ];
    }
    let toc = |depth| Block::Toc {
        title: "Përmbajtja".into(),
        depth,
    };
    doc.blocks = vec![
        toc(4),
        heading(1, "hyrja", "Hyrja"),
        justified(PARAS[0]),
        Block::Table(Table {
            columns: vec![None, None],
            header_rows: 1,
            rows: vec![
                Row {
                    cells: vec![cell("Kolona"), cell("Përmbajtja")],
                },
                Row {
                    cells: vec![
                        Cell {
                            blocks: vec![
                                heading(3, "qeliza", "Titull në qelizë"),
                                Block::para("Tekst në qelizë."),
                            ],
                            colspan: 1,
                        },
                        Cell {
                            blocks: vec![
                                Block::Table(long_table(2)),
                                Block::Preformatted(vec!["kod 😀 në qelizë".into()]),
                            ],
                            colspan: 1,
                        },
                    ],
                },
            ],
            label_column: false,
        }),
        toc(2),
        Block::List(List {
            ordered: true,
            start: 3,
            items: vec![
                vec![
                    heading(2, "lista", "Titull në listë"),
                    Block::Table(long_table(2)),
                ],
                vec![Block::Quote(vec![
                    heading(4, "citim", "Titull në citim"),
                    justified(PARAS[1]),
                ])],
            ],
        }),
        Block::Table(Table {
            columns: vec![],
            header_rows: 0,
            rows: vec![],
            label_column: false,
        }),
        Block::Table(Table {
            columns: vec![],
            header_rows: 0,
            rows: vec![Row { cells: vec![] }],
            label_column: false,
        }),
        heading(1, "hyrja", "Titull me id të përsëritur"),
        toc(3),
        Block::Quote(deep),
        toc(4),
        heading(2, "fundi", "Fundi"),
        Block::Paragraph {
            style: ParaStyle::Caption,
            align: Align::Center,
            content: vec![Inline::plain("Tabela e fundit 中")],
        },
        Block::Table(long_table(30)),
        justified(PARAS[2]),
    ];
    doc
}
