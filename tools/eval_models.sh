#!/usr/bin/env bash
# tools/eval_models.sh — the model cards' evaluation, one command (issues 4 and 8).
#
#   tools/eval_models.sh [--limit N] [--threads N] [--jamtool PATH] [--models DIR]
#                        [--data TEST.jsonl] [--out DIR] [--work DIR]
#                        [--conditions cold,primed,transposed] [--reuse] MODEL_ID...
#   tools/eval_models.sh --limit 200 online online-web offline
#
# For every MODEL_ID (a folder of --models, default models/):
#   online models (config.json "arch": "online"): `jamtool simulate` plays each held-out test
#     melody through the planner one frame at a time — lookahead 1, commit 1, silence 0, no warm
#     start, temperature 1, seed 0 (the setting of models/online's table and of the ReaLchords
#     paper) — then `jamtool metrics --reference` against the same test songs. That run is also
#     the adaptation condition (a) "cold"; two more runs give (b) "primed": --prime-beats 8 (the
#     first 8 beats are the song's own chords and melody) and (c) "transposed": the melody moves
#     by a tritone (+6) from beat 17 on.
#   offline models: `jamtool harmonize TEST.jsonl OUT.jsonl` (whole-melody generation, seed 0,
#     temperature 1) then the same metrics; only the cold curve (it is not a live agent).
# Writes models/<id>/eval/:
#   metrics.json                    jamtool metrics of the main run (with "reference" = test set)
#   adaptation_{cold,primed,transposed}.csv   per-beat note-in-chord (beat, mean, songs, ...)
#   adaptation_truth.csv            the same curve for the test songs themselves
#   table.md                        Markdown header + this model's row + the ground-truth row
#   adaptation.png                  training/plot_eval.py (when matplotlib is installed)
#   run.json                        what was run: limit, seed, jamtool summaries
# --conditions runs a subset (metrics.json and table.md come with "cold"); separate invocations
# for different conditions may run in parallel, and run.json/adaptation.png then cover every
# condition found in the work folder. --reuse keeps a simulated JSONL of the work folder that is
# newer than the model and the test file instead of simulating again.
# (--out DIR writes DIR/<id>/ instead.) Intermediate files (simulated JSONL, the test subset) go
# under build/eval/ (--work DIR).
#
# Test data: build/data/test.jsonl (written by `jamtool dataset --out build/data`, the split the
# models were trained against, see the cards). When it is missing the script builds its own copy
# with the same command into build/eval/data from ../shared/data; --data FILE uses another song
# file. --limit N keeps the first N test songs (0 = all 2204; the online card used 500).
# Everything runs under `nice`; jamtool is build/native/bin/jamtool unless --jamtool / $JAMTOOL.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LIMIT=0
THREADS=2
JAMTOOL=${JAMTOOL:-}
MODELS=models
DATA=
OUT_ROOT=
EVAL=build/eval
CONDITIONS=cold,primed,transposed
REUSE=0
PY=${PYTHON:-/usr/bin/python3}
ids=()
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) LIMIT=${2:?}; shift 2 ;;
    --threads) THREADS=${2:?}; shift 2 ;;
    --jamtool) JAMTOOL=${2:?}; shift 2 ;;
    --models) MODELS=${2:?}; shift 2 ;;
    --data) DATA=${2:?}; shift 2 ;;
    --out) OUT_ROOT=${2:?}; shift 2 ;;
    --work) EVAL=${2:?}; shift 2 ;;
    --conditions) CONDITIONS=${2:?}; shift 2 ;;
    --reuse) REUSE=1; shift ;;
    -h|--help) usage ;;
    --*) echo "eval_models: unknown option $1" >&2; usage ;;
    *) ids+=("$1"); shift ;;
  esac
