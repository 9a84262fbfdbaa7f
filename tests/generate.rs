//! The scale generator writes valid input folders: a round trip at scale 1
//! gives back the same plan, and scale N multiplies what it should.

use nap_input::{load, LoadOptions};
use std::path::Path;

fn sample() -> nap_model::Plan {
    let loaded = load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs"),
        &LoadOptions::default(),
    );
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    loaded.plan.expect("the sample reads")
}

#[test]
fn scale_one_round_trips_to_the_same_plan() {
    let plan = sample();
    let dir = tempfile::tempdir().unwrap();
    nap::generate::write_scaled(&plan, 1, dir.path()).unwrap();
    let again = load(dir.path(), &LoadOptions { final_rules: true });
    assert!(again.diagnostics.is_empty(), "{:#?}", again.diagnostics);
    // Where each comment was read differs (one file instead of four); all else is equal.
    let without_sources = |mut p: nap_model::Plan| {
        p.comments.iter_mut().for_each(|c| c.source = None);
        p
    };
    assert_eq!(without_sources(again.plan.unwrap()), without_sources(plan));
}

#[test]
fn scale_n_multiplies_commitments_milestones_comments_and_analysis() {
    let plan = sample();
    let dir = tempfile::tempdir().unwrap();
    nap::generate::write_scaled(&plan, 3, dir.path()).unwrap();
    let loaded = load(dir.path(), &LoadOptions { final_rules: true });
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let big = loaded.plan.unwrap();
    let count = |p: &nap_model::Plan| {
        let commitments: Vec<_> = p.commitments().collect();
        let milestones: usize = commitments.iter().map(|(_, c)| c.milestones.len()).sum();
        (commitments.len(), milestones, p.comments.len())
    };
    let (c1, m1, k1) = count(&plan);
    assert_eq!(count(&big), (3 * c1, 3 * m1, 3 * k1));
    for (a, b) in plan.policy_areas.iter().zip(&big.policy_areas) {
        assert!(b.analysis.len() > 3 * a.analysis.len(), "{}", a.id);
    }
}
