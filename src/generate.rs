//! A deterministic generator of valid input folders at scale N, for
//! benchmarks and tests: N = 1 writes the base plan back as an input folder;
//! N scales commitments, milestones, comments and analysis length linearly.
//!
//! It writes from a [`Plan`] (normally the bundled sample, read by
//! `nap-input`), so what it writes is an input folder of the contract and a
//! round trip (read → write → read) is a test of the reader too.

use nap_model::{Actor, Comment, Commitment, Plan, Process};
use serde_json::{json, Value};
use std::fs;
use std::io;
use std::path::Path;

/// Writes `plan`, scaled by `n` (at least 1), as an input folder at `out`.
pub fn write_scaled(plan: &Plan, n: usize, out: &Path) -> io::Result<()> {
    let n = n.max(1);
    fs::create_dir_all(out.join("process"))?;
    fs::create_dir_all(out.join("comments"))?;
    write_json(&out.join("plan.json"), &plan_json(plan))?;
    for area in &plan.policy_areas {
        let dir = out.join("areas").join(&area.id);
        fs::create_dir_all(&dir)?;
        let mut analysis = String::with_capacity(area.analysis.len() * n + 64 * n);
        analysis.push_str(&area.analysis);
        for k in 1..n {
            analysis.push_str(&format!("\n\n## Shtojca {k}\n\n"));
            analysis.push_str(&area.analysis);
        }
        analysis.push('\n');
        fs::write(dir.join("situation-analysis.md"), analysis)?;
        let commitments: Vec<Value> = (0..n)
            .flat_map(|k| area.commitments.iter().map(move |c| commitment_json(c, k)))
            .collect();
        write_json(&dir.join("commitments.json"), &Value::Array(commitments))?;
    }
    fs::write(out.join("comments/komentet.csv"), comments_csv(plan, n)?)?;
    write_json(
        &out.join("process/process.json"),
        &process_json(&plan.process),
    )?;
    fs::write(
        out.join("process/intro.md"),
        format!("{}\n", plan.process_intro),
    )?;
    Ok(())
}

fn suffix(id: &str, k: usize) -> String {
    if k == 0 {
        id.to_string()
    } else {
        format!("{id}-{k}")
    }
}

fn write_json(path: &Path, v: &Value) -> io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(v).map_err(io::Error::other)?;
    bytes.push(b'\n');
    fs::write(path, bytes)
}

fn plan_json(p: &Plan) -> Value {
    let round_title = p
        .round
        .as_ref()
        .and_then(|id| p.rounds.iter().find(|r| &r.id == id))
        .map(|r| r.title.clone());
    json!({
        "country": p.country,
        "title": p.title,
        "programme": p.programme,
        "period": { "start": p.period.start, "end": p.period.end },
        "language": p.language,
        "version": p.version,
        "round": round_title,
        "rounds": p.rounds,
        "date": p.date,
        "poc": p.poc.as_ref().map(|poc| json!({ "institution": poc.institution, "contact": poc.contact })),
        "institutions": p.institutions,
        "policy_areas": p.policy_areas.iter().map(|a| json!({ "id": a.id, "title": a.title, "lfp": a.lfp })).collect::<Vec<_>>(),
    })
}

fn process_json(p: &Process) -> Value {
    let phases: Vec<Value> = p
        .phases
        .iter()
        .map(|ph| {
            let activities: Vec<Value> = ph
                .activities
                .iter()
                .map(|a| {
                    // The contract's count: a whole number, a string such as ">150", or null.
                    let count = a.count.as_ref().map(|c| match c.text.parse::<u64>() {
                        Ok(n) => json!(n),
                        Err(_) => json!(c.text),
                    });
                    json!({ "month": a.month, "title": a.title, "text": a.text, "count": count })
                })
                .collect();
            json!({ "id": ph.id, "title": ph.title, "start": ph.start, "end": ph.end, "activities": activities })
        })
        .collect();
    json!({ "title": p.title, "phases": phases })
}

fn actors(list: &[Actor]) -> Vec<String> {
    list.iter()
        .map(|a| a.institution.clone().unwrap_or_else(|| a.name.clone()))
        .collect()
}

fn commitment_json(c: &Commitment, k: usize) -> Value {
    let id = suffix(&c.id, k);
    let milestones: Vec<Value> = c
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| {
            json!({
                "id": format!("{id}.{}", i + 1),
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "deliverable": m.deliverable,
            })
        })
        .collect();
    json!({
        "id": id,
        "title": if k == 0 { c.title.clone() } else { format!("{} ({k})", c.title) },
        "lead": c.lead,
        "responsible": c.responsible.as_ref().map(|r| json!({
            "name": r.name, "position": r.position, "email": r.email, "phone": r.phone
        })),
        "other_actors": {
            "government": actors(&c.other_actors.government),
            "civil_society": actors(&c.other_actors.civil_society),
            "other": actors(&c.other_actors.other),
        },
        "start": c.start,
        "end": c.end,
        "problem": c.problem,
        "objective": c.objective,
        "description": c.description,
        "ambition": c.ambition,
        "ogp_values": c.ogp_values,
        "milestones": milestones,
    })
}

fn comments_csv(plan: &Plan, n: usize) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(plan.comments.len() * n * 600));
    w.write_record(nap_input::COMMENT_COLUMNS)
        .map_err(io::Error::other)?;
    for k in 0..n {
        for c in &plan.comments {
            w.write_record(comment_row(c, k))
                .map_err(io::Error::other)?;
        }
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// The row of `c` in the order of [`nap_input::COMMENT_COLUMNS`].
fn comment_row(c: &Comment, k: usize) -> [String; 13] {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        suffix(&c.id, k),
        c.date.iso(),
        c.round.clone(),
        opt(&c.channel),
        opt(&c.stakeholder),
        if c.consent { "po" } else { "jo" }.to_string(),
        opt(&c.organisation),
        opt(&c.stakeholder_type),
        opt(&c.policy_area),
        c.commitment
            .as_ref()
            .map(|id| suffix(id, k))
            .unwrap_or_default(),
        c.comment.clone(),
        c.disposition.key().to_string(),
        opt(&c.response),
    ]
}
