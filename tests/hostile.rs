//! Hostile and broken input (issue 8): every case either fails with a clear
//! diagnostic (file, line, message), exit 1 and nothing written, or builds
//! documents that hold the troublesome text literally and that the real
//! readers accept (LibreOffice for each DOCX; qpdf --check and pdftotext for
//! each PDF). Every run of the binary or of a reader has a time bound: a run
//! past it is killed and the case fails as a hang; a run ended by a signal or
//! a panic fails as a crash.
//!
//! Small cases are stored under tests/fixtures/hostile/<case>/ (an input
//! folder `inputs/` made from `_base/` with one thing changed, and
//! `expected.json`); big or binary ones are generated below from `_base/`
//! into a temporary folder. docs/reliability.md lists them all.

mod common;

use common::{entry_names, nap, normalize, repo};
use serde::Deserialize;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The bound for one run of the binary on a small case.
const SMALL: Duration = Duration::from_secs(30);
/// The bound for one run of the binary on a huge case (MBs of input).
const HUGE: Duration = Duration::from_secs(120);
/// The bound for one reader run (LibreOffice, qpdf, pdftotext) on small outputs.
const READER: Duration = Duration::from_secs(90);

const PLAN: &str = "plani-i-veprimit";
const REPORT: &str = "raporti-i-procesit";

const COMMITMENTS: &str = "areas/drejtesia/commitments.json";
const ANALYSIS: &str = "areas/drejtesia/situation-analysis.md";
const CSV: &str = "comments/komentet.csv";

