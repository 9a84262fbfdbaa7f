//! `nap check` on broken input folders (tests/fixtures/check/<case>/, one
//! defect each, plus one with many) and on the bundled sample: the exact
//! file:line:column and message of every diagnostic, the summary line and
//! the exit code, as a POC officer would read them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(case)
}

/// Runs the built binary; returns the exit code and what it printed on stderr.
fn nap(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("nap runs");
    let mut text = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    text.push_str(&String::from_utf8(out.stdout).expect("UTF-8 stdout"));
    (out.status.code().expect("exit code"), text)
}

/// The header line of every diagnostic, in printed order.
fn headers(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .collect()
}

fn summary(out: &str) -> &str {
    out.lines()
        .rfind(|l| l.contains(" policy area"))
        .unwrap_or("")
}

/// Checks `case` and asserts exit code, diagnostics and summary exactly.
fn expect(case: &str, final_rules: bool, code: i32, diags: &[&str], summary_line: &str) -> String {
    let dir = fixture(case);
    let dir = dir.to_str().unwrap();
    let mut args = vec!["check", "--inputs", dir];
    if final_rules {
        args.push("--final");
    }
    let (got, out) = nap(&args);
    assert_eq!(headers(&out), diags, "diagnostics of {case}:\n{out}");
    assert_eq!(summary(&out), summary_line, "summary of {case}:\n{out}");
    assert_eq!(got, code, "exit code of {case}:\n{out}");
    out
}

const CLEAN: &str = "1 policy area, 1 commitment, 2 milestones, 2 comments: 0 errors, 0 warnings";

fn one_error(counts: &str) -> String {
    format!("{counts}: 1 error, 0 warnings")
}
const COUNTS: &str = "1 policy area, 1 commitment, 2 milestones, 2 comments";

#[test]
fn a_clean_folder_passes_draft_and_final() {
    expect("ok", false, 0, &[], CLEAN);
    expect("ok", true, 0, &[], CLEAN);
}

#[test]
fn malformed_json_is_reported_at_the_parsers_position_with_the_line_shown() {
    let out = expect(
        "bad-json-syntax",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:5:5: malformed JSON: expected `,` or `}`"],
        "1 policy area, 0 commitments, 0 milestones, 2 comments: 1 error, 0 warnings",
    );
    assert!(out.contains(
        "  5 |     \"lead\": \"Ministry of Justice\",\n    |     ^\n  hint: a comma is probably missing at the end of the line before\n"
    ));
}

#[test]
fn a_missing_required_field_is_reported_at_its_object() {
    expect(
        "missing-required-field",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:2:3: [0].objective: the required field `objective` is missing"],
        &one_error(COUNTS),
    );
}

#[test]
fn an_unknown_field_is_a_warning_naming_the_field_meant() {
    let out = expect(
        "unknown-field",
        false,
        0,
        &["warning: areas/drejtesia/commitments.json:16:95: [0].milestones[0].deliverables: unknown field `deliverables`; it is ignored"],
        &format!("{COUNTS}: 0 errors, 1 warning"),
    );
    assert!(out.contains("  hint: did you mean `deliverable`?"));
}

#[test]
fn a_commitment_id_used_twice_is_an_error_naming_the_first() {
    expect(
        "duplicate-commitment-id",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:21:11: [1].id: the commitment id `AD-01` is used twice (first in areas/drejtesia/commitments.json:3)"],
        "1 policy area, 2 commitments, 4 milestones, 2 comments: 1 error, 0 warnings",
    );
}

#[test]
fn an_unknown_institution_suggests_the_closest() {
    let out = expect(
        "unknown-institution",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:5:13: [0].lead: unknown institution `Ministria e Drejtesise`"],
        &one_error(COUNTS),
    );
    assert!(out.contains("  hint: did you mean `Ministria e Drejtësisë`?"));
}

