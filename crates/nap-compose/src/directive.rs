//! The block directives templates add to Markdown: a line-based parser from
//! the merged template output to a tree of Markdown chunks and directives.
//!
//! A line starting at column 0 with `:::` is a directive; everything else is
//! CommonMark. See docs/templates.md for the syntax. Template loading appends
//! a source marker (`MARK file:line MARK`) to every directive line of a
//! template, so errors point at the template line, not the merged output.

use crate::escape::MARK;
use nap_doc::{Align, ParaStyle};
use nap_model::Diagnostic;

/// Where a directive came from: a template file and line.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl Origin {
    pub fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file.clone(), message).at(self.line, None)
    }
}

/// The figures `::: figure` may name (those `nap_figures::figure` draws).
pub const FIGURES: [&str; 3] = ["timeline", "summary", "comments"];

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Markdown(String),
    Toc {
        title: String,
        depth: u8,
    },
    PageBreak,
    /// `key: value` lines, each with its place.
    Meta(Vec<(String, Origin)>),
    Style {
        style: ParaStyle,
        align: Option<Align>,
        children: Vec<Node>,
    },
    Figure {
        name: String,
        caption: String,
    },
    Table(TableNode),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableNode {
    pub widths: Option<Vec<f32>>,
    pub header: usize,
    pub labels: bool,
    pub rows: Vec<RowNode>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowNode {
    pub header: bool,
    pub cells: Vec<CellNode>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CellNode {
    pub span: u16,
    pub children: Vec<Node>,
    /// True for the implicit first cell of a row, dropped when the row's
    /// first line is an explicit `::: cell` (so `::: row` + `::: cell span=2`
    /// makes a one-cell row).
    implicit: bool,
}

enum Frame {
    Root(Vec<Node>),
    Style {
        style: ParaStyle,
        align: Option<Align>,
        children: Vec<Node>,
        origin: Origin,
    },
    Figure {
        name: String,
        text: String,
        origin: Origin,
    },
    Meta {
        lines: Vec<(String, Origin)>,
        origin: Origin,
    },
    Table {
        table: TableNode,
        /// Content before the first row (only blank lines are allowed).
        pre: Vec<Node>,
    },
}

impl Frame {
    fn name(&self) -> &'static str {
        match self {
            Frame::Root(_) => "document",
            Frame::Style { .. } => "style",
            Frame::Figure { .. } => "figure",
            Frame::Meta { .. } => "meta",
            Frame::Table { .. } => "table",
        }
    }
    fn origin(&self) -> Option<&Origin> {
        match self {
            Frame::Root(_) => None,
            Frame::Style { origin, .. }
            | Frame::Figure { origin, .. }
            | Frame::Meta { origin, .. } => Some(origin),
            Frame::Table { table, .. } => Some(&table.origin),
        }
    }
    /// The node list that Markdown lines and nested directives go to.
    fn children(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Frame::Root(c) | Frame::Style { children: c, .. } => Some(c),
            Frame::Table { table, pre } => Some(match table.rows.last_mut() {
                Some(row) => {
                    &mut row
                        .cells
                        .last_mut()
                        .expect("rows start with a cell")
                        .children
                }
                None => pre,
            }),
            Frame::Figure { .. } | Frame::Meta { .. } => None,
        }
    }
}

fn push_line(children: &mut Vec<Node>, line: &str) {
    if let Some(Node::Markdown(text)) = children.last_mut() {
        text.push('\n');
        text.push_str(line);
    } else {
        children.push(Node::Markdown(line.to_string()));
    }
}

fn is_blank(nodes: &[Node]) -> bool {
    nodes
        .iter()
        .all(|n| matches!(n, Node::Markdown(t) if t.trim().is_empty()))
}

/// Splits a line into its text and its place: the source marker when the
/// line came from a template directive line, else `file` and the line number
/// in the merged text.
fn place<'a>(raw: &'a str, file: &str, line_no: usize) -> (&'a str, Origin) {
    if let Some(i) = raw.find(MARK) {
        let rest = &raw[i + MARK.len_utf8()..];
        let marker = rest.split(MARK).next().unwrap_or("");
        if let Some((f, l)) = marker.rsplit_once(':') {
            if let Ok(line) = l.parse() {
                return (
                    raw[..i].trim_end(),
                    Origin {
                        file: f.to_string(),
                        line,
                    },
                );
            }
        }
        return (
            raw[..i].trim_end(),
            Origin {
                file: file.into(),
                line: line_no,
            },
        );
    }
    (
        raw,
        Origin {
            file: file.into(),
            line: line_no,
        },
    )
}

