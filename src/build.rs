//! `nap build`: check, compose, write both documents in both formats, the
//! model and the manifest, into `<out>/<version>-draft|final/`.
//!
//! The only stage that writes to disk. Everything is produced in memory
//! first; then the files go into a temporary folder beside the target, which
//! is swapped into place in one step (see [`crate::output`]). A build that
//! fails at any point leaves the previous output as it was.

use crate::output::{self, OutputError};
use crate::world::World;
use nap_compose::{compose_prepared, ComposeOptions, Composed};
use nap_input::Loaded;
use nap_model::{Date, ModelFile};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Checked options of `nap build`.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub inputs: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
    pub final_build: bool,
    /// Also write each document as pandoc Markdown, with its figures' PNGs.
    pub emit_markdown: bool,
    /// Also write the Markdown with directives the templates produced.
    pub emit_source: bool,
    /// Rebuild even when the manifest says the output is up to date.
    pub force: bool,
}

/// One file of a build, in memory.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What `manifest.json` records.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Manifest {
    pub nap_version: String,
    pub build_date: Date,
    pub final_build: bool,
    /// SHA-256 over the input and template files' paths and digests and the
    /// tool version: equal digests mean an up-to-date build.
    pub source_digest: String,
    pub inputs: Vec<FileDigest>,
    pub templates: Vec<FileDigest>,
    pub outputs: Vec<FileDigest>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct FileDigest {
    pub path: String,
    pub sha256: String,
}

pub const PLAN_DOCX: &str = "plani-i-veprimit.docx";
pub const PLAN_PDF: &str = "plani-i-veprimit.pdf";
pub const REPORT_DOCX: &str = "raporti-i-procesit.docx";
pub const REPORT_PDF: &str = "raporti-i-procesit.pdf";
pub const PLAN_MD: &str = "plani-i-veprimit.md";
pub const REPORT_MD: &str = "raporti-i-procesit.md";
pub const PLAN_SOURCE: &str = "plani-i-veprimit.source.md";
pub const REPORT_SOURCE: &str = "raporti-i-procesit.source.md";

