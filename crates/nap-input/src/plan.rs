//! plan.json: the plan's metadata, its institutions, policy areas and rounds,
//! and the lookups every other file is resolved against.

use crate::ctx::{suggest, Ctx, Txt};
use crate::json::{Kind, Pos, Value};
use crate::text::key;
use nap_model::{Date, Diagnostic, Institution, Period, Poc, Round};
use std::collections::HashMap;

pub const FILE: &str = "plan.json";

const PLAN_FIELDS: &[&str] = &[
    "country",
    "title",
    "programme",
    "period",
    "language",
    "version",
    "round",
    "rounds",
    "date",
    "poc",
    "institutions",
    "policy_areas",
];

/// plan.json as read: every part that could be read, the rest `None`.
pub struct Head {
    pub country: Option<String>,
    pub title: Option<String>,
    pub programme: Option<String>,
    pub period: Option<Period>,
    pub language: String,
    pub version: String,
    /// The `round` text as written, resolved once the rounds are known.
    pub round: Option<Txt>,
    pub date: Option<Date>,
    pub poc: Option<Poc>,
    pub reg: Registry,
}

/// A policy area of plan.json.
pub struct AreaHead {
    pub id: String,
    pub title: String,
    pub lfp: Vec<String>,
    pub pos: Pos,
    pub field: String,
}

/// Institutions, areas and rounds with case-insensitive lookups.
#[derive(Default)]
pub struct Registry {
    pub institutions: Vec<Institution>,
    inst_by_id: HashMap<String, usize>,
    inst_by_name: HashMap<String, usize>,
    pub areas: Vec<AreaHead>,
    area_by_key: HashMap<String, usize>,
    pub rounds: Vec<Round>,
    round_by_key: HashMap<String, usize>,
    /// Whether plan.json listed the rounds (else they come from the comments).
    pub explicit_rounds: bool,
}

impl Registry {
    /// The institution an id, name, short name or alias names (any case).
    pub fn institution(&self, s: &str) -> Option<&Institution> {
        let k = key(s);
        self.inst_by_id
            .get(&k)
            .or_else(|| self.inst_by_name.get(&k))
            .map(|&i| &self.institutions[i])
    }

    /// The closest institution id or name to an unknown `s`.
    pub fn suggest_institution(&self, s: &str) -> Option<String> {
        let names = self
            .institutions
            .iter()
            .flat_map(|i| std::iter::once(i.id.as_str()).chain(std::iter::once(i.name.as_str())));
        suggest(s, names).map(str::to_string)
    }

    /// The policy area an id or title names (any case).
    pub fn area(&self, s: &str) -> Option<&AreaHead> {
        self.area_by_key.get(&key(s)).map(|&i| &self.areas[i])
    }

    pub fn suggest_area(&self, s: &str) -> Option<String> {
        suggest(s, self.areas.iter().map(|a| a.id.as_str())).map(str::to_string)
    }

    /// The round a label names: by id or title when plan.json lists rounds;
    /// otherwise labels differing only in case or space are one round, added
    /// the first time it is seen. `None` for a label unknown to the list.
    pub fn round(&mut self, label: &str) -> Option<&Round> {
        let k = key(label);
        if let Some(&i) = self.round_by_key.get(&k) {
            return Some(&self.rounds[i]);
        }
        if self.explicit_rounds {
            return None;
        }
        self.rounds.push(Round {
            id: k.clone(),
            title: label.to_string(),
        });
        self.round_by_key.insert(k, self.rounds.len() - 1);
        self.rounds.last()
    }

