//! Per-stage benchmarks (issue 7): each stage of `nap build` on its own, at
//! 1× and 10× the sample plan. The scaled input folders are generated once
//! per run (with the same generator as `nap generate`) into a temporary
//! folder; every later stage starts from the previous stage's output, built
//! once outside the timed loop.
//!
//!   cargo bench --bench stages                 # all stages, N = 1 and 10
//!   cargo bench --bench stages -- layout       # one stage
//!
//! Results and the machine they were measured on: docs/performance.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nap_compose::{ComposeOptions, Composed};
use nap_input::LoadOptions;
use nap_model::{Date, Plan};
use nap_pdf::PdfOptions;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const SCALES: [usize; 2] = [1, 10];
const FIGURES: [&str; 3] = ["timeline", "summary", "comments"];

/// One scale's inputs and the outputs of each stage, made once.
struct Fixture {
    n: usize,
    dir: PathBuf,
    plan: Plan,
    composed: Composed,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn compose_options() -> ComposeOptions {
    ComposeOptions {
        templates: root().join("templates"),
        final_build: false,
        // The date SOURCE_DATE_EPOCH=1607990400 gives `nap build`.
        build_date: Date::ymd(2020, 12, 15),
    }
}

fn load(dir: &Path) -> Plan {
    let loaded = nap_input::load(dir, &LoadOptions::default());
    assert!(
        !loaded.has_errors(),
        "{}: {:?}",
        dir.display(),
        loaded.diagnostics
    );
    loaded.plan.expect("a plan")
}

fn fixtures(tmp: &Path) -> Vec<Fixture> {
    let base = load(&root().join("inputs"));
    SCALES
        .iter()
        .map(|&n| {
            let dir = tmp.join(format!("in{n}"));
            nap::generate::write_scaled(&base, n, &dir).expect("generated inputs");
            let plan = load(&dir);
            let composed = nap_compose::compose(&plan, &compose_options()).expect("composed");
            Fixture {
                n,
                dir,
                plan,
                composed,
            }
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let fx = fixtures(tmp.path());
    let opts = compose_options();
    let pdf = PdfOptions::default();

    let mut g = c.benchmark_group("read+normalize");
    for f in &fx {
        g.bench_with_input(BenchmarkId::from_parameter(f.n), &f.dir, |b, dir| {
            b.iter(|| nap_input::load(black_box(dir), &LoadOptions::default()))
        });
    }
    g.finish();

    // Both documents, with the figures they draw (drawn once per compose).
    let mut g = c.benchmark_group("template merge");
    for f in &fx {
        g.bench_with_input(BenchmarkId::from_parameter(f.n), &f.plan, |b, plan| {
            b.iter(|| nap_compose::compose(black_box(plan), &opts).expect("composed"))
        });
    }
    g.finish();

    // SVG and the 220 dpi PNG, per figure.
    let mut g = c.benchmark_group("figures");
    for f in &fx {
        for name in FIGURES {
            g.bench_with_input(BenchmarkId::new(name, f.n), &f.plan, |b, plan| {
                b.iter(|| nap_figures::figure(name, black_box(plan)).expect("a figure"))
            });
        }
    }
    g.finish();

    // What a build does: every figure of both documents to PNG, each once,
    // in parallel (the SVG trees are memoised after the first iteration,
    // as they are after the first reader in a build).
    let mut g = c.benchmark_group("figures PNG (Rasters)");
    for f in &fx {
        g.bench_with_input(BenchmarkId::new("both", f.n), &f.composed, |b, c| {
            b.iter(|| nap_figures::Rasters::of(&[black_box(&c.plan), &c.report]))
        });
    }
    g.finish();

    let docs = |f: &Fixture| {
        [
            ("plan", f.composed.plan.clone()),
            ("report", f.composed.report.clone()),
        ]
    };

    let mut g = c.benchmark_group("layout");
    for f in &fx {
        for (name, doc) in docs(f) {
            g.bench_with_input(BenchmarkId::new(name, f.n), &doc, |b, doc| {
                b.iter(|| nap_layout::layout(black_box(doc)))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("PDF (write a laid-out document)");
    for f in &fx {
        for (name, doc) in docs(f) {
            let paged = nap_layout::layout(&doc);
            g.bench_with_input(BenchmarkId::new(name, f.n), &paged, |b, paged| {
                b.iter(|| {
                    nap_pdf::render_paged(&doc, black_box(paged.clone()), &pdf).expect("a PDF")
                })
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("PDF (layout+write)");
    for f in &fx {
        for (name, doc) in docs(f) {
            g.bench_with_input(BenchmarkId::new(name, f.n), &doc, |b, doc| {
                b.iter(|| nap_pdf::render(black_box(doc), &pdf).expect("a PDF"))
            });
        }
    }
    g.finish();

    // The figures' PNGs made beforehand, as a build does.
    let mut g = c.benchmark_group("DOCX");
    for f in &fx {
        let rasters = nap_figures::Rasters::of(&[&f.composed.plan, &f.composed.report]);
        for (name, doc) in docs(f) {
            g.bench_with_input(BenchmarkId::new(name, f.n), &doc, |b, doc| {
                b.iter(|| nap_docx::docx_with(black_box(doc), &rasters))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // A 2-core machine shared with other work: fewer, longer samples keep a
    // full run to a few minutes.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);
