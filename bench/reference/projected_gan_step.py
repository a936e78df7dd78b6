#!/usr/bin/env python3
"""Times the official projected-gan training step (fastgan_lite G + projected D) on this machine.

This is the reference side of `fewgen bench gan`: the same step (G phase, D phase on fakes and
reals, both Adam updates, EMA) with the same networks and batch, run by the official code
(https://github.com/autonomousvision/projected-gan, imported from --repo, not copied here).
Substitutions, because timm is not installable from Debian's packages:
  * the feature network is torchvision's MobileNetV2 split after strides 4/8/16/32
    (features[0:4], [4:7], [7:14], [14:18]: 24/32/96/320 channels, as fewgen's default);
  * below 128² the official generator cannot run (it always builds feat_128), so it is cut after
    the block of the target resolution (se_64 at 64²), which is what fewgen builds;
  * --generator dsc replaces the up-blocks' 3×3 convolutions by the repository's own
    SeparableConv2d (spectral-normed depthwise 3×3 + pointwise 1×1).
Each configuration runs in its own process so that its peak resident set is its own.

  apt-get install python3-torch python3-torchvision libopenblas0-pthread   # PyTorch 1.13 on Debian 12
  python3 bench/reference/projected_gan_step.py --repo /path/to/projected-gan --sizes 64x8,64x16,256x4
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import types

from jsonfile import write_json


def fastgan_generator(networks_fastgan, blocks, res, kind, ngf):
    """The official FastGAN-lite generator: with kind "dsc" its up-blocks' 3×3 convolutions are the
    repository's own SeparableConv2d; below 128² it is cut after the block of the target
    resolution (the official class always builds feat_128). Shared with step_parity.py."""
    import torch.nn as nn
    if not hasattr(networks_fastgan, "_official_up_block"):
        networks_fastgan._official_up_block = networks_fastgan.UpBlockSmall
    if kind == "dsc":
        def separable_up_block(in_planes, out_planes):
            return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                 blocks.SeparableConv2d(in_planes, out_planes * 2, 3, bias=False),
                                 blocks.NormLayer(out_planes * 2), blocks.GLU())
        networks_fastgan.UpBlockSmall = separable_up_block
    else:
        networks_fastgan.UpBlockSmall = networks_fastgan._official_up_block
    G = networks_fastgan.Generator(z_dim=256, img_resolution=max(res, 128), ngf=ngf,
                                   synthesis_kwargs={"lite": True})
    if res < 128:
        syn = G.synthesis
        # the official to_big reads nfc[img_resolution]; at 64² that is nfc[64] = 2·ngf
        syn.to_big = blocks.conv2d(int(2 * ngf), 3, 3, 1, 1, bias=True)
        del syn.feat_128, syn.se_128, syn.feat_256, syn.se_256  # unused below 128²

        def forward_cut(input, c, **kwargs):
            x = networks_fastgan.normalize_second_moment(input[:, 0])
            feat_4 = syn.init(x)
            feat_32 = syn.feat_32(syn.feat_16(syn.feat_8(feat_4)))
            return syn.to_big(syn.se_64(feat_4, syn.feat_64(feat_32)))
        syn.forward = forward_cut
    return G


def build(repo, res, kind, ngf):
    import torch
    import torch.nn as nn
    import torchvision

    fake_timm = types.ModuleType("timm")
    fake_timm.create_model = lambda *a, **k: torchvision.models.mobilenet_v2()
    sys.modules["timm"] = fake_timm
    sys.path.insert(0, repo)
    from pg_modules import blocks, networks_fastgan, projector
    from pg_modules.discriminator import ProjectedDiscriminator

    def split_mobilenet(model):
        stages = nn.Module()
        f = model.features
        stages.layer0, stages.layer1, stages.layer2, stages.layer3 = f[0:4], f[4:7], f[7:14], f[14:18]
        return stages

    projector._make_efficientnet = split_mobilenet

    G = fastgan_generator(networks_fastgan, blocks, res, kind, ngf)
    D = ProjectedDiscriminator(diffaug=True, interp224=(res < 224),
                               backbone_kwargs=dict(cout=64, expand=True, proj_type=2, num_discs=4,
                                                    separable=False, cond=0))
    return G, D


def run_one(args, res, batch, kind):
    import copy
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    G, D = build(args.repo, res, kind, args.ngf)
    G.train().requires_grad_(False)
    D.train().requires_grad_(False)
    G_ema = copy.deepcopy(G).eval()
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0, 0.99), eps=1e-8)
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0, 0.99), eps=1e-8)
    reals = torch.rand(batch, 3, res, res) * 2 - 1
    c = torch.zeros(batch, 0)
    ema_beta = 0.5 ** (batch / (batch * 10 / 32 * 1000))

    def clean_and_step(module, opt):
        # as the official loop: flatten, nan_to_num, split back, step
        params = [p for p in module.parameters() if p.grad is not None]
        if params:
            flat = torch.cat([p.grad.flatten() for p in params])
            torch.nan_to_num(flat, nan=0, posinf=1e5, neginf=-1e5, out=flat)
            for p, g in zip(params, flat.split([p.numel() for p in params])):
                p.grad = g.reshape(p.shape)
        opt.step()

    phases = {}

    def lap(name, t):
        now = time.perf_counter()
        phases.setdefault(name, []).append((now - t) * 1000)
        return now

    def step():
        t = time.perf_counter()
        z = torch.randn(batch, 256)
        opt_g.zero_grad(set_to_none=True)
        G.requires_grad_(True)
        loss_g = (-D(G(z, c), c)).mean()
        t = lap("g_fwd", t)
        loss_g.backward()
        t = lap("g_bwd", t)
        G.requires_grad_(False)
        clean_and_step(G, opt_g)
        t = lap("g_adam", t)

        z = torch.randn(batch, 256)
        opt_d.zero_grad(set_to_none=True)
        D.requires_grad_(True)
        D.feature_network.requires_grad_(False)
        loss_fake = F.relu(1 + D(G(z, c), c)).mean()
        t = lap("d_fwd_fake", t)
        loss_fake.backward()
        t = lap("d_bwd_fake", t)
        loss_real = F.relu(1 - D(reals, c)).mean()
        t = lap("d_fwd_real", t)
        loss_real.backward()
        t = lap("d_bwd_real", t)
        D.requires_grad_(False)
        clean_and_step(D, opt_d)
        t = lap("d_adam", t)

        with torch.no_grad():
            for p_ema, p in zip(G_ema.parameters(), G.parameters()):
                p_ema.copy_(p.lerp(p_ema, ema_beta))
            for b_ema, b in zip(G_ema.buffers(), G.buffers()):
                b_ema.copy_(b)
        lap("ema", t)

    for _ in range(args.warmup):
        step()
    phases.clear()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        with torch.autograd.profiler.profile(record_shapes=True) as prof:
            step()
        prof.export_chrome_trace(os.path.join(args.profile, f"reference-{res}x{batch}-{kind}.json"))
        with open(os.path.join(args.profile, f"reference-{res}x{batch}-{kind}.txt"), "w") as f:
            f.write(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=80))
    g_params = sum(p.numel() for p in G.parameters())
    d_params = sum(p.numel() for p in D.discriminator.parameters())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(res=res, batch=batch, generator=kind, median_ms=statistics.median(times), min_ms=min(times),
                max_ms=max(times), steps=times, peak_rss_mib=peak, g_params=g_params, d_trainable_params=d_params,
                threads=args.threads, torch=torch.__version__,
                malloc=os.environ.get("GLIBC_TUNABLES") or "glibc defaults",
                phase_mean_ms={k: statistics.mean(v) for k, v in phases.items()})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repo", required=True, help="checkout of autonomousvision/projected-gan")
    p.add_argument("--sizes", default="64x8,64x16,256x4", help="RESxBATCH points, comma-separated")
    p.add_argument("--generator", default="conv,dsc")
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--ngf", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="also write the results as JSON")
    p.add_argument("--profile", help="write a torch profiler trace of one extra step per configuration to this folder")
    p.add_argument("--from-json", help="print the tables for earlier results (a list written by --json) instead of running")
    p.add_argument("--one", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        res, batch, kind = args.one.split(":")
        print(json.dumps(run_one(args, int(res), int(batch), kind)))
        return
    results = []
    print("| res | batch | G | ms/step median | min-max | peak RSS MiB | G params | D trainable params |")
    print("|---|---|---|---|---|---|---|---|")
    if args.from_json:
        with open(args.from_json) as f:
            results = json.load(f)
        for r in results:
            label = r["generator"] + (f" (round {r['round']})" if "round" in r else "")
            print(f"| {r['res']} | {r['batch']} | {label} | {r['median_ms']:.0f} | {r['min_ms']:.0f}-{r['max_ms']:.0f} | "
                  f"{r['peak_rss_mib']:.0f} | {r['g_params']:,} | {r['d_trainable_params']:,} |")
    for size in ([] if args.from_json else args.sizes.split(",")):
        res, batch = size.split("x")
        for kind in args.generator.split(","):
            cmd = [sys.executable, __file__, "--repo", args.repo, "--steps", str(args.steps), "--warmup",
                   str(args.warmup), "--threads", str(args.threads), "--ngf", str(args.ngf), "--seed",
                   str(args.seed), "--one", f"{res}:{batch}:{kind}"]
            if args.profile:
                cmd += ["--profile", args.profile]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{res}x{batch} {kind} failed:\n{done.stderr}")
            out = done.stdout
            r = json.loads(out.strip().splitlines()[-1])
            results.append(r)
            print(f"| {res} | {batch} | {kind} | {r['median_ms']:.0f} | {r['min_ms']:.0f}-{r['max_ms']:.0f} | "
                  f"{r['peak_rss_mib']:.0f} | {r['g_params']:,} | {r['d_trainable_params']:,} |", flush=True)
    with_phases = [r for r in results if "phase_mean_ms" in r]
    names = list(with_phases[0]["phase_mean_ms"]) if with_phases else []
    print()
    print("| res | batch | G | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for r in with_phases:
        label = r["generator"] + (f" (round {r['round']})" if "round" in r else "")
        print(f"| {r['res']} | {r['batch']} | {label} | "
              + " | ".join(f"{r['phase_mean_ms'][n]:.0f}" for n in names) + " |")
    if args.json:
        write_json(args.json, results, indent=1)


if __name__ == "__main__":
    main()
