//! nap assembles Albania's OGP National Action Plan and its process report.
//!
//! The stages, each a crate with one type at its boundary:
//! 1. `nap-input`: input folder → normalized, validated [`nap_model::Plan`]
//!    plus every [`nap_model::Diagnostic`];
//! 2. `nap-compose`: plan → Handlebars templates (`templates/`) → Markdown
//!    with a few block directives → [`nap_doc::Document`] (figures from
//!    `nap-figures`);
//! 3. writers, pure functions from a document to bytes: `nap-docx`, and
//!    `nap-layout` (pages) + `nap-pdf` (serialization);
//! 4. `nap-diff`: two models → change list and a redlined document.
//!
//! This crate is the driver: the CLI, and the only code that touches the
//! disk (reading happens in `nap-input`; writing happens here, into a
//! temporary folder renamed into place).

pub mod build;
pub mod check;
pub mod checks;
pub mod cli;
pub mod diff;
pub mod generate;
pub mod output;
pub mod world;
