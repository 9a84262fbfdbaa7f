//! areas/<area-id>/commitments.json: the commitments of one policy area.

use crate::ctx::{Ctx, Obj};
use crate::json::{self, Kind, Pos};
use crate::plan::Registry;
use crate::text::key;
use nap_model::{
    Actor, Commitment, Date, Diagnostic, Milestone, OgpValue, OtherActors, Period, Responsible,
};
use std::collections::HashMap;

const COMMITMENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "lead",
    "responsible",
    "other_actors",
    "start",
    "end",
    "problem",
    "objective",
    "description",
    "ambition",
    "ogp_values",
    "milestones",
];
const MILESTONE_FIELDS: &[&str] = &["id", "text", "start", "end", "deliverable"];

/// Where each id was first seen, for duplicate reports across files.
#[derive(Default)]
pub struct Seen {
    pub commitments: HashMap<String, (String, usize)>,
    pub milestones: HashMap<String, (String, usize)>,
    /// Commitment id key → (id, policy area id), for every commitment with
    /// an id, complete or not, so comments do not repeat its other problems.
    pub refs: HashMap<String, (String, String)>,
    /// Whether some commitments.json could not be read at all (then a
    /// comment's unknown commitment may be one of its commitments).
    pub unreadable: bool,
}

/// What one commitments.json gave.
#[derive(Default)]
pub struct AreaCommitments {
    pub commitments: Vec<Commitment>,
    pub commitment_count: usize,
    pub milestone_count: usize,
}