/// Removes source markers (for the Markdown a build can emit).
pub fn strip_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.find(MARK) {
            Some(p) => out.push_str(line[..p].trim_end()),
            None => out.push_str(line),
        }
    }
    out
}

/// Parses merged template output. `file` names the text for lines without a
/// source marker. Every problem is reported; the tree is returned only when
/// there are none.
pub fn parse(text: &str, file: &str) -> Result<Vec<Node>, Vec<Diagnostic>> {
    let mut stack = vec![Frame::Root(Vec::new())];
    let mut errors = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let (line, origin) = place(raw, file, i + 1);
        let Some(rest) = line.strip_prefix(":::") else {
            let top = stack.last_mut().expect("root frame");
            match top {
                Frame::Figure { text, .. } => {
                    text.push_str(line);
                    text.push('\n');
                }
                Frame::Meta { lines, origin: o } => {
                    let at = Origin {
                        file: o.file.clone(),
                        line: o.line + lines.len() + 1,
                    };
                    lines.push((line.to_string(), at));
                }
                other => push_line(other.children().expect("block frame"), line),
            }
            continue;
        };
        let mut words = rest.split_whitespace();
        let Some(name) = words.next() else {
            close(&mut stack, &origin, &mut errors);
            continue;
        };
        let args: Vec<&str> = words.collect();
        if let Err(e) = directive(&mut stack, name, &args, rest, origin) {
            errors.push(e);
        }
    }
    while stack.len() > 1 {
        let frame = stack.pop().expect("len > 1");
        let origin = frame.origin().expect("non-root").clone();
        errors.push(
            origin
                .diag(format!("`::: {}` is never closed", frame.name()))
                .hint("end it with a line holding only `:::`"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match stack.pop() {
        Some(Frame::Root(nodes)) => Ok(nodes),
        _ => unreachable!("only the root frame is left"),
    }
}

fn close(stack: &mut Vec<Frame>, origin: &Origin, errors: &mut Vec<Diagnostic>) {
    if stack.len() == 1 {
        errors.push(
            origin
                .diag("`:::` closes nothing: no directive is open here")
                .hint("remove the line, or open a `::: table`, `::: style`, `::: figure` or `::: meta` before it"),
        );
        return;
    }
    let node = match stack.pop().expect("len > 1") {
        Frame::Root(_) => unreachable!("root is never popped here"),
        Frame::Style {
            style,
            align,
            children,
            ..
        } => Node::Style {
            style,
            align,
            children,
        },
        Frame::Figure { name, text, .. } => Node::Figure {
            name,
            caption: text.trim().to_string(),
        },
        Frame::Meta { lines, .. } => Node::Meta(lines),
        Frame::Table { mut table, pre } => {
            if !is_blank(&pre) {
                errors.push(
                    table
                        .origin
                        .diag("text inside `::: table` before its first `::: row`")
                        .hint("start each row with `::: row` (or `::: header`)"),
                );
            }
            for row in &mut table.rows {
                if row.cells.len() > 1 && row.cells[0].implicit && is_blank(&row.cells[0].children)
                {
                    row.cells.remove(0);
                }
            }
            Node::Table(table)
        }
    };
    stack
        .last_mut()
        .expect("root")
        .children()
        .expect("containers only open inside block frames")
        .push(node);
}

fn bad_arg(origin: &Origin, name: &str, arg: &str, accepted: &str) -> Diagnostic {
    origin
        .diag(format!("`::: {name}` does not take `{arg}`"))
        .hint(format!("accepted: {accepted}"))
}

// A directive error is reported once and ends the build; its size is no cost.
#[allow(clippy::result_large_err)]
fn directive(
    stack: &mut Vec<Frame>,
    name: &str,
    args: &[&str],
    rest: &str,
    origin: Origin,
) -> Result<(), Diagnostic> {
    let top = stack.last_mut().expect("root");
    if matches!(top, Frame::Figure { .. } | Frame::Meta { .. }) {
        return Err(origin
            .diag(format!(
                "`::: {name}` inside `::: {}`: a {} holds only text",
                top.name(),
                top.name()
            ))
            .hint("close it first with a line holding only `:::`"));
    }
    match name {
        "toc" => {
            let mut depth = 2u8;
            let mut title = Vec::new();
            for a in args {
                match a.strip_prefix("depth=") {
                    Some(d) => {
                        depth = d
                            .parse()
                            .ok()
                            .filter(|d| (1..=4).contains(d))
                            .ok_or_else(|| bad_arg(&origin, name, a, "depth=1 … depth=4"))?
                    }
                    None => title.push(*a),
                }
            }
            if title.is_empty() {
                return Err(origin
                    .diag("`::: toc` needs a title")
                    .hint("e.g. `::: toc Përmbajtja`"));
            }
            top.children().expect("block frame").push(Node::Toc {
                title: title.join(" "),
                depth,
            });
        }
        "pagebreak" => {
            if let Some(a) = args.first() {
                return Err(bad_arg(&origin, name, a, "no arguments"));
            }
            top.children().expect("block frame").push(Node::PageBreak);
        }
        "meta" => {
            if stack.len() != 1 {
                return Err(origin
                    .diag("`::: meta` must be at the top level, not inside another directive"));
            }
            stack.push(Frame::Meta {
                lines: Vec::new(),
                origin,
            });
        }
        "style" => {
            let mut style = None;
            let mut align = None;
            for a in args {
                match *a {
                    "normal" => style = Some(ParaStyle::Normal),
                    "title" => style = Some(ParaStyle::Title),
                    "subtitle" => style = Some(ParaStyle::Subtitle),
                    "small" => style = Some(ParaStyle::Small),
                    "caption" => style = Some(ParaStyle::Caption),
                    "draft" => style = Some(ParaStyle::DraftMark),
                    "left" => align = Some(Align::Left),
                    "center" => align = Some(Align::Center),
                    "right" => align = Some(Align::Right),
                    "justify" => align = Some(Align::Justify),
                    _ => {
                        return Err(bad_arg(
                            &origin,
                            name,
                            a,
                            "normal, title, subtitle, small, caption, draft; left, center, right, justify",
                        ))
                    }
                }
            }
            stack.push(Frame::Style {
                style: style.unwrap_or(ParaStyle::Normal),
                align,
                children: Vec::new(),
                origin,
            });
        }
        "figure" => match args {
            [fig] if FIGURES.contains(fig) => stack.push(Frame::Figure {
                name: fig.to_string(),
                text: String::new(),
                origin,
            }),
            _ => {
                return Err(origin
                    .diag(format!("`::: figure{}` names no figure", {
                        let r = rest.trim_start().trim_start_matches("figure");
                        r.trim_end().to_string()
                    }))
                    .hint(format!("one of: {}", FIGURES.join(", "))))
            }
        },
        "table" => {
            let mut table = TableNode {
                widths: None,
                header: 0,
                labels: false,
                rows: Vec::new(),
                origin: origin.clone(),
            };
            for a in args {
                if let Some(w) = a.strip_prefix("widths=") {
                    let widths: Option<Vec<f32>> = w
                        .split(',')
                        .map(|x| {
                            x.trim()
                                .parse::<f32>()
                                .ok()
                                .filter(|v| v.is_finite() && *v > 0.0)
                        })
                        .collect();
                    table.widths = Some(widths.ok_or_else(|| {
                        bad_arg(&origin, name, a, "widths=30,70 (positive numbers)")
                    })?);
                } else if let Some(h) = a.strip_prefix("header=") {
                    table.header = h
                        .parse()
                        .map_err(|_| bad_arg(&origin, name, a, "header=N (a whole number)"))?;
                } else if *a == "labels" {
                    table.labels = true;
                } else {
                    return Err(bad_arg(&origin, name, a, "widths=…, header=N, labels"));
                }
            }
            stack.push(Frame::Table {
                table,
                pre: Vec::new(),
            });
        }
        "row" | "header" => {
            let Frame::Table { table, .. } = top else {
                return Err(origin
                    .diag(format!("`::: {name}` outside a `::: table`"))
                    .hint("rows and cells go between `::: table` and its closing `:::`"));
            };
            if let Some(a) = args.first() {
                return Err(bad_arg(
                    &origin,
                    name,
                    a,
                    "no arguments (put span=N on `::: cell`)",
                ));
            }
            let header = name == "header";
            if header && table.rows.iter().any(|r| !r.header) {
                return Err(origin
                    .diag("`::: header` after a body row")
                    .hint("header rows come first in a table"));
            }
            table.rows.push(RowNode {
                header,
                cells: vec![CellNode {
                    span: 1,
                    children: Vec::new(),
                    implicit: true,
                }],
                origin,
            });
        }
        "cell" => {
            let Frame::Table { table, .. } = top else {
                return Err(origin
                    .diag("`::: cell` outside a `::: table`")
                    .hint("close the directive opened inside the cell first"));
            };
            let Some(row) = table.rows.last_mut() else {
                return Err(origin
                    .diag("`::: cell` before the table's first `::: row`")
                    .hint("start the row with `::: row`"));
            };
            let mut span = 1u16;
            for a in args {
                span = a
                    .strip_prefix("span=")
                    .and_then(|s| s.parse().ok())
                    .filter(|s| *s >= 1)
                    .ok_or_else(|| bad_arg(&origin, name, a, "span=N (N ≥ 1)"))?;
            }
            row.cells.push(CellNode {
                span,
                children: Vec::new(),
                implicit: false,
            });
        }
        other => {
            return Err(origin
                .diag(format!("unknown directive `::: {other}`"))
                .hint("known: toc, pagebreak, meta, style, figure, table, row, header, cell"))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Node {
        Node::Markdown(s.into())
    }

    #[test]
    fn leaf_directives() {
        let nodes = parse(
            "# A\n::: toc Përmbajtja e dokumentit depth=3\n::: pagebreak\ntekst",
            "t",
        )
        .unwrap();
        assert_eq!(
            nodes,
            vec![
                md("# A"),
                Node::Toc {
                    title: "Përmbajtja e dokumentit".into(),
                    depth: 3
                },
                Node::PageBreak,
                md("tekst")
            ]
        );
    }

    #[test]
    fn style_figure_and_meta_containers() {
        let text = "::: meta\ntitle: T\nheader: H\n:::\n::: style title center\nTitulli\n:::\n::: figure timeline\nFigura 1: *Fazat*\n:::";
        let nodes = parse(text, "t").unwrap();
        match &nodes[0] {
            Node::Meta(lines) => {
                assert_eq!(lines[0].0, "title: T");
                assert_eq!(lines[1].1.line, 3);
            }
            n => panic!("{n:?}"),
        }
        assert_eq!(
            nodes[1],
            Node::Style {
                style: ParaStyle::Title,
                align: Some(Align::Center),
                children: vec![md("Titulli")]
            }
        );
        assert_eq!(
            nodes[2],
            Node::Figure {
                name: "timeline".into(),
                caption: "Figura 1: *Fazat*".into()
            }
        );
    }

    #[test]
    fn table_rows_cells_headers_and_spans() {
        let text = "::: table widths=20,80 labels\n::: header\nNr.\n::: cell\nVeprimtaria\n::: row\n1\n::: cell\n- a\n- b\n::: row\n::: cell span=2\nGjithë rreshti\n:::";
        let nodes = parse(text, "t").unwrap();
        let Node::Table(t) = &nodes[0] else { panic!() };
        assert_eq!(t.widths, Some(vec![20.0, 80.0]));
        assert!(t.labels);
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows[0].header && !t.rows[1].header);
        assert_eq!(t.rows[1].cells[1].children, vec![md("- a\n- b")]);
        assert_eq!(t.rows[2].cells.len(), 1);
        assert_eq!(t.rows[2].cells[0].span, 2);
    }

    #[test]
    fn nested_style_inside_cell_closes_only_itself() {
        let text = "::: table\n::: row\n::: style small\nshënim\n:::\nmë pas\n:::\npas tabelës";
        let nodes = parse(text, "t").unwrap();
        let Node::Table(t) = &nodes[0] else { panic!() };
        assert_eq!(t.rows[0].cells[0].children.len(), 2);
        assert_eq!(nodes[1], md("pas tabelës"));
    }

    #[test]
    fn unclosed_directive_points_at_template_file_and_line() {
        let text = format!("hyrje\n::: table{MARK}partials/angazhimi.md.hbs:12{MARK}\n::: row\nx");
        let errs = parse(&text, "plani-i-veprimit").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].file, "partials/angazhimi.md.hbs");
        assert_eq!(errs[0].line, Some(12));
        assert!(errs[0].message.contains("never closed"), "{}", errs[0]);
        // Without a marker: the merged text's own line.
        let errs = parse("a\n\n::: style small\nb", "raporti").unwrap_err();
        assert_eq!((errs[0].file.as_str(), errs[0].line), ("raporti", Some(3)));
    }

    #[test]
    fn misuse_is_reported_with_hints() {
        for (text, needle) in [
            ("::: cell", "outside a `::: table`"),
            (":::", "closes nothing"),
            ("::: tabel", "unknown directive"),
            ("::: figure pie\n:::", "names no figure"),
            ("::: table widths=a,b\n:::", "does not take"),
            ("::: table\ntext\n::: row\nx\n:::", "before its first"),
            ("::: table\n::: row\n::: header\n:::", "after a body row"),
            ("::: figure timeline\n::: pagebreak\n:::", "holds only text"),
            ("::: toc", "needs a title"),
        ] {
            let errs = parse(text, "t").unwrap_err();
            assert!(
                errs.iter().any(|e| e.message.contains(needle)),
                "{text:?}: {errs:?}"
            );
        }
    }

    #[test]
    fn markers_are_stripped_for_emitted_markdown() {
        let text = format!("::: pagebreak {MARK}a.hbs:3{MARK}\ntekst");
        assert_eq!(strip_markers(&text), "::: pagebreak\ntekst");
    }
}
