#!/usr/bin/env python3
"""Pictures of a learning-curve comparison (learning_curves.sh): OUT/curves.png and OUT/grids.png.

curves.png: FID vs kimg (OUT/curves.csv) for every side and seed, and D's mean logit on reals and
on fakes vs kimg from each side's metrics.jsonl (averaged over windows of --window kimg, because
single logged steps swing by several units).
grids.png: the first --cells samples of each side and seed side by side at each kimg where both
sides have a grid (fewgen: fakes_<kimg>.png of its run folder; official: fakes-<kimg>.png).

    /usr/bin/python3 bench/reference/plot_curves.py runs/curves-shapes --title "builtin:shapes, 64x64"

Needs matplotlib and Pillow (apt-get install python3-matplotlib python3-pil).
"""
import argparse
import csv
import glob
import itertools
import json
import os
import re
import statistics
from collections import defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from PIL import Image, ImageDraw


def runs(out):
    """(side, seed) -> (metrics.jsonl, {kimg: grid png}) for every SIDE-sSEED folder under out:
    a fewgen run folder inside (fewgen-s0, or bf16-s0 when two fewgen settings are compared), or
    learning_curve.py's fakes-<kimg>.png beside its metrics.jsonl (official-s0, twin-s0)."""
    found = {}
    for folder in sorted(glob.glob(os.path.join(out, "*-s*"))):
        if not os.path.isdir(folder):   # SIDE-sN.log, a side's console output, lies beside it
            continue
        side, seed = os.path.basename(folder).rsplit("-s", 1)
        if os.path.exists(os.path.join(folder, "metrics.jsonl")):   # learning_curve.py's folder
            grids = {}
            for png in glob.glob(os.path.join(folder, "fakes-*.png")):
                grids[float(os.path.basename(png)[len("fakes-"):-len(".png")])] = png
            found[(side, seed)] = (os.path.join(folder, "metrics.jsonl"), grids)
            continue
        run = sorted(glob.glob(os.path.join(folder, "0*")))
        if not run:
            continue
        grids = {0.0: os.path.join(run[0], "fakes_init.png")}
        for png in glob.glob(os.path.join(run[0], "fakes_*.png")):
            m = re.match(r"fakes_(\d+(?:\.\d+)?)\.png$", os.path.basename(png))
            if m:
                grids[float(m.group(1))] = png
        found[(side, seed)] = (os.path.join(run[0], "metrics.jsonl"), grids)
    return found


