//! Measurement probe for issue 7 (not part of `nap`): how long would a PDF
//! writer of our own, on pdf-writer + subsetter, take to serialize the
//! plan's laid-out pages, against krilla (`nap_pdf::render_paged`)?
//!
//! The probe writes what dominates krilla's time: every page's text (one
//! text object per glyph run, glyph ids of the subset, an adjustment where
//! the layout's advance differs from the font's), marked-content spans with
//! MCIDs, table fills and rules, and per face a TrueType subset with its
//! widths and ToUnicode map, every stream deflated. It leaves out what a
//! real writer would add and so is a lower bound: the structure tree, the
//! outline, links, metadata, PDF/A and the figures (drawn as empty frames).
//!
//!   RAYON_NUM_THREADS=1 cargo run --release --example pdf_probe [LEVEL] [RUNS]
//!
//! Prints the median time of krilla and of the probe on the sample plan, and
//! the size of each file (written to /tmp/pdf-probe.pdf for a look with
//! pdftotext / pdftoppm).

use nap_layout::{Item, Paged};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

fn deflate(data: &[u8], level: u32) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(level),
    );
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

/// What one face needs at the end: the glyphs used (old id → new id), their
/// text and their advance in font units.
#[derive(Default)]
struct FaceUse {
    remap: Option<subsetter::GlyphRemapper>,
    text: BTreeMap<u16, String>,
}

const NAMES: [&[u8]; 8] = [b"F0", b"F1", b"F2", b"F3", b"F4", b"F5", b"F6", b"F7"];

