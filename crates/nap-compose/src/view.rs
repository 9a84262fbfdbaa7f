//! The data templates see: the plan plus what templates cannot compute
//! (Albanian dates and ranges, names of referenced institutions, comments
//! grouped by commitment, counts per round and disposition, the process
//! month by month). Every string passes through [`escape::defuse`] so no
//! value, however inserted, can create a directive.

use crate::escape;
use nap_model::{Comment, Date, Disposition, OgpValue, Plan};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Labels the code needs (`templates/data/labels.json`): the wording stays
/// editable, the keys are fixed.
#[derive(Debug, Clone)]
pub struct Labels {
    pub raw: Value,
    pub dispositions: BTreeMap<Disposition, String>,
    pub ogp_values: BTreeMap<OgpValue, String>,
    /// Shown as a comment's author when it has no public author.
    pub anonymous: String,
}

impl Labels {
    pub fn from_json(raw: Value) -> Result<Labels, String> {
        let get = |path: &[&str]| -> Result<String, String> {
            let mut v = &raw;
            for p in path {
                v = v
                    .get(p)
                    .ok_or_else(|| format!("missing `{}`", path.join(".")))?;
            }
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("`{}` must be a string", path.join(".")))
        };
        let mut dispositions = BTreeMap::new();
        for d in Disposition::ALL {
            dispositions.insert(d, get(&["dispositions", d.key()])?);
        }
        let mut ogp_values = BTreeMap::new();
        for v in OgpValue::ALL {
            ogp_values.insert(v, get(&["ogp_values", v.key()])?);
        }
        Ok(Labels {
            anonymous: get(&["anonymous"])?,
            dispositions,
            ogp_values,
            raw,
        })
    }
}

/// "qershor – korrik 2020", "nëntor 2020 – janar 2021", "qershor 2020".
pub fn range(start: &Date, end: &Date) -> String {
    if start == end {
        return start.sq();
    }
    if start.is_month_only() && end.is_month_only() && start.year() == end.year() {
        let m = nap_model::date::MONTHS_SQ[start.month_number() as usize - 1];
        return format!("{m} – {}", end.sq());
    }
    format!("{} – {}", start.sq(), end.sq())
}

#[derive(Serialize)]
struct InstRef {
    id: String,
    name: String,
    short: Option<String>,
}

#[derive(Serialize)]
struct Actors {
    government: Vec<String>,
    civil_society: Vec<String>,
    other: Vec<String>,
    any: bool,
}

#[derive(Serialize)]
struct ValueView {
    key: &'static str,
    label: String,
    checked: bool,
}

#[derive(Serialize)]
struct MilestoneView {
    number: usize,
    id: String,
    text: String,
    deliverable: Option<String>,
    start: String,
    end: String,
}

#[derive(Serialize)]
struct CommitmentView {
    id: String,
    anchor: String,
    title: String,
    area_id: String,
    area_title: String,
    period: String,
    start: String,
    end: String,
    lead: InstRef,
    responsible: Option<nap_model::Responsible>,
    actors: Actors,
    problem: String,
    objective: String,
    description: String,
    ambition: Option<String>,
    ogp_values: Vec<ValueView>,
    ogp_values_checked: Vec<String>,
    milestones: Vec<MilestoneView>,
    comment_count: usize,
}

#[derive(Serialize)]
struct AreaView {
    id: String,
    anchor: String,
    title: String,
    lfp: Vec<InstRef>,
    analysis: String,
    commitments: Vec<CommitmentView>,
    comment_count: usize,
}

#[derive(Serialize)]
struct CommentView {
    id: String,
    date: String,
    round: String,
    round_id: String,
    author: String,
    channel: Option<String>,
    comment: String,
    disposition: &'static str,
    disposition_label: String,
    response: Option<String>,
}

#[derive(Serialize)]
struct GroupView {
    /// "commitment", "area" or "general".
    kind: &'static str,
    id: Option<String>,
    anchor: Option<String>,
    title: Option<String>,
    area_title: Option<String>,
    comments: Vec<CommentView>,
}

#[derive(Serialize, Clone)]
struct Tally {
    id: Option<String>,
    title: String,
    total: usize,
    /// Counts in the order of `dispositions`.
    counts: Vec<usize>,
}

#[derive(Serialize)]
struct Stats {
    total: usize,
    rounds: Vec<Tally>,
    areas: Vec<Tally>,
    /// Comments that name no policy area (nor a commitment).
    general: Tally,
    totals: Tally,
}

#[derive(Serialize)]
struct ActivityView {
    title: String,
    text: String,
    count: Option<String>,
}

#[derive(Serialize)]
struct MonthView {
    month: String,
    activities: Vec<ActivityView>,
}

