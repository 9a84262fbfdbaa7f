#!/usr/bin/env bash
# Short coverage-guided run of every fuzz target (see fuzz/README.md).
#
#   bench/fuzz.sh                 # every target, 60 s each
#   bench/fuzz.sh 600 normalize   # one target, 10 minutes
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# One fuzzer at a time, one process each (libFuzzer's default; `-jobs=1`
# would move the output into a fuzz-0.log file). The corpus grown by the run goes to
# fuzz/target/corpus/<target> (ignored by git); the committed seeds in
# fuzz/corpus/<target> are only read. A crash leaves its input in
# fuzz/artifacts/<target>/ and makes the script fail. Every committed
# regression input (fuzz/regressions/<target>/) is replayed first.
set -euo pipefail

secs="${1:-60}"
shift || true
cd "$(dirname "$0")/../fuzz"
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=(input_csv input_json normalize markdown_to_doc docx_writer pdf_writer figure_raster templates)
fi

for t in "${targets[@]}"; do
    cargo +nightly fuzz build --debug-assertions "$t"
done

status=0
for t in "${targets[@]}"; do
    work="target/corpus/$t"
    mkdir -p "$work" "artifacts/$t"
    if [ -d "regressions/$t" ] && [ -n "$(ls -A "regressions/$t")" ]; then
        echo "== $t: replaying regressions/$t"
        if ! cargo +nightly fuzz run --debug-assertions "$t" "regressions/$t"/* -- \
            -rss_limit_mb=2048 -timeout=20; then
            echo "== $t: a regression input fails" >&2
            status=1
        fi
    fi
    echo "== $t: fuzzing for ${secs}s"
    if ! cargo +nightly fuzz run --debug-assertions "$t" "$work" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 \
        -timeout=20 -max_len=16384 -print_final_stats=1; then
        echo "== $t: crash or timeout, input in fuzz/artifacts/$t/" >&2
        status=1
    fi
done
exit "$status"
