//! Composition: plan model → Handlebars templates → Markdown with directives →
//! [`nap_doc::Document`].
//!
//! The steps, each a function:
//! 1. [`prepare`] reads `templates/` at run time (main templates,
//!    `partials/`, `data/*.json`; [`render::Templates::load`]), so wording,
//!    labels, section order and boilerplate change without recompiling, and
//!    compiles each template once ([`render::Compiled`]);
//! 2. [`view::build`] derives what templates cannot compute (Albanian dates,
//!    grouped comments, counts) and defuses every value;
//! 3. [`render::Compiled::render`] merges a main template into Markdown with a few block
//!    directives (`::: table`, `::: figure`, …; see docs/templates.md);
//! 4. [`directive::parse`] splits that text into Markdown chunks and directives;
//! 5. [`assemble`] turns the tree into a [`Document`], parsing each chunk with
//!    pulldown-cmark ([`markdown`]) and drawing figures with `nap-figures`.

pub mod directive;
pub mod escape;
pub mod markdown;
mod recursion;
pub mod render;
pub mod view;

use directive::{Node, TableNode};
use markdown::{Ctx, Mode};
use nap_doc::{Align, Block, Cell, Document, Inline, Meta, ParaStyle, Row, Table};
use nap_model::{Date, Diagnostic, Plan};
use render::{FigureNumbers, Templates, PLAN_TEMPLATE, REPORT_TEMPLATE};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone)]
pub struct ComposeOptions {
    /// The templates folder (default `templates/`).
    pub templates: PathBuf,
    /// A `--final` build: no draft marking, the GMIP approval page.
    pub final_build: bool,
    /// The build date (already resolved by the driver).
    pub build_date: Date,
}

/// Both documents of a build, and the merged Markdown each was made from.
#[derive(Debug, Clone)]
pub struct Composed {
    pub plan: Document,
    pub report: Document,
    pub plan_markdown: String,
    pub report_markdown: String,
    /// Problems that did not stop the build (links and images not followed).
    pub warnings: Vec<Diagnostic>,
}

/// Figures drawn (as SVG, in parts when tall) once per build, shared by
/// both documents.
struct Figures<'p> {
    plan: &'p Plan,
    cells: BTreeMap<&'static str, OnceLock<Arc<Vec<nap_figures::Svg>>>>,
}

impl<'p> Figures<'p> {
    fn new(plan: &'p Plan) -> Figures<'p> {
        Figures {
            plan,
            cells: directive::FIGURES
                .iter()
                .map(|n| (*n, OnceLock::new()))
                .collect(),
        }
    }
    /// The figure's parts; none when the data has nothing to draw.
    fn get(&self, name: &str) -> Arc<Vec<nap_figures::Svg>> {
        self.cells
            .get(name)
            .map(|cell| {
                cell.get_or_init(|| Arc::new(nap_figures::figure_parts(name, self.plan)))
                    .clone()
            })
            .unwrap_or_default()
    }
}

/// The templates folder read and compiled, its labels and abbreviations
/// parsed: everything composing needs besides the plan. Independent of the
/// inputs, so a build prepares it while the inputs are read.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub templates: Templates,
    compiled: render::Compiled,
    labels: view::Labels,
    abbreviations: BTreeMap<String, String>,
}

/// Reads and compiles the templates folder `dir`.
pub fn prepare(dir: &std::path::Path) -> Result<Prepared, Vec<Diagnostic>> {
    let templates = Templates::load(dir)?;
    let labels_file = templates.display("data/labels.json");
    let labels = templates
        .data
        .get("labels")
        .ok_or_else(|| {
            vec![Diagnostic::error(
                labels_file.clone(),
                "the labels file is missing",
            )]
        })
        .and_then(|raw| {
            view::Labels::from_json(raw.clone())
                .map_err(|m| vec![Diagnostic::error(labels_file.clone(), m)])
        });
    let abbreviations = match templates.data.get("abbreviations") {
        None => Ok(BTreeMap::new()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            vec![Diagnostic::error(
                templates.display("data/abbreviations.json"),
                format!("expected an object of \"SHKURTIMI\": \"kuptimi\" pairs: {e}"),
            )]
        }),
    };
    let compiled = render::Compiled::new(&templates);
    // Both data files' problems at once; the templates' own are reported
    // when composing, with each document's.
    match (labels, abbreviations) {
        (Ok(labels), Ok(abbreviations)) => Ok(Prepared {
            templates,
            compiled,
            labels,
            abbreviations,
        }),
        (labels, abbreviations) => Err(labels
            .err()
            .into_iter()
            .chain(abbreviations.err())
            .flatten()
            .collect()),
    }
}

