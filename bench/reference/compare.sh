#!/usr/bin/env bash
# Side by side on this machine: the official projected-gan step (reference) and fewgen's, one
# configuration at a time and alternating, each in a fresh process (so each peak memory is its
# own and slow drifts of the machine hit both alike). Prints both tables and fewgen/reference.
#
#   apt-get install python3-torch python3-torchvision     # PyTorch 1.13 (Debian 12)
#   git clone https://github.com/autonomousvision/projected-gan /tmp/projected-gan
#   bench/reference/compare.sh /tmp/projected-gan /tmp/compare 64x8,64x16,256x4 8
#
# malloc: fewgen runs through its launcher, which sets GLIBC_TUNABLES (NativeMalloc.java); the
# reference runs with glibc's defaults, as `python train.py` does, unless REFERENCE_GLIBC_TUNABLES
# gives it a setting (e.g. fewgen's, to see what the same change does for PyTorch).
set -euo pipefail
repo=${1:?usage: compare.sh PROJECTED_GAN_CHECKOUT OUT_DIR [SIZES] [STEPS]}
out=${2:?usage: compare.sh PROJECTED_GAN_CHECKOUT OUT_DIR [SIZES] [STEPS]}
sizes=${3:-64x8,64x16,256x4}
steps=${4:-8}
python=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"
for size in ${sizes//,/ }; do
  for g in conv dsc; do
    echo "== $size $g: reference" >&2
    env -u GLIBC_TUNABLES ${REFERENCE_GLIBC_TUNABLES:+GLIBC_TUNABLES=$REFERENCE_GLIBC_TUNABLES} \
      "$python" "$here/projected_gan_step.py" --repo "$repo" --sizes "$size" --generator "$g" --steps "$steps" \
      --warmup 2 --json "$out/reference-$size-$g.json" > "$out/reference-$size-$g.log"
    echo "== $size $g: fewgen" >&2
    "$root/fewgen" bench gan --sizes "$size" --generator "$g" --steps "$steps" --warmup 2 --no-flops \
      --json "$out/fewgen-$size-$g.json" > "$out/fewgen-$size-$g.log" 2>&1
  done
done
"$python" - "$out" "$sizes" <<'PY'
import json, sys
out, sizes = sys.argv[1], sys.argv[2].split(",")
ref, mine = [], None
for size in sizes:
    for g in ("conv", "dsc"):
        ref += json.load(open(f"{out}/reference-{size}-{g}.json"))
        doc = json.load(open(f"{out}/fewgen-{size}-{g}.json"))
        if mine is None:
            mine = doc
        else:
            mine["configurations"] += doc["configurations"]
json.dump(ref, open(f"{out}/reference.json", "w"), indent=1)
json.dump(mine, open(f"{out}/fewgen.json", "w"), indent=1)
PY
"$python" "$here/projected_gan_step.py" --repo "$repo" --from-json "$out/reference.json" --fewgen-json "$out/fewgen.json"