#[test]
fn an_area_folder_without_its_policy_area_and_the_reverse() {
    expect(
        "area-folder-without-area",
        false,
        1,
        &["error: areas/mjedisi: the folder areas/mjedisi/ is not a policy area of plan.json"],
        &one_error(COUNTS),
    );
    expect(
        "area-without-folder",
        false,
        1,
        &["error: plan.json:18:13: policy_areas[1].id: policy area `financat` has no folder areas/financat/"],
        "2 policy areas, 1 commitment, 2 milestones, 2 comments: 1 error, 0 warnings",
    );
}

#[test]
fn an_lfp_must_be_an_institution_marked_lfp() {
    expect(
        "lfp-not-lead-focal-point",
        false,
        1,
        &["error: plan.json:17:71: policy_areas[0].lfp[1]: `QKB` is not a Lead Focal Point: institution `qkb` does not have `lfp: true`"],
        &one_error(COUNTS),
    );
}

#[test]
fn dates_outside_their_parent_and_ends_before_starts() {
    expect(
        "milestone-outside-commitment",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:17:72: [0].milestones[1].end: the milestone ends (2022-08) after its commitment ends (2022-06)"],
        &one_error(COUNTS),
    );
    expect(
        "end-before-start",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:16:84: [0].milestones[0].end: the milestone ends (2021-01) before it starts (2021-06)"],
        &one_error(COUNTS),
    );
    expect(
        "commitment-outside-period",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:8:14: [0].start: the commitment starts (2020-06-15) before the plan period starts (2020-09)"],
        &one_error(COUNTS),
    );
    expect(
        "activity-outside-phase",
        false,
        1,
        &["error: process/process.json:11:20: phases[0].activities[1].month: the activity's month (2020-08) is outside its phase (2020-06 – 2020-07)"],
        &one_error(COUNTS),
    );
}

#[test]
fn an_impossible_date_is_an_error_never_rolled_over() {
    expect(
        "impossible-date",
        false,
        1,
        &["error: areas/drejtesia/commitments.json:8:14: [0].start: `31.02.2021` is not a valid date: 31.02.2021 does not exist: shkurt 2021 has 28 days"],
        &one_error(COUNTS),
    );
}

#[test]
fn a_count_must_be_whole_or_a_text_with_a_number() {
    expect(
        "bad-count",
        false,
        1,
        &["error: process/process.json:11:115: phases[0].activities[1].count: `count` 2.5 is not a whole number"],
        &one_error(COUNTS),
    );
}

#[test]
fn comment_values_are_checked_at_their_csv_line() {
    let out = expect(
        "unknown-disposition",
        false,
        1,
        &["error: comments/komentet.csv:2:142: disposition: unknown disposition `ndoshta`"],
        &one_error(COUNTS),
    );
    assert!(out.contains("hint: accepted values are accepted (pranuar, pranohet), partially_accepted (partially accepted, partial, pranuar pjesërisht, pranohet pjesërisht), rejected (refuzuar, nuk pranohet), pending (në shqyrtim)"));
    let out = expect(
        "unknown-commitment",
        false,
        1,
        &["error: comments/komentet.csv:2:70: commitment: unknown commitment `AD-09`"],
        &one_error(COUNTS),
    );
    assert!(out.contains("  hint: did you mean `AD-01`?"));
    let out = expect(
        "unknown-round",
        false,
        1,
        &["error: comments/komentet.csv:3:17: round: unknown round `Konsultimi final`"],
        &one_error(COUNTS),
    );
    assert!(out.contains("  hint: the rounds in plan.json are: Parakonsultimi, Konsultimi publik"));
}

#[test]
fn csv_places_are_physical_lines_and_columns_even_after_a_multi_line_field() {
    let out = expect(
        "multiline-csv-field",
        false,
        1,
        &[
            "error: comments/komentet.csv:4:19: disposition: unknown disposition `pranuar plotësisht`",
            "error: comments/komentet.csv:5:85: policy_area: unknown policy area `Aksesi ne drejtesine`",
        ],
        &format!("{COUNTS}: 2 errors, 0 warnings"),
    );
    assert!(out.contains(
        "  4 | sidomos në veri.\",pranuar plotësisht,\"Angazhimi parashikon zyra në të gjitha qarqet.\"\n    |                   ^\n"
    ));
}

