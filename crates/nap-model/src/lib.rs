//! The normalized plan model: what every stage after reading sees.
//!
//! `nap-input` turns an input folder into a [`Plan`] (plus [`Diagnostic`]s);
//! `nap-compose` turns a [`Plan`] into documents; `nap-diff` compares two
//! [`ModelFile`]s. Every string here is already normalized (NFC, no control
//! characters, folded white space), every reference is resolved to an id, and
//! no person who did not consent is named anywhere in it.

pub mod date;
pub mod diag;

pub use date::Date;
pub use diag::{Diagnostic, Severity};

use serde::{Deserialize, Serialize};

/// What `model.json` holds: the plan plus the facts of the build that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// The nap version that wrote the file.
    pub nap_version: String,
    /// The build date (SOURCE_DATE_EPOCH, else plan.json's date, else today).
    pub build_date: Date,
    /// Whether this was a `--final` build.
    pub final_build: bool,
    pub plan: Plan,
}

/// The whole plan, normalized and validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub country: String,
    pub title: String,
    pub programme: Option<String>,
    /// The implementation period. `start`/`end` keep the precision written
    /// (usually month-only); see [`Date::first_day`] / [`Date::last_day`].
    pub period: Period,
    /// Default "sq".
    pub language: String,
    /// Default "0.1".
    pub version: String,
    /// The id of the round this build is for (a [`Round::id`]), if given.
    pub round: Option<String>,
    /// The consultation rounds, in the order documents show them. When
    /// plan.json has no `rounds`, derived from the comments in first-seen order
    /// (id = the label lowercased, title = the label as first written).
    pub rounds: Vec<Round>,
    /// plan.json's `date`, if given.
    pub date: Option<Date>,
    pub poc: Option<Poc>,
    pub institutions: Vec<Institution>,
    /// In plan.json order; each carries its situation analysis and commitments.
    pub policy_areas: Vec<PolicyArea>,
    /// Every comment of every file, in file-name order then row order.
    pub comments: Vec<Comment>,
    pub process: Process,
    /// process/intro.md (Markdown).
    pub process_intro: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Poc {
    /// An institution id when the text resolved to one, else the text.
    pub institution: Option<String>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Institution {
    pub id: String,
    pub name: String,
    pub short: Option<String>,
    pub aliases: Vec<String>,
    pub lfp: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyArea {
    pub id: String,
    pub title: String,
    /// Institution ids of the Lead Focal Points coordinating the area.
    pub lfp: Vec<String>,
    /// areas/<id>/situation-analysis.md (Markdown).
    pub analysis: String,
    pub commitments: Vec<Commitment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: String,
    pub title: String,
    /// Institution id of the lead implementing institution.
    pub lead: String,
    pub responsible: Option<Responsible>,
    pub other_actors: OtherActors,
    pub start: Date,
    pub end: Date,
    /// Markdown.
    pub problem: String,
    /// Markdown.
    pub objective: String,
    /// Markdown.
    pub description: String,
    /// Markdown.
    pub ambition: Option<String>,
    pub ogp_values: Vec<OgpValue>,
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Responsible {
    pub name: Option<String>,
    pub position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OtherActors {
    pub government: Vec<Actor>,
    pub civil_society: Vec<Actor>,
    pub other: Vec<Actor>,
}

/// An entry of `other_actors`: an institution of the plan, or a free name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// The institution id when the entry resolved to one.
    pub institution: Option<String>,
    /// The institution's name when resolved, else the entry as written.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OgpValue {
    AccessToInformation,
    CivicParticipation,
    PublicAccountability,
    TechnologyInnovation,
}

impl OgpValue {
    pub const ALL: [OgpValue; 4] = [
        OgpValue::AccessToInformation,
        OgpValue::CivicParticipation,
        OgpValue::PublicAccountability,
        OgpValue::TechnologyInnovation,
    ];
    /// The contract's spelling.
    pub fn key(self) -> &'static str {
        match self {
            OgpValue::AccessToInformation => "access_to_information",
            OgpValue::CivicParticipation => "civic_participation",
            OgpValue::PublicAccountability => "public_accountability",
            OgpValue::TechnologyInnovation => "technology_innovation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    /// Defaults to "<commitment id>.<n>" (n from 1).
    pub id: String,
    /// Markdown.
    pub text: String,
    pub start: Date,
    pub end: Date,
    /// Markdown.
    pub deliverable: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    Accepted,
    PartiallyAccepted,
    Rejected,
    Pending,
}

impl Disposition {
    pub const ALL: [Disposition; 4] = [
        Disposition::Accepted,
        Disposition::PartiallyAccepted,
        Disposition::Rejected,
        Disposition::Pending,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Disposition::Accepted => "accepted",
            Disposition::PartiallyAccepted => "partially_accepted",
            Disposition::Rejected => "rejected",
            Disposition::Pending => "pending",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub date: Date,
    /// A [`Round::id`].
    pub round: String,
    pub channel: Option<String>,
    /// The person's name, present only when `consent` is true.
    pub stakeholder: Option<String>,
    pub consent: bool,
    pub organisation: Option<String>,
    pub stakeholder_type: Option<String>,
    /// A [`PolicyArea::id`]; when absent but `commitment` is given, the
    /// commitment's area.
    pub policy_area: Option<String>,
    /// A [`Commitment::id`].
    pub commitment: Option<String>,
    /// Markdown.
    pub comment: String,
    /// Absent in the input means [`Disposition::Pending`].
    pub disposition: Disposition,
    /// Markdown.
    pub response: Option<String>,
    /// Where the comment was read: `comments/<file>.csv:<line>`, for
    /// diagnostics about its text. Absent in models written by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Comment {
    /// Who the documents show as the comment's author: the person's name only
    /// with consent, else the organisation, else the stakeholder type.
    pub fn public_author(&self) -> Option<&str> {
        self.stakeholder
            .as_deref()
            .filter(|_| self.consent)
            .or(self.organisation.as_deref())
            .or(self.stakeholder_type.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Process {
    pub title: String,
    pub phases: Vec<Phase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub title: String,
    pub start: Date,
    pub end: Date,
    pub activities: Vec<Activity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub month: Date,
    pub title: String,
    /// Markdown.
    pub text: String,
    pub count: Option<Count>,
}

/// An activity's count: printed as written (">150"), plotted by its number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub text: String,
    pub value: Option<f64>,
}

impl Plan {
    pub fn institution(&self, id: &str) -> Option<&Institution> {
        self.institutions.iter().find(|i| i.id == id)
    }
    pub fn commitments(&self) -> impl Iterator<Item = (&PolicyArea, &Commitment)> {
        self.policy_areas
            .iter()
            .flat_map(|a| a.commitments.iter().map(move |c| (a, c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(stakeholder: Option<&str>, consent: bool) -> Comment {
        Comment {
            id: "K-1".into(),
            date: Date::month(2020, 11),
            round: "konsultimi-publik".into(),
            channel: None,
            stakeholder: stakeholder.map(Into::into),
            consent,
            organisation: Some("Qendra Res Publica".into()),
            stakeholder_type: Some("OSHC".into()),
            policy_area: None,
            commitment: None,
            comment: "Tekst".into(),
            disposition: Disposition::Pending,
            response: None,
            source: None,
        }
    }

    #[test]
    fn public_author_never_names_without_consent() {
        assert_eq!(
            comment(Some("Arta Hoxha"), false).public_author(),
            Some("Qendra Res Publica")
        );
        assert_eq!(
            comment(Some("Arta Hoxha"), true).public_author(),
            Some("Arta Hoxha")
        );
    }
}
