//! Test data built in code: the seed report's process (seven phases, June to
//! December 2020, with the counts it prints) and a plan with comments.

use nap_model::{Activity, Comment, Count, Date, Disposition, Period, Phase, Plan, Process, Round};

/// No two boxes overlap (label layout tests).
pub(crate) fn assert_no_overlap(boxes: &[crate::text::Rect]) {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
        }
    }
}

pub(crate) fn activity(month: Date, title: &str, count: Option<&str>) -> Activity {
    Activity {
        month,
        title: title.into(),
        text: String::new(),
        count: count.map(|c| Count {
            text: c.into(),
            value: c
                .trim_start_matches(['>', '<', '~'])
                .replace(' ', "")
                .parse()
                .ok(),
        }),
    }
}

pub(crate) fn phase(title: &str, start: Date, end: Date) -> Phase {
    Phase {
        id: title.to_lowercase().replace(' ', "-"),
        title: title.into(),
        start,
        end,
        activities: Vec::new(),
    }
}

pub(crate) fn seed_process() -> Process {
    let m = Date::month;
    let with = |mut p: Phase, acts: Vec<Activity>| {
        p.activities = acts;
        p
    };
    Process {
        title: "Procesi i zhvillimit të planit të veprimit".into(),
        phases: vec![
            with(
                phase("Përgatitjet", m(2020, 6), m(2020, 7)),
                vec![
                    activity(m(2020, 6), "Metodologjia", None),
                    activity(
                        m(2020, 6),
                        "Fushat e politikave dhe institucionet LFP",
                        None,
                    ),
                    activity(m(2020, 7), "Miratimi i kornizës metodologjike", None),
                    activity(m(2020, 7), "Kalendari i menaxhimit", None),
                    activity(m(2020, 7), "Fillimi i procesit të zhvillimit", None),
                ],
            ),
            with(
                phase("Konsultimet paraprake", m(2020, 8), m(2020, 9)),
                vec![
                    activity(
                        m(2020, 8),
                        "Identifikohen palët kryesore të interesit",
                        Some(">150"),
                    ),
                    activity(
                        m(2020, 8),
                        "Sondazhe të hartuara të para-konsultimit",
                        Some("4"),
                    ),
                    activity(
                        m(2020, 8),
                        "Sondazhet parakonsultuese të implementuara",
                        Some("4"),
                    ),
                    activity(
                        m(2020, 8),
                        "Modeli i raportit të para-konsultimit",
                        Some("1"),
                    ),
                    activity(
                        m(2020, 9),
                        "Raportet e para-konsultimit të përfunduara",
                        Some("4"),
                    ),
                    activity(m(2020, 9), "Reagime të POC-së mbi raportet", Some("4")),
                    activity(
                        m(2020, 9),
                        "Raportet e para-konsultimit të publikuara",
                        Some("4"),
                    ),
                    activity(
                        m(2020, 9),
                        "Palët e ftuara në konsultimet tematike",
                        Some("4"),
                    ),
                ],
            ),
            with(
                phase(
                    "Konsultimet e Grupit Tematik për Bashkë-Krijimin",
                    m(2020, 9),
                    m(2020, 9),
                ),
                vec![
                    activity(
                        m(2020, 9),
                        "Informacione për palët e interesuara",
                        Some("5"),
                    ),
                    activity(
                        m(2020, 9),
                        "Mjete reagimi të palëve të interesuara",
                        Some("2"),
                    ),
                    activity(m(2020, 9), "Modeli i raportit të konsultimit", Some("1")),
                    activity(m(2020, 9), "Konsultime të grupeve tematike", Some("6")),
                    activity(m(2020, 9), "Takime strategjike javore POC–LFP", None),
                ],
            ),
            with(
                phase("Konsultimet Tematike", m(2020, 10), m(2020, 10)),
                vec![
                    activity(
                        m(2020, 10),
                        "Raportet e prodhuara të konsultimit",
                        Some("13"),
                    ),
                    activity(m(2020, 10), "Përgjigjet e POC-së mbi raportet", Some("13")),
                    activity(
                        m(2020, 10),
                        "Raportet e konsultimit të publikuara",
                        Some("13"),
                    ),
                ],
            ),
            with(
                phase(
                    "Drafti i Planit të Veprimit bazuar në LFP & Inputet e Grupit Tematik",
                    m(2020, 10),
                    m(2020, 10),
                ),
                vec![
                    activity(
                        m(2020, 10),
                        "Analiza e situatës e hartuar nga secili LFP",
                        Some("4"),
                    ),
                    activity(m(2020, 10), "Angazhimet dhe materialet shoqëruese", None),
                    activity(m(2020, 10), "Konsolidimi i zotimeve të propozuara", None),
                    activity(
                        m(2020, 10),
                        "Konsolidimi i komenteve dhe inputeve",
                        Some("4"),
                    ),
                ],
            ),
            with(
                phase(
                    "Konsultimi publik mbi Draft Planin e Veprimit",
                    m(2020, 11),
                    m(2020, 11),
                ),
                vec![
                    activity(
                        m(2020, 11),
                        "Konsultimi publik online i projekt-planit",
                        None,
                    ),
                    activity(m(2020, 11), "Takim konsultimi me KKSHC", None),
                ],
            ),
            with(
                phase(
                    "Konsolidimi dhe Miratimi i Qeverisë i Planit Përfundimtar të Veprimit",
                    m(2020, 11),
                    m(2020, 12),
                ),
                vec![
                    activity(
                        m(2020, 11),
                        "Rishikimi dhe finalizimi i projekt-planit",
                        None,
                    ),
                    activity(m(2020, 11), "Përditësimet në faqen e PQH-së", None),
                    activity(m(2020, 12), "Miratimi në GMIP", None),
                ],
            ),
        ],
    }
}

