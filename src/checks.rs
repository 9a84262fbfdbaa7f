//! Checks on the whole plan that concern the documents rather than the input
//! contract: characters the embedded fonts cannot print, and titles so long
//! that text was most likely pasted into the wrong field, named with the
//! place in the inputs where they are. `nap check` and `nap build` both run
//! them, so check reports what build would warn about.

use nap_model::{Diagnostic, Plan};

/// At most this many places are named for missing characters; the rest are counted.
const MAX_GLYPH_WARNINGS: usize = 50;

/// Diagnostics about the plan as a whole (see the module documentation).
/// `found` are the problems already reported (an area whose commitments
/// file has errors is empty in `plan` because of them, not by choice);
/// `final_rules`: the final plan's submission rules apply (`--final`).
pub fn plan(plan: &Plan, found: &[Diagnostic], final_rules: bool) -> Vec<Diagnostic> {
    // Every text of the plan with its place, walked once for both checks.
    let places = places(plan);
    let mut out = missing_glyphs(&places);
    out.extend(long_titles(&places));
    out.extend(areas_without_commitments(plan, found, final_rules));
    out
}

/// A policy area with no commitment yet (an early draft): a draft builds,
/// and the plan says under the area's "Angazhimet" heading that they are
/// still being drafted; the contract sets no minimum, so in a draft this is
/// a reminder. The final plan, submitted for approval, cannot say that: under
/// the final rules it is an error.
fn areas_without_commitments(
    plan: &Plan,
    found: &[Diagnostic],
    final_rules: bool,
) -> Vec<Diagnostic> {
    plan.policy_areas
        .iter()
        .filter(|a| a.commitments.is_empty())
        .filter_map(|a| {
            let file = format!("areas/{}/commitments.json", a.id);
            let broken = found.iter().any(|d| d.is_error() && d.file == file);
            (!broken).then(|| {
                if final_rules {
                    Diagnostic::error(
                        file,
                        format!(
                            "the policy area `{}` has no commitments; the final plan cannot say they are still being drafted",
                            a.id
                        ),
                    )
                    .hint("add the area's commitments, or take the area out of plan.json's policy_areas")
                } else {
                    Diagnostic::warning(
                        file,
                        format!(
                            "the policy area `{}` has no commitments yet; the plan says they are still being drafted",
                            a.id
                        ),
                    )
                    .hint("add the area's commitments before the final build")
                }
            })
        })
        .collect()
}

/// A title longer than this many characters is reported: the contract sets
/// no limit, and such a title still builds (in full, on the title page, in
/// the table of contents and the bookmarks), but the longest in an OGP plan
/// are ~150 characters, and a title of thousands is text pasted into the
/// wrong field (a 20 000-word plan title made a 600-page draft).
const LONG_TITLE: usize = 300;

fn long_titles(places: &[Place]) -> Vec<Diagnostic> {
    // The titles among the places: the plan's, each area's, commitment's
    // and phase's (field `… title`).
    places
        .iter()
        .filter(|p| p.field == "title" || p.field.ends_with(": title"))
        .filter_map(|Place { file, field, text, .. }| {
            let n = text.chars().count();
            (n > LONG_TITLE).then(|| {
                let start: String = text.chars().take(60).collect();
                Diagnostic::warning(
                    file,
                    format!(
                        "the title is {n} characters long (“{start}…”); it is printed in full wherever the documents show it"
                    ),
                )
                .field(field)
                .hint(format!(
                    "titles over {LONG_TITLE} characters are usually text pasted into the wrong field: shorten it, and move the rest to the description"
                ))
            })
        })
        .collect()
}

/// One text of the plan and where it came from.
struct Place<'a> {
    file: String,
    /// For Markdown files, the line is found from the text itself.
    markdown_file: bool,
    field: String,
    text: &'a str,
}

fn places<'a>(plan: &'a Plan) -> Vec<Place<'a>> {
    let mut v = Vec::new();
    let mut push = |file: &str, markdown_file: bool, field: String, text: &'a str| {
        v.push(Place {
            file: file.to_string(),
            markdown_file,
            field,
            text,
        });
    };
    for (field, text) in [("title", &plan.title), ("country", &plan.country)] {
        push("plan.json", false, field.into(), text);
    }
    for area in &plan.policy_areas {
        push(
            "plan.json",
            false,
            format!("policy area `{}`: title", area.id),
            &area.title,
        );
        push(
            &format!("areas/{}/situation-analysis.md", area.id),
            true,
            String::new(),
            &area.analysis,
        );
        let file = format!("areas/{}/commitments.json", area.id);
        for c in &area.commitments {
            let fields = [
                ("title", Some(&c.title)),
                ("problem", Some(&c.problem)),
                ("objective", Some(&c.objective)),
                ("description", Some(&c.description)),
                ("ambition", c.ambition.as_ref()),
            ];
            for (name, text) in fields {
                if let Some(text) = text {
                    push(&file, false, format!("commitment {}: {name}", c.id), text);
                }
            }
            for m in &c.milestones {
                push(&file, false, format!("milestone {}: text", m.id), &m.text);
                if let Some(d) = &m.deliverable {
                    push(&file, false, format!("milestone {}: deliverable", m.id), d);
                }
            }
        }
    }
    for k in &plan.comments {
        let fields = [
            ("comment", Some(&k.comment)),
            ("response", k.response.as_ref()),
            ("organisation", k.organisation.as_ref()),
        ];
        // `comments/x.csv:12`: the file, and the record's line in the field name.
        let (file, line) = match k.source.as_deref().and_then(|s| s.rsplit_once(':')) {
            Some((file, line)) => (file, format!(" (line {line})")),
            None => ("comments", String::new()),
        };
        for (name, text) in fields {
            if let Some(text) = text {
                push(file, false, format!("comment {}{line}: {name}", k.id), text);
            }
        }
    }
    for ph in &plan.process.phases {
        push(
            "process/process.json",
            false,
            format!("phase {}: title", ph.id),
            &ph.title,
        );
        for a in &ph.activities {
            push(
                "process/process.json",
                false,
                format!("phase {}: activity “{}”", ph.id, a.title),
                &a.text,
            );
        }
    }
    push("process/intro.md", true, String::new(), &plan.process_intro);
    v
}