/// Merges the templates with the plan and parses the result.
pub fn compose(plan: &Plan, opts: &ComposeOptions) -> Result<Composed, Vec<Diagnostic>> {
    compose_prepared(plan, &prepare(&opts.templates)?, opts)
}

/// [`compose`] with the templates already prepared (`opts.templates` is not
/// read again).
pub fn compose_prepared(
    plan: &Plan,
    prepared: &Prepared,
    opts: &ComposeOptions,
) -> Result<Composed, Vec<Diagnostic>> {
    let Prepared {
        templates,
        compiled,
        labels,
        abbreviations,
    } = prepared;
    let view = view::build(
        plan,
        labels,
        abbreviations,
        opts.final_build,
        opts.build_date,
    );
    // One handlebars context for both documents: rendering from a `Value`
    // would make handlebars copy the whole view (every commitment and
    // comment) once per document.
    let view = handlebars::Context::from(view);
    let figures = Figures::new(plan);

    let (plan_doc, report_doc) = std::thread::scope(|s| {
        let report = s.spawn(|| {
            document(
                templates,
                compiled,
                REPORT_TEMPLATE,
                &view,
                plan,
                opts,
                &figures,
            )
        });
        let plan_doc = document(
            templates,
            compiled,
            PLAN_TEMPLATE,
            &view,
            plan,
            opts,
            &figures,
        );
        (
            plan_doc,
            report.join().expect("composing the report does not panic"),
        )
    });
    match (plan_doc, report_doc) {
        (Ok(p), Ok(r)) => {
            let mut warnings = p.warnings;
            warnings.extend(r.warnings);
            Ok(Composed {
                plan: p.document,
                report: r.document,
                plan_markdown: p.markdown,
                report_markdown: r.markdown,
                warnings,
            })
        }
        (p, r) => {
            let mut errors: Vec<Diagnostic> = Vec::new();
            for result in [p, r] {
                // A problem in a partial both documents use (it does not
                // compile, or fails on the data) is found by both: once is
                // enough.
                for d in result.err().into_iter().flatten() {
                    if !errors.contains(&d) {
                        errors.push(d);
                    }
                }
            }
            Err(errors)
        }
    }
}

struct Made {
    document: Document,
    markdown: String,
    warnings: Vec<Diagnostic>,
}

fn document(
    templates: &Templates,
    compiled: &render::Compiled,
    main: &str,
    view: &handlebars::Context,
    plan: &Plan,
    opts: &ComposeOptions,
    figures: &Figures,
) -> Result<Made, Vec<Diagnostic>> {
    let (merged, numbers) = compiled.render(templates, main, view)?;
    let display = templates.display(main);
    let nodes = directive::parse(&merged, &display)?;
    let mut a = Assembler::new(plan, opts, figures, numbers);
    let blocks = a.nodes(nodes, Mode::default());
    if !a.errors.is_empty() {
        return Err(a.errors);
    }
    let warnings = refused_warnings(&a.ctx.refused, plan, templates, &display);
    Ok(Made {
        document: Document {
            meta: a.meta,
            blocks,
        },
        markdown: directive::strip_markers(&merged),
        warnings,
    })
}

/// Turns the directive tree into blocks and the document's properties.
pub struct Assembler<'a> {
    final_build: bool,
    figures: Option<&'a Figures<'a>>,
    numbers: FigureNumbers,
    ctx: Ctx,
    pub meta: Meta,
    pub errors: Vec<Diagnostic>,
}

impl<'a> Assembler<'a> {
    fn new(
        plan: &'a Plan,
        opts: &ComposeOptions,
        figures: &'a Figures<'a>,
        numbers: FigureNumbers,
    ) -> Self {
        let mut a = Assembler::bare(plan, opts.final_build, opts.build_date, numbers);
        a.figures = Some(figures);
        a
    }

