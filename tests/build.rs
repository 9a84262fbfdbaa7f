//! `nap build` end to end on the bundled sample: every file, read back by the
//! real readers, compared with golden text; reproducibility; output safety.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Names of people in the sample's comments who did not consent to be named
/// (consent "jo" or empty). They must appear in no output.
const NOT_CONSENTING: [&str; 10] = [
    "Elona Kola",
    "Marjana Leka",
    "Blerina Dervishi",
    "Klodiana Muça",
    "Shpresa Hysa",
    "Rovena Kapllani",
    "Sokol Bregu",
    "Teuta Marku",
    "Fatos Hasani",
    "Luan Berisha",
];

/// One draft build of the sample, shared by the tests that only read it.
fn sample_draft() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("nap-build-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        build(
            &repo().join("inputs"),
            &out,
            &["--emit", "markdown", "--emit", "source"],
        );
        out.join("1.0-draft")
    })
}

/// The text LibreOffice reads from each DOCX, shared.
fn docx_texts() -> &'static [(String, String)] {
    static T: OnceLock<Vec<(String, String)>> = OnceLock::new();
    T.get_or_init(|| {
        ["plani-i-veprimit", "raporti-i-procesit"]
            .iter()
            .map(|d| {
                (
                    d.to_string(),
                    docx_text(&sample_draft().join(format!("{d}.docx"))),
                )
            })
            .collect()
    })
}

#[test]
fn a_draft_build_writes_every_file_of_the_contract() {
    let dir = sample_draft();
    let names: Vec<String> = snapshot(dir).into_iter().map(|(n, _)| n).collect();
    let mut expected: Vec<String> = common::OUTPUTS.iter().map(|s| s.to_string()).collect();
    // With --emit markdown: each document's Markdown and its figures' PNGs;
    // with --emit source: the templates' output.
    expected.extend(
        [
            "plani-i-veprimit.source.md",
            "raporti-i-procesit.source.md",
            "plani-i-veprimit.md",
            "plani-i-veprimit-figura-1.png",
            "plani-i-veprimit-figura-2.png",
            "raporti-i-procesit.md",
            "raporti-i-procesit-figura-1.png",
            "raporti-i-procesit-figura-2.png",
            "raporti-i-procesit-figura-3.png",
        ]
        .map(String::from),
    );
    expected.sort();
    assert_eq!(names, expected);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["build_date"], "2020-12-15");
    assert_eq!(manifest["final_build"], false);
    let outputs = manifest["outputs"].as_array().unwrap();
    for o in outputs {
        let bytes = std::fs::read(dir.join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(o["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(
            o["sha256"].as_str().unwrap(),
            sha256(&bytes),
            "{}",
            o["path"]
        );
    }
    // The sources' paths, each listed with the digest of its bytes.
    let sources = |kind: &str| -> Vec<String> {
        manifest[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let path = f["path"].as_str().unwrap();
                let bytes = std::fs::read(repo().join(kind).join(path)).unwrap();
                assert_eq!(f["sha256"].as_str().unwrap(), sha256(&bytes), "{path}");
                path.to_string()
            })
            .collect()
    };
    let has = |list: &[String], path: &str| list.iter().any(|p| p == path);
    let inputs = sources("inputs");
    assert!(
        has(&inputs, "plan.json") && has(&inputs, "areas/antikorrupsioni/commitments.json"),
        "{inputs:?}"
    );
    assert!(
        inputs.iter().any(|p| p.starts_with("comments/")),
        "{inputs:?}"
    );
    // Every file of the templates folder.
    let templates = sources("templates");
    let in_folder = |sub: &str| snapshot(&repo().join("templates").join(sub)).len();
    assert_eq!(
        templates.len(),
        2 + in_folder("partials") + in_folder("data"),
        "{templates:?}"
    );
    assert!(
        has(&templates, "plani-i-veprimit.md.hbs")
            && has(&templates, "partials/angazhimi.md.hbs")
            && has(&templates, "data/labels.json"),
        "{templates:?}"
    );
}