    pub fn round_titles(&self) -> String {
        self.rounds
            .iter()
            .map(|r| r.title.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads plan.json; `None` when it is missing or not JSON.
pub fn read(cx: &mut Ctx) -> Option<Head> {
    let missing = Diagnostic::error(FILE, "plan.json is missing")
        .hint("every input folder starts with plan.json; see docs/inputs.md for an example");
    let root = cx.read_json(FILE, missing).ok()?;
    let f = FILE;
    let mut o = cx.obj(f, &root, "", "plan.json")?;
    let country = cx.text(f, &mut o, "country", true).map(|t| t.s);
    let title = cx.text(f, &mut o, "title", true).map(|t| t.s);
    let programme = cx.text(f, &mut o, "programme", false).map(|t| t.s);
    let period = read_period(cx, &mut o);
    let language = match cx.text(f, &mut o, "language", false) {
        None => "sq".to_string(),
        Some(t) => {
            // The documents are written in Albanian; the contract knows no
            // other language, so another would be silently ignored.
            if !t.s.eq_ignore_ascii_case("sq") {
                cx.error_at(
                    f,
                    t.pos,
                    "language",
                    format!(
                        "the language `{}` is not supported: the documents are written in Albanian",
                        t.s
                    ),
                )
                .hint = Some("write \"sq\", or leave the field out".into());
            }
            "sq".to_string()
        }
    };
    let version = match cx.text(f, &mut o, "version", false) {
        None => "0.1".to_string(),
        Some(t) => {
            if let Some(why) = version_problem(&t.s) {
                cx.error_at(
                    f,
                    t.pos,
                    "version",
                    format!("the version `{}` cannot name the output folder: {why}", t.s),
                )
                .hint = Some("a label such as \"0.4\" or \"1.0-rc1\"".into());
            }
            t.s
        }
    };
    let round = cx.text(f, &mut o, "round", false);
    let date = cx.date(f, &mut o, "date", false).map(|(d, _)| d);
    let mut reg = Registry::default();
    read_rounds(cx, &mut o, &mut reg);
    read_institutions(cx, &mut o, &mut reg);
    let poc = read_poc(cx, &mut o, &reg);
    read_areas(cx, &mut o, &mut reg);
    cx.finish(f, o, PLAN_FIELDS);
    Some(Head {
        country,
        title,
        programme,
        period,
        language,
        version,
        round,
        date,
        poc,
        reg,
    })
}

/// The longest version label: it names the output folder.
const MAX_VERSION: usize = 64;

/// Why `v` cannot be a version label, if it cannot. The label names the
/// output folder (`<version>-draft`), and two different labels must never
/// name one folder, so only letters, digits, `.`, `-` and `_` are allowed
/// (nothing to replace, so no collision like `a/b` and `a_b`).
pub fn version_problem(v: &str) -> Option<String> {
    if v.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Some(format!(
            "`{}` is not allowed (only letters a–z, digits, `.`, `-` and `_`)",
            c.escape_debug()
        ));
    }
    if v.starts_with('.') {
        return Some("it may not start with `.` (a hidden folder)".into());
    }
    if v.chars().count() > MAX_VERSION {
        return Some(format!("it is longer than {MAX_VERSION} characters"));
    }
    None
}

fn read_period(cx: &mut Ctx, o: &mut crate::ctx::Obj<'_>) -> Option<Period> {
    let m = cx.required(FILE, o, "period")?;
    let mut p = cx.obj(FILE, &m.value, "period", "`period`")?;
    let start = cx.date(FILE, &mut p, "start", true);
    let end = cx.date(FILE, &mut p, "end", true);
    cx.finish(FILE, p, &["start", "end"]);
    let ((start, _), (end, end_pos)) = (start?, end?);
    if end.last_day() < start.first_day() {
        cx.error_at(
            FILE,
            end_pos,
            "period.end",
            format!("the period ends ({end}) before it starts ({start})"),
        );
        return None;
    }
    Some(Period { start, end })
}

fn read_rounds(cx: &mut Ctx, o: &mut crate::ctx::Obj<'_>, reg: &mut Registry) {
    let Some(items) = cx.list(FILE, o, "rounds", false) else {
        return;
    };
    reg.explicit_rounds = true;
    for (i, v) in items.iter().enumerate() {
        let path = format!("rounds[{i}]");
        let Some(mut r) = cx.obj(FILE, v, &path, "a round") else {
            continue;
        };
        let id = cx.text(FILE, &mut r, "id", true);
        let title = cx.text(FILE, &mut r, "title", true);
        cx.finish(FILE, r, &["id", "title"]);
        let (Some(id), Some(title)) = (id, title) else {
            continue;
        };
        let idx = reg.rounds.len();
        let mut clash = false;
        for k in [key(&id.s), key(&title.s)] {
            match reg.round_by_key.get(&k) {
                Some(&j) if j != idx => clash = true,
                _ => {
                    reg.round_by_key.insert(k, idx);
                }
            }
        }
        if clash {
            cx.error_at(
                FILE,
                id.pos,
                &format!("{path}.id"),
                format!(
                    "round `{}` repeats the id or title of an earlier round",
                    id.s
                ),
            );
        }
        reg.rounds.push(Round {
            id: id.s,
            title: title.s,
        });
    }
}

fn read_institutions(cx: &mut Ctx, o: &mut crate::ctx::Obj<'_>, reg: &mut Registry) {
    let Some(items) = cx.list(FILE, o, "institutions", true) else {
        return;
    };
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (i, v) in items.iter().enumerate() {
        let path = format!("institutions[{i}]");
        let Some(mut r) = cx.obj(FILE, v, &path, "an institution") else {
            continue;
        };
        let id = cx.text(FILE, &mut r, "id", true);
        let name = cx.text(FILE, &mut r, "name", true);
        let short = cx.text(FILE, &mut r, "short", false);
        let aliases = cx.text_list(FILE, &mut r, "aliases");
        let lfp = cx.bool(FILE, &mut r, "lfp").unwrap_or(false);
        cx.finish(FILE, r, &["id", "name", "short", "aliases", "lfp"]);
        let (Some(id), Some(name)) = (id, name) else {
            continue;
        };
        let k = key(&id.s);
        if let Some(line) = first_line.get(&k) {
            cx.error_at(
                FILE,
                id.pos,
                &format!("{path}.id"),
                format!(
                    "the institution id `{}` is used twice (first on line {line})",
                    id.s
                ),
            );
            continue;
        }
        first_line.insert(k.clone(), id.pos.line);
        let idx = reg.institutions.len();
        reg.inst_by_id.insert(k, idx);
        let names = std::iter::once(&name)
            .chain(short.iter())
            .chain(aliases.iter());
        for n in names {
            let nk = key(&n.s);
            match reg.inst_by_name.get(&nk) {
                Some(&j) if j != idx => {
                    let other = reg.institutions[j].id.clone();
                    cx.warning_at(
                        FILE,
                        n.pos,
                        &path,
                        format!(
                            "`{}` also names institution `{other}`; it is matched to `{other}`",
                            n.s
                        ),
                    );
                }
                _ => {
                    reg.inst_by_name.insert(nk, idx);
                }
            }
        }
        reg.institutions.push(Institution {
            id: id.s,
            name: name.s,
            short: short.map(|t| t.s),
            aliases: aliases.into_iter().map(|t| t.s).collect(),
            lfp,
        });
    }
}

fn read_poc(cx: &mut Ctx, o: &mut crate::ctx::Obj<'_>, reg: &Registry) -> Option<Poc> {
    let m = o.take("poc")?;
    let mut p = cx.obj(FILE, &m.value, "poc", "`poc`")?;
    let institution =
        cx.text(FILE, &mut p, "institution", false)
            .map(|t| match reg.institution(&t.s) {
                Some(i) => i.id.clone(),
                None => {
                    cx.warning_at(
                        FILE,
                        t.pos,
                        "poc.institution",
                        format!("`{}` is none of the institutions in `institutions`", t.s),
                    )
                    .hint = Some(
                        "write the id of the institution that serves as Point of Contact".into(),
                    );
                    t.s
                }
            });
    let contact = cx.text(FILE, &mut p, "contact", false).map(|t| t.s);
    cx.finish(FILE, p, &["institution", "contact"]);
    Some(Poc {
        institution,
        contact,
    })
}

fn read_areas(cx: &mut Ctx, o: &mut crate::ctx::Obj<'_>, reg: &mut Registry) {
    let Some(items) = cx.list(FILE, o, "policy_areas", true) else {
        return;
    };
    if items.is_empty() {
        cx.error_at(FILE, o.pos, "policy_areas", "the plan has no policy area");
    }
    for (i, v) in items.iter().enumerate() {
        let path = format!("policy_areas[{i}]");
        let Some(mut r) = cx.obj(FILE, v, &path, "a policy area") else {
            continue;
        };
        let id = cx.text(FILE, &mut r, "id", true);
        let title = cx.text(FILE, &mut r, "title", true);
        let lfp = r.take("lfp");
        let lfp_field = r.field("lfp");
        if lfp.is_none() {
            cx.required_missing(FILE, &r, "lfp");
        }
        cx.finish(FILE, r, &["id", "title", "lfp"]);
        let lfp_values: Vec<&Value> = match lfp.map(|m| &m.value) {
            None => Vec::new(),
            Some(
                v @ Value {
                    kind: Kind::Str(_), ..
                },
            ) => vec![v],
            Some(Value {
                kind: Kind::Arr(a),
                pos,
            }) => {
                if a.is_empty() {
                    cx.error_at(FILE, *pos, &lfp_field, "`lfp` names no institution");
                }
                a.iter().collect()
            }
            Some(v) => {
                cx.error_at(
                    FILE,
                    v.pos,
                    &lfp_field,
                    format!(
                        "`lfp` should be an institution id or a list of them, not {}",
                        v.type_name()
                    ),
                );
                Vec::new()
            }
        };
        let mut lfp_ids = Vec::new();
        for (j, v) in lfp_values.into_iter().enumerate() {
            let field = if matches!(lfp.map(|m| &m.value.kind), Some(Kind::Arr(_))) {
                format!("{lfp_field}[{j}]")
            } else {
                lfp_field.clone()
            };
            let Some(t) = cx.text_value(FILE, v, &field, true) else {
                continue;
            };
            match reg.institution(&t.s) {
                Some(inst) if inst.lfp => lfp_ids.push(inst.id.clone()),
                Some(inst) => {
                    let id = inst.id.clone();
                    cx.error_at(FILE, t.pos, &field, format!("`{}` is not a Lead Focal Point: institution `{id}` does not have `lfp: true`", t.s))
                        .hint = Some(format!("add \"lfp\": true to institution `{id}` or name another institution"));
                }
                None => {
                    let hint = reg.suggest_institution(&t.s);
                    let d = cx.error_at(
                        FILE,
                        t.pos,
                        &field,
                        format!("unknown institution `{}`", t.s),
                    );
                    d.hint = Some(match hint {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "every institution must be listed in `institutions`".into(),
                    });
                }
            }
        }
        let (Some(id), Some(title)) = (id, title) else {
            continue;
        };
        let k = key(&id.s);
        if let Some(&j) = reg.area_by_key.get(&k) {
            let line = reg.areas[j].pos.line;
            cx.error_at(
                FILE,
                id.pos,
                &format!("{path}.id"),
                format!(
                    "the policy area id `{}` is used twice (first on line {line})",
                    id.s
                ),
            );
            continue;
        }
        let idx = reg.areas.len();
        reg.area_by_key.insert(k, idx);
        reg.area_by_key.entry(key(&title.s)).or_insert(idx);
        reg.areas.push(AreaHead {
            id: id.s,
            title: title.s,
            lfp: lfp_ids,
            pos: id.pos,
            field: format!("{path}.id"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(plan: &str) -> (Head, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), plan).unwrap();
        let mut cx = Ctx::new(dir.path(), false);
        let h = read(&mut cx).expect("plan.json read");
        (h, cx.diags)
    }

    const PLAN: &str = r#"{
  "country": "Shqipëria", "title": "Plani", "period": {"start": "2020-09", "end": "2022-08"},
  "institutions": [
    {"id": "md", "name": "Ministria e Drejtësisë", "short": "MD", "aliases": ["Ministry of Justice", "MoJ"], "lfp": true},
    {"id": "qkb", "name": "Qendra  Kombëtare e Biznesit"}
  ],
  "policy_areas": [{"id": "drejtesia", "title": "Aksesi në drejtësi", "lfp": "moj"}]
}"#;

    /// A version label names the output folder: nothing in it may be
    /// replaced (`a/b` and `a_b` would share one folder), hidden or endless.
    #[test]
    fn version_labels_that_cannot_name_a_folder_are_errors() {
        for ok in ["0.1", "1.0", "1.0-rc1", "v2_final", "2020.11.15"] {
            assert_eq!(super::version_problem(ok), None, "{ok}");
        }
        for bad in [
            "a/b",
            "1.0:2",
            ".",
            "~",
            "ç 1.0",
            "",
            ".hidden",
            &"9".repeat(65),
        ] {
            assert!(super::version_problem(bad).is_some(), "{bad:?}");
        }
        let plan = PLAN.replacen('{', "{\n  \"version\": \"a/b\",", 1);
        let (_, diags) = head(&plan);
        let d = diags
            .iter()
            .find(|d| d.field.as_deref() == Some("version"))
            .unwrap_or_else(|| panic!("{diags:?}"));
        assert!(
            d.is_error() && d.message.contains("`/` is not allowed"),
            "{d:?}"
        );
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn language_other_than_albanian_and_an_unknown_poc_are_reported() {
        let plan = PLAN.replacen(
            '{',
            "{\n  \"language\": \"en\",\n  \"poc\": {\"institution\": \"askush\"},",
            1,
        );
        let (_, diags) = head(&plan);
        let lang = diags
            .iter()
            .find(|d| d.field.as_deref() == Some("language"));
        assert!(lang.is_some_and(|d| d.is_error()), "{diags:?}");
        let poc = diags
            .iter()
            .find(|d| d.field.as_deref() == Some("poc.institution"));
        assert!(
            poc.is_some_and(|d| !d.is_error() && d.line == Some(3)),
            "{diags:?}"
        );
    }

    #[test]
    fn institutions_resolve_by_id_name_short_or_alias_in_any_case() {
        let (h, diags) = head(PLAN);
        assert!(diags.is_empty(), "{diags:?}");
        for s in [
            "md",
            "MD",
            "Md",
            "ministria e drejtësisë",
            "MINISTRIA E DREJTËSISË",
            "ministry of justice",
            "moj",
            " MoJ ",
        ] {
            assert_eq!(
                h.reg.institution(s).map(|i| i.id.as_str()),
                Some("md"),
                "{s}"
            );
        }
        // Names are normalized before matching: the double space is folded.
        assert_eq!(
            h.reg
                .institution("Qendra Kombëtare e Biznesit")
                .map(|i| i.id.as_str()),
            Some("qkb")
        );
        assert!(h.reg.institution("Ministria e Drejtesise").is_none());
        assert_eq!(h.reg.areas[0].lfp, ["md"]);
    }

    #[test]
    fn areas_resolve_by_id_or_title_and_rounds_by_id_or_title() {
        let plan = PLAN.replace(
            "\"institutions\"",
            "\"rounds\": [{\"id\": \"kkshc\", \"title\": \"KKSHC\"}, {\"id\": \"konsultimi-publik\", \"title\": \"Konsultimi publik\"}],\n  \"institutions\"",
        );
        let (mut h, diags) = head(&plan);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            h.reg.area("AKSESI NË DREJTËSI").map(|a| a.id.as_str()),
            Some("drejtesia")
        );
        assert_eq!(
            h.reg.area("Drejtesia").map(|a| a.id.as_str()),
            Some("drejtesia")
        );
        assert_eq!(
            h.reg.round("konsultimi  PUBLIK").map(|r| r.id.as_str()),
            Some("konsultimi-publik")
        );
        assert_eq!(h.reg.round("Kkshc").map(|r| r.id.as_str()), Some("kkshc"));
        assert!(h.reg.round("Parakonsultimi").is_none());
        assert_eq!(h.reg.rounds.len(), 2, "a listed set of rounds never grows");
    }
}
