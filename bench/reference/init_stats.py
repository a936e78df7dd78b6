"""Functional statistics of the constructed state, fewgen's against the official code's (docs/quality.md,
"Twins on the fresh seeds"): for each seed, the official modules built after torch.manual_seed(seed) and the
same modules loaded with fewgen's constructed state (TwinExport's folder INITS/s<seed>); the same fixed latents
and the first 64 images of DATA; prints per statistic the two means, spreads and Welch's t.

  java -cp fewgen-cli/target/fewgen.jar:fewgen-core/target/test-classes org.fewgen.train.TwinExport DATA INITS/s100 --seed 100 --steps 1
  /usr/bin/python3 bench/reference/init_stats.py --repo /tmp/pgrepo --data DATA --inits INITS --seeds 100-115
"""
import argparse, sys, os, copy, numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch
torch.set_num_threads(1)
ap = argparse.ArgumentParser()
ap.add_argument("--repo", required=True); ap.add_argument("--data", required=True); ap.add_argument("--inits", required=True)
ap.add_argument("--seeds", default="100-115")
args = ap.parse_args()
first, last = (int(x) for x in args.seeds.split("-"))
from step_parity import build, load, mobilenetv2, read_safetensors, exported_state, load_fewgen_state, point_d_input_at
from learning_curve import read_images
repo = args.repo
W = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../fewgen-core/src/main/resources/models/mobilenetv2_100.nsfwjs.safetensors")
state, _ = read_safetensors(W)
fn_state = {k: v for k, v in state.items() if not k.startswith("classifier.")}
reals = torch.from_numpy(read_images(args.data)[:64])
gz = torch.Generator().manual_seed(12345)
z = torch.randn(64, 256, generator=gz)

def stats(G, D):
    G = copy.deepcopy(G); D = copy.deepcopy(D)
    G.train(); D.train(); D.diffaug = False; D.interp224 = True
    with torch.no_grad():
        x = G(z, torch.zeros(64, 0))
        m = x.mean(dim=(2, 3))               # per image channel means
        lr_ = D(reals, torch.zeros(64, 0)).mean().item()
        lf = D(x, torch.zeros(64, 0)).mean().item()
        Ge = copy.deepcopy(G).eval()
        xe = Ge(z, torch.zeros(64, 0))
    sig = []
    for name, mod in G.named_modules():
        if hasattr(mod, "weight_orig"):
            w = mod.weight_orig.detach()
            wm = w.transpose(0, 1).reshape(w.shape[1], -1) if isinstance(mod, torch.nn.ConvTranspose2d) else w.reshape(w.shape[0], -1)
            sig.append(torch.linalg.matrix_norm(wm, 2).item())
    dsig = []
    for name, mod in D.discriminator.named_modules():
        if hasattr(mod, "weight_orig"):
            w = mod.weight_orig.detach(); dsig.append(torch.linalg.matrix_norm(w.reshape(w.shape[0], -1), 2).item())
    return dict(img_mean=x.mean().item(), img_std=x.std().item(), colour_div=m.std(dim=0).mean().item(),
                within_std=x.std(dim=(2, 3)).mean().item(), sat=(x.abs() > 0.9).float().mean().item(),
                ema_std=xe.std().item(), ema_colour_div=xe.mean(dim=(2, 3)).std(dim=0).mean().item(),
                D_real=lr_, D_fake=lf, margin=lr_ - lf, G_sigma_mean=float(np.mean(sig)), D_sigma_mean=float(np.mean(dsig)))

def modules():
    """The official G and D as learning_curve.py builds them (its settings), drawing from torch's stream."""
    fnet = mobilenetv2(); load(fnet, fn_state, "feature network")
    G, D = build(repo, 64, "dsc", "dsc", 32, fnet)
    # calc_channels ran the feature network in training mode: restore the published statistics
    load(fnet, fn_state, "feature network")
    return G, D

rows = {"official": [], "fewgen": []}
for s in range(first, last + 1):
    torch.manual_seed(s)
    G, D = modules()
    if s == first: point_d_input_at(128)   # D input 128, as the curves (needs the modules imported)
    rows["official"].append(stats(G, D))
    G, D = modules()
    load_fewgen_state(exported_state(os.path.join(args.inits, f"s{s}"))[0], G, copy.deepcopy(G), D)
    rows["fewgen"].append(stats(G, D))
    print(s, flush=True)
keys = rows["official"][0].keys()
for k in keys:
    a = np.array([r[k] for r in rows["official"]]); b = np.array([r[k] for r in rows["fewgen"]])
    t = (b.mean() - a.mean()) / np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    print(f"{k:16s} official {a.mean():+.4f} ± {a.std(ddof=1):.4f}   fewgen {b.mean():+.4f} ± {b.std(ddof=1):.4f}   t {t:+.2f}")
