"""Are the draws after fewgen's per-step reseeding related from one step to the next? The step seeds are
the run's own, read from a TwinExport folder (meta.txt's step_seed_of_first, the seed of step 0, then one
more per step, as learning_curve.py --twin reseeds). For each step, 64 uniform draws after
torch.manual_seed(step seed); prints, per lag, the χ² of the differences between steps (mod 1, 32 bins;
uniform for independent streams) and the largest χ² of one position (16 bins). docs/quality.md, "Twins
on the fresh seeds".

  /usr/bin/python3 bench/reference/step_seed_streams.py --choices runs/twin-fresh/twin-s8/fewgen-choices --steps 8000
"""
import argparse
import os

import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--choices", required=True, help="a TwinExport folder (learning_curves.sh SIDES=twin writes OUT/twin-sS/fewgen-choices)")
ap.add_argument("--steps", type=int, default=8000)
args = ap.parse_args()
meta = dict(line.split("=", 1) for line in open(os.path.join(args.choices, "meta.txt")).read().split())
first = int(meta["step_seed_of_first"])
torch.set_num_threads(1)
U = []
for s in range(args.steps):
    torch.manual_seed(first + s)
    U.append(torch.rand(64, dtype=torch.float32).numpy())
U = np.array(U)
for lag in (1, 2, 3, 7, 64, 256):
    d = np.mod(U[lag:] - U[:-lag], 1.0)
    h = np.histogram(d.ravel(), bins=32, range=(0, 1))[0]
    e = d.size / 32
    worst = max(((np.histogram(d[:, i], bins=16, range=(0, 1))[0] - len(d) / 16) ** 2 / (len(d) / 16)).sum()
                for i in range(64))
    print(f"lag {lag}: chi2 {((h - e) ** 2 / e).sum():.1f} (31 dof), worst position chi2 {worst:.1f} (15 dof)")
