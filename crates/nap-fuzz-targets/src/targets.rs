//! One function per fuzz target: what the target feeds and what must hold.
//! `fuzz/fuzz_targets/<name>.rs` calls the function of its name under
//! libFuzzer (nightly, coverage-guided); this crate's tests call the same
//! functions on the committed regression and seed inputs and on seeded
//! pseudo-random ones (stable, in CI).

use crate::doc::FuzzDoc;
use crate::svg::FuzzSvg;
use crate::Folder;
use nap_compose::markdown::{self, Mode};
use nap_doc::{Align, Document, ParaStyle};
use nap_model::{Date, Plan};
use resvg::tiny_skia::{Color, Pixmap, Transform};
use std::sync::OnceLock;

/// The comments reader: any bytes as `comments/komentet.csv` of a valid
/// folder. `nap_input::load` must return diagnostics, never panic or hang,
/// and every text of a plan it builds must be normalized.
pub fn input_csv(data: &[u8]) {
    static FOLDER: OnceLock<Folder> = OnceLock::new();
    input_csv_in(FOLDER.get_or_init(|| Folder::new("input_csv")), data);
}

/// [`input_csv`] in a scratch folder of the caller's.
pub fn input_csv_in(folder: &Folder, data: &[u8]) {
    folder.write_with("comments/komentet.csv", data);
    crate::load_and_check(folder);
}

const JSON_FILES: [&str; 5] = [
    "plan.json",
    "areas/drejtesia/commitments.json",
    "process/process.json",
    "areas/drejtesia/situation-analysis.md",
    "process/intro.md",
];

/// The JSON and Markdown readers: the first byte picks the file of a valid
/// folder (plan.json, a commitments.json, process.json, a situation analysis,
/// the process introduction), the rest is its content. `nap_input::load`
/// must return diagnostics, never panic or hang (JSON nesting included).
pub fn input_json(data: &[u8]) {
    static FOLDER: OnceLock<Folder> = OnceLock::new();
    input_json_in(FOLDER.get_or_init(|| Folder::new("input_json")), data);
}

/// [`input_json`] in a scratch folder of the caller's.
pub fn input_json_in(folder: &Folder, data: &[u8]) {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    folder.write_with(JSON_FILES[usize::from(pick) % JSON_FILES.len()], content);
    crate::load_and_check(folder);
}

/// The pure text rules of nap-input. Properties: `normalize` is idempotent,
/// leaves no XML-forbidden character, no CR, no white space around the text
/// or at the end of a line, and no run of white space inside a line; `key`
/// and `fold` are stable under themselves; `find_marker` returns a real
/// marker at a character boundary; the date, disposition and consent parsers
/// never panic.
pub fn normalize(data: &[u8]) {
    use nap_input::rules::{consent, disposition, find_marker, fold, key, normalize, parse_date};
    let s = String::from_utf8_lossy(data);
    let n = normalize(&s);
    assert_eq!(normalize(&n), n, "normalize is not idempotent on {s:?}");
    assert!(
        !n.chars().any(|c| crate::xml_forbidden(c) || c == '\r'),
        "normalize left a control character: {n:?}"
    );
    assert_eq!(n.trim(), n, "normalize left white space around {n:?}");
    for line in n.split('\n') {
        assert_eq!(
            line.trim_end(),
            line,
            "normalize left trailing white space on a line of {n:?}"
        );
        let inner = line.trim_start();
        let spaces: Vec<char> = inner.chars().collect();
        assert!(
            !spaces
                .windows(2)
                .any(|w| w[0].is_whitespace() && w[1].is_whitespace()),
            "normalize left a run of white space inside {line:?}"
        );
    }

    let k = key(&s);
    assert_eq!(key(&k), k, "key is not stable on {s:?}");
    let f = fold(&s);
    assert_eq!(fold(&f), f, "fold is not stable on {s:?}");
    assert_eq!(fold(&n), f, "fold differs on the normalized text of {s:?}");

    if let Some((at, m)) = find_marker(&s) {
        assert!(
            s.is_char_boundary(at),
            "marker offset {at} inside a character"
        );
        assert_eq!(&s[at..at + m.len()], m);
        assert!(
            ["todo", "tbd", "xxx"].contains(&m.to_ascii_lowercase().as_str()),
            "not a marker: {m:?}"
        );
    }

    let _ = parse_date(&s);
    let _ = disposition(&s);
    let _ = consent(&s);
}

/// The plan of the minimal valid folder, loaded once.
fn base_plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let folder = Folder::new("markdown_to_doc");
        folder.write_with("plan.json", crate::BASE[0].1.as_bytes());
        let loaded = nap_input::load(&folder.root, &nap_input::LoadOptions::default());
        loaded.plan.expect("the base folder loads")
    })
}

/// Markdown and merged template text → document blocks. The text goes
/// through `nap_compose::markdown::blocks` directly and through the directive
/// parser and the assembler (as a template's output would); both results
/// must keep the invariants nap-doc promises the writers. The first byte
/// holds flags: top level or in a cell, draft or final.
pub fn markdown_to_doc(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mode = Mode {
        style: ParaStyle::Normal,
        align: Align::Left,
        top_level: flags & 1 == 0,
    };

    let mut ctx = markdown::Ctx::default();
    let blocks = markdown::blocks(text, &mut ctx, mode);
    let meta = nap_doc::sample().meta;
    crate::check_document(&Document { meta, blocks });
    let _ = markdown::inlines(text, &mut ctx);
    let _ = markdown::plain(text);

    if let Ok(nodes) = nap_compose::directive::parse(text, "fuzz.md") {
        let date = Date::new(2020, 11, Some(15)).expect("a real date");
        let mut a = nap_compose::Assembler::bare(
            base_plan(),
            flags & 2 != 0,
            date,
            nap_compose::render::FigureNumbers::default(),
        );
        let blocks = a.nodes(nodes, mode);
        crate::check_document(&Document {
            meta: a.meta.clone(),
            blocks,
        });
    }
    let _ = nap_compose::directive::strip_markers(text);
}

