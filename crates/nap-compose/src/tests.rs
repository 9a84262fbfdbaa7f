//! Tests of the whole composition with the real `templates/` folder.

use super::*;
use nap_doc::{plain_text, walk, Inline};
use nap_model::*;
use std::path::Path;

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates")
}

fn opts(final_build: bool) -> ComposeOptions {
    ComposeOptions {
        templates: templates_dir(),
        final_build,
        build_date: Date::ymd(2020, 11, 15),
    }
}

fn inst(id: &str, name: &str, short: &str, lfp: bool) -> Institution {
    Institution {
        id: id.into(),
        name: name.into(),
        short: Some(short.into()),
        aliases: vec![],
        lfp,
    }
}

fn commitment(id: &str, title: &str, milestones: usize) -> Commitment {
    Commitment {
        id: id.into(),
        title: title.into(),
        lead: "md".into(),
        responsible: Some(Responsible {
            name: Some("Elona Dervishi".into()),
            position: Some("Drejtore".into()),
            email: Some("elona.dervishi@drejtesia.gov.al".into()),
            phone: Some("+355 4 222 8410".into()),
        }),
        other_actors: OtherActors {
            government: vec![Actor {
                institution: Some("akshi".into()),
                name: "Agjencia Kombëtare e Shoqërisë së Informacionit".into(),
            }],
            civil_society: vec![Actor {
                institution: None,
                name: "Qendra Res Publica".into(),
            }],
            other: vec![],
        },
        start: Date::month(2021, 1),
        end: Date::month(2022, 6),
        problem: "Problemi **kryesor**.\n\n- pika një\n- pika dy".into(),
        objective: "Objektivi.".into(),
        description: "Përshkrimi.".into(),
        ambition: Some("Ambicia.".into()),
        ogp_values: vec![
            OgpValue::AccessToInformation,
            OgpValue::PublicAccountability,
        ],
        milestones: (1..=milestones)
            .map(|n| Milestone {
                id: format!("{id}.{n}"),
                text: format!("Veprimtaria {n}"),
                start: Date::month(2021, 1),
                end: Date::month(2021, 12),
                deliverable: Some("Raport".into()),
            })
            .collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn comment(
    id: &str,
    round: &str,
    stakeholder: Option<&str>,
    consent: bool,
    org: Option<&str>,
    area: Option<&str>,
    commitment: Option<&str>,
    disposition: Disposition,
) -> Comment {
    Comment {
        id: id.into(),
        date: Date::ymd(2020, 11, 3),
        round: round.into(),
        channel: Some("email".into()),
        stakeholder: stakeholder.map(Into::into),
        consent,
        organisation: org.map(Into::into),
        stakeholder_type: Some("qytetar".into()),
        policy_area: area.map(Into::into),
        commitment: commitment.map(Into::into),
        comment: format!("Komenti {id}."),
        disposition,
        response: Some("Përgjigjja.".into()),
        source: None,
    }
}

fn sample_plan() -> Plan {
    Plan {
        country: "Shqipëri".into(),
        title: "Plani Kombëtar i Veprimit për Shqipërinë 2020–2022".into(),
        programme: Some("Partneriteti për Qeverisje të Hapur".into()),
        period: Period {
            start: Date::month(2020, 9),
            end: Date::month(2022, 8),
        },
        language: "sq".into(),
        version: "0.4".into(),
        round: Some("konsultimi-publik".into()),
        rounds: vec![
            Round {
                id: "parakonsultimi".into(),
                title: "Parakonsultimi".into(),
            },
            Round {
                id: "konsultimi-publik".into(),
                title: "Konsultimi publik".into(),
            },
        ],
        date: None,
        poc: Some(Poc {
            institution: Some("km".into()),
            contact: None,
        }),
        institutions: vec![
            inst("md", "Ministria e Drejtësisë", "MD", true),
            inst(
                "akshi",
                "Agjencia Kombëtare e Shoqërisë së Informacionit",
                "AKSHI",
                true,
            ),
            inst("km", "Kryeministria", "KM", false),
            inst("xyz", "Institucioni Provë", "XYZ", false),
        ],
        policy_areas: vec![
            PolicyArea {
                id: "antikorrupsioni".into(),
                title: "Lufta kundër korrupsionit".into(),
                lfp: vec!["md".into()],
                analysis: "Hyrje e analizës.\n\n## Korniza ligjore\n\nTekst.".into(),
                commitments: vec![
                    commitment("AL0065", "Plane integriteti", 3),
                    commitment("AL0066", "Pronësia përfituese", 2),
                ],
            },
            PolicyArea {
                id: "qeverisja-dixhitale".into(),
                title: "Qeverisja dixhitale".into(),
                lfp: vec!["akshi".into()],
                analysis: "Analiza dixhitale.".into(),
                commitments: vec![commitment("AL0067", "Shërbime online", 1)],
            },
        ],
        comments: vec![
            comment(
                "K-1",
                "parakonsultimi",
                Some("Arben Hoxha"),
                true,
                None,
                Some("antikorrupsioni"),
                Some("AL0065"),
                Disposition::Accepted,
            ),
            comment(
                "K-2",
                "konsultimi-publik",
                Some("Drita Fshehtë"),
                false,
                Some("Qendra Res Publica"),
                Some("antikorrupsioni"),
                Some("AL0065"),
                Disposition::Rejected,
            ),
            comment(
                "K-3",
                "konsultimi-publik",
                Some("Besa Pa Emër"),
                false,
                None,
                Some("antikorrupsioni"),
                None,
                Disposition::PartiallyAccepted,
            ),
            comment(
                "K-4",
                "konsultimi-publik",
                None,
                false,
                Some("IDM"),
                None,
                None,
                Disposition::Pending,
            ),
            comment(
                "K-5",
                "parakonsultimi",
                None,
                false,
                None,
                Some("qeverisja-dixhitale"),
                Some("AL0067"),
                Disposition::Accepted,
            ),
        ],
        process: Process {
            title: "Procesi i zhvillimit të planit të veprimit".into(),
            phases: vec![
                Phase {
                    id: "pergatitjet".into(),
                    title: "Përgatitjet".into(),
                    start: Date::month(2020, 6),
                    end: Date::month(2020, 7),
                    activities: vec![
                        Activity {
                            month: Date::month(2020, 6),
                            title: "Metodologjia".into(),
                            text: "POC hartoi kornizën.".into(),
                            count: None,
                        },
                        Activity {
                            month: Date::month(2020, 7),
                            title: "Miratimi i kornizës".into(),
                            text: "Letra zyrtare për LFP-të.".into(),
                            count: Some(Count {
                                text: "4".into(),
                                value: Some(4.0),
                            }),
                        },
                    ],
                },
                Phase {
                    id: "konsultimet-paraprake".into(),
                    title: "Konsultimet paraprake".into(),
                    start: Date::month(2020, 8),
                    end: Date::month(2020, 9),
                    activities: vec![
                        Activity {
                            month: Date::month(2020, 8),
                            title: "Identifikohen palët kryesore të interesit".into(),
                            text: "Çdo LFP identifikon OSHC-të.".into(),
                            count: Some(Count {
                                text: ">150".into(),
                                value: Some(150.0),
                            }),
                        },
                        Activity {
                            month: Date::month(2020, 9),
                            title: "Raportet e parakonsultimit".into(),
                            text: "Çdo LFP paraqet një raport.\n\nDhe një paragraf të dytë.".into(),
                            count: Some(Count {
                                text: "4".into(),
                                value: Some(4.0),
                            }),
                        },
                    ],
                },
            ],
        },
        process_intro: "Zhvillimi u bë nga qershor deri në dhjetor 2020.".into(),
    }
}

/// Every paragraph's and heading's text, in reading order, one per line;
/// no-break spaces read as spaces (where they go is tested in markdown.rs).
fn text_of(blocks: &[Block]) -> String {
    text_of_nbsp(blocks).replace('\u{a0}', " ")
}

fn text_of_nbsp(blocks: &[Block]) -> String {
    let mut out = String::new();
    walk(blocks, &mut |b| match b {
        Block::Heading { content, .. } | Block::Paragraph { content, .. } => {
            out.push_str(&plain_text(content));
            out.push('\n');
        }
        Block::Figure(f) => {
            out.push_str(&plain_text(&f.caption));
            out.push('\n');
        }
        Block::Toc { title, .. } => {
            out.push_str(title);
            out.push('\n');
        }
        _ => {}
    });
    out
}

fn tables(blocks: &[Block]) -> Vec<&Table> {
    let mut out = Vec::new();
    walk(blocks, &mut |b| {
        if let Block::Table(t) = b {
            out.push(t);
        }
    });
    out
}

fn cell_text(c: &Cell) -> String {
    text_of(&c.blocks).trim_end().to_string()
}

#[test]
fn composes_the_plan_from_a_small_plan() {
    let plan = sample_plan();
    let c = compose(&plan, &opts(false)).unwrap_or_else(|e| panic!("{e:#?}"));
    let doc = &c.plan;
    assert_eq!(doc.meta.language, "sq-AL");
    assert_eq!(doc.meta.author, "Kryeministria");
    assert_eq!(doc.meta.draft_mark.as_deref(), Some("DRAFT"));
    assert_eq!(doc.meta.date, "15 nëntor 2020");
    assert_eq!(doc.meta.timestamp, Date::ymd(2020, 11, 15).unix_seconds());
    assert_eq!(doc.meta.title, plan.title);

    // One OGP table (label column) and one milestones table per commitment.
    let all = tables(&doc.blocks);
    let ogp: Vec<_> = all
        .iter()
        .filter(|t| t.label_column && cell_text(&t.rows[0].cells[0]) == "Angazhimi")
        .collect();
    let milestones: Vec<_> = all
        .iter()
        .filter(|t| t.header_rows == 1 && cell_text(&t.rows[0].cells[0]) == "Nr.")
        .collect();
    assert_eq!(ogp.len(), 3);
    assert_eq!(milestones.len(), 3);
    assert_eq!(milestones[0].rows.len(), 1 + 3);
    assert_eq!(cell_text(&milestones[0].rows[2].cells[0]), "AL0065.2");
    assert_eq!(cell_text(&milestones[0].rows[1].cells[2]), "janar 2021");
    // Every row has as many cells as the table has columns.
    for t in &all {
        for r in &t.rows {
            let w: usize = r.cells.iter().map(|c| c.colspan as usize).sum();
            assert_eq!(w, t.columns.len());
        }
        assert!(t.header_rows <= t.rows.len());
    }
    // Labels of the commitment table, in Albanian, and their values.
    let labels: Vec<String> = ogp[0].rows.iter().map(|r| cell_text(&r.cells[0])).collect();
    for l in [
        "Angazhimi",
        "Periudha e zbatimit",
        "Institucioni drejtues",
        "Personi përgjegjës",
        "Aktorë të tjerë të përfshirë",
        "Problemi / situata aktuale",
        "Objektivi kryesor",
        "Përshkrimi i angazhimit",
        "Ambicia",
        "Vlerat e OGP",
    ] {
        assert!(labels.iter().any(|x| x == l), "{l} in {labels:?}");
    }
    let value = |label: &str| {
        let row = ogp[0]
            .rows
            .iter()
            .find(|r| cell_text(&r.cells[0]) == label)
            .unwrap();
        cell_text(&row.cells[1])
    };
    assert_eq!(value("Angazhimi"), "AL0065: Plane integriteti");
    assert_eq!(value("Periudha e zbatimit"), "janar 2021 – qershor 2022");
    assert_eq!(
        value("Institucioni drejtues"),
        "Ministria e Drejtësisë (MD)"
    );
    assert!(value("Personi përgjegjës").contains("elona.dervishi@drejtesia.gov.al"));
    assert!(value("Aktorë të tjerë të përfshirë")
        .contains("Aktorë qeveritarë: Agjencia Kombëtare e Shoqërisë së Informacionit"));
    assert!(value("Problemi / situata aktuale").contains("pika dy"));
    assert!(value("Vlerat e OGP").contains("Aksesi në informacion: Po"));
    assert!(value("Vlerat e OGP").contains("Pjesëmarrja qytetare: Jo"));

    let text = text_of(&doc.blocks);
    for needle in [
        "REPUBLIKA E SHQIPËRISË",
        "shtator 2020 – gusht 2022",
        "Versioni 0.4 · Raundi i konsultimit: Konsultimi publik",
        "DRAFT PËR KONSULTIM",
        "Përmbajtja",
        "Hyrje",
        "Konteksti i qeverisjes së hapur në Shqipëri",
        "Procesi i hartimit të planit",
        "Përgatitjet (qershor – korrik 2020)",
        "Gjatë konsultimeve u mblodhën 5 komente",
        "Figura 1: Komentet e marra sipas raundit",
        "Figura 2: Fazat kryesore",
        "Korniza ligjore",
        "Shtojcë: Komentet e konsoliduara",
        "Komente të përgjithshme",
        "Shkurtimet",
        "Qendra Kombëtare e Biznesit",
        "Institucioni Provë",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // The analysis' `##` heading sits below "Analiza e situatës" (level 2).
    let level_of = |t: &str| {
        doc.blocks.iter().find_map(|b| match b {
            Block::Heading { level, content, .. } if plain_text(content) == t => Some(*level),
            _ => None,
        })
    };
    assert_eq!(level_of("Analiza e situatës"), Some(2));
    assert_eq!(level_of("Korniza ligjore"), Some(3));
    assert_eq!(level_of("AL0065: Plane integriteti"), Some(3));
    // Abbreviations: data file wording wins, institutions fill the gaps, sorted.
    let abbr = all
        .iter()
        .find(|t| cell_text(&t.rows[0].cells[0]) == "Shkurtimi")
        .unwrap();
    let shorts: Vec<String> = abbr.rows[1..]
        .iter()
        .map(|r| cell_text(&r.cells[0]))
        .collect();
    let mut sorted = shorts.clone();
    sorted.sort();
    assert_eq!(shorts, sorted);
    assert!(shorts.contains(&"XYZ".to_string()) && shorts.contains(&"GMIP".to_string()));
    assert!(!text.contains("MIRATIMI I PLANIT"));
}

#[test]
fn comments_never_name_people_without_consent() {
    let plan = sample_plan();
    let c = compose(&plan, &opts(false)).unwrap();
    let text = text_of(&c.plan.blocks)
        + &text_of(&c.report.blocks)
        + &c.plan_markdown
        + &c.report_markdown;
    assert!(!text.contains("Drita Fshehtë"));
    assert!(!text.contains("Besa Pa Emër"));
    assert!(text.contains("Arben Hoxha"), "consenting people are named");
    // Without consent: the organisation, else the stakeholder type.
    let annex = tables(&c.plan.blocks)
        .into_iter()
        .filter(|t| cell_text(&t.rows[0].cells[0]) == "Komenti")
        .collect::<Vec<_>>();
    let rows: Vec<String> = annex
        .iter()
        .flat_map(|t| &t.rows[1..])
        .map(|r| cell_text(&r.cells[0]))
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("K-2") && r.contains("Qendra Res Publica")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("K-3") && r.contains("qytetar")),
        "{rows:?}"
    );
    // Grouped: commitments in plan order, then area-only, then general.
    let order: Vec<&str> = ["K-1", "K-2", "K-5", "K-3", "K-4"].to_vec();
    let seen: Vec<&str> = rows
        .iter()
        .filter_map(|r| order.iter().find(|id| r.starts_with(*id)).copied())
        .collect();
    assert_eq!(seen, order);
    let dispositions: Vec<String> = annex
        .iter()
        .flat_map(|t| &t.rows[1..])
        .map(|r| cell_text(&r.cells[1]))
        .collect();
    assert_eq!(
        dispositions,
        [
            "Pranuar",
            "Refuzuar",
            "Pranuar",
            "Pranuar pjesërisht",
            "Në shqyrtim"
        ]
    );
}

#[test]
fn composes_the_process_report_with_every_count() {
    let plan = sample_plan();
    let c = compose(&plan, &opts(false)).unwrap();
    let doc = &c.report;
    let text = text_of(&doc.blocks);
    for needle in [
        "Figura 1: Fazat kryesore të procesit të zhvillimit të Planit të Veprimit të OGP-së në Shqipëri 2020–2022",
        "Figura 2: Përmbledhja e procesit të zhvillimit",
        "Figura 3: Komentet e marra sipas raundit",
        "Përgatitjet",
        "Qershor – korrik 2020",
        "Qershor 2020",
        "Korrik 2020",
        "Gusht 2020",
        "4 · Miratimi i kornizës: Letra zyrtare për LFP-të.",
        ">150 · Identifikohen palët kryesore të interesit: Çdo LFP identifikon OSHC-të.",
        "Dhe një paragraf të dytë.",
        "Zhvillimi u bë nga qershor",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // Months are headings under their phase.
    let headings: Vec<(u8, String)> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, content, .. } => Some((*level, plain_text(content))),
            _ => None,
        })
        .collect();
    let i = headings
        .iter()
        .position(|h| h.1 == "Konsultimet paraprake")
        .unwrap();
    assert_eq!(headings[i + 1], (2, "Gusht 2020".to_string()));
    assert_eq!(headings[i + 2], (2, "Shtator 2020".to_string()));
    // The second paragraph of an activity stays inside its list item.
    let list_item_paras = doc.blocks.iter().find_map(|b| match b {
        Block::List(l) => l.items.iter().find(|it| it.len() == 2),
        _ => None,
    });
    assert!(list_item_paras.is_some());
    // Rounds table: rounds in plan order plus totals, counts per disposition.
    let t = tables(&doc.blocks)
        .into_iter()
        .find(|t| cell_text(&t.rows[0].cells[0]) == "Raundi i konsultimit")
        .unwrap();
    let row = |i: usize| t.rows[i].cells.iter().map(cell_text).collect::<Vec<_>>();
    assert_eq!(
        row(0),
        [
            "Raundi i konsultimit",
            "Pranuar",
            "Pranuar pjesërisht",
            "Refuzuar",
            "Në shqyrtim",
            "Gjithsej"
        ]
    );
    assert_eq!(row(1), ["Parakonsultimi", "2", "0", "0", "0", "2"]);
    assert_eq!(row(2), ["Konsultimi publik", "0", "1", "1", "1", "3"]);
    assert_eq!(row(3), ["Gjithsej", "2", "1", "1", "1", "5"]);
    let t = tables(&doc.blocks)
        .into_iter()
        .find(|t| cell_text(&t.rows[0].cells[0]) == "Fusha e politikës")
        .unwrap();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(cell_text).collect())
        .collect();
    assert_eq!(
        rows[1],
        ["Lufta kundër korrupsionit", "1", "1", "1", "0", "3"]
    );
    assert_eq!(rows[2], ["Qeverisja dixhitale", "1", "0", "0", "0", "1"]);
    assert_eq!(rows[3][0], "Komente të përgjithshme (pa fushë të caktuar)");
    assert_eq!(rows[3][5], "1");
    assert_eq!(rows[4], ["Gjithsej", "2", "1", "1", "1", "5"]);
}