/// Runs `nap build`; returns the exit code.
pub fn run(opts: &BuildOptions, world: &World) -> i32 {
    let started = Instant::now();
    let progress = world.progress();
    progress.step("reading the inputs and templates");
    let mut err = std::io::stderr().lock();
    // The templates do not depend on the inputs: they are read and compiled
    // while the inputs are read and checked.
    let (loaded, prepared) = rayon::join(
        || crate::check::load_checked(&opts.inputs, opts.final_build),
        || nap_compose::prepare(&opts.templates),
    );
    let _ = nap_input::report::print(&mut err, &loaded, &opts.inputs);
    let plan = match (&loaded.plan, loaded.has_errors()) {
        (Some(plan), false) => plan,
        _ => {
            let _ = writeln!(
                err,
                "error: nothing was written: fix the errors above and build again"
            );
            return 1;
        }
    };
    let build_date = match world.build_date(plan.date) {
        Ok(d) => d,
        Err(msg) => {
            let _ = writeln!(err, "error: {msg}");
            return 1;
        }
    };
    let folder_name = output::version_folder(&plan.version, opts.final_build);
    let target = opts.out.join(&folder_name);

    let sources = match source_digests(opts, &loaded, prepared.as_ref().ok().map(|p| &p.templates))
    {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 1;
        }
    };
    let digest = source_digest(&sources, opts, build_date);
    if !opts.force && output::manifest_digest(&target).as_deref() == Some(digest.as_str()) {
        let _ = writeln!(
            err,
            "{} is up to date (inputs, templates and nap version unchanged); use --force to rebuild",
            target.display()
        );
        return 0;
    }

    progress.step("composing the documents");
    let compose_opts = ComposeOptions {
        templates: opts.templates.clone(),
        final_build: opts.final_build,
        build_date,
    };
    let model = ModelFile {
        nap_version: env!("CARGO_PKG_VERSION").to_string(),
        build_date,
        final_build: opts.final_build,
        plan: plan.clone(),
    };
    let composed = match prepared.and_then(|p| compose_prepared(plan, &p, &compose_opts)) {
        Ok(c) => c,
        Err(diags) => {
            for d in &diags {
                let _ = writeln!(err, "{d}");
            }
            let _ = writeln!(
                err,
                "error: nothing was written: the templates could not be merged"
            );
            return 1;
        }
    };
    for w in &composed.warnings {
        let _ = writeln!(err, "{w}");
    }

    progress.step("writing DOCX and PDF");
    let files = match render_all(&composed, &model, opts) {
        Ok(r) => {
            for w in &r.warnings {
                let _ = writeln!(err, "{w}");
            }
            if world.timings {
                for s in &r.spans {
                    let _ = writeln!(
                        err,
                        "           {:<6} {:<6} {:6.3} → {:6.3} s ({:.0} ms)",
                        s.document,
                        s.stage,
                        s.start,
                        s.end,
                        (s.end - s.start) * 1000.0
                    );
                }
            }
            r.files
        }
        Err(msg) => {
            let _ = writeln!(err, "error: {msg}\nerror: nothing was written");
            return 1;
        }
    };
    let manifest = Manifest {
        nap_version: model.nap_version.clone(),
        build_date,
        final_build: opts.final_build,
        source_digest: digest,
        inputs: sources.inputs,
        templates: sources.templates,
        outputs: files
            .par_iter()
            .map(|f| FileDigest {
                path: f.name.clone(),
                sha256: sha256_hex(&f.bytes),
            })
            .collect(),
    };
    let mut all = files;
    all.push(OutFile {
        name: "manifest.json".into(),
        bytes: to_json(&manifest),
    });

    progress.step("saving");
    match output::write_folder(&opts.out, &folder_name, &all) {
        Ok(()) => {
            progress.done();
            let _ = writeln!(
                err,
                "wrote {} ({} files) in {:.2} s",
                target.display(),
                all.len(),
                started.elapsed().as_secs_f64()
            );
            0
        }
        Err(OutputError { path, source }) => {
            progress.done();
            let _ = writeln!(
                err,
                "error: cannot write {}: {source}\nerror: nothing was written; the previous output (if any) is unchanged",
                path.display()
            );
            1
        }
    }
}

/// Every output file in memory, and the writers' warnings.
pub struct Rendered {
    pub files: Vec<OutFile>,
    /// How long each writing job took (printed with NAP_TIMINGS).
    pub spans: Vec<Span>,
    /// E.g. characters the embedded fonts lack, named with their text.
    pub warnings: Vec<String>,
}

/// Renders every output file in memory, documents and formats in parallel.
/// The order of the returned files is fixed (it is the manifest's order).
pub fn render_all(
    composed: &Composed,
    model: &ModelFile,
    opts: &BuildOptions,
) -> Result<Rendered, String> {
    let pdf_opts = nap_pdf::PdfOptions {
        pdfa: opts.final_build,
    };
    let spans = Spans::new();
    // Layout and serialization are timed apart (NAP_TIMINGS); the layout is
    // moved into the writer, which frees each page once written.
    let pdf = |name: &'static str, doc: &nap_doc::Document| {
        let paged = spans.time(name, "layout", || nap_layout::layout(doc));
        spans.time(name, "PDF", || nap_pdf::render_paged(doc, paged, &pdf_opts))
    };
    let docx = |name: &'static str, doc: &nap_doc::Document, rasters: &nap_docx::Rasters| {
        spans.time(name, "DOCX", || nap_docx::docx_with(doc, rasters))
    };
    // The action plan's PDF is the longest chain; everything else (the
    // figures' PNGs, both DOCX, the report's PDF) runs beside it.
    let (plan_pdf, (plan_docx, report_docx, report_pdf, model_json, rasters)) = rayon::join(
        || pdf("plan", &composed.plan),
        || {
            let rasters = spans.time("both", "PNG", || {
                nap_docx::Rasters::of(&[&composed.plan, &composed.report])
            });
            let (plan_docx, report_docx) = rayon::join(
                || docx("plan", &composed.plan, &rasters),
                || docx("report", &composed.report, &rasters),
            );
            let report_pdf = pdf("report", &composed.report);
            (plan_docx, report_docx, report_pdf, to_json(model), rasters)
        },
    );
    let plan_pdf =
        plan_pdf.map_err(|e| format!("the action plan's PDF could not be written: {e}"))?;
    let report_pdf =
        report_pdf.map_err(|e| format!("the process report's PDF could not be written: {e}"))?;
    let mut warnings = Vec::new();
    for (doc, r) in [(PLAN_PDF, &plan_pdf), (REPORT_PDF, &report_pdf)] {
        warnings.extend(summarize_pdf_warnings(doc, &r.warnings));
    }
    let mut files = vec![
        OutFile {
            name: PLAN_DOCX.into(),
            bytes: plan_docx,
        },
        OutFile {
            name: PLAN_PDF.into(),
            bytes: plan_pdf.bytes,
        },
        OutFile {
            name: REPORT_DOCX.into(),
            bytes: report_docx,
        },
        OutFile {
            name: REPORT_PDF.into(),
            bytes: report_pdf.bytes,
        },
        OutFile {
            name: "model.json".into(),
            bytes: model_json,
        },
    ];
    if opts.emit_markdown {
        for (name, doc) in [(PLAN_MD, &composed.plan), (REPORT_MD, &composed.report)] {
            files.extend(markdown(name, doc, &rasters));
        }
    }
    if opts.emit_source {
        for (name, text) in [
            (PLAN_SOURCE, &composed.plan_markdown),
            (REPORT_SOURCE, &composed.report_markdown),
        ] {
            files.push(OutFile {
                name: name.into(),
                bytes: text.clone().into_bytes(),
            });
        }
    }
    Ok(Rendered {
        files,
        warnings,
        spans: spans.into_sorted(),
    })
}

