//! Composition: plan model → Handlebars templates → Markdown with directives →
//! [`nap_doc::Document`].