#[test]
fn headings_have_unique_ids_and_front_matter_is_unnumbered() {
    let c = compose(&sample_plan(), &opts(false)).unwrap();
    for doc in [&c.plan, &c.report] {
        let mut ids = std::collections::BTreeSet::new();
        let mut seen_toc = false;
        for b in &doc.blocks {
            match b {
                Block::Toc { .. } => seen_toc = true,
                Block::Heading {
                    id,
                    numbered,
                    level,
                    ..
                } => {
                    assert!(
                        !id.is_empty() && ids.insert(id.clone()),
                        "duplicate id {id}"
                    );
                    assert!((1..=4).contains(level));
                    assert!(seen_toc || !numbered);
                }
                _ => {}
            }
        }
    }
    let numbered = |t: &str| {
        c.plan.blocks.iter().find_map(|b| match b {
            Block::Heading {
                numbered,
                content,
                id,
                ..
            } if plain_text(content) == t => Some((*numbered, id.clone())),
            _ => None,
        })
    };
    assert_eq!(numbered("Hyrje"), Some((true, "hyrje".into())));
    assert_eq!(numbered("Shkurtimet"), Some((false, "shkurtimet".into())));
    assert_eq!(
        numbered("AL0065: Plane integriteti"),
        Some((true, "angazhimi-al0065".into()))
    );
}

