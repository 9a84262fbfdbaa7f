//! The change summary as a document (Albanian), for krahasimi.pdf.

use crate::changes::{Change, ChangeList, Counts, Field, FieldChange};
use crate::tokens::{Piece, PieceKind};
use nap_doc::{Align, Block, Cell, Document, Inline, Meta, ParaStyle, Row, Span, Table};
use nap_model::Date;

fn cell_inlines(content: Vec<Inline>) -> Cell {
    Cell {
        blocks: vec![Block::Paragraph {
            style: ParaStyle::Normal,
            align: Align::Left,
            content,
        }],
        colspan: 1,
    }
}

fn cell(t: &str) -> Cell {
    cell_inlines(if t.is_empty() {
        vec![]
    } else {
        vec![Inline::plain(t)]
    })
}

fn header_cell(t: &str) -> Cell {
    cell_inlines(vec![Inline::Text(Span::bold(t))])
}

fn table(columns: &[f32], header: &[&str], rows: Vec<Vec<Cell>>, label_column: bool) -> Block {
    let mut all = vec![Row {
        cells: header.iter().map(|h| header_cell(h)).collect(),
    }];
    all.extend(rows.into_iter().map(|cells| Row { cells }));
    Block::Table(Table {
        columns: columns.iter().map(|w| Some(*w)).collect(),
        header_rows: 1,
        rows: all,
        label_column,
    })
}

fn heading(level: u8, id: String, text: &str) -> Block {
    Block::Heading {
        level,
        id,
        numbered: false,
        content: vec![Inline::plain(text)],
    }
}

fn disposition_sq(key: &str) -> &str {
    match key {
        "accepted" => "Pranuar",
        "partially_accepted" => "Pranuar pjesërisht",
        "rejected" => "Refuzuar",
        "pending" => "Në shqyrtim",
        other => other,
    }
}

fn ogp_sq(key: &str) -> &str {
    match key {
        "access_to_information" => "Qasja në informacion",
        "civic_participation" => "Pjesëmarrja qytetare",
        "public_accountability" => "Llogaridhënia publike",
        "technology_innovation" => "Teknologjia dhe inovacioni",
        other => other,
    }
}

fn date_sq(iso: &str) -> String {
    Date::parse_iso(iso).map_or(iso.to_string(), |d| d.sq())
}

/// A value as the documents print it.
fn value_sq(field: Field, v: &str) -> String {
    if field.is_date() {
        date_sq(v)
    } else if field == Field::Disposition {
        disposition_sq(v).to_string()
    } else if field == Field::OgpValues {
        v.split(", ").map(ogp_sq).collect::<Vec<_>>().join(", ")
    } else {
        v.to_string()
    }
}

/// One side of a word diff, the changed words in bold.
fn side(pieces: &[Piece], keep: PieceKind) -> Vec<Inline> {
    pieces
        .iter()
        .filter(|p| p.kind == PieceKind::Equal || p.kind == keep)
        .map(|p| {
            Inline::Text(if p.kind == PieceKind::Equal {
                Span::plain(p.text.clone())
            } else {
                Span::bold(p.text.clone())
            })
        })
        .collect()
}

fn old_new_cells(f: &FieldChange) -> (Cell, Cell) {
    if !f.words.is_empty() {
        return (
            cell_inlines(side(&f.words, PieceKind::Deleted)),
            cell_inlines(side(&f.words, PieceKind::Inserted)),
        );
    }
    let v = |x: &Option<String>| {
        x.as_deref()
            .map_or("—".to_string(), |s| value_sq(f.field, s))
    };
    (cell(&v(&f.old)), cell(&v(&f.new)))
}

fn field_rows(prefix: &str, fields: &[FieldChange]) -> Vec<Vec<Cell>> {
    fields
        .iter()
        .map(|f| {
            let (o, n) = old_new_cells(f);
            vec![cell(&format!("{prefix}{}", f.field.label_sq())), o, n]
        })
        .collect()
}

