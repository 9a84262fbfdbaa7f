//! Every test reads the Markdown back with pandoc, its real reader
//! (installed by `.ci/install-readers`).

use super::*;
use nap_doc::{Align, Cell, Meta, Note, Row, SpanStyle};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// Whether pandoc is installed. Missing on CI it fails the test; missing
/// elsewhere the test is skipped with a note (as tests/common's `have`).
fn have_pandoc() -> bool {
    let found = Command::new("pandoc").arg("--version").output().is_ok();
    if !found && std::env::var_os("CI").is_some() {
        panic!("pandoc is not installed: CI must install it (.ci/install-readers)");
    }
    if !found {
        eprintln!("skipping: pandoc is not installed (run .ci/install-readers)");
    }
    found
}

/// `markdown` through `pandoc -f markdown -t TO`.
fn pandoc(markdown: &str, to: &str) -> String {
    let mut child = Command::new("pandoc")
        .args(["-f", "markdown", "-t", to, "--wrap=none"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pandoc runs (sudo .ci/install-readers installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(markdown.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "pandoc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        meta: Meta {
            language: "sq-AL".into(),
            ..Meta::default()
        },
        blocks,
    }
}

fn md(blocks: Vec<Block>) -> String {
    write(&doc(blocks), &mut |f| Some(format!("{}.png", f.id)))
}

/// The blocks of pandoc's JSON reading of the Markdown.
fn json(blocks: Vec<Block>) -> Vec<Value> {
    let v: Value = serde_json::from_str(&pandoc(&md(blocks), "json")).unwrap();
    v["blocks"].as_array().unwrap().clone()
}

fn para(text: &str) -> Block {
    Block::para(text)
}

fn styled(text: &str, f: impl FnOnce(&mut SpanStyle)) -> Inline {
    let mut style = SpanStyle::default();
    f(&mut style);
    Inline::Text(Span {
        text: text.into(),
        style,
    })
}

/// Text that means something to a Markdown reader, anywhere in a line or
/// at its start.
const HOSTILE: &[&str] = &[
    "* not a list",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2020) nor this",
    "# not a heading",
    "> not a quote",
    ": not a definition",
    "=====",
    "-----",
    "::: not a div",
    "| not | a | table |",
    "``` not a fence",
    "~~~ nor this",
    "% not a title",
    "*a* **b** _c_ __d__ `e` ~f~ ^g^ ~~h~~",
    "[link](http://x) ![img](y.png) <http://z> <b>html</b> &amp; &lt;",
    "$x^2$ and $$y$$, @citation [@key] {#id .class}",
    "\"straight\" 'quotes' -- --- ... a\\b \\* \\",
    "Çështja “e tretë” — 2020–2022 ë ç 中文字符 😀",
    "ligji „Për të drejtën e informimit“, „KKSHC“ dhe t’i ‘x’ «y» ‚z‘",
    "emails: a.b@drejtesia.gov.al, 100% <= 5 > 3 | 2",
];

#[test]
fn hostile_text_reads_back_as_written() {
    if !have_pandoc() {
        return;
    }
    for text in HOSTILE {
        let got = pandoc(&md(vec![para(text)]), "plain");
        assert_eq!(got.trim_end(), *text, "as a paragraph");
    }
}

#[test]
fn hostile_text_reads_back_as_written_when_wrapped_in_a_narrow_cell() {
    if !have_pandoc() {
        return;
    }
    // A two-column table whose first column is narrow: every word of the
    // text can start a line of the cell.
    for text in HOSTILE {
        let table = Block::Table(Table {
            columns: vec![Some(1.0), Some(9.0)],
            header_rows: 0,
            rows: vec![Row {
                cells: vec![
                    Cell {
                        blocks: vec![para(text)],
                        colspan: 1,
                    },
                    Cell {
                        blocks: vec![para("x")],
                        colspan: 1,
                    },
                ],
            }],
            label_column: false,
        });
        let blocks = json(vec![table]);
        assert_eq!(blocks.len(), 1, "{text}: one table");
        // Table → bodies → first body's rows → first row's cells → blocks.
        let cell = &blocks[0]["c"][4][0][3][0][1][0][4];
        let got = stringify(cell);
        assert_eq!(got, *text, "in a cell: {cell}");
    }
}

/// The text of pandoc JSON inlines/blocks (Space and SoftBreak as spaces).
fn stringify(v: &Value) -> String {
    match v {
        Value::Array(items) => items.iter().map(stringify).collect::<Vec<_>>().join(""),
        Value::Object(o) => match o.get("t").and_then(Value::as_str) {
            Some("Str") => o["c"].as_str().unwrap().to_string(),
            Some("Space" | "SoftBreak") => " ".into(),
            Some("LineBreak") => "\n".into(),
            Some("Code") => o["c"][1].as_str().unwrap().to_string(),
            // Typographic quotes as written are read as quotations, and
            // printed with the same marks (straight ones are escaped).
            Some("Quoted") => {
                let (open, close) = if o["c"][0]["t"] == "DoubleQuote" {
                    ("“", "”")
                } else {
                    ("‘", "’")
                };
                format!("{open}{}{close}", stringify(&o["c"][1]))
            }
            Some("Link" | "Image") => stringify(&o["c"][1]),
            Some(_) => o.get("c").map(stringify).unwrap_or_default(),
            None => String::new(),
        },
        _ => String::new(),
    }
}

#[test]
fn emphasis_code_links_notes_and_breaks_keep_their_meaning() {
    if !have_pandoc() {
        return;
    }
    let content = vec![
        Inline::plain("a "),
        styled("bold ", |s| s.bold = true),
        styled("bold italic", |s| {
            s.bold = true;
            s.italic = true
        }),
        Inline::plain(" b "),
        styled("x`y", |s| s.code = true),
        Inline::plain(" "),
        styled("OGP (faqja)", |s| {
            s.link = Some("https://www.opengovpartnership.org/a_(b)".into())
        }),
        Inline::LineBreak,
        Inline::plain("c"),
        Inline::Note(Note {
            number: 1,
            content: vec![
                Inline::plain("Ligji nr. 119/2014 "),
                styled("neni 3", |s| s.italic = true),
            ],
        }),
    ];
    let blocks = json(vec![Block::Paragraph {
        style: ParaStyle::Normal,
        align: Align::Justify,
        content,
    }]);
    let p = blocks[0]["c"].as_array().unwrap();
    let kinds: Vec<&str> = p.iter().map(|i| i["t"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Str",
            "Space",
            "Strong",
            "Space",
            "Str",
            "Space",
            "Code",
            "Space",
            "Link",
            "LineBreak",
            "Str",
            "Note"
        ]
    );
    assert_eq!(stringify(&p[2]), "bold bold italic");
    assert_eq!(
        p[2]["c"][2]["t"], "Emph",
        "the italic part inside the strong run"
    );
    assert_eq!(p[6]["c"][1], "x`y");
    assert_eq!(stringify(&p[8]), "OGP (faqja)");
    assert_eq!(p[8]["c"][2][0], "https://www.opengovpartnership.org/a_(b)");
    assert_eq!(stringify(&p[11]), "Ligji nr. 119/2014 neni 3");
}

#[test]
fn headings_carry_their_numbers_and_ids() {
    if !have_pandoc() {
        return;
    }
    let h = |level, id: &str, numbered, text: &str| Block::Heading {
        level,
        id: id.into(),
        numbered,
        content: vec![Inline::plain(text)],
    };
    let blocks = json(vec![
        h(1, "shkurtimet", false, "Shkurtimet"),
        h(1, "hyrje", true, "Hyrje"),
        h(2, "a", true, "Konteksti"),
        h(2, "b", true, "1. Jo listë"),
        h(1, "fusha", true, "Fusha"),
        h(3, "c", true, "Thellë"),
    ]);
    let got: Vec<(u64, String, String)> = blocks
        .iter()
        .map(|b| {
            assert_eq!(b["t"], "Header");
            (
                b["c"][0].as_u64().unwrap(),
                b["c"][1][0].as_str().unwrap().to_string(),
                stringify(&b["c"][2]),
            )
        })
        .collect();
    let want = [
        (1, "shkurtimet", "Shkurtimet"),
        (1, "hyrje", "1. Hyrje"),
        (2, "a", "1.1. Konteksti"),
        (2, "b", "1.2. 1. Jo listë"),
        (1, "fusha", "2. Fusha"),
        (3, "c", "2.1.1. Thellë"),
    ];
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0, g.1.as_str(), g.2.as_str()), w);
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn a_grid_table_keeps_rows_columns_header_and_proportions() {
    if !have_pandoc() {
        return;
    }
    let cell = |text: &str| Cell {
        blocks: vec![para(text)],
        colspan: 1,
    };
    let long =
        "Një tekst i gjatë që mbështillet në disa rreshta brenda qelizës së tabelës, ".repeat(3);
    let table = Table {
        columns: vec![Some(20.0), Some(50.0), Some(30.0)],
        header_rows: 1,
        rows: vec![
            Row {
                cells: vec![cell("Nr."), cell("Veprimtaria"), cell("Afati")],
            },
            Row {
                cells: vec![cell("AL0065.1"), cell(&long), cell("janar 2021")],
            },
            Row {
                cells: vec![
                    Cell {
                        blocks: vec![para("e gjithë rreshti")],
                        colspan: 2,
                    },
                    cell("https://www.opengovpartnership.org/members/albania/commitments/AL0065/"),
                ],
            },
            Row {
                cells: vec![
                    cell("x"),
                    Cell {
                        blocks: vec![Block::List(List {
                            ordered: false,
                            start: 1,
                            items: vec![vec![para("një")], vec![para("dy")]],
                        })],
                        colspan: 1,
                    },
                    cell(""),
                ],
            },
        ],
        label_column: false,
    };
    let blocks = json(vec![Block::Table(table)]);
    let t = &blocks[0]["c"];
    let widths: Vec<f64> = t[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1]["c"].as_f64().unwrap())
        .collect();
    let total: f64 = widths.iter().sum();
    // The URL widens the last column; the first two keep their ratio.
    assert!((widths[1] / widths[0] - 2.5).abs() < 0.2, "{widths:?}");
    assert!(widths[2] / total >= 0.3 - 0.01, "{widths:?}");
    let head = &t[3][1][0][1];
    assert_eq!(head.as_array().unwrap().len(), 3);
    assert_eq!(stringify(&head[1][4]), "Veprimtaria");
    let body = t[4][0][3].as_array().unwrap();
    assert_eq!(body.len(), 3);
    let text = |r: usize, c: usize| stringify(&body[r][1][c][4]);
    assert_eq!(text(0, 1), long.trim());
    assert_eq!(text(1, 0), "e gjithë rreshti");
    assert_eq!(text(1, 1), "", "a spanned column is empty");
    assert_eq!(
        text(1, 2),
        "https://www.opengovpartnership.org/members/albania/commitments/AL0065/"
    );
    assert_eq!(body[2][1][1][4][0]["t"], "BulletList");
}