// ---------------------------------------------------------------------------
// Bounded runs

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` in its own process group with stdout and stderr going to
/// files (a reader's helper processes may outlive it and would hold a pipe
/// open); past `limit` the whole group is killed and this panics as a hang.
/// A run ended by a signal, or a Rust panic in the child, panics as a crash.
fn bounded(cmd: &mut Command, limit: Duration, what: &str) -> Ran {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            // SAFETY: signalling the process group this function created.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            panic!(
                "hang: {what} did not finish within {} s and was killed",
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    let read = |mut f: std::fs::File| {
        use std::io::{Read, Seek};
        let mut v = Vec::new();
        f.seek(std::io::SeekFrom::Start(0)).unwrap();
        f.read_to_end(&mut v).unwrap();
        String::from_utf8_lossy(&v).into_owned()
    };
    let (stdout, stderr) = (read(out), read(err));
    if let Some(sig) = status.signal() {
        panic!("crash: {what} was killed by signal {sig}\n{stderr}");
    }
    eprintln!("{what}: {:.1} s", start.elapsed().as_secs_f64());
    let code = status.code().expect("an exit code");
    if code == 101 || stderr.contains("panicked at") {
        panic!("crash: {what} panicked (exit {code}):\n{stderr}");
    }
    Ran {
        code,
        stdout,
        stderr,
    }
}

fn nap_build(inputs: &Path, out: &Path, limit: Duration, what: &str) -> Ran {
    bounded(
        nap()
            .args(["build", "--inputs"])
            .arg(inputs)
            .arg("--out")
            .arg(out)
            .arg("--templates")
            .arg(repo().join("templates")),
        limit,
        &format!("nap build ({what})"),
    )
}

// ---------------------------------------------------------------------------
// Expected outcomes

/// `expected.json`: what a build of the case must do.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// 0: builds; 1: refused with the `diagnostics`, nothing written.
    exit: i32,
    /// Errors that must be printed (each one `error: file:line:` …).
    #[serde(default)]
    diagnostics: Vec<Diag>,
    /// Warnings that must be printed.
    #[serde(default)]
    warnings: Vec<Diag>,
    /// For cases where refusing is as good as building (nesting limits):
    /// when the build exits 1, this error must be among its diagnostics.
    #[serde(default)]
    or_refused: Option<Diag>,
    /// Text that appears literally in the plan's DOCX text and PDF text
    /// (white space may differ where a line wraps).
    #[serde(default)]
    plan: Vec<String>,
    /// The same for the process report.
    #[serde(default)]
    report: Vec<String>,
    /// Text that appears in the plan's DOCX text and PDF text once every
    /// line break is undone (for words too long for a line).
    #[serde(default)]
    plan_unwrapped: Vec<String>,
    /// Text that appears literally in the plan's DOCX text (for glyphs the
    /// PDF may lack, see `glyphs`).
    #[serde(default)]
    docx_plan: Vec<String>,
    /// Characters the PDF font may lack: each is in the plan PDF's text, or
    /// a warning names its file.
    #[serde(default)]
    glyphs: Vec<Glyph>,
    /// Text that must appear in no document: neither in the text the readers
    /// extract nor in the raw DOCX parts nor in the uncompressed PDF.
    #[serde(default)]
    absent: Vec<String>,
    /// Raw markup that must not appear in any XML part of either DOCX.
    #[serde(default)]
    markup_absent: Vec<String>,
    /// The DOCX files embed exactly the media (figures) of the base build.
    #[serde(default)]
    same_media_as_base: bool,
    /// No word of the plan PDF reaches past the text area of the base build.
    #[serde(default)]
    fits_page: bool,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Diag {
    file: String,
    #[serde(default)]
    line: Option<usize>,
    contains: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Glyph {
    text: String,
    file: String,
}

/// Every diagnostic block nap printed: its header line (`error: …`) and the
/// whole block (header, source line, caret, hint).
fn blocks(stderr: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error: ") || line.starts_with("warning: ") {
            v.push((line.to_string(), line.to_string()));
        } else if line.starts_with(' ') {
            if let Some(last) = v.last_mut() {
                last.1.push('\n');
                last.1.push_str(line);
            }
        }
    }
    v
}

fn find_diag(stderr: &str, severity: &str, d: &Diag) -> bool {
    let prefix = match d.line {
        Some(n) => format!("{severity}: {}:{n}:", d.file),
        None => format!("{severity}: {}:", d.file),
    };
    blocks(stderr)
        .iter()
        .any(|(head, block)| head.starts_with(&prefix) && block.contains(&d.contains))
}

fn assert_diag(case: &str, stderr: &str, severity: &str, d: &Diag) {
    assert!(
        find_diag(stderr, severity, d),
        "{case}: expected {severity} at {}:{} containing {:?}; nap printed:\n{stderr}",
        d.file,
        d.line.map_or("-".into(), |n| n.to_string()),
        d.contains
    );
}

// ---------------------------------------------------------------------------
// Readers

/// LibreOffice's text of each DOCX, converted in one call with its own profile.
fn docx_texts(files: &[PathBuf], limit: Duration) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let outdir = dir.path().join("txt");
    let ran = bounded(
        Command::new("soffice")
            .args([
                profile.as_str(),
                "--headless",
                "--norestore",
                "--convert-to",
                "txt:Text (encoded):UTF8",
                "--outdir",
            ])
            .arg(&outdir)
            .args(files),
        limit,
        "LibreOffice converting the DOCX files",
    );
    files
        .iter()
        .map(|f| {
            let txt = outdir.join(format!("{}.txt", f.file_stem().unwrap().to_string_lossy()));
            let text = std::fs::read_to_string(&txt).unwrap_or_else(|_| {
                panic!(
                    "LibreOffice could not convert {} (exit {}):\n{}{}",
                    f.display(),
                    ran.code,
                    ran.stdout,
                    ran.stderr
                )
            });
            normalize(&text)
        })
        .collect()
}

fn qpdf_check(pdf: &Path, limit: Duration) {
    let ran = bounded(
        Command::new("qpdf").arg("--check").arg(pdf),
        limit,
        &format!("qpdf --check {}", pdf.display()),
    );
    assert_eq!(
        ran.code,
        0,
        "qpdf --check fails on {}:\n{}{}",
        pdf.display(),
        ran.stdout,
        ran.stderr
    );
}

/// pdftotext's text of a PDF (reading order), optionally of some pages only.
fn pdf_text(pdf: &Path, pages: Option<(u32, u32)>, limit: Duration) -> String {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-enc", "UTF-8"]);
    if let Some((first, last)) = pages {
        cmd.arg("-f").arg(first.to_string());
        cmd.arg("-l").arg(last.to_string());
    }
    cmd.arg(pdf).arg("-");
    let ran = bounded(&mut cmd, limit, &format!("pdftotext {}", pdf.display()));
    assert_eq!(
        ran.code,
        0,
        "pdftotext fails on {}:\n{}",
        pdf.display(),
        ran.stderr
    );
    ran.stdout
}

/// The PDF with its streams uncompressed (qpdf's QDF form), for looking for
/// strings that are not text (link targets, embedded files).
fn pdf_uncompressed(pdf: &Path, limit: Duration) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let qdf = dir.path().join("qdf.pdf");
    let ran = bounded(
        Command::new("qpdf")
            .args(["--qdf", "--object-streams=disable"])
            .arg(pdf)
            .arg(&qdf),
        limit,
        &format!("qpdf --qdf {}", pdf.display()),
    );
    assert!(ran.code == 0 || ran.code == 3, "qpdf --qdf: {}", ran.stderr);
    std::fs::read(qdf).unwrap()
}

/// Every part of a DOCX (a zip) with its bytes.
fn docx_parts(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let ran = bounded(
        Command::new("unzip")
            .arg("-q")
            .arg(docx)
            .arg("-d")
            .arg(dir.path()),
        READER,
        "unzip",
    );
    assert_eq!(
        ran.code,
        0,
        "{} is not a zip: {}",
        docx.display(),
        ran.stderr
    );
    let mut parts = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p
                    .strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                parts.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    parts.sort();
    parts
}

fn media_names(docx: &Path) -> Vec<String> {
    let list = bounded(
        Command::new("unzip").arg("-Z1").arg(docx),
        READER,
        "unzip -Z1",
    );
    let mut v: Vec<String> = list
        .stdout
        .lines()
        .filter(|n| n.starts_with("word/media/"))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// The right and left edges of every word pdftotext finds on every page.
fn word_boxes(pdf: &Path, limit: Duration) -> Vec<(String, f64, f64, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("bbox.html");
    let ran = bounded(
        Command::new("pdftotext").arg("-bbox").arg(pdf).arg(&html),
        limit,
        "pdftotext -bbox",
    );
    assert_eq!(ran.code, 0, "pdftotext -bbox: {}", ran.stderr);
    let text = std::fs::read_to_string(html).unwrap();
    let attr = |s: &str, name: &str| -> f64 {
        let i = s.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        s[i..i + s[i..].find('"').unwrap()].parse().unwrap()
    };
    let mut width = 0.0;
    let mut words = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            width = attr(line, "width");
        } else if line.starts_with("<word ") {
            let word =
                line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()].to_string();
            words.push((word, attr(line, "xMin"), attr(line, "xMax"), width));
        }
    }
    words
}

/// Text with line breaks undone where a word was hyphenated and every run of
/// white space folded to one space: how a phrase reads whatever the wrapping.
fn flat(s: &str) -> String {
    let s = s
        .replace("\u{ad}\n", "")
        .replace('\u{ad}', "")
        .replace("-\n", "-");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lines of `text` that are pieces of the long word `word`, joined: a
/// word broken over the lines of a table cell, read back without the
/// neighbouring cells' lines that pdftotext puts between its pieces.
fn unwrapped(text: &str, word: &str) -> String {
    text.lines()
        .map(|l| l.trim().replace('\u{ad}', ""))
        .filter(|l| !l.is_empty() && word.contains(l.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------
// The base build, for comparisons

struct Base {
    plan_media: Vec<String>,
    report_media: Vec<String>,
    /// The rightmost and leftmost word edges in the base plan PDF: the text area.
    right: f64,
    left: f64,
}

fn base_dir() -> PathBuf {
    repo().join("tests/fixtures/hostile/_base")
}

fn base() -> &'static Base {
    static B: OnceLock<Base> = OnceLock::new();
    B.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let ran = nap_build(&base_dir(), tmp.path(), SMALL, "_base");
        assert_eq!(ran.code, 0, "the base builds:\n{}", ran.stderr);
        let dir = tmp.path().join("0.4-draft");
        let boxes = word_boxes(&dir.join(format!("{PLAN}.pdf")), READER);
        Base {
            plan_media: media_names(&dir.join(format!("{PLAN}.docx"))),
            report_media: media_names(&dir.join(format!("{REPORT}.docx"))),
            right: boxes.iter().map(|b| b.2).fold(0.0, f64::max),
            left: boxes.iter().map(|b| b.1).fold(f64::MAX, f64::min),
        }
    })
}

// ---------------------------------------------------------------------------
// Running a case

/// Limits for the readers of one case's outputs.
#[derive(Clone, Copy)]
struct Limits {
    build: Duration,
    readers: Duration,
}

const SMALL_CASE: Limits = Limits {
    build: SMALL,
    readers: READER,
};
const HUGE_CASE: Limits = Limits {
    build: HUGE,
    readers: Duration::from_secs(240),
};

fn run_case(case: &str, inputs: &Path, exp: &Expected, limits: Limits) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let ran = nap_build(inputs, &out, limits.build, case);
    let stderr = &ran.stderr;

    if ran.code == 1 {
        if let Some(d) = &exp.or_refused {
            assert_diag(case, stderr, "error", d);
            assert_nothing_written(case, &out);
            return;
        }
    }
    assert_eq!(
        ran.code, exp.exit,
        "{case}: exit status; nap printed:\n{stderr}"
    );
    for d in &exp.diagnostics {
        assert_diag(case, stderr, "error", d);
    }
    for d in &exp.warnings {
        assert_diag(case, stderr, "warning", d);
    }
    if ran.code != 0 {
        assert!(
            stderr.lines().any(|l| l.starts_with("error: ")),
            "{case}: refused without an error line:\n{stderr}"
        );
        assert_nothing_written(case, &out);
        return;
    }
    let dir = version_folder(&out);
    check_outputs(case, &dir, exp, stderr, limits.readers);
}

fn assert_nothing_written(case: &str, out: &Path) {
    if out.exists() {
        let names: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.is_empty(), "{case}: a refused build wrote {names:?}");
    }
}

/// The one version folder a build wrote into `out`.
fn version_folder(out: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir() && !e.file_name().to_string_lossy().contains(".tmp-"))
        .map(|e| e.path())
        .collect();
    assert_eq!(
        dirs.len(),
        1,
        "one version folder in {}: {dirs:?}",
        out.display()
    );
    dirs.into_iter().next().unwrap()
}

/// The manifest lists every output with the SHA-256 of its bytes.
fn check_manifest(case: &str, dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for f in common::OUTPUTS {
        assert!(
            names.iter().any(|n| n == f),
            "{case}: {f} is missing: {names:?}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap())
            .unwrap_or_else(|e| panic!("{case}: manifest.json is not JSON: {e}"));
    let outputs = manifest["outputs"].as_array().expect("manifest outputs");
    assert!(outputs.len() >= 5, "{case}: manifest lists {outputs:?}");
    for o in outputs {
        let path = o["path"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(path)).unwrap();
        assert_eq!(
            o["sha256"].as_str().unwrap(),
            nap::build::sha256_hex(&bytes),
            "{case}: the manifest's SHA-256 of {path} does not match the file"
        );
    }
}

/// A character XML 1.0 forbids, or U+FFFE/U+FFFF.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn check_outputs(case: &str, dir: &Path, exp: &Expected, stderr: &str, limit: Duration) {
    check_manifest(case, dir);
    let docx = |d: &str| dir.join(format!("{d}.docx"));
    let pdf = |d: &str| dir.join(format!("{d}.pdf"));

    // The raw DOCX packages: well-formed text, no injected markup, no local file.
    for d in [PLAN, REPORT] {
        for (part, bytes) in docx_parts(&docx(d)) {
            if !(part.ends_with(".xml") || part.ends_with(".rels")) {
                if part.starts_with("word/media/") {
                    assert!(
                        bytes.starts_with(b"\x89PNG"),
                        "{case}: {d}.docx embeds {part}, which is not a figure (PNG)"
                    );
                }
                continue;
            }
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|_| panic!("{case}: {d}.docx {part} is not UTF-8"));
            if let Some(c) = text.chars().find(|&c| xml_forbidden(c)) {
                panic!(
                    "{case}: {d}.docx {part} holds U+{:04X}, which XML 1.0 forbids",
                    c as u32
                );
            }
            for m in &exp.markup_absent {
                assert!(
                    !text.contains(m.as_str()),
                    "{case}: {d}.docx {part} holds raw markup {m:?}"
                );
            }
            for a in &exp.absent {
                assert!(
                    !text.contains(a.as_str()),
                    "{case}: {d}.docx {part} holds {a:?}"
                );
            }
        }
    }
    if exp.same_media_as_base {
        assert_eq!(
            media_names(&docx(PLAN)),
            base().plan_media,
            "{case}: the plan's media"
        );
        assert_eq!(
            media_names(&docx(REPORT)),
            base().report_media,
            "{case}: the report's media"
        );
    }

    // The real readers.
    let texts = docx_texts(&[docx(PLAN), docx(REPORT)], limit);
    let (plan_docx, report_docx) = (&texts[0], &texts[1]);
    for d in [PLAN, REPORT] {
        qpdf_check(&pdf(d), limit);
    }
    let plan_pdf = pdf_text(&pdf(PLAN), None, limit);
    let report_pdf = pdf_text(&pdf(REPORT), None, limit);
    for (what, text) in [
        ("plan DOCX", plan_docx),
        ("report DOCX", report_docx),
        ("plan PDF", &plan_pdf),
        ("report PDF", &report_pdf),
    ] {
        assert!(
            text.contains("Aksesi në drejtësi") || text.contains("Hyrje"),
            "{case}: the {what} has lost its content:\n{text:.600}"
        );
    }

    let literal = |what: &str, text: &str, needles: &[String]| {
        let hay = flat(text);
        for n in needles {
            assert!(
                hay.contains(&flat(n)),
                "{case}: the {what} does not hold {n:?} literally; its text:\n{}",
                excerpt(&hay, n)
            );
        }
    };
    literal("plan DOCX", plan_docx, &exp.plan);
    literal("plan PDF", &plan_pdf, &exp.plan);
    literal("report DOCX", report_docx, &exp.report);
    literal("report PDF", &report_pdf, &exp.report);
    literal("plan DOCX", plan_docx, &exp.docx_plan);
    for n in &exp.plan_unwrapped {
        for (what, text) in [("plan DOCX", plan_docx), ("plan PDF", &plan_pdf)] {
            assert!(
                unwrapped(text, n).contains(n.as_str()),
                "{case}: the {what} does not hold the {}-character word {:.20}… (line breaks ignored)",
                n.chars().count(),
                n
            );
        }
    }
    // pdftotext reads back what the text layer says, even where the page
    // shows a replacement mark; nap's warnings say which characters had no
    // glyph, and such a warning must name the input file holding them.
    for g in &exp.glyphs {
        // nap lays right-to-left text out left to right (no bidi reordering
        // yet: docs/reliability.md), so pdftotext, which reorders Arabic for
        // display, reads such a run backwards. The text is there either way.
        let rtl = g
            .text
            .chars()
            .any(|c| ('\u{0590}'..='\u{08FF}').contains(&c));
        let backwards: String = g.text.chars().rev().collect();
        assert!(
            flat(&plan_pdf).contains(&g.text) || (rtl && flat(&plan_pdf).contains(&backwards)),
            "{case}: {:?} is missing from the plan PDF's text",
            g.text
        );
        let all = blocks(stderr);
        let about: Vec<&(String, String)> = all
            .iter()
            .filter(|(_, block)| {
                block.starts_with("warning: ") && g.text.chars().any(|c| block.contains(c))
            })
            .collect();
        assert!(
            about.is_empty() || about.iter().any(|(head, _)| head.starts_with(&format!("warning: {}", g.file))),
            "{case}: {:?} has no glyph in the PDF fonts and no warning names the input file {}; nap printed:\n{}",
            g.text,
            g.file,
            about.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
    if !exp.absent.is_empty() {
        for (what, text) in [
            ("plan DOCX", plan_docx),
            ("report DOCX", report_docx),
            ("plan PDF", &plan_pdf),
            ("report PDF", &report_pdf),
        ] {
            for a in &exp.absent {
                assert!(
                    !text.contains(a.as_str()),
                    "{case}: the {what} text holds {a:?}"
                );
            }
        }
        for d in [PLAN, REPORT] {
            let raw = pdf_uncompressed(&pdf(d), limit);
            for a in &exp.absent {
                assert!(
                    !raw.windows(a.len()).any(|w| w == a.as_bytes()),
                    "{case}: {d}.pdf holds {a:?} (uncompressed)"
                );
            }
        }
    }
    if exp.fits_page {
        let (left, right) = (base().left, base().right);
        for (word, x_min, x_max, width) in word_boxes(&pdf(PLAN), limit) {
            assert!(
                x_max <= right + 1.0 && x_max <= width && x_min >= left - 1.0,
                "{case}: the word {:.30}… spans x {x_min:.1}–{x_max:.1} pt, outside the text area {left:.1}–{right:.1} pt of a {width:.1} pt page",
                word
            );
        }
    }
}

/// Where `needle`'s first words are in `hay`, or its start, for a failure message.
fn excerpt(hay: &str, needle: &str) -> String {
    let first: String = flat(needle).chars().take(8).collect();
    let at = hay.find(first.trim()).unwrap_or(0);
    let mut start = at.saturating_sub(150);
    while !hay.is_char_boundary(start) {
        start -= 1;
    }
    hay[start..].chars().take(400).collect()
}

// ---------------------------------------------------------------------------
// Stored cases

fn stored(case: &str) {
    let dir = repo().join("tests/fixtures/hostile").join(case);
    let exp: Expected =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).expect("expected.json"))
            .unwrap_or_else(|e| panic!("{case}/expected.json: {e}"));
    run_case(case, &dir.join("inputs"), &exp, SMALL_CASE);
}

macro_rules! stored_cases {
    ($($test:ident => $case:literal),* $(,)?) => {
        $( #[test] fn $test() { stored($case) } )*
        const STORED: &[&str] = &[$($case),*];
    };
}

stored_cases! {
    csv_unbalanced_quotes => "csv-unbalanced-quotes",
    csv_missing_required_column => "csv-missing-required-column",
    csv_ragged_rows => "csv-ragged-rows",
    json_trailing_comma => "json-trailing-comma",
    json_empty_plan => "json-empty-plan",
    date_impossible => "date-impossible",
    date_year_99999 => "date-year-99999",
    text_xml_and_pdf_syntax => "text-xml-and-pdf-syntax",
    handlebars_syntax => "handlebars-syntax",
    directive_marker => "directive-marker",
    markdown_local_files => "markdown-local-files",
    raw_html => "raw-html",
    control_characters => "control-characters",
    long_unbreakable_word => "long-unbreakable-word",
    unicode_scripts => "unicode-scripts",
    wide_tables => "wide-tables",
}

#[test]
fn every_stored_case_has_its_test() {
    let mut found: Vec<String> = std::fs::read_dir(repo().join("tests/fixtures/hostile"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "_base")
        .collect();
    found.sort();
    let mut listed: Vec<String> = STORED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "tests/fixtures/hostile/ and STORED differ");
}

#[test]
fn the_base_is_valid_under_the_final_rules() {
    let ran = bounded(
        nap().args(["check", "--final", "--inputs"]).arg(base_dir()),
        SMALL,
        "nap check --final _base",
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("0 errors, 0 warnings"),
        "the base is clean: {}",
        ran.stderr
    );
}

// ---------------------------------------------------------------------------
// Generated cases: binary, big or made of links

/// A copy of `_base` in a temporary folder: (the temporary folder, the inputs in it).
fn base_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    common::copy_tree(&base_dir(), &inputs);
    (tmp, inputs)
}

/// Replaces the first `from` in `rel` with `to` (bytes).
fn edit(inputs: &Path, rel: &str, from: &str, to: &[u8]) {
    let path = inputs.join(rel);
    let bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{rel} holds {from:?}"));
    let mut new = bytes[..at].to_vec();
    new.extend_from_slice(to);
    new.extend_from_slice(&bytes[at + from.len()..]);
    std::fs::write(path, new).unwrap();
}

fn expected(json: &str) -> Expected {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("expected: {e}\n{json}"))
}

fn line_of(inputs: &Path, rel: &str, needle: &str) -> usize {
    let text = String::from_utf8_lossy(&std::fs::read(inputs.join(rel)).unwrap()).into_owned();
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn invalid_utf8_in_json() {
    let (_t, inputs) = base_copy();
    let line = line_of(&inputs, COMMITMENTS, "\"objective\"");
    // "Ndihmë" as Windows-1252 would write it: 0xEB is no UTF-8.
    edit(&inputs, COMMITMENTS, "Ndihmë", b"Ndihm\xEB");
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: COMMITMENTS.into(),
            line: Some(line),
            contains: "not valid UTF-8".into(),
        }],
        ..Default::default()
    };
    run_case("invalid-utf8-json", &inputs, &exp, SMALL_CASE);
}

#[test]
fn invalid_utf8_in_markdown() {
    let (_t, inputs) = base_copy();
    edit(
        &inputs,
        ANALYSIS,
        "Zbatimi i tij",
        b"Zbatimi i tij \xFF\xFE",
    );
    let line = line_of(&inputs, ANALYSIS, "Zbatimi i tij");
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: ANALYSIS.into(),
            line: Some(line),
            contains: "not valid UTF-8".into(),
        }],
        ..Default::default()
    };
    run_case("invalid-utf8-markdown", &inputs, &exp, SMALL_CASE);
}

/// Windows-1250 bytes of the letters the tests use.
fn cp1250(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            c if c.is_ascii() => c as u8,
            'ë' => 0xEB,
            'Ë' => 0xCB,
            'ç' => 0xE7,
            'Ç' => 0xC7,
            'Š' => 0x8A,
            'ž' => 0x9E,
            'ć' => 0xE6,
            '–' => 0x96,
            c => panic!("{c} is not in the test's Windows-1250 table"),
        })
        .collect()
}

#[test]
fn windows_1250_csv_is_read_with_a_warning() {
    let (_t, inputs) = base_copy();
    let text = std::fs::read_to_string(inputs.join(CSV)).unwrap().replace(
        "Ndihma juridike duhet të jetë e arritshme edhe në zonat rurale.",
        "Çështja e Šalës dhe e žurisë – ËÇ ëç ć.",
    );
    std::fs::write(inputs.join(CSV), cp1250(&text)).unwrap();
    let exp = expected(&format!(
        r#"{{"exit": 0,
            "warnings": [{{"file": "{CSV}", "contains": "Windows-1250"}}],
            "plan": ["Çështja e Šalës dhe e žurisë – ËÇ ëç ć.", "Të publikohet lista e avokatëve"]}}"#
    ));
    run_case("csv-windows-1250", &inputs, &exp, SMALL_CASE);
}

#[test]
fn a_csv_byte_that_is_no_letter_in_windows_1250_is_refused() {
    let (_t, inputs) = base_copy();
    // 0x81 is undefined in Windows-1250 (and in 1252): neither reading is right.
    edit(&inputs, CSV, "Zyrat", b"Zyr\x81t");
    let line = line_of(&inputs, CSV, "K-3");
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: CSV.into(),
            line: Some(line),
            contains: "0x81".into(),
        }],
        ..Default::default()
    };
    run_case("csv-undefined-byte", &inputs, &exp, SMALL_CASE);
}

fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut v = Vec::new();
    let units = if bom { Some(0xFEFFu16) } else { None }
        .into_iter()
        .chain(s.encode_utf16());
    for u in units {
        v.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    v
}

#[test]
fn utf16_csv_with_a_byte_order_mark_is_read() {
    for (name, be) in [("csv-utf16le", false), ("csv-utf16be", true)] {
        let (_t, inputs) = base_copy();
        let text = std::fs::read_to_string(inputs.join(CSV)).unwrap();
        std::fs::write(inputs.join(CSV), utf16(&text, be, true)).unwrap();
        let exp = expected(
            r#"{"exit": 0, "plan": ["Ndihma juridike duhet të jetë e arritshme edhe në zonat rurale.",
                                    "Të publikohet lista e avokatëve të ndihmës juridike."]}"#,
        );
        run_case(name, &inputs, &exp, SMALL_CASE);
    }
}

#[test]
fn utf16_csv_without_a_byte_order_mark_is_refused_with_how_to_save_it() {
    let (_t, inputs) = base_copy();
    let text = std::fs::read_to_string(inputs.join(CSV)).unwrap();
    std::fs::write(inputs.join(CSV), utf16(&text, false, false)).unwrap();
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: CSV.into(),
            line: None,
            contains: "UTF-8".into(),
        }],
        ..Default::default()
    };
    run_case("csv-utf16-no-bom", &inputs, &exp, SMALL_CASE);
}

#[test]
fn json_arrays_nested_10000_deep_are_refused() {
    let (_t, inputs) = base_copy();
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let line = line_of(&inputs, COMMITMENTS, "\"ambition\"");
    edit(
        &inputs,
        COMMITMENTS,
        "\"Për herë të parë ndihma juridike ofrohet jashtë Tiranës.\"",
        deep.as_bytes(),
    );
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: COMMITMENTS.into(),
            line: Some(line),
            contains: "nested more than".into(),
        }],
        ..Default::default()
    };
    run_case("json-arrays-10000-deep", &inputs, &exp, SMALL_CASE);
}

#[test]
fn json_objects_nested_10000_deep_are_refused() {
    let (_t, inputs) = base_copy();
    let deep = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    edit(
        &inputs,
        "process/process.json",
        "\"title\": \"Procesi",
        format!("\"extra\": {deep}, \"title\": \"Procesi").as_bytes(),
    );
    let line = line_of(&inputs, "process/process.json", "\"extra\"");
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: "process/process.json".into(),
            line: Some(line),
            contains: "nested more than".into(),
        }],
        ..Default::default()
    };
    run_case("json-objects-10000-deep", &inputs, &exp, SMALL_CASE);
}

#[test]
fn nul_and_control_bytes_are_removed() {
    let (_t, inputs) = base_copy();
    std::fs::write(
        inputs.join(ANALYSIS),
        [
            std::fs::read(inputs.join(ANALYSIS)).unwrap(),
            b"\n\nPastrim\x00i\x07 i kontroll\x1bit\x0c mbaron\x08.\n".to_vec(),
        ]
        .concat(),
    )
    .unwrap();
    edit(
        &inputs,
        CSV,
        "Zyrat të kenë",
        "Zyrat\x00 t\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x1f\u{fffe}\u{ffff}\x0b\x00\x00\x00ë kenë"
            .as_bytes(),
    );
    std::fs::write(
        inputs.join("process/intro.md"),
        "# Hyrje\n\nRaporti\x00 p\x1bërshkruan\x07 procesin.\n",
    )
    .unwrap();
    let exp = expected(
        r#"{"exit": 0,
            "plan": ["Pastrimi i kontrollit mbaron.", "Zyrat të kenë orar edhe të shtunën."],
            "report": ["Raporti përshkruan procesin."]}"#,
    );
    run_case("nul-and-control-bytes", &inputs, &exp, SMALL_CASE);
}

/// A footnote as Word and pandoc write it is printed, in both formats: its
/// number in the text. The notes themselves sit at the page's foot
/// (`footnotes_are_word_footnotes` in tests/docx_structure.rs reads them in
/// nap's PDF and in LibreOffice's PDF of the DOCX, whose text export leaves
/// Word's footnotes out). Labels repeat between texts.
#[test]
fn a_footnote_is_printed_not_lost() {
    let (_t, inputs) = base_copy();
    std::fs::write(
        inputs.join("process/intro.md"),
        "# Hyrje\n\nRaporti mbështetet në anketën[^1].\n\n[^1]: INSTAT.\n\nDhe ligji[^1].\n\n[^1]: Ligji.\n",
    )
    .unwrap();
    let exp = expected(
        r#"{"exit": 0,
            "report": ["Raporti mbështetet në anketën1.", "Dhe ligji2."]}"#,
    );
    run_case("footnote", &inputs, &exp, SMALL_CASE);
}

#[test]
fn a_2_mb_situation_analysis_builds_in_bounded_time() {
    let (_t, inputs) = base_copy();
    let mut md = String::from("# Analiza e gjatë\n\nFILLIMIIANALIZËS.\n\n");
    let mut n = 0;
    while md.len() < 2 * 1024 * 1024 {
        n += 1;
        md.push_str(&format!(
            "Paragrafi {n}. Reforma në drejtësi ndryshoi ligjin për ndihmën juridike të garantuar \
             nga shteti, por zbatimi i tij kërkon zyra pranë qytetarëve, staf të trajnuar dhe \
             **buxhet** të qëndrueshëm për çdo qark të vendit.\n\n"
        ));
        if n % 50 == 0 {
            md.push_str(&format!(
                "## Nënkreu {n}\n\n- pika e parë\n- pika e dytë\n\n"
            ));
        }
    }
    md.push_str("FUNDIIANALIZËS.\n");
    std::fs::write(inputs.join(ANALYSIS), md).unwrap();
    let exp = expected(r#"{"exit": 0, "plan": ["FILLIMIIANALIZËS.", "FUNDIIANALIZËS."]}"#);
    run_case("analysis-2mb", &inputs, &exp, HUGE_CASE);
}

/// Deep Markdown nesting: building (flattened) and refusing with an error
/// naming the file are both right; a crash (stack overflow) or hang is not,
/// and neither is losing the innermost text.
fn deep_markdown(case: &str, md: String, innermost: &str) {
    let (_t, inputs) = base_copy();
    std::fs::write(inputs.join(ANALYSIS), md).unwrap();
    let exp = expected(&format!(
        r#"{{"exit": 0, "plan": ["{innermost}"],
            "or_refused": {{"file": "{ANALYSIS}", "contains": "nest"}}}}"#
    ));
    run_case(case, &inputs, &exp, HUGE_CASE);
}

#[test]
fn two_thousand_nested_blockquotes_do_not_overflow_the_stack() {
    deep_markdown(
        "blockquotes-2000-deep",
        format!("# Thellë\n\n{}FUNDICITIMIT\n", "> ".repeat(2000)),
        "FUNDICITIMIT",
    );
}

#[test]
fn two_thousand_nested_list_levels_do_not_overflow_the_stack() {
    deep_markdown(
        "lists-2000-deep-one-line",
        format!("# Thellë\n\n{}FUNDILISTËS\n", "- ".repeat(2000)),
        "FUNDILISTËS",
    );
    let mut md = String::from("# Thellë\n\n");
    for i in 0..2000 {
        md.push_str(&"  ".repeat(i));
        md.push_str(if i == 1999 {
            "- FUNDINIVELEVE\n"
        } else {
            "- niveli\n"
        });
    }
    deep_markdown("lists-2000-deep-indented", md, "FUNDINIVELEVE");
    let mixed: String = (0..2000)
        .map(|i| ["> ", "- ", "1. "][i % 3])
        .collect::<String>();
    deep_markdown(
        "quotes-and-lists-2000-deep-mixed",
        format!("# Thellë\n\n{mixed}FUNDIPËRZIERJES\n"),
        "FUNDIPËRZIERJES",
    );
}

#[test]
fn a_symlink_to_a_file_outside_the_input_folder_is_refused() {
    let (_t, inputs) = base_copy();
    std::fs::remove_file(inputs.join(ANALYSIS)).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", inputs.join(ANALYSIS)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let ran = nap_build(&inputs, &out, SMALL, "symlink-file-outside");
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_diag(
        "symlink-file-outside",
        &ran.stderr,
        "error",
        &Diag {
            file: ANALYSIS.into(),
            line: None,
            contains: "symbolic link".into(),
        },
    );
    assert!(
        !ran.stderr.contains("root:"),
        "the link was read:\n{}",
        ran.stderr
    );
    assert_nothing_written("symlink-file-outside", &out);
}

#[test]
fn a_symlinked_folder_outside_the_input_folder_is_refused() {
    let (t, inputs) = base_copy();
    let outside = t.path().join("outside");
    std::fs::rename(inputs.join("comments"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, inputs.join("comments")).unwrap();
    let out = t.path().join("out");
    let ran = nap_build(&inputs, &out, SMALL, "symlink-dir-outside");
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        blocks(&ran.stderr)
            .iter()
            .any(|(head, block)| head.starts_with("error: comments")
                && block.contains("symbolic link")),
        "an error names comments/ as a link outside:\n{}",
        ran.stderr
    );
    assert_nothing_written("symlink-dir-outside", &out);
}

#[test]
fn a_symlink_inside_the_input_folder_is_followed() {
    let (t, inputs) = base_copy();
    let real = inputs.join("areas/drejtesia/analiza.md");
    std::fs::rename(inputs.join(ANALYSIS), &real).unwrap();
    std::os::unix::fs::symlink("analiza.md", inputs.join(ANALYSIS)).unwrap();
    let out = t.path().join("out");
    let ran = nap_build(&inputs, &out, SMALL, "symlink-inside");
    assert_eq!(
        ran.code, 0,
        "a link inside the folder is fine:\n{}",
        ran.stderr
    );
}

#[test]
fn input_files_over_the_size_limit_are_refused() {
    let (_t, inputs) = base_copy();
    let limit = nap_input::MAX_TEXT_FILE;
    let mib = limit / (1024 * 1024);
    let mut md = String::from("# E madhe\n\n");
    let para = "Një paragraf i gjatë që përsëritet për të kaluar kufirin e madhësisë.\n\n";
    while (md.len() as u64) <= limit + 1024 * 1024 {
        md.push_str(para);
    }
    std::fs::write(inputs.join(ANALYSIS), md).unwrap();
    let exp = Expected {
        exit: 1,
        diagnostics: vec![Diag {
            file: ANALYSIS.into(),
            line: None,
            contains: format!("more than the limit of {mib} MiB"),
        }],
        ..Default::default()
    };
    run_case("oversize-markdown", &inputs, &exp, HUGE_CASE);
}

#[test]
fn a_200000_row_comments_file_builds_or_is_refused_in_bounded_time() {
    let (_t, inputs) = base_copy();
    let mut csv = std::fs::read_to_string(inputs.join(CSV)).unwrap();
    for i in 5..=200_000 {
        csv.push_str(&format!(
            "K-{i},15.10.2020,Parakonsultimi,online,,,Organizata {},OSHC,drejtesia,AD-01,\
             \"Komenti numër {i} për angazhimin.\",pranuar,\"Përgjigjja {i}.\"\n",
            i % 97
        ));
    }
    std::fs::write(inputs.join(CSV), csv).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let ran = nap_build(&inputs, &out, HUGE, "comments-200000");
    if ran.code == 1 {
        assert!(
            blocks(&ran.stderr)
                .iter()
                .any(|(head, block)| head.starts_with(&format!("error: {CSV}"))
                    && block.contains("limit")),
            "refused, but without an error naming the file and the limit:\n{}",
            ran.stderr
        );
        assert_nothing_written("comments-200000", &out);
        return;
    }
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let dir = version_folder(&out);
    check_manifest("comments-200000", &dir);
    let limit = HUGE_CASE.readers;
    for d in [PLAN, REPORT] {
        qpdf_check(&dir.join(format!("{d}.pdf")), limit);
    }
    // The annex holds the first and the last comment.
    let text = flat(&pdf_text(&dir.join(format!("{PLAN}.pdf")), None, limit));
    for needle in [
        "Komenti numër 5 për angazhimin.",
        "Komenti numër 200000 për angazhimin.",
    ] {
        assert!(text.contains(needle), "the plan PDF lacks {needle:?}");
    }
    let texts = docx_texts(
        &[
            dir.join(format!("{PLAN}.docx")),
            dir.join(format!("{REPORT}.docx")),
        ],
        limit,
    );
    assert!(flat(&texts[0]).contains("Komenti numër 200000 për angazhimin."));
}

#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let mut outs = vec![
        ("out is a file", file.clone()),
        ("out is under a file", file.join("out")),
    ];
    // Permission bits do not stop root; they are tried when they can work.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let ro = tmp.path().join("read-only");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        outs.push(("out is read-only", ro));
    }
    for (what, out) in outs {
        let ran = nap_build(&base_dir(), &out, SMALL, what);
        assert_eq!(ran.code, 1, "{what}: exit status:\n{}", ran.stderr);
        let errors: Vec<&str> = ran
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert!(
            !errors.is_empty()
                && errors
                    .iter()
                    .any(|l| l.contains(&*tmp.path().to_string_lossy())),
            "{what}: the error names the output path:\n{}",
            ran.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "not a folder",
        "the file is untouched"
    );
}

#[test]
fn concurrent_builds_of_one_version_leave_one_complete_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    // A bigger plan than the base, so the builds overlap.
    let ran = bounded(
        nap()
            .args(["generate", "--scale", "3", "--from"])
            .arg(repo().join("inputs"))
            .arg("--out")
            .arg(&inputs),
        HUGE,
        "nap generate",
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let out = tmp.path().join("out");
    let builds: Vec<_> = (0..3)
        .map(|i| {
            let (inputs, out) = (inputs.clone(), out.clone());
            std::thread::spawn(move || {
                bounded(
                    nap()
                        .args(["build", "--force", "--inputs"])
                        .arg(&inputs)
                        .arg("--out")
                        .arg(&out)
                        .arg("--templates")
                        .arg(repo().join("templates")),
                    HUGE,
                    &format!("concurrent build {i}"),
                )
            })
        })
        .collect();
    for b in builds {
        let ran = b.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        assert_eq!(
            ran.code, 0,
            "every concurrent build succeeds:\n{}",
            ran.stderr
        );
    }
    let names = entry_names(&out);
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with('.') || n.ends_with(".lock")),
        "no temporary folder is left behind: {names:?}"
    );
    let dir = version_folder(&out);
    check_manifest("concurrent-builds", &dir);
    for d in [PLAN, REPORT] {
        qpdf_check(&dir.join(format!("{d}.pdf")), READER);
    }
    let texts = docx_texts(
        &[
            dir.join(format!("{PLAN}.docx")),
            dir.join(format!("{REPORT}.docx")),
        ],
        READER,
    );
    assert!(
        texts[0].contains("Plani Kombëtar i Veprimit"),
        "{:.300}",
        texts[0]
    );
}

#[test]
fn raw_control_bytes_inside_a_json_string_are_removed_or_refused_at_their_line() {
    let (_t, inputs) = base_copy();
    // Raw (unescaped) control characters are not JSON; removing them as the
    // normalization does, or refusing the file at their line, are both right.
    edit(
        &inputs,
        COMMITMENTS,
        "Ndihmë juridike",
        b"Ndihm\xc3\xab\x00 juridike\x07",
    );
    let line = line_of(&inputs, COMMITMENTS, "\"objective\"");
    let exp = expected(&format!(
        r#"{{"exit": 0, "plan": ["Ndihmë juridike falas e arritshme në çdo qark."],
            "or_refused": {{"file": "{COMMITMENTS}", "line": {line}, "contains": ""}}}}"#
    ));
    run_case("json-raw-control-bytes", &inputs, &exp, SMALL_CASE);
}

#[test]
fn a_version_label_cannot_write_outside_the_output_folder() {
    let (t, inputs) = base_copy();
    edit(
        &inputs,
        "plan.json",
        "\"version\": \"0.4\"",
        b"\"version\": \"../../escape/0.4\"",
    );
    let out = t.path().join("out");
    let ran = nap_build(&inputs, &out, SMALL, "version-path-traversal");
    // A label that cannot name its folder unchanged is refused at its line
    // (it was once built into a folder with the slashes replaced).
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("plan.json:") && ran.stderr.contains("cannot name the output folder"),
        "{}",
        ran.stderr
    );
    let mut names: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["inputs"], "the refused build wrote something");
}

#[test]
fn a_policy_area_id_cannot_lead_outside_the_input_folder() {
    let (t, inputs) = base_copy();
    // A complete area folder beside the input folder, reachable as areas/../../outside.
    std::fs::rename(inputs.join("areas/drejtesia"), t.path().join("outside")).unwrap();
    std::fs::write(
        inputs.join("plan.json"),
        std::fs::read_to_string(inputs.join("plan.json"))
            .unwrap()
            .replace("\"id\": \"drejtesia\"", "\"id\": \"../../outside\""),
    )
    .unwrap();
    let out = t.path().join("out");
    let ran = nap_build(&inputs, &out, SMALL, "area-id-path-traversal");
    assert_eq!(
        ran.code, 1,
        "an area id naming a place outside the input folder is refused:\n{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .lines()
            .any(|l| l.starts_with("error: ") && l.contains("outside")),
        "an error names the area:\n{}",
        ran.stderr
    );
    assert_nothing_written("area-id-path-traversal", &out);
}

#[test]
fn a_named_pipe_instead_of_a_file_is_refused_without_blocking() {
    let (t, inputs) = base_copy();
    std::fs::remove_file(inputs.join(ANALYSIS)).unwrap();
    let path = std::ffi::CString::new(inputs.join(ANALYSIS).to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
    let out = t.path().join("out");
    // Opening a FIFO for reading blocks until a writer comes: a hang here
    // means nap opened it.
    let ran = nap_build(&inputs, &out, SMALL, "fifo-instead-of-file");
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .lines()
            .any(|l| l.starts_with(&format!("error: {ANALYSIS}"))),
        "an error names the file:\n{}",
        ran.stderr
    );
    assert_nothing_written("fifo-instead-of-file", &out);
}