const FIELD_COLUMNS: [f32; 3] = [24.0, 38.0, 38.0];
const FIELD_HEADER: [&str; 3] = ["Fusha", "E vjetra", "E reja"];

fn count_rows(k: &Counts) -> Vec<Vec<Cell>> {
    let rows: [(usize, &str); 19] = [
        (k.commitments_added, "Angazhime të shtuara"),
        (k.commitments_removed, "Angazhime të hequra"),
        (k.commitments_changed, "Angazhime të ndryshuara"),
        (k.commitments_moved, "… prej tyre të zhvendosura"),
        (k.commitments_renamed, "… prej tyre të riemërtuara"),
        (k.milestones_added, "Veprimtari të shtuara"),
        (k.milestones_removed, "Veprimtari të hequra"),
        (k.milestones_changed, "Veprimtari të ndryshuara"),
        (k.comments_added, "Komente të shtuara"),
        (k.comments_removed, "Komente të hequra"),
        (k.comments_changed, "Komente të ndryshuara"),
        (k.dispositions_changed, "… me qëndrim të ndryshuar"),
        (k.responses_added, "… me përgjigje të re"),
        (k.responses_changed, "… me përgjigje të rishkruar"),
        (k.areas_added, "Fusha politikash të shtuara"),
        (k.areas_removed, "Fusha politikash të hequra"),
        (k.areas_changed, "Fusha politikash të ndryshuara"),
        (
            k.analysis_paragraphs,
            "Paragrafë të analizës së situatës të ndryshuar",
        ),
        (k.plan_fields, "Të dhëna të planit të ndryshuara"),
    ];
    rows.iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, label)| vec![cell(label), cell(&n.to_string())])
        .collect()
}

fn change_sq(c: Change, feminine: bool) -> &'static str {
    match (c, feminine) {
        (Change::Added, false) => "i shtuar",
        (Change::Removed, false) => "i hequr",
        (Change::Changed, false) => "i ndryshuar",
        (Change::Added, true) => "e shtuar",
        (Change::Removed, true) => "e hequr",
        (Change::Changed, true) => "e ndryshuar",
    }
}