/// A document as pandoc Markdown (`name`, e.g. plani-i-veprimit.md) and
/// its figures as the PNG files it links to, named after the document and
/// the figure (plani-i-veprimit-figura-1.png): the same PNGs as the DOCX.
fn markdown(name: &str, doc: &nap_doc::Document, rasters: &nap_docx::Rasters) -> Vec<OutFile> {
    let stem = name.trim_end_matches(".md");
    let mut pngs = Vec::new();
    let text = nap_md::write(doc, &mut |figure| {
        let png = rasters.get(figure)?;
        let id: String = figure
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        // Ids are unique, but two could read the same once sanitized.
        let mut file = format!("{stem}-{id}.png");
        let mut n = 1;
        while pngs.iter().any(|f: &OutFile| f.name == file) {
            n += 1;
            file = format!("{stem}-{id}-{n}.png");
        }
        pngs.push(OutFile {
            name: file.clone(),
            bytes: png.to_vec(),
        });
        Some(file)
    });
    let mut files = vec![OutFile {
        name: name.into(),
        bytes: text.into_bytes(),
    }];
    files.extend(pngs);
    files
}

/// When each writing job ran, relative to the start of writing.
#[derive(Debug, Clone)]
pub struct Span {
    pub document: &'static str,
    pub stage: &'static str,
    pub start: f64,
    pub end: f64,
}

struct Spans {
    t0: Instant,
    list: Mutex<Vec<Span>>,
}

impl Spans {
    fn new() -> Spans {
        Spans {
            t0: Instant::now(),
            list: Mutex::new(Vec::new()),
        }
    }

    fn time<R>(&self, document: &'static str, stage: &'static str, f: impl FnOnce() -> R) -> R {
        let start = self.t0.elapsed().as_secs_f64();
        let r = f();
        let end = self.t0.elapsed().as_secs_f64();
        if let Ok(mut list) = self.list.lock() {
            list.push(Span {
                document,
                stage,
                start,
                end,
            });
        }
        r
    }

    fn into_sorted(self) -> Vec<Span> {
        let mut list = self.list.into_inner().unwrap_or_default();
        list.sort_by(|a, b| a.start.total_cmp(&b.start));
        list
    }
}

