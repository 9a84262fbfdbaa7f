//! `nap diff` end to end on fixture pairs with known edits
//! (tests/fixtures/diff/<case>/{old,new}): the change list names exactly
//! those edits, krahasimi.docx carries them as tracked changes that accept to
//! NEW's plan and reject to OLD's, and krahasimi.pdf summarizes them.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn fixture(case: &str, side: &str) -> PathBuf {
    repo().join("tests/fixtures/diff").join(case).join(side)
}

static TMP: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty temporary folder.
fn tmp(name: &str) -> PathBuf {
    let n = TMP.fetch_add(1, Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("nap-diff-test-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn nap_diff(old: &Path, new: &Path, extra: &[&str]) -> Output {
    run(nap()
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--templates")
        .arg(repo().join("templates"))
        .args(extra))
}

/// Runs `nap diff OLD NEW --out OUT --json`; returns the change list.
fn diff_json(old: &Path, new: &Path, out: &Path) -> Value {
    let o = nap_diff(old, new, &["--json", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "nap diff failed:\n{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("--json prints JSON")
}

/// (id, change) of each entry of a list.
fn ids(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["change"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn entry<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn the_change_list_names_exactly_the_known_edits() {
    let v = diff_json(
        &fixture("edits", "old"),
        &fixture("edits", "new"),
        &tmp("edits"),
    );
    assert_eq!(v["old_version"], "0.3");
    assert_eq!(v["new_version"], "0.4");
    assert_eq!(
        v["plan"],
        json!([{"field": "version", "old": "0.3", "new": "0.4"}])
    );
    assert_eq!(v["policy_areas"], json!([]));
    assert_eq!(
        ids(&v["commitments"]),
        pairs(&[
            ("AK-01", "changed"),
            ("AK-02", "removed"),
            ("AK-03", "changed"),
            ("FP-02", "added")
        ])
    );

    // The reworded objective and the moved milestone date, nothing else.
    let ak01 = entry(&v["commitments"], "AK-01");
    assert!(ak01.get("moved").is_none(), "{ak01:#}");
    let fields = ak01["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{ak01:#}");
    assert_eq!(fields[0]["field"], "objective");
    assert_eq!(
        fields[0]["old"],
        "Hartimi i planeve të integritetit në ministritë e linjës."
    );
    assert_eq!(
        fields[0]["new"],
        "Miratimi i planeve të integritetit në të gjitha ministritë e linjës."
    );
    assert_eq!(
        fields[0]["words"],
        json!([
            {"kind": "deleted", "text": "Hartimi"},
            {"kind": "inserted", "text": "Miratimi"},
            {"kind": "equal", "text": " i planeve të integritetit në "},
            {"kind": "inserted", "text": "të gjitha "},
            {"kind": "equal", "text": "ministritë e linjës."}
        ])
    );
    assert_eq!(
        ak01["milestones"],
        json!([{
            "id": "AK-01.2", "change": "changed",
            "text": "Trajnimi i koordinatorëve të integritetit",
            "start": "2021-01", "end": "2021-06",
            "fields": [{"field": "end", "old": "2021-03", "new": "2021-06"}]
        }])
    );

    // Moved to another policy area (and so to another LFP): not removed and added.
    let ak03 = entry(&v["commitments"], "AK-03");
    assert_eq!(
        ak03["moved"],
        json!({
            "area": {"old": "antikorrupsioni", "new": "financat"},
            "lfp": {"old": "Ministria e Drejtësisë", "new": "Ministria e Financave dhe Ekonomisë"}
        })
    );
    assert!(
        ak03.get("fields").is_none() && ak03.get("milestones").is_none(),
        "{ak03:#}"
    );
    assert_eq!(entry(&v["commitments"], "FP-02")["area"], "financat");
    assert_eq!(entry(&v["commitments"], "AK-02")["area"], "antikorrupsioni");

    // The comment's disposition, and no consequence of AK-03's move.
    assert_eq!(ids(&v["comments"]), pairs(&[("K-1", "changed")]));
    assert_eq!(
        v["comments"][0]["fields"],
        json!([{"field": "disposition", "old": "pending", "new": "accepted"}])
    );
    assert_eq!(v["counts"]["commitments_changed"], 2);
    assert_eq!(v["counts"]["commitments_moved"], 1);
    assert_eq!(v["counts"]["dispositions_changed"], 1);
}

#[test]
fn a_reordered_commitment_is_moved_not_removed_and_added() {
    let v = diff_json(
        &fixture("reorder", "old"),
        &fixture("reorder", "new"),
        &tmp("reorder"),
    );
    assert_eq!(v["plan"], json!([]));
    assert_eq!(ids(&v["commitments"]), pairs(&[("AK-03", "changed")]));
    assert_eq!(
        v["commitments"][0]["moved"],
        json!({"position": {"old": 3, "new": 1}})
    );
    assert!(v["commitments"][0].get("fields").is_none());

    assert_eq!(
        ids(&v["policy_areas"]),
        pairs(&[("antikorrupsioni", "changed")])
    );
    let analysis = v["policy_areas"][0]["analysis"].as_array().unwrap();
    assert_eq!(analysis.len(), 1);
    assert_eq!(analysis[0]["change"], "changed");
    assert_eq!(analysis[0]["paragraph"], 3);
    let inserted: Vec<&str> = analysis[0]["words"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "inserted")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(inserted, vec!["dhe llogaridhënie "]);

    assert_eq!(ids(&v["comments"]), pairs(&[("K-1", "changed")]));
    assert_eq!(
        v["comments"][0]["fields"],
        json!([{"field": "response", "old": null, "new": "Do të shqyrtohet në takimin e radhës me LFP-të."}])
    );
    assert_eq!(v["counts"]["responses_added"], 1);
}

#[test]
fn the_terminal_summary_gives_counts_first_and_no_colour_when_piped() {
    let out = tmp("text");
    let o = nap_diff(
        &fixture("edits", "old"),
        &fixture("edits", "new"),
        &["--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Changes 0.3 → 0.4", "{text}");
    assert_eq!(
        lines[1], "  2 commitments changed (1 moved), 1 added, 1 removed",
        "{text}"
    );
    assert_eq!(lines[2], "  1 milestone changed", "{text}");
    assert_eq!(
        lines[3], "  1 comment changed (1 disposition changed)",
        "{text}"
    );
    assert_eq!(lines[4], "  1 plan field changed", "{text}");
    for want in [
        "  ~ AK-01 \"Planet e integritetit\" (antikorrupsioni)",
        "objective: [-Hartimi-]{+Miratimi+} i planeve të integritetit në {+të gjitha +}ministritë e linjës.",
        "milestone AK-01.2",
        "end: 2021-03 → 2021-06",
        "  - AK-02 \"Prokurimet e hapura\" (antikorrupsioni) removed",
        "moved: policy area antikorrupsioni → financat; LFP Ministria e Drejtësisë → Ministria e Financave dhe Ekonomisë",
        "  + FP-02 \"Portali i borxhit publik\" (financat) added",
        "  ~ K-1 (Qendra Res Publica, on AK-01)",
        "disposition: pending → accepted",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains('\x1b'), "no ANSI colour when piped");
    assert!(stderr(&o).contains("krahasimi.docx"));
}

#[test]
fn a_folder_against_itself_has_no_changes() {
    let dir = fixture("edits", "new");
    let o = nap_diff(&dir, &dir, &["--out", tmp("self").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "No changes (0.4 → 0.4).\n"
    );
}

#[test]
fn build_folders_compare_like_their_inputs() {
    let builds = tmp("builds");
    build(&fixture("edits", "old"), &builds.join("old"), &[]);
    build(&fixture("edits", "new"), &builds.join("new"), &[]);
    let (old, new) = (builds.join("old/0.3-draft"), builds.join("new/0.4-draft"));

    // A build against itself: no changes, exit 0, the report in its folder.
    let o = nap_diff(&new, &new, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for k in ["plan", "policy_areas", "commitments", "comments"] {
        assert_eq!(v[k], json!([]), "{k}");
    }
    assert!(new.join("krahasimi.docx").is_file() && new.join("krahasimi.pdf").is_file());

    let from_builds = diff_json(&old, &new, &tmp("b"));
    let from_inputs = diff_json(
        &fixture("edits", "old"),
        &fixture("edits", "new"),
        &tmp("i"),
    );
    assert_eq!(from_builds, from_inputs);
}

#[test]
fn unreadable_input_exits_1_and_usage_errors_exit_2() {
    let missing = repo().join("tests/fixtures/diff/no-such-folder");
    let o = nap_diff(
        &missing,
        &fixture("edits", "new"),
        &["--out", tmp("x").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-folder"), "{}", stderr(&o));

    let bad = tmp("bad-model");
    std::fs::write(bad.join("model.json"), "{\"plan\": 3}").unwrap();
    let o = nap_diff(
        &bad,
        &fixture("edits", "new"),
        &["--out", tmp("y").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("model.json"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());

    let o = run(nap().args(["diff", "only-one-folder"]));
    assert_eq!(o.status.code(), Some(2));
}

// ---- krahasimi.docx ----------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum View {
    /// Every change accepted: w:ins kept, w:del dropped.
    Accept,
    /// Every change rejected: w:del kept, w:ins dropped.
    Reject,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The non-empty paragraphs of a WordprocessingML body as `view` shows them
/// (text of w:t and w:delText runs; w:br as a line break). Table-of-contents
/// entries are left out: they are a field Word recomputes, and the redline's
/// page numbers differ from either plan's.
fn paragraphs(xml: &str, view: View) -> Vec<String> {
    let mut out = Vec::new();
    let (mut ins, mut del) = (0usize, 0usize);
    let mut in_text = false;
    let mut toc = false;
    let mut para = String::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        if in_text && ins_visible(ins, del, view) {
            para.push_str(&unescape(&rest[..lt]));
        }
        let gt = rest[lt..].find('>').unwrap() + lt;
        let tag = &rest[lt + 1..gt];
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap();
        match (name, closing, self_closing) {
            ("w:ins", false, false) => ins += 1,
            ("w:ins", true, _) => ins -= 1,
            ("w:del", false, false) => del += 1,
            ("w:del", true, _) => del -= 1,
            ("w:t" | "w:delText", false, false) => in_text = true,
            ("w:t" | "w:delText", true, _) => in_text = false,
            ("w:br", _, true) if ins_visible(ins, del, view) => para.push('\n'),
            ("w:pStyle", false, true) => toc |= tag.contains("w:val=\"TOC"),
            ("w:p", true, _) => {
                if !para.trim().is_empty() && !toc {
                    out.push(std::mem::take(&mut para));
                }
                para.clear();
                toc = false;
            }
            _ => {}
        }
        rest = &rest[gt + 1..];
    }
    out
}

/// The XML inside every non-empty `tag` element (w:ins or w:del runs).
fn revised_runs(xml: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag} "), format!("</{tag}>"));
    let mut out = String::new();
    for chunk in xml.split(open.as_str()).skip(1) {
        let gt = chunk.find('>').unwrap();
        if chunk[..gt].ends_with('/') {
            continue; // a paragraph-mark revision: no content of its own
        }
        let end = chunk.find(close.as_str()).unwrap();
        out.push_str(&chunk[gt + 1..end]);
        out.push('\n');
    }
    out
}

fn ins_visible(ins: usize, del: usize, view: View) -> bool {
    match view {
        View::Accept => del == 0,
        View::Reject => ins == 0,
    }
}

/// The one version folder a build wrote into `out`.
fn built(out: &Path) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs.pop().unwrap()
}

/// Builds OLD and NEW of a case and diffs them: (OLD's plan, NEW's plan,
/// the redline), each as word/document.xml.
fn plans_and_redline(case: &str) -> (String, String, String) {
    let builds = tmp(case);
    build(&fixture(case, "old"), &builds.join("old"), &[]);
    build(&fixture(case, "new"), &builds.join("new"), &[]);
    let old_plan = document_xml(&built(&builds.join("old")).join("plani-i-veprimit.docx"));
    let new_plan = document_xml(&built(&builds.join("new")).join("plani-i-veprimit.docx"));
    let out = builds.join("diff");
    diff_json(&fixture(case, "old"), &fixture(case, "new"), &out);
    (
        old_plan,
        new_plan,
        document_xml(&out.join("krahasimi.docx")),
    )
}

#[test]
fn a_moved_section_accepts_and_rejects_in_order() {
    let (old_plan, new_plan, red) = plans_and_redline("reorder");
    assert_eq!(
        paragraphs(&red, View::Accept),
        paragraphs(&new_plan, View::Accept)
    );
    assert_eq!(
        paragraphs(&red, View::Reject),
        paragraphs(&old_plan, View::Accept)
    );
    let inserted = revised_runs(&red, "w:ins");
    assert!(inserted.contains("llogaridhënie"), "the reworded paragraph");
}

#[test]
fn krahasimi_docx_accepts_to_new_and_rejects_to_old() {
    let (old_plan, new_plan, red) = plans_and_redline("edits");

    // Tracked changes with author and NEW's build date (SOURCE_DATE_EPOCH).
    assert!(
        red.contains("<w:ins ") && red.contains("<w:del "),
        "no w:ins / w:del runs"
    );
    for tag in ["<w:ins ", "<w:del "] {
        for chunk in red.split(tag).skip(1) {
            let attrs = &chunk[..chunk.find('>').unwrap()];
            assert!(attrs.contains("w:author=\"nap\""), "{tag}{attrs}");
            assert!(attrs.contains("w:date=\"2020-12-15T"), "{tag}{attrs}");
        }
    }
    assert_eq!(
        paragraphs(&red, View::Accept),
        paragraphs(&new_plan, View::Accept)
    );
    assert_eq!(
        paragraphs(&red, View::Reject),
        paragraphs(&old_plan, View::Accept)
    );

    // Unchanged text is not marked: FP-01 is in no revision.
    let revised = revised_runs(&red, "w:ins") + &revised_runs(&red, "w:del");
    assert!(revised.contains("Miratimi") && revised.contains("Hartimi"));
    assert!(
        revised.contains("Portali i borxhit publik"),
        "the added commitment is marked"
    );
    assert!(
        !revised.contains("Buxheti i hapur"),
        "an unchanged commitment is marked"
    );
}

#[test]
fn libreoffice_sees_the_tracked_changes_with_author_and_date() {
    if !have("soffice") {
        return;
    }
    let out = tmp("lo");
    diff_json(&fixture("edits", "old"), &fixture("edits", "new"), &out);
    let odt = soffice_convert(&out.join("krahasimi.docx"), "odt", "odt");
    let o = Command::new("unzip")
        .arg("-p")
        .arg(&odt)
        .arg("content.xml")
        .output()
        .unwrap();
    let content = String::from_utf8(o.stdout).unwrap();
    assert!(
        content.contains("<text:tracked-changes"),
        "LibreOffice found no tracked changes"
    );
    assert!(content.contains("<text:insertion>") && content.contains("<text:deletion>"));
    assert!(content.contains("<dc:creator>nap</dc:creator>"));
    assert!(content.contains("<dc:date>2020-12-15"));
}

#[test]
fn krahasimi_pdf_summarizes_the_changes_in_albanian() {
    if !have("pdftotext") {
        return;
    }
    let out = tmp("pdf");
    diff_json(&fixture("edits", "old"), &fixture("edits", "new"), &out);
    let text = pdf_text(&out.join("krahasimi.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Krahasimi i versioneve të planit",
        "Nga versioni 0.3 në versionin 0.4",
        "Angazhime të shtuara",
        "Angazhime të hequra",
        "AK-02 Prokurimet e hapura (i hequr)",
        "FP-02 Portali i borxhit publik (i shtuar)",
        "Veprimtaria AK-01.2: Përfundimi",
        "Fusha e politikave Lufta kundër korrupsionit Financat publike",
        "mars 2021",
        "qershor 2021",
        "Në shqyrtim",
        "Pranuar",
    ] {
        assert!(flat.contains(want), "missing {want:?} in\n{text}");
    }
}
