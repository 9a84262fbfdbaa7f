//! The template stage: loading `templates/` at run time, the Handlebars
//! helpers, and merging view data into Markdown with directives.

use crate::escape::{self, MARK};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};
use nap_model::Diagnostic;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The templates folder as read: file sources by path relative to the folder.
#[derive(Debug, Clone)]
pub struct Templates {
    /// Shown in diagnostics before a relative path (e.g. "templates").
    pub root: String,
    /// `plani-i-veprimit.md.hbs`, `partials/komenti.md.hbs`, … → source.
    pub sources: BTreeMap<String, String>,
    /// `data/*.json` → parsed value.
    pub data: BTreeMap<String, Value>,
    /// Every file read, by its path relative to the folder, as it was read
    /// (what the build's manifest hashes: the bytes the documents were made
    /// from, without reading the file a second time).
    pub bytes: BTreeMap<String, Vec<u8>>,
}

pub const PLAN_TEMPLATE: &str = "plani-i-veprimit.md.hbs";
pub const REPORT_TEMPLATE: &str = "raporti-i-procesit.md.hbs";
const EXT: &str = ".md.hbs";

impl Templates {
    pub fn display(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root.trim_end_matches('/'))
    }

    /// Reads the main templates, `partials/*.md.hbs` and `data/*.json`.
    pub fn load(dir: &Path) -> Result<Templates, Vec<Diagnostic>> {
        let root = dir.display().to_string();
        let mut t = Templates {
            root,
            sources: BTreeMap::new(),
            data: BTreeMap::new(),
            bytes: BTreeMap::new(),
        };
        let mut errors = Vec::new();
        let mut read_bytes = BTreeMap::new();
        let mut read = |rel: &str, errors: &mut Vec<Diagnostic>| -> Option<String> {
            match std::fs::read(dir.join(rel)) {
                Ok(bytes) => match String::from_utf8(
                    read_bytes.entry(rel.to_string()).or_insert(bytes).clone(),
                ) {
                    Ok(s) => Some(s.replace("\r\n", "\n")),
                    Err(e) => {
                        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count();
                        errors.push(
                            Diagnostic::error(
                                format!("{}/{rel}", dir.display()),
                                "not valid UTF-8",
                            )
                            .at(line, None)
                            .hint("save the template as UTF-8"),
                        );
                        None
                    }
                },
                Err(e) => {
                    errors.push(Diagnostic::error(
                        format!("{}/{rel}", dir.display()),
                        format!("cannot read the template: {e}"),
                    ));
                    None
                }
            }
        };
        for main in [PLAN_TEMPLATE, REPORT_TEMPLATE] {
            if let Some(s) = read(main, &mut errors) {
                t.sources.insert(main.to_string(), s);
            }
        }
        for (sub, ext) in [("partials", EXT), ("data", ".json")] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(ext))
                .collect();
            names.sort();
            for name in names {
                let rel = format!("{sub}/{name}");
                let Some(s) = read(&rel, &mut errors) else {
                    continue;
                };
                if sub == "partials" {
                    t.sources.insert(rel, s);
                } else {
                    match serde_json::from_str(&s) {
                        Ok(v) => {
                            t.data.insert(name.trim_end_matches(".json").to_string(), v);
                        }
                        Err(e) => errors.push(
                            Diagnostic::error(t.display(&rel), format!("not valid JSON: {e}"))
                                .at(e.line(), Some(e.column())),
                        ),
                    }
                }
            }
        }
        t.bytes = read_bytes;
        if errors.is_empty() {
            Ok(t)
        } else {
            Err(errors)
        }
    }
}

/// The partial name of `partials/<name>.md.hbs`.
fn partial_name(rel: &str) -> Option<&str> {
    rel.strip_prefix("partials/")?.strip_suffix(EXT)
}

/// Appends a source marker to every directive line of a template, so the
/// directive parser can name the template line of a bad directive. Lines
/// whose `{{` is not closed on the same line are left alone.
pub fn mark_directives(rel: &str, src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 256);
    for (i, line) in src.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        if line.starts_with(":::") && line.matches("{{").count() == line.matches("}}").count() {
            out.push(MARK);
            out.push_str(&format!("{rel}:{}", i + 1));
            out.push(MARK);
        }
    }
    out
}

