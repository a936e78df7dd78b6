#!/usr/bin/env bash
# Learning-curve comparison, fewgen vs the official Projected GAN loop (docs/quality.md): the same
# data, settings and seeds on both sides, every sample point scored by the same FID (fewgen's
# offline Inception and real-set statistics), written to OUT/curves.csv. Resumable: a side whose
# last point exists is skipped, so a run stopped by the end of a session continues where it was.
#
#   apt-get install python3-torch python3-torchvision libopenblas0-pthread
#   git clone https://github.com/autonomousvision/projected-gan /tmp/projected-gan
#   FEWGEN_WEIGHTS=../shared/weights bench/reference/learning_curves.sh /tmp/projected-gan builtin:shapes runs/curves-shapes
#
# Environment: SCORE_ONLY=1 (score the points that exist, train nothing), KIMG (20), EVERY (4 kimg between points), SEEDS ("0 1"), SAMPLES (256), and the
# demo's model: RES 64, GENERATOR dsc, DCONV dsc, DINPUT 128, NGF 32, BATCH 8. Run it alone on the
# machine (two CPU-heavy processes slow each other 5-40x): each side runs to the end before the next,
# or, with PARALLEL=1, both sides of a seed at once with one thread each (on 2 cores the fastest way).
# HOURS (0 = no limit) stops all training this much wall time after the start of this invocation;
# both sides save their state on the stop, and running the same command again continues them.
# SIDES ("fewgen official") trains only the sides named, so that two invocations can share a
# machine: SIDES=fewgen and SIDES=official at once, with THREADS=1 (one thread per process; the
# fewgen side through OMP_NUM_THREADS) and TRAIN_ONLY=1 (no scoring: score once at the end with
# SCORE_ONLY=1, since two scorers would write the same curves.csv).
# SIDES may also name "twin": the official loop started from fewgen's constructed state, with
# fewgen's batch order and per-step random seeds (TwinExport, learning_curve.py --twin), which
# separates fewgen's random choices from its arithmetic; it needs fewgen-core's test classes
# (mvn -o test-compile) and runs like the official side (PARALLEL pairs fewgen and official only).
set -euo pipefail
source "$(dirname "$0")/blas_check.sh"
repo="$1"; data="$2"; out="$3"
here="$(cd "$(dirname "$0")/../.." && pwd)"
KIMG="${KIMG:-20}"; EVERY="${EVERY:-4}"; SEEDS="${SEEDS:-0 1}"; SAMPLES="${SAMPLES:-256}"
RES="${RES:-64}"; GENERATOR="${GENERATOR:-dsc}"; DCONV="${DCONV:-dsc}"; DINPUT="${DINPUT:-128}"
NGF="${NGF:-32}"; BATCH="${BATCH:-8}"
inception="${FEWGEN_WEIGHTS:?set FEWGEN_WEIGHTS to the folder with inception_v3.nsfwjs.safetensors}/inception_v3.nsfwjs.safetensors"
fewgen="$here/fewgen"
mkdir -p "$out"
zip="$out/data-$RES.zip"
[ -f "$zip" ] || "$fewgen" data prepare "$data" --res "$RES" --out "$zip"
lscpu | grep -E "Model name|Flags" > "$out/machine.txt"   # the whole flag line: the bf16 flags come late

deadline=0
[ "${HOURS:-0}" != 0 ] && deadline=$(( $(date +%s) + $(python3 -c "print(int(${HOURS} * 3600))") ))
limit=()
set_limit() {   # timeout until the deadline; false when it has passed
  [ "$deadline" = 0 ] && return 0
  local left=$(( deadline - $(date +%s) ))
  [ "$left" -gt 0 ] && limit=(timeout --signal=INT "$left")
}
[ "${PARALLEL:-0}" = 1 ] && THREADS=1
threads=(); omp=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS") && omp=(env OMP_NUM_THREADS="$THREADS")
SIDES="${SIDES:-fewgen official}"
for side in $SIDES; do
  case "$side" in fewgen|official|twin) ;; *) echo "SIDES: unknown side '$side' (fewgen, official, twin)" >&2; exit 2 ;; esac
