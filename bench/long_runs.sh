#!/usr/bin/env bash
# The seed paper's claim on a real few-shot set (docs/quality.md, "Long runs"): a conv and a dsc
# generator trained for hours with everything else equal, FID vs kimg for both, grids at equal kimg,
# and how long each took.
#
# The two runs train AT THE SAME TIME, one thread each (OMP_NUM_THREADS=1): on a 2-core machine
# both then see the same machine for the same hours, so their wall times per kimg compare directly
# (run one after the other, a drift of a shared VM would land on one of them only). Each run
# snapshots every EVERY kimg; the script is resumable (a stopped run continues from its last
# snapshot with `gan train --resume`), so it can span sessions:
#
#   FEWGEN_DATA=../shared/data FEWGEN_WEIGHTS=../shared/weights HOURS=2 bench/long_runs.sh mnist:500 runs/long-mnist
#   FEWGEN_WEIGHTS=../shared/weights SCORE=1 bench/long_runs.sh mnist:500 runs/long-mnist   # FID of every snapshot, plots
#
# Environment: HOURS (2: stop each run after this much wall time in this invocation; 0 = no
# limit), KIMG (1000: the length the runs are configured for), EVERY (4 kimg between snapshots),
# NGF (32), BATCH (8), RES (64), DINPUT (128), DCONV (dsc), SEED (0), SAMPLES (1000 fakes per FID);
# with SCORE=1, snapshots already in fid.csv keep their row unless RESCORE=1, and DIGITS=1 also counts
# the digits of 256 samples of every scored snapshot (bench/digit_classes.py, MNIST-like data only).
set -euo pipefail
data="${1:?usage: long_runs.sh DATA OUT}"; out="${2:?usage: long_runs.sh DATA OUT}"
here="$(cd "$(dirname "$0")/.." && pwd)"; fewgen="$here/fewgen"
HOURS="${HOURS:-2}"; KIMG="${KIMG:-1000}"; EVERY="${EVERY:-4}"; NGF="${NGF:-32}"; BATCH="${BATCH:-8}"
RES="${RES:-64}"; DINPUT="${DINPUT:-128}"; DCONV="${DCONV:-dsc}"; SEED="${SEED:-0}"; SAMPLES="${SAMPLES:-1000}"
mkdir -p "$out"
zip="$out/data-$RES.zip"
[ -f "$zip" ] || "$fewgen" data prepare "$data" --res "$RES" --out "$zip"
"$fewgen" --version > /dev/null   # builds the jar once, before the two runs start

if [ "${SCORE:-0}" = 1 ]; then
  inception="${FEWGEN_WEIGHTS:?set FEWGEN_WEIGHTS for the Inception weights}/inception_v3.nsfwjs.safetensors"
  # rows of an earlier SCORE run are kept (FID of 1000 samples takes about 80 s per snapshot on 2
  # cores); RESCORE=1 scores every snapshot again. fid.csv itself is replaced only at the end.
  csv="$out/fid.csv"; echo "generator,kimg,fid,train_seconds" > "$csv.tmp"
  keep=0; [ "${RESCORE:-0}" = 1 ] || [ ! -f "$csv" ] || keep=1
  scored=()   # "generator kimg snapshot" of every row, for DIGITS
  for g in conv dsc; do
    run="$(ls -d "$out/$g"/0*/ | head -1)"
    last="$(ls "$run"snapshot-*.safetensors | tail -1)"
    for snap in "$run"snapshot-*.safetensors; do
      name="$(basename "$snap" .safetensors)"; kimg="$(python3 -c "print(float('${name#snapshot-}'))")"
      # snapshots written by a stop (HOURS, Ctrl-C) lie between the EVERY points: only the last is scored
      [ "$snap" = "$last" ] || python3 -c "import sys; k=$kimg/$EVERY; sys.exit(0 if abs(k - round(k)) < 1e-6 else 1)" || continue
      scored+=("$g $kimg $snap")
      row=""; [ "$keep" = 0 ] || row="$(awk -F, -v g="$g" -v k="$kimg" '$1 == g && $2 == k { print; exit }' "$csv")"
      if [ -n "$row" ]; then echo "$row" >> "$csv.tmp"; continue; fi
      "$fewgen" gan fid --checkpoint "$snap" --data "$zip" --num "$SAMPLES" --inception-weights "$inception" \
        --device cpu --json "$out/fid.json" > /dev/null
      secs="$(python3 - "$run/metrics.jsonl" "$kimg" <<'PY'
import json, sys
best = None
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if "seconds" in o and "kimg" in o and "event" not in o and o["kimg"] <= float(sys.argv[2]) + 1e-9:
        best = o["seconds"]
print(best if best is not None else "")
PY
)"
      echo "$g,$kimg,$(python3 -c "import json;print(json.load(open('$out/fid.json'))['fid'])"),$secs" >> "$csv.tmp"
    done
  done
  mv "$csv.tmp" "$csv"; cat "$csv"
  if [ "${DIGITS:-0}" = 1 ]; then
    # which digits each scored snapshot draws: 256 EMA samples through bench/digit_classes.py's
    # MNIST classifier (needs FEWGEN_DATA with MNIST the first time, PyTorch, Pillow)
    folders=()
    for entry in "${scored[@]}"; do
      read -r g kimg snap <<< "$entry"
      dir="$out/samples/$g-$kimg"
      [ -d "$dir" ] || "$fewgen" gan generate --checkpoint "$snap" --seeds 0-255 --out "$dir" --device cpu > /dev/null
      folders+=("$dir")
    done
    /usr/bin/python3 "$here/bench/digit_classes.py" --json "$out/digits.json" "${folders[@]}"
  fi
  # FID vs kimg and vs hours, grids at equal kimg, and the table (long-runs.png, -grids.png, .md)
  /usr/bin/python3 "$here/bench/plot_long_runs.py" "$out" --title "${TITLE:-$data, ${RES}x$RES}" \
    || echo "no plots (they need python3-matplotlib and python3-pil)"
  exit 0
fi

lscpu | grep -E "Model name|Flags" > "$out/machine.txt"   # the whole flag line: the bf16 flags come late
limit=()
[ "$HOURS" != 0 ] && limit=(timeout --signal=INT "$(python3 -c "print(int($HOURS * 3600))")")
for g in conv dsc; do
  (
    run="$(ls -d "$out/$g"/0*/ 2>/dev/null | head -1 || true)"
    if [ -z "$run" ]; then
      OMP_NUM_THREADS=1 "${limit[@]}" "$fewgen" gan train --data "$zip" --out "$out/$g" --res "$RES" --generator "$g" \
        --d-conv "$DCONV" --d-input "$DINPUT" --ngf "$NGF" --batch "$BATCH" --kimg "$KIMG" --snap "$EVERY" \
        --seed "$SEED" --device cpu --log-every 50
    else
      OMP_NUM_THREADS=1 "${limit[@]}" "$fewgen" gan train --resume "$run" --kimg "$KIMG"
    fi
  ) > "$out/$g.log" 2>&1 &
done
wait || true   # timeout's SIGINT makes gan train save a snapshot and stop: a normal end here
grep -h "snapshot" "$out"/conv.log "$out"/dsc.log | tail -4