/// Figure numbers in order of first mention, per document.
#[derive(Debug, Default, Clone)]
pub struct FigureNumbers(Arc<Mutex<Vec<String>>>);

impl FigureNumbers {
    pub fn number(&self, name: &str) -> usize {
        let mut names = self.0.lock().expect("not poisoned");
        match names.iter().position(|n| n == name) {
            Some(i) => i + 1,
            None => {
                names.push(name.to_string());
                names.len()
            }
        }
    }
}

fn value_param<'a>(h: &'a Helper, i: usize, name: &str) -> Result<&'a Value, RenderError> {
    let p = h
        .param(i)
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("text", i))?;
    if p.is_value_missing() {
        return Err(RenderErrorReason::Other(format!(
            "`{{{{{name} {}}}}}`: there is no such field",
            p.relative_path().map(String::as_str).unwrap_or("?")
        ))
        .into());
    }
    Ok(p.value())
}

fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `{{text value}}`: a plain value, escaped for Markdown.
fn text_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = value_param(h, 0, "text")?;
    out.write(&escape::text(&as_text(v)))?;
    Ok(())
}

/// `{{md value [level=N] [indent=N]}}`: a Markdown field, defused, its
/// highest heading moved to level N (the rest below it), lines after the
/// first indented by N.
fn md_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = value_param(h, 0, "md")?;
    let num = |key: &str| -> Result<usize, RenderError> {
        match h.hash_get(key) {
            None => Ok(0),
            Some(p) => p.value().as_u64().map(|n| n as usize).ok_or_else(|| {
                RenderErrorReason::Other(format!("`md … {key}=N`: N must be a whole number")).into()
            }),
        }
    };
    let level = num("level")?;
    let indent = num("indent")?;
    let mut s = escape::scope_footnotes(&escape::seal(&escape::defuse(as_text(v).trim_end())));
    if level > 0 {
        s = escape::relevel_headings(&s, level);
    }
    out.write(&escape::indent_rest(&s, indent))?;
    Ok(())
}

/// `{{join list ", "}}`: plain values joined, each escaped.
fn join_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = value_param(h, 0, "join")?;
    let sep = h
        .param(1)
        .map(|p| as_text(p.value()))
        .unwrap_or_else(|| ", ".into());
    let items: Vec<String> = match v {
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::Object(o) => o.get("name").map(as_text).unwrap_or_default(),
                other => as_text(other),
            })
            .filter(|s| !s.is_empty())
            .map(|s| escape::text(&s))
            .collect(),
        Value::Null => Vec::new(),
        other => vec![escape::text(&as_text(other))],
    };
    out.write(&items.join(&escape::text(&sep)))?;
    Ok(())
}

/// `{{capitalize value}}`: first letter upper case ("gusht 2020" → "Gusht 2020").
fn capitalize_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let s = as_text(value_param(h, 0, "capitalize")?);
    let mut chars = s.chars();
    let cap: String = match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    out.write(&escape::text(&cap))?;
    Ok(())
}

/// `{{upper value}}`.
fn upper_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let s = as_text(value_param(h, 0, "upper")?);
    out.write(&escape::text(&s.to_uppercase()))?;
    Ok(())
}

struct FigureNumberHelper(FigureNumbers);

impl HelperDef for FigureNumberHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = as_text(value_param(h, 0, "figure_number")?);
        if !crate::directive::FIGURES.contains(&name.as_str()) {
            return Err(RenderErrorReason::Other(format!(
                "`figure_number \"{name}\"`: no such figure (one of: {})",
                crate::directive::FIGURES.join(", ")
            ))
            .into());
        }
        out.write(&self.0.number(&name).to_string())?;
        Ok(())
    }
}

/// `{{add @index 1}}`: whole-number addition, for numbering from 1.
fn add_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let a = value_param(h, 0, "add")?.as_i64().unwrap_or(0);
    let b = h.param(1).and_then(|p| p.value().as_i64()).unwrap_or(0);
    out.write(&(a + b).to_string())?;
    Ok(())
}