fn missing_glyphs(places: &[Place]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut more = 0usize;
    for place in places {
        let mut missing: Vec<char> = Vec::new();
        let mut first_line = None;
        for (i, line) in place.text.lines().enumerate() {
            for c in line.chars() {
                if !c.is_whitespace()
                    && !c.is_control()
                    && !nap_fonts::has_glyph(c)
                    && !missing.contains(&c)
                {
                    first_line.get_or_insert(i + 1);
                    if missing.len() < 8 {
                        missing.push(c);
                    }
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        if out.len() == MAX_GLYPH_WARNINGS {
            more += 1;
            continue;
        }
        let list: Vec<String> = missing
            .iter()
            .map(|c| format!("{c} (U+{:04X})", *c as u32))
            .collect();
        let mut d = Diagnostic::warning(
            place.file.clone(),
            format!(
                "the documents' fonts have no glyph for {}: the PDF prints a replacement mark (□) there, and Word shows it only with a font that has it",
                list.join(", ")
            ),
        )
        .hint("Noto Serif and Noto Sans cover Latin (Albanian included), Greek and Cyrillic; emoji, Chinese and Arabic script are not embedded");
        if !place.field.is_empty() {
            d = d.field(place.field.clone());
        }
        if place.markdown_file {
            if let Some(l) = first_line {
                d = d.at(l, None);
            }
        }
        out.push(d);
    }
    if more > 0 {
        out.push(Diagnostic::warning(
            "inputs",
            format!("{more} more places hold characters the documents' fonts have no glyph for"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    /// The bundled sample plan.
    fn sample() -> nap_model::Plan {
        nap_input::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs"),
            &Default::default(),
        )
        .plan
        .expect("the sample loads")
    }

    #[test]
    fn characters_without_a_glyph_are_named_with_their_place() {
        let mut plan = sample();
        assert!(
            super::plan(&plan, &[], false).is_empty(),
            "the sample prints entirely"
        );
        plan.comments[3].comment.push_str(" 😀 中文 😀");
        plan.policy_areas[1].analysis.push_str("\n\nالعربية");
        let diags = super::plan(&plan, &[], false);
        assert_eq!(diags.len(), 2, "{diags:#?}");
        let comment = diags
            .iter()
            .find(|d| d.file.starts_with("comments/"))
            .unwrap();
        let (file, line) = plan.comments[3]
            .source
            .as_deref()
            .unwrap()
            .rsplit_once(':')
            .unwrap();
        assert_eq!(comment.file, file);
        assert_eq!(
            comment.field.as_deref(),
            Some(format!("comment {} (line {line}): comment", plan.comments[3].id).as_str())
        );
        assert!(
            comment
                .message
                .contains("😀 (U+1F600), 中 (U+4E2D), 文 (U+6587):"),
            "{}",
            comment.message
        );
        let analysis = diags
            .iter()
            .find(|d| d.file.ends_with("situation-analysis.md"))
            .unwrap();
        assert_eq!(
            analysis.line,
            Some(plan.policy_areas[1].analysis.lines().count())
        );
        assert!(!analysis.is_error());
    }

    #[test]
    fn an_area_without_commitments_is_a_reminder() {
        let mut plan = sample();
        plan.policy_areas[2].commitments.clear();
        let id = plan.policy_areas[2].id.clone();
        let diags = super::plan(&plan, &[], false);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].file, format!("areas/{id}/commitments.json"));
        assert!(diags[0].message.contains("has no commitments yet"));
        assert!(!diags[0].is_error());
        // Empty because its file has errors: those say enough.
        let broken = nap_model::Diagnostic::error(diags[0].file.clone(), "malformed JSON");
        assert!(super::plan(&plan, &[broken], false).is_empty());
        // The final plan cannot go to GMIP with an area still in drafting.
        let fin = super::plan(&plan, &[], true);
        assert_eq!(fin.len(), 1, "{fin:#?}");
        assert!(fin[0].is_error());
        assert!(fin[0].message.contains("has no commitments"));
    }

    #[test]
    fn titles_past_the_limit_are_named_with_their_field() {
        let mut plan = sample();
        // At the limit: no warning.
        plan.title = "a".repeat(super::LONG_TITLE);
        assert!(super::plan(&plan, &[], false).is_empty());
        plan.title.push('b');
        let c = &mut plan.policy_areas[0].commitments[0];
        c.title = "fjalë ".repeat(2000).trim_end().to_string();
        let id = c.id.clone();
        let area = plan.policy_areas[0].id.clone();
        let diags = super::plan(&plan, &[], false);
        assert_eq!(diags.len(), 2, "{diags:#?}");
        assert_eq!(diags[0].file, "plan.json");
        assert_eq!(diags[0].field.as_deref(), Some("title"));
        assert!(
            diags[0].message.contains("301 characters"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[1].file, format!("areas/{area}/commitments.json"));
        assert_eq!(
            diags[1].field.as_deref(),
            Some(format!("commitment {id}: title").as_str())
        );
        assert!(
            diags[1].message.contains("11999 characters"),
            "{}",
            diags[1].message
        );
        assert!(diags.iter().all(|d| !d.is_error()));
    }
}
