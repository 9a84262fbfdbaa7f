#!/usr/bin/env bash
# Times a full `nap build` (both DOCX, both PDF, figures, model, manifest) at
# 1x, 10x and 100x the sample plan, side by side with what people use instead:
# pandoc (the action plan's merged Markdown -> DOCX) and LibreOffice (that
# DOCX -> PDF), i.e. one DOCX and one PDF of the same plan content. Prints
# median times, peak memory, the ratios and whether the issue 7 targets are met.
# Needs hyperfine, pandoc, LibreOffice and GNU time
# (apt-get install hyperfine pandoc libreoffice-writer-nogui time).
#
#   bench/compare.sh               # N = 1 10 100
#   SCALES="1 10" bench/compare.sh
#   RUNS=5 bench/compare.sh        # hyperfine runs per command (default: 10 at N=1, 3 above)
#
# Medians, not means: on a shared machine a run that another job preempts
# should not move the result. The load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=${SCALES:-"1 10 100"}
WORK=${WORK:-/tmp/nap-bench}
export SOURCE_DATE_EPOCH=1607990400

for tool in hyperfine pandoc soffice /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
cargo build --release --quiet
NAP=$PWD/target/release/nap
rm -rf "$WORK" && mkdir -p "$WORK"
LO_PROFILE="-env:UserInstallation=file://$WORK/lo-profile"
# Warm LibreOffice's profile once so the first timed run is not a first start.
echo "# warm-up" > "$WORK/warm.md" && pandoc "$WORK/warm.md" -o "$WORK/warm.docx" \
  && soffice "$LO_PROFILE" --headless --convert-to pdf --outdir "$WORK" "$WORK/warm.docx" >/dev/null 2>&1

# Runs a command, failing loudly (with its log) instead of silently under set -e.
logged() {
  local log=$1; shift
  "$@" >"$log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$log" >&2; exit 1; }
}
median() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$1"; }
# "<elapsed s> <peak RSS KB>" of one run (GNU time; the peak is the largest
# process of the tree, e.g. soffice.bin under the soffice script).
time_peak() { /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>&1; cat "$WORK/time.txt"; }

echo "load before: $(uptime)"
printf '\n%-4s %10s %10s %12s %12s %10s %9s %9s\n' N nap_s pandoc_s libreoff_s pandoc+lo_s ratio nap_MB lo_MB
declare -A NAPT NAPKB RATIO
for n in $SCALES; do
  in="$WORK/in$n"; out="$WORK/out$n"
  logged "$WORK/generate$n.log" "$NAP" generate --scale "$n" --out "$in"
  logged "$WORK/emit$n.log" "$NAP" build --inputs "$in" --out "$WORK/md$n" --emit markdown --force
  # Kept apart from $out (the timed builds below replace $out without the
  # Markdown): the plan's pandoc Markdown, whose figures are PNG files beside it.
  md="$WORK/md$n/1.0-draft/plani-i-veprimit.md"
  runs=${RUNS:-$([ "$n" = 1 ] && echo 10 || echo 3)}
  logged "$WORK/hf-nap$n.log" hyperfine -N --warmup 1 --runs "$runs" --export-json "$WORK/nap$n.json" \
    "$NAP build --inputs $in --out $out --force"
  logged "$WORK/hf-pandoc$n.log" hyperfine -N --warmup 1 --runs "$runs" --export-json "$WORK/pandoc$n.json" \
    "pandoc --resource-path $WORK/md$n/1.0-draft $md -o $WORK/pandoc$n.docx"
  nap_s=$(median "$WORK/nap$n.json"); pd_s=$(median "$WORK/pandoc$n.json")
  # The same content on both sides: pandoc's DOCX has nap's tables and figures.
  for what in '<w:tbl>' '<pic:pic'; do
    theirs=$(unzip -p "$WORK/pandoc$n.docx" word/document.xml | grep -o "$what" | wc -l)
    ours=$(unzip -p "$out/1.0-draft/plani-i-veprimit.docx" word/document.xml | grep -o "$what" | wc -l)
    [ "$theirs" = "$ours" ] || { echo "N=$n: pandoc's DOCX has $theirs $what, nap's $ours" >&2; exit 1; }
  done
  read -r _ nap_kb < <(time_peak "$NAP" build --inputs "$in" --out "$out" --force)
  if [ "$n" = 100 ]; then
    # One LibreOffice run takes minutes here: time it once, with its peak.
    read -r lo_s lo_kb < <(time_peak soffice "$LO_PROFILE" --headless --convert-to pdf --outdir "$WORK" "$WORK/pandoc$n.docx")
  else
    logged "$WORK/hf-lo$n.log" hyperfine -N --runs "$runs" --export-json "$WORK/lo$n.json" \
      "soffice $LO_PROFILE --headless --convert-to pdf --outdir $WORK $WORK/pandoc$n.docx"
    lo_s=$(median "$WORK/lo$n.json")
    read -r _ lo_kb < <(time_peak soffice "$LO_PROFILE" --headless --convert-to pdf --outdir "$WORK" "$WORK/pandoc$n.docx")
  fi
  [ -s "$WORK/pandoc$n.pdf" ] || { echo "LibreOffice wrote no PDF at N=$n" >&2; exit 1; }
  NAPT[$n]=$nap_s; NAPKB[$n]=$nap_kb
  RATIO[$n]=$(python3 -c "import sys; print((float(sys.argv[1])+float(sys.argv[2]))/float(sys.argv[3]))" "$pd_s" "$lo_s" "$nap_s")
  python3 - "$n" "$nap_s" "$pd_s" "$lo_s" "$nap_kb" "$lo_kb" <<'EOF'
import sys
n, nap, pd, lo, nkb, lkb = sys.argv[1], *map(float, sys.argv[2:])
print(f"{n:<4} {nap:10.3f} {pd:10.3f} {lo:12.3f} {pd+lo:12.3f} {(pd+lo)/nap:9.1f}x {nkb/1024:9.1f} {lkb/1024:9.1f}")
EOF
done

echo
verdict() { if python3 -c "import sys; sys.exit(0 if $1 else 1)"; then echo "met"; else echo "NOT met"; fi; }
if [ -n "${RATIO[1]:-}" ]; then
  printf 'target N=1 at least 20x faster than pandoc+LibreOffice: %.1fx, %s\n' "${RATIO[1]}" "$(verdict "${RATIO[1]} >= 20")"
fi
if [ -n "${NAPT[100]:-}" ]; then
  printf 'target N=100 under 10 s: %.2f s, %s\n' "${NAPT[100]}" "$(verdict "${NAPT[100]} < 10")"
  printf 'target N=100 under 1 GB peak: %.0f MB, %s\n' "$((NAPKB[100] / 1024))" "$(verdict "${NAPKB[100]} < 1024 * 1024")"
fi
if [ -n "${NAPT[10]:-}" ] && [ -n "${NAPT[100]:-}" ]; then
  g=$(python3 -c "import sys; print(float(sys.argv[2])/float(sys.argv[1]))" "${NAPT[10]}" "${NAPT[100]}")
  printf 'target time(N=100) at most 12x time(N=10): %.1fx, %s\n' "$g" "$(verdict "$g <= 12")"
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load after: $(uptime)"
