#!/usr/bin/env python3
"""Self time per operator in Chrome traces written by `fewgen bench gan --profile` and by
projected_gan_step.py --profile, side by side, so the two implementations can be compared op by op.

  python3 bench/reference/trace_summary.py prof/profile-64x8-dsc.json prof/reference-64x8-dsc.json
"""
import collections
import json
import sys


def self_times(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e.get("pid"), e.get("tid"))].append(e)
    totals = collections.Counter()
    counts = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, child time]
        for e in evs:
            start, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= start:
                end, name, child, d = stack.pop()
                totals[name] += d - child
            if stack:
                stack[-1][2] += dur
            stack.append([start + dur, e["name"], 0.0, dur])
            counts[e["name"]] += 1
        while stack:
            end, name, child, d = stack.pop()
            totals[name] += d - child
    return totals, counts


def main():
    paths = sys.argv[1:]
    tables = [self_times(p) for p in paths]
    names = set()
    for t, _ in tables:
        names |= set(t)
    rows = sorted(names, key=lambda n: -max(t.get(n, 0) for t, _ in tables))
    print("| op | " + " | ".join(f"{p.split('/')[-1]} ms (calls)" for p in paths) + " |")
    print("|---|" + "---|" * len(paths))
    for n in rows[:40]:
        cells = [f"{t.get(n, 0) / 1000:.0f} ({c.get(n, 0)})" for t, c in tables]
        print(f"| {n} | " + " | ".join(cells) + " |")
    print("| total self | " + " | ".join(f"{sum(t.values()) / 1000:.0f}" for t, _ in tables) + " |")


if __name__ == "__main__":
    main()