#[test]
fn final_build_has_no_draft_marking_and_an_approval_page() {
    let c = compose(&sample_plan(), &opts(true)).unwrap();
    assert_eq!(c.plan.meta.draft_mark, None);
    assert_eq!(c.report.meta.draft_mark, None);
    let text = text_of(&c.plan.blocks);
    assert!(!text.contains("DRAFT"));
    assert!(text.contains("MIRATIMI I PLANIT"));
    assert!(text.contains("Data e miratimit"));
    assert!(text.contains("„Mirëqeverisja dhe Administrata Publike“"));
    // The plan goes to GMIP for approval: the page is a form to fill in,
    // not a record of an approval that has not happened yet.
    assert!(text.contains("i paraqitet për shqyrtim dhe miratim"));
    assert!(!text.contains("u miratua"));
    // A consultation round is a draft's; the final cover names none.
    assert!(!text.contains("· Raundi i konsultimit:"), "{text}");
    let draft = text_of(&compose(&sample_plan(), &opts(false)).unwrap().plan.blocks);
    assert!(draft.contains("· Raundi i konsultimit:"));
    for b in &c.plan.blocks {
        assert!(!matches!(
            b,
            Block::Paragraph {
                style: ParaStyle::DraftMark,
                ..
            }
        ));
    }
}

