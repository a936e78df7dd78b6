"""Are the draws after fewgen's per-step reseeding (GanTrainer.stepSeed: seed·1000003 + step) related from one
step to the next? For each step s, 64 uniform draws after torch.manual_seed(seed·1000003 + s); prints, per lag,
the χ² of the differences between steps (mod 1, 32 bins; uniform for independent streams) and the largest χ²
of one position (16 bins). docs/quality.md, "Twins on the fresh seeds".

  /usr/bin/python3 bench/reference/step_seed_streams.py --seed 8 --steps 8000
"""
import argparse
import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=8)
ap.add_argument("--steps", type=int, default=8000)
args = ap.parse_args()
torch.set_num_threads(1)
U = []
for s in range(1, args.steps + 1):
    torch.manual_seed(args.seed * 1000003 + s)
    U.append(torch.rand(64, dtype=torch.float32).numpy())
U = np.array(U)
for lag in (1, 2, 3, 7, 64, 256):
    d = np.mod(U[lag:] - U[:-lag], 1.0)
    h = np.histogram(d.ravel(), bins=32, range=(0, 1))[0]
    e = d.size / 32
    worst = max(((np.histogram(d[:, i], bins=16, range=(0, 1))[0] - len(d) / 16) ** 2 / (len(d) / 16)).sum()
                for i in range(64))
    print(f"lag {lag}: chi2 {((h - e) ** 2 / e).sum():.1f} (31 dof), worst position chi2 {worst:.1f} (15 dof)")