#[test]
fn a_ragged_csv_row_is_an_error_at_its_line() {
    expect(
        "ragged-csv-row",
        false,
        1,
        &["error: comments/komentet.csv:3: this row has 14 fields but the header has 13"],
        &one_error(COUNTS),
    );
}

#[test]
fn excel_exports_in_windows_1250_are_read_with_a_warning() {
    expect(
        "windows-1250-csv",
        true,
        0,
        &["warning: comments/komentet.csv: the file is not UTF-8; it was read as Windows-1250 (the Albanian Windows code page)"],
        &format!("{COUNTS}: 0 errors, 1 warning"),
    );
}

#[test]
fn utf16_csv_with_a_byte_order_mark_is_read() {
    expect("utf16-csv", true, 0, &[], CLEAN);
}

#[test]
fn invalid_utf8_in_json_is_an_error_at_the_first_bad_byte() {
    expect(
        "invalid-utf8-json",
        false,
        1,
        &["error: plan.json:3:48: the file is not valid UTF-8 (byte 0xEB)"],
        "0 policy areas, 0 commitments, 0 milestones, 0 comments: 1 error, 0 warnings",
    );
}

#[test]
fn an_empty_comments_folder_is_a_warning() {
    expect(
        "no-comments",
        true,
        0,
        &["warning: comments: the comments/ folder holds no .csv file, so the plan has no stakeholder comments"],
        "1 policy area, 1 commitment, 2 milestones, 0 comments: 0 errors, 1 warning",
    );
}

#[test]
fn final_rules_pending_disposition() {
    expect("final-pending", false, 0, &[], CLEAN);
    expect(
        "final-pending",
        true,
        1,
        &["error: comments/komentet.csv:3:151: disposition: the comment is still pending; the final plan needs a disposition for every comment"],
        &one_error(COUNTS),
    );
}

#[test]
fn final_rules_missing_response() {
    expect("final-missing-response", false, 0, &[], CLEAN);
    expect(
        "final-missing-response",
        true,
        1,
        &["error: comments/komentet.csv:2:150: response: the comment has no response; the final plan needs a reasoned response to every comment"],
        &one_error(COUNTS),
    );
}

#[test]
fn final_rules_todo_markers_in_json_and_markdown() {
    expect("final-todo-marker", false, 0, &[], CLEAN);
    expect(
        "final-todo-marker",
        true,
        1,
        &[
            "error: areas/drejtesia/commitments.json:12:20: [0].description: the text still holds the marker `TODO`",
            "error: areas/drejtesia/situation-analysis.md:4:54: the text still holds the marker `tbd`",
        ],
        &format!("{COUNTS}: 2 errors, 0 warnings"),
    );
}

#[test]
fn final_rules_fields_required_at_final() {
    expect("final-missing-fields", false, 0, &[], CLEAN);
    expect(
        "final-missing-fields",
        true,
        1,
        &[
            "error: areas/drejtesia/commitments.json:2:3: [0].responsible.name: the final plan needs the responsible person's name (`responsible.name`)",
            "error: areas/drejtesia/commitments.json:2:3: [0].ambition: the final plan needs `ambition`: how the commitment goes beyond current practice",
            "error: areas/drejtesia/commitments.json:2:3: [0].ogp_values: the final plan needs at least one OGP value in `ogp_values`",
        ],
        &format!("{COUNTS}: 3 errors, 0 warnings"),
    );
}