pub(crate) const LONG_TITLE: &str =
    "Konsolidimi dhe miratimi nga Qeveria i Planit Përfundimtar Kombëtar të Veprimit pas \
     konsultimit publik me shoqërinë civile, bashkitë dhe universitetet";

/// Twenty one-month phases with long titles, each with up to six counted
/// activities in its month, counts written as figures and in words.
pub(crate) fn stress_process() -> Process {
    let counts = [
        Some(">150"),
        Some("1 234"),
        Some("13"),
        Some("më shumë se njëqind"),
        None,
    ];
    let phases = (0..20u16)
        .map(|i| {
            let month = Date::month(2020 + i / 12, (i % 12) as u8 + 1);
            let mut p = phase(&format!("{LONG_TITLE} ({})", i + 1), month, month);
            p.activities = (0..1 + usize::from(i) % 6)
                .map(|k| {
                    activity(
                        month,
                        &format!("{LONG_TITLE}, aktiviteti {}", k + 1),
                        counts[(usize::from(i) + k) % counts.len()],
                    )
                })
                .collect();
            p
        })
        .collect();
    Process {
        title: "Procesi".into(),
        phases,
    }
}

/// Comments per round, by disposition in [`Disposition::ALL`] order.
pub(crate) const SEED_COMMENTS: [(&str, &str, [usize; 4]); 3] = [
    ("tematike", "Konsultimet tematike", [14, 6, 3, 0]),
    (
        "publik",
        "Konsultimi publik online i projekt-planit",
        [21, 5, 8, 3],
    ),
    (
        "kkshc",
        "Takimi me Këshillin Kombëtar të Shoqërisë Civile",
        [2, 1, 0, 1],
    ),
];

pub(crate) fn comment(n: usize, round: &str, disposition: Disposition) -> Comment {
    Comment {
        id: format!("K-{n}"),
        date: Date::month(2020, 11),
        round: round.into(),
        channel: None,
        stakeholder: None,
        consent: false,
        organisation: Some("Qendra Res Publica".into()),
        stakeholder_type: Some("OSHC".into()),
        policy_area: None,
        commitment: None,
        comment: "Koment".into(),
        disposition,
        response: None,
        source: None,
    }
}

pub(crate) fn seed_plan() -> Plan {
    let mut comments = Vec::new();
    let mut rounds = Vec::new();
    // Interleave the rounds so the figure cannot rely on comment order.
    for (id, title, _) in SEED_COMMENTS {
        rounds.push(Round {
            id: id.into(),
            title: title.into(),
        });
    }
    for (id, _, counts) in SEED_COMMENTS.iter().rev() {
        for (d, &n) in Disposition::ALL.iter().zip(counts) {
            for _ in 0..n {
                comments.push(comment(comments.len() + 1, id, *d));
            }
        }
    }
    Plan {
        country: "Shqipëria".into(),
        title: "Plani Kombëtar i Veprimit 2020–2022".into(),
        programme: None,
        period: Period {
            start: Date::month(2020, 9),
            end: Date::month(2022, 8),
        },
        language: "sq".into(),
        version: "0.1".into(),
        round: None,
        rounds,
        date: None,
        poc: None,
        institutions: Vec::new(),
        policy_areas: Vec::new(),
        comments,
        process: seed_process(),
        process_intro: String::new(),
    }
}

/// `NAP_FIGURES_DUMP=/some/dir cargo test -p nap-figures` writes the
/// sample figures there, to look at.
pub(crate) fn maybe_dump(name: &str, f: &crate::Rendered) {
    if let Some(dir) = std::env::var_os("NAP_FIGURES_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.svg")), &f.svg).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &f.png).unwrap();
        std::fs::write(dir.join(format!("{name}.txt")), &f.alt).unwrap();
    }
}

/// [`maybe_dump`] for a figure not yet rasterised (rasterised only when
/// dumping).
pub(crate) fn maybe_dump_svg(name: &str, svg: crate::Svg) {
    if std::env::var_os("NAP_FIGURES_DUMP").is_some() {
        maybe_dump(name, &svg.render(crate::DPI));
    }
}