#[derive(Serialize)]
struct PhaseView {
    number: usize,
    id: String,
    anchor: String,
    title: String,
    range: String,
    months: Vec<MonthView>,
    activity_count: usize,
}

#[derive(Serialize)]
struct ProcessView {
    title: String,
    intro: String,
    range: Option<String>,
    phases: Vec<PhaseView>,
}

#[derive(Serialize)]
struct Abbreviation {
    short: String,
    name: String,
}

#[derive(Serialize)]
struct Named {
    key: &'static str,
    label: String,
}

#[derive(Serialize)]
struct Counts {
    areas: usize,
    commitments: usize,
    milestones: usize,
    comments: usize,
    phases: usize,
    activities: usize,
    rounds: usize,
    lfp: usize,
}

#[derive(Serialize)]
struct View<'a> {
    plan: &'a Plan,
    final_build: bool,
    draft: bool,
    version: &'a str,
    date: String,
    build_date: String,
    period: String,
    years: String,
    round: Option<String>,
    poc: Option<InstRef>,
    poc_contact: Option<String>,
    institutions: Vec<InstRef>,
    lfps: Vec<InstRef>,
    areas: Vec<AreaView>,
    counts: Counts,
    comment_groups: Vec<GroupView>,
    dispositions: Vec<Named>,
    stats: Stats,
    process: ProcessView,
    abbreviations: Vec<Abbreviation>,
    labels: &'a Value,
}

/// Institutions by id, looked up once per reference (not a scan each time).
struct Insts<'p>(BTreeMap<&'p str, &'p nap_model::Institution>);

