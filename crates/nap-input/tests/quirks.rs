//! Files as spreadsheets and editors really save them: mixed encodings,
//! Excel's "Unicode text", `sep=` lines, cleared rows, odd counts, nulls.

mod common;
use common::copy;
use nap_input::{load, LoadOptions, Loaded};
use nap_model::Diagnostic;
use std::path::{Path, PathBuf};

const CSV: &str = "comments/komentet.csv";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/check/ok")
}

/// Loads a copy of the `ok` fixture with file `rel` replaced by `bytes`.
fn load_with(rel: &str, bytes: &[u8]) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    std::fs::write(dir.path().join(rel), bytes).unwrap();
    load(dir.path(), &LoadOptions::default())
}

fn ok_csv() -> String {
    std::fs::read_to_string(fixture().join(CSV)).unwrap()
}

fn errors(l: &Loaded) -> Vec<&Diagnostic> {
    l.diagnostics.iter().filter(|d| d.is_error()).collect()
}

/// Line and character column (from 1) where `needle` starts in `text`.
fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect(needle);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        1 + text[..at].matches('\n').count(),
        1 + text[line_start..at].chars().count(),
    )
}

#[test]
fn a_utf8_csv_with_one_windows_1250_byte_is_refused_at_that_byte() {
    let text = ok_csv();
    let (line, col) = place(&text, "ë jetë e arritshme");
    // The `ë` of "të" as Windows-1250 writes it, in a file that is UTF-8.
    let at = text.find("ë jetë e arritshme").unwrap();
    let mut bytes = text.as_bytes().to_vec();
    bytes.splice(at..at + 'ë'.len_utf8(), [0xEB]);
    let l = load_with(CSV, &bytes);
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{:#?}", l.diagnostics);
    assert_eq!(
        (e[0].file.as_str(), e[0].line, e[0].column),
        (CSV, Some(line), Some(col))
    );
    assert!(
        e[0].message.contains("byte 0xEB is not UTF-8"),
        "{}",
        e[0].message
    );
    let hint = e[0].hint.as_deref().unwrap();
    assert!(hint.contains("mixes UTF-8 with another encoding"), "{hint}");
    assert!(hint.contains("`ë`") && hint.contains("CSV UTF-8"), "{hint}");
    // Nothing was read as Windows-1250.
    assert!(!l
        .diagnostics
        .iter()
        .any(|d| d.message.contains("Windows-1250")));
}

/// Excel's "Unicode text": UTF-16LE with a byte-order mark, tabs, CRLF.
fn unicode_text(csv: &str) -> Vec<u8> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut out = String::new();
    for r in rdr.records() {
        let r = r.unwrap();
        out.push_str(&r.iter().collect::<Vec<_>>().join("\t"));
        out.push_str("\r\n");
    }
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(out.encode_utf16().flat_map(|u| u.to_le_bytes()));
    bytes
}

#[test]
fn excel_unicode_text_is_read_like_the_csv() {
    let base = load(&fixture(), &LoadOptions::default());
    let l = load_with(CSV, &unicode_text(&ok_csv()));
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    assert_eq!(
        l.plan.unwrap().comments,
        base.plan.unwrap().comments,
        "the same comments, at the same lines"
    );
}

