//! process/process.json: the record of the co-creation process.

use crate::ctx::Ctx;
use crate::json::{self, Kind};
use crate::text::{key, normalize};
use nap_model::{Activity, Count, Date, Diagnostic, Phase, Process};
use std::collections::HashMap;

pub const FILE: &str = "process/process.json";

pub fn read(cx: &mut Ctx) -> Option<Process> {
    let f = FILE;
    let missing = Diagnostic::error(FILE, "process/process.json is missing").hint(
        "it records the phases and activities of the co-creation process; see docs/inputs.md",
    );
    let root = cx.read_json(FILE, missing).ok()?;
    let mut o = cx.obj(f, &root, "", "process.json")?;
    let title = cx.text(f, &mut o, "title", true);
    let mut phases = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    if let Some(items) = cx.list(f, &mut o, "phases", true) {
        for (i, v) in items.iter().enumerate() {
            let path = format!("phases[{i}]");
            let Some(mut p) = cx.obj(f, v, &path, "a phase") else {
                continue;
            };
            let id = cx.text(f, &mut p, "id", true);
            if let Some(id) = &id {
                if let Some(line) = ids.get(&key(&id.s)) {
                    cx.error_at(
                        f,
                        id.pos,
                        &p.field("id"),
                        format!(
                            "the phase id `{}` is used twice (first on line {line})",
                            id.s
                        ),
                    );
                } else {
                    ids.insert(key(&id.s), id.pos.line);
                }
            }
            let ptitle = cx.text(f, &mut p, "title", true);
            let start = cx.date(f, &mut p, "start", true);
            let end = cx.date(f, &mut p, "end", true);
            let mut span = None;
            if let (Some((s, _)), Some((e, ep))) = (start, end) {
                if e.last_day() < s.first_day() {
                    cx.error_at(
                        f,
                        ep,
                        &p.field("end"),
                        format!("the phase ends ({e}) before it starts ({s})"),
                    );
                } else {
                    span = Some((s, e));
                }
            }
            let afield = p.field("activities");
            let mut activities = Vec::new();
            if let Some(acts) = cx.list(f, &mut p, "activities", true) {
                for (j, av) in acts.iter().enumerate() {
                    if let Some(a) = activity(cx, &format!("{afield}[{j}]"), av, span) {
                        activities.push(a);
                    }
                }
            }
            cx.finish(f, p, &["id", "title", "start", "end", "activities"]);
            if let (Some(id), Some(t), Some((s, e))) = (id, ptitle, span) {
                phases.push(Phase {
                    id: id.s,
                    title: t.s,
                    start: s,
                    end: e,
                    activities,
                });
            }
        }
    }
    cx.finish(f, o, &["title", "phases"]);
    Some(Process {
        title: title?.s,
        phases,
    })
}

fn activity(
    cx: &mut Ctx,
    path: &str,
    v: &json::Value,
    phase: Option<(Date, Date)>,
) -> Option<Activity> {
    let f = FILE;
    let mut o = cx.obj(f, v, path, "an activity")?;
    let month = cx.date(f, &mut o, "month", true);
    let title = cx.text(f, &mut o, "title", true);
    let text = cx.text(f, &mut o, "text", false);
    let count_field = o.field("count");
    let count = o.take("count").and_then(|m| match &m.value.kind {
        Kind::Num(n) => match n.parse::<u64>() {
            Ok(x) => Some(Count {
                text: n.clone(),
                value: Some(x as f64),
            }),
            Err(_) => {
                cx.error_at(
                    f,
                    m.value.pos,
                    &count_field,
                    format!("`count` {n} is not a whole number"),
                )
                .hint = Some("write a whole number, a text such as \">150\", or null".into());
                None
            }
        },
        Kind::Str(s) => {
            let s = normalize(s);
            match count_value(&s) {
                Some(x) => Some(Count {
                    text: s,
                    value: Some(x),
                }),
                None => {
                    cx.error_at(
                        f,
                        m.value.pos,
                        &count_field,
                        format!("`count` \"{s}\" holds no number"),
                    )
                    .hint = Some("write a whole number, a text such as \">150\", or null".into());
                    None
                }
            }
        }
        _ => {
            cx.error_at(
                f,
                m.value.pos,
                &count_field,
                format!(
                    "`count` should be a whole number, a text such as \">150\", or null, not {}",
                    m.value.type_name()
                ),
            );
            None
        }
    });
    let month_field = o.field("month");
    cx.finish(f, o, &["month", "title", "text", "count"]);
    let (month, mpos) = month?;
    if let Some((s, e)) = phase {
        if !Date::span_within(&month, &month, &s, &e) {
            cx.error_at(
                f,
                mpos,
                &month_field,
                format!("the activity's month ({month}) is outside its phase ({s} – {e})"),
            );
        }
    }
    Some(Activity {
        month,
        title: title?.s,
        text: text.map_or_else(String::new, |t| t.s),
        count,
    })
}

/// The number a count text such as ">150", "150+", "mbi 1 200" stands for:
/// its first run of digits, thousands separators (space, non-breaking
/// space, dot) allowed inside it.
pub fn count_value(s: &str) -> Option<f64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let mut digits = String::new();
    let mut chars = s[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.')
            && chars.peek().is_some_and(|n| n.is_ascii_digit())
        {
            continue;
        } else {
            break;
        }
    }
    digits.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_texts_give_their_number() {
        assert_eq!(count_value(">150"), Some(150.0));
        assert_eq!(count_value("150+"), Some(150.0));
        assert_eq!(count_value("mbi 1\u{a0}200 qytetarë"), Some(1200.0));
        assert_eq!(count_value("shumë"), None);
    }
}
