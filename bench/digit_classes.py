#!/usr/bin/env python3
"""Which digits does a generator draw? Classifies images with a small CNN trained on MNIST.

FID says how far samples are from the data; it does not say whether a digit generator draws all
ten digits or only 0s and 8s, which is what a person sees first in a grid. This script trains
(once, cached) a two-layer CNN on the 60,000 MNIST training digits, then for every folder or zip of
images given prints the share of each predicted class, the number of classes that hold at least
3% of the images, the share classified with probability >= 0.9 (how many read as some digit at
all), and the number of digits that at least 1% of the images are confidently classified as (how
many different digits it draws recognisably; blobs spread over many classes at low probability
and count in the 3% column only). Score the real data the same way for the reference.

    /usr/bin/python3 bench/digit_classes.py --mnist ../shared/data real.zip samples/ ...

Images are read as grey levels (mean of RGB) and resized to 28x28, MNIST's size; fewgen's
`builtin:digits` and `mnist` sources keep MNIST's proportions at every resolution, so no cropping.
Needs PyTorch and Pillow (apt-get install python3-torch python3-pil). The MNIST test-set accuracy
of the classifier is printed; it is about 98-99%.
"""
import argparse
import gzip
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def find(folder, stem):
    for sub in ("", "mnist"):
        for name in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(folder, sub, name)):
                return os.path.join(folder, sub, name)
    raise SystemExit(f"{folder}: no {stem}[.gz] in it or in its mnist/ (MNIST IDX files)")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def test_accuracy(net, mnist):
    tx = torch.tensor(read_idx(find(mnist, "t10k-images-idx3-ubyte")), dtype=torch.float32)[:, None] / 255
    ty = torch.tensor(read_idx(find(mnist, "t10k-labels-idx1-ubyte")).astype(np.int64))
    with torch.no_grad():
        return (net(tx).argmax(1) == ty).float().mean().item()


def classifier(mnist, cache):
    net = Net()
    if os.path.exists(cache):
        net.load_state_dict(torch.load(cache))
        net.eval()
        if mnist:
            print(f"classifier: {cache}, MNIST test accuracy {test_accuracy(net, mnist):.4f}", file=sys.stderr)
        return net
    x = torch.tensor(read_idx(find(mnist, "train-images-idx3-ubyte")), dtype=torch.float32)[:, None] / 255
    y = torch.tensor(read_idx(find(mnist, "train-labels-idx1-ubyte")).astype(np.int64))
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    for epoch in range(2):
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = order[i:i + 128]
            # small random shifts: generated digits are not centred as exactly as MNIST's
            xb = torch.roll(x[idx], shifts=tuple(int(v) for v in rng.integers(-2, 3, 2)), dims=(2, 3))
            loss = F.cross_entropy(net(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    print(f"classifier: MNIST test accuracy {test_accuracy(net, mnist):.4f} (trained now, cached in {cache})",
          file=sys.stderr)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    torch.save(net.state_dict(), cache + ".tmp")
    os.replace(cache + ".tmp", cache)
    return net


def images(source):
    """Grey 28x28 arrays in [0, 1] from a folder or zip of PNGs (grid.png files skipped)."""
    def load(data):
        im = Image.open(io.BytesIO(data)).convert("RGB")
        g = np.asarray(im, dtype=np.float32).mean(axis=2)
        g = np.asarray(Image.fromarray(g).resize((28, 28), Image.BILINEAR))
        return g / 255.0

    keep = lambda n: n.lower().endswith(".png") and not os.path.basename(n).startswith(("grid", "interp"))
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            return [load(z.read(n)) for n in sorted(z.namelist()) if keep(n)]
    if os.path.isdir(source):
        return [load(open(os.path.join(source, n), "rb").read()) for n in sorted(os.listdir(source)) if keep(n)]
    raise SystemExit(f"{source}: not a folder or zip of PNGs")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sources", nargs="+", help="folders or zips of PNG images")
    ap.add_argument("--mnist", default=os.environ.get("FEWGEN_DATA"),
                    help="folder with the MNIST IDX files, or with them in mnist/ (default: $FEWGEN_DATA)")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/fewgen/mnist-cnn.pt"))
    ap.add_argument("--json", help="also write the results as JSON")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if not a.mnist and not os.path.exists(a.cache):
        raise SystemExit("--mnist: needed once to train the classifier (or set FEWGEN_DATA)")
    net = classifier(a.mnist, a.cache)
    rows = []
    print("| images | n | " + " | ".join(str(d) for d in range(10))
          + " | classes >= 3% | p >= 0.9 | classes >= 1% at p >= 0.9 |")
    print("|---|---|" + "---|" * 10 + "---|---|---|")
    for src in a.sources:
        x = images(src)
        if not x:
            raise SystemExit(f"{src}: no PNG images")
        with torch.no_grad():
            p = F.softmax(net(torch.tensor(np.stack(x))[:, None]), 1).numpy()
        share = np.bincount(p.argmax(1), minlength=10) / len(p)
        sure = p.max(1) >= 0.9
        sure_share = np.bincount(p.argmax(1)[sure], minlength=10) / len(p)
        row = {"source": src, "n": len(p), "share": share.round(4).tolist(),
               "classes_3pct": int((share >= 0.03).sum()), "confident": float(sure.mean()),
               "confident_share": sure_share.round(4).tolist(),
               "confident_classes_1pct": int((sure_share >= 0.01).sum())}
        rows.append(row)
        print(f"| {src} | {len(p)} | " + " | ".join(f"{s:.0%}" for s in share)
              + f" | {row['classes_3pct']} | {row['confident']:.0%} | {row['confident_classes_1pct']} |")
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump(rows, f, indent=1)
        os.replace(a.json + ".tmp", a.json)


if __name__ == "__main__":
    main()
