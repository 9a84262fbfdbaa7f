//! LibreOffice opens the package and converts it to text and PDF.
//!
//! Skipped when `soffice` is missing, unless the `CI` environment variable is
//! set: in CI a missing LibreOffice is a failure.

mod common;

use common::{changed, span};
use nap_doc::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn soffice_available() -> bool {
    let found = Command::new("soffice")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("soffice (LibreOffice) is required in CI but was not found");
    }
    if !found {
        eprintln!("skipped: soffice not found (set CI to make this a failure)");
    }
    found
}

/// A fresh folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("nap-docx-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Converts `file` with `filter` into `out`; each call has its own
/// LibreOffice profile so parallel tests do not share (and lock) one.
fn convert(file: &Path, filter: &str, out: &Path, profile: &Path) {
    let mut child = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start soffice");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(240) {
            child.kill().unwrap();
            panic!(
                "soffice did not finish converting {} in 240 s",
                file.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "soffice failed converting {}: {status}",
        file.display()
    );
}

#[test]
fn libreoffice_converts_to_text_and_pdf() {
    if !soffice_available() {
        return;
    }
    let scratch = Scratch::new("lo");
    let dir = &scratch.0;
    let file = dir.join("plani.docx");
    std::fs::write(&file, nap_docx::docx(&common::rich())).unwrap();
    let profile = dir.join("profile");

    convert(&file, "txt:Text (encoded):UTF8", dir, &profile);
    let text = std::fs::read_to_string(dir.join("plani.txt")).expect("LibreOffice wrote no text");
    for expected in [
        "Plani Kombëtar i Veprimit për Shqipërinë 2020–2022",
        "Transparenca dhe llogaridhënia janë çështje kyçe për qeverisjen; shih ogp.gov.al.",
        // The TOC shows its pre-filled entries, not a field code.
        "Përmbajtja",
        "1.1. Angazhimi 1\t2",
        "Plane integriteti në të gjitha ministritë",
        "3. Hapi i tretë",
        "Figura 1: Fazat primare të procesit",
        "Rresht i dytë me ë dhe ç.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("TOC \\o"), "raw field code in:\n{text}");

    convert(&file, "pdf", dir, &profile);
    let pdf = std::fs::read(dir.join("plani.pdf")).expect("LibreOffice wrote no PDF");
    assert!(pdf.starts_with(b"%PDF"));
    // The page fields and the running header, where poppler is installed.
    if let Ok(out) = Command::new("pdftotext")
        .arg(dir.join("plani.pdf"))
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Faqe 2 nga 5"), "{text}");
        assert!(text.contains("Plani i Veprimit OGP 2020–2022"), "{text}");
        // The title page carries no page number.
        let first = text.split('\u{c}').next().unwrap();
        assert!(!first.contains("Faqe"), "{first}");
    }
}

/// Accepting every tracked change gives the new text; the deleted words are
/// still there as deletions until then.
#[test]
fn libreoffice_reads_tracked_changes() {
    if !soffice_available() {
        return;
    }
    let scratch = Scratch::new("lo-revisions");
    let dir = &scratch.0;
    let file = dir.join("krahasimi.docx");
    std::fs::write(&file, nap_docx::docx(&common::rich())).unwrap();
    let profile = dir.join("profile");
    // LibreOffice's ODF export keeps tracked changes as <text:changed-region>.
    convert(&file, "odt", dir, &profile);
    let odt = std::fs::read(dir.join("krahasimi.odt")).unwrap();
    let content = String::from_utf8(common::unzip(&odt)["content.xml"].clone()).unwrap();
    let regions = content.matches("<text:changed-region").count();
    assert_eq!(regions, 2, "one insertion and one deletion expected");
    assert!(content.contains("<text:insertion>") && content.contains("<text:deletion>"));
    assert!(content.contains("<dc:creator>nap</dc:creator>"));
    assert!(
        content.contains("<dc:date>2020-11-15"),
        "date of the change"
    );
    assert!(content.contains("dhjetor 2021"));
}

