#!/usr/bin/env python3
"""Sampling and FID-embedding throughput of the reference code on this machine, for
`fewgen bench gan --infer` to be compared with (same sizes, same batch, same thread count):

- the official FastGAN-lite generator of projected-gan (built as projected_gan_step.py builds it),
  eval mode, torch.no_grad(), images/s;
- torchvision's Inception v3 (random weights: speed does not depend on them) up to the 2048-d
  pool features, bilinear resize from the input resolution to 299² included, images/s.

Both in fp32 and, with --precision bf16, under torch.autocast("cpu", dtype=torch.bfloat16), the
way PyTorch users get bf16 on a CPU.

  /usr/bin/python3 bench/reference/infer_reference.py --repo /tmp/pgrepo --sizes 64x16,256x8 \
      --generator conv,dsc --precision fp32,bf16 --reps 5 --warmup 2
"""
import argparse
import contextlib
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonfile import write_json  # noqa: E402


def timed(fn, reps, warmup):
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t) * 1000)
    return ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True, help="projected-gan checkout")
    ap.add_argument("--sizes", default="64x16,256x8")
    ap.add_argument("--generator", default="conv,dsc")
    ap.add_argument("--precision", default="fp32,bf16")
    ap.add_argument("--ngf", type=int, default=128)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--no-inception", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()

    import torch
    import torch.nn.functional as F
    import torchvision
    import projected_gan_step as pgs

    torch.set_num_threads(args.threads)
    rows = []

    def ctx(p):
        return torch.autocast("cpu", dtype=torch.bfloat16) if p == "bf16" else contextlib.nullcontext()

    def report(what, res, batch, p, ms):
        med = statistics.median(ms)
        rows.append(dict(network=what, resolution=res, batch=batch, precision=p, median_ms=med,
                         images_per_second=batch * 1000 / med, batch_ms=ms))
        print(f"{what} {res}²/b{batch} {p}: median {med:.1f} ms/batch, {batch * 1000 / med:.1f} img/s", flush=True)

    for size in args.sizes.split(","):
        res, batch = (int(v) for v in size.lower().split("x"))
        for kind in args.generator.split(","):
            torch.manual_seed(0)
            G, _ = pgs.build(args.repo, res, kind, args.ngf)
            G.eval().requires_grad_(False)
            z = torch.randn(batch, 256)
            c = torch.zeros(batch, 0)
            for p in args.precision.split(","):
                def run():
                    with torch.no_grad(), ctx(p):
                        return G(z, c).float()
                report("G " + kind, res, batch, p, timed(run, args.reps, args.warmup))
        if not args.no_inception:
            net = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)
            net.fc = torch.nn.Identity()
            net.eval().requires_grad_(False)
            images = torch.rand(batch, 3, res, res) * 2 - 1
            for p in args.precision.split(","):
                def embed():
                    with torch.no_grad(), ctx(p):
                        x = F.interpolate(images, size=(299, 299), mode="bilinear", align_corners=False)
                        return net(x).float()
                report("inception", res, batch, p, timed(embed, args.reps, args.warmup))

    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    flags = " ".join(x for x in ("avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "avx512_fp16")
                                     if x in have)
                    break
    except OSError:
        pass
    print(f"\nreference --infer: PyTorch {torch.__version__}, {args.threads} threads, {platform.processor() or ''}"
          f" cpu flags: {flags}")
    print("| network | res | batch | precision | ms/batch median | img/s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['network']} | {r['resolution']} | {r['batch']} | {r['precision']} | {r['median_ms']:.1f} |"
              f" {r['images_per_second']:.1f} |")
    if args.json:
        write_json(args.json, dict(torch=torch.__version__, threads=args.threads, cpu_flags=flags, results=rows), indent=1)


if __name__ == "__main__":
    main()