/// The PDF writer warns once per character its fonts lack; the places in the
/// inputs are already named by [`crate::checks`], so those become one line
/// per document. Other warnings pass through.
fn summarize_pdf_warnings(doc: &str, warnings: &[String]) -> Vec<String> {
    const GLYPH: &str = "character U+";
    let (glyphs, other): (Vec<&String>, Vec<&String>) =
        warnings.iter().partition(|w| w.starts_with(GLYPH));
    let mut out: Vec<String> = other
        .iter()
        .map(|w| format!("warning: {doc}: {w}"))
        .collect();
    if !glyphs.is_empty() {
        let mut codes: Vec<&str> = glyphs
            .iter()
            .filter_map(|w| w[GLYPH.len()..].split_whitespace().next())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        out.push(format!(
            "warning: {doc}: {} characters the embedded fonts lack are drawn as replacement marks (U+{})",
            codes.len(),
            codes.join(", U+")
        ));
    }
    out
}

struct Sources {
    inputs: Vec<FileDigest>,
    templates: Vec<FileDigest>,
}

/// The digests of the inputs and of every file of the templates folder. The
/// inputs and the templates composing reads are hashed as they were read
/// (`read`: the templates folder as composing read it, when it could), so
/// the manifest names the bytes the documents were made from even if a file
/// changed during the build; the templates folder's other files are read
/// here.
fn source_digests(
    opts: &BuildOptions,
    loaded: &Loaded,
    read: Option<&nap_compose::render::Templates>,
) -> Result<Sources, String> {
    let digest_all = |root: &Path, rels: &[PathBuf]| -> Result<Vec<FileDigest>, String> {
        rels.par_iter()
            .map(|rel| {
                let path = slash_path(rel);
                let sha256 =
                    match read.and_then(|t| t.bytes.get(&path)) {
                        Some(bytes) => sha256_hex(bytes),
                        None => sha256_hex(&std::fs::read(root.join(rel)).map_err(|e| {
                            format!("cannot read {}: {e}", root.join(rel).display())
                        })?),
                    };
                Ok(FileDigest { path, sha256 })
            })
            .collect()
    };
    let templates = output::list_files(&opts.templates).map_err(|e| {
        format!(
            "cannot read the templates folder {}: {e}",
            opts.templates.display()
        )
    })?;
    Ok(Sources {
        // The inputs as the reader read them (it hashed each file then).
        inputs: loaded
            .files
            .iter()
            .map(|f| FileDigest {
                path: slash_path(&f.path),
                sha256: hex(&f.sha256),
            })
            .collect(),
        templates: digest_all(&opts.templates, &templates)?,
    })
}

fn source_digest(s: &Sources, opts: &BuildOptions, build_date: Date) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(if opts.final_build { "final" } else { "draft" });
    h.update(if opts.emit_markdown { "md" } else { "" });
    h.update(if opts.emit_source { "source" } else { "" });
    h.update(build_date.iso());
    for (kind, list) in [("in", &s.inputs), ("tpl", &s.templates)] {
        for f in list {
            h.update(format!("{kind}\0{}\0{}\n", f.path, f.sha256));
        }
    }
    hex(&h.finalize())
}

pub fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(v).expect("the model serializes");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use nap_doc::{Block, Document, Figure, Inline, Meta};

    fn figure(id: &str) -> Block {
        Block::Figure(Figure {
            id: id.into(),
            svg: r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="5" height="5"/></svg>"#.into(),
            width_mm: 20.0,
            height_mm: 10.0,
            alt: String::new(),
            caption: vec![Inline::plain(id)],
        })
    }

    /// Each figure of the Markdown gets a PNG file of its own, named after
    /// its id, even when two ids read the same once made file-name safe.
    #[test]
    fn the_markdown_links_one_png_per_figure() {
        let doc = Document {
            meta: Meta::default(),
            blocks: vec![figure("figura-1"), figure("Figura 1"), figure("figura-2")],
        };
        let rasters = nap_docx::Rasters::of(&[&doc]);
        let files = markdown("plani.md", &doc, &rasters);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "plani.md",
                "plani-figura-1.png",
                "plani-figura-1-2.png",
                "plani-figura-2.png"
            ]
        );
        let text = String::from_utf8(files[0].bytes.clone()).unwrap();
        for png in &names[1..] {
            assert!(text.contains(&format!("]({png})")), "{png} linked");
        }
        assert!(files[1..].iter().all(|f| f.bytes.starts_with(b"\x89PNG")));
    }
}