fn sha256(bytes: &[u8]) -> String {
    nap::build::sha256_hex(bytes)
}

#[test]
fn the_docx_files_match_their_golden_text() {
    if !have("soffice") {
        return;
    }
    for (name, text) in docx_texts() {
        assert!(
            text.contains("Plani Kombëtar i Veprimit") || text.contains("Procesi"),
            "{name}: {text:.300}"
        );
        assert_golden(&format!("{name}.docx.txt"), text);
    }
}

#[test]
fn the_pdf_files_pass_qpdf_and_match_their_golden_text() {
    if !have("pdftotext") || !have("qpdf") {
        return;
    }
    for name in ["plani-i-veprimit", "raporti-i-procesit"] {
        let pdf = sample_draft().join(format!("{name}.pdf"));
        qpdf_check(&pdf);
        let text = pdf_text(&pdf);
        assert!(
            text.contains("ë") && text.contains("ç"),
            "{name}: diacritics extract as text"
        );
        assert_golden(&format!("{name}.pdf.txt"), &text);
    }
}

#[test]
fn no_one_who_did_not_consent_is_named_in_any_output() {
    let dir = sample_draft();
    let mut texts: Vec<(String, String)> = vec![];
    for f in [
        "model.json",
        "manifest.json",
        "plani-i-veprimit.md",
        "raporti-i-procesit.md",
        "plani-i-veprimit.source.md",
        "raporti-i-procesit.source.md",
    ] {
        texts.push((f.into(), std::fs::read_to_string(dir.join(f)).unwrap()));
    }
    if have("pdftotext") {
        for f in ["plani-i-veprimit.pdf", "raporti-i-procesit.pdf"] {
            texts.push((f.into(), pdf_text(&dir.join(f))));
        }
    }
    if have("soffice") {
        for (name, t) in docx_texts() {
            texts.push((format!("{name}.docx"), t.clone()));
        }
    }
    for (file, text) in &texts {
        for name in NOT_CONSENTING {
            assert!(
                !text.contains(name),
                "{file} names {name}, who did not consent"
            );
        }
    }
    // People who consented are named: the test would notice names vanishing altogether.
    let md = std::fs::read_to_string(dir.join("plani-i-veprimit.md")).unwrap();
    assert!(
        md.contains("Arben Hoxha"),
        "a consenting commenter is named in the annex"
    );
}