#[test]
fn lists_quotes_and_preformatted_text_nest_as_in_the_document() {
    if !have_pandoc() {
        return;
    }
    let blocks = json(vec![
        Block::List(List {
            ordered: true,
            start: 3,
            items: vec![
                vec![para("tre")],
                vec![
                    para("katër"),
                    Block::List(List {
                        ordered: false,
                        start: 1,
                        items: vec![vec![para("- brenda")], vec![para("2. po")]],
                    }),
                ],
            ],
        }),
        Block::Quote(vec![para("citim"), Block::Quote(vec![para("> më thellë")])]),
        Block::Preformatted(vec!["```".into(), "  kod `x`".into()]),
        Block::Rule,
    ]);
    assert_eq!(blocks[0]["t"], "OrderedList");
    assert_eq!(blocks[0]["c"][0][0], 3);
    let inner = &blocks[0]["c"][1][1][1];
    assert_eq!(inner["t"], "BulletList");
    assert_eq!(stringify(&inner["c"][0]), "- brenda");
    assert_eq!(stringify(&inner["c"][1]), "2. po");
    assert_eq!(blocks[1]["t"], "BlockQuote");
    assert_eq!(blocks[1]["c"][1]["t"], "BlockQuote");
    assert_eq!(stringify(&blocks[1]["c"][1]["c"]), "> më thellë");
    assert_eq!(blocks[2]["t"], "CodeBlock");
    assert_eq!(blocks[2]["c"][1], "```\n  kod `x`");
    assert_eq!(blocks[3]["t"], "HorizontalRule");
    assert_eq!(blocks.len(), 4);
}