fn template_diag(
    templates: &Templates,
    name: Option<&String>,
    rel_of: &BTreeMap<String, String>,
) -> String {
    let rel = name
        .map(|n| rel_of.get(n).cloned().unwrap_or_else(|| n.clone()))
        .unwrap_or_else(|| "templates".into());
    templates.display(&rel)
}

/// [`Compiled::render`] from a JSON view, compiling the templates first (for
/// callers with one document).
pub fn render(
    templates: &Templates,
    main: &str,
    view: &Value,
) -> Result<(String, FigureNumbers), Vec<Diagnostic>> {
    Compiled::new(templates).render(templates, main, &handlebars::Context::from(view.clone()))
}

/// Every template of the folder compiled once (both main templates and the
/// partials), with the helpers: what both documents of a build render from.
///
/// Compiling is most of a small build's template time (handlebars finds the
/// line and column of every element from the start of the text, so a
/// template's cost grows with the square of its length); each template is
/// compiled once, the templates in parallel, and the driver does it while the
/// inputs are read.
#[derive(Clone)]
pub struct Compiled {
    hb: Handlebars<'static>,
    /// Template name → path relative to the folder (for diagnostics).
    rel_of: BTreeMap<String, String>,
    /// Templates that did not compile, by name.
    broken: BTreeMap<String, Diagnostic>,
    /// Main templates cut at their top-level partial calls: the templates
    /// to render in turn instead (see [`cut_at_partials`]).
    pieces: BTreeMap<String, Vec<String>>,
}

/// A main template's top-level elements cut at each plain partial call
/// (`{{> name}}` outside any block, without parameters, of a partial that
/// exists): the pieces between the calls become templates of their own
/// (named `main`, NUL, a number; keeping the main template's line numbers), and
/// rendering the main template is rendering the pieces and the partials in
/// turn, each with the whole view.
///
/// The output is the same; what changes is the cost. handlebars gives a
/// partial a copy of its context, and at the top level that is the whole
/// view: every commitment and comment copied once per partial (at 100× the
/// plan, ~0.1 s each). Rendered as templates of their own they read the
/// view in place. A main template with a top-level inline partial
/// (`{{#*inline}}`, visible to later pieces) is not cut.
fn cut_at_partials(
    name: &str,
    main: &handlebars::Template,
    exists: impl Fn(&str) -> bool,
) -> Option<Vec<(String, Option<handlebars::Template>)>> {
    use handlebars::template::{Parameter, TemplateElement as E};
    if main.elements.len() != main.mapping.len()
        || main
            .elements
            .iter()
            .any(|e| matches!(e, E::DecoratorBlock(_) | E::DecoratorExpression(_)))
    {
        return None;
    }
    let plain_call = |e: &E| match e {
        E::PartialExpression(d)
            if d.params.is_empty() && d.hash.is_empty() && d.template.is_none() =>
        {
            match &d.name {
                Parameter::Name(n) if exists(n) => Some(n.clone()),
                _ => None,
            }
        }
        _ => None,
    };
    let mut pieces = Vec::new();
    let mut start = 0;
    let flush =
        |pieces: &mut Vec<(String, Option<handlebars::Template>)>, from: usize, to: usize| {
            if from < to {
                let mut t = handlebars::Template::new();
                t.elements = main.elements[from..to].to_vec();
                t.mapping = main.mapping[from..to].to_vec();
                // NUL: in no file name, so in no partial's name.
                let piece = format!("{name}\0{}", pieces.len() + 1);
                t.name = Some(piece.clone());
                pieces.push((piece, Some(t)));
            }
        };
    for (i, e) in main.elements.iter().enumerate() {
        if let Some(partial) = plain_call(e) {
            flush(&mut pieces, start, i);
            pieces.push((partial, None));
            start = i + 1;
        }
    }
    if start == 0 {
        return None;
    }
    flush(&mut pieces, start, main.elements.len());
    Some(pieces)
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("templates", &self.rel_of)
            .finish_non_exhaustive()
    }
}

fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    // A partial's lines are inserted as written: indenting them would move
    // directive lines off column 0.
    hb.set_prevent_indent(true);
    hb
}

