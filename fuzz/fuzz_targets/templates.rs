//! Templates as a POC officer might edit them: any text as the main
//! template and two partials (split at NUL bytes), compiled and merged with
//! a small view. Property: merging returns the text or template errors; it
//! never panics, overflows the stack or hangs. The view's lists hold one
//! item each, so nested loops cannot multiply the work (a template that
//! loops over a long list inside itself a hundred times is slow by design,
//! not a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_compose::render::{render, Templates, PLAN_TEMPLATE};
use serde_json::json;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let mut sources = BTreeMap::new();
    sources.insert(
        PLAN_TEMPLATE.to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    for name in ["a", "b"] {
        if let Some(src) = parts.next() {
            sources.insert(format!("partials/{name}.md.hbs"), src.to_string());
        }
    }
    let templates = Templates {
        root: "templates".into(),
        sources,
        data: BTreeMap::new(),
        bytes: BTreeMap::new(),
    };
    let view = json!({
        "plan": {"title": "Plani", "areas": [{"id": "a", "title": "Fusha"}]},
        "x": [{"y": "z", "n": 1}],
        "t": "tekst me *yje* dhe {{kllapa}}",
        "n": 3,
        "b": true,
    });
    if let Err(diags) = render(&templates, PLAN_TEMPLATE, &view) {
        assert!(!diags.is_empty(), "an error with no diagnostic");
        for d in &diags {
            assert!(d.is_error(), "a warning as a failure: {d:?}");
            assert!(!d.message.is_empty(), "a diagnostic without a message");
        }
    }
});
