#!/usr/bin/env python3
"""Trains the official Projected GAN (fastgan_lite G + projected D) for a learning curve.

The reference side of the learning-curve comparison in docs/quality.md: the official modules and
loss (https://github.com/autonomousvision/projected-gan, imported from --repo, never copied),
driven the way the official training loop drives them -- per step a Gboth phase and a Dboth phase,
each with fresh latents and the same real batch, torch Adam (betas 0 / 0.99), the loop's EMA with
ramp-up, nan_to_num on gradients -- on the images of a `fewgen data prepare ... --out X.zip` file.
What differs from train.py, and why:
  * the feature network is the nsfwjs MobileNetV2 (timm layout, TF "same" padding) that fewgen
    bundles, as in step_parity.py (timm is not installable here); its published BatchNorm
    statistics are restored after the projector's calc_channels moved them (docs/networks.md);
  * below 128² the generator is cut after the block of the target resolution (fastgan_generator);
  * --d-input resizes D's input to that side instead of the hard-wired 224 (fewgen's --d-input);
  * no distributed training, no stats collection: one process, CPU.

Every --eval-every kimg it writes `samples-<kimg>/` (the EMA generator's images for latents from
--sample-seed, as PNG) for `fewgen metrics fid --real DATA --fake samples-<kimg>`, and a grid PNG;
every --log-every steps a line in metrics.jsonl with fewgen's field names (kimg, loss_G, loss_D,
D_real, D_fake), so one plotting step reads both sides.

With --twin (a folder written by fewgen's TwinExport for the same --seed) the run starts from the
state fewgen constructs for that seed and takes fewgen's batch order and per-step random seeds (its
latents and DiffAugment's draws, whose streams PyTorch reproduces): the official code with fewgen's
random choices, which separates those choices from fewgen's arithmetic (docs/quality.md).

Resumable, like `fewgen gan train --resume`: at every sample point, and on SIGINT/SIGTERM after
the step that is running, it writes `state.pt` (G, G_ema, D, both Adams, the torch and numpy
random states, the epoch order, the step and the seconds trained); run the same command again and
it continues from there, so a curve can span sessions.

  apt-get install python3-torch python3-torchvision libopenblas0-pthread
  git clone https://github.com/autonomousvision/projected-gan /tmp/projected-gan
  ./fewgen data prepare builtin:shapes --res 64 --out /tmp/shapes64.zip
  /usr/bin/python3 bench/reference/learning_curve.py --repo /tmp/projected-gan --data /tmp/shapes64.zip \\
      --weights fewgen-core/src/main/resources/models/mobilenetv2_100.nsfwjs.safetensors \\
      --res 64 --generator dsc --d-conv dsc --d-input 128 --ngf 32 --batch 8 --kimg 20 --seed 0 --out runs/official-s0
"""
import argparse
import io
import json
import os
import signal
import sys
import time
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from step_parity import (build, exported_state, load, load_fewgen_state, mobilenetv2, point_d_input_at,  # noqa: E402
                         read_safetensors, strip)


def read_images(path):
    """The PNGs of a `fewgen data prepare` zip as (N, 3, R, R) float32 in [-1, 1], in name order."""
    from PIL import Image
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.lower().endswith(".png"))
        if not names:
            raise SystemExit(f"{path}: no PNG images")
        images = [np.asarray(Image.open(io.BytesIO(z.read(n))).convert("RGB"), dtype=np.float32) for n in names]
    x = np.stack(images).transpose(0, 3, 1, 2)
    return x / 127.5 - 1.0


def save_png(array, path):
    from PIL import Image
    img = np.clip(np.rint((array.transpose(1, 2, 0) + 1.0) * 127.5), 0, 255).astype(np.uint8)
    Image.fromarray(img).save(path)


def sample_latents(seed, count):
    """The latents of a run's sample sets (--sample-seed): the same for every set, G_ema's or G's."""
    import torch
    return torch.from_numpy(np.random.default_rng(seed).standard_normal((count, 256)).astype(np.float32))


def write_samples(generator, z, folder):
    """generator's images of latents z, 32 at a time, as PNGs 0000.png... in folder; returns them."""
    import torch
    os.makedirs(folder, exist_ok=True)
    with torch.no_grad():
        images = np.concatenate([generator(z[i:i + 32], torch.zeros(len(z[i:i + 32]), 0)).clamp(-1, 1).numpy()
                                 for i in range(0, len(z), 32)])
    for i, img in enumerate(images):
        save_png(img, os.path.join(folder, f"{i:04d}.png"))
    return images


