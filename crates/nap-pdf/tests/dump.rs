//! Writes documents to $NAP_PDF_DUMP_DIR (for looking at them).
#[test]
fn dump_when_asked() {
    if let Ok(dir) = std::env::var("NAP_PDF_DUMP_DIR") {
        for (name, doc) in [
            ("sample", nap_doc::sample()),
            ("stress", nap_layout::fixtures::stress(2)),
        ] {
            let r = nap_pdf::render(&doc, &nap_pdf::PdfOptions::default()).unwrap();
            std::fs::write(format!("{dir}/{name}.pdf"), &r.bytes).unwrap();
            for w in r.warnings {
                eprintln!("warning: {w}");
            }
        }
    }
}
