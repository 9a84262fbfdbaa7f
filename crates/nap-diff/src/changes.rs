//! The structured change list: computed on the plan models, matched by id.

use crate::tokens::{align, word_diff, Bag, Piece};
use nap_model::{Comment, Commitment, Date, Milestone, OgpValue, Plan, PolicyArea};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Everything that changed from one plan to the next, in plan order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeList {
    /// The plans' version labels (plan.json `version`).
    pub old_version: String,
    pub new_version: String,
    /// Every policy area's title by id (NEW's, else OLD's), to print the
    /// ids used below.
    pub area_titles: std::collections::BTreeMap<String, String>,
    pub counts: Counts,
    /// Plan metadata (title, version, period, round, …).
    pub plan: Vec<FieldChange>,
    /// Policy areas added, removed or changed (title, LFPs, situation analysis).
    pub policy_areas: Vec<AreaChange>,
    /// Commitments added, removed or changed, in NEW's order; a removed
    /// commitment follows the commitments of its old policy area.
    pub commitments: Vec<CommitmentChange>,
    /// Comments added, removed or changed, in NEW's order, removed ones last.
    pub comments: Vec<CommentChange>,
}

/// How many of each kind of change; what summaries print first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub plan_fields: usize,
    pub areas_added: usize,
    pub areas_removed: usize,
    pub areas_changed: usize,
    /// Situation-analysis paragraphs added, removed or reworded.
    pub analysis_paragraphs: usize,
    pub commitments_added: usize,
    pub commitments_removed: usize,
    /// Commitments present in both plans with any change (including moved and renamed ones).
    pub commitments_changed: usize,
    /// Moved to another policy area or lead institution, or reordered.
    pub commitments_moved: usize,
    pub commitments_renamed: usize,
    pub milestones_added: usize,
    pub milestones_removed: usize,
    pub milestones_changed: usize,
    pub comments_added: usize,
    pub comments_removed: usize,
    /// Comments present in both plans with any change.
    pub comments_changed: usize,
    pub dispositions_changed: usize,
    /// A response where there was none.
    pub responses_added: usize,
    /// A response reworded.
    pub responses_changed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// A field that changed. Dates are ISO ("2021-03"), institutions their
/// names, lists joined with "; ", OGP values their contract keys joined
/// with ", ". Absent values are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: Field,
    pub old: Option<String>,
    pub new: Option<String>,
    /// For texts present on both sides: the word-level diff.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Piece>,
}

/// The fields the change list compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Country,
    Title,
    Programme,
    Version,
    Round,
    PeriodStart,
    PeriodEnd,
    Date,
    Language,
    PocInstitution,
    PocContact,
    /// An institution of plan.json, by id: added, removed or renamed.
    Institution,
    Lfp,
    Lead,
    ResponsibleName,
    ResponsiblePosition,
    ResponsibleEmail,
    ResponsiblePhone,
    GovernmentActors,
    CivilSocietyActors,
    OtherActors,
    Start,
    End,
    Problem,
    Objective,
    Description,
    Ambition,
    OgpValues,
    Text,
    Deliverable,
    Comment,
    Disposition,
    Response,
    PolicyArea,
    Commitment,
    Channel,
    Stakeholder,
    Organisation,
    StakeholderType,
}

impl Field {
    /// English label for the terminal.
    pub fn label_en(self) -> &'static str {
        use Field::*;
        match self {
            Country => "country",
            Title => "title",
            Programme => "programme",
            Version => "version",
            Round => "round",
            PeriodStart => "period start",
            PeriodEnd => "period end",
            Date => "date",
            Language => "language",
            PocInstitution => "POC institution",
            PocContact => "POC contact",
            Institution => "institution",
            Lfp => "lead focal points",
            Lead => "lead institution",
            ResponsibleName => "responsible person",
            ResponsiblePosition => "responsible's position",
            ResponsibleEmail => "responsible's email",
            ResponsiblePhone => "responsible's phone",
            GovernmentActors => "other actors (government)",
            CivilSocietyActors => "other actors (civil society)",
            OtherActors => "other actors (other)",
            Start => "start",
            End => "end",
            Problem => "problem",
            Objective => "objective",
            Description => "description",
            Ambition => "ambition",
            OgpValues => "OGP values",
            Text => "text",
            Deliverable => "deliverable",
            Comment => "comment",
            Disposition => "disposition",
            Response => "response",
            PolicyArea => "policy area",
            Commitment => "commitment",
            Channel => "channel",
            Stakeholder => "stakeholder",
            Organisation => "organisation",
            StakeholderType => "stakeholder type",
        }
    }

    /// Albanian label for the change summary document.
    pub fn label_sq(self) -> &'static str {
        use Field::*;
        match self {
            Country => "Shteti",
            Title => "Titulli",
            Programme => "Programi",
            Version => "Versioni",
            Round => "Raundi i konsultimit",
            PeriodStart => "Fillimi i periudhës",
            PeriodEnd => "Fundi i periudhës",
            Date => "Data",
            Language => "Gjuha",
            PocInstitution => "Institucioni POC",
            PocContact => "Kontakti POC",
            Institution => "Institucioni",
            Lfp => "Pika Fokale Drejtuese",
            Lead => "Institucioni drejtues",
            ResponsibleName => "Personi përgjegjës",
            ResponsiblePosition => "Pozicioni",
            ResponsibleEmail => "Email",
            ResponsiblePhone => "Telefoni",
            GovernmentActors => "Aktorë të tjerë (qeveria)",
            CivilSocietyActors => "Aktorë të tjerë (shoqëria civile)",
            OtherActors => "Aktorë të tjerë (të tjerë)",
            Start => "Fillimi",
            End => "Përfundimi",
            Problem => "Problemi / situata aktuale",
            Objective => "Objektivi kryesor",
            Description => "Përshkrimi i angazhimit",
            Ambition => "Ambicia",
            OgpValues => "Vlerat e OGP",
            Text => "Veprimtaria",
            Deliverable => "Rezultati",
            Comment => "Komenti",
            Disposition => "Qëndrimi",
            Response => "Përgjigjja",
            PolicyArea => "Fusha e politikave",
            Commitment => "Angazhimi",
            Channel => "Kanali",
            Stakeholder => "Palë e interesit",
            Organisation => "Organizata",
            StakeholderType => "Lloji i palës",
        }
    }

    /// Whether the values are ISO dates (printed in Albanian in documents).
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Field::PeriodStart | Field::PeriodEnd | Field::Date | Field::Start | Field::End
        )
    }

    /// Whether the values are prose worth a word-level diff.
    pub fn is_prose(self) -> bool {
        matches!(
            self,
            Field::Title
                | Field::Problem
                | Field::Objective
                | Field::Description
                | Field::Ambition
                | Field::Text
                | Field::Deliverable
                | Field::Comment
                | Field::Response
        )
    }
}