done
has_side() { [[ " $SIDES " == *" $1 "* ]]; }
"$fewgen" --version > /dev/null   # builds the jar once, before any training starts

fewgen_side() {   # a snapshot every EVERY kimg; the run folder is resumed when it exists
  local seed="$1" fdir="$out/fewgen-s$1" run
  run="$(ls -d "$fdir"/0*/ 2>/dev/null | head -1 || true)"
  if [ -z "$run" ]; then
    "${limit[@]}" "${omp[@]}" "$fewgen" gan train --data "$zip" --out "$fdir" --res "$RES" --generator "$GENERATOR" --d-conv "$DCONV" \
      --d-input "$DINPUT" --ngf "$NGF" --batch "$BATCH" --kimg "$KIMG" --snap "$EVERY" --seed "$seed" --device cpu
  elif [ "$(ls "$run"snapshot-*.safetensors 2>/dev/null | python3 -c "import os, sys
print(max([float(os.path.basename(l.strip())[len('snapshot-'):-len('.safetensors')]) for l in sys.stdin] or [0]) >= $KIMG)")" != True ]; then
    "${limit[@]}" "${omp[@]}" "$fewgen" gan train --resume "$run" --kimg "$KIMG"
  fi
}

official_loop() {   # seed out [extra options]: learning_curve.py, which continues from its state.pt
  local seed="$1" odir="$2"; shift 2
  "${limit[@]}" /usr/bin/python3 "$here/bench/reference/learning_curve.py" --repo "$repo" --data "$zip" \
    --weights "$here/fewgen-core/src/main/resources/models/mobilenetv2_100.nsfwjs.safetensors" \
    --res "$RES" --generator "$GENERATOR" --d-conv "$DCONV" --d-input "$DINPUT" --ngf "$NGF" --batch "$BATCH" \
    --kimg "$KIMG" --eval-every "$EVERY" --samples "$SAMPLES" --seed "$seed" --out "$odir" "${threads[@]}" "$@"
}
last_point_done() { ls -d "$1"/samples-"$(printf '%07.3f' "$KIMG")" >/dev/null 2>&1; }

official_side() {   # sample folders every EVERY kimg
  last_point_done "$out/official-s$1" || official_loop "$1" "$out/official-s$1"
}

twin_side() {   # the official loop with fewgen's random choices for this seed
  local seed="$1" tdir="$out/twin-s$1" choices
  choices="$tdir/fewgen-choices"
  if ! last_point_done "$tdir"; then
    local cp="$here/fewgen-cli/target/fewgen.jar:$here/fewgen-core/target/test-classes"
    [ -f "$here/fewgen-core/target/test-classes/org/fewgen/train/TwinExport.class" ] \
      || { echo "twin: build the test classes first (mvn -o -q test-compile)" >&2; return 1; }
    [ -f "$choices/meta.txt" ] || java -cp "$cp" org.fewgen.train.TwinExport "$zip" "$choices" --seed "$seed" \
      --steps "$(python3 -c "import math; print(math.ceil($KIMG * 1000 / $BATCH - 1e-9))")" --res "$RES" \
      --generator "$GENERATOR" --d-conv "$DCONV" --d-input "$DINPUT" --ngf "$NGF" --batch "$BATCH"
    official_loop "$seed" "$tdir" --twin "$choices"
  fi
}