impl<'p> Insts<'p> {
    fn new(plan: &'p Plan) -> Insts<'p> {
        let mut m = BTreeMap::new();
        for i in &plan.institutions {
            m.entry(i.id.as_str()).or_insert(i);
        }
        Insts(m)
    }
    fn get(&self, id: &str) -> InstRef {
        inst_ref(self.0.get(id).copied(), id)
    }
}

fn inst_ref(inst: Option<&nap_model::Institution>, id: &str) -> InstRef {
    match inst {
        Some(i) => InstRef {
            id: i.id.clone(),
            name: i.name.clone(),
            short: i.short.clone(),
        },
        None => InstRef {
            id: id.to_string(),
            name: id.to_string(),
            short: None,
        },
    }
}

pub fn anchor(prefix: &str, id: &str) -> String {
    format!("{prefix}-{}", crate::markdown::slug(id))
}

fn tally(id: Option<String>, title: String, comments: &[&Comment]) -> Tally {
    let mut counts = vec![0; Disposition::ALL.len()];
    for c in comments {
        let i = Disposition::ALL
            .iter()
            .position(|d| *d == c.disposition)
            .expect("ALL lists every disposition");
        counts[i] += 1;
    }
    Tally {
        id,
        title,
        total: comments.len(),
        counts,
    }
}

/// The view data as JSON, every string defused.
pub fn build(
    plan: &Plan,
    labels: &Labels,
    abbreviations: &BTreeMap<String, String>,
    final_build: bool,
    build_date: Date,
) -> Value {
    let insts = Insts::new(plan);
    let mut round_titles: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &plan.rounds {
        round_titles.entry(&r.id).or_insert(&r.title);
    }
    let round_title =
        |id: &str| -> String { round_titles.get(id).copied().unwrap_or(id).to_string() };
    let comment_view = |c: &Comment| CommentView {
        id: c.id.clone(),
        date: c.date.sq(),
        round: round_title(&c.round),
        round_id: c.round.clone(),
        author: c
            .public_author()
            .map(str::to_string)
            .unwrap_or_else(|| labels.anonymous.clone()),
        channel: c.channel.clone(),
        comment: c.comment.clone(),
        disposition: c.disposition.key(),
        disposition_label: labels.dispositions[&c.disposition].clone(),
        response: c.response.clone(),
    };

    // Group comments once with maps (never a scan per commitment).
    let mut area_of_commitment: BTreeMap<&str, &str> = BTreeMap::new();
    for (a, c) in plan.commitments() {
        area_of_commitment.insert(&c.id, &a.id);
    }
    let area_ids: std::collections::BTreeSet<&str> =
        plan.policy_areas.iter().map(|a| a.id.as_str()).collect();
    let mut by_commitment: BTreeMap<&str, Vec<&Comment>> = BTreeMap::new();
    let mut by_area_only: BTreeMap<&str, Vec<&Comment>> = BTreeMap::new();
    let mut by_area_all: BTreeMap<&str, Vec<&Comment>> = BTreeMap::new();
    let mut general = Vec::new();
    let mut unplaced = Vec::new();
    for c in &plan.comments {
        let commitment = c
            .commitment
            .as_deref()
            .filter(|id| area_of_commitment.contains_key(id));
        let area = c
            .policy_area
            .as_deref()
            .or_else(|| commitment.map(|id| area_of_commitment[id]))
            .filter(|a| area_ids.contains(a));
        match (commitment, area) {
            (Some(id), _) => by_commitment.entry(id).or_default().push(c),
            (None, Some(a)) => by_area_only.entry(a).or_default().push(c),
            (None, None) => general.push(c),
        }
        match area {
            Some(a) => by_area_all.entry(a).or_default().push(c),
            None => unplaced.push(c),
        }
    }

    let dates = |s: &Date, e: &Date| (range(s, e), s.sq(), e.sq());
    let mut areas = Vec::new();
    let mut groups = Vec::new();
    let mut milestones = 0;
    for a in &plan.policy_areas {
        let mut commitments = Vec::new();
        for c in &a.commitments {
            let (period, start, end) = dates(&c.start, &c.end);
            let names =
                |v: &[nap_model::Actor]| v.iter().map(|x| x.name.clone()).collect::<Vec<_>>();
            let actors = Actors {
                government: names(&c.other_actors.government),
                civil_society: names(&c.other_actors.civil_society),
                other: names(&c.other_actors.other),
                any: false,
            };
            let any = !(actors.government.is_empty()
                && actors.civil_society.is_empty()
                && actors.other.is_empty());
            milestones += c.milestones.len();
            let comments = by_commitment
                .get(c.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let anchor = anchor("angazhimi", &c.id);
            if !comments.is_empty() {
                groups.push(GroupView {
                    kind: "commitment",
                    id: Some(c.id.clone()),
                    anchor: Some(anchor.clone()),
                    title: Some(c.title.clone()),
                    area_title: Some(a.title.clone()),
                    comments: comments.iter().map(|c| comment_view(c)).collect(),
                });
            }
            commitments.push(CommitmentView {
                id: c.id.clone(),
                anchor,
                title: c.title.clone(),
                area_id: a.id.clone(),
                area_title: a.title.clone(),
                period,
                start,
                end,
                lead: insts.get(&c.lead),
                responsible: c.responsible.clone(),
                actors: Actors { any, ..actors },
                problem: c.problem.clone(),
                objective: c.objective.clone(),
                description: c.description.clone(),
                ambition: c.ambition.clone(),
                ogp_values: OgpValue::ALL
                    .iter()
                    .map(|v| ValueView {
                        key: v.key(),
                        label: labels.ogp_values[v].clone(),
                        checked: c.ogp_values.contains(v),
                    })
                    .collect(),
                ogp_values_checked: OgpValue::ALL
                    .iter()
                    .filter(|v| c.ogp_values.contains(v))
                    .map(|v| labels.ogp_values[v].clone())
                    .collect(),
                milestones: c
                    .milestones
                    .iter()
                    .enumerate()
                    .map(|(i, m)| MilestoneView {
                        number: i + 1,
                        id: m.id.clone(),
                        text: m.text.clone(),
                        deliverable: m.deliverable.clone(),
                        start: m.start.sq(),
                        end: m.end.sq(),
                    })
                    .collect(),
                comment_count: comments.len(),
            });
        }
        areas.push(AreaView {
            id: a.id.clone(),
            anchor: anchor("fusha", &a.id),
            title: a.title.clone(),
            lfp: a.lfp.iter().map(|id| insts.get(id)).collect(),
            analysis: a.analysis.clone(),
            comment_count: by_area_all.get(a.id.as_str()).map_or(0, Vec::len),
            commitments,
        });
    }
    for a in &plan.policy_areas {
        if let Some(comments) = by_area_only.get(a.id.as_str()) {
            groups.push(GroupView {
                kind: "area",
                id: Some(a.id.clone()),
                anchor: Some(anchor("fusha", &a.id)),
                title: Some(a.title.clone()),
                area_title: Some(a.title.clone()),
                comments: comments.iter().map(|c| comment_view(c)).collect(),
            });
        }
    }
    if !general.is_empty() {
        groups.push(GroupView {
            kind: "general",
            id: None,
            anchor: None,
            title: None,
            area_title: None,
            comments: general.iter().map(|c| comment_view(c)).collect(),
        });
    }

    // Counts per round (in the plan's round order, then any other round seen).
    let mut round_ids: Vec<String> = plan.rounds.iter().map(|r| r.id.clone()).collect();
    let mut by_round: BTreeMap<&str, Vec<&Comment>> = BTreeMap::new();
    for c in &plan.comments {
        if !by_round.contains_key(c.round.as_str()) && !round_titles.contains_key(c.round.as_str())
        {
            round_ids.push(c.round.clone());
        }
        by_round.entry(&c.round).or_default().push(c);
    }
    let all: Vec<&Comment> = plan.comments.iter().collect();
    let stats = Stats {
        total: plan.comments.len(),
        rounds: round_ids
            .iter()
            .map(|id| {
                let cs = by_round.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                tally(Some(id.clone()), round_title(id), cs)
            })
            .collect(),
        areas: plan
            .policy_areas
            .iter()
            .map(|a| {
                let cs = by_area_all
                    .get(a.id.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                tally(Some(a.id.clone()), a.title.clone(), cs)
            })
            .collect(),
        general: tally(None, String::new(), &unplaced),
        totals: tally(None, String::new(), &all),
    };

    let phases: Vec<PhaseView> = plan
        .process
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut months: BTreeMap<i32, (Date, Vec<ActivityView>)> = BTreeMap::new();
            for a in &p.activities {
                months
                    .entry(a.month.month_index())
                    .or_insert_with(|| {
                        (
                            Date::month(a.month.year(), a.month.month_number()),
                            Vec::new(),
                        )
                    })
                    .1
                    .push(ActivityView {
                        title: a.title.clone(),
                        text: a.text.clone(),
                        count: a.count.as_ref().map(|c| c.text.clone()),
                    });
            }
            PhaseView {
                number: i + 1,
                id: p.id.clone(),
                anchor: anchor("faza", &p.id),
                title: p.title.clone(),
                range: range(&p.start, &p.end),
                activity_count: p.activities.len(),
                months: months
                    .into_values()
                    .map(|(m, activities)| MonthView {
                        month: m.sq(),
                        activities,
                    })
                    .collect(),
            }
        })
        .collect();
    let process_range = {
        let start = plan
            .process
            .phases
            .iter()
            .map(|p| p.start)
            .min_by_key(|d| d.first_day());
        let end = plan
            .process
            .phases
            .iter()
            .map(|p| p.end)
            .max_by_key(|d| d.last_day());
        start.zip(end).map(|(s, e)| range(&s, &e))
    };

    // Abbreviations: the data file first (its wording is curated), then the
    // short names of the plan's institutions it lacks.
    let mut abbr: BTreeMap<String, String> = abbreviations.clone();
    for i in &plan.institutions {
        if let Some(s) = &i.short {
            abbr.entry(s.clone()).or_insert_with(|| i.name.clone());
        }
    }

    let poc = plan
        .poc
        .as_ref()
        .and_then(|p| p.institution.as_deref())
        .map(|id| insts.get(id));
    let view = View {
        plan,
        final_build,
        draft: !final_build,
        version: &plan.version,
        date: plan.date.unwrap_or(build_date).sq(),
        build_date: build_date.sq(),
        period: range(&plan.period.start, &plan.period.end),
        years: if plan.period.start.year() == plan.period.end.year() {
            plan.period.start.year().to_string()
        } else {
            format!("{}–{}", plan.period.start.year(), plan.period.end.year())
        },
        round: plan.round.as_deref().map(round_title),
        poc,
        poc_contact: plan.poc.as_ref().and_then(|p| p.contact.clone()),
        institutions: plan
            .institutions
            .iter()
            .map(|i| inst_ref(Some(i), &i.id))
            .collect(),
        lfps: plan
            .institutions
            .iter()
            .filter(|i| i.lfp)
            .map(|i| inst_ref(Some(i), &i.id))
            .collect(),
        counts: Counts {
            areas: plan.policy_areas.len(),
            commitments: plan.commitments().count(),
            milestones,
            comments: plan.comments.len(),
            phases: plan.process.phases.len(),
            activities: plan.process.phases.iter().map(|p| p.activities.len()).sum(),
            rounds: stats.rounds.len(),
            lfp: plan.institutions.iter().filter(|i| i.lfp).count(),
        },
        areas,
        comment_groups: groups,
        dispositions: Disposition::ALL
            .iter()
            .map(|d| Named {
                key: d.key(),
                label: labels.dispositions[d].clone(),
            })
            .collect(),
        stats,
        process: ProcessView {
            title: plan.process.title.clone(),
            intro: plan.process_intro.clone(),
            range: process_range,
            phases,
        },
        abbreviations: abbr
            .into_iter()
            .map(|(short, name)| Abbreviation { short, name })
            .collect(),
        labels: &labels.raw,
    };
    let mut value = serde_json::to_value(&view).expect("view data serializes");
    defuse_all(&mut value);
    value
}

/// Defuses every string of the view, iteratively (the view's depth is fixed
/// by its types, but keep it cheap and obviously bounded).
pub(crate) fn defuse_all(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.contains(":::") || s.contains(escape::MARK) => {
                *s = escape::defuse(s);
            }
            Value::Array(a) => stack.extend(a.iter_mut()),
            Value::Object(o) => stack.extend(o.values_mut()),
            _ => {}
        }
    }
}