/// `--emit markdown` is for pandoc: what pandoc reads from it is what the
/// DOCX says (the same words, the same tables, the same figures), so that
/// bench/compare.sh times pandoc and LibreOffice on the same content.
#[test]
fn the_emitted_markdown_gives_pandoc_the_documents_content() {
    if !have("pandoc") || !have("soffice") {
        return;
    }
    let dir = sample_draft();
    let tmp = tempfile::tempdir().unwrap();
    for (name, docx) in docx_texts() {
        let md = format!("{name}.md");
        let out = tmp.path().join(format!("{name}.docx"));
        // From the version folder, where the figures' PNGs are.
        let o = run(Command::new("pandoc")
            .current_dir(dir)
            .arg(&md)
            .arg("-o")
            .arg(&out));
        assert!(o.status.success(), "pandoc {md}: {}", stderr(&o));
        let count = |file: &Path, what: &str| document_xml(file).matches(what).count();
        let nap_docx = dir.join(format!("{name}.docx"));
        for what in ["<w:tbl>", "<pic:pic"] {
            assert_eq!(count(&out, what), count(&nap_docx, what), "{name}: {what}");
        }
        // The same words: pandoc's plain text (less its table borders)
        // against LibreOffice's text of nap's DOCX (less the table of
        // contents, whose entries a field fills in Word, and list bullets).
        let o = run(Command::new("pandoc").current_dir(dir).args([
            md.as_str(),
            "-t",
            "plain",
            "--wrap=none",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        let words = |text: &str| {
            let mut w: Vec<String> = text
                .split_whitespace()
                .filter(|w| !w.chars().all(|c| "-+=|•".contains(c)))
                .map(|w| w.trim_matches(['[', ']']).to_string())
                .collect();
            w.sort();
            w
        };
        let toc_entry = |l: &&str| {
            l.rsplit_once('\t')
                .is_some_and(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        };
        let body: Vec<&str> = docx.lines().filter(|l| !toc_entry(l)).collect();
        assert_eq!(
            words(&String::from_utf8_lossy(&o.stdout)),
            words(&body.join("\n")),
            "{name}: pandoc reads other words from the Markdown than the DOCX holds"
        );
    }
}

#[test]
fn the_same_inputs_give_byte_identical_files_whatever_the_thread_count() {
    let first = snapshot(sample_draft());
    let out = tempfile::tempdir().unwrap();
    let o = run(nap()
        .env("RAYON_NUM_THREADS", "1")
        .args(["build", "--emit", "markdown", "--emit", "source", "--out"])
        .arg(out.path()));
    assert!(o.status.success(), "{}", stderr(&o));
    let second = snapshot(&out.path().join("1.0-draft"));
    assert_eq!(first.len(), second.len());
    for ((n1, b1), (n2, b2)) in first.iter().zip(&second) {
        assert_eq!(n1, n2);
        assert!(
            b1 == b2,
            "{n1} differs between two builds of the same inputs"
        );
    }
}

#[test]
fn a_failed_build_writes_nothing_and_keeps_the_previous_output() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    copy_tree(&repo().join("inputs"), &inputs);
    let out = tmp.path().join("output");
    build(&inputs, &out, &[]);
    let before = snapshot(&out.join("1.0-draft"));

    // A commitment ending before it starts: an input error.
    let path = inputs.join("areas/antikorrupsioni/commitments.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen("\"end\": \"2022-06\"", "\"end\": \"2019-06\"", 1);
    assert_ne!(text, broken, "the fixture edit applies");
    std::fs::write(&path, broken).unwrap();
    let o = run(nap()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("areas/antikorrupsioni/commitments.json"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        snapshot(&out.join("1.0-draft")),
        before,
        "the previous output is unchanged"
    );
    let names = entry_names(&out);
    assert!(
        names
            .iter()
            .all(|n| n == "1.0-draft" || n.ends_with(".lock")),
        "nothing else written: {names:?}"
    );
}

/// A template edited so that a partial includes itself: without a check,
/// handlebars recursed until the stack overflowed and the process aborted.
#[test]
fn a_partial_that_includes_itself_is_a_template_error_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    copy_tree(&repo().join("templates"), &templates);
    let path = templates.join("partials/angazhimi.md.hbs");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("{{> angazhimi}}\n");
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("output");
    let o = run(nap()
        .args(["build", "--inputs"])
        .arg(repo().join("inputs"))
        .arg("--templates")
        .arg(&templates)
        .arg("--out")
        .arg(&out));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "partials/angazhimi.md.hbs:{line}:1: the partial `angazhimi` includes itself"
        )),
        "{err}"
    );
    assert!(!out.join("1.0-draft").exists(), "nothing written");
}

#[test]
fn an_up_to_date_build_is_skipped_unless_forced() {
    let out = tempfile::tempdir().unwrap();
    build(&repo().join("inputs"), out.path(), &[]);
    let o = build(&repo().join("inputs"), out.path(), &[]);
    assert!(stderr(&o).contains("up to date"), "{}", stderr(&o));
    let o = build(&repo().join("inputs"), out.path(), &["--force"]);
    assert!(stderr(&o).contains("wrote"), "{}", stderr(&o));
}