fn write(paged: &Paged, level: u32) -> Vec<u8> {
    let faces: Vec<ttf_parser::Face> = (0..8u8)
        .map(|i| {
            ttf_parser::Face::parse(nap_fonts::bytes(nap_layout::face_of(i)), 0).expect("a font")
        })
        .collect();
    let mut uses: Vec<FaceUse> = (0..8).map(|_| FaceUse::default()).collect();
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut id = || {
        next += 1;
        Ref::new(next)
    };
    let catalog = id();
    let tree = id();
    let font_refs: Vec<Ref> = (0..8).map(|_| id()).collect();
    let mut page_refs = Vec::new();
    let h = paged.page_height;
    let mut mcid = 0;
    for page in &paged.pages {
        let mut c = Content::new();
        let mut items = page.items.iter().peekable();
        while let Some(item) = items.next() {
            match item {
                Item::Glyphs(run) => {
                    if run.glyphs.is_empty() {
                        continue;
                    }
                    c.begin_marked_content_with_properties(Name(b"Span"))
                        .properties()
                        .pair(Name(b"MCID"), mcid);
                    mcid += 1;
                    let face = &faces[run.face as usize];
                    let upem = face.units_per_em() as f32;
                    let u = &mut uses[run.face as usize];
                    let remap = u.remap.get_or_insert_with(subsetter::GlyphRemapper::new);
                    c.set_fill_rgb(
                        run.color.0 as f32 / 255.0,
                        run.color.1 as f32 / 255.0,
                        run.color.2 as f32 / 255.0,
                    );
                    c.begin_text();
                    c.set_font(Name(NAMES[run.face as usize]), run.size);
                    let (s, co) = (-run.rotate).to_radians().sin_cos();
                    c.set_text_matrix([co, s, -s, co, run.x, h - run.y]);
                    let mut shown = c.show_positioned();
                    let mut parts = shown.items();
                    let mut buf: Vec<u8> = Vec::with_capacity(run.glyphs.len() * 2);
                    for g in &run.glyphs {
                        let new = remap.remap(g.id);
                        buf.extend_from_slice(&new.to_be_bytes());
                        u.text.entry(new).or_insert_with(|| {
                            run.text
                                .get(g.range.start as usize..g.range.end as usize)
                                .unwrap_or("")
                                .to_string()
                        });
                        let natural = face
                            .glyph_hor_advance(ttf_parser::GlyphId(g.id))
                            .unwrap_or(0) as f32
                            / upem
                            * run.size;
                        let adjust = (natural - g.advance) / run.size * 1000.0;
                        if adjust.abs() > 0.5 {
                            parts.show(Str(&buf));
                            buf.clear();
                            parts.adjust(adjust);
                        }
                    }
                    if !buf.is_empty() {
                        parts.show(Str(&buf));
                    }
                    drop(parts);
                    drop(shown);
                    c.end_text();
                    c.end_marked_content();
                }
                Item::Rect { fill, .. } => {
                    c.set_fill_rgb(
                        fill.0 as f32 / 255.0,
                        fill.1 as f32 / 255.0,
                        fill.2 as f32 / 255.0,
                    );
                    let mut it = Some(item);
                    while let Some(Item::Rect { x, y, w, h: rh, .. }) = it {
                        c.rect(*x, h - y - rh, *w, *rh);
                        it = match items.peek() {
                            Some(Item::Rect { fill: f, .. }) if f == fill => items.next(),
                            _ => None,
                        };
                    }
                    c.fill_nonzero();
                }
                Item::Line { width, color, .. } => {
                    c.set_stroke_rgb(
                        color.0 as f32 / 255.0,
                        color.1 as f32 / 255.0,
                        color.2 as f32 / 255.0,
                    );
                    c.set_line_width(*width);
                    let mut it = Some(item);
                    while let Some(Item::Line { x1, y1, x2, y2, .. }) = it {
                        c.move_to(*x1, h - y1);
                        c.line_to(*x2, h - y2);
                        it = match items.peek() {
                            Some(Item::Line {
                                width: w, color: k, ..
                            }) if w == width && k == color => items.next(),
                            _ => None,
                        };
                    }
                    c.stroke();
                }
                Item::Svg { x, y, w, h: sh, .. } => {
                    c.rect(*x, h - y - sh, *w, *sh);
                    c.stroke();
                }
                Item::Link { .. } => {}
            }
        }
        let data = deflate(&c.finish(), level);
        let page_id = id();
        let content_id = id();
        pdf.stream(content_id, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(page_id);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, paged.page_width, h))
            .contents(content_id);
        let mut res = p.resources();
        let mut fonts = res.fonts();
        for (i, r) in font_refs.iter().enumerate() {
            fonts.pair(Name(NAMES[i]), *r);
        }
        fonts.finish();
        res.finish();
        p.finish();
        page_refs.push(page_id);
    }
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    for (i, u) in uses.iter().enumerate() {
        let face = &faces[i];
        let upem = face.units_per_em() as f32;
        let remap = u.remap.clone().unwrap_or_default();
        let sub = subsetter::subset(nap_fonts::bytes(nap_layout::face_of(i as u8)), 0, &remap)
            .expect("a subset");
        let file = id();
        let packed = deflate(&sub, level);
        pdf.stream(file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), sub.len() as i32);
        let descriptor = id();
        let cid = id();
        let cmap_id = id();
        let base = Name(b"AAAAAA+Noto");
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(-300.0, -300.0, 1200.0, 1100.0))
            .italic_angle(0.0)
            .ascent(face.ascender() as f32 / upem * 1000.0)
            .descent(face.descender() as f32 / upem * 1000.0)
            .cap_height(700.0)
            .stem_v(80.0)
            .font_file2(file);
        let mut widths = Vec::new();
        for old in remap.remapped_gids() {
            widths.push(
                face.glyph_hor_advance(ttf_parser::GlyphId(old))
                    .unwrap_or(0) as f32
                    / upem
                    * 1000.0,
            );
        }
        let mut f = pdf.cid_font(cid);
        f.subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(info)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        f.widths().consecutive(0, widths);
        f.finish();
        let mut cmap = UnicodeCmap::<u16>::new(Name(b"Custom"), info);
        for (g, t) in &u.text {
            cmap.pair_with_multiple(*g, t.chars());
        }
        let cmap_data = deflate(&cmap.finish(), level);
        pdf.cmap(cmap_id, &cmap_data).filter(Filter::FlateDecode);
        pdf.type0_font(font_refs[i])
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_id);
    }
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    pdf.catalog(catalog).pages(tree);
    pdf.finish()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let level: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(6);
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(15);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = nap_input::load(&root.join("inputs"), &nap_input::LoadOptions::default());
    let plan = loaded.plan.expect("the sample plan");
    let opts = nap_compose::ComposeOptions {
        templates: root.join("templates"),
        final_build: false,
        build_date: nap_model::Date::ymd(2020, 12, 15),
    };
    let doc = nap_compose::compose(&plan, &opts).expect("composed").plan;
    let paged = nap_layout::layout(&doc);
    let (mut tk, mut tp) = (Vec::new(), Vec::new());
    let (mut sk, mut sp) = (0, 0);
    for _ in 0..runs {
        let p = paged.clone();
        let t = Instant::now();
        let k = nap_pdf::render_paged(&doc, p, &nap_pdf::PdfOptions::default()).expect("krilla");
        tk.push(t.elapsed().as_secs_f64() * 1000.0);
        sk = k.bytes.len();
        let t = Instant::now();
        let b = write(&paged, level);
        tp.push(t.elapsed().as_secs_f64() * 1000.0);
        sp = b.len();
        std::fs::write("/tmp/pdf-probe.pdf", &b).expect("written");
    }
    println!(
        "{} pages, {runs} runs: krilla {:.1} ms ({} KB); probe at deflate level {level}: {:.1} ms ({} KB)",
        paged.pages.len(),
        median(tk),
        sk / 1024,
        median(tp),
        sp / 1024
    );
}
