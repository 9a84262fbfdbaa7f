//! What the reader makes of the fixtures: the normalized, resolved model.

mod common;
use common::copy;
use nap_input::{load, LoadOptions};
use nap_model::{Date, Disposition, OgpValue, Plan};
use std::path::{Path, PathBuf};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/check")
        .join(case)
}

fn plan(case: &str) -> Plan {
    let loaded = load(&fixture(case), &LoadOptions { final_rules: true });
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    loaded.plan.expect("a plan")
}

#[test]
fn references_resolve_case_insensitively_to_ids() {
    let p = plan("ok");
    let c = &p.policy_areas[0].commitments[0];
    // "Ministry of Justice" is an alias of md; "QKB" a short name.
    assert_eq!(c.lead, "md");
    assert_eq!(
        c.other_actors.government[0].institution.as_deref(),
        Some("qkb")
    );
    assert_eq!(
        c.other_actors.government[0].name,
        "Qendra Kombëtare e Biznesit"
    );
    assert_eq!(c.other_actors.government[1].institution, None);
    assert_eq!(
        c.other_actors.government[1].name,
        "Dhoma Kombëtare e Avokatisë"
    );
    assert_eq!(p.policy_areas[0].lfp, ["md"]);
    assert_eq!(
        c.ogp_values,
        [
            OgpValue::AccessToInformation,
            OgpValue::PublicAccountability
        ]
    );
    // Round labels match plan.json's rounds by title, any case.
    assert_eq!(p.round.as_deref(), Some("konsultimi-publik"));
    assert_eq!(p.comments[1].round, "konsultimi-publik");
    // A policy area by title; a comment without one takes its commitment's.
    assert_eq!(p.comments[1].policy_area.as_deref(), Some("drejtesia"));
    assert_eq!(p.comments[0].policy_area.as_deref(), Some("drejtesia"));
}

#[test]
fn dates_and_default_milestone_ids() {
    let p = plan("ok");
    let c = &p.policy_areas[0].commitments[0];
    assert_eq!(
        (c.start, c.end),
        (Date::ymd(2021, 1, 1), Date::month(2022, 6))
    );
    let ids: Vec<&str> = c.milestones.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["AD-01.1", "AD-01.2"]);
    assert_eq!(p.comments[0].date, Date::ymd(2020, 10, 15));
    assert_eq!(p.comments[1].date, Date::month(2020, 11));
    assert_eq!(
        p.process.phases[0].activities[1]
            .count
            .as_ref()
            .map(|c| (c.text.as_str(), c.value)),
        Some((">150", Some(150.0)))
    );
}

#[test]
fn a_person_without_consent_is_never_in_the_model() {
    for case in ["ok", "windows-1250-csv", "utf16-csv"] {
        let p = plan(case);
        assert_eq!(
            p.comments[0].stakeholder.as_deref(),
            Some("Arta Hoxha"),
            "{case}"
        );
        assert!(!p.comments[1].consent);
        assert_eq!(p.comments[1].stakeholder, None, "{case}");
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("Besnik Dervishi"), "{case}");
    }
}

#[test]
fn every_encoding_gives_the_same_comments() {
    let utf8 = plan("ok").comments;
    for case in ["windows-1250-csv", "utf16-csv"] {
        assert_eq!(plan(case).comments, utf8, "{case}");
    }
    assert_eq!(
        utf8[1].comment,
        "Kërkojmë raportim për numrin e përfituesve."
    );
    assert_eq!(utf8[1].disposition, Disposition::PartiallyAccepted);
    assert_eq!(
        utf8[1].response.as_deref(),
        Some("Raporti do të jetë gjashtëmujor, jo vjetor.")
    );
}

#[test]
fn files_read_are_listed_relative_and_sorted() {
    let loaded = load(&fixture("ok"), &LoadOptions::default());
    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        [
            "areas/drejtesia/commitments.json",
            "areas/drejtesia/situation-analysis.md",
            "comments/komentet.csv",
            "plan.json",
            "process/intro.md",
            "process/process.json",
        ]
    );
}

