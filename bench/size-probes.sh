#!/usr/bin/env bash
# Builds the sample plan with one dimension blown up at a time and prints how
# long `nap build` takes and its peak memory: a search for costs that grow
# faster than the input (issue 7, "no quadratic passes"). The scaled plans of
# bench/compare.sh grow commitments, milestones, comments and analysis length
# together; these probes grow what they do not (the template's length, one
# paragraph, one word, nesting, columns, abbreviations, phases, links).
# Results: docs/performance.md, "Ninth session". Needs python3 and GNU time.
#
#   bench/size-probes.sh            # every probe, one run each (~1 minute)
#   bench/size-probes.sh template   # the probes whose name contains "template"
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/nap-size-probes}
ONLY=${1:-}
export SOURCE_DATE_EPOCH=1607990400
for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
cargo build --release --quiet
NAP=$PWD/target/release/nap
rm -rf "$WORK" && mkdir -p "$WORK"

# probe NAME: makes $WORK/NAME/{inputs,templates} from the sample and lets
# the Python snippet on stdin change them (variables `inputs`, `templates`).
probe() {
  local name=$1 dir=$WORK/$1
  [[ -z $ONLY || $name == *$ONLY* ]] || { cat >/dev/null; return 0; }
  mkdir -p "$dir" && cp -r inputs "$dir/inputs" && cp -r templates "$dir/templates"
  python3 - "$dir/inputs" "$dir/templates" <<<"import json, sys
inputs, templates = sys.argv[1], sys.argv[2]
analysis = inputs + '/areas/antikorrupsioni/situation-analysis.md'
def append(path, text):
    open(path, 'a', encoding='utf-8').write('\n\n' + text + '\n')
def edit_json(path, change):
    data = json.load(open(path, encoding='utf-8'))
    change(data)
    json.dump(data, open(path, 'w', encoding='utf-8'), ensure_ascii=False)
$(cat)"
  local status=0
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$NAP" build --inputs "$dir/inputs" \
    --templates "$dir/templates" --out "$dir/out" --force >"$dir/log.txt" 2>&1 || status=$?
  # GNU time puts "Command exited with non-zero status N" first on failure.
  read -r secs kb < <(tail -n 1 "$dir/time.txt") || true
  if [[ $status == 0 ]]; then result="built"; else result="refused: $(grep -m1 '^error' "$dir/log.txt" | sed -E 's/^error: [^ ]*:[0-9]+(:[0-9]+)?: //' | cut -c1-60)"; fi
  printf '%-28s %7s s %6s MB  %s\n' "$name" "$secs" "$((kb / 1024))" "$result"
}

printf '%-28s %9s %9s  %s\n' probe time peak outcome
probe template-240kb <<'PY'
append(templates + '/plani-i-veprimit.md.hbs', ''.join(
    'Rresht %d: {{plan.title}} dhe {{#if plan.version}}v{{plan.version}}{{/if}}\n\n' % i
    for i in range(3000)))
PY
probe template-if-2000-deep <<'PY'
append(templates + '/plani-i-veprimit.md.hbs', '{{#if plan.title}}' * 2000 + 'x' + '{{/if}}' * 2000)
PY
probe paragraph-40000-words <<'PY'
words = open(analysis, encoding='utf-8').read().split()
append(analysis, ' '.join(words[i % len(words)] for i in range(40000)))
PY
probe word-60000-chars <<'PY'
append(analysis, 'a' * 60000)
PY
probe quotes-500-lists-300-deep <<'PY'
append(analysis, '\n'.join('>' * i + ' teksti' for i in range(1, 500)))
append(analysis, '\n'.join('  ' * i + '- pika' for i in range(300)))
PY
probe table-200-columns <<'PY'
n = 200
append(analysis, '|' + '|'.join('k%d' % i for i in range(n)) + '|\n|' + '|'.join('---' for _ in range(n))
       + '|\n' + ('|' + '|'.join('x' for _ in range(n)) + '|\n') * 5)
PY
probe table-10000-rows <<'PY'
append(analysis, '|a|b|\n|-|-|\n' + '|x|y|\n' * 10000)
PY
probe markdown-30000-stars <<'PY'
append(analysis, '*a ' * 30000)
PY
probe markdown-30000-brackets <<'PY'
append(analysis, '[' * 30000 + 'a' + ']' * 10)
PY
probe links-10000 <<'PY'
append(analysis, ''.join('[l%d](http://e.al/%d) ' % (i, i) for i in range(10000)))
PY
probe milestones-2000 <<'PY'
def more(c):
    m0 = c[0]['milestones'][0]
    c[0]['milestones'] = [dict(m0, id='AL0065.%d' % (i + 1), text=m0['text'] + ' (%d)' % i) for i in range(2000)]
edit_json(inputs + '/areas/antikorrupsioni/commitments.json', more)
PY
probe abbreviations-3000 <<'PY'
def more(a):
    for i in range(3000):
        a['AB%04dX' % i] = 'Shkurtim numër %d' % i
edit_json(templates + '/data/abbreviations.json', more)
PY
for n in 200 800; do
probe "phases-$n" <<PY
def more(d):
    ph = d['phases']
    d['phases'] = [dict(ph[i % len(ph)]) for i in range($n)]
    for i, x in enumerate(d['phases']):
        if 'id' in x:
            x['id'] = 'faza-%d' % i
edit_json(inputs + '/process/process.json', more)
PY
done