#[test]
fn figures_are_images_with_captions_and_page_breaks_are_raw_openxml() {
    if !have_pandoc() {
        return;
    }
    let figure = Figure {
        id: "figura-1".into(),
        svg: "<svg/>".into(),
        width_mm: 160.0,
        height_mm: 90.0,
        alt: "Komentet".into(),
        caption: vec![
            Inline::plain("Figura 1: Komentet "),
            styled("sipas raundit", |s| s.italic = true),
        ],
    };
    let blocks = json(vec![
        Block::Figure(figure.clone()),
        Block::PageBreak,
        Block::Paragraph {
            style: ParaStyle::Title,
            align: Align::Center,
            content: vec![Inline::plain("PLANI")],
        },
    ]);
    // pandoc 2 reads an image alone in a paragraph as a figure (`fig:`).
    let img = &blocks[0]["c"][0];
    assert_eq!(img["t"], "Image");
    assert_eq!(img["c"][2][0], "figura-1.png");
    assert_eq!(stringify(&img["c"][1]), "Figura 1: Komentet sipas raundit");
    assert_eq!(img["c"][0][2][0][0], "width");
    assert_eq!(blocks[1]["t"], "RawBlock");
    assert_eq!(blocks[1]["c"][0], "openxml");
    assert_eq!(blocks[2]["t"], "Div");
    assert_eq!(blocks[2]["c"][0][2][0][1], "Title");

    // Without an image file, the caption alone.
    let text = write(&doc(vec![Block::Figure(figure)]), &mut |_| None);
    assert_eq!(
        pandoc(&text, "plain").trim(),
        "Figura 1: Komentet sipas raundit"
    );
}