#[test]
fn without_a_rounds_list_labels_differing_in_case_are_one_round() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("ok");
    for rel in ["areas/drejtesia", "comments", "process"] {
        std::fs::create_dir_all(tmp.path().join(rel)).unwrap();
    }
    for rel in [
        "areas/drejtesia/commitments.json",
        "areas/drejtesia/situation-analysis.md",
        "process/process.json",
        "process/intro.md",
    ] {
        std::fs::copy(src.join(rel), tmp.path().join(rel)).unwrap();
    }
    let plan_json = std::fs::read_to_string(src.join("plan.json")).unwrap();
    let start = plan_json.find("  \"round\":").unwrap();
    let end = plan_json.find("  \"institutions\"").unwrap();
    std::fs::write(
        tmp.path().join("plan.json"),
        format!("{}{}", &plan_json[..start], &plan_json[end..]),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("comments/a.csv"),
        "ID;Date;Round;Comment\nA-1;2020-10;Konsultimi  publik ;një\nA-2;2020-10;parakonsultimi;dy\nA-3;2020-11;KONSULTIMI PUBLIK;tre\n",
    )
    .unwrap();
    let loaded = load(tmp.path(), &LoadOptions::default());
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let p = loaded.plan.unwrap();
    let rounds: Vec<(&str, &str)> = p
        .rounds
        .iter()
        .map(|r| (r.id.as_str(), r.title.as_str()))
        .collect();
    assert_eq!(
        rounds,
        [
            ("konsultimi publik", "Konsultimi publik"),
            ("parakonsultimi", "parakonsultimi")
        ]
    );
    let of: Vec<&str> = p.comments.iter().map(|c| c.round.as_str()).collect();
    assert_eq!(
        of,
        ["konsultimi publik", "parakonsultimi", "konsultimi publik"]
    );
    // Absent disposition column: every comment is pending.
    assert!(p
        .comments
        .iter()
        .all(|c| c.disposition == Disposition::Pending));
}

#[test]
fn crlf_csv_lines_are_physical_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("ok");
    copy(&src, tmp.path());
    let csv = std::fs::read_to_string(src.join("comments/komentet.csv")).unwrap();
    let csv = csv
        .replace("konsultimi publik", "konsultimi-y")
        .replace('\n', "\r\n");
    std::fs::write(
        tmp.path().join("comments/komentet.csv"),
        format!("{csv}\r\n"),
    )
    .unwrap();
    let loaded = load(tmp.path(), &LoadOptions::default());
    let places: Vec<(String, Option<usize>)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.line))
        .collect();
    assert_eq!(places, [("comments/komentet.csv".to_string(), Some(3))]);
}

#[test]
fn more_comments_than_the_limit_are_refused_at_the_row_past_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/check/ok");
    copy(&base, dir.path());
    let file = std::fs::read_dir(dir.path().join("comments"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // The fixture may be Windows-1250: work on bytes, ids are ASCII.
    let bytes = std::fs::read(&file).unwrap();
    let mut lines = bytes.split(|b| *b == b'\n');
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let rest = &row[row.iter().position(|b| *b == b',').unwrap()..];
    let mut csv = header.to_vec();
    csv.push(b'\n');
    for i in 0..=nap_input::MAX_COMMENTS {
        csv.extend_from_slice(format!("X-{i}").as_bytes());
        csv.extend_from_slice(rest);
        csv.push(b'\n');
    }
    std::fs::write(&file, csv).unwrap();
    let loaded = nap_input::load(dir.path(), &Default::default());
    let limit: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("limit"))
        .collect();
    assert_eq!(limit.len(), 1, "{:#?}", loaded.diagnostics);
    assert!(limit[0].is_error());
    assert_eq!(
        limit[0].line,
        Some(nap_input::MAX_COMMENTS + 2),
        "the first row past the limit"
    );
}