#[test]
fn cells_of_a_tab_delimited_file_are_placed_at_their_column() {
    let csv = ok_csv().replace("pranuar pjesërisht", "ndoshta");
    let bytes = unicode_text(&csv);
    let l = load_with(CSV, &bytes);
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{:#?}", l.diagnostics);
    let text = String::from_utf16(
        &bytes[2..]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!((e[0].line, e[0].column), {
        let (l, c) = place(&text, "ndoshta");
        (Some(l), Some(c))
    });
    assert!(e[0].message.contains("unknown disposition `ndoshta`"));
}

#[test]
fn rows_of_bare_delimiters_are_blank_rows() {
    let csv = ok_csv();
    let mut lines: Vec<&str> = csv.lines().collect();
    lines.insert(2, ",,,,,,,,,,,,");
    lines.push(",,, ,,,,,,,,,,,,");
    lines.push(",\"\",  ,");
    let l = load_with(CSV, (lines.join("\n") + "\n").as_bytes());
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let p = l.plan.unwrap();
    assert_eq!(p.comments.len(), 2);
    assert_eq!(
        p.comments[1].source.as_deref(),
        Some("comments/komentet.csv:4")
    );
}

#[test]
fn an_excel_sep_line_declares_the_delimiter_and_lines_stay_the_files() {
    for (sep, d) in [
        ("sep=,", ','),
        ("sep=;", ';'),
        ("sep=\t", '\t'),
        ("SEP=;;;", ';'),
    ] {
        let csv = ok_csv();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes());
        let mut w = csv::WriterBuilder::new()
            .delimiter(d as u8)
            .from_writer(Vec::new());
        for r in rdr.records() {
            w.write_record(&r.unwrap()).unwrap();
        }
        let body = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let text = format!("{sep}\r\n{}", body.replace("pranuar pjesërisht", "ndoshta"));
        let l = load_with(CSV, text.as_bytes());
        let e = errors(&l);
        assert_eq!(e.len(), 1, "{sep}: {:#?}", l.diagnostics);
        assert!(e[0].message.contains("ndoshta"), "{sep}");
        let (line, col) = place(&text.replace("\r\n", "\n"), "ndoshta");
        assert_eq!((e[0].line, e[0].column), (Some(line), Some(col)), "{sep}");
        assert_eq!(line, 4, "the header is line 2");
        assert!(
            !l.diagnostics
                .iter()
                .any(|d| d.message.contains("unknown column")),
            "{sep}: {:#?}",
            l.diagnostics
        );
    }
    let l = load_with(CSV, format!("sep=|\n{}", ok_csv()).as_bytes());
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{:#?}", l.diagnostics);
    assert_eq!(e[0].line, Some(1));
    assert!(e[0].message.contains("`sep=|`"), "{}", e[0].message);
}

#[test]
fn counts_that_are_no_plain_whole_number_say_why() {
    let process = std::fs::read_to_string(fixture().join("process/process.json")).unwrap();
    for (count, says) in [
        ("1000000000000000000000000000000", "is too large"),
        ("-5", "is negative"),
        ("2.5", "is not a whole number"),
        ("1e5", "is not a number written in plain digits"),
        ("\"1e5\"", "is not a number written in plain digits"),
        ("\"100-150\"", "holds more than one number"),
        ("\"mbi 99999999999999999999999\"", "is too large"),
        ("\"1,5\"", "is not a whole number"),
        ("\"shumë\"", "holds no number"),
    ] {
        let text = process.replacen("\"count\": \">150\"", &format!("\"count\": {count}"), 1);
        let l = load_with("process/process.json", text.as_bytes());
        let e = errors(&l);
        assert_eq!(e.len(), 1, "{count}: {:#?}", l.diagnostics);
        assert!(e[0].message.contains(says), "{count}: {}", e[0].message);
        assert!(e[0].hint.as_deref().unwrap().contains("\"mbi 1 200\""));
        assert_eq!(e[0].field.as_deref(), Some("phases[0].activities[1].count"));
    }
    for (count, value) in [
        ("999999999999999", 999_999_999_999_999.0),
        ("\"mbi 1.200.000 qytetarë\"", 1_200_000.0),
        ("\"150+\"", 150.0),
    ] {
        let text = process.replacen("\"count\": \">150\"", &format!("\"count\": {count}"), 1);
        let l = load_with("process/process.json", text.as_bytes());
        assert!(!l.has_errors(), "{count}: {:#?}", l.diagnostics);
        let p = l.plan.unwrap();
        let c = p.process.phases[0].activities[1].count.as_ref().unwrap();
        assert_eq!(c.value, Some(value), "{count}");
    }
}

#[test]
fn a_required_json_field_written_null_is_reported_at_the_null() {
    let rel = "areas/drejtesia/commitments.json";
    let json = std::fs::read_to_string(fixture().join(rel)).unwrap();
    let json = json.replacen("\"start\": \"2021-07\"", "\"start\": null", 1);
    let (line, col) = place(&json, "null, \"end\": \"2022-06\"");
    let l = load_with(rel, json.as_bytes());
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{:#?}", l.diagnostics);
    assert_eq!(e[0].message, "the required field `start` is null");
    assert_eq!((e[0].line, e[0].column), (Some(line), Some(col)));
    assert_eq!(e[0].field.as_deref(), Some("[0].milestones[1].start"));
}

/// A pipe where a file goes, and a folder among the comments files, are
/// named for what they are (a pipe was "a folder", a folder "not .csv").
#[cfg(unix)]
#[test]
fn a_pipe_and_a_folder_are_named_for_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(), dir.path());
    std::fs::remove_file(dir.path().join("process/intro.md")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("process/intro.md"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::create_dir(dir.path().join("comments/vjetra.csv")).unwrap();
    let l = load(dir.path(), &LoadOptions::default());
    for (file, says) in [
        ("process/intro.md", "neither a file nor a folder"),
        ("comments/vjetra.csv", "this folder is not read"),
    ] {
        let d = l
            .diagnostics
            .iter()
            .find(|d| d.file == file)
            .unwrap_or_else(|| panic!("{file} is not reported: {:#?}", l.diagnostics));
        assert!(d.message.contains(says), "{d:?}");
    }
}