for seed in $SEEDS; do
  [ "${SCORE_ONLY:-0}" = 1 ] && break   # score the points that exist, train nothing
  set_limit || { echo "HOURS=$HOURS reached: scoring what exists; run again to continue"; break; }
  # exit status 124 is timeout's: a HOURS stop, after which both sides have saved their state
  if [ "${PARALLEL:-0}" = 1 ] && has_side fewgen && has_side official; then
    fewgen_side "$seed" > "$out/fewgen-s$seed.log" 2>&1 & f=$!
    official_side "$seed" > "$out/official-s$seed.log" 2>&1 & o=$!
    wait "$f" || [ $? = 124 ] || { echo "fewgen side failed: $out/fewgen-s$seed.log" >&2; exit 1; }
    wait "$o" || [ $? = 124 ] || { echo "official side failed: $out/official-s$seed.log" >&2; exit 1; }
  else
    if has_side fewgen; then fewgen_side "$seed" || [ $? = 124 ]; fi
    if has_side official; then official_side "$seed" || [ $? = 124 ]; fi
  fi
  if has_side twin; then twin_side "$seed" || [ $? = 124 ]; fi
done
[ "${TRAIN_ONLY:-0}" = 1 ] && exit 0

# every point through the same FID: fewgen snapshots with `gan fid`, official samples with `metrics fid`;
# each point's result is kept in OUT/fid/ so that a rerun scores only new points
mkdir -p "$out/fid"
for seed in $SEEDS; do
  run="$(ls -d "$out/fewgen-s$seed"/0*/ 2>/dev/null | head -1 || true)"
  for snap in "$run"snapshot-*.safetensors; do
    [ -n "$run" ] && [ -f "$snap" ] || continue
    name="$(basename "$snap" .safetensors)"; kimg="$(python3 -c "print(float('${name#snapshot-}'))")"
    # a snapshot written by a stop (HOURS, Ctrl-C) lies between two points: the curve skips it
    python3 -c "k=$kimg; import sys; sys.exit(0 if abs(k/$EVERY - round(k/$EVERY)) < 1e-6 or abs(k - $KIMG) < 1e-6 else 1)" || continue
    point="$out/fid/fewgen-s$seed-$kimg.json"
    [ -f "$point" ] || "$fewgen" gan fid --checkpoint "$snap" --data "$zip" --num "$SAMPLES" --inception-weights "$inception" \
      --device cpu --json "$point" > /dev/null
  done
  for folder in "$out/official-s$seed"/samples-* "$out/twin-s$seed"/samples-*; do
    [ -d "$folder" ] || continue
    side="$(basename "$(dirname "$folder")")"; side="${side%-s*}"
    name="$(basename "$folder")"; kimg="$(python3 -c "print(float('${name#samples-}'))")"
    point="$out/fid/$side-s$seed-$kimg.json"
    [ -f "$point" ] || "$fewgen" metrics fid --real "$zip" --fake "$folder" --res "$RES" \
      --inception-weights "$inception" --device cpu --json "$point" > /dev/null
  done
done
# curves.csv holds every point scored in OUT/fid/, of the seeds named now and of earlier invocations
# (SEEDS="4 5" SCORE_ONLY=1 must not drop seeds 0-3 from the file)
csv="$out/curves.csv"
python3 - "$out/fid" > "$csv.tmp" <<'PY'
import json, os, re, sys
rows = []
for name in os.listdir(sys.argv[1]):
    m = re.fullmatch(r"(.+)-s(\d+)-([0-9.]+)\.json", name)
    if m:
        fid = json.load(open(os.path.join(sys.argv[1], name)))["fid"]
        rows.append((m[1], int(m[2]), float(m[3]), fid))
print("side,seed,kimg,fid")
for side, seed, kimg, fid in sorted(rows):
    print(f"{side},{seed},{kimg},{fid}")
PY
mv "$csv.tmp" "$csv"
cat "$csv"

# FID and D's logits vs kimg (curves.png) and the samples side by side (grids.png)
/usr/bin/python3 "$here/bench/reference/plot_curves.py" "$out" --title "${TITLE:-$data, ${RES}x$RES}" \
  || echo "no plots (they need python3-matplotlib and python3-pil)"