#[test]
fn hostile_values_stay_text() {
    let mut plan = sample_plan();
    let a = &mut plan.policy_areas[0];
    a.title = "Titull *i rremë* {#hyrje} ::: pagebreak".into();
    a.analysis = "Para\n:::\n::: pagebreak\n::: table\n{{plan.title}}\n<script>x</script>\n![img](../../etc/passwd)".into();
    let c0 = &mut a.commitments[0];
    // Inside a table cell: must not close the table nor start a row.
    c0.problem = "Hyrje\n:::\n::: row\n::: cell\nfund".into();
    c0.title = "# jo titull\n::: toc X".into();
    plan.comments[0].comment = "[lidhje](file:///etc/shadow) {{#each areas}}x{{/each}}".into();
    let c = compose(&plan, &opts(false)).unwrap_or_else(|e| panic!("{e:#?}"));
    let text = text_of(&c.plan.blocks);
    assert!(
        text.contains("Titull *i rremë* {#hyrje} ::: pagebreak"),
        "{text}"
    );
    assert!(text.contains("{{plan.title}}"));
    assert!(text.contains("<script>x</script>"));
    assert!(text.contains("{{#each areas}}x{{/each}}"));
    assert!(text.contains("# jo titull ::: toc X"), "{text}");
    // The commitment table still has all its rows, the problem in one cell.
    let ogp = tables(&c.plan.blocks)
        .into_iter()
        .find(|t| t.label_column && cell_text(&t.rows[0].cells[1]).starts_with("AL0065"))
        .unwrap();
    assert_eq!(ogp.rows.len(), 10);
    let problem = ogp
        .rows
        .iter()
        .find(|r| cell_text(&r.cells[0]) == "Problemi / situata aktuale")
        .unwrap();
    assert_eq!(
        cell_text(&problem.cells[1]),
        "Hyrje ::: ::: row ::: cell fund"
    );
    // No extra page breaks or tocs came from values.
    let count = |f: &dyn Fn(&Block) -> bool| c.plan.blocks.iter().filter(|b| f(b)).count();
    let breaks_before = compose(&sample_plan(), &opts(false)).unwrap();
    let pb = |b: &Block| matches!(b, Block::PageBreak);
    assert_eq!(
        count(&pb),
        breaks_before.plan.blocks.iter().filter(|b| pb(b)).count()
    );
    assert_eq!(count(&|b| matches!(b, Block::Toc { .. })), 1);
    // Id attribute text in a value does not steal the template's id.
    assert!(c.plan.blocks.iter().any(|b| matches!(b, Block::Heading { id, content, .. } if id == "hyrje" && plain_text(content) == "Hyrje")));
    // Local links and images: text only, reported with the input file.
    let w: Vec<String> = c.warnings.iter().map(|d| d.to_string()).collect();
    assert!(
        w.iter().any(
            |d| d.contains("areas/antikorrupsioni/situation-analysis.md")
                && d.contains("../../etc/passwd")
        ),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|d| d.contains("comments") && d.contains("file:///etc/shadow")),
        "{w:#?}"
    );
    let mut links = Vec::new();
    walk(&c.plan.blocks, &mut |b| {
        if let Block::Paragraph { content, .. } = b {
            for i in content {
                if let Inline::Text(s) = i {
                    links.extend(s.style.link.clone());
                }
            }
        }
    });
    assert!(
        links
            .iter()
            .all(|l| l.starts_with('#') || l.starts_with("http") || l.starts_with("mailto:")),
        "{links:?}"
    );
}