#[test]
fn many_defects_are_all_reported_in_one_run_sorted_by_place() {
    expect(
        "many-defects",
        true,
        1,
        &[
            "error: areas/drejtesia/commitments.json:5:13: [0].lead: unknown institution `MSH`",
            "error: areas/drejtesia/commitments.json:14:45: [0].ogp_values[1]: unknown OGP value `transparency`",
            "error: areas/drejtesia/commitments.json:16:84: [0].milestones[0].end: `2021-13` is not a valid date: there is no month 13",
            "error: areas/mjedisi: the folder areas/mjedisi/ is not a policy area of plan.json",
            "error: comments/komentet.csv:3:1: id: the comment id `K-1` is used twice (first in comments/komentet.csv:2)",
            "error: comments/komentet.csv:3:5: date: `32.11.2020` is not a valid date: 32.11.2020 does not exist: nëntor 2020 has 30 days",
            "error: comments/komentet.csv:3:150: disposition: unknown disposition `pranim`",
            "warning: plan.json:6:3: langauge: unknown field `langauge`; it is ignored",
            "error: process/process.json:11:115: phases[0].activities[1].count: `count` \"shumë\" holds no number",
        ],
        "1 policy area, 1 commitment, 2 milestones, 2 comments: 8 errors, 1 warning",
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_pointing_outside_the_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inputs");
    copy_dir(&fixture("ok"), &dir);
    let outside = tmp.path().join("secret.csv");
    std::fs::write(
        &outside,
        "id,date,round,comment\nS-1,2020-10,Parakonsultimi,sekret\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("comments/zz-link.csv")).unwrap();
    let (code, out) = nap(&["check", "--inputs", dir.to_str().unwrap()]);
    assert_eq!(
        headers(&out),
        ["error: comments/zz-link.csv: this is a symbolic link to a place outside the input folder; it is not read"]
    );
    assert_eq!(summary(&out), one_error(COUNTS));
    assert_eq!(code, 1);
}

#[test]
fn a_missing_input_folder_is_an_input_error() {
    let (code, out) = nap(&["check", "--inputs", "tests/fixtures/check/no-such-folder"]);
    assert_eq!(
        headers(&out),
        ["error: tests/fixtures/check/no-such-folder: the input folder does not exist or is not a folder"]
    );
    assert_eq!(code, 1);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let (code, out) = nap(&[
        "check",
        "--inputs",
        fixture("ok").to_str().unwrap(),
        "--finale",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--finale"), "{out}");
}

#[test]
fn the_bundled_sample_passes_check_final() {
    let (code, out) = nap(&["check", "--final"]);
    let errors: Vec<&str> = headers(&out)
        .into_iter()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert!(errors.is_empty(), "{out}");
    assert_eq!(code, 0, "{out}");
    let s = summary(&out);
    assert!(s.starts_with("4 policy areas, 9 commitments, "), "{s}");
    assert!(s.contains(": 0 errors, "), "{s}");
}

#[test]
fn csv_header_problems_are_reported_at_line_1() {
    let out = expect(
        "unknown-column",
        false,
        0,
        &["warning: comments/komentet.csv:1:15: chanel: unknown column `chanel`; it is ignored"],
        &format!("{COUNTS}: 0 errors, 1 warning"),
    );
    assert!(out.contains("  hint: did you mean `channel`?"));
    expect(
        "missing-required-column",
        false,
        1,
        &["error: comments/komentet.csv:1: the required column `round` is missing"],
        &one_error(COUNTS),
    );
}

#[test]
fn markdown_images_of_local_files_are_reported_not_followed() {
    expect(
        "local-image",
        false,
        0,
        &["warning: process/intro.md:3:1: an image to the local file `../../etc/passwd`; local files are never read or embedded, so it is left out"],
        &format!("{COUNTS}: 0 errors, 1 warning"),
    );
}

/// What `nap check` reads in Markdown is what the documents print: both
/// parse with the same extensions (footnotes among them).
#[test]
fn the_checker_and_the_composer_read_markdown_alike() {
    assert_eq!(
        nap_input::markdown_options(),
        nap_compose::markdown::options()
    );
}
