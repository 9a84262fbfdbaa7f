//! `nap diff`: what changed between two drafts of the plan.
//!
//! - [`diff`] compares two plan models by id (commitments, milestones,
//!   comments, policy areas) into a [`ChangeList`], serializable as JSON;
//! - [`render_text`] prints it for the terminal (English, counts first);
//! - [`summary_document`] lays it out in Albanian for krahasimi.pdf;
//! - [`redline`] marks the changes between two plan documents as tracked
//!   changes (word level) for krahasimi.docx; [`accept_all`] / [`reject_all`]
//!   resolve them as Word's Accept/Reject all would.
//!
//! Everything here is pure: no I/O, no clock.
//!
//! # The JSON change list (`nap diff --json`)
//!
//! The serde serialization of [`ChangeList`]:
//!
//! ```json
//! {
//!   "old_version": "0.3", "new_version": "0.4",
//!   "area_titles": {"antikorrupsioni": "Lufta kundër korrupsionit"},
//!   "counts": {"commitments_added": 1, "commitments_removed": 1, "commitments_changed": 2,
//!              "commitments_moved": 1, "commitments_renamed": 0, "milestones_changed": 1,
//!              "dispositions_changed": 1, "responses_added": 0, "...": 0},
//!   "plan": [{"field": "version", "old": "0.3", "new": "0.4"}],
//!   "policy_areas": [{"id": "antikorrupsioni", "change": "changed", "title": "…",
//!                     "analysis": [{"change": "changed", "paragraph": 3, "old": "…", "new": "…",
//!                                   "words": [{"kind": "equal", "text": "…"},
//!                                             {"kind": "inserted", "text": "dhe llogaridhënie "}]}]}],
//!   "commitments": [
//!     {"id": "AK-01", "change": "changed", "title": "…", "area": "antikorrupsioni",
//!      "fields": [{"field": "objective", "old": "…", "new": "…", "words": ["…"]}],
//!      "milestones": [{"id": "AK-01.2", "change": "changed", "text": "…", "start": "2021-01",
//!                      "end": "2021-06", "fields": [{"field": "end", "old": "2021-03", "new": "2021-06"}]}]},
//!     {"id": "AK-03", "change": "changed", "title": "…", "area": "financat",
//!      "moved": {"area": {"old": "antikorrupsioni", "new": "financat"},
//!                "lfp": {"old": "Ministria e Drejtësisë", "new": "Ministria e Financave dhe Ekonomisë"}}},
//!     {"id": "AK-02", "change": "removed", "title": "…", "area": "antikorrupsioni"}
//!   ],
//!   "comments": [{"id": "K-1", "change": "changed", "author": "Qendra Res Publica",
//!                 "commitment": "AK-01", "text": "…", "disposition": "accepted",
//!                 "fields": [{"field": "disposition", "old": "pending", "new": "accepted"}]}]
//! }
//! ```
//!
//! `change` is `added`, `removed` or `changed`; `field` is a [`Field`] in
//! snake_case; dates are ISO (`2021-03`), institutions their names, lists
//! joined with `; `, OGP values and dispositions their contract keys. Empty
//! `fields`, `milestones`, `analysis`, `words` and absent `moved` are left
//! out. `moved.position` is the 1-based place in the policy area (or, for a
//! milestone, in the commitment), reported only for items that changed order
//! relative to the others, not for items merely shifted by additions.

mod changes;
mod redline;
mod summary;
mod text;
mod tokens;

pub use changes::{
    diff, AreaChange, Change, ChangeList, CommentChange, CommitmentChange, Counts, Field,
    FieldChange, MilestoneChange, Moved, Pair, ParagraphChange,
};
pub use redline::{accept_all, redline, reject_all, text_lines};
pub use summary::summary_document;
pub use text::render_text;
pub use tokens::{similarity, tokenize, word_diff, Piece, PieceKind};
