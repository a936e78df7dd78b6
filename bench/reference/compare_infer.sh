#!/usr/bin/env bash
# Sampling and FID-embedding throughput side by side on this machine, in alternating rounds: fewgen's
# `bench gan --infer` (EMA-style generator forward without gradients, Inception v3 pool3 embedding with
# its resize) and bench/reference/infer_reference.py (the official FastGAN-lite generator and
# torchvision's Inception v3, the same sizes, batches and threads), each in a fresh process.
#
#   FEWGEN_WEIGHTS=../shared/weights bench/reference/compare_infer.sh /tmp/projected-gan /tmp/infer 64x16,256x8 5 3
#
# Arguments: checkout, OUT_DIR, SIZES (RESxBATCH,...), REPS (timed batches per process, after 2
# warm-up), ROUNDS (default 3; each round swaps which side runs first). PRECISION (default fp32)
# goes to both sides. As compare.sh, for a VM whose speed drifts within minutes: the median over
# rounds of the per-round fewgen/reference ratios is the figure to read (compare_summary.py --infer).
set -euo pipefail
source "$(dirname "$0")/blas_check.sh"
usage="usage: compare_infer.sh PROJECTED_GAN_CHECKOUT OUT_DIR [SIZES] [REPS] [ROUNDS]"
repo=${1:?$usage}
out=${2:?$usage}
sizes=${3:-64x16,256x8}
reps=${4:-5}
rounds=${5:-3}
precision=${PRECISION:-fp32}
python=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"

reference() {  # round
  echo "== round $1: reference" >&2
  env -u GLIBC_TUNABLES "$python" "$here/infer_reference.py" --repo "$repo" --sizes "$sizes" --generator conv,dsc \
    --precision "$precision" --reps "$reps" --warmup 2 --json "$out/reference-infer-r$1.json" \
    > "$out/reference-infer-r$1.log"
}
fewgen() {  # round
  echo "== round $1: fewgen" >&2
  "$root/fewgen" bench gan --infer --sizes "$sizes" --generator conv,dsc --precision "$precision" \
    --steps "$reps" --warmup 2 --json "$out/fewgen-infer-r$1.json" > "$out/fewgen-infer-r$1.log" 2>&1
}

for round in $(seq 1 "$rounds"); do
  if (( round % 2 == 1 )); then reference "$round"; fewgen "$round"; else fewgen "$round"; reference "$round"; fi
done
"$python" "$here/compare_summary.py" --infer "$out" "$rounds"