    /// An assembler without figures (every figure prints its caption only).
    pub fn bare(
        plan: &'a Plan,
        final_build: bool,
        build_date: Date,
        numbers: FigureNumbers,
    ) -> Self {
        let author = plan
            .poc
            .as_ref()
            .and_then(|p| p.institution.as_deref())
            .map(|id| {
                plan.institution(id)
                    .map_or(id.to_string(), |i| i.name.clone())
            })
            .unwrap_or_default();
        Assembler {
            final_build,
            figures: None,
            numbers,
            ctx: Ctx::default(),
            meta: Meta {
                title: plan.title.clone(),
                subject: plan.programme.clone().unwrap_or_default(),
                author,
                keywords: Vec::new(),
                language: "sq-AL".into(),
                header: plan.title.clone(),
                footer: String::new(),
                page_label: "Faqe".into(),
                page_of: "nga".into(),
                draft_mark: (!final_build).then(|| "DRAFT".to_string()),
                date: plan.date.unwrap_or(build_date).sq(),
                timestamp: build_date.unix_seconds(),
                revision_author: "nap".into(),
            },
            errors: Vec::new(),
        }
    }

    /// The blocks of a directive tree.
    pub fn nodes(&mut self, nodes: Vec<Node>, mode: Mode) -> Vec<Block> {
        if mode.top_level && nodes.iter().any(|n| matches!(n, Node::Toc { .. })) {
            self.ctx.front_matter = true;
        }
        let mut out = Vec::new();
        for node in nodes {
            match node {
                Node::Markdown(text) => out.extend(markdown::blocks(&text, &mut self.ctx, mode)),
                Node::Toc { title, depth } => {
                    self.ctx.front_matter = false;
                    out.push(Block::Toc {
                        title: markdown::plain(&title),
                        depth,
                    });
                }
                Node::PageBreak => out.push(Block::PageBreak),
                Node::Meta(lines) => self.meta_lines(lines),
                Node::Style {
                    style,
                    align,
                    children,
                } => {
                    let inner = Mode {
                        style,
                        align: align.unwrap_or(mode.align),
                        top_level: mode.top_level,
                    };
                    out.extend(self.nodes(children, inner));
                }
                Node::Figure { name, caption } => out.extend(self.figure(&name, &caption)),
                Node::Table(t) => {
                    if let Some(table) = self.table(t, mode) {
                        out.push(Block::Table(table));
                    }
                }
            }
        }
        out
    }

    fn meta_lines(&mut self, lines: Vec<(String, directive::Origin)>) {
        for (line, origin) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                self.errors.push(
                    origin
                        .diag(format!("`{}` is not a `key: value` line", line.trim()))
                        .hint("e.g. `header: Plani i Veprimit OGP 2020–2022`"),
                );
                continue;
            };
            let value = markdown::plain(value.trim());
            let m = &mut self.meta;
            match key.trim() {
                "title" => m.title = value,
                "subject" => m.subject = value,
                "author" => m.author = value,
                "keywords" => {
                    m.keywords = value
                        .split(',')
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty())
                        .collect()
                }
                "language" => m.language = value,
                "header" => m.header = value,
                "footer" => m.footer = value,
                "page_label" => m.page_label = value,
                "page_of" => m.page_of = value,
                "draft_mark" => {
                    m.draft_mark = (!self.final_build && !value.is_empty()).then_some(value)
                }
                "date" => m.date = value,
                other => self.errors.push(origin.diag(format!("unknown meta key `{other}`")).hint(
                    "known: title, subject, author, keywords, language, header, footer, page_label, page_of, draft_mark, date",
                )),
            }
        }
    }

    /// The figure `name` as one block per part (a tall figure is split
    /// between phases): one figure number, the caption under each part,
    /// with "(vazhdim)" (continued) under the parts after the first.
    fn figure(&mut self, name: &str, caption: &str) -> Vec<Block> {
        let caption = markdown::inlines(caption, &mut self.ctx);
        let parts = self.figures.map(|f| f.get(name)).unwrap_or_default();
        if parts.is_empty() {
            // Until the figure can be drawn, the caption keeps its place.
            return vec![Block::Paragraph {
                style: ParaStyle::Caption,
                align: Align::Center,
                content: caption,
            }];
        }
        let n = self.numbers.number(name);
        parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let mut caption = caption.clone();
                if i > 0 && !caption.is_empty() {
                    caption.push(Inline::plain(" (vazhdim)"));
                }
                Block::Figure(nap_doc::Figure {
                    id: self.ctx.unique_id(&format!("figura-{n}")),
                    svg: Arc::from(part.source.as_str()),
                    width_mm: part.width_mm,
                    height_mm: part.height_mm,
                    alt: part.alt.clone(),
                    caption,
                })
            })
            .collect()
    }

    fn table(&mut self, t: TableNode, mode: Mode) -> Option<Table> {
        let cell_mode = Mode {
            top_level: false,
            ..mode
        };
        let width = |r: &directive::RowNode| r.cells.iter().map(|c| c.span as usize).sum::<usize>();
        let columns = match &t.widths {
            Some(w) => w.len(),
            None => t.rows.iter().map(width).max().unwrap_or(0),
        };
        let leading_headers = t.rows.iter().take_while(|r| r.header).count();
        let header_rows = leading_headers.max(t.header).min(t.rows.len());
        let mut rows = Vec::with_capacity(t.rows.len());
        for r in t.rows {
            let w = width(&r);
            if w > columns {
                self.errors.push(
                    r.origin
                        .diag(format!(
                            "this row has {w} cells but the table has {columns} columns"
                        ))
                        .hint("add a width to `widths=…` or merge cells with `::: cell span=N`"),
                );
                continue;
            }
            let mut cells: Vec<Cell> = r
                .cells
                .into_iter()
                .map(|c| Cell {
                    blocks: self.nodes(c.children, cell_mode),
                    colspan: c.span,
                })
                .collect();
            for _ in w..columns {
                cells.push(Cell {
                    blocks: Vec::new(),
                    colspan: 1,
                });
            }
            rows.push(Row { cells });
        }
        if rows.is_empty() || columns == 0 {
            return None;
        }
        Some(Table {
            columns: match t.widths {
                Some(w) => w.into_iter().map(Some).collect(),
                None => vec![None; columns],
            },
            header_rows,
            rows,
            label_column: t.labels,
        })
    }
}