/// An old → new pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair<T> {
    pub old: T,
    pub new: T,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaChange {
    pub id: String,
    pub change: Change,
    /// NEW's title (OLD's for a removed area).
    pub title: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Situation-analysis paragraphs added, removed or reworded (only for
    /// areas in both plans).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analysis: Vec<ParagraphChange>,
}

/// A paragraph (Markdown block) of a situation analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphChange {
    pub change: Change,
    /// 1-based paragraph number in NEW (in OLD for a removed paragraph).
    pub paragraph: usize,
    pub old: Option<String>,
    pub new: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentChange {
    pub id: String,
    pub change: Change,
    /// NEW's title (OLD's for a removed commitment).
    pub title: String,
    /// NEW's policy area id (OLD's for a removed commitment).
    pub area: String,
    /// Moved to another area, lead or LFP, or reordered (changed only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Moved>,
    /// Field by field, in template order (changed only; a title change is a rename).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<MilestoneChange>,
}

impl CommitmentChange {
    pub fn renamed(&self) -> bool {
        self.fields.iter().any(|f| f.field == Field::Title)
    }
}

/// Where a commitment went. Areas are ids, leads and LFPs institution names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Moved {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<Pair<String>>,
    /// The coordinating LFPs, when the move to another area changed them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lfp: Option<Pair<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<Pair<String>>,
    /// 1-based position in its policy area, when it moved relative to the
    /// others that stayed there (not merely shifted by additions, removals
    /// or moves to other areas).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Pair<usize>>,
}

