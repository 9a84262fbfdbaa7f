//! The PDF writer: lays out a [`nap_doc::Document`] (nap-layout) and
//! serializes the pages with krilla: subset embedded Noto fonts, tagged
//! structure (headings, paragraphs, lists, tables, figures with alt text,
//! language), outline, internal and external links, document information,
//! optional PDF/A-2, figures as vector SVG with selectable text.
//! Pure and reproducible: no clock, no global state.

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::graphic::Graphic;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag as KTag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document as KDocument, SerializeSettings};
use nap_doc::Document;
use nap_layout::{Color, GlyphRun, Item, LinkTarget, Paged, StructKind, Tag};
use std::num::{NonZeroU16, NonZeroU32};

#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Write PDF/A-2 (for the approved, archived plan).
    pub pdfa: bool,
}

/// Why a PDF could not be written.
#[derive(Debug, Clone, PartialEq)]
pub enum PdfError {
    /// krilla refused the document (e.g. a PDF/A rule it could not meet).
    Serialize(String),
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PdfError::Serialize(m) => write!(f, "PDF serialization failed: {m}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// A written PDF and what the reader should know about it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters the fonts lack (drawn as a visible replacement mark),
    /// links to unknown headings, figures whose SVG could not be read.
    pub warnings: Vec<String>,
}

/// Writes `doc` as PDF bytes. Pure and reproducible.
pub fn pdf(doc: &Document, opts: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    render(doc, opts).map(|r| r.bytes)
}

/// Writes `doc` as PDF and returns the warnings too.
pub fn render(doc: &Document, opts: &PdfOptions) -> Result<Rendered, PdfError> {
    render_paged(doc, nap_layout::layout(doc), opts)
}

fn color(c: Color) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Color) -> Fill {
    Fill {
        paint: color(c).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// Seconds since the epoch → civil UTC date and time (no clock involved).
fn date_time(ts: i64) -> DateTime {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    DateTime::new(y.clamp(0, 9999) as u16)
        .month(m as u8)
        .day(d as u8)
        .hour((secs / 3600) as u8)
        .minute((secs / 60 % 60) as u8)
        .second((secs % 60) as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// The outlined runs drawn so far (the draft watermark, the same on every
/// page) and their drawing, written once into the PDF and shown by name on
/// each page: the outlines were ~10 % of the plan's page content.
type Outlined = Vec<(GlyphRun, Graphic)>;

/// Draws `run`; an outlined run through its shared [`Graphic`].
fn draw_run(surface: &mut Surface, fonts: &[Font], run: &GlyphRun, outlined: &mut Outlined) {
    if !run.outlined {
        return draw_glyphs(surface, fonts, run);
    }
    let graphic = match outlined.iter().find(|(r, _)| r == run) {
        Some((_, g)) => g.clone(),
        None => {
            let mut builder = surface.stream_builder();
            let mut inner = builder.surface();
            draw_glyphs(&mut inner, fonts, run);
            inner.finish();
            let g = Graphic::new(builder.finish(), false);
            outlined.push((run.clone(), g.clone()));
            g
        }
    };
    surface.draw_graphic(graphic);
}

fn draw_glyphs(surface: &mut Surface, fonts: &[Font], run: &GlyphRun) {
    if run.glyphs.is_empty() {
        return;
    }
    let size = run.size;
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| {
            KrillaGlyph::new(
                GlyphId::new(g.id as u32),
                g.advance / size,
                g.dx / size,
                -g.dy / size,
                0.0,
                g.range.start as usize..g.range.end as usize,
                None,
            )
        })
        .collect();
    surface.set_fill(Some(fill(run.color)));
    if run.rotate != 0.0 {
        // Rotated runs are centred on (x, y).
        let w = run.width();
        surface.push_transform(&Transform::from_translate(run.x, run.y));
        surface.push_transform(&Transform::from_rotate(-run.rotate));
        surface.draw_glyphs(
            Point::from_xy(-w / 2.0, size * 0.35),
            &glyphs,
            fonts[run.face as usize].clone(),
            &run.text,
            size,
            run.outlined,
        );
        surface.pop();
        surface.pop();
    } else {
        surface.draw_glyphs(
            Point::from_xy(run.x, run.y),
            &glyphs,
            fonts[run.face as usize].clone(),
            &run.text,
            size,
            run.outlined,
        );
    }
}

fn artifact() -> ContentTag<'static> {
    ContentTag::Artifact(Artifact::new(ArtifactType::Other, None))
}

/// Writes a document already laid out by [`nap_layout::layout`] (`doc` gives
/// the metadata): [`render`] in two steps, for callers that time or schedule
/// layout and serialization separately.
///
/// Takes the layout by value so that each page's glyph runs are freed as soon
/// as krilla has written the page: at 100× the plan the laid-out pages alone
/// are hundreds of MB, and holding them until the end doubled the peak.
pub fn render_paged(
    doc: &Document,
    mut paged: Paged,
    opts: &PdfOptions,
) -> Result<Rendered, PdfError> {
    let mut settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    if opts.pdfa {
        settings.configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_A)
            .finish()
            .map_err(|e| PdfError::Serialize(format!("{e:?}")))?;
    }
    let mut warnings = std::mem::take(&mut paged.warnings);
    let mut kdoc = KDocument::new_with(settings);
    let fonts: Vec<Font> = (0..8u8)
        .map(|i| {
            Font::new(nap_fonts::bytes(nap_layout::face_of(i)).into(), 0)
                .ok_or_else(|| PdfError::Serialize(format!("embedded font {i} unreadable")))
        })
        .collect::<Result<_, _>>()?;
    let mut content: Vec<Vec<Identifier>> = vec![Vec::new(); paged.structure.len()];
    let page_count = paged.pages.len();
    // krilla panics on a destination past the last page. The fuzzer found
    // layouts that named one (fuzz/regressions/pdf_writer/: a heading with no
    // visible text on a trailing page the layout dropped); the layout now
    // keeps such a page, and the fuzz target checks every destination, but a
    // writer handed any layout still keeps them inside the document.
    let last_page = page_count.saturating_sub(1);
    let mut outlined = Outlined::new();
    for page in std::mem::take(&mut paged.pages) {
        let mut kpage = kdoc.start_page_with(PageSettings::new(
            Size::from_wh(paged.page_width, paged.page_height)
                .ok_or_else(|| PdfError::Serialize("page size".into()))?,
        ));
        let mut annotations = Vec::new();
        {
            let mut surface = kpage.surface();
            let items = &page.items;
            let mut i = 0;
            while i < items.len() {
                // Each arm draws item i and the items after it it can share a
                // drawing operation with, and says where the next one starts.
                i = match &items[i] {
                    Item::Glyphs(run) => {
                        // Consecutive runs of one structure node (the lines
                        // of a paragraph on this page, a bold word inside a
                        // line) form one marked-content sequence: one MCID
                        // instead of one per run, the same reading order.
                        match run.tag {
                            Tag::Node(n) => {
                                let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                                content[n as usize].push(id);
                            }
                            Tag::Artifact => {
                                surface.start_tagged(artifact());
                            }
                        }
                        draw_run(&mut surface, &fonts, run, &mut outlined);
                        let mut j = i + 1;
                        while let Some(next) = items.get(j) {
                            match next {
                                Item::Glyphs(r) if r.tag == run.tag => {
                                    draw_run(&mut surface, &fonts, r, &mut outlined)
                                }
                                // A link draws nothing into the content.
                                Item::Link { .. } => {
                                    annotations.extend(link(next, last_page));
                                }
                                _ => break,
                            }
                            j += 1;
                        }
                        surface.end_tagged();
                        j
                    }
                    Item::Rect { fill: c, .. } => {
                        // Consecutive fills of one colour (a table row's
                        // cell shading) are one path: same pixels, one
                        // operation instead of one per rectangle.
                        let mut pb = PathBuilder::new();
                        let mut j = i;
                        while let Some(Item::Rect { x, y, w, h, fill }) = items.get(j) {
                            if fill != c {
                                break;
                            }
                            if let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) {
                                pb.push_rect(rect);
                            }
                            j += 1;
                        }
                        if let Some(path) = pb.finish() {
                            surface.start_tagged(artifact());
                            surface.set_stroke(None);
                            surface.set_fill(Some(fill(*c)));
                            surface.draw_path(&path);
                            surface.end_tagged();
                        }
                        j
                    }
                    Item::Line {
                        width, color: c, ..
                    } => {
                        // Consecutive rules of one width and colour (the
                        // borders of a table row's cells) are one stroked
                        // path of separate segments: the same strokes, a
                        // fraction of the content stream.
                        let mut pb = PathBuilder::new();
                        let mut j = i;
                        while let Some(Item::Line {
                            x1,
                            y1,
                            x2,
                            y2,
                            width: wd,
                            color,
                        }) = items.get(j)
                        {
                            if wd != width || color != c {
                                break;
                            }
                            // A bad coordinate would void the whole path.
                            if [x1, y1, x2, y2].iter().all(|v| v.is_finite()) {
                                pb.move_to(*x1, *y1);
                                pb.line_to(*x2, *y2);
                            }
                            j += 1;
                        }
                        if let Some(path) = pb.finish() {
                            surface.start_tagged(artifact());
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                paint: color(*c).into(),
                                width: *width,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                            surface.end_tagged();
                        }
                        j
                    }
                    Item::Svg {
                        x,
                        y,
                        w,
                        h,
                        svg,
                        tag,
                        id,
                    } => {
                        let tree = nap_figures::parse(svg).ok();
                        match tag {
                            Tag::Node(n) => {
                                let ident = surface.start_tagged(ContentTag::Other);
                                content[*n as usize].push(ident);
                            }
                            Tag::Artifact => {
                                surface.start_tagged(artifact());
                            }
                        }
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        let drawn = match (&tree, Size::from_wh(*w, *h)) {
                            (Some(tree), Some(size)) => {
                                use krilla_svg::{SurfaceExt, SvgSettings};
                                surface
                                    .draw_svg(tree, size, SvgSettings::default())
                                    .is_some()
                            }
                            _ => false,
                        };
                        if !drawn {
                            warnings.push(format!(
                                "figure {id}: the SVG could not be read; a frame is drawn instead"
                            ));
                            let mut pb = PathBuilder::new();
                            if let Some(r) = Rect::from_xywh(0.0, 0.0, w.max(1.0), h.max(1.0)) {
                                pb.push_rect(r);
                            }
                            if let Some(path) = pb.finish() {
                                surface.set_fill(None);
                                surface.set_stroke(Some(Stroke {
                                    paint: rgb::Color::new(0x99, 0x99, 0x99).into(),
                                    width: 0.5,
                                    ..Stroke::default()
                                }));
                                surface.draw_path(&path);
                                surface.set_stroke(None);
                            }
                        }
                        surface.pop();
                        surface.end_tagged();
                        i + 1
                    }
                    Item::Link { .. } => {
                        annotations.extend(link(&items[i], last_page));
                        i + 1
                    }
                };
            }
            surface.finish();
        }
        for a in annotations {
            kpage.add_annotation(a);
        }
        kpage.finish();
    }

    // Structure tree.
    let lang = paged.lang.clone();
    let mut tree = TagTree::new().with_lang(Some(lang.clone()));
    for &c in &paged.structure[0].children {
        if let Some(node) = tag_node(&paged, c, &mut content) {
            tree.push(node);
        }
    }
    kdoc.set_tag_tree(tree);

    // Outline.
    let mut outline = Outline::new();
    let entries = &paged.outline;
    let mut i = 0;
    while i < entries.len() {
        let (node, next) = outline_node(entries, i, last_page);
        outline.push_child(node);
        i = next;
    }
    kdoc.set_outline(outline);

    let m = &doc.meta;
    let mut meta = Metadata::new()
        .title(m.title.clone())
        .language(lang)
        .creator("nap".to_string())
        .producer("nap (krilla)".to_string())
        .creation_date(date_time(m.timestamp));
    if !m.author.is_empty() {
        meta = meta.authors(vec![m.author.clone()]);
    }
    if !m.subject.is_empty() {
        meta = meta.description(m.subject.clone());
    }
    if !m.keywords.is_empty() {
        meta = meta.keywords(m.keywords.clone());
    }
    kdoc.set_metadata(meta);
    let mut bytes = kdoc
        .finish()
        .map_err(|e| PdfError::Serialize(format!("{e:?}")))?;
    blank_suspects(&mut bytes);
    Ok(Rendered {
        bytes,
        pages: page_count,
        warnings,
    })
}