/// Warnings for links and images not followed, each naming the input file
/// (or template) the target was written in.
fn refused_warnings(
    refused: &[markdown::Refused],
    plan: &Plan,
    templates: &Templates,
    fallback: &str,
) -> Vec<Diagnostic> {
    // Each target is looked up once, and a flood of them is summarised, so
    // hostile input cannot make this step quadratic.
    const MAX_REPORTED: usize = 50;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let targets: BTreeSet<&markdown::Refused> = refused.iter().collect();
    let more = targets.len().saturating_sub(MAX_REPORTED);
    for r in targets.into_iter().take(MAX_REPORTED) {
        let (file, field) =
            origin_of(&r.target, plan, templates).unwrap_or((fallback.to_string(), None));
        if !seen.insert((file.clone(), r.target.clone(), r.image)) {
            continue;
        }
        let message = if r.image {
            format!(
                "image `{}` was not embedded: documents never load images; its alt text is printed",
                r.target
            )
        } else {
            format!(
                "link to `{}` was not kept: only http(s), mailto and #anchor links are; its text is printed",
                r.target
            )
        };
        let mut d = Diagnostic::warning(file, message);
        if let Some(f) = field {
            d = d.field(f);
        }
        out.push(d);
    }
    if more > 0 {
        out.push(Diagnostic::warning(
            fallback.to_string(),
            format!("{more} more links or images were not followed"),
        ));
    }
    out
}

fn origin_of(target: &str, plan: &Plan, templates: &Templates) -> Option<(String, Option<String>)> {
    let has = |s: &str| s.contains(target);
    if has(&plan.process_intro) {
        return Some(("process/intro.md".into(), None));
    }
    for a in &plan.policy_areas {
        if has(&a.analysis) {
            return Some((format!("areas/{}/situation-analysis.md", a.id), None));
        }
        for c in &a.commitments {
            let fields = [&c.problem, &c.objective, &c.description]
                .into_iter()
                .chain(c.ambition.as_ref())
                .chain(c.milestones.iter().map(|m| &m.text))
                .chain(c.milestones.iter().filter_map(|m| m.deliverable.as_ref()));
            for f in fields {
                if has(f) {
                    return Some((
                        format!("areas/{}/commitments.json", a.id),
                        Some(c.id.clone()),
                    ));
                }
            }
        }
    }
    for c in &plan.comments {
        if has(&c.comment) || c.response.as_deref().is_some_and(has) {
            return Some(("comments".into(), Some(format!("comment {}", c.id))));
        }
    }
    for p in &plan.process.phases {
        if p.activities.iter().any(|a| has(&a.text)) {
            return Some((
                "process/process.json".into(),
                Some(format!("phase {}", p.id)),
            ));
        }
    }
    templates
        .sources
        .iter()
        .find(|(_, src)| has(src))
        .map(|(rel, _)| (templates.display(rel), None))
}

#[cfg(test)]
mod tests;