/// The change list as an Albanian document: a heading, the counts, then one
/// section for the plan's data, the policy areas, each changed commitment
/// (a table field | e vjetra | e reja, with its milestones) and the comments.
/// Changed words are in bold.
pub fn summary_document(list: &ChangeList, meta: Meta) -> Document {
    let area = |id: &str| {
        list.area_titles
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    };
    let mut b = Vec::new();
    let mut n = 0;
    let mut id = |base: &str| {
        n += 1;
        format!("krahasimi-{base}-{n}")
    };
    b.push(Block::Paragraph {
        style: ParaStyle::Title,
        align: Align::Center,
        content: vec![Inline::plain("Krahasimi i versioneve të planit")],
    });
    b.push(Block::Paragraph {
        style: ParaStyle::Subtitle,
        align: Align::Center,
        content: vec![Inline::plain(format!(
            "Nga versioni {} në versionin {}",
            list.old_version, list.new_version
        ))],
    });
    if !meta.date.is_empty() {
        b.push(Block::Paragraph {
            style: ParaStyle::Small,
            align: Align::Center,
            content: vec![Inline::plain(meta.date.clone())],
        });
    }
    b.push(heading(1, id("permbledhje"), "Përmbledhje"));
    if list.is_empty() {
        b.push(Block::para("Nuk ka asnjë ndryshim midis dy versioneve."));
        return Document { meta, blocks: b };
    }
    b.push(Block::para(
        "Ndryshimet janë nxjerrë nga të dhënat e të dy versioneve të planit, \
         duke i krahasuar angazhimet, veprimtaritë dhe komentet sipas identifikuesit të tyre. \
         Fjalët e ndryshuara shënohen me shkronja të trasha.",
    ));
    b.push(table(
        &[70.0, 30.0],
        &["Ndryshimi", "Numri"],
        count_rows(&list.counts),
        true,
    ));

    if !list.plan.is_empty() {
        b.push(heading(1, id("plani"), "Të dhënat e planit"));
        b.push(table(
            &FIELD_COLUMNS,
            &FIELD_HEADER,
            field_rows("", &list.plan),
            true,
        ));
    }

    if !list.policy_areas.is_empty() {
        b.push(heading(1, id("fushat"), "Fushat e politikave"));
        for a in &list.policy_areas {
            b.push(heading(
                2,
                id("fusha"),
                &format!("{} ({})", a.title, change_sq(a.change, true)),
            ));
            let mut rows = field_rows("", &a.fields);
            for p in &a.analysis {
                let label = format!(
                    "Analiza e situatës, paragrafi {} ({})",
                    p.paragraph,
                    change_sq(p.change, false)
                );
                let (o, n) = if p.words.is_empty() {
                    (
                        cell(p.old.as_deref().unwrap_or("—")),
                        cell(p.new.as_deref().unwrap_or("—")),
                    )
                } else {
                    (
                        cell_inlines(side(&p.words, PieceKind::Deleted)),
                        cell_inlines(side(&p.words, PieceKind::Inserted)),
                    )
                };
                rows.push(vec![cell(&label), o, n]);
            }
            if !rows.is_empty() {
                b.push(table(&FIELD_COLUMNS, &FIELD_HEADER, rows, true));
            }
        }
    }

    if !list.commitments.is_empty() {
        b.push(heading(1, id("angazhimet"), "Angazhimet"));
        for c in &list.commitments {
            b.push(heading(
                2,
                id("angazhimi"),
                &format!("{} {} ({})", c.id, c.title, change_sq(c.change, false)),
            ));
            match c.change {
                Change::Added => {
                    b.push(Block::para(format!(
                        "Angazhim i ri në fushën „{}“.",
                        area(&c.area)
                    )));
                    continue;
                }
                Change::Removed => {
                    b.push(Block::para(format!(
                        "Angazhimi u hoq nga fusha „{}“.",
                        area(&c.area)
                    )));
                    continue;
                }
                Change::Changed => {}
            }
            let mut rows = Vec::new();
            if let Some(m) = &c.moved {
                let mut pair = |label: &str, old: String, new: String| {
                    rows.push(vec![cell(label), cell(&old), cell(&new)]);
                };
                if let Some(p) = &m.area {
                    pair("Fusha e politikave", area(&p.old), area(&p.new));
                }
                if let Some(p) = &m.lfp {
                    pair("Pika Fokale Drejtuese", p.old.clone(), p.new.clone());
                }
                if let Some(p) = &m.lead {
                    pair("Institucioni drejtues", p.old.clone(), p.new.clone());
                }
                if let Some(p) = &m.position {
                    pair(
                        "Renditja në fushë",
                        format!("{}", p.old),
                        format!("{}", p.new),
                    );
                }
            }
            rows.extend(field_rows("", &c.fields));
            for m in &c.milestones {
                match m.change {
                    Change::Added => rows.push(vec![
                        cell(&format!("Veprimtaria {} (e shtuar)", m.id)),
                        cell("—"),
                        cell(&format!(
                            "{} ({} – {})",
                            m.text,
                            date_sq(&m.start),
                            date_sq(&m.end)
                        )),
                    ]),
                    Change::Removed => rows.push(vec![
                        cell(&format!("Veprimtaria {} (e hequr)", m.id)),
                        cell(&format!(
                            "{} ({} – {})",
                            m.text,
                            date_sq(&m.start),
                            date_sq(&m.end)
                        )),
                        cell("—"),
                    ]),
                    Change::Changed => {
                        if let Some(p) = &m.position {
                            rows.push(vec![
                                cell(&format!("Veprimtaria {}: renditja", m.id)),
                                cell(&p.old.to_string()),
                                cell(&p.new.to_string()),
                            ]);
                        }
                        rows.extend(field_rows(&format!("Veprimtaria {}: ", m.id), &m.fields));
                    }
                }
            }
            b.push(table(&FIELD_COLUMNS, &FIELD_HEADER, rows, true));
        }
    }

    if !list.comments.is_empty() {
        b.push(heading(1, id("komentet"), "Komentet"));
        let mut rows = Vec::new();
        for c in &list.comments {
            let mut who = c.id.clone();
            if let Some(a) = &c.author {
                who.push_str(&format!(" ({a})"));
            }
            if let Some(k) = &c.commitment {
                who.push_str(&format!(", {k}"));
            }
            match c.change {
                Change::Added => rows.push(vec![
                    cell(&who),
                    cell("Komenti (i shtuar)"),
                    cell("—"),
                    cell(&format!("{} [{}]", c.text, disposition_sq(&c.disposition))),
                ]),
                Change::Removed => rows.push(vec![
                    cell(&who),
                    cell("Komenti (i hequr)"),
                    cell(&format!("{} [{}]", c.text, disposition_sq(&c.disposition))),
                    cell("—"),
                ]),
                Change::Changed => {
                    for mut r in field_rows("", &c.fields) {
                        r.insert(0, cell(&who));
                        rows.push(r);
                    }
                }
            }
        }
        b.push(table(
            &[16.0, 16.0, 34.0, 34.0],
            &["Komenti", "Fusha", "E vjetra", "E reja"],
            rows,
            true,
        ));
    }
    Document { meta, blocks: b }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::tests::plan;
    use crate::diff;
    use crate::redline::text_lines;
    use nap_model::{Date, Disposition};

    fn check_tables(doc: &Document) {
        nap_doc::walk(&doc.blocks, &mut |b| {
            if let Block::Table(t) = b {
                for r in &t.rows {
                    let width: usize = r.cells.iter().map(|c| c.colspan as usize).sum();
                    assert_eq!(width, t.columns.len());
                }
                assert!(t.header_rows <= t.rows.len());
            }
        });
        let mut ids = std::collections::HashSet::new();
        for b in &doc.blocks {
            if let Block::Heading { id, .. } = b {
                assert!(ids.insert(id.clone()), "duplicate heading id {id}");
            }
        }
    }

    #[test]
    fn summary_in_albanian() {
        let old = plan(2, 3, 3);
        let mut new = old.clone();
        new.version = "0.4".into();
        new.policy_areas[0].commitments[0].end = Date::month(2022, 6);
        new.policy_areas[0].commitments[0].objective =
            "Objektivi i F1-01 është forcimi i llogaridhënies.".into();
        new.policy_areas[1].commitments.remove(2);
        new.comments[0].disposition = Disposition::Accepted;
        let doc = summary_document(&diff(&old, &new), Meta::default());
        check_tables(&doc);
        let text = text_lines(&doc).join("\n");
        for want in [
            "Nga versioni 0.3 në versionin 0.4",
            "Angazhime të ndryshuara",
            "Angazhime të hequra",
            "F1-01 Angazhimi 1.1 (i ndryshuar)",
            "F2-03 Angazhimi 2.3 (i hequr)",
            "Përfundimi",
            "gusht 2022",
            "qershor 2022",
            "Në shqyrtim",
            "Pranuar",
            "… me qëndrim të ndryshuar",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        // The changed word is bold in the new column.
        let mut bold = Vec::new();
        nap_doc::walk(&doc.blocks, &mut |b| {
            if let Block::Paragraph { content, .. } = b {
                for i in content {
                    if let Inline::Text(s) = i {
                        if s.style.bold {
                            bold.push(s.text.clone());
                        }
                    }
                }
            }
        });
        assert!(bold.contains(&"forcimi i".to_string()), "{bold:?}");
    }

    #[test]
    fn empty_summary_says_so() {
        let p = plan(1, 1, 1);
        let doc = summary_document(&diff(&p, &p), Meta::default());
        assert!(
            text_lines(&doc).contains(&"Nuk ka asnjë ndryshim midis dy versioneve.".to_string())
        );
    }
}