def logits(metrics, window):
    """Window centres and the mean D(real), D(fake) of the logged steps in each window."""
    sums = defaultdict(lambda: [0.0, 0.0, 0])
    if not os.path.exists(metrics):
        return [], [], []
    for line in open(metrics):
        try:
            o = json.loads(line)
        except ValueError:
            continue  # a torn last line of a run still being written
        if "D_real" in o and "D_fake" in o and "kimg" in o and "event" not in o:
            k = int((o["kimg"] - 1e-9) // window)
            s = sums[k]
            s[0] += o["D_real"]; s[1] += o["D_fake"]; s[2] += 1
    keys = sorted(sums)
    return ([(k + 0.5) * window for k in keys], [sums[k][0] / sums[k][2] for k in keys],
            [sums[k][1] / sums[k][2] for k in keys])


def agreement(rows, a="fewgen", b="official"):
    """Markdown table: at each kimg both sides (a, b) reached with at least two seeds, each side's
    FIDs and mean, the difference of the means, and the seed-to-seed spread (the larger of the two
    sides' max - min over seeds). The curves agree at a point when |difference| <= spread.
    The range grows with the number of seeds, so the table also gives Welch's t, the difference
    over its standard error sqrt(var_a/n_a + var_b/n_b) (sample variances): with 3 or more seeds a
    side, |t| above about 2.5-3 would say the means differ beyond seed noise."""
    fid = defaultdict(dict)
    for r in rows:
        fid[(r["side"], float(r["kimg"]))][r["seed"]] = float(r["fid"])
    kimgs = sorted({k for (_, k) in list(fid)
                    if len(fid.get((a, k), {})) >= 2 and len(fid.get((b, k), {})) >= 2})
    if not kimgs:
        return ""
    lines = [f"| kimg | {a} FID by seed | {b} FID by seed | {a} mean | {b} mean | difference | seed spread | within spread | Welch t |",
             "|---|---|---|---|---|---|---|---|---|"]
    var = lambda d, m: sum((v - m) ** 2 for v in d.values()) / (len(d) - 1)
    for k in kimgs:
        f, o = fid[(a, k)], fid[(b, k)]
        fm, om = sum(f.values()) / len(f), sum(o.values()) / len(o)
        spread = max(max(f.values()) - min(f.values()), max(o.values()) - min(o.values()))
        se = (var(f, fm) / len(f) + var(o, om) / len(o)) ** 0.5
        fmt = lambda d: " / ".join(f"{d[s]:.2f}" for s in sorted(d, key=int))
        lines.append(f"| {k:g} | {fmt(f)} | {fmt(o)} | {fm:.2f} | {om:.2f} | {fm - om:+.2f} | {spread:.2f} | "
                     f"{'yes' if abs(fm - om) <= spread else 'no'} | {(fm - om) / se if se > 0 else 0:+.2f} |")
    return "\n".join(lines) + "\n"


def permutation_p(a, b):
    """Two-sided exact permutation test of mean(a) - mean(b): the share of all ways to split the
    pooled values into groups of len(a) and len(b) whose difference is at least as large. Exact
    and free of a normality assumption, which per-run values of 3-6 runs cannot support."""
    pooled, n = a + b, len(a)
    observed = abs(statistics.fmean(a) - statistics.fmean(b))
    hits = total = 0
    for idx in itertools.combinations(range(len(pooled)), n):
        chosen = set(idx)
        x = [pooled[i] for i in idx]
        y = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        total += 1
        hits += abs(statistics.fmean(x) - statistics.fmean(y)) >= observed - 1e-12
    return hits / total


def per_run(rows, a="fewgen", b="official", start=8.0):
    """Markdown: one line per run over the kimg from `start` on (points of one run are correlated,
    so the run, not the point, is the unit), and a comparison of the two sides. A run counts only
    when it has every such kimg that any run has. Per run: the mean FID (its level), the largest
    point, and the standard deviation of its points around its own mean (snapshot-to-snapshot
    scatter). The sides' run means and within-run deviations are compared with exact permutation
    tests."""
    points = defaultdict(dict)
    for r in rows:
        if float(r["kimg"]) >= start - 1e-9:
            points[(r["side"], r["seed"])][float(r["kimg"])] = float(r["fid"])
    late = sorted({k for d in points.values() for k in d})
    if len(late) < 2:
        return ""
    full = {key: d for key, d in points.items() if key[0] in (a, b) and set(late) <= set(d)}
    lines = [f"Runs with every point from {start:g} to {late[-1]:g} kimg ({len(late)} points each):", "",
             "| side | seed | mean FID | largest | sd within run |", "|---|---|---|---|---|"]
    summary = {a: ([], []), b: ([], [])}
    for (side, seed), d in sorted(full.items(), key=lambda kv: (kv[0][0] != a, int(kv[0][1]))):
        vals = [d[k] for k in late]
        m, sd = statistics.fmean(vals), statistics.stdev(vals)
        summary[side][0].append(m); summary[side][1].append(sd)
        lines.append(f"| {side} | {seed} | {m:.2f} | {max(vals):.2f} | {sd:.2f} |")
    (ma, sa), (mb, sb) = summary[a], summary[b]
    if len(ma) < 2 or len(mb) < 2:
        return "\n".join(lines) + "\n"
    lines += ["", f"| | {a} ({len(ma)} runs) | {b} ({len(mb)} runs) | ratio | permutation p |", "|---|---|---|---|---|",
              f"| mean of run means | {statistics.fmean(ma):.2f} | {statistics.fmean(mb):.2f} | "
              f"{statistics.fmean(ma) / statistics.fmean(mb):.2f} | {permutation_p(ma, mb):.2f} |",
              f"| sd of run means (run-to-run) | {statistics.stdev(ma):.2f} | {statistics.stdev(mb):.2f} | "
              f"{statistics.stdev(ma) / statistics.stdev(mb):.2f} | |",
              f"| mean sd within run | {statistics.fmean(sa):.2f} | {statistics.fmean(sb):.2f} | "
              f"{statistics.fmean(sa) / statistics.fmean(sb):.2f} | {permutation_p(sa, sb):.2f} |"]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the OUT folder of learning_curves.sh")
    ap.add_argument("--title", default="", help="data and resolution, for the figure titles")
    ap.add_argument("--window", type=float, default=0.5, help="kimg per averaged logit point")
    ap.add_argument("--cells", type=int, default=16, help="samples per side in grids.png (a square number)")
    ap.add_argument("--csv", help="FID points to plot and compare instead of OUT/curves.csv (e.g. one that also holds"
                    " the points of seeds whose run folders are gone; their logits and grids are then missing)")
    ap.add_argument("--late-from", type=float, default=8.0,
                    help="kimg from which each run's points are summarised per run in agreement.md")
    ap.add_argument("--sides", default="fewgen,official",
                    help="the two sides compared, as named by the folders and curves.csv (e.g. fp32,bf16)")
    args = ap.parse_args()
    found = runs(args.out)
    sides = args.sides.split(",")
    colours = dict(zip(sides, ("tab:blue", "tab:orange")))
    marks = {"0": "o", "1": "s", "2": "^", "3": "D", "4": "v", "5": "P"}

    fig, (ax_fid, ax_d) = plt.subplots(1, 2, figsize=(12, 4.5))
    csv_path = args.csv or os.path.join(args.out, "curves.csv")
    if os.path.exists(csv_path):
        rows = list(csv.DictReader(open(csv_path)))
        for side in sides:
            for seed in sorted({r["seed"] for r in rows}):
                pts = sorted((float(r["kimg"]), float(r["fid"])) for r in rows if r["side"] == side and r["seed"] == seed)
                if pts:
                    ax_fid.plot(*zip(*pts), "-" if side == sides[0] else "--", marker=marks.get(seed, "o"),
                                color=colours[side], label=f"{side} seed {seed}")
    ax_fid.set_xlabel("kimg (thousands of real images shown to D)")
    ax_fid.set_ylabel("FID (offline nsfwjs Inception v3; lower is better)")
    ax_fid.set_title(f"FID vs training {args.title}".strip())
    ax_fid.grid(alpha=0.3); ax_fid.legend(fontsize=8)
    for (side, seed), (metrics, _) in sorted(found.items()):
        x, real, fake = logits(metrics, args.window)
        ls = "-" if seed == "0" else ":"
        ax_d.plot(x, real, ls, color=colours.get(side, "tab:green"), label=f"{side} s{seed} D(real)")
        ax_d.plot(x, fake, ls, color=colours.get(side, "tab:green"), alpha=0.5, label=f"{side} s{seed} D(fake)")
    ax_d.axhline(1, color="grey", lw=0.5); ax_d.axhline(-1, color="grey", lw=0.5)
    ax_d.set_xlabel("kimg"); ax_d.set_ylabel(f"mean D logit (per {args.window} kimg)")
    ax_d.set_title("D on reals (upper) and fakes (lower); hinge margins at ±1")
    ax_d.grid(alpha=0.3); ax_d.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "curves.png"), dpi=110)
    print("wrote", os.path.join(args.out, "curves.png"))

    if os.path.exists(csv_path):
        all_rows = list(csv.DictReader(open(csv_path)))
        table = agreement(all_rows, *sides)
        runs_table = per_run(all_rows, *sides, start=args.late_from)
        table = table + ("\n" + runs_table if table and runs_table else runs_table)
        if table:
            open(os.path.join(args.out, "agreement.md"), "w").write(table)
            print(table)

    # grids: one row per kimg that every side has, one column per side and seed
    columns = sorted(found)
    common = sorted(set.intersection(*[set(g) for _, g in found.values()])) if found else []
    if not common:
        return
    side_cells = int(round(args.cells ** 0.5))
    cell = None
    tiles = []
    for kimg in common:
        row = []
        for key in columns:
            img = Image.open(found[key][1][kimg]).convert("RGB")
            n = 8  # both sides write 8x8 grids
            cell = img.width // n
            row.append(img.crop((0, 0, cell * side_cells, cell * side_cells)))
        tiles.append(row)
    pad, label_h, label_w = 6, 18, 70
    w = label_w + len(columns) * (cell * side_cells + pad)
    h = label_h + len(common) * (cell * side_cells + pad)
    sheet = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(sheet)
    for j, (side, seed) in enumerate(columns):
        draw.text((label_w + j * (cell * side_cells + pad) + 4, 3), f"{side} seed {seed}", fill="black")
    for i, kimg in enumerate(common):
        y = label_h + i * (cell * side_cells + pad)
        draw.text((4, y + cell * side_cells // 2 - 6), f"{kimg:g} kimg", fill="black")
        for j, tile in enumerate(tiles[i]):
            sheet.paste(tile, (label_w + j * (cell * side_cells + pad), y))
    sheet.save(os.path.join(args.out, "grids.png"))
    print("wrote", os.path.join(args.out, "grids.png"))


if __name__ == "__main__":
    main()