impl Compiled {
    /// Compiles every main template and partial of `templates`. A template
    /// that does not compile is kept as its diagnostic (file, line, column),
    /// reported by [`Compiled::render`]: a broken report template does not
    /// hide the plan template's own problems.
    pub fn new(templates: &Templates) -> Compiled {
        let jobs: Vec<(&str, &String, &String)> = templates
            .sources
            .iter()
            .filter_map(|(rel, src)| {
                let name = if rel == PLAN_TEMPLATE || rel == REPORT_TEMPLATE {
                    rel.as_str()
                } else {
                    partial_name(rel)?
                };
                Some((name, rel, src))
            })
            .collect();
        let compiled: Vec<Result<handlebars::Template, Box<Diagnostic>>> = jobs
            .par_iter()
            .map(|&(name, rel, src)| {
                let marked = mark_directives(&templates.display(rel), src);
                // Compiled in a registry of its own (the same options as
                // the shared one), then moved over.
                let mut one = registry();
                match one.register_template_string(name, marked) {
                    Ok(()) => {
                        let t = one
                            .get_template(name)
                            .expect("the template just registered");
                        match crate::recursion::depth_error(t, &templates.display(rel)) {
                            None => Ok(t.clone()),
                            Some(d) => Err(Box::new(d)),
                        }
                    }
                    Err(e) => {
                        let mut d =
                            Diagnostic::error(templates.display(rel), e.reason().to_string());
                        if let Some((line, col)) = e.pos() {
                            d = d.at(line, Some(col));
                        }
                        Err(Box::new(d))
                    }
                }
            })
            .collect();
        let mut hb = registry();
        hb.register_escape_fn(escape::text);
        hb.register_helper("text", Box::new(text_helper));
        hb.register_helper("md", Box::new(md_helper));
        hb.register_helper("join", Box::new(join_helper));
        hb.register_helper("capitalize", Box::new(capitalize_helper));
        hb.register_helper("upper", Box::new(upper_helper));
        hb.register_helper("add", Box::new(add_helper));
        let mut rel_of = BTreeMap::new();
        let mut broken = BTreeMap::new();
        // Partials that include themselves would recurse until the stack
        // overflows: reported as mistakes of the template holding the call.
        let shown: Vec<String> = jobs
            .iter()
            .map(|(_, rel, _)| templates.display(rel))
            .collect();
        let good: Vec<(&str, &str, &handlebars::Template)> = jobs
            .iter()
            .zip(&compiled)
            .zip(&shown)
            .filter_map(|(((name, _, _), result), file)| {
                result.as_ref().ok().map(|t| (*name, file.as_str(), t))
            })
            .collect();
        for (name, d) in crate::recursion::check(&good) {
            broken.entry(name).or_insert(d);
        }
        let mut mains = Vec::new();
        for ((name, rel, _), result) in jobs.into_iter().zip(compiled) {
            rel_of.insert(name.to_string(), rel.clone());
            match result {
                Ok(t) => {
                    if partial_name(rel).is_none() {
                        mains.push((name, t.clone()));
                    }
                    hb.register_template(name, t)
                }
                Err(d) => {
                    broken.insert(name.to_string(), *d);
                }
            }
        }
        let mut pieces = BTreeMap::new();
        for (name, t) in mains {
            let partial = |n: &str| {
                rel_of
                    .get(n)
                    .is_some_and(|rel| partial_name(rel).is_some() && hb.has_template(n))
            };
            let Some(cut) = cut_at_partials(name, &t, partial) else {
                continue;
            };
            let mut order = Vec::new();
            for (piece, template) in cut {
                if let Some(template) = template {
                    rel_of.insert(piece.clone(), rel_of[name].clone());
                    hb.register_template(&piece, template);
                }
                order.push(piece);
            }
            pieces.insert(name.to_string(), order);
        }
        Compiled {
            hb,
            rel_of,
            broken,
            pieces,
        }
    }