def grid(images, cols):
    n, c, h, w = images.shape
    rows = (n + cols - 1) // cols
    out = np.full((c, rows * h, cols * w), -1.0, dtype=np.float32)
    for i in range(n):
        r, q = divmod(i, cols)
        out[:, r * h:(r + 1) * h, q * w:(q + 1) * w] = images[i]
    return out


def load_twin(folder, G, G_ema, D, reals, seed, init=True):
    """Loads fewgen's constructed state (G, G_ema, D's heads and projector) when init, and returns its
    batch order and first step seed, from the folder TwinExport wrote; the images must decode to
    fewgen's bytes."""
    pixels = np.fromfile(os.path.join(folder, "pixels.u8"), dtype=np.uint8)
    mine = np.rint((reals.reshape(-1).astype(np.float64) + 1) * 127.5)
    if pixels.size != mine.size or np.any(pixels != mine):
        raise SystemExit(f"{folder}/pixels.u8: fewgen decoded other pixels than this script")
    meta = dict(line.split("=", 1) for line in open(os.path.join(folder, "meta.txt")).read().split())
    if int(meta["seed"]) != seed:
        raise SystemExit(f"{folder}: exported for seed {meta['seed']}, not --seed {seed}")
    if init:
        load_fewgen_state(exported_state(folder)[0], G, G_ema, D)
    order = [int(x) for x in open(os.path.join(folder, "order.txt")).read().split()]
    return order, int(meta["step_seed_of_first"])


