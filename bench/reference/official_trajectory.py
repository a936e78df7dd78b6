#!/usr/bin/env python3
"""The official float64 trajectory of a `step_parity.py --steps K` export at a chosen thread count,
beside another one: where two runs of the same code part by float64 rounding alone.

step_parity.py --steps K writes fewgen's export to WORK/CASE and the official float64 trajectory
(2 threads) to WORK/CASE/official-float64.json. This script runs the official trajectory again with
--threads (the sums are split differently, so only rounding changes) and prints, step by step, how
far its losses and mean logits lie from that file's: if they part where fewgen's trajectory parts
from the official one, rounding suffices to part them there; if they stay together longer, fewgen's
parting is a difference in what is computed.

  /usr/bin/python3 bench/reference/official_trajectory.py --repo /tmp/pgrepo \\
      --case /tmp/traj/g-dsc_d-dsc_64_aug_d128 --threads 1
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import step_parity  # noqa: E402
from step_parity import TRAJECTORY_NAMES as NAMES  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True, help="checkout of autonomousvision/projected-gan")
    ap.add_argument("--case", required=True, help="a case folder of a step_parity.py --steps K run")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--against", help="trajectory to compare with (default: CASE/official-float64.json)")
    args = ap.parse_args()
    against = args.against or os.path.join(args.case, "official-float64.json")
    with open(against) as f:
        ref = json.load(f)
    mine = []
    step_parity.official_step(args.repo, args.case, double=True, threads=args.threads, trajectory=mine)
    step_parity.save_trajectory(os.path.join(args.case, f"official-float64-{args.threads}t.json"), mine)
    first = None
    for k, (a, b) in enumerate(zip(mine, ref)):
        d = [abs(a[n] - b[n]) for n in NAMES]
        if first is None and max(d) > 1e-6:
            first = k
        print(f"step {k:3d}  " + "  ".join(f"{n} {a[n]:+.6f} d {x:.1e}" for n, x in zip(NAMES, d)))
    print(f"official at {args.threads} thread(s) against {against}: "
          + (f"first difference above 1e-6 at step {first}" if first is not None else f"together for all {len(mine)} steps"))


if __name__ == "__main__":
    main()
