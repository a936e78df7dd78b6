#!/usr/bin/env python3
"""The raw generator (G, not its EMA G_ema) of a training run, for FID, on either side (docs/quality.md,
"fresh seeds"): whether a gap in the EMA samples' FID is the EMA's or the generator's own.

  raw_generator.py fewgen SNAPSHOT OUT.safetensors   # a copy whose G_ema.* hold G.*: score it with `fewgen gan fid --checkpoint OUT`
  raw_generator.py official STATE.pt OUT_DIR         # learning_curve.py's saved state: G's 256 samples for `fewgen metrics fid --fake OUT_DIR`

The official samples use learning_curve.py's latents (--sample-seed) and G in eval mode, as its
EMA samples do. Needs PyTorch (python3-torch) for `official` only.
"""
import json
import os
import struct
import sys


def fewgen_raw(src, dst):
    data = bytearray(open(src, "rb").read())
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    for name, entry in header.items():
        if name.startswith("G_ema."):
            raw = header.get("G." + name[len("G_ema."):])
            if raw is None or raw["shape"] != entry["shape"] or raw["dtype"] != entry["dtype"]:
                raise SystemExit(f"{src}: {name} has no G tensor of its shape and type")
            a0, a1 = entry["data_offsets"]
            b0, b1 = raw["data_offsets"]
            data[base + a0:base + a1] = data[base + b0:base + b1]
    tmp = dst + ".tmp"
    open(tmp, "wb").write(data)
    os.replace(tmp, dst)


def official_raw(state_file, out):
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from learning_curve import build, load, mobilenetv2, read_safetensors, sample_latents, write_samples
    saved = torch.load(state_file)
    a = saved["args"]
    weights, _ = read_safetensors(a["weights"])
    features = mobilenetv2()
    load(features, {k: v for k, v in weights.items() if not k.startswith("classifier.")}, "feature network")
    G, _ = build(a["repo"], a["res"], a["generator"], a["d_conv"], a["ngf"], features)
    G.load_state_dict(saved["G"])
    G.eval().requires_grad_(False)
    images = write_samples(G, sample_latents(a["sample_seed"], a["samples"]), out)
    print(f"{state_file}: step {saved['step']}, {len(images)} samples of G in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("fewgen", "official"):
        raise SystemExit(__doc__)
    (fewgen_raw if sys.argv[1] == "fewgen" else official_raw)(sys.argv[2], sys.argv[3])
