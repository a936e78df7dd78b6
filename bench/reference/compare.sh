#!/usr/bin/env bash
# Side by side on this machine: the official projected-gan step (reference) and fewgen's, one
# configuration at a time and alternating, each in a fresh process (so each peak memory is its
# own and slow drifts of the machine hit both alike). Prints fewgen/reference per round and the
# reference's own tables (fewgen's are in each OUT_DIR/fewgen-*.log).
#
#   apt-get install python3-torch python3-torchvision libopenblas0-pthread     # PyTorch 1.13 (Debian 12)
#   git clone https://github.com/autonomousvision/projected-gan /tmp/projected-gan
#   bench/reference/compare.sh /tmp/projected-gan /tmp/compare 64x8,64x16,256x4 6 3
#
# ROUNDS (the fifth argument, default 1) repeats the whole alternation; each round swaps which of
# the two runs first, and the summary gives every round's fewgen/reference ratio and their median.
# On a shared VM whose speed drifts by tens of percent within minutes, one round can put a single
# configuration on either side of a target; the median over rounds, of ratios taken minutes apart
# from each other, is what to compare.
#
# PRECISION (default fp32) is passed to fewgen's --precision: PRECISION=fp32,bf16 runs fewgen's
# step in both precisions in one process (side by side) against the reference's fp32 step, and the
# summary gives one row per fewgen precision. FEWGEN_FLOPS=1 lets fewgen count FLOPs in one extra
# untimed step (for its GFLOP/s and % of peak columns).
#
# malloc: fewgen runs through its launcher, which sets GLIBC_TUNABLES (NativeMalloc.java); the
# reference runs with glibc's defaults, as `python train.py` does, unless REFERENCE_GLIBC_TUNABLES
# gives it a setting (e.g. fewgen's, to see what the same change does for PyTorch).
set -euo pipefail
source "$(dirname "$0")/blas_check.sh"
usage="usage: compare.sh PROJECTED_GAN_CHECKOUT OUT_DIR [SIZES] [STEPS] [ROUNDS]"
repo=${1:?$usage}
out=${2:?$usage}
sizes=${3:-64x8,64x16,256x4}
steps=${4:-8}
rounds=${5:-1}
python=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"

reference() {  # size generator round
  echo "== round $3, $1 $2: reference" >&2
  env -u GLIBC_TUNABLES ${REFERENCE_GLIBC_TUNABLES:+GLIBC_TUNABLES=$REFERENCE_GLIBC_TUNABLES} \
    "$python" "$here/projected_gan_step.py" --repo "$repo" --sizes "$1" --generator "$2" --steps "$steps" \
    --warmup 2 --json "$out/reference-$1-$2-r$3.json" > "$out/reference-$1-$2-r$3.log"
}
fewgen() {  # size generator round
  echo "== round $3, $1 $2: fewgen" >&2
  "$root/fewgen" bench gan --sizes "$1" --generator "$2" --steps "$steps" --warmup 2 \
    $( [ -n "${FEWGEN_FLOPS:-}" ] || echo --no-flops ) \
    --precision "${PRECISION:-fp32}" \
    --json "$out/fewgen-$1-$2-r$3.json" > "$out/fewgen-$1-$2-r$3.log" 2>&1
}

for round in $(seq 1 "$rounds"); do
  for size in ${sizes//,/ }; do
    for g in conv dsc; do
      if (( round % 2 == 1 )); then
        reference "$size" "$g" "$round"; fewgen "$size" "$g" "$round"
      else
        fewgen "$size" "$g" "$round"; reference "$size" "$g" "$round"
      fi
    done
  done
done
"$python" "$here/compare_summary.py" "$out" "$sizes" "$rounds"
echo
echo "reference, every run (step times and phases):"
"$python" "$here/projected_gan_step.py" --repo "$repo" --from-json "$out/reference.json"
