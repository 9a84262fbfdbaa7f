//! Partials that include themselves, found before anything is rendered.
//!
//! handlebars has no limit on how deep partials nest: a partial that
//! includes itself, directly or through others, recurses until the stack
//! overflows, and that aborts the process (no error, no message). Templates
//! are edited by hand, so this is a mistake a POC officer can make; it is
//! reported like any other template mistake, with the file and line of the
//! call that closes the circle. The check is on the compiled templates, so it
//! sees every `{{> name}}`, inside blocks and inline partials too.

use handlebars::template::{Parameter, Template, TemplateElement as E};
use handlebars::Path;
use nap_model::Diagnostic;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One partial call as written.
struct Call<'a> {
    /// The template or inline partial it is written in (a graph node).
    from: String,
    /// The registered template that holds it (what is marked broken).
    owner: &'a str,
    /// The file, as shown to the user.
    file: &'a str,
    pos: Option<(usize, usize)>,
    /// The partial called; `None` when its name is computed by an
    /// expression (`{{> (lookup …)}}`), which cannot be checked.
    to: Option<String>,
}

/// The problems of `templates` (registered name, file as shown, compiled
/// template), each with the registered name of the template it is written in.
pub(crate) fn check(templates: &[(&str, &str, &Template)]) -> Vec<(String, Diagnostic)> {
    let mut calls = Vec::new();
    for &(name, file, t) in templates {
        collect(t, name, name, file, &mut calls);
    }
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in calls.iter().enumerate() {
        match &c.to {
            Some(_) => edges.entry(c.from.as_str()).or_default().push(i),
            None => problems.push((
                c.owner.to_string(),
                at(
                    Diagnostic::error(
                        c.file,
                        "a partial is named by an expression ({{> (…)}}): nap cannot check \
                         that it does not include itself",
                    ),
                    c.pos,
                )
                .hint("write the partial's name: {{> name}}"),
            )),
        }
    }
    // Depth-first from every node, without recursion (a folder may hold
    // any number of partials); a call to a node on the current path closes
    // a circle, reported once, at that call.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut reported: BTreeSet<Vec<&str>> = BTreeSet::new();
    for &start in edges.keys() {
        if done.contains(start) {
            continue;
        }
        // The path, each node with the index of its next call to follow.
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        let mut on_path: BTreeMap<&str, usize> = BTreeMap::from([(start, 0)]);
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let out = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            let Some(&i) = out.get(*next) else {
                done.insert(node);
                on_path.remove(node);
                path.pop();
                continue;
            };
            *next += 1;
            let call = &calls[i];
            let Some(to) = call.to.as_deref() else {
                continue;
            };
            if let Some(&k) = on_path.get(to) {
                let circle: Vec<&str> = path[k..].iter().map(|&(n, _)| n).collect();
                let mut key = circle.clone();
                key.sort_unstable();
                if reported.insert(key) {
                    problems.push((call.owner.to_string(), circle_error(call, &circle, to)));
                }
            } else if edges.contains_key(to) && !done.contains(to) {
                on_path.insert(to, path.len());
                path.push((to, 0));
            }
        }
    }
    problems
}

fn circle_error(call: &Call, circle: &[&str], to: &str) -> Diagnostic {
    let message = if circle.len() == 1 {
        format!("the partial `{to}` includes itself")
    } else {
        let names: Vec<&str> = circle.iter().copied().chain([to]).collect();
        format!(
            "partials include each other in a circle ({})",
            names.join(" → ")
        )
    };
    at(Diagnostic::error(call.file, message), call.pos).hint(
        "a partial cannot include itself, directly or through other partials: \
         the merge would never end",
    )
}

fn at(d: Diagnostic, pos: Option<(usize, usize)>) -> Diagnostic {
    match pos {
        Some((line, col)) => d.at(line, Some(col)),
        None => d,
    }
}

/// Every partial call of `t`, in blocks too; the calls inside an inline
/// partial (`{{#*inline "x"}}`) are the calls of node `x`.
fn collect<'a>(t: &Template, from: &str, owner: &'a str, file: &'a str, out: &mut Vec<Call<'a>>) {
    for (i, e) in t.elements.iter().enumerate() {
        let mut node = None;
        match e {
            E::PartialExpression(d) | E::PartialBlock(d) => {
                let to = static_name(&d.name);
                // `{{> @partial-block}}` renders the caller's block, whose
                // calls are the caller's own (walked there).
                if to.as_deref() != Some("@partial-block") {
                    out.push(Call {
                        from: from.to_string(),
                        owner,
                        file,
                        pos: t.mapping.get(i).map(|m| (m.0, m.1)),
                        to,
                    });
                }
            }
            E::DecoratorBlock(d) | E::DecoratorExpression(d) if matches!(&d.name, Parameter::Name(n) if n == "inline") =>
            {
                node = d.params.first().and_then(static_name);
            }
            _ => {}
        }
        for body in bodies(e) {
            collect(body, node.as_deref().unwrap_or(from), owner, file, out);
        }
    }
}

/// The templates nested in an element: a block's body and `{{else}}`
/// part, a partial block's fallback, an inline partial's body.
fn bodies(e: &E) -> impl Iterator<Item = &Template> {
    let (a, b) = match e {
        E::HelperBlock(h) | E::Expression(h) | E::HtmlExpression(h) => {
            (h.template.as_ref(), h.inverse.as_ref())
        }
        E::DecoratorBlock(d)
        | E::DecoratorExpression(d)
        | E::PartialBlock(d)
        | E::PartialExpression(d) => (d.template.as_ref(), None),
        // Text and comments.
        _ => (None, None),
    };
    a.into_iter().chain(b)
}

/// The name a partial call names as written (handlebars reads a name, a
/// path and a literal as the text they are); `None` for a subexpression.
fn static_name(p: &Parameter) -> Option<String> {
    match p {
        Parameter::Name(n) => Some(n.clone()),
        Parameter::Path(Path::Relative((_, raw)) | Path::Local((_, _, raw))) => Some(raw.clone()),
        Parameter::Literal(Value::String(s)) => Some(s.clone()),
        Parameter::Literal(v) => Some(v.to_string()),
        // A subexpression (or anything newer): not known before rendering.
        _ => None,
    }
}

/// Blocks (`{{#if}}`, `{{#each}}`, partial blocks, inline partials) nested
/// deeper than this are refused: no document needs it, and handlebars
/// copies, renders and frees a template by recursion, so a template nested
/// thousands deep (which it parses) overflowed the stack and aborted.
pub(crate) const MAX_BLOCK_DEPTH: usize = 100;

/// The error for a template (`file` as shown) that nests blocks deeper than
/// [`MAX_BLOCK_DEPTH`], at the block that goes too deep; measured without
/// recursion, before anything copies or renders the template.
pub(crate) fn depth_error(t: &Template, file: &str) -> Option<Diagnostic> {
    let mut stack: Vec<(&Template, usize)> = vec![(t, 0)];
    while let Some((t, depth)) = stack.pop() {
        for (i, e) in t.elements.iter().enumerate() {
            for body in bodies(e) {
                if depth + 1 > MAX_BLOCK_DEPTH {
                    let d = Diagnostic::error(
                        file,
                        format!("blocks are nested more than {MAX_BLOCK_DEPTH} deep"),
                    )
                    .hint("close each {{#if}}, {{#each}} or {{#with}} before opening the next one");
                    return Some(at(d, t.mapping.get(i).map(|m| (m.0, m.1))));
                }
                stack.push((body, depth + 1));
            }
        }
    }
    None
}
