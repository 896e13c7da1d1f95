#!/usr/bin/env python3
"""Plots accuracy against labels spent, suggested vs random picks, from the logs of `Evaluation --loop`.

usage: plot-loop.py out.png name=log [name=log ...]   (needs matplotlib: apt-get install python3-matplotlib)
"""
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CELL = re.compile(r"(\d\.\d+) \[(\d\.\d+), (\d\.\d+)\]")
ROW = re.compile(r"^(\d+) \((\d+)\)\s")


def read(path):
    """Returns {series: [(labels, mean, low, high)]} for the four columns of the loop table."""
    series = {k: [] for k in ("names-suggested", "names-random", "one-suggested", "one-random")}
    for line in open(path, encoding="utf-8"):
        row = ROW.match(line)
        if not row:
            continue
        labels = int(row.group(1))
        cells = [tuple(map(float, c)) for c in CELL.findall(line)]
        for key, cell in zip(list(series), cells):
            series[key].append((labels, *cell))
    return series


def main():
    out, pairs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    fig, axes = plt.subplots(1, len(pairs), figsize=(4 * len(pairs), 3.6), squeeze=False)
    styles = {
        "names-suggested": ("suggested, from label names", "C0", "-"),
        "names-random": ("random, from label names", "C0", ":"),
        "one-suggested": ("suggested, from 1 per class", "C3", "-"),
        "one-random": ("random, from 1 per class", "C3", ":"),
    }
    for ax, (name, path) in zip(axes[0], pairs):
        for key, points in read(path).items():
            if not points:
                continue
            label, color, dash = styles[key]
            x = [p[0] for p in points]
            ax.plot(x, [p[1] for p in points], dash, color=color, label=label)
            if dash == "-":
                ax.fill_between(x, [p[2] for p in points], [p[3] for p in points], color=color, alpha=0.15, linewidth=0)
        ax.set_title(name)
        ax.set_xlabel("labels spent")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("accuracy (mean of 20 runs)")
    axes[0][0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