impl Moved {
    fn is_empty(&self) -> bool {
        self == &Moved::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneChange {
    pub id: String,
    pub change: Change,
    /// NEW's text (OLD's for a removed milestone).
    pub text: String,
    pub start: String,
    pub end: String,
    /// 1-based position within the commitment, when reordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Pair<usize>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentChange {
    pub id: String,
    pub change: Change,
    /// Who the documents show as the author (never a non-consenting person).
    pub author: Option<String>,
    pub commitment: Option<String>,
    /// NEW's text (OLD's for a removed comment).
    pub text: String,
    /// NEW's disposition key (OLD's for a removed comment).
    pub disposition: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

impl ChangeList {
    pub fn is_empty(&self) -> bool {
        self.plan.is_empty()
            && self.policy_areas.is_empty()
            && self.commitments.is_empty()
            && self.comments.is_empty()
    }
}

/// Names of institutions by id, to print leads and LFPs.
struct Names<'a>(HashMap<&'a str, &'a str>);

impl<'a> Names<'a> {
    fn of(plan: &'a Plan) -> Names<'a> {
        Names(
            plan.institutions
                .iter()
                .map(|i| (i.id.as_str(), i.name.as_str()))
                .collect(),
        )
    }
    fn name(&self, id: &'a str) -> String {
        self.0.get(id).copied().unwrap_or(id).to_string()
    }
    fn names(&self, ids: &'a [String]) -> String {
        ids.iter()
            .map(|i| self.name(i))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn field(out: &mut Vec<FieldChange>, f: Field, old: Option<String>, new: Option<String>) {
    if old == new {
        return;
    }
    let words = match (&old, &new) {
        (Some(o), Some(n)) if f.is_prose() => word_diff(o, n),
        _ => Vec::new(),
    };
    out.push(FieldChange {
        field: f,
        old,
        new,
        words,
    });
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}
fn opt(v: &Option<String>) -> Option<String> {
    v.clone()
}
fn date(d: &Date) -> Option<String> {
    Some(d.iso())
}
fn nonempty(v: String) -> Option<String> {
    (!v.is_empty()).then_some(v)
}

/// Compares two plans. Linear in their size apart from the text diffs:
/// every match is by id through hash maps.
pub fn diff(old: &Plan, new: &Plan) -> ChangeList {
    let (on, nn) = (Names::of(old), Names::of(new));
    let mut list = ChangeList {
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        area_titles: old
            .policy_areas
            .iter()
            .chain(&new.policy_areas)
            .map(|a| (a.id.clone(), a.title.clone()))
            .collect(),
        counts: Counts::default(),
        plan: plan_fields(old, new, &on, &nn),
        policy_areas: areas(old, new, &on, &nn),
        commitments: commitments(old, new, &on, &nn),
        comments: comments(old, new),
    };
    list.counts = count(&list);
    list
}

fn plan_fields(old: &Plan, new: &Plan, on: &Names, nn: &Names) -> Vec<FieldChange> {
    let mut f = Vec::new();
    field(&mut f, Field::Country, s(&old.country), s(&new.country));
    field(&mut f, Field::Title, s(&old.title), s(&new.title));
    field(
        &mut f,
        Field::Programme,
        opt(&old.programme),
        opt(&new.programme),
    );
    field(&mut f, Field::Version, s(&old.version), s(&new.version));
    let round = |p: &Plan| {
        p.round.as_ref().map(|r| {
            p.rounds
                .iter()
                .find(|x| &x.id == r)
                .map_or(r.clone(), |x| x.title.clone())
        })
    };
    field(&mut f, Field::Round, round(old), round(new));
    field(
        &mut f,
        Field::PeriodStart,
        date(&old.period.start),
        date(&new.period.start),
    );
    field(
        &mut f,
        Field::PeriodEnd,
        date(&old.period.end),
        date(&new.period.end),
    );
    field(
        &mut f,
        Field::Date,
        old.date.as_ref().and_then(date),
        new.date.as_ref().and_then(date),
    );
    field(&mut f, Field::Language, s(&old.language), s(&new.language));
    let poc_inst = |p: &Plan, n: &Names| {
        p.poc
            .as_ref()
            .and_then(|x| x.institution.as_ref())
            .map(|i| p.institution(i).map_or(i.clone(), |_| n.name(i)))
    };
    field(
        &mut f,
        Field::PocInstitution,
        poc_inst(old, on),
        poc_inst(new, nn),
    );
    let poc_contact = |p: &Plan| p.poc.as_ref().and_then(|x| x.contact.clone());
    field(
        &mut f,
        Field::PocContact,
        poc_contact(old),
        poc_contact(new),
    );
    // Institutions by id, in NEW's order, removed ones last: a rename is
    // shown here once (leads and LFPs compare ids, so it moves nothing).
    let shown = |i: &nap_model::Institution| format!("{} ({})", i.name, i.id);
    for n in &new.institutions {
        let o = old.institutions.iter().find(|o| o.id == n.id);
        field(&mut f, Field::Institution, o.map(shown), Some(shown(n)));
    }
    for o in &old.institutions {
        if !new.institutions.iter().any(|n| n.id == o.id) {
            field(&mut f, Field::Institution, Some(shown(o)), None);
        }
    }
    f
}

/// Splits Markdown into paragraphs (blocks separated by blank lines).
fn paragraphs(md: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in md.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if blank {
            if let Some(s) = start.take() {
                out.push(md[s..end].trim_end());
            }
        } else {
            if start.is_none() {
                start = Some(pos);
            }
            end = pos + line.len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push(md[s..end].trim_end());
    }
    out
}

/// Paragraphs paired by equality first, then by similarity (at least half
/// their words shared); the rest are additions and removals.
fn analysis(old: &str, new: &str) -> Vec<ParagraphChange> {
    if old == new {
        return Vec::new();
    }
    let (op, np) = (paragraphs(old), paragraphs(new));
    let (ob, nb): (Vec<Bag>, Vec<Bag>) = (
        op.iter().map(|p| Bag::new(p)).collect(),
        np.iter().map(|p| Bag::new(p)).collect(),
    );
    let pairs = align(&op, &np, |i, j| {
        let s = ob[i].dice(&nb[j]);
        (s >= 0.5).then_some(s)
    });
    let mut out = Vec::new();
    let (mut oi, mut nj) = (0, 0);
    let removed = |i: usize| ParagraphChange {
        change: Change::Removed,
        paragraph: i + 1,
        old: s(op[i]),
        new: None,
        words: Vec::new(),
    };
    let added = |j: usize| ParagraphChange {
        change: Change::Added,
        paragraph: j + 1,
        old: None,
        new: s(np[j]),
        words: Vec::new(),
    };
    for (i, j) in pairs
        .into_iter()
        .chain(std::iter::once((op.len(), np.len())))
    {
        out.extend((oi..i).map(removed));
        out.extend((nj..j).map(added));
        if i < op.len() && j < np.len() && op[i] != np[j] {
            out.push(ParagraphChange {
                change: Change::Changed,
                paragraph: j + 1,
                old: s(op[i]),
                new: s(np[j]),
                words: word_diff(op[i], np[j]),
            });
        }
        (oi, nj) = (i + 1, j + 1);
    }
    out
}

fn areas(old: &Plan, new: &Plan, on: &Names, nn: &Names) -> Vec<AreaChange> {
    let old_by_id: HashMap<&str, &PolicyArea> = old
        .policy_areas
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let new_ids: HashSet<&str> = new.policy_areas.iter().map(|a| a.id.as_str()).collect();
    let mut out = Vec::new();
    for a in &new.policy_areas {
        match old_by_id.get(a.id.as_str()) {
            None => out.push(AreaChange {
                id: a.id.clone(),
                change: Change::Added,
                title: a.title.clone(),
                fields: Vec::new(),
                analysis: Vec::new(),
            }),
            Some(o) => {
                let mut fields = Vec::new();
                field(&mut fields, Field::Title, s(&o.title), s(&a.title));
                // By id: a renamed institution is listed once, in the plan.
                if o.lfp != a.lfp {
                    field(
                        &mut fields,
                        Field::Lfp,
                        nonempty(on.names(&o.lfp)),
                        nonempty(nn.names(&a.lfp)),
                    );
                }
                let analysis = analysis(&o.analysis, &a.analysis);
                if !fields.is_empty() || !analysis.is_empty() {
                    out.push(AreaChange {
                        id: a.id.clone(),
                        change: Change::Changed,
                        title: a.title.clone(),
                        fields,
                        analysis,
                    });
                }
            }
        }
    }
    for a in old
        .policy_areas
        .iter()
        .filter(|a| !new_ids.contains(a.id.as_str()))
    {
        out.push(AreaChange {
            id: a.id.clone(),
            change: Change::Removed,
            title: a.title.clone(),
            fields: Vec::new(),
            analysis: Vec::new(),
        });
    }
    out
}

fn commitment_fields(o: &Commitment, n: &Commitment, on: &Names, nn: &Names) -> Vec<FieldChange> {
    let mut f = Vec::new();
    field(&mut f, Field::Title, s(&o.title), s(&n.title));
    let resp = |c: &Commitment, get: fn(&nap_model::Responsible) -> &Option<String>| {
        c.responsible.as_ref().and_then(|r| get(r).clone())
    };
    field(
        &mut f,
        Field::ResponsibleName,
        resp(o, |r| &r.name),
        resp(n, |r| &r.name),
    );
    field(
        &mut f,
        Field::ResponsiblePosition,
        resp(o, |r| &r.position),
        resp(n, |r| &r.position),
    );
    field(
        &mut f,
        Field::ResponsibleEmail,
        resp(o, |r| &r.email),
        resp(n, |r| &r.email),
    );
    field(
        &mut f,
        Field::ResponsiblePhone,
        resp(o, |r| &r.phone),
        resp(n, |r| &r.phone),
    );
    let actors = |v: &[nap_model::Actor], names: &Names| {
        nonempty(
            v.iter()
                .map(|a| {
                    a.institution.as_deref().map_or(a.name.clone(), |i| {
                        names.0.get(i).map_or(a.name.clone(), |n| n.to_string())
                    })
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    field(
        &mut f,
        Field::GovernmentActors,
        actors(&o.other_actors.government, on),
        actors(&n.other_actors.government, nn),
    );
    field(
        &mut f,
        Field::CivilSocietyActors,
        actors(&o.other_actors.civil_society, on),
        actors(&n.other_actors.civil_society, nn),
    );
    field(
        &mut f,
        Field::OtherActors,
        actors(&o.other_actors.other, on),
        actors(&n.other_actors.other, nn),
    );
    field(&mut f, Field::Start, date(&o.start), date(&n.start));
    field(&mut f, Field::End, date(&o.end), date(&n.end));
    field(&mut f, Field::Problem, s(&o.problem), s(&n.problem));
    field(&mut f, Field::Objective, s(&o.objective), s(&n.objective));
    field(
        &mut f,
        Field::Description,
        s(&o.description),
        s(&n.description),
    );
    field(&mut f, Field::Ambition, opt(&o.ambition), opt(&n.ambition));
    let values = |v: &[OgpValue]| {
        // Compared as a set, printed in the canonical order.
        nonempty(
            OgpValue::ALL
                .iter()
                .filter(|x| v.contains(x))
                .map(|x| x.key())
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    field(
        &mut f,
        Field::OgpValues,
        values(&o.ogp_values),
        values(&n.ogp_values),
    );
    f
}

fn milestone_change(m: &Milestone, change: Change) -> MilestoneChange {
    MilestoneChange {
        id: m.id.clone(),
        change,
        text: m.text.clone(),
        start: m.start.iso(),
        end: m.end.iso(),
        position: None,
        fields: Vec::new(),
    }
}

/// Positions (old, new) of the items common to both id sequences that are
/// out of order: not on the longest run kept in order.
fn reordered<'a>(old_ids: &[&'a str], new_ids: &[&'a str]) -> HashMap<&'a str, Pair<usize>> {
    let new_set: HashSet<&str> = new_ids.iter().copied().collect();
    let old_set: HashSet<&str> = old_ids.iter().copied().collect();
    let old_common: Vec<&str> = old_ids
        .iter()
        .copied()
        .filter(|i| new_set.contains(i))
        .collect();
    let new_common: Vec<&str> = new_ids
        .iter()
        .copied()
        .filter(|i| old_set.contains(i))
        .collect();
    let in_order: HashSet<&str> = align(&old_common, &new_common, |_, _| None)
        .into_iter()
        .map(|(i, _)| old_common[i])
        .collect();
    let old_pos: HashMap<&str, usize> = old_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i + 1))
        .collect();
    new_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| old_set.contains(*id) && !in_order.contains(*id))
        .map(|(j, id)| {
            (
                *id,
                Pair {
                    old: old_pos[id],
                    new: j + 1,
                },
            )
        })
        .collect()
}

fn milestones(o: &Commitment, n: &Commitment) -> Vec<MilestoneChange> {
    let old_by_id: HashMap<&str, &Milestone> =
        o.milestones.iter().map(|m| (m.id.as_str(), m)).collect();
    let new_ids: Vec<&str> = n.milestones.iter().map(|m| m.id.as_str()).collect();
    let old_ids: Vec<&str> = o.milestones.iter().map(|m| m.id.as_str()).collect();
    let new_set: HashSet<&str> = new_ids.iter().copied().collect();
    let moved = reordered(&old_ids, &new_ids);
    let mut out = Vec::new();
    for m in &n.milestones {
        let Some(om) = old_by_id.get(m.id.as_str()) else {
            out.push(milestone_change(m, Change::Added));
            continue;
        };
        let mut f = Vec::new();
        field(&mut f, Field::Text, s(&om.text), s(&m.text));
        field(&mut f, Field::Start, date(&om.start), date(&m.start));
        field(&mut f, Field::End, date(&om.end), date(&m.end));
        field(
            &mut f,
            Field::Deliverable,
            opt(&om.deliverable),
            opt(&m.deliverable),
        );
        let position = moved.get(m.id.as_str()).cloned();
        if !f.is_empty() || position.is_some() {
            let mut c = milestone_change(m, Change::Changed);
            c.fields = f;
            c.position = position;
            out.push(c);
        }
    }
    out.extend(
        o.milestones
            .iter()
            .filter(|m| !new_set.contains(m.id.as_str()))
            .map(|m| milestone_change(m, Change::Removed)),
    );
    out
}

fn commitments(old: &Plan, new: &Plan, on: &Names, nn: &Names) -> Vec<CommitmentChange> {
    let old_by_id: HashMap<&str, (&PolicyArea, &Commitment)> = old
        .commitments()
        .map(|(a, c)| (c.id.as_str(), (a, c)))
        .collect();
    let new_set: HashSet<&str> = new.commitments().map(|(_, c)| c.id.as_str()).collect();
    // Order is compared within each area, among the commitments that stayed
    // in it: one moving to another area does not make its neighbours "moved".
    let mut positions: HashMap<&str, Pair<usize>> = HashMap::new();
    for area in &new.policy_areas {
        let stayed = |c: &&Commitment| {
            old_by_id
                .get(c.id.as_str())
                .is_some_and(|(oa, _)| oa.id == area.id)
        };
        let new_ids: Vec<&str> = area
            .commitments
            .iter()
            .filter(stayed)
            .map(|c| c.id.as_str())
            .collect();
        let kept: HashSet<&str> = new_ids.iter().copied().collect();
        if let Some(oa) = old.policy_areas.iter().find(|a| a.id == area.id) {
            let old_ids: Vec<&str> = oa
                .commitments
                .iter()
                .map(|c| c.id.as_str())
                .filter(|id| kept.contains(id))
                .collect();
            let old_pos: HashMap<&str, usize> = oa
                .commitments
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i + 1))
                .collect();
            let new_pos: HashMap<&str, usize> = area
                .commitments
                .iter()
                .enumerate()
                .map(|(j, c)| (c.id.as_str(), j + 1))
                .collect();
            for id in reordered(&old_ids, &new_ids).into_keys() {
                positions.insert(
                    id,
                    Pair {
                        old: old_pos[id],
                        new: new_pos[id],
                    },
                );
            }
        }
    }

    let removed = |a: &PolicyArea, c: &Commitment| CommitmentChange {
        id: c.id.clone(),
        change: Change::Removed,
        title: c.title.clone(),
        area: a.id.clone(),
        moved: None,
        fields: Vec::new(),
        milestones: Vec::new(),
    };
    let mut out = Vec::new();
    let new_area_ids: HashSet<&str> = new.policy_areas.iter().map(|a| a.id.as_str()).collect();
    for area in &new.policy_areas {
        for c in &area.commitments {
            let Some((oa, oc)) = old_by_id.get(c.id.as_str()) else {
                out.push(CommitmentChange {
                    id: c.id.clone(),
                    change: Change::Added,
                    title: c.title.clone(),
                    area: area.id.clone(),
                    moved: None,
                    fields: Vec::new(),
                    milestones: Vec::new(),
                });
                continue;
            };
            let mut moved = Moved::default();
            if oa.id != area.id {
                moved.area = Some(Pair {
                    old: oa.id.clone(),
                    new: area.id.clone(),
                });
                // By id: an institution renamed between the versions has
                // not become another one.
                if oa.lfp != area.lfp {
                    let (ol, nl) = (on.names(&oa.lfp), nn.names(&area.lfp));
                    moved.lfp = Some(Pair { old: ol, new: nl });
                }
            } else {
                moved.position = positions.get(c.id.as_str()).cloned();
            }
            if oc.lead != c.lead {
                let (ol, nl) = (on.name(&oc.lead), nn.name(&c.lead));
                moved.lead = Some(Pair { old: ol, new: nl });
            }
            let fields = commitment_fields(oc, c, on, nn);
            let ms = milestones(oc, c);
            if !moved.is_empty() || !fields.is_empty() || !ms.is_empty() {
                out.push(CommitmentChange {
                    id: c.id.clone(),
                    change: Change::Changed,
                    title: c.title.clone(),
                    area: area.id.clone(),
                    moved: (!moved.is_empty()).then_some(moved),
                    fields,
                    milestones: ms,
                });
            }
        }
        // Removed commitments follow what remains of their old area.
        if let Some(oa) = old.policy_areas.iter().find(|a| a.id == area.id) {
            out.extend(
                oa.commitments
                    .iter()
                    .filter(|c| !new_set.contains(c.id.as_str()))
                    .map(|c| removed(oa, c)),
            );
        }
    }
    for oa in old
        .policy_areas
        .iter()
        .filter(|a| !new_area_ids.contains(a.id.as_str()))
    {
        out.extend(
            oa.commitments
                .iter()
                .filter(|c| !new_set.contains(c.id.as_str()))
                .map(|c| removed(oa, c)),
        );
    }
    out
}

fn comment_change(c: &Comment, change: Change) -> CommentChange {
    CommentChange {
        id: c.id.clone(),
        change,
        author: c.public_author().map(str::to_string),
        commitment: c.commitment.clone(),
        text: c.comment.clone(),
        disposition: c.disposition.key().to_string(),
        fields: Vec::new(),
    }
}

fn comments(old: &Plan, new: &Plan) -> Vec<CommentChange> {
    let old_by_id: HashMap<&str, &Comment> =
        old.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let new_set: HashSet<&str> = new.comments.iter().map(|c| c.id.as_str()).collect();
    let round = |p: &Plan, id: &str| {
        p.rounds
            .iter()
            .find(|r| r.id == id)
            .map_or(id.to_string(), |r| r.title.clone())
    };
    let mut out = Vec::new();
    for c in &new.comments {
        let Some(o) = old_by_id.get(c.id.as_str()) else {
            out.push(comment_change(c, Change::Added));
            continue;
        };
        let mut f = Vec::new();
        field(&mut f, Field::Date, date(&o.date), date(&c.date));
        field(
            &mut f,
            Field::Round,
            s(&round(old, &o.round)),
            s(&round(new, &c.round)),
        );
        field(&mut f, Field::Channel, opt(&o.channel), opt(&c.channel));
        // Only what the documents may show: a name without consent stays out.
        let shown = |x: &Comment| x.stakeholder.clone().filter(|_| x.consent);
        field(&mut f, Field::Stakeholder, shown(o), shown(c));
        field(
            &mut f,
            Field::Organisation,
            opt(&o.organisation),
            opt(&c.organisation),
        );
        field(
            &mut f,
            Field::StakeholderType,
            opt(&o.stakeholder_type),
            opt(&c.stakeholder_type),
        );
        // A comment on a commitment belongs to the commitment's area: when the
        // commitment moves, that is the commitment's change, not the comment's.
        if o.commitment.is_none() || o.commitment != c.commitment {
            field(
                &mut f,
                Field::PolicyArea,
                opt(&o.policy_area),
                opt(&c.policy_area),
            );
        }
        field(
            &mut f,
            Field::Commitment,
            opt(&o.commitment),
            opt(&c.commitment),
        );
        field(&mut f, Field::Comment, s(&o.comment), s(&c.comment));
        field(
            &mut f,
            Field::Disposition,
            s(o.disposition.key()),
            s(c.disposition.key()),
        );
        field(&mut f, Field::Response, opt(&o.response), opt(&c.response));
        if !f.is_empty() {
            let mut ch = comment_change(c, Change::Changed);
            ch.fields = f;
            out.push(ch);
        }
    }
    out.extend(
        old.comments
            .iter()
            .filter(|c| !new_set.contains(c.id.as_str()))
            .map(|c| comment_change(c, Change::Removed)),
    );
    out
}

fn count(l: &ChangeList) -> Counts {
    let mut k = Counts {
        plan_fields: l.plan.len(),
        ..Counts::default()
    };
    for a in &l.policy_areas {
        match a.change {
            Change::Added => k.areas_added += 1,
            Change::Removed => k.areas_removed += 1,
            Change::Changed => k.areas_changed += 1,
        }
        k.analysis_paragraphs += a.analysis.len();
    }
    for c in &l.commitments {
        match c.change {
            Change::Added => k.commitments_added += 1,
            Change::Removed => k.commitments_removed += 1,
            Change::Changed => {
                k.commitments_changed += 1;
                k.commitments_moved += usize::from(c.moved.is_some());
                k.commitments_renamed += usize::from(c.renamed());
            }
        }
        for m in &c.milestones {
            match m.change {
                Change::Added => k.milestones_added += 1,
                Change::Removed => k.milestones_removed += 1,
                Change::Changed => k.milestones_changed += 1,
            }
        }
    }
    for c in &l.comments {
        match c.change {
            Change::Added => k.comments_added += 1,
            Change::Removed => k.comments_removed += 1,
            Change::Changed => {
                k.comments_changed += 1;
                for f in &c.fields {
                    match (f.field, &f.old) {
                        (Field::Disposition, _) => k.dispositions_changed += 1,
                        (Field::Response, None) => k.responses_added += 1,
                        (Field::Response, Some(_)) if f.new.is_some() => k.responses_changed += 1,
                        _ => {}
                    }
                }
            }
        }
    }
    k
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use nap_model::*;

    pub(crate) fn institution(id: &str, name: &str) -> Institution {
        Institution {
            id: id.into(),
            name: name.into(),
            short: None,
            aliases: vec![],
            lfp: true,
        }
    }

    pub(crate) fn commitment(id: &str, title: &str, n_milestones: usize) -> Commitment {
        Commitment {
            id: id.into(),
            title: title.into(),
            lead: "md".into(),
            responsible: Some(Responsible {
                name: Some("Arta Hoxha".into()),
                position: Some("Drejtore".into()),
                email: None,
                phone: None,
            }),
            other_actors: OtherActors::default(),
            start: Date::month(2020, 9),
            end: Date::month(2022, 8),
            problem: format!("Problemi i angazhimit {id}: mungesa e transparencës."),
            objective: format!("Objektivi i {id} është rritja e llogaridhënies."),
            description: "Përshkrim i shkurtër.".into(),
            ambition: None,
            ogp_values: vec![OgpValue::AccessToInformation],
            milestones: (1..=n_milestones)
                .map(|k| Milestone {
                    id: format!("{id}.{k}"),
                    text: format!("Veprimtaria {k} e {id}"),
                    start: Date::month(2020, 10),
                    end: Date::month(2021, 6),
                    deliverable: None,
                })
                .collect(),
        }
    }

    pub(crate) fn comment(id: &str, commitment: Option<&str>) -> Comment {
        Comment {
            id: id.into(),
            date: Date::ymd(2020, 11, 5),
            round: "konsultimi-publik".into(),
            channel: Some("online".into()),
            stakeholder: Some("Besa Krasniqi".into()),
            consent: false,
            organisation: Some("Qendra Res Publica".into()),
            stakeholder_type: Some("OSHC".into()),
            policy_area: None,
            commitment: commitment.map(Into::into),
            comment: format!("Komenti {id} kërkon më shumë qartësi."),
            disposition: Disposition::Pending,
            response: None,
            source: None,
        }
    }

    /// A plan with `areas` areas of `per_area` commitments (3 milestones
    /// each) and `n_comments` comments.
    pub(crate) fn plan(areas: usize, per_area: usize, n_comments: usize) -> Plan {
        let policy_areas: Vec<PolicyArea> = (1..=areas)
            .map(|a| PolicyArea {
                id: format!("fusha-{a}"),
                title: format!("Fusha {a}"),
                lfp: vec![if a % 2 == 0 {
                    "mfe".into()
                } else {
                    "md".into()
                }],
                analysis: format!(
                    "Paragrafi i parë i fushës {a} përshkruan gjendjen.\n\n\
                     Paragrafi i dytë flet për sfidat kryesore të zbatimit.\n\n\
                     Paragrafi i tretë liston partnerët."
                ),
                commitments: (1..=per_area)
                    .map(|c| commitment(&format!("F{a}-{c:02}"), &format!("Angazhimi {a}.{c}"), 3))
                    .collect(),
            })
            .collect();
        let ids: Vec<String> = policy_areas
            .iter()
            .flat_map(|a| a.commitments.iter().map(|c| c.id.clone()))
            .collect();
        Plan {
            country: "Shqipëria".into(),
            title: "Plani Kombëtar i Veprimit për Shqipërinë 2020–2022".into(),
            programme: None,
            period: Period {
                start: Date::month(2020, 9),
                end: Date::month(2022, 8),
            },
            language: "sq".into(),
            version: "0.3".into(),
            round: None,
            rounds: vec![Round {
                id: "konsultimi-publik".into(),
                title: "Konsultimi publik".into(),
            }],
            date: None,
            poc: None,
            institutions: vec![
                institution("md", "Ministria e Drejtësisë"),
                institution("mfe", "Ministria e Financave dhe Ekonomisë"),
            ],
            policy_areas,
            comments: (1..=n_comments)
                .map(|k| {
                    comment(
                        &format!("K-{k}"),
                        ids.get(k % ids.len().max(1)).map(String::as_str),
                    )
                })
                .collect(),
            process: Process {
                title: "Procesi".into(),
                phases: vec![],
            },
            process_intro: String::new(),
        }
    }

    fn find<'a>(l: &'a ChangeList, id: &str) -> &'a CommitmentChange {
        l.commitments.iter().find(|c| c.id == id).expect(id)
    }

    #[test]
    fn identical_plans_have_no_changes() {
        let p = plan(2, 3, 10);
        let l = diff(&p, &p);
        assert!(l.is_empty());
        assert_eq!(l.counts, Counts::default());
    }

    #[test]
    fn added_removed_and_field_changes() {
        let old = plan(2, 3, 4);
        let mut new = old.clone();
        new.version = "0.4".into();
        new.policy_areas[0].commitments.remove(1); // F1-02 removed
        new.policy_areas[1]
            .commitments
            .push(commitment("F2-04", "Angazhim i ri", 2));
        let c = &mut new.policy_areas[0].commitments[0];
        c.objective = "Objektivi i F1-01 është forcimi i llogaridhënies.".into();
        c.end = Date::month(2022, 6);
        c.ogp_values.push(OgpValue::CivicParticipation);
        c.milestones[1].end = Date::month(2021, 9);
        c.milestones.remove(2);
        c.milestones.push(Milestone {
            id: "F1-01.9".into(),
            text: "Veprimtari e re".into(),
            start: Date::month(2021, 1),
            end: Date::month(2021, 3),
            deliverable: None,
        });

        let l = diff(&old, &new);
        assert_eq!(l.plan.len(), 1);
        assert_eq!(l.plan[0].field, Field::Version);
        let ids: Vec<(&str, Change)> = l
            .commitments
            .iter()
            .map(|c| (c.id.as_str(), c.change))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("F1-01", Change::Changed),
                ("F1-02", Change::Removed),
                ("F2-04", Change::Added)
            ]
        );
        let c = find(&l, "F1-01");
        let fields: Vec<Field> = c.fields.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec![Field::End, Field::Objective, Field::OgpValues]);
        let objective = &c.fields[1];
        assert!(objective
            .words
            .iter()
            .any(|p| p.kind == crate::PieceKind::Inserted && p.text == "forcimi i"));
        assert_eq!(c.fields[0].old.as_deref(), Some("2022-08"));
        assert_eq!(c.fields[0].new.as_deref(), Some("2022-06"));
        assert_eq!(
            c.fields[2].new.as_deref(),
            Some("access_to_information, civic_participation")
        );
        let ms: Vec<(&str, Change)> = c
            .milestones
            .iter()
            .map(|m| (m.id.as_str(), m.change))
            .collect();
        assert_eq!(
            ms,
            vec![
                ("F1-01.2", Change::Changed),
                ("F1-01.9", Change::Added),
                ("F1-01.3", Change::Removed)
            ]
        );
        assert_eq!(c.milestones[0].fields[0].field, Field::End);
        assert_eq!(c.milestones[0].fields[0].new.as_deref(), Some("2021-09"));
        assert!(c.moved.is_none());
        assert_eq!(l.counts.commitments_added, 1);
        assert_eq!(l.counts.commitments_removed, 1);
        assert_eq!(l.counts.commitments_changed, 1);
        assert_eq!(l.counts.milestones_changed, 1);
        assert_eq!(l.counts.milestones_added, 1);
        assert_eq!(l.counts.milestones_removed, 1);
        assert_eq!(l.counts.commitments_moved, 0);
    }

    #[test]
    fn moves_between_areas_and_leads_are_moves_not_add_remove() {
        let old = plan(2, 3, 0);
        let mut new = old.clone();
        let c = new.policy_areas[0].commitments.remove(2);
        new.policy_areas[1].commitments.insert(0, c);
        new.policy_areas[1].commitments[2].lead = "mfe".into();
        let l = diff(&old, &new);
        assert_eq!(l.commitments.len(), 2, "{:#?}", l.commitments);
        let m = find(&l, "F1-03").moved.as_ref().unwrap();
        assert_eq!(
            m.area,
            Some(Pair {
                old: "fusha-1".into(),
                new: "fusha-2".into()
            })
        );
        assert_eq!(
            m.lfp.as_ref().map(|p| p.new.as_str()),
            Some("Ministria e Financave dhe Ekonomisë")
        );
        assert!(m.position.is_none());
        let m = find(&l, "F2-02").moved.as_ref().unwrap();
        assert_eq!(m.lead.as_ref().unwrap().old, "Ministria e Drejtësisë");
        assert_eq!(l.counts.commitments_moved, 2);
        assert_eq!(l.counts.commitments_added + l.counts.commitments_removed, 0);
    }

    /// An institution renamed between two versions (same id) has not taken
    /// its commitments anywhere: no "moved: lead" for each of them.
    #[test]
    fn a_renamed_institution_moves_nothing() {
        let old = plan(2, 3, 0);
        let mut new = old.clone();
        for i in &mut new.institutions {
            i.name = format!("{} (emër i ri)", i.name);
        }
        let l = diff(&old, &new);
        assert_eq!(l.counts.commitments_moved, 0, "{:#?}", l.commitments);
        assert!(l.commitments.iter().all(|c| c.moved.is_none()));
        assert!(l.policy_areas.is_empty(), "{:#?}", l.policy_areas);
        // The rename itself is listed once per institution, with its id.
        let renamed: Vec<_> = l
            .plan
            .iter()
            .filter(|f| f.field == Field::Institution)
            .collect();
        assert_eq!(renamed.len(), old.institutions.len(), "{renamed:#?}");
        let first = &old.institutions[0];
        assert_eq!(
            renamed[0].old.as_deref(),
            Some(format!("{} ({})", first.name, first.id).as_str())
        );
        assert!(renamed[0].new.as_deref().unwrap().contains("(emër i ri)"));
    }

    #[test]
    fn reordering_reports_only_the_moved_commitment() {
        let old = plan(1, 5, 0);
        let mut new = old.clone();
        let c = new.policy_areas[0].commitments.remove(0);
        new.policy_areas[0].commitments.push(c);
        // An addition before everything shifts positions but moves nothing.
        new.policy_areas[0]
            .commitments
            .insert(0, commitment("F1-00", "I ri", 1));
        let l = diff(&old, &new);
        let changed: Vec<&str> = l
            .commitments
            .iter()
            .filter(|c| c.change == Change::Changed)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(changed, vec!["F1-01"]);
        assert_eq!(
            find(&l, "F1-01").moved.as_ref().unwrap().position,
            Some(Pair { old: 1, new: 6 })
        );
    }

    #[test]
    fn renamed_commitment_and_milestone_reorder() {
        let old = plan(1, 2, 0);
        let mut new = old.clone();
        new.policy_areas[0].commitments[1].title = "Angazhimi i riemërtuar".into();
        // The first milestone moves to the end: only it is reported.
        let m = new.policy_areas[0].commitments[0].milestones.remove(0);
        new.policy_areas[0].commitments[0].milestones.push(m);
        let l = diff(&old, &new);
        assert!(find(&l, "F1-02").renamed());
        assert_eq!(l.counts.commitments_renamed, 1);
        let ms = &find(&l, "F1-01").milestones;
        assert_eq!(ms.len(), 1, "{ms:#?}");
        assert_eq!(ms[0].id, "F1-01.1");
        assert_eq!(ms[0].position, Some(Pair { old: 1, new: 3 }));
        assert!(ms[0].fields.is_empty());
    }

    #[test]
    fn comment_changes() {
        let old = plan(1, 2, 5);
        let mut new = old.clone();
        new.comments[0].disposition = Disposition::Accepted;
        new.comments[0].response = Some("Pranohet, u shtua një objektiv.".into());
        new.comments[1].response = Some("Përgjigje".into());
        new.comments.remove(2);
        new.comments.push(comment("K-99", None));
        // K-5's commitment moved to another area: not a change of the comment.
        new.comments[3].policy_area = Some("fusha-2".into());
        let mut old2 = old.clone();
        old2.comments[4].policy_area = Some("fusha-1".into());
        old2.comments[3].response = Some("E vjetra".into());
        new.comments[2].response = Some("E reja".into()); // K-4
        let l = diff(&old2, &new);
        let ids: Vec<(&str, Change)> = l
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.change))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("K-1", Change::Changed),
                ("K-2", Change::Changed),
                ("K-4", Change::Changed),
                ("K-99", Change::Added),
                ("K-3", Change::Removed)
            ]
        );
        assert_eq!(l.counts.dispositions_changed, 1);
        assert_eq!(l.counts.responses_added, 2);
        assert_eq!(l.counts.responses_changed, 1);
        let d = &l.comments[0].fields[0];
        assert_eq!(
            (d.old.as_deref(), d.new.as_deref()),
            (Some("pending"), Some("accepted"))
        );
        // The non-consenting stakeholder is never named.
        assert_eq!(l.comments[3].author.as_deref(), Some("Qendra Res Publica"));
    }

    #[test]
    fn analysis_paragraphs_are_aligned_then_word_diffed() {
        let old = plan(1, 1, 0);
        let mut new = old.clone();
        new.policy_areas[0].analysis = "Paragrafi i parë i fushës 1 përshkruan gjendjen.\n\n\
             Një paragraf krejt i ri.\n\n\
             Paragrafi i dytë flet për sfidat kryesore të zbatimit në vitin 2021.\n"
            .into();
        let l = diff(&old, &new);
        let a = &l.policy_areas[0];
        let kinds: Vec<(Change, usize)> =
            a.analysis.iter().map(|p| (p.change, p.paragraph)).collect();
        assert_eq!(
            kinds,
            vec![
                (Change::Added, 2),
                (Change::Changed, 3),
                (Change::Removed, 3)
            ]
        );
        assert!(a.analysis[1]
            .words
            .iter()
            .any(|p| p.kind == crate::PieceKind::Inserted && p.text.contains("2021")));
        assert_eq!(l.counts.analysis_paragraphs, 3);
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n  \nc\n"), vec!["a\nb", "c"]);
        assert_eq!(paragraphs(""), Vec::<&str>::new());
    }

    #[test]
    fn large_plans_diff_quickly() {
        // 100 areas × 10 commitments × 3 milestones, 10,000 comments.
        let old = plan(100, 10, 10_000);
        let mut new = old.clone();
        for (k, c) in new.comments.iter_mut().enumerate() {
            if k % 3 == 0 {
                c.disposition = Disposition::Rejected;
            }
        }
        new.comments.reverse();
        for a in new.policy_areas.iter_mut() {
            a.commitments.reverse();
            for c in a.commitments.iter_mut() {
                c.objective.push_str(" Dhe më shumë.");
            }
        }
        let t = std::time::Instant::now();
        let l = diff(&old, &new);
        let took = t.elapsed();
        assert_eq!(l.counts.dispositions_changed, 3334);
        assert_eq!(l.counts.commitments_changed, 1000);
        assert!(took.as_secs_f64() < 1.0, "took {took:?}");
    }
}
