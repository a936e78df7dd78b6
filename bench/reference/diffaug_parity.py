#!/usr/bin/env python3
"""DiffAugment, fewgen against the official code, forward and backward, with given draws.

The learning curves train with DiffAugment (colour, translation, cutout) in every D call, so G's
gradient passes back through it; the one-step parity (step_parity.py) runs without it. This
script runs the official `pg_modules/diffaug.py` (imported from --repo, not copied) in float64 on
inputs that both sides build from splitmix64 (no transcendental functions), with its random
draws replaced by fixed ones that include the edges (shifts of 0 and +-max, cutout centres at 0,
side-1 and side), and writes sketches of the output and of the gradient of sum(w * output) with
respect to the input, which DiffAugmentParityTest checks against fewgen's DiffAugment.

  apt-get install python3-torch
  /usr/bin/python3 bench/reference/diffaug_parity.py --repo /tmp/projected-gan \
      --out fewgen-core/src/test/resources/parity/diffaug.json
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonfile import write_json  # noqa: E402
from step_parity import SKETCH_DIM, sketch, splitmix64  # noqa: E402

N = 4
# per case: side, then per image brightness, saturation and contrast factors, shifts (rows, columns)
# and cutout centres (rows, columns); the shifts and centres stay within what the official draws
# allow: |shift| <= int(side/8 + 0.5), centre in [0, side + (1 - size % 2))
CASES = {
    "side32": dict(side=32, brightness=[0.3, -0.2, 0.1, -0.45], saturation=[1.7, 0.2, 1.0, 0.6],
                   contrast=[0.6, 1.4, 1.1, 0.9], shift_h=[3, -4, 0, 4], shift_w=[-4, 2, 4, -1],
                   centre_h=[0, 15, 31, 32], centre_w=[32, 7, 0, 20]),
    "side17": dict(side=17, brightness=[-0.5, 0.45, 0.0, 0.2], saturation=[0.0, 1.9, 0.5, 1.3],
                   contrast=[1.5, 0.5, 0.8, 1.2], shift_h=[-2, 2, 1, 0], shift_w=[2, -2, 0, 1],
                   centre_h=[16, 0, 8, 3], centre_w=[0, 16, 9, 12]),
}


def uniform(draw, n):
    """[-1, 1) from splitmix64(draw * 2^32 + i), as DiffAugmentParityTest builds it."""
    idx = np.arange(n, dtype=np.uint64) + np.uint64(draw << 32)
    return (splitmix64(idx) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53 * 2 - 1


def run(repo, case):
    import torch
    sys.path.insert(0, repo)
    import pg_modules.diffaug as da
    side = case["side"]
    shape = (N, 3, side, side)
    size = N * 3 * side * side
    x = torch.from_numpy(uniform(1, size).reshape(shape)).requires_grad_(True)
    w = torch.from_numpy(uniform(2, size).reshape(shape))
    as4 = lambda v: torch.tensor(v, dtype=torch.float64).view(N, 1, 1, 1)
    # the official draws: brightness rand - 0.5, saturation rand * 2, contrast rand + 0.5
    rands = [as4(case["brightness"]) + 0.5, as4(case["saturation"]) / 2, as4(case["contrast"]) - 0.5]
    ints = [torch.tensor(case[k]).view(N, 1, 1) for k in ("shift_h", "shift_w", "centre_h", "centre_w")]

    class Draws:  # torch with rand and randint answering the fixed draws in the official order
        def __getattr__(self, name):
            return getattr(torch, name)

        @staticmethod
        def rand(*a, **k):
            return rands.pop(0).to(k.get("dtype", torch.float64))

        @staticmethod
        def randint(*a, **k):
            return ints.pop(0)
    da.torch = Draws()
    y = da.DiffAugment(x, policy="color,translation,cutout")
    (y * w).sum().backward()
    assert not rands and not ints, "the official code drew a different number of values"
    return {"output": {"sketch": sketch(y.detach().numpy())}, "input_gradient": {"sketch": sketch(x.grad.numpy())}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", required=True, help="a clone of autonomousvision/projected-gan")
    ap.add_argument("--out", required=True, help="the fixture JSON to write")
    args = ap.parse_args()
    fixture = {"sketch_dim": SKETCH_DIM, "images": N, "policy": "color,translation,cutout", "cases": {}}
    for name, case in CASES.items():
        fixture["cases"][name] = {**case, **run(args.repo, case)}
        print(name, "output norm %.6g, gradient norm %.6g" % (fixture["cases"][name]["output"]["sketch"][0],
                                                             fixture["cases"][name]["input_gradient"]["sketch"][0]))
    write_json(args.out, fixture)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
