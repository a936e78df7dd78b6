#!/usr/bin/env python3
"""Pictures and a table of the conv-vs-dsc long runs (bench/long_runs.sh, docs/quality.md).

Reads OUT/fid.csv (written by `SCORE=1 bench/long_runs.sh DATA OUT`: FID and training seconds of
every scored snapshot) and the two run folders OUT/conv/0*/ and OUT/dsc/0*/, and writes
  OUT/long-runs.png        FID vs kimg, FID vs hours of training, and kimg vs hours, both generators;
  OUT/long-runs-grids.png  the first --cells samples of both generators side by side at --kimg points
                           (default: every snapshot kimg both runs have, thinned to at most --rows);
  OUT/long-runs.md         the table: FID of both at each kimg, their ratio, and the hours each took
                           (with OUT/digits.json from DIGITS=1, also how many samples read as a digit
                           and how many different digits they are).

    /usr/bin/python3 bench/plot_long_runs.py runs/long-mnist --title "mnist:500, 64x64"

Needs matplotlib and Pillow (apt-get install python3-matplotlib python3-pil).
"""
import argparse
import csv
import glob
import json
import os
import re

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from PIL import Image, ImageDraw

GENERATORS = ("conv", "dsc")


def run_folder(out, g):
    runs = sorted(glob.glob(os.path.join(out, g, "0*")))
    if not runs:
        raise SystemExit(f"{out}/{g}: no run folder (run bench/long_runs.sh first)")
    return runs[0]


def progress(run):
    """(kimg, seconds) of every logged step of a run, in order."""
    points = []
    for line in open(os.path.join(run, "metrics.jsonl")):
        try:
            o = json.loads(line)
        except ValueError:
            continue  # a torn last line of a run still being written
        if "event" not in o and "seconds" in o and "kimg" in o:
            points.append((o["kimg"], o["seconds"]))
    return points