#[test]
fn the_sample_document_reads_back_with_every_block() {
    if !have_pandoc() {
        return;
    }
    let sample = nap_doc::sample();
    let text = write(&sample, &mut |f| Some(format!("{}.png", f.id)));
    let plain = pandoc(&text, "plain");
    // Every paragraph's words, in order, in pandoc's plain text.
    let words: Vec<String> = plain.split_whitespace().map(str::to_string).collect();
    let mut at = 0;
    nap_doc::walk(&sample.blocks, &mut |b| {
        if let Block::Paragraph { content, .. } = b {
            for w in nap_doc::plain_text(content).split_whitespace() {
                let found = words[at..].iter().position(|x| x.contains(w));
                assert!(found.is_some(), "{w:?} after word {at} of {plain}");
                at += found.unwrap();
            }
        }
    });
    assert!(text.starts_with("---\nlang: \"sq-AL\"\n"));
}

#[test]
fn deep_nesting_is_written_without_exhausting_the_stack() {
    // Deeper than nap-compose ever nests (it flattens past 64 containers),
    // on a thread with the smallest stack rayon gives its workers by default.
    let mut block = para("fund");
    for i in 0..300 {
        block = if i % 2 == 0 {
            Block::Quote(vec![block])
        } else {
            Block::List(List {
                ordered: false,
                start: 1,
                items: vec![vec![block]],
            })
        };
    }
    let text = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || md(vec![block]))
        .unwrap()
        .join()
        .unwrap();
    assert!(text.trim_end().ends_with("fund"));
}

#[test]
fn a_table_of_only_a_header_or_of_nothing_leaves_no_stray_text() {
    if !have_pandoc() {
        return;
    }
    let header_only = Block::Table(Table {
        columns: vec![None, None],
        header_rows: 1,
        rows: vec![Row {
            cells: vec![
                Cell {
                    blocks: vec![para("a")],
                    colspan: 1,
                },
                Cell {
                    blocks: vec![para("b")],
                    colspan: 1,
                },
            ],
        }],
        label_column: false,
    });
    let empty = Block::Table(Table {
        columns: vec![],
        header_rows: 0,
        rows: vec![],
        label_column: false,
    });
    let blocks = json(vec![header_only, empty, para("pas")]);
    let kinds: Vec<&str> = blocks.iter().map(|b| b["t"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Table", "Para"]);
    assert_eq!(stringify(&blocks[1]), "pas");
}

#[test]
fn a_line_break_in_a_heading_or_caption_is_a_space_and_a_bad_width_is_left_out() {
    if !have_pandoc() {
        return;
    }
    let blocks = json(vec![
        Block::Heading {
            level: 1,
            id: "a".into(),
            numbered: false,
            content: vec![Inline::plain("Një"), Inline::LineBreak, Inline::plain("dy")],
        },
        Block::Figure(Figure {
            id: "figura-1".into(),
            svg: "<svg/>".into(),
            width_mm: f32::NAN,
            height_mm: 1.0,
            alt: String::new(),
            caption: vec![
                Inline::plain("Figura 1:"),
                Inline::LineBreak,
                Inline::plain("x"),
            ],
        }),
    ]);
    assert_eq!(stringify(&blocks[0]["c"][2]), "Një dy");
    let img = &blocks[1]["c"][0];
    assert_eq!(stringify(&img["c"][1]), "Figura 1: x");
    assert_eq!(img["c"][0][2], serde_json::json!([]), "no width attribute");
}