    /// Merges the main template `main` with the view. Returns the merged
    /// text (with source markers) and the figure numbers its helpers handed
    /// out.
    pub fn render(
        &self,
        templates: &Templates,
        main: &str,
        view: &handlebars::Context,
    ) -> Result<(String, FigureNumbers), Vec<Diagnostic>> {
        // As when each document compiled its own templates: the main
        // template's problem, then every partial's (any may be included).
        let mut errors: Vec<Diagnostic> = self.broken.get(main).into_iter().cloned().collect();
        if errors.is_empty() && !self.hb.has_template(main) {
            errors.push(Diagnostic::error(
                templates.display(main),
                "the template is missing",
            ));
        }
        errors.extend(
            self.broken
                .iter()
                .filter(|(name, _)| partial_name(&self.rel_of[*name]).is_some())
                .map(|(_, d)| d.clone()),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        // Figure numbers are counted per document: a registry of this
        // document's own (a copy of the compiled templates) holds the counter.
        let mut hb = self.hb.clone();
        let numbers = FigureNumbers::default();
        hb.register_helper(
            "figure_number",
            Box::new(FigureNumberHelper(numbers.clone())),
        );
        let merged = match self.pieces.get(main) {
            Some(pieces) => pieces.iter().try_fold(String::new(), |mut text, piece| {
                text.push_str(&hb.render_with_context(piece, view)?);
                Ok(text)
            }),
            None => hb.render_with_context(main, view),
        };
        match merged {
            Ok(text) => Ok((text, numbers)),
            Err(e) => {
                let mut d = Diagnostic::error(
                    template_diag(templates, e.template_name.as_ref(), &self.rel_of),
                    e.reason().to_string(),
                );
                if let Some(line) = e.line_no {
                    d = d.at(line, e.column_no);
                }
                Err(vec![d])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn templates(main: &str, partials: &[(&str, &str)]) -> Templates {
        let mut sources = BTreeMap::new();
        sources.insert(PLAN_TEMPLATE.to_string(), main.to_string());
        for (n, s) in partials {
            sources.insert(format!("partials/{n}.md.hbs"), s.to_string());
        }
        Templates {
            root: "templates".into(),
            sources,
            data: BTreeMap::new(),
            bytes: BTreeMap::new(),
        }
    }

    fn merge(main: &str, view: Value) -> String {
        let (text, _) = render(&templates(main, &[]), PLAN_TEMPLATE, &view).unwrap();
        crate::directive::strip_markers(&text)
    }

    #[test]
    fn values_are_never_templates_nor_directives() {
        let mut view = json!({"t": "::: pagebreak\n{{plan.title}}", "m": "para\n:::\n::: toc X"});
        crate::view::defuse_all(&mut view);
        let out = merge("{{t}}\n{{md m}}\n{{{m}}}\n{{text t}}", view);
        let lines: Vec<&str> = out.lines().collect();
        // Plain values: escaped, one line, template syntax printed literally.
        assert_eq!(lines[0], r" ::: pagebreak \{\{plan.title\}\}");
        assert_eq!(lines[0], lines[7]);
        assert_eq!(
            crate::markdown::plain(lines[0]),
            "::: pagebreak {{plan.title}}"
        );
        // Markdown values (and even raw `{{{…}}}`): directive lines pushed off column 0.
        assert_eq!(
            lines[1..7],
            ["para", " :::", " ::: toc X", "para", " :::", " ::: toc X"]
        );
        assert!(out.lines().all(|l| !l.starts_with(":::")));
    }

    #[test]
    fn standalone_block_lines_leave_no_blank_lines() {
        let out = merge(
            "A\n{{#each xs}}\n- {{this}}\n{{/each}}\nB",
            json!({"xs": ["x", "y"]}),
        );
        assert_eq!(out, "A\n- x\n- y\nB");
    }

    #[test]
    fn md_demotes_and_indents() {
        let out = merge("- {{md v level=3 indent=2}}", json!({"v": "# T\n\npara"}));
        assert_eq!(out, "- ### T\n\n  para");
    }

    #[test]
    fn figure_numbers_follow_first_mention() {
        let (text, numbers) = render(
            &templates(
                "Figura {{figure_number \"comments\"}} dhe {{figure_number \"timeline\"}}; sërish {{figure_number \"comments\"}}",
                &[],
            ),
            PLAN_TEMPLATE,
            &json!({}),
        )
        .unwrap();
        assert_eq!(text, "Figura 1 dhe 2; sërish 1");
        assert_eq!(numbers.number("timeline"), 2);
    }

    /// The file and line of the first problem merging `main` reports.
    fn first_error(main: &str, partials: &[(&str, &str)]) -> (String, Option<usize>) {
        let errs = render(&templates(main, partials), PLAN_TEMPLATE, &json!({})).unwrap_err();
        (errs[0].file.clone(), errs[0].line)
    }

    #[test]
    fn errors_name_the_template_file_and_line() {
        let (file, line) = first_error(
            "ok\n{{> komenti}}",
            &[("komenti", "a\n{{text nuk.ekziston}}")],
        );
        assert_eq!(file, "templates/partials/komenti.md.hbs");
        assert_eq!(line, Some(2));
        let (file, line) = first_error("a\n{{#if x}}\nb", &[]);
        assert_eq!(file, "templates/plani-i-veprimit.md.hbs");
        assert!(line.is_some());
        // After a cut at a partial: the main template and its own line.
        let (file, line) = first_error(
            "a\n{{> fund}}\nb\n\n{{text nuk.ekziston}}",
            &[("fund", "f")],
        );
        assert_eq!(file, "templates/plani-i-veprimit.md.hbs");
        assert_eq!(line, Some(5));
        // A partial that does not exist stays a call of the main template.
        let (file, line) = first_error("a\n{{> mungon}}", &[("fund", "f")]);
        assert_eq!(file, "templates/plani-i-veprimit.md.hbs");
        assert_eq!(line, Some(2));
    }

    /// Every error of rendering `main` with `partials`: file, line, column,
    /// message.
    fn all_errors(main: &str, partials: &[(&str, &str)]) -> Vec<(String, Option<usize>, String)> {
        render(
            &templates(main, partials),
            PLAN_TEMPLATE,
            &json!({"x": [1, 2]}),
        )
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.file, d.line, d.message))
        .collect()
    }

    #[test]
    fn blocks_nested_too_deep_are_mistakes_not_a_crash() {
        let nested = |n: usize| format!("a\n{}x{}", "{{#if x}}".repeat(n), "{{/if}}".repeat(n));
        let max = crate::recursion::MAX_BLOCK_DEPTH;
        assert_eq!(merge(&nested(max), json!({"x": 1})), "a\nx");
        // One deeper, and thousands deeper (handlebars parses it, then
        // copying or freeing it overflowed the stack): an error at the block.
        for n in [max + 1, 3000] {
            let errs = all_errors("{{> thelle}}", &[("thelle", &nested(n))]);
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(errs[0].0, "templates/partials/thelle.md.hbs");
            assert_eq!(errs[0].1, Some(2));
            assert!(
                errs[0].2.contains("nested more than 100 deep"),
                "{}",
                errs[0].2
            );
        }
    }

    #[test]
    fn partials_that_include_themselves_are_mistakes_not_a_crash() {
        // Directly, at the call's line: without the check, a stack overflow
        // that aborts the process.
        let errs = all_errors("a\n{{> vetja}}", &[("vetja", "b\n\n{{> vetja}}")]);
        assert_eq!(
            errs,
            vec![(
                "templates/partials/vetja.md.hbs".to_string(),
                Some(3),
                "the partial `vetja` includes itself".to_string()
            )]
        );
        // Through others, inside blocks: one
        // error for the circle, at the call that closes it.
        let errs = all_errors(
            "{{> a}}",
            &[
                ("a", "{{#each x}}{{> b}}{{/each}}"),
                ("b", "{{#if x}}{{else}}{{> c}}{{/if}}"),
                ("c", "c\n{{> a}}"),
            ],
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, "templates/partials/c.md.hbs");
        assert_eq!(errs[0].1, Some(2));
        assert!(errs[0].2.contains("a → b → c → a"), "{}", errs[0].2);
        // An inline partial calling itself, and a main template included by
        // one of its partials.
        let errs = all_errors(
            "{{#*inline \"rresht\"}}{{> rresht}}{{/inline}}{{> rresht}}",
            &[],
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].2.contains("`rresht` includes itself"));
        let errs = all_errors("{{> p}}", &[("p", "{{> plani-i-veprimit.md.hbs}}")]);
        assert_eq!(errs.len(), 1, "{errs:?}");
        // A name computed at render time cannot be checked.
        let errs = all_errors("{{> (lookup x 0)}}", &[]);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].2.contains("named by an expression"));
        // One partial included from many places, and twice in a row, is fine.
        let ok = render(
            &templates(
                "{{> a}}{{> b}}{{> c}}{{> c}}",
                &[("a", "{{> c}}"), ("b", "{{> c}}{{> a}}"), ("c", "c")],
            ),
            PLAN_TEMPLATE,
            &json!({}),
        );
        assert_eq!(ok.unwrap().0, "ccccc");
    }

    #[test]
    fn directive_lines_carry_their_template_place() {
        let t = templates("x\n{{> tabela}}", &[("tabela", "\n::: table\n::: row\n")]);
        let (text, _) = render(&t, PLAN_TEMPLATE, &json!({})).unwrap();
        let errs = crate::directive::parse(&text, "plani-i-veprimit").unwrap_err();
        assert_eq!(errs[0].file, "templates/partials/tabela.md.hbs");
        assert_eq!(errs[0].line, Some(2));
    }

    /// The main template rendered whole, as handlebars renders it (the
    /// reference for the cut one).
    fn whole(c: &Compiled, view: &Context) -> String {
        let mut hb = c.hb.clone();
        hb.register_helper(
            "figure_number",
            Box::new(FigureNumberHelper(FigureNumbers::default())),
        );
        hb.render_with_context(PLAN_TEMPLATE, view).unwrap()
    }

    #[test]
    fn a_main_template_cut_at_its_partials_renders_as_it_does_whole() {
        let partials = [
            (
                "titulli",
                "# {{title}}\nFigura {{figure_number \"timeline\"}}\n",
            ),
            ("rreshti", "- {{this}}"),
            (
                "fund",
                "Fund {{title}}; figura {{figure_number \"comments\"}}.",
            ),
        ];
        let mains = [
            // Standalone lines, a call inside a block (not cut), one inside a
            // line, whitespace control, numbers counted across the pieces.
            "{{> titulli}}\nA {{figure_number \"comments\"}}\n{{#each xs}}\n{{> rreshti}}\n{{/each}}\nx {{> fund}} y\n  {{~> titulli~}}  \n{{> fund}}",
            "{{> fund}}",
            "{{> fund}}{{> fund}}\n",
            "pa pjesë",
            // A partial with a parameter is left in place.
            "{{> rreshti title}}\n{{> fund}}",
        ];
        let view = Context::from(json!({"title": "Plani", "xs": ["a", "b"]}));
        for main in mains {
            let t = templates(main, &partials);
            let c = Compiled::new(&t);
            let (cut, _) = c.render(&t, PLAN_TEMPLATE, &view).unwrap();
            assert_eq!(cut, whole(&c, &view), "{main:?}");
        }
        // The four calls outside the block are cut out; the one inside stays.
        let t = templates(mains[0], &partials);
        let c = Compiled::new(&t);
        let calls = c.pieces[PLAN_TEMPLATE]
            .iter()
            .filter(|p| !p.contains('\0'))
            .count();
        assert_eq!(calls, 4, "{:?}", c.pieces);
    }

    #[test]
    fn a_main_template_with_an_inline_partial_is_not_cut() {
        // The inline partial is visible to the calls after it only within
        // one template.
        let main = "{{#*inline \"rreshti\"}}[{{title}}]{{/inline}}\n{{> fund}}\n{{> rreshti}}";
        let t = templates(main, &[("fund", "f")]);
        let c = Compiled::new(&t);
        assert!(!c.pieces.contains_key(PLAN_TEMPLATE));
        let view = Context::from(json!({"title": "T"}));
        let (text, _) = c.render(&t, PLAN_TEMPLATE, &view).unwrap();
        assert_eq!(text, whole(&c, &view));
        assert!(text.contains("[T]"), "{text}");
    }
}