#[test]
fn same_inputs_give_the_same_documents() {
    let plan = sample_plan();
    let a = compose(&plan, &opts(false)).unwrap();
    let b = compose(&plan, &opts(false)).unwrap();
    assert_eq!(a.plan, b.plan);
    assert_eq!(a.report, b.report);
    assert_eq!(a.plan_markdown, b.plan_markdown);
    assert!(!a.plan_markdown.contains(escape::MARK));
}

/// A templates folder of this test process with the two main templates
/// `plan` and `report`, `partials/` empty and `data/labels.json` from the
/// real one, for tests that write templates.
fn scratch_templates(name: &str, plan: &str, report: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nap-compose-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("partials")).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let real = templates_dir();
    std::fs::copy(real.join("data/labels.json"), dir.join("data/labels.json")).unwrap();
    std::fs::write(dir.join(render::PLAN_TEMPLATE), plan).unwrap();
    std::fs::write(dir.join(render::REPORT_TEMPLATE), report).unwrap();
    dir
}

#[test]
fn a_broken_partial_is_reported_once_and_a_prepared_folder_composes_the_same() {
    let dir = scratch_templates("partial", "# A\n{{> pjesa}}\n", "# B\n");
    std::fs::write(dir.join("partials/pjesa.md.hbs"), "x\n{{#if a}}\n").unwrap();
    let o = ComposeOptions {
        templates: dir.clone(),
        ..opts(false)
    };
    // Both documents see the partial; its error is listed once.
    let errs = compose(&sample_plan(), &o).unwrap_err();
    let partial = format!("{}/partials/pjesa.md.hbs", dir.display());
    assert_eq!(
        errs.iter().filter(|d| d.file == partial).count(),
        1,
        "{errs:#?}"
    );
    // Compiled once, composed twice: the same documents as composing anew.
    std::fs::write(dir.join("partials/pjesa.md.hbs"), "x {{text plan.title}}\n").unwrap();
    let prepared = prepare(&dir).unwrap();
    let plan = sample_plan();
    let a = compose_prepared(&plan, &prepared, &o).unwrap();
    let b = compose_prepared(&plan, &prepared, &o).unwrap();
    let c = compose(&plan, &o).unwrap();
    assert_eq!(a.plan, c.plan);
    assert_eq!(b.plan_markdown, c.plan_markdown);
    assert!(c.plan_markdown.contains(&format!("x {}", plan.title)));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn both_data_files_are_reported_in_one_run() {
    let dir = scratch_templates("data", "# A\n", "# B\n");
    std::fs::write(dir.join("data/labels.json"), "{}").unwrap();
    std::fs::write(dir.join("data/abbreviations.json"), "[1, 2]").unwrap();
    let errs = prepare(&dir).unwrap_err();
    let files: Vec<String> = errs.iter().map(|d| d.file.clone()).collect();
    assert_eq!(
        files,
        [
            format!("{}/data/labels.json", dir.display()),
            format!("{}/data/abbreviations.json", dir.display()),
        ],
        "{errs:#?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The diagnostics of composing the sample plan with the templates in `dir`,
/// as printed (composing must fail).
fn compose_errors(dir: &Path) -> Vec<String> {
    let o = ComposeOptions {
        templates: dir.to_path_buf(),
        ..opts(false)
    };
    let errs = compose(&sample_plan(), &o).unwrap_err();
    errs.iter().map(|d| d.to_string()).collect()
}

#[test]
fn template_errors_name_the_file_and_line() {
    let dir = scratch_templates("test", "# A\n\n::: table\n::: row\nx\n", "# B\n{{#each}}\n");
    let shown = compose_errors(&dir);
    let plan_file = format!("{}/plani-i-veprimit.md.hbs:3", dir.display());
    assert!(
        shown
            .iter()
            .any(|s| s.contains(&plan_file) && s.contains("never closed")),
        "{shown:#?}"
    );
    let report_file = format!("{}/raporti-i-procesit.md.hbs:", dir.display());
    assert!(shown.iter().any(|s| s.contains(&report_file)), "{shown:#?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_figure_keeps_its_caption() {
    let plan = sample_plan();
    let mut a = Assembler::bare(
        &plan,
        false,
        Date::ymd(2020, 11, 15),
        FigureNumbers::default(),
    );
    let nodes = directive::parse("::: figure summary\nFigura 2: *Përmbledhja*\n:::", "t").unwrap();
    let blocks = a.nodes(nodes, Mode::default());
    match &blocks[..] {
        [Block::Paragraph {
            style: ParaStyle::Caption,
            content,
            ..
        }] => {
            assert_eq!(plain_text(content), "Figura\u{a0}2: Përmbledhja")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_hundred_times_the_plan_composes_quickly() {
    let base = sample_plan();
    let mut plan = base.clone();
    for k in 1..100 {
        for a in &base.policy_areas {
            let mut a = a.clone();
            a.id = format!("{}-{k}", a.id);
            for c in &mut a.commitments {
                c.id = format!("{}-{k}", c.id);
            }
            plan.policy_areas.push(a);
        }
        for c in &base.comments {
            let mut c = c.clone();
            c.id = format!("{}-{k}", c.id);
            c.policy_area = c.policy_area.map(|p| format!("{p}-{k}"));
            c.commitment = c.commitment.map(|p| format!("{p}-{k}"));
            plan.comments.push(c);
        }
    }
    let start = std::time::Instant::now();
    let c = compose(&plan, &opts(false)).unwrap();
    let elapsed = start.elapsed();
    let ogp = tables(&c.plan.blocks)
        .into_iter()
        .filter(|t| t.label_column && t.rows.len() == 10)
        .count();
    assert_eq!(ogp, 300);
    // Generous for a debug build on a slow machine; quadratic grouping over
    // 500 comments × 300 commitments would not be the bottleneck, but
    // anything per-line quadratic in the merged text would blow past it.
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}

#[test]
fn hostile_depth_and_repetition_stay_bounded() {
    let mut plan = sample_plan();
    let deep = format!("{}thellë\n\n{}listë", "> ".repeat(2000), "- ".repeat(2000));
    plan.policy_areas[0].analysis = format!("{deep}\n\n{}", "## Njësoj\n\ntekst\n\n".repeat(5000));
    plan.policy_areas[0].commitments[0].problem = deep.clone();
    plan.comments[0].comment = deep;
    let start = std::time::Instant::now();
    let c = compose(&plan, &opts(false)).unwrap();
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    // Nesting is capped wherever the text lands (body, table cell, annex).
    fn depth(blocks: &[Block]) -> usize {
        let mut max = 0;
        let mut stack: Vec<(&[Block], usize)> = vec![(blocks, 0)];
        while let Some((bs, d)) = stack.pop() {
            max = max.max(d);
            for b in bs {
                match b {
                    Block::Quote(q) => stack.push((q, d + 1)),
                    Block::List(l) => l.items.iter().for_each(|it| stack.push((it, d + 1))),
                    Block::Table(t) => t
                        .rows
                        .iter()
                        .flat_map(|r| &r.cells)
                        .for_each(|c| stack.push((&c.blocks, d + 1))),
                    _ => {}
                }
            }
        }
        max
    }
    assert!(
        depth(&c.plan.blocks) <= markdown::MAX_DEPTH + 4,
        "{}",
        depth(&c.plan.blocks)
    );
    let text = text_of(&c.plan.blocks);
    assert!(text.contains("thellë") && text.contains("listë"));
    let ids: std::collections::BTreeSet<&str> = c
        .plan
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { id, .. } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert!(ids.contains("njesoj") && ids.contains("njesoj-5000"));
}

#[test]
fn meta_sets_properties_and_rejects_unknown_keys() {
    let plan = sample_plan();
    let text = "::: meta\ntitle: Plani \\*OGP\\*\nkeywords: OGP, PQH\ndraft_mark: PROJEKT\nfooter: Sekretariati Teknik\n:::";
    let nodes = directive::parse(text, "t").unwrap();
    let mut a = Assembler::bare(
        &plan,
        false,
        Date::ymd(2020, 11, 15),
        FigureNumbers::default(),
    );
    a.nodes(nodes.clone(), Mode::default());
    assert!(a.errors.is_empty());
    assert_eq!(a.meta.title, "Plani *OGP*");
    assert_eq!(a.meta.keywords, ["OGP", "PQH"]);
    assert_eq!(a.meta.draft_mark.as_deref(), Some("PROJEKT"));
    assert_eq!(a.meta.footer, "Sekretariati Teknik");
    assert_eq!(
        (a.meta.page_label.as_str(), a.meta.page_of.as_str()),
        ("Faqe", "nga")
    );
    // A final build never carries a draft marking, whatever the template says.
    let mut a = Assembler::bare(
        &plan,
        true,
        Date::ymd(2020, 11, 15),
        FigureNumbers::default(),
    );
    a.nodes(nodes, Mode::default());
    assert_eq!(a.meta.draft_mark, None);

    let text = format!(
        "x\n::: meta{}tmpl.hbs:7{}\ntitle: T\ntitull: T\n:::",
        escape::MARK,
        escape::MARK
    );
    let mut a = Assembler::bare(
        &plan,
        false,
        Date::ymd(2020, 11, 15),
        FigureNumbers::default(),
    );
    a.nodes(directive::parse(&text, "t").unwrap(), Mode::default());
    assert_eq!(a.errors.len(), 1);
    assert_eq!(
        (a.errors[0].file.as_str(), a.errors[0].line),
        ("tmpl.hbs", Some(9))
    );
    assert!(a.errors[0].message.contains("titull"));
}

#[test]
fn table_rows_wider_than_the_table_are_errors_and_short_rows_are_filled() {
    let plan = sample_plan();
    let text = "::: table widths=50,50\n::: row\na\n::: cell\nb\n::: cell\nc\n::: row\nvetëm\n:::";
    let mut a = Assembler::bare(
        &plan,
        false,
        Date::ymd(2020, 11, 15),
        FigureNumbers::default(),
    );
    a.nodes(directive::parse(text, "t").unwrap(), Mode::default());
    assert_eq!(a.errors.len(), 1);
    assert!(a.errors[0]
        .message
        .contains("3 cells but the table has 2 columns"));
    let text = "::: table\n::: header\nA\n::: cell\nB\n::: row\nvetëm\n:::";
    let mut a = Assembler::bare(
        &plan,
        false,
        Date::ymd(2020, 11, 15),
        FigureNumbers::default(),
    );
    let blocks = a.nodes(directive::parse(text, "t").unwrap(), Mode::default());
    let Block::Table(t) = &blocks[0] else {
        panic!("{blocks:?}")
    };
    assert_eq!((t.columns.len(), t.header_rows), (2, 1));
    assert_eq!(t.rows[1].cells.len(), 2);
    assert!(t.rows[1].cells[1].blocks.is_empty());
}

#[test]
fn the_templates_folder_keeps_the_bytes_it_read() {
    let dir = scratch_templates("bytes", "# A\r\n", "# B\n");
    std::fs::write(dir.join("partials/pjesa.md.hbs"), "x\r\n").unwrap();
    std::fs::write(dir.join("LEXO.txt"), "not a template").unwrap();
    let t = Templates::load(&dir).unwrap();
    let read: Vec<&str> = t.bytes.keys().map(String::as_str).collect();
    assert_eq!(
        read,
        [
            "data/labels.json",
            "partials/pjesa.md.hbs",
            render::PLAN_TEMPLATE,
            render::REPORT_TEMPLATE
        ]
    );
    for (rel, bytes) in &t.bytes {
        assert_eq!(*bytes, std::fs::read(dir.join(rel)).unwrap(), "{rel}");
    }
    // As read: the line ends are the file's, not the normalised source's.
    assert_eq!(t.bytes[render::PLAN_TEMPLATE], b"# A\r\n");
    assert_eq!(t.sources[render::PLAN_TEMPLATE], "# A\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A process too long for one page: the report shows Figure 2 in parts, one
/// figure number, the caption under each part, "(vazhdim)" after the first.
#[test]
fn a_tall_figure_is_shown_in_parts_under_one_number() {
    let mut plan = sample_plan();
    let phase = plan.process.phases[1].clone();
    plan.process.phases = (0..30)
        .map(|i| {
            let mut p = phase.clone();
            p.id = format!("faza-{i}");
            p.title = format!("Faza {}", i + 1);
            p
        })
        .collect();
    let c = compose(&plan, &opts(false)).unwrap_or_else(|e| panic!("{e:#?}"));
    let mut figures = Vec::new();
    walk(&c.report.blocks, &mut |b| {
        if let Block::Figure(f) = b {
            figures.push(f.clone());
        }
    });
    let summary: Vec<_> = figures
        .iter()
        .filter(|f| f.alt.contains("Përmbledhja e procesit"))
        .collect();
    assert!(summary.len() >= 2, "{} parts", summary.len());
    let first = plain_text(&summary[0].caption);
    assert!(first.starts_with("Figura\u{a0}2"), "{first}");
    assert!(!first.contains("vazhdim"));
    for part in &summary[1..] {
        assert_eq!(plain_text(&part.caption), format!("{first} (vazhdim)"));
        assert!(part.alt.starts_with("Vazhdim. "));
    }
    for f in &figures {
        assert!(f.height_mm <= 221.1, "a part of {} mm", f.height_mm);
    }
    let ids: std::collections::BTreeSet<_> = figures.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids.len(), figures.len(), "unique ids");
    // The comments figure keeps its own number after the split one.
    assert!(text_of(&c.report.blocks).contains("Figura 3"));
}

/// The text of the process report composed from the sample plan changed
/// by `edit`.
fn report_text(edit: impl FnOnce(&mut Plan)) -> String {
    text_of(&composed(edit).report.blocks)
}

/// Both documents composed (as a draft) from the sample plan changed by `edit`.
fn composed(edit: impl FnOnce(&mut Plan)) -> Composed {
    let mut plan = sample_plan();
    edit(&mut plan);
    compose(&plan, &opts(false)).unwrap_or_else(|e| panic!("{e:#?}"))
}

/// `text` holds every phrase of `has` and none of `lacks`.
fn says(text: &str, has: &[&str], lacks: &[&str]) {
    for h in has {
        assert!(text.contains(h), "missing {h:?} in:\n{text}");
    }
    for l in lacks {
        assert!(!text.contains(l), "unwanted {l:?} in:\n{text}");
    }
}

/// A report built before any phase is recorded: no empty figures or
/// "0 fazat", a sentence saying the phases will follow, and the comments
/// figure numbered first.
#[test]
fn a_report_without_phases_says_they_will_follow() {
    says(
        &report_text(|plan| plan.process.phases.clear()),
        &[
            "Fazat e procesit do të përshkruhen këtu sapo të regjistrohen.",
            "Figura 1: Komentet",
        ],
        &["0 fazat", "Fazat kryesore të procesit"],
    );
}

/// A report built before any comment: no tables of zeros and no caption
/// without its figure, but a sentence saying the figures will follow.
#[test]
fn a_report_without_comments_says_they_will_follow() {
    says(
        &report_text(|plan| plan.comments.clear()),
        &["Nuk janë regjistruar ende komente nga palët e interesuara"],
        &["Komentet e marra sipas raundit", "Tabela 1"],
    );
}

/// One phase is spoken of in the singular ("1 fazat" is not Albanian).
#[test]
fn a_single_phase_is_spoken_of_in_the_singular() {
    says(
        &report_text(|plan| plan.process.phases.truncate(1)),
        &["Seksioni pasues e përshkruan fazën muaj pas muaji."],
        &["1 fazat"],
    );
    says(
        &report_text(|_| {}),
        &["përshkruajnë 2 fazat një nga një"],
        &[],
    );
}

fn plan_text(edit: impl FnOnce(&mut Plan)) -> String {
    text_of(&composed(edit).plan.blocks)
}

/// The plan's process section before any phase or comment is recorded
/// speaks as the report does: no "me 0 faza … Fazat ishin:" over nothing,
/// no table of zeros, no caption over an empty figure.
#[test]
fn a_plan_without_phases_or_comments_says_they_will_follow() {
    says(
        &plan_text(|plan| plan.process.phases.clear()),
        &[
            "Fazat e procesit të bashkëkrijimit do të përshkruhen këtu",
            "Figura 1: Komentet",
        ],
        &["0 faza", "Fazat kryesore të procesit"],
    );
    says(
        &plan_text(|plan| plan.comments.clear()),
        &[
            "Nuk janë regjistruar ende komente nga palët e interesuara",
            "Figura 1: Fazat kryesore",
        ],
        &["u mblodhën 0 komente", "Tabela 1"],
    );
    says(
        &plan_text(|plan| plan.process.phases.truncate(1)),
        &["me një fazë", "Faza ishte:"],
        &[],
    );
}

/// A commitment's template table names its commitment in a header row, so
/// the page it continues on says whose details they are (it did not).
#[test]
fn a_commitment_table_repeats_its_name_on_every_page() {
    let c = compose(&sample_plan(), &opts(false)).unwrap();
    let mut tables = Vec::new();
    walk(&c.plan.blocks, &mut |b| {
        if let Block::Table(t) = b {
            if t.label_column {
                tables.push(t.clone());
            }
        }
    });
    let commitments: Vec<_> = tables
        .iter()
        .filter(|t| {
            t.rows
                .first()
                .and_then(|r| r.cells.first())
                .is_some_and(|c| text_of(&c.blocks).trim() == "Angazhimi")
        })
        .collect();
    assert!(!commitments.is_empty());
    for t in commitments {
        assert_eq!(t.header_rows, 1);
    }
}

/// A long template compiles, and a mistake near its end is still named at
/// its line and column. Handlebars counted each token's line from the start
/// of the template (quadratic: 240 KB took 16 s); the patched copy in
/// vendor/handlebars looks it up in pest's line index.
#[test]
fn a_long_template_names_the_line_of_a_late_mistake() {
    let mut plan = String::from("# A\n\n");
    for i in 0..3000 {
        plan.push_str(&format!(
            "Rreshti {i}: {{{{text plan.title}}}} {{{{#if plan.version}}}}v{{{{/if}}}}\n\n"
        ));
    }
    plan.push_str("Fundi: {{text plan.nuk_ekziston}}\n");
    let line = plan.lines().count();
    let dir = scratch_templates("long", &plan, "# B\n");
    let shown = compose_errors(&dir);
    let at = format!("{}/plani-i-veprimit.md.hbs:{line}:8", dir.display());
    assert!(shown.iter().any(|s| s.contains(&at)), "{at}\n{shown:#?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