/// krilla writes the catalog's `/MarkInfo<</Marked true/Suspects false>>`.
/// That is valid PDF (Suspects is a boolean, false is its default), but
/// poppler (22.12, Debian's; pdfinfo, pdftotext, the viewers built on it)
/// prints "Syntax Error: Suspects object is wrong type (boolean)" for a
/// false Suspects, so every reader of our PDFs through poppler saw a syntax
/// error. The entry is blanked with spaces of the same length: no byte
/// offset moves (the cross-reference table stays right), the dictionary
/// means the same, and PDF/UA allows Suspects to be absent. Only the
/// catalog's exact form is touched, the last one in the file (the catalog
/// is written after the pages); a document without it is left alone.
fn blank_suspects(bytes: &mut [u8]) {
    const MARK_INFO: &[u8] = b"/MarkInfo<</Marked true/Suspects false>>";
    const SUSPECTS: &[u8] = b"/Suspects false";
    if let Some(at) = bytes.windows(MARK_INFO.len()).rposition(|w| w == MARK_INFO) {
        let start = at + MARK_INFO.len() - 2 - SUSPECTS.len();
        bytes[start..start + SUSPECTS.len()].fill(b' ');
    }
}

/// An outline node for entry `i` with the deeper entries after it as
/// children; returns the index after its subtree.
fn outline_node(
    entries: &[nap_layout::OutlineEntry],
    i: usize,
    last_page: usize,
) -> (OutlineNode, usize) {
    let e = &entries[i];
    let mut node = OutlineNode::new(
        e.title.clone(),
        XyzDestination::new(
            e.page.min(last_page),
            Point::from_xy(0.0, (e.y - 12.0).max(0.0)),
        ),
    );
    let mut j = i + 1;
    while j < entries.len() && entries[j].level > e.level {
        let (child, next) = outline_node(entries, j, last_page);
        node.push_child(child);
        j = next;
    }
    (node, j)
}

