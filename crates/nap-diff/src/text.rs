//! The terminal summary (English, as every CLI message): counts first, then details.

use crate::changes::{Change, ChangeList, Counts, FieldChange, Moved};
use crate::tokens::{Piece, PieceKind};
use std::fmt::Write;

struct Style {
    color: bool,
}

impl Style {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn added(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn removed(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn changed(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn mark(&self, c: Change) -> String {
        match c {
            Change::Added => self.added("+"),
            Change::Removed => self.removed("-"),
            Change::Changed => self.changed("~"),
        }
    }
    /// A word diff inline: coloured, or git's `[-old-]{+new+}` when plain.
    fn words(&self, pieces: &[Piece]) -> String {
        let mut s = String::new();
        for p in pieces {
            let text = one_line(&p.text);
            match p.kind {
                PieceKind::Equal => s.push_str(&elide_middle(&text, 70)),
                PieceKind::Deleted if self.color => s.push_str(&self.wrap("31;9", &text)),
                PieceKind::Inserted if self.color => s.push_str(&self.wrap("32;4", &text)),
                PieceKind::Deleted => write!(s, "[-{text}-]").unwrap(),
                PieceKind::Inserted => write!(s, "{{+{text}+}}").unwrap(),
            }
        }
        s
    }
}

fn one_line(s: &str) -> String {
    s.replace('\n', " ⏎ ")
}

/// Keeps long unchanged stretches readable: the first and last words only.
fn elide_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let keep = max / 2 - 2;
    let head: String = s.chars().take(keep).collect();
    let tail: String = s.chars().skip(n - keep).collect();
    format!("{head} … {tail}")
}

fn shorten(s: &str, max: usize) -> String {
    let s = one_line(s);
    if s.chars().count() <= max {
        s
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The counts as one line per kind of item, e.g.
/// "3 commitments changed (1 moved, 1 renamed), 1 added, 1 removed".
fn count_lines(k: &Counts) -> Vec<String> {
    let mut lines = Vec::new();
    let mut group = |noun: (&str, &str), first: (usize, &str), rest: &[(usize, &str)]| {
        let mut parts = Vec::new();
        let mut lead = None;
        for (n, what) in std::iter::once(&first).chain(rest) {
            if *n == 0 {
                continue;
            }
            if lead.is_none() {
                lead = Some(format!("{} {what}", plural(*n, noun.0, noun.1)));
            } else {
                parts.push(format!("{n} {what}"));
            }
        }
        if let Some(l) = lead {
            let mut line = l;
            for p in parts {
                write!(line, ", {p}").unwrap();
            }
            lines.push(line);
        }
    };
    let mut changed = String::from("changed");
    let extra: Vec<String> = [
        (k.commitments_moved, "moved"),
        (k.commitments_renamed, "renamed"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    if !extra.is_empty() {
        write!(changed, " ({})", extra.join(", ")).unwrap();
    }
    group(
        ("commitment", "commitments"),
        (k.commitments_changed, &changed),
        &[
            (k.commitments_added, "added"),
            (k.commitments_removed, "removed"),
        ],
    );
    group(
        ("milestone", "milestones"),
        (k.milestones_changed, "changed"),
        &[
            (k.milestones_added, "added"),
            (k.milestones_removed, "removed"),
        ],
    );
    let mut comments_changed = String::from("changed");
    let extra: Vec<String> = [
        (
            k.dispositions_changed,
            "disposition changed",
            "dispositions changed",
        ),
        (k.responses_added, "response added", "responses added"),
        (
            k.responses_changed,
            "response reworded",
            "responses reworded",
        ),
    ]
    .iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| plural(*n, one, many))
    .collect();
    if !extra.is_empty() {
        write!(comments_changed, " ({})", extra.join(", ")).unwrap();
    }
    group(
        ("comment", "comments"),
        (k.comments_changed, &comments_changed),
        &[(k.comments_added, "added"), (k.comments_removed, "removed")],
    );
    let mut areas_changed = String::from("changed");
    if k.analysis_paragraphs > 0 {
        write!(
            areas_changed,
            " ({} of the situation analyses)",
            plural(k.analysis_paragraphs, "paragraph", "paragraphs")
        )
        .unwrap();
    }
    group(
        ("policy area", "policy areas"),
        (k.areas_changed, &areas_changed),
        &[(k.areas_added, "added"), (k.areas_removed, "removed")],
    );
    group(
        ("plan field", "plan fields"),
        (k.plan_fields, "changed"),
        &[],
    );
    lines
}

fn value(v: &Option<String>) -> String {
    v.as_deref().map_or("(none)".to_string(), shorten_value)
}

fn shorten_value(s: &str) -> String {
    shorten(s, 100)
}

fn field_line(st: &Style, f: &FieldChange) -> String {
    let label = f.field.label_en();
    if !f.words.is_empty() {
        format!("{label}: {}", st.words(&f.words))
    } else {
        format!(
            "{label}: {} → {}",
            st.removed(&value(&f.old)),
            st.added(&value(&f.new))
        )
    }
}

fn moved_line(st: &Style, m: &Moved) -> String {
    let mut parts = Vec::new();
    let pair = |what: &str, old: &str, new: &str| {
        format!("{what} {} → {}", st.removed(old), st.added(new))
    };
    if let Some(a) = &m.area {
        parts.push(pair("policy area", &a.old, &a.new));
    }
    if let Some(a) = &m.lfp {
        parts.push(pair("LFP", &a.old, &a.new));
    }
    if let Some(a) = &m.lead {
        parts.push(pair("lead", &a.old, &a.new));
    }
    if let Some(p) = &m.position {
        parts.push(pair("position", &p.old.to_string(), &p.new.to_string()));
    }
    format!("moved: {}", parts.join("; "))
}

/// The terminal summary: a first line of counts, then every change.
/// `color` adds ANSI colours (for a terminal); without it the text is plain
/// and word diffs read `[-old-]{+new+}`.
pub fn render_text(list: &ChangeList, color: bool) -> String {
    let st = Style { color };
    let mut o = String::new();
    let versions = format!("{} → {}", list.old_version, list.new_version);
    if list.is_empty() {
        writeln!(o, "No changes ({versions}).").unwrap();
        return o;
    }
    writeln!(o, "{} {}", st.bold("Changes"), versions).unwrap();
    for line in count_lines(&list.counts) {
        writeln!(o, "  {line}").unwrap();
    }
    if !list.plan.is_empty() {
        writeln!(o, "\n{}", st.bold("Plan")).unwrap();
        for f in &list.plan {
            writeln!(o, "  {} {}", st.mark(Change::Changed), field_line(&st, f)).unwrap();
        }
    }
    if !list.policy_areas.is_empty() {
        writeln!(o, "\n{}", st.bold("Policy areas")).unwrap();
        for a in &list.policy_areas {
            let what = match a.change {
                Change::Added => " added",
                Change::Removed => " removed",
                Change::Changed => "",
            };
            writeln!(o, "  {} {} \"{}\"{what}", st.mark(a.change), a.id, a.title).unwrap();
            for f in &a.fields {
                writeln!(o, "      {}", field_line(&st, f)).unwrap();
            }
            for p in &a.analysis {
                let body = match p.change {
                    Change::Changed => st.words(&p.words),
                    Change::Added => st.added(&shorten(p.new.as_deref().unwrap_or(""), 100)),
                    Change::Removed => st.removed(&shorten(p.old.as_deref().unwrap_or(""), 100)),
                };
                let what = match p.change {
                    Change::Added => "added",
                    Change::Removed => "removed",
                    Change::Changed => "changed",
                };
                writeln!(
                    o,
                    "      situation analysis ¶{} {what}: {body}",
                    p.paragraph
                )
                .unwrap();
            }
        }
    }
    if !list.commitments.is_empty() {
        writeln!(o, "\n{}", st.bold("Commitments")).unwrap();
        for c in &list.commitments {
            let what = match c.change {
                Change::Added => " added",
                Change::Removed => " removed",
                Change::Changed => "",
            };
            writeln!(
                o,
                "  {} {} \"{}\" ({}){what}",
                st.mark(c.change),
                c.id,
                c.title,
                c.area
            )
            .unwrap();
            if let Some(m) = &c.moved {
                writeln!(o, "      {}", moved_line(&st, m)).unwrap();
            }
            for f in &c.fields {
                writeln!(o, "      {}", field_line(&st, f)).unwrap();
            }
            for m in &c.milestones {
                match m.change {
                    Change::Added | Change::Removed => writeln!(
                        o,
                        "      {} milestone {} {}: \"{}\" ({} – {})",
                        st.mark(m.change),
                        m.id,
                        if m.change == Change::Added {
                            "added"
                        } else {
                            "removed"
                        },
                        shorten(&m.text, 80),
                        m.start,
                        m.end
                    )
                    .unwrap(),
                    Change::Changed => {
                        writeln!(o, "      {} milestone {}", st.mark(m.change), m.id).unwrap();
                        if let Some(p) = &m.position {
                            writeln!(o, "          moved: position {} → {}", p.old, p.new).unwrap();
                        }
                        for f in &m.fields {
                            writeln!(o, "          {}", field_line(&st, f)).unwrap();
                        }
                    }
                }
            }
        }
    }
    if !list.comments.is_empty() {
        writeln!(o, "\n{}", st.bold("Comments")).unwrap();
        for c in &list.comments {
            let mut about = Vec::new();
            if let Some(a) = &c.author {
                about.push(a.clone());
            }
            if let Some(k) = &c.commitment {
                about.push(format!("on {k}"));
            }
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", about.join(", "))
            };
            match c.change {
                Change::Added | Change::Removed => writeln!(
                    o,
                    "  {} {}{about} {}: \"{}\" [{}]",
                    st.mark(c.change),
                    c.id,
                    if c.change == Change::Added {
                        "added"
                    } else {
                        "removed"
                    },
                    shorten(&c.text, 80),
                    c.disposition
                )
                .unwrap(),
                Change::Changed => {
                    writeln!(o, "  {} {}{about}", st.mark(c.change), c.id).unwrap();
                    for f in &c.fields {
                        writeln!(o, "      {}", field_line(&st, f)).unwrap();
                    }
                }
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::tests::plan;
    use crate::diff;
    use nap_model::{Date, Disposition};

    #[test]
    fn counts_first_then_details_plain_when_piped() {
        let old = plan(2, 3, 3);
        let mut new = old.clone();
        new.version = "0.4".into();
        new.policy_areas[0].commitments[0].objective =
            "Objektivi i F1-01 është forcimi i llogaridhënies.".into();
        new.policy_areas[0].commitments[1].milestones[0].end = Date::month(2021, 9);
        new.policy_areas[1].commitments.remove(2);
        new.comments[0].disposition = Disposition::Accepted;
        let t = render_text(&diff(&old, &new), false);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "Changes 0.3 → 0.4");
        assert_eq!(lines[1], "  2 commitments changed, 1 removed");
        assert_eq!(lines[2], "  1 milestone changed");
        assert_eq!(lines[3], "  1 comment changed (1 disposition changed)");
        assert_eq!(lines[4], "  1 plan field changed");
        assert!(
            t.contains("  - F2-03 \"Angazhimi 2.3\" (fusha-2) removed\n"),
            "{t}"
        );
        assert!(
            t.contains(
                "objective: Objektivi i F1-01 është [-rritja e-]{+forcimi i+} llogaridhënies."
            ),
            "{t}"
        );
        assert!(t.contains("end: 2021-06 → 2021-09"), "{t}");
        assert!(t.contains("disposition: pending → accepted"), "{t}");
        assert!(!t.contains('\x1b'));
        let c = render_text(&diff(&old, &new), true);
        assert!(c.contains("\x1b[32;4mforcimi i\x1b[0m"), "{c}");
    }

    #[test]
    fn no_changes() {
        let p = plan(1, 1, 1);
        assert_eq!(
            render_text(&diff(&p, &p), false),
            "No changes (0.3 → 0.3).\n"
        );
    }

    #[test]
    fn long_equal_text_is_elided() {
        let s = elide_middle(&"fjalë ".repeat(40), 70);
        assert!(s.chars().count() <= 70 && s.contains(" … "));
    }
}
