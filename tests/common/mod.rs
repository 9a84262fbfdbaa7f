//! Shared helpers for the integration tests: running the binary, and the real
//! readers (LibreOffice for DOCX; pdftotext and qpdf for PDF) whose extracted,
//! normalized text the golden files hold.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// 2020-12-15 00:00 UTC: the sample plan's date, fixed for reproducible tests.
pub const EPOCH: &str = "1607990400";

/// The files a build leaves in its version folder, in name order.
pub const OUTPUTS: [&str; 6] = [
    "manifest.json",
    "model.json",
    "plani-i-veprimit.docx",
    "plani-i-veprimit.pdf",
    "raporti-i-procesit.docx",
    "raporti-i-procesit.pdf",
];

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `nap` binary with a clean, fixed environment.
pub fn nap() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nap"));
    c.current_dir(repo())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("RAYON_NUM_THREADS");
    c
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the nap binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `inputs` into `out` with the repo's templates; panics with nap's
/// stderr when the build fails.
pub fn build(inputs: &Path, out: &Path, extra: &[&str]) -> Output {
    let o = run(nap()
        .args(["build", "--inputs"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(["--templates"])
        .arg(repo().join("templates"))
        .args(extra));
    assert!(o.status.success(), "nap build failed:\n{}", stderr(&o));
    o
}

/// Whether a reader program is on PATH. In CI (env CI set) a missing reader
/// is a failure, never a silent skip.
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found && std::env::var_os("CI").is_some() {
        panic!("{tool} is not installed: CI must install it (.ci/install-readers)");
    }
    if !found {
        eprintln!("skipping: {tool} is not installed (run .ci/install-readers)");
    }
    found
}

static LO_RUN: AtomicUsize = AtomicUsize::new(0);

/// LibreOffice converts `file` to `format` (e.g. "txt:Text", "pdf") into a
/// fresh folder; returns the converted file's path. Each call has its own
/// user profile so parallel tests do not clash.
pub fn soffice_convert(file: &Path, format: &str, ext: &str) -> PathBuf {
    let n = LO_RUN.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("nap-lo-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.display());
    let o = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(&dir)
        .arg(file)
        .output()
        .expect("soffice runs");
    let stem = file.file_stem().unwrap().to_string_lossy();
    let converted = dir.join(format!("{stem}.{ext}"));
    assert!(
        o.status.success() && converted.exists(),
        "LibreOffice could not convert {}:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    converted
}

/// The text LibreOffice reads from a DOCX, normalized.
pub fn docx_text(file: &Path) -> String {
    let txt = soffice_convert(file, "txt:Text (encoded):UTF8", "txt");
    normalize(&std::fs::read_to_string(txt).unwrap())
}

/// The text pdftotext extracts from a PDF (reading order), normalized; pages
/// are separated by a line `--- page N ---`.
pub fn pdf_text(file: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(file)
        .arg("-")
        .output()
        .unwrap();
    assert!(o.status.success(), "pdftotext failed on {}", file.display());
    // A hyphen set at a line end is a soft hyphen in the text: join the word.
    let raw = String::from_utf8(o.stdout)
        .expect("pdftotext gives UTF-8")
        .replace("\u{ad}\n", "");
    let pages: Vec<String> = raw.split('\u{c}').map(normalize).collect();
    let mut out = String::new();
    for (i, p) in pages.iter().enumerate() {
        if i + 1 == pages.len() && p.is_empty() {
            break;
        }
        out.push_str(&format!("--- page {} ---\n{p}", i + 1));
        if !p.is_empty() {
            out.push('\n');
        }
    }
    out
}

/// `qpdf --check` passes.
pub fn qpdf_check(file: &Path) {
    let o = Command::new("qpdf")
        .arg("--check")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "qpdf --check failed on {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Trailing spaces removed, runs of blank lines folded to one, BOM dropped.
pub fn normalize(s: &str) -> String {
    let s = s.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let mut out = String::new();
    let mut blank = true;
    for line in s.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    out.trim_end().to_string() + "\n"
}

/// Compares `actual` with `tests/golden/<name>`; with NAP_UPDATE_GOLDEN=1
/// rewrites the golden instead. A missing golden fails.
pub fn assert_golden(name: &str, actual: &str) {
    let path = repo().join("tests/golden").join(name);
    if std::env::var_os("NAP_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden {}: run NAP_UPDATE_GOLDEN=1 cargo test --test build and review it",
            path.display()
        )
    });
    if expected != actual {
        let diff = first_difference(&expected, actual);
        panic!(
            "{name} differs from its golden file ({}).\n{diff}\nIf the change is intended: NAP_UPDATE_GOLDEN=1 cargo test --test build",
            path.display()
        );
    }
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let i = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let ctx = |v: &[&str]| v[i.saturating_sub(2)..(i + 3).min(v.len())].join("\n");
    format!(
        "first difference at line {}:\n--- golden\n{}\n--- actual\n{}",
        i + 1,
        ctx(&e),
        ctx(&a)
    )
}

/// Copies a folder tree (for tests that edit a copy of the sample inputs).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file of a folder with its bytes, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The text of a PDF in content-stream order (`pdftotext -raw`), line-end
/// soft hyphens joined: the order the writer drew the text in.
pub fn pdf_raw_text(file: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(file)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "pdftotext -raw failed on {}",
        file.display()
    );
    String::from_utf8(o.stdout)
        .expect("pdftotext gives UTF-8")
        .replace("\u{ad}\n", "")
}

/// The words of a text: runs of letters (ë and ç are letters), numbers and
/// punctuation left out.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The names of the entries of a folder (files and folders), unsorted.
pub fn entry_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// The main part of a DOCX (`word/document.xml`), read with unzip.
pub fn document_xml(docx: &Path) -> String {
    let o = Command::new("unzip")
        .arg("-p")
        .arg(docx)
        .arg("word/document.xml")
        .output()
        .unwrap();
    assert!(o.status.success(), "unzip failed on {}", docx.display());
    String::from_utf8(o.stdout).unwrap()
}