def continue_from_snapshot(path, G, G_ema, D, opt_g, opt_d):
    """Loads a fewgen snapshot (G, G_ema, D's trainable heads, Adam's second moments and step counts)
    into the official modules and optimizers; returns the step to train next (from 1)."""
    import torch
    state, meta = read_safetensors(path)
    load_fewgen_state(state, G, G_ema, D, projector=False)
    # beta1 is 0: Adam's first moment is the last gradient, so only the second is state
    for opt, params, prefix, step_key in (
            (opt_g, [(n[len("synthesis."):], p) for n, p in G.named_parameters()], "opt_G.v.", "opt_G_step"),
            (opt_d, [("discriminator." + n, p) for n, p in D.discriminator.named_parameters()], "opt_D.v.",
             "opt_D_step")):
        v = strip(state, prefix)
        for name, p in params:
            if name not in v:
                raise SystemExit(f"{path}: no Adam moment for {name}")
            opt.state[p] = {"step": torch.tensor(float(meta[step_key])), "exp_avg": torch.zeros_like(p),
                            "exp_avg_sq": torch.from_numpy(v[name]).to(p.dtype)}
    return int(meta["step"]) + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True, help="checkout of autonomousvision/projected-gan")
    ap.add_argument("--data", required=True, help="zip written by `fewgen data prepare ... --out X.zip`")
    ap.add_argument("--weights", required=True, help="mobilenetv2_100.nsfwjs.safetensors (timm names)")
    ap.add_argument("--out", required=True, help="output folder (metrics.jsonl, samples-*/, grids)")
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--generator", choices=["conv", "dsc"], default="dsc")
    ap.add_argument("--d-conv", choices=["conv", "dsc"], default="conv")
    ap.add_argument("--d-input", type=int, default=224)
    ap.add_argument("--ngf", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--kimg", type=float, default=20)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-every", type=float, default=4, help="kimg between sample sets (and at 0 and the end)")
    ap.add_argument("--samples", type=int, default=256)
    ap.add_argument("--sample-seed", type=int, default=123)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--twin", help="folder written by fewgen's TwinExport for the same --seed: start from fewgen's "
                                   "constructed state and take fewgen's batch order and per-step random seeds")
    ap.add_argument("--twin-from", help="with --twin: a fewgen snapshot of that run (G, G_ema, D's heads, both Adams' "
                                        "moments, the step) to continue from instead of the constructed state")
    ap.add_argument("--twin-parts", default="init,order,seeds",
                    help="which of fewgen's random choices --twin takes (a comma-separated subset of init,order,seeds); "
                         "the others are this script's own")
    args = ap.parse_args()

    import torch
    import torch.nn.functional as F
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    reals = read_images(args.data)
    if reals.shape[-1] != args.res:
        raise SystemExit(f"{args.data}: images are {reals.shape[-1]}², expected --res {args.res}")
    state, _ = read_safetensors(args.weights)
    feature_net = mobilenetv2()
    load(feature_net, {k: v for k, v in state.items() if not k.startswith("classifier.")}, "feature network")
    G, D = build(args.repo, args.res, args.generator, args.d_conv, args.ngf, feature_net)
    G_ema = build(args.repo, args.res, args.generator, args.d_conv, args.ngf, feature_net)[0]
    G_ema.load_state_dict(G.state_dict())
    # calc_channels ran the feature network in training mode: restore the published statistics
    load(feature_net, {k: v for k, v in state.items() if not k.startswith("classifier.")}, "feature network")
    twin_order, twin_seed = None, None
    parts = set(args.twin_parts.split(",")) if args.twin else set()
    if args.twin:
        if not parts or not parts <= {"init", "order", "seeds"}:
            raise SystemExit(f"--twin-parts {args.twin_parts}: name some of init, order, seeds")
        twin_order, twin_seed = load_twin(args.twin, G, G_ema, D, reals, args.seed, "init" in parts)
        twin_order = twin_order if "order" in parts else None
        twin_seed = twin_seed if "seeds" in parts else None
    D.diffaug = True
    D.interp224 = True
    point_d_input_at(args.d_input)   # for the whole run

    seen = set()
    D.feature_network.register_forward_pre_hook(lambda m, i: seen.add(tuple(i[0].shape[-2:])))
    sys.path.insert(0, args.repo)
    from training.loss import ProjectedGANLoss
    G.train().requires_grad_(False)
    G_ema.eval().requires_grad_(False)
    D.train().requires_grad_(False)
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0, 0.99), eps=1e-8)
    opt_d = torch.optim.Adam(D.discriminator.parameters(), lr=args.lr, betas=(0, 0.99), eps=1e-8)
    loss = ProjectedGANLoss(torch.device("cpu"), G, D, G_ema)
    logits = []
    D.register_forward_hook(lambda m, i, o: logits.append(o.detach().double()))

    z_samples = sample_latents(args.sample_seed, args.samples)
    c0 = torch.zeros(args.batch, 0)
    ema_kimg = args.batch * 10 / 32
    total = int(np.ceil(args.kimg * 1000 / args.batch - 1e-9))
    eval_steps = max(1, int(round(args.eval_every * 1000 / args.batch)))
    log = open(os.path.join(args.out, "metrics.jsonl"), "a")
    log.write(json.dumps({"event": "config", **vars(args)}) + "\n")

    def evaluate(nimg):
        folder = os.path.join(args.out, f"samples-{nimg / 1000:07.3f}")
        images = write_samples(G_ema, z_samples, folder)
        save_png(grid(images[:64], 8), os.path.join(args.out, f"fakes-{nimg / 1000:07.3f}.png"))
        log.write(json.dumps({"event": "samples", "kimg": nimg / 1000, "folder": folder}) + "\n")
        log.flush()

    state_path = os.path.join(args.out, "state.pt")
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        # finish the running step, then save: a state taken mid-step would mix two steps
        signal.signal(sig, lambda *_: stop.append(True))

    def save_state(step, order, trained):
        tmp = state_path + ".tmp"
        torch.save({"step": step, "order": list(order), "seconds": trained, "args": vars(args),
                    "G": G.state_dict(), "G_ema": G_ema.state_dict(), "D": D.discriminator.state_dict(),
                    "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
                    "torch_rng": torch.get_rng_state(), "numpy_rng": rng.bit_generator.state}, tmp)
        os.replace(tmp, state_path)

    first, order, trained = 1, [], 0.0
    if args.twin_from and not os.path.exists(state_path):
        if "init" not in parts:
            raise SystemExit("--twin-from continues a fewgen run: it needs --twin with init among --twin-parts")
        first = continue_from_snapshot(args.twin_from, G, G_ema, D, opt_g, opt_d)
        log.write(json.dumps({"event": "twin_from", "snapshot": args.twin_from, "step": first - 1,
                              "kimg": (first - 1) * args.batch / 1000}) + "\n")
    if os.path.exists(state_path):
        saved = torch.load(state_path)
        for key in ("res", "generator", "d_conv", "d_input", "ngf", "batch", "lr", "seed", "samples", "sample_seed"):
            if saved["args"][key] != getattr(args, key):
                raise SystemExit(f"{state_path}: saved with --{key.replace('_', '-')} {saved['args'][key]}, "
                                 f"not {getattr(args, key)}; use another --out")
        twin_then = saved["args"].get("twin_parts", "init,order,seeds") if saved["args"].get("twin") else None
        if twin_then != (args.twin_parts if args.twin else None):
            raise SystemExit(f"{state_path}: saved with --twin-parts {twin_then}, not "
                             f"{args.twin_parts if args.twin else None}; use another --out")
        G.load_state_dict(saved["G"])
        G_ema.load_state_dict(saved["G_ema"])
        D.discriminator.load_state_dict(saved["D"])
        opt_g.load_state_dict(saved["opt_g"])
        opt_d.load_state_dict(saved["opt_d"])
        torch.set_rng_state(saved["torch_rng"])
        rng.bit_generator.state = saved["numpy_rng"]
        first, order, trained = saved["step"] + 1, saved["order"], saved["seconds"]
        log.write(json.dumps({"event": "resume", "step": saved["step"], "kimg": saved["step"] * args.batch / 1000}) + "\n")
        print(f"resumed {args.out} at kimg {saved['step'] * args.batch / 1000:.3f}", flush=True)
    elif first == 1:
        evaluate(0)
    start = time.time() - trained
    sums, counted = {"loss_G": 0.0, "loss_D": 0.0, "D_real": 0.0, "D_fake": 0.0}, 0
    for step in range(first, total + 1):
        nimg = (step - 1) * args.batch
        if len(order) < args.batch:
            # every image once per epoch, in a fresh order, as fewgen's loader (and a shuffling sampler)
            order.extend(rng.permutation(len(reals)).tolist())
        idx, order[:] = order[:args.batch], order[args.batch:]
        if twin_order is not None:
            idx = twin_order[(step - 1) * args.batch:step * args.batch]
            # fewgen reseeds libtorch's generator each step (GanTrainer.stepSeed); its stream is
            # PyTorch's, so the latents and DiffAugment's draws are fewgen's
            torch.manual_seed(twin_seed + step - 1)
        real = torch.from_numpy(reals[idx])
        logits.clear()
        for phase, module, opt, params in (("Gboth", G, opt_g, G.parameters()),
                                           ("Dboth", D, opt_d, D.discriminator.parameters())):
            z = torch.randn(args.batch, 256)
            opt.zero_grad(set_to_none=True)
            module.requires_grad_(True)
            if phase == "Dboth":
                D.feature_network.requires_grad_(False)
            loss.accumulate_gradients(phase=phase, real_img=real, real_c=c0, gen_z=z, gen_c=c0, gain=1, cur_nimg=nimg)
            module.requires_grad_(False)
            for p in params:
                if p.grad is not None:
                    torch.nan_to_num(p.grad, nan=0, posinf=1e5, neginf=-1e5, out=p.grad)
            opt.step()
        # logits: G phase fake, D phase fake, D phase real
        g_fake, d_fake, d_real = logits
        sums["loss_G"] += float(-g_fake.mean())
        sums["D_fake"] += float(d_fake.mean())
        sums["D_real"] += float(d_real.mean())
        sums["loss_D"] += float(F.relu(1 + d_fake).mean() + F.relu(1 - d_real).mean())
        counted += 1
        # the official loop ramps the EMA up on the images before this step (cur_nimg), as fewgen
        ema_nimg = min(ema_kimg * 1000, nimg * 0.05)
        beta = 0.5 ** (args.batch / max(ema_nimg, 1e-8))
        with torch.no_grad():
            for p_ema, p in zip(G_ema.parameters(), G.parameters()):
                p_ema.copy_(p.lerp(p_ema, beta))
            for b_ema, b in zip(G_ema.buffers(), G.buffers()):
                b_ema.copy_(b)
        nimg += args.batch
        if step == 1 and seen != {(args.d_input, args.d_input)}:
            raise SystemExit(f"D's feature network saw {seen}, expected {args.d_input}² (--d-input)")
        if step % args.log_every == 0 or step == total or stop:
            rec = {"kimg": nimg / 1000, "step": step, "seconds": time.time() - start}
            rec.update({k: v / counted for k, v in sums.items()})
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(f"kimg {nimg / 1000:.3f}/{total * args.batch / 1000:.3f}  G {rec['loss_G']:.3f}  D {rec['loss_D']:.3f}"
                  f"  D(real) {rec['D_real']:.3f}  D(fake) {rec['D_fake']:.3f}", flush=True)
            sums, counted = dict.fromkeys(sums, 0.0), 0
        point = step % eval_steps == 0 or step == total
        if point:
            evaluate(nimg)
        if point or stop:
            save_state(step, order, time.time() - start)
        if stop:
            print(f"stopped at kimg {nimg / 1000:.3f}; run the same command again to continue", flush=True)
            break
    log.close()


if __name__ == "__main__":
    main()