#[test]
fn a_final_build_has_no_draft_marking_and_its_own_folder() {
    let out = tempfile::tempdir().unwrap();
    build(&repo().join("inputs"), out.path(), &["--final"]);
    let dir = out.path().join("1.0-final");
    for f in common::OUTPUTS {
        assert!(dir.join(f).is_file(), "{f}");
    }
    assert!(
        !out.path().join("1.0-draft").exists(),
        "a build never touches another version's folder"
    );
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["final_build"], true);
    if have("pdftotext") {
        let text = pdf_text(&dir.join("plani-i-veprimit.pdf"));
        assert!(
            !text.contains("DRAFT"),
            "the final plan carries no DRAFT marking"
        );
        assert!(
            text.contains("GMIP"),
            "the final plan has the GMIP approval page"
        );
    }
}

#[test]
fn source_date_epoch_sets_the_build_date() {
    let out = tempfile::tempdir().unwrap();
    let o = run(nap()
        .env("SOURCE_DATE_EPOCH", "1606780800")
        .args(["build", "--out"])
        .arg(out.path()));
    assert!(o.status.success(), "{}", stderr(&o));
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("1.0-draft/model.json")).unwrap())
            .unwrap();
    assert_eq!(model["build_date"], "2020-12-01");
    let o = run(nap()
        .env("SOURCE_DATE_EPOCH", "soon")
        .args(["build", "--out"])
        .arg(out.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("SOURCE_DATE_EPOCH"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let o = run(nap().args(["build", "--no-such-flag"]));
    assert_eq!(o.status.code(), Some(2));
    let o = run(nap().args(["build", "--emit", "html"]));
    assert_eq!(o.status.code(), Some(2));
}

/// The words of every `<text>` element of the figures the sample draws.
fn figure_words() -> std::collections::HashSet<String> {
    let loaded = nap_input::load(&repo().join("inputs"), &Default::default());
    let plan = loaded.plan.expect("the sample reads");
    let mut set = std::collections::HashSet::new();
    for name in ["timeline", "summary", "comments"] {
        let Some(fig) = nap_figures::figure(name, &plan) else {
            continue;
        };
        for chunk in fig.svg.split("<text").skip(1) {
            let inner = chunk.split_once('>').map(|(_, r)| r).unwrap_or("");
            let text = inner.split("</text>").next().unwrap_or("");
            // Inner tags (tspan) first, entities after, so an escaped ">" stays text.
            let plain: String = text
                .split('<')
                .map(|p| p.rsplit_once('>').map(|(_, t)| t).unwrap_or(p))
                .collect();
            set.extend(words(
                &plain
                    .replace("&gt;", ">")
                    .replace("&lt;", "<")
                    .replace("&amp;", "&"),
            ));
        }
    }
    set
}

#[test]
fn the_pdf_and_the_docx_carry_the_same_words_in_the_same_order() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let figures = figure_words();
    for (name, docx) in docx_texts() {
        let pdf_path = sample_draft().join(format!("{name}.pdf"));
        let docx_words = words(docx);
        let pdf_words = words(&pdf_raw_text(&pdf_path));
        // Running headers and footers: the first and last line of every page.
        let mut furniture = std::collections::HashSet::new();
        for page in pdf_text(&pdf_path).split("--- page ").skip(1) {
            let lines: Vec<&str> = page
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .collect();
            for l in lines.first().into_iter().chain(lines.last()) {
                furniture.extend(words(l));
            }
        }
        let in_docx: std::collections::HashSet<&String> = docx_words.iter().collect();
        let mut i = 0;
        let mut unexplained = vec![];
        for w in &pdf_words {
            if i < docx_words.len() && &docx_words[i] == w {
                i += 1;
            } else if !(furniture.contains(w) || figures.contains(w) || in_docx.contains(w)) {
                // Words only the PDF has must be headers, footers, figure text or
                // repeated table header rows (which the DOCX has once).
                unexplained.push(w.clone());
            }
        }
        assert_eq!(
            i,
            docx_words.len(),
            "{name}: the PDF lacks the DOCX's words from {:?}",
            &docx_words[i..(i + 12).min(docx_words.len())]
        );
        assert!(
            unexplained.is_empty(),
            "{name}: words only in the PDF: {unexplained:?}"
        );
    }
}