/// The annotation of a [`Item::Link`] (`None` for other items, and for a
/// link without area).
fn link(item: &Item, last_page: usize) -> Option<Annotation> {
    let Item::Link { x, y, w, h, target } = item else {
        return None;
    };
    let rect = Rect::from_xywh(*x, *y, w.max(0.5), h.max(0.5))?;
    // Alt text: PDF/A-2a wants every annotation described.
    let alt = match target {
        LinkTarget::Uri(u) => u.clone(),
        LinkTarget::Internal { page, .. } => format!("faqe {}", page + 1),
    };
    let t = match target {
        LinkTarget::Uri(u) => Target::Action(Action::Link(LinkAction::new(u.clone()))),
        LinkTarget::Internal { page, y } => {
            Target::Destination(Destination::Xyz(XyzDestination::new(
                (*page).min(last_page),
                Point::from_xy(0.0, (*y - 12.0).max(0.0)),
            )))
        }
    };
    Some(Annotation::new_link(
        LinkAnnotation::new(rect, t),
        Some(alt),
    ))
}

fn tag_node(paged: &Paged, n: u32, content: &mut [Vec<Identifier>]) -> Option<Node> {
    let node = &paged.structure[n as usize];
    let kind: TagKind = match &node.kind {
        StructKind::Document => KTag::Part.into(),
        StructKind::Paragraph => KTag::P.into(),
        StructKind::Title => KTag::Title.into(),
        StructKind::Heading { level, title } => KTag::Hn(
            NonZeroU16::new((*level).max(1) as u16).expect("level ≥ 1"),
            Some(title.clone()),
        )
        .into(),
        StructKind::List { ordered } => KTag::L(if *ordered {
            ListNumbering::Decimal
        } else {
            ListNumbering::Circle
        })
        .into(),
        StructKind::ListItem => KTag::LI.into(),
        StructKind::Label => KTag::Lbl.into(),
        StructKind::ListBody => KTag::LBody.into(),
        StructKind::BlockQuote => KTag::BlockQuote.into(),
        StructKind::Code => KTag::Code.into(),
        StructKind::Table => KTag::Table.into(),
        StructKind::TableRow => KTag::TR.into(),
        StructKind::TableHeaderCell { colspan } => KTag::TH(TableHeaderScope::Column)
            .with_col_span(NonZeroU32::new(*colspan as u32).filter(|c| c.get() > 1))
            .into(),
        StructKind::TableCell { colspan } => KTag::TD
            .with_col_span(NonZeroU32::new(*colspan as u32).filter(|c| c.get() > 1))
            .into(),
        StructKind::Figure { alt } => KTag::Figure(Some(alt.clone())).into(),
        StructKind::Caption => KTag::Caption.into(),
        StructKind::Toc => KTag::TOC.into(),
        StructKind::TocItem => KTag::TOCI.into(),
        StructKind::Note => KTag::Note.into(),
    };
    let mut group = TagGroup::new(kind);
    for id in std::mem::take(&mut content[n as usize]) {
        group.push(id);
    }
    for &c in &node.children {
        if let Some(child) = tag_node(paged, c, content) {
            group.push(child);
        }
    }
    if group.children.is_empty() {
        None
    } else {
        Some(Node::Group(group))
    }
}
