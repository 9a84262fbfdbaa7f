//! The PDF writer (layout + serialization) on generated documents plus
//! Markdown-made blocks: it must not panic, and must write a complete PDF
//! (PDF/A may refuse a document with a reason, a plain PDF may not).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz::doc::FuzzDoc;

fuzz_target!(|input: FuzzDoc| {
    let doc = input.build();
    nap_fuzz::check_document(&doc);
    nap_fuzz::check_pdf(&doc, input.pdfa);
});