/// A Basic macro that opens a document, accepts or rejects every tracked
/// change, and saves it as UTF-8 text: what a reviewer gets from Edit ›
/// Track Changes › Accept All / Reject All.
const RESOLVE_MACRO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Resolve(inPath As String, outPath As String, mode As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(inPath), &quot;_blank&quot;, 0, args())
  dispatcher = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  frame = doc.getCurrentController().getFrame()
  If mode = &quot;accept&quot; Then
    dispatcher.executeDispatch(frame, &quot;.uno:AcceptAllTrackedChanges&quot;, &quot;&quot;, 0, Array())
  Else
    dispatcher.executeDispatch(frame, &quot;.uno:RejectAllTrackedChanges&quot;, &quot;&quot;, 0, Array())
  End If
  Dim f(1) As New com.sun.star.beans.PropertyValue
  f(0).Name = &quot;FilterName&quot;
  f(0).Value = &quot;Text (encoded)&quot;
  f(1).Name = &quot;FilterOptions&quot;
  f(1).Value = &quot;UTF8&quot;
  doc.storeToURL(ConvertToURL(outPath), f())
  doc.close(True)
End Sub
</script:module>
"#;

fn run_soffice(args: &[String]) {
    let status = Command::new("soffice")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start soffice");
    assert!(status.success(), "soffice {args:?}: {status}");
}

/// Accept all gives the new text, reject all the old one, with no empty
/// paragraph left where a whole paragraph was added or removed.
#[test]
fn libreoffice_accept_all_and_reject_all() {
    if !soffice_available() {
        return;
    }
    let scratch = Scratch::new("lo-resolve");
    let dir = &scratch.0;
    let profile = dir.join("profile");
    let env = format!("-env:UserInstallation=file://{}", profile.display());
    run_soffice(&[
        env.clone(),
        "--headless".into(),
        "--terminate_after_init".into(),
    ]);
    let module = profile.join("user/basic/Standard/Module1.xba");
    assert!(
        module.exists(),
        "LibreOffice made no Basic library in {}",
        profile.display()
    );
    std::fs::write(&module, RESOLVE_MACRO).unwrap();

    let doc = Document {
        meta: sample().meta,
        blocks: vec![
            Block::para("Para e pandryshuar."),
            changed("Paragraf i ri.", Revision::Inserted),
            changed("Paragraf i hequr.", Revision::Deleted),
            Block::Paragraph {
                style: ParaStyle::Normal,
                align: Align::Left,
                content: vec![
                    Inline::plain("Afati "),
                    span("dhjetor 2021", |s| s.revision = Some(Revision::Deleted)),
                    span("qershor 2022", |s| s.revision = Some(Revision::Inserted)),
                    Inline::plain("."),
                ],
            },
            Block::para("Fund."),
        ],
    };
    let file = dir.join("krahasimi.docx");
    std::fs::write(&file, nap_docx::docx(&doc)).unwrap();
    let mut resolved = Vec::new();
    for mode in ["accept", "reject"] {
        let out = dir.join(format!("{mode}.txt"));
        run_soffice(&[
            env.clone(),
            "--headless".into(),
            format!(
                "macro:///Standard.Module1.Resolve(\"{}\",\"{}\",\"{mode}\")",
                file.display(),
                out.display()
            ),
        ]);
        let text = std::fs::read_to_string(&out).expect("the macro wrote no text");
        resolved.push(
            text.trim_start_matches('\u{feff}')
                .trim_end()
                .replace("\r\n", "\n"),
        );
    }
    assert_eq!(
        resolved[0],
        "Para e pandryshuar.\nParagraf i ri.\nAfati qershor 2022.\nFund."
    );
    assert_eq!(
        resolved[1],
        "Para e pandryshuar.\nParagraf i hequr.\nAfati dhjetor 2021.\nFund."
    );
}