done
[ ${#ids[@]} -gt 0 ] || usage
[[ "$LIMIT" =~ ^[0-9]+$ && "$THREADS" =~ ^[1-9][0-9]*$ ]] || { echo "eval_models: --limit/--threads must be numbers" >&2; exit 2; }
if [ -z "$JAMTOOL" ]; then
  for c in build/native/bin/jamtool build/dev-eval/bin/jamtool; do
    [ -x "$c" ] && { JAMTOOL=$c; break; }
  done
fi
[ -n "$JAMTOOL" ] && [ -x "$JAMTOOL" ] || { echo "eval_models: no jamtool binary (run ./jam build, or --jamtool PATH)" >&2; exit 1; }
log() { printf '%s [eval] %s\n' "$(date '+%T')" "$*" >&2; }
run() { nice -n 10 "$@"; }

# --- test split ------------------------------------------------------------------------------
mkdir -p "$EVAL"
if [ -n "$DATA" ]; then
  [ -f "$DATA" ] || { echo "eval_models: no $DATA" >&2; exit 1; }
  TEST_ALL=$DATA
elif [ -f build/data/test.jsonl ]; then
  TEST_ALL=build/data/test.jsonl
else
  TEST_ALL=$EVAL/data/test.jsonl
  if [ ! -f "$EVAL/data/READY" ]; then
    log "no build/data/test.jsonl: jamtool dataset --out $EVAL/data (from ../shared/data)"
    run "$JAMTOOL" dataset --out "$EVAL/data" >&2
    touch "$EVAL/data/READY"
  fi
fi
TAG=all
[ "$LIMIT" -gt 0 ] && TAG=$LIMIT
[ -n "$DATA" ] && TAG=$(basename "$DATA" .jsonl)_$TAG
TEST=$EVAL/test$TAG.jsonl
if [ ! -s "$TEST" ] || [ "$TEST_ALL" -nt "$TEST" ]; then
  if [ "$LIMIT" -gt 0 ]; then head -n "$LIMIT" "$TEST_ALL" > "$TEST.tmp"; else cp "$TEST_ALL" "$TEST.tmp"; fi
  mv "$TEST.tmp" "$TEST"
fi
NSONGS=$(wc -l < "$TEST")
TRUTH=$EVAL/truth_$TAG
mkdir -p "$TRUTH"
run "$JAMTOOL" metrics "$TEST" --out "$TRUTH/metrics.json" --per-beat "$TRUTH/adaptation.csv"
log "test songs: $NSONGS ($TEST); jamtool: $JAMTOOL"

# --- Markdown row from a metrics.json (with "reference") --------------------------------------
table_md() {  # metrics.json label truth_label
  "$PY" - "$@" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
def row(label, x, emd):
    return ("| {} | {:.3f} | {:.1f}% | {:.2f} | {:.1f}% | {:.1f} | {:.2f} | {:.2f} | {} |".format(
        label, x["note_in_chord_ratio"], 100 * x["chord_silence_ratio"], x["chord_length_entropy"],
        100 * x["long_chord_ratio"], x["chords_per_song"], x["distinct_chords_per_song"],
        x.get("chord_symbol_entropy", float("nan")), emd))
emd = m.get("onset_interval_emd")
print("| | note-in-chord | chord silence ratio | chord-length entropy (nats) | long chords (> 32 frames)"
      " | chords / song | distinct chords / song | chord-symbol entropy (nats) | onset-interval EMD vs test |")
print("|---|---|---|---|---|---|---|---|---|")
print(row(sys.argv[2], m, "n/a" if emd is None else "{:.2f}".format(emd)))
print(row(sys.argv[3], m["reference"], "0"))
EOF
}

# --- per model ---------------------------------------------------------------------------------
status=0
for id in "${ids[@]}"; do
  dir=$MODELS/$id
  if [ ! -f "$dir/config.json" ] || [ ! -f "$dir/model.jamw" ]; then
    log "$id: no $dir/config.json + model.jamw, skipped"; status=1; continue
  fi
  arch=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("arch","online"))' "$dir/config.json")
  out=$dir/eval
  [ -n "$OUT_ROOT" ] && out=$OUT_ROOT/$id
  work=$EVAL/$id
  mkdir -p "$out" "$work"
  common=(--models "$MODELS" --model "$id" --data "$TEST" --lookahead 1 --commit 1 --silence 0
          --temperature 1 --seed 0 --no-warm-start --threads "$THREADS")
  t0=$(date +%s)
  IFS=, read -r -a conditions <<< "$CONDITIONS"
  if [ "$arch" = offline ]; then
    conditions=(cold)  # not a live agent: no priming / transposition
    log "$id: harmonize $NSONGS songs (offline model, whole melody)"
    s=$(run "$JAMTOOL" harmonize "$TEST" "$work/cold.jsonl" --models "$MODELS" --model "$id" --seed 0 --temperature 1)
    echo "$s" > "$work/cold.summary.json"
  else
    for c in "${conditions[@]}"; do
      extra=()
      case "$c" in
        cold) ;;
        primed) extra=(--prime-beats 8) ;;
        transposed) extra=(--transpose-at-beat 17 --transpose 6) ;;
        *) echo "eval_models: unknown condition $c" >&2; exit 2 ;;
      esac
      if [ "$REUSE" = 1 ] && [ "$work/$c.jsonl" -nt "$dir/model.jamw" ] && [ "$work/$c.jsonl" -nt "$TEST" ]; then
        log "$id: $c: reusing $work/$c.jsonl"
        [ -f "$work/$c.summary.json" ] || echo '{"reused": true}' > "$work/$c.summary.json"
        continue
      fi
      log "$id: simulate $c ($NSONGS songs, lookahead 1, commit 1${extra:+, ${extra[*]}})"
      s=$(run "$JAMTOOL" simulate "${common[@]}" "${extra[@]}" --out "$work/$c.jsonl.tmp")
      mv "$work/$c.jsonl.tmp" "$work/$c.jsonl"
      echo "$s" > "$work/$c.summary.json"
    done
  fi
  for c in "${conditions[@]}"; do
    if [ "$c" = cold ]; then
      run "$JAMTOOL" metrics "$work/cold.jsonl" --reference "$TEST" --out "$out/metrics.json" \
        --per-beat "$out/adaptation_cold.csv"
    else
      run "$JAMTOOL" metrics "$work/$c.jsonl" --out "$work/$c.metrics.json" \
        --per-beat "$out/adaptation_$c.csv"
    fi
  done
  cp "$TRUTH/adaptation.csv" "$out/adaptation_truth.csv"
  if [[ " ${conditions[*]} " == *" cold "* ]]; then
    table_md "$out/metrics.json" "**$id**" "ground truth (same $NSONGS songs)" > "$out/table.md"
  fi
  summaries=()
  for c in cold primed transposed; do
    [ -f "$work/$c.summary.json" ] && summaries+=("\"$c\": $(cat "$work/$c.summary.json")")
  done
  {
    printf '{"model": "%s", "arch": "%s", "test": "%s", "songs": %s, "limit": %s, "seed": 0,\n' \
      "$id" "$arch" "$TEST" "$NSONGS" "$LIMIT"
    printf ' "settings": "lookahead 1, commit 1, silence 0, no warm start, temperature 1",\n'
    printf ' "conditions": {"cold": "as settings", "primed": "--prime-beats 8", "transposed": "--transpose-at-beat 17 --transpose 6"},\n'
    printf ' "seconds": %s, "date": "%s",\n' "$(( $(date +%s) - t0 ))" "$(date -u +%FT%TZ)"
    printf ' "runs": {%s}}\n' "$(IFS=,; echo "${summaries[*]}")"
  } > "$out/run.json"
  if "$PY" -c 'import matplotlib' 2>/dev/null; then
    run "$PY" training/plot_eval.py "$out" --title "$id ($NSONGS test songs)" || status=1
  else
    log "$id: matplotlib missing (apt python3-matplotlib): no adaptation.png"
  fi
  log "$id: done in $(( $(date +%s) - t0 )) s -> $out"
  [ -f "$out/table.md" ] && cat "$out/table.md"
done
exit $status