pub fn read(
    cx: &mut Ctx,
    file: &str,
    area: &str,
    reg: &Registry,
    period: Option<&Period>,
    seen: &mut Seen,
) -> AreaCommitments {
    let mut out = AreaCommitments::default();
    let missing = Diagnostic::error(file, "the policy area has no commitments.json")
        .hint("add the area's commitments as a JSON list; see docs/inputs.md");
    let root = match cx.read_json(file, missing) {
        Ok(v) => v,
        Err(why) => {
            seen.unreadable |= why == crate::ctx::JsonFile::Unreadable;
            return out;
        }
    };
    let Kind::Arr(items) = &root.kind else {
        cx.error_at(
            file,
            root.pos,
            "",
            format!(
                "commitments.json should be a list of commitments ([ … ]), not {}",
                root.type_name()
            ),
        );
        seen.unreadable = true;
        return out;
    };
    for (i, v) in items.iter().enumerate() {
        out.commitment_count += 1;
        if let Some(c) = commitment(
            cx,
            file,
            area,
            &format!("[{i}]"),
            v,
            reg,
            period,
            seen,
            &mut out.milestone_count,
        ) {
            out.commitments.push(c);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn commitment(
    cx: &mut Ctx,
    f: &str,
    area: &str,
    path: &str,
    v: &json::Value,
    reg: &Registry,
    period: Option<&Period>,
    seen: &mut Seen,
    milestone_count: &mut usize,
) -> Option<Commitment> {
    let mut o = cx.obj(f, v, path, "a commitment")?;
    let id = cx.text(f, &mut o, "id", true);
    let mut unique = true;
    if let Some(id) = &id {
        let k = key(&id.s);
        if let Some((file, line)) = seen.commitments.get(&k) {
            let msg = format!(
                "the commitment id `{}` is used twice (first in {file}:{line})",
                id.s
            );
            cx.error_at(f, id.pos, &o.field("id"), msg).hint =
                Some("every commitment needs its own id across the whole plan".into());
            unique = false;
        } else {
            seen.commitments
                .insert(k.clone(), (f.to_string(), id.pos.line));
            seen.refs.insert(k, (id.s.clone(), area.to_string()));
        }
    }
    let title = cx.text(f, &mut o, "title", true);
    let lead = cx.text(f, &mut o, "lead", true).and_then(|t| {
        let field = o.field("lead");
        resolve_institution(cx, f, &field, &t.s, t.pos, reg)
    });
    let responsible = read_responsible(cx, f, &mut o);
    let other_actors = read_actors(cx, f, &mut o, reg);
    let start = cx.date(f, &mut o, "start", true);
    let end = cx.date(f, &mut o, "end", true);
    let problem = cx.text(f, &mut o, "problem", true);
    let objective = cx.text(f, &mut o, "objective", true);
    let description = cx.text(f, &mut o, "description", true);
    let ambition = cx.text(f, &mut o, "ambition", false);
    let ogp_values = read_ogp_values(cx, f, &mut o);
    if cx.final_rules {
        if responsible.as_ref().and_then(|r| r.name.as_ref()).is_none() {
            cx.error_at(
                f,
                o.pos,
                &o.field("responsible.name"),
                "the final plan needs the responsible person's name (`responsible.name`)",
            );
        }
        if ambition.is_none() {
            cx.error_at(
                f,
                o.pos,
                &o.field("ambition"),
                "the final plan needs `ambition`: how the commitment goes beyond current practice",
            );
        }
        if ogp_values.is_empty() {
            cx.error_at(
                f,
                o.pos,
                &o.field("ogp_values"),
                "the final plan needs at least one OGP value in `ogp_values`",
            )
            .hint = Some(format!("choose from {}", ogp_keys()));
        }
    }
    // The commitment's span, once both ends are valid and in order.
    let span = match (start, end) {
        (Some((s, sp)), Some((e, ep))) => {
            if e.last_day() < s.first_day() {
                cx.error_at(
                    f,
                    ep,
                    &o.field("end"),
                    format!("the commitment ends ({e}) before it starts ({s})"),
                );
                None
            } else {
                if let Some(p) = period {
                    if s.first_day() < p.start.first_day() {
                        cx.error_at(
                            f,
                            sp,
                            &o.field("start"),
                            format!(
                                "the commitment starts ({s}) before the plan period starts ({})",
                                p.start
                            ),
                        );
                    }
                    if e.last_day() > p.end.last_day() {
                        cx.error_at(
                            f,
                            ep,
                            &o.field("end"),
                            format!(
                                "the commitment ends ({e}) after the plan period ends ({})",
                                p.end
                            ),
                        );
                    }
                }
                Some((s, e))
            }
        }
        _ => None,
    };
    let mut milestones = Vec::new();
    let ms_field = o.field("milestones");
    if let Some(items) = cx.list(f, &mut o, "milestones", true) {
        if items.is_empty() {
            cx.error_at(
                f,
                o.pos,
                &ms_field,
                "the commitment has no milestone; it needs one at least",
            );
        }
        for (n, mv) in items.iter().enumerate() {
            *milestone_count += 1;
            let cid = id.as_ref().map(|t| t.s.as_str());
            if let Some(m) = milestone(
                cx,
                f,
                &format!("{ms_field}[{n}]"),
                mv,
                cid,
                unique,
                n + 1,
                span,
                seen,
            ) {
                milestones.push(m);
            }
        }
    }
    cx.finish(f, o, COMMITMENT_FIELDS);
    let (s, e) = span?;
    Some(Commitment {
        id: id?.s,
        title: title?.s,
        lead: lead?,
        responsible,
        other_actors,
        start: s,
        end: e,
        problem: problem?.s,
        objective: objective?.s,
        description: description?.s,
        ambition: ambition.map(|t| t.s),
        ogp_values,
        milestones,
    })
}

/// An institution id, name, short name or alias, resolved to its id.
pub fn resolve_institution(
    cx: &mut Ctx,
    f: &str,
    field: &str,
    s: &str,
    pos: Pos,
    reg: &Registry,
) -> Option<String> {
    if let Some(i) = reg.institution(s) {
        return Some(i.id.clone());
    }
    let hint = match reg.suggest_institution(s) {
        Some(x) => format!("did you mean `{x}`?"),
        None => "add the institution to `institutions` in plan.json, or use the id, name, short name or alias of one listed there".into(),
    };
    cx.error_at(f, pos, field, format!("unknown institution `{s}`"))
        .hint = Some(hint);
    None
}

fn read_responsible(cx: &mut Ctx, f: &str, o: &mut Obj<'_>) -> Option<Responsible> {
    let m = o.take("responsible")?;
    let mut r = cx.obj(f, &m.value, &o.field("responsible"), "`responsible`")?;
    let resp = Responsible {
        name: cx.text(f, &mut r, "name", false).map(|t| t.s),
        position: cx.text(f, &mut r, "position", false).map(|t| t.s),
        email: cx.text(f, &mut r, "email", false).map(|t| t.s),
        phone: cx.text(f, &mut r, "phone", false).map(|t| t.s),
    };
    cx.finish(f, r, &["name", "position", "email", "phone"]);
    Some(resp)
}

fn read_actors(cx: &mut Ctx, f: &str, o: &mut Obj<'_>, reg: &Registry) -> OtherActors {
    let mut out = OtherActors::default();
    let Some(m) = o.take("other_actors") else {
        return out;
    };
    let Some(mut r) = cx.obj(f, &m.value, &o.field("other_actors"), "`other_actors`") else {
        return out;
    };
    for (k, list) in [
        ("government", &mut out.government),
        ("civil_society", &mut out.civil_society),
        ("other", &mut out.other),
    ] {
        for t in cx.text_list(f, &mut r, k) {
            list.push(match reg.institution(&t.s) {
                Some(i) => Actor {
                    institution: Some(i.id.clone()),
                    name: i.name.clone(),
                },
                None => Actor {
                    institution: None,
                    name: t.s,
                },
            });
        }
    }
    cx.finish(f, r, &["government", "civil_society", "other"]);
    out
}

fn ogp_keys() -> String {
    OgpValue::ALL
        .iter()
        .map(|v| format!("`{}`", v.key()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_ogp_values(cx: &mut Ctx, f: &str, o: &mut Obj<'_>) -> Vec<OgpValue> {
    let field = o.field("ogp_values");
    let mut out = Vec::new();
    let Some(items) = cx.list(f, o, "ogp_values", false) else {
        return out;
    };
    for (i, v) in items.iter().enumerate() {
        let vf = format!("{field}[{i}]");
        let Some(t) = cx.text_value(f, v, &vf, true) else {
            continue;
        };
        let k = key(&t.s).replace([' ', '-'], "_");
        match OgpValue::ALL.iter().find(|x| x.key() == k) {
            Some(&x) if !out.contains(&x) => out.push(x),
            Some(_) => {}
            None => {
                cx.error_at(f, t.pos, &vf, format!("unknown OGP value `{}`", t.s))
                    .hint = Some(format!("the OGP values are {}", ogp_keys()));
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn milestone(
    cx: &mut Ctx,
    f: &str,
    path: &str,
    v: &json::Value,
    commitment_id: Option<&str>,
    unique_parent: bool,
    n: usize,
    span: Option<(Date, Date)>,
    seen: &mut Seen,
) -> Option<Milestone> {
    let mut o = cx.obj(f, v, path, "a milestone")?;
    let given = cx.text(f, &mut o, "id", false);
    let id = match (&given, commitment_id) {
        (Some(t), _) => Some(t.s.clone()),
        (None, Some(c)) => Some(format!("{c}.{n}")),
        (None, None) => None,
    };
    if let Some(id) = &id {
        let line = given.as_ref().map_or(o.pos.line, |t| t.pos.line);
        let k = key(id);
        // A default id under a repeated commitment id repeats by consequence.
        let report = unique_parent || given.is_some();
        if let Some((file, first)) = seen.milestones.get(&k).filter(|_| report) {
            let pos = given.as_ref().map_or(o.pos, |t| t.pos);
            cx.error_at(
                f,
                pos,
                &o.field("id"),
                format!("the milestone id `{id}` is used twice (first in {file}:{first})"),
            );
        } else {
            seen.milestones.insert(k, (f.to_string(), line));
        }
    }
    let text = cx.text(f, &mut o, "text", true);
    let start = cx.date(f, &mut o, "start", true);
    let end = cx.date(f, &mut o, "end", true);
    let deliverable = cx.text(f, &mut o, "deliverable", false);
    let field_end = o.field("end");
    let field_start = o.field("start");
    cx.finish(f, o, MILESTONE_FIELDS);
    let ((s, sp), (e, ep)) = (start?, end?);
    if e.last_day() < s.first_day() {
        cx.error_at(
            f,
            ep,
            &field_end,
            format!("the milestone ends ({e}) before it starts ({s})"),
        );
    } else if let Some((cs, ce)) = span {
        if s.first_day() < cs.first_day() {
            cx.error_at(
                f,
                sp,
                &field_start,
                format!("the milestone starts ({s}) before its commitment starts ({cs})"),
            );
        }
        if e.last_day() > ce.last_day() {
            cx.error_at(
                f,
                ep,
                &field_end,
                format!("the milestone ends ({e}) after its commitment ends ({ce})"),
            );
        }
    }
    Some(Milestone {
        id: id?,
        text: text?.s,
        start: s,
        end: e,
        deliverable: deliverable.map(|t| t.s),
    })
}