/// The DOCX writer on generated documents (every block type, hostile text,
/// links, revisions, figures, spans) plus Markdown-made blocks: it must not
/// panic, and every XML part of the package must be well-formed. The same
/// documents through the Markdown writer (`--emit markdown`): no panic, and
/// a link to every figure it was given a file for.
pub fn docx_writer(input: FuzzDoc) {
    let doc = input.build();
    crate::check_document(&doc);
    let bytes = nap_docx::docx(&doc);
    crate::check_docx(&bytes);
    let mut files = Vec::new();
    let md = nap_md::write(&doc, &mut |f| {
        let file = format!("f{}.png", files.len());
        files.push(file.clone());
        (f.width_mm > 0.0).then_some(file)
    });
    let mut figures = 0;
    nap_doc::walk(&doc.blocks, &mut |b| {
        if let nap_doc::Block::Figure(f) = b {
            if f.width_mm > 0.0 {
                figures += 1;
            }
        }
    });
    let linked = md.matches("](f").count();
    assert!(
        linked >= figures,
        "{figures} figures, {linked} linked in:\n{md}"
    );
}

/// The PDF writer (layout + serialization) on generated documents plus
/// Markdown-made blocks: it must not panic, and must write a complete PDF
/// (PDF/A may refuse a document with a reason, a plain PDF may not).
pub fn pdf_writer(input: FuzzDoc) {
    let doc = input.build();
    crate::check_document(&doc);
    crate::check_pdf(&doc, input.pdfa);
}

/// The resolution the rasteriser is fuzzed at (low: many runs a second).
const DPI: f32 = 60.0;

/// The figures' rasteriser (`nap_figures::try_rasterize`: glyph masks for
/// plain text, resvg node by node for the rest) on generated SVGs: it must
/// not panic, must give a PNG of the asked size, and where there is no text
/// must draw what resvg draws (to within a level or two of anti-aliasing
/// from the transform round trip of drawing node by node).
pub fn figure_raster(input: FuzzSvg) {
    let svg = input.source();
    // Any printed width: an error or a PNG, never a panic (kept under 0.5 m,
    // where the pixel cap would make each run allocate a quarter gigabyte).
    let width = if input.width_mm.is_finite() {
        input.width_mm.clamp(-500.0, 500.0)
    } else {
        input.width_mm
    };
    let _ = nap_figures::try_rasterize(&svg, width, DPI);
    let Ok(png) = nap_figures::try_rasterize(&svg, 160.0, DPI) else {
        return;
    };
    let got = Pixmap::decode_png(&png).expect("the rasteriser writes a PNG");
    let tree = nap_figures::parse(&svg).expect("it rasterised, so it parses");
    let size = tree.size();
    let w = (160.0 / 25.4 * DPI).round() as u32;
    let h = (w as f32 * size.height() / size.width()).round().max(1.0) as u32;
    assert_eq!((got.width(), got.height()), (w, h));
    if svg.contains("<text") {
        return;
    }
    let mut want = Pixmap::new(w, h).unwrap();
    want.fill(Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(w as f32 / size.width(), h as f32 / size.height()),
        &mut want.as_mut(),
    );
    let worst = want
        .data()
        .iter()
        .zip(got.data())
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap_or(0);
    assert!(worst <= 16, "shapes differ from resvg's by {worst}:\n{svg}");
}

/// Templates as a POC officer might edit them: any text as the main
/// template and two partials (split at NUL bytes), compiled and merged with
/// a small view. Property: merging returns the text or template errors; it
/// never panics, overflows the stack or hangs. The view's lists hold one
/// item each, so nested loops cannot multiply the work (a template that
/// loops over a long list inside itself a hundred times is slow by design,
/// not a crash).
pub fn templates(data: &[u8]) {
    use nap_compose::render::{render, Templates, PLAN_TEMPLATE};
    use serde_json::json;
    use std::collections::BTreeMap;
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let mut sources = BTreeMap::new();
    sources.insert(
        PLAN_TEMPLATE.to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    for name in ["a", "b"] {
        if let Some(src) = parts.next() {
            sources.insert(format!("partials/{name}.md.hbs"), src.to_string());
        }
    }
    let templates = Templates {
        root: "templates".into(),
        sources,
        data: BTreeMap::new(),
        bytes: BTreeMap::new(),
    };
    let view = json!({
        "plan": {"title": "Plani", "areas": [{"id": "a", "title": "Fusha"}]},
        "x": [{"y": "z", "n": 1}],
        "t": "tekst me *yje* dhe {{kllapa}}",
        "n": 3,
        "b": true,
    });
    if let Err(diags) = render(&templates, PLAN_TEMPLATE, &view) {
        assert!(!diags.is_empty(), "an error with no diagnostic");
        for d in &diags {
            assert!(d.is_error(), "a warning as a failure: {d:?}");
            assert!(!d.message.is_empty(), "a diagnostic without a message");
        }
    }
}
