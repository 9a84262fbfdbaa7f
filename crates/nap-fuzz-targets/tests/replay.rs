//! The fuzz targets on stable, in CI: every committed regression input
//! (`fuzz/regressions/<target>/`) and seed (`fuzz/corpus/<target>/`), then
//! seeded mutations of the seeds and pseudo-random inputs, each through the
//! very function the libFuzzer target calls. Not coverage-guided (that is
//! `bench/fuzz.sh`, nightly); what it adds is that no change lands that
//! breaks an invariant on an input the fuzzer once found, or on a few
//! hundred fresh ones. Deterministic: the same inputs on every run.
//!
//! A failure names the input: a committed file by path, a generated one by
//! its recipe (`mutant 3 of corpus/x`, `random 17`), and
//! `NAP_FUZZ_REPLAY_OUT=dir` writes the failing bytes there, to be added to
//! `fuzz/regressions/<target>/` once fixed.

use arbitrary::{Arbitrary, Unstructured};
use nap_fuzz_targets::doc::FuzzDoc;
use nap_fuzz_targets::svg::FuzzSvg;
use nap_fuzz_targets::{targets, Folder};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The committed files of `fuzz/<kind>/<target>/`, sorted by name.
fn committed(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = format!(
                "{kind}/{target}/{}",
                p.file_name().unwrap().to_string_lossy()
            );
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, bytes)
        })
        .collect()
}

/// SplitMix64: a small, fixed pseudo-random sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Bytes the readers treat specially: separators, quotes, brackets, line
/// ends, a BOM, a NUL, Albanian letters in UTF-8 and in Windows-1250, a
/// lone continuation byte, markup.
const TOKENS: [&[u8]; 18] = [
    b",",
    b"\"",
    b"\n",
    b"\r\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\xEF\xBB\xBF",
    b"\0",
    "ë".as_bytes(),
    b"\xEB\xE7",
    b"\x80",
    b"{{",
    b"}}",
    b"|",
    b"[^1]",
    b"null",
];

/// One mutation of `seed` (another seed may be spliced in).
fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let end = (at + 1 + rng.below(64)).min(v.len());
                v.drain(at.min(end)..end);
            }
            3 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + 1 + rng.below(256)).min(v.len());
                let copy = v[start..end].to_vec();
                v.splice(at..at, copy);
            }
            4 if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(512)).min(other.len());
                v.splice(at..at, other[start..end].iter().copied());
            }
            _ => {
                let n = 1 + rng.below(8);
                let b = rng.bytes(n);
                v.splice(at..at, b);
            }
        }
    }
    v
}

/// The inputs of `target`: regressions, seeds, `mutants` mutations of each
/// seed and `random` pseudo-random byte strings of up to `max_len` bytes.
fn inputs(target: &str, mutants: usize, random: usize, max_len: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = committed("regressions", target);
    let seeds = committed("corpus", target);
    let mut rng = Rng(0x6E61_7000 ^ target.len() as u64 ^ (target.as_bytes()[0] as u64) << 40);
    for (i, (name, seed)) in seeds.iter().enumerate() {
        let other = &seeds[(i + 1) % seeds.len()].1;
        for m in 0..mutants {
            out.push((
                format!("mutant {m} of {name}"),
                mutate(&mut rng, seed, other),
            ));
        }
    }
    out.extend(seeds);
    for r in 0..random {
        let len = rng.below(max_len + 1);
        out.push((format!("random {r} of {target}"), rng.bytes(len)));
    }
    out
}

/// Runs `f` on every input; fails naming each input that panicked.
fn replay(target: &str, inputs: Vec<(String, Vec<u8>)>, f: impl Fn(&[u8])) {
    assert!(!inputs.is_empty(), "no inputs for {target}");
    let mut failed = Vec::new();
    for (name, bytes) in &inputs {
        if catch_unwind(AssertUnwindSafe(|| f(bytes))).is_err() {
            if let Some(dir) = std::env::var_os("NAP_FUZZ_REPLAY_OUT") {
                let file = Path::new(&dir).join(name.replace(['/', ' '], "_"));
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(file, bytes);
            }
            failed.push(name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} inputs broke an invariant (messages above): {failed:?}",
        failed.len(),
        inputs.len()
    );
}

/// What libFuzzer does for a structured target: the bytes as
/// `Unstructured`, taken whole; bytes that build no value are skipped.
fn structured<T: for<'a> Arbitrary<'a>>(bytes: &[u8], f: impl Fn(T)) {
    if let Ok(value) = T::arbitrary_take_rest(Unstructured::new(bytes)) {
        f(value);
    }
}

#[test]
fn input_csv() {
    let folder = Folder::new("replay-input_csv");
    replay("input_csv", inputs("input_csv", 4, 16, 2048), |b| {
        targets::input_csv_in(&folder, b)
    });
}

#[test]
fn input_json() {
    let folder = Folder::new("replay-input_json");
    replay("input_json", inputs("input_json", 6, 16, 2048), |b| {
        targets::input_json_in(&folder, b)
    });
}

#[test]
fn normalize() {
    replay(
        "normalize",
        inputs("normalize", 16, 256, 512),
        targets::normalize,
    );
}

#[test]
fn markdown_to_doc() {
    replay(
        "markdown_to_doc",
        inputs("markdown_to_doc", 6, 32, 2048),
        targets::markdown_to_doc,
    );
}

#[test]
fn templates() {
    replay(
        "templates",
        inputs("templates", 32, 64, 1024),
        targets::templates,
    );
}

#[test]
fn docx_writer() {
    replay("docx_writer", inputs("docx_writer", 8, 48, 4096), |b| {
        structured(b, targets::docx_writer)
    });
}

#[test]
fn pdf_writer() {
    replay("pdf_writer", inputs("pdf_writer", 8, 48, 4096), |b| {
        structured(b, targets::pdf_writer)
    });
}

#[test]
fn figure_raster() {
    replay("figure_raster", inputs("figure_raster", 8, 48, 2048), |b| {
        structured::<FuzzSvg>(b, targets::figure_raster)
    });
}

/// The replay must be able to fail: an input that breaks an invariant is
/// reported by name (here, an input the check is told to refuse).
#[test]
fn a_broken_invariant_is_reported_with_its_input() {
    let inputs = vec![
        ("fine".to_string(), b"a".to_vec()),
        ("bad".to_string(), b"b".to_vec()),
    ];
    let result = catch_unwind(|| replay("self-test", inputs, |b| assert_ne!(b, b"b", "refused")));
    let message = match result {
        Ok(()) => panic!("a failing input passed"),
        Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
    };
    assert!(
        message.contains("1 of 2") && message.contains("\"bad\""),
        "{message}"
    );
}

#[test]
fn every_target_has_committed_seeds() {
    for t in [
        "input_csv",
        "input_json",
        "normalize",
        "markdown_to_doc",
        "templates",
        "docx_writer",
        "pdf_writer",
        "figure_raster",
    ] {
        assert!(!committed("corpus", t).is_empty(), "no seeds for {t}");
    }
    assert!(!committed("regressions", "pdf_writer").is_empty());
    // Structured seeds must build a value, or the replay checks nothing.
    for (name, bytes) in committed("corpus", "pdf_writer") {
        assert!(
            FuzzDoc::arbitrary_take_rest(Unstructured::new(&bytes)).is_ok(),
            "{name} builds no document"
        );
    }
}