def grids(run):
    found = {}
    for png in glob.glob(os.path.join(run, "fakes_*.png")):
        m = re.match(r"fakes_(\d+(?:\.\d+)?)\.png$", os.path.basename(png))
        if m:
            found[float(m.group(1))] = png
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the OUT folder of bench/long_runs.sh")
    ap.add_argument("--title", default="")
    ap.add_argument("--cells", type=int, default=4, help="samples per side of each grid cell block (4: 4x4)")
    ap.add_argument("--rows", type=int, default=6, help="at most this many kimg rows in the grid picture")
    ap.add_argument("--kimg", default="", help="comma-separated kimg rows for the grid picture")
    ap.add_argument("--floor", type=float, default=None,
                    help="FID of held-out real images against the training set, drawn as the floor")
    args = ap.parse_args()

    fid = {g: {} for g in GENERATORS}
    seconds = {g: {} for g in GENERATORS}  # long_runs.sh's training seconds at each scored kimg
    csv_path = os.path.join(args.out, "fid.csv")
    if not os.path.exists(csv_path):
        raise SystemExit(f"{csv_path}: missing (run SCORE=1 bench/long_runs.sh first)")
    for row in csv.DictReader(open(csv_path)):
        fid[row["generator"]][float(row["kimg"])] = float(row["fid"])
        if row["train_seconds"]:
            seconds[row["generator"]][float(row["kimg"])] = float(row["train_seconds"])
    # DIGITS=1 bench/long_runs.sh: bench/digit_classes.py's counts for the samples/<g>-<kimg> folders
    digits = {g: {} for g in GENERATORS}
    digits_path = os.path.join(args.out, "digits.json")
    if os.path.exists(digits_path):
        for row in json.load(open(digits_path)):
            m = re.match(r"(conv|dsc)-(\d+(?:\.\d+)?)$", os.path.basename(row["source"].rstrip("/")))
            if m:
                digits[m.group(1)][float(m.group(2))] = row
    runs = {g: run_folder(args.out, g) for g in GENERATORS}
    prog = {g: progress(runs[g]) for g in GENERATORS}
    pictures = {g: grids(runs[g]) for g in GENERATORS}

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for g, colour in zip(GENERATORS, ("tab:blue", "tab:orange")):
        ks = sorted(fid[g])
        hours = [seconds[g].get(k, 0) / 3600 for k in ks]
        axes[0].plot(ks, [fid[g][k] for k in ks], "o-", color=colour, label=f"{g} generator")
        axes[1].plot(hours, [fid[g][k] for k in ks], "o-", color=colour, label=f"{g} generator")
        axes[2].plot([s / 3600 for _, s in prog[g]], [k for k, _ in prog[g]], "-", color=colour, label=f"{g} generator")
    if args.floor is not None:
        for ax in axes[:2]:
            ax.axhline(args.floor, color="grey", linestyle="--", label=f"real vs real ({args.floor:.3f})")
    axes[0].set(xlabel="kimg (thousands of real images shown to D)", ylabel="FID (offline Inception)", title="FID vs kimg")
    axes[1].set(xlabel="hours of training", ylabel="FID", title="FID vs training time")
    axes[2].set(xlabel="hours of training", ylabel="kimg", title="progress")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend()
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "long-runs.png"), dpi=110)
    plt.close(fig)

    shared = sorted(set(pictures["conv"]) & set(pictures["dsc"]))
    if args.kimg:
        rows = [float(k) for k in args.kimg.split(",")]
    else:
        step = max(1, -(-len(shared) // args.rows))
        rows = shared[::step]
        if shared and shared[-1] not in rows:
            rows[-1] = shared[-1]
    if rows:
        first = Image.open(pictures["conv"][rows[0]])
        cell = first.width // 8  # fewgen's fakes grids are 8 x 8 samples
        block = cell * args.cells
        label_w, gap = 110, 8
        sheet = Image.new("RGB", (label_w + 2 * block + gap, 20 + len(rows) * (block + gap)), "white")
        draw = ImageDraw.Draw(sheet)
        for c, g in enumerate(GENERATORS):
            draw.text((label_w + c * (block + gap) + 4, 4), f"{g} generator", fill="black")
        for r, k in enumerate(rows):
            y = 20 + r * (block + gap)
            text = f"{k:g} kimg"
            for g in GENERATORS:
                if k in fid[g]:
                    text += f"\n{g} FID {fid[g][k]:.2f}"
            draw.text((4, y + 4), text, fill="black")
            for c, g in enumerate(GENERATORS):
                img = Image.open(pictures[g][k]).convert("RGB").crop((0, 0, block, block))
                sheet.paste(img, (label_w + c * (block + gap), y))
        sheet.save(os.path.join(args.out, "long-runs-grids.png"))

    with_digits = any(digits[g] for g in GENERATORS)
    lines = ["| kimg | FID conv | FID dsc | dsc / conv | hours conv | hours dsc | dsc / conv time |"
             + (" read as a digit, conv / dsc | digits drawn, conv / dsc |" if with_digits else ""),
             "|---|---|---|---|---|---|---|" + ("---|---|" if with_digits else "")]

    def digit_cells(k):
        rows = [digits[g].get(k) for g in GENERATORS]
        share = " / ".join(f"{r['confident']:.0%}" if r else "–" for r in rows)
        count = " / ".join(str(r["confident_classes_1pct"]) if r else "–" for r in rows)
        return f" {share} | {count} |"

    for k in sorted(set(fid["conv"]) & set(fid["dsc"])):
        hc, hd = seconds["conv"].get(k), seconds["dsc"].get(k)
        time_ratio = f"{hd / hc:.2f}" if hc and hd else "–"
        lines.append(f"| {k:g} | {fid['conv'][k]:.2f} | {fid['dsc'][k]:.2f} | {fid['dsc'][k] / fid['conv'][k]:.2f}"
                     f" | {hc / 3600 if hc else 0:.2f} | {hd / 3600 if hd else 0:.2f} | {time_ratio} |"
                     + (digit_cells(k) if with_digits else ""))
    if with_digits:
        lines.append("\nread as a digit: share of 256 samples an MNIST classifier gives probability >= 0.9; digits"
                     " drawn: digits at least 1% of the samples are read as that way (bench/digit_classes.py)")
    for g in GENERATORS:
        if prog[g]:
            k, s = prog[g][-1]
            lines.append(f"\n{g}: {k:g} kimg in {s / 3600:.2f} h ({k * 1000 / s:.2f} img/s)")
    with open(os.path.join(args.out, "long-runs.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wrote {args.out}/long-runs.png, long-runs-grids.png, long-runs.md")


if __name__ == "__main__":
    main()
