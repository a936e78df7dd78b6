#!/usr/bin/env python3
"""Summarises the per-run JSON files that compare.sh writes into OUT_DIR.

  python3 bench/reference/compare_summary.py OUT_DIR 64x8,64x16,256x4 ROUNDS
  python3 bench/reference/compare_summary.py --infer OUT_DIR ROUNDS     (compare_infer.sh's files)

Writes OUT_DIR/reference.json (a list, each entry tagged with its round) and OUT_DIR/fewgen.json
(fewgen's JSON document with every round's configurations, tagged likewise), then prints one row
per configuration and fewgen precision: fewgen's and the reference's (always fp32) median step time
over the rounds, every round's fewgen/reference time ratio, the median of those ratios, and the
same for peak memory.

With --infer it reads compare_infer.sh's fewgen-infer-rN.json and reference-infer-rN.json, writes
OUT_DIR/infer-summary.json and prints, per network, size and precision, both sides' median images/s
over the rounds, every round's fewgen/reference images/s ratio and their median.
"""
import json
import statistics
import sys

from jsonfile import write_json


def load(out, sizes, rounds):
    reference, fewgen = [], None
    for rnd in range(1, rounds + 1):
        for size in sizes:
            for g in ("conv", "dsc"):
                path = f"{out}/reference-{size}-{g}-r{rnd}.json"
                with open(path) as f:
                    for r in json.load(f):
                        r["round"] = rnd
                        reference.append(r)
                path = f"{out}/fewgen-{size}-{g}-r{rnd}.json"
                with open(path) as f:
                    doc = json.load(f)
                for c in doc["configurations"]:
                    c["round"] = rnd
                if fewgen is None:
                    fewgen = doc
                else:
                    fewgen["configurations"] += doc["configurations"]
    return reference, fewgen


def summary_rows(reference, fewgen, sizes, rounds):
    rows = []
    precisions = []
    for c in fewgen["configurations"]:
        p = c.get("precision", "fp32")
        if p not in precisions:
            precisions.append(p)
    for size in sizes:
        res, batch = (int(v) for v in size.split("x"))
        for g, p in [(g, p) for g in ("conv", "dsc") for p in precisions]:
            pairs = []
            for rnd in range(1, rounds + 1):
                ref = [r for r in reference if (r["res"], r["batch"], r["generator"], r["round"]) == (res, batch, g, rnd)]
                mine = [c for c in fewgen["configurations"]
                        if (c["resolution"], c["batch"], c["generator"], c["round"], c.get("precision", "fp32"))
                        == (res, batch, g, rnd, p)]
                if not ref or not mine:
                    sys.exit(f"compare_summary: round {rnd} of {size} {g} {p} is missing a result")
                pairs.append((mine[0], ref[0]))
            rows.append(dict(
                res=res, batch=batch, generator=g, precision=p,
                fewgen_ms=statistics.median(m["median_ms"] for m, _ in pairs),
                reference_ms=statistics.median(r["median_ms"] for _, r in pairs),
                time_ratios=[m["median_ms"] / r["median_ms"] for m, r in pairs],
                fewgen_mib=statistics.median(m["peak_mib"] for m, _ in pairs),
                reference_mib=statistics.median(r["peak_rss_mib"] for _, r in pairs),
                memory_ratios=[m["peak_mib"] / r["peak_rss_mib"] for m, r in pairs]))
    return rows


def infer_rows(out, rounds):
    per_round = []
    for rnd in range(1, rounds + 1):
        sides = []
        for side in ("fewgen", "reference"):
            with open(f"{out}/{side}-infer-r{rnd}.json") as f:
                sides.append({(r["network"], r["resolution"], r["batch"], r["precision"]): r["images_per_second"]
                              for r in json.load(f)["results"]})
        per_round.append(sides)
    rows = []
    for key in per_round[0][0]:
        if any(key not in mine or key not in ref for mine, ref in per_round):
            sys.exit(f"compare_summary: {key} is missing from a round")
        mine = [m[key] for m, _ in per_round]
        ref = [r[key] for _, r in per_round]
        rows.append(dict(network=key[0], res=key[1], batch=key[2], precision=key[3],
                         fewgen_img_s=statistics.median(mine), reference_img_s=statistics.median(ref),
                         ratios=[a / b for a, b in zip(mine, ref)]))
    return rows


def main_infer(out, rounds):
    rows = infer_rows(out, rounds)
    write_json(f"{out}/infer-summary.json", rows, indent=1)
    print(f"fewgen/reference images/s over {rounds} round(s); img/s are medians over the rounds")
    print()
    print("| network | res | batch | precision | fewgen img/s | reference img/s | ratio per round | median ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['network']} | {r['res']} | {r['batch']} | {r['precision']} | {r['fewgen_img_s']:.1f} | "
              f"{r['reference_img_s']:.1f} | " + " ".join(f"{x:.2f}" for x in r["ratios"])
              + f" | {statistics.median(r['ratios']):.2f} |")


def main():
    if sys.argv[1] == "--infer":
        return main_infer(sys.argv[2], int(sys.argv[3]))
    out, sizes, rounds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    reference, fewgen = load(out, sizes, rounds)
    write_json(f"{out}/reference.json", reference, indent=1)
    write_json(f"{out}/fewgen.json", fewgen, indent=1)
    rows = summary_rows(reference, fewgen, sizes, rounds)
    write_json(f"{out}/summary.json", rows, indent=1)
    print(f"fewgen/reference over {rounds} round(s); ms and MiB are medians over the rounds")
    print()
    print("| res | batch | G | fewgen precision | fewgen ms | reference ms | time ratio per round | median time ratio "
          "| fewgen MiB | reference MiB | memory ratio per round | median memory ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['res']} | {r['batch']} | {r['generator']} | {r['precision']} | {r['fewgen_ms']:.0f} | {r['reference_ms']:.0f} | "
              + " ".join(f"{x:.2f}" for x in r["time_ratios"]) + f" | {statistics.median(r['time_ratios']):.2f} | "
              f"{r['fewgen_mib']:.0f} | {r['reference_mib']:.0f} | "
              + " ".join(f"{x:.2f}" for x in r["memory_ratios"]) + f" | {statistics.median(r['memory_ratios']):.2f} |")


if __name__ == "__main__":
    main()
