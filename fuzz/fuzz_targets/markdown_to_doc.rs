//! Markdown and merged template text → document blocks. The text goes through
//! `nap_compose::markdown::blocks` directly and through the directive parser
//! and the assembler (as a template's output would); both results must keep
//! the invariants nap-doc promises the writers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_compose::markdown::{self, Mode};
use nap_doc::{Align, Document, ParaStyle};
use nap_fuzz::Folder;
use nap_model::{Date, Plan};
use std::sync::OnceLock;

static PLAN: OnceLock<Plan> = OnceLock::new();

fn plan() -> &'static Plan {
    PLAN.get_or_init(|| {
        let folder = Folder::new("markdown_to_doc");
        folder.write_with("plan.json", nap_fuzz::BASE[0].1.as_bytes());
        let loaded = nap_input::load(&folder.root, &nap_input::LoadOptions::default());
        let _ = std::fs::remove_dir_all(&folder.root);
        loaded.plan.expect("the base folder loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mode = Mode {
        style: ParaStyle::Normal,
        align: Align::Left,
        top_level: flags & 1 == 0,
    };

    let mut ctx = markdown::Ctx::default();
    let blocks = markdown::blocks(text, &mut ctx, mode);
    let meta = nap_doc::sample().meta;
    nap_fuzz::check_document(&Document { meta, blocks });
    let _ = markdown::inlines(text, &mut ctx);
    let _ = markdown::plain(text);

    if let Ok(nodes) = nap_compose::directive::parse(text, "fuzz.md") {
        let date = Date::new(2020, 11, Some(15)).expect("a real date");
        let mut a = nap_compose::Assembler::bare(
            plan(),
            flags & 2 != 0,
            date,
            nap_compose::render::FigureNumbers::default(),
        );
        let blocks = a.nodes(nodes, mode);
        nap_fuzz::check_document(&Document {
            meta: a.meta.clone(),
            blocks,
        });
    }
    let _ = nap_compose::directive::strip_markers(text);
});
