#!/usr/bin/env python3
"""Adaptation curves (issue 8) from `tools/eval_models.sh` output: per-beat note-in-chord.

  python3 training/plot_eval.py models/online/eval [--out PNG] [--title T]
      one model: the three conditions (cold, primed 8 beats, tritone at beat 17) and the test
      set's own curve; writes models/online/eval/adaptation.png by default.
  python3 training/plot_eval.py --compare online rl-s rl-m [--models models] [--out PNG]
      several models overlaid, one panel per condition; default build/eval/compare.png.

Input: models/<id>/eval/adaptation_{cold,primed,transposed,truth}.csv as written by
`jamtool metrics --per-beat` (columns beat, note_in_chord, songs, note_in_chord_sounding,
songs_sounding; beats 1..64). Beats where fewer than --min-songs songs (default 10; fewer when
the file's busiest beat has fewer) have melody are not drawn: the tail of the curve, where only
a few long songs remain, is noise. Needs matplotlib (Debian python3-matplotlib).
"""
import argparse
import csv
import os
import sys

CONDITIONS = [
    ("cold", "cold start"),
    ("primed", "primed with 8 beats"),
    ("transposed", "tritone up at beat 17"),
]
PRIME_BEATS = 8
TRANSPOSE_BEAT = 17


def read_curve(path, min_songs):
    """[(beat, mean)] of a per-beat CSV, beats with at least min_songs songs; None if absent."""
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        rows = [(int(r["beat"]), float(r["note_in_chord"]), int(r["songs"])) for r in csv.DictReader(f)]
    # A tiny test file (fewer songs than min_songs) still draws the beats all its songs reach.
    floor = max(1, min(min_songs, max((r[2] for r in rows), default=0)))
    return [(b, x) for b, x, n in rows if n >= floor]


def xy(points):
    return [p[0] for p in points], [p[1] for p in points]


def mark_conditions(ax, condition):
    if condition in (None, "primed"):
        ax.axvspan(0.5, PRIME_BEATS + 0.5, color="tab:green", alpha=0.08, lw=0)
    if condition in (None, "transposed"):
        ax.axvline(TRANSPOSE_BEAT - 0.5, color="tab:red", ls=":", lw=1)


def style(ax, title):
    ax.set_xlim(0.5, 64.5)
    ax.set_ylim(0, 1)
    ax.set_xlabel("beat")
    ax.set_ylabel("note-in-chord (mean over songs)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)


def plot_one(eval_dir, out, title, min_songs, plt):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    drawn = 0
    colours = {"cold": "tab:blue", "primed": "tab:green", "transposed": "tab:red"}
    for key, label in CONDITIONS:
        pts = read_curve(os.path.join(eval_dir, "adaptation_%s.csv" % key), min_songs)
        if pts:
            ax.plot(*xy(pts), label=label, color=colours[key], lw=1.6)
            drawn += 1
    truth = read_curve(os.path.join(eval_dir, "adaptation_truth.csv"), min_songs)
    if truth:
        ax.plot(*xy(truth), label="test set (ground truth)", color="0.4", ls="--", lw=1.2)
    if not drawn:
        sys.exit("plot_eval: no adaptation_*.csv in %s" % eval_dir)
    mark_conditions(ax, None)
    style(ax, title or "adaptation: per-beat note-in-chord (%s)" % eval_dir)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(out)


def eval_dir_of(models, mid):
    """models/<id>/eval, or models/<id> itself (eval_models.sh --out DIR writes DIR/<id>/)."""
    d = os.path.join(models, mid, "eval")
    return d if os.path.isdir(d) else os.path.join(models, mid)


def plot_compare(ids, models, out, min_songs, plt):
    fig, axes = plt.subplots(1, len(CONDITIONS), figsize=(15, 4.5), sharey=True)
    any_drawn = False
    for ax, (key, label) in zip(axes, CONDITIONS):
        for i, mid in enumerate(ids):
            pts = read_curve(os.path.join(eval_dir_of(models, mid), "adaptation_%s.csv" % key), min_songs)
            if pts:
                ax.plot(*xy(pts), label=mid, color="C%d" % i, lw=1.5)
                any_drawn = True
        truth = read_curve(os.path.join(eval_dir_of(models, ids[0]), "adaptation_truth.csv"), min_songs)
        if truth:
            ax.plot(*xy(truth), label="test set", color="0.4", ls="--", lw=1.1)
        mark_conditions(ax, key)
        style(ax, label)
        if ax is not axes[0]:
            ax.set_ylabel("")
        ax.legend(loc="lower right", fontsize=8)
    if not any_drawn:
        sys.exit("plot_eval: no adaptation curves for %s under %s" % (", ".join(ids), models))
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", nargs="?", help="a models/<id>/eval folder")
    ap.add_argument("--compare", nargs="+", metavar="ID", help="overlay these models")
    ap.add_argument("--models", default="models", help="models folder for --compare")
    ap.add_argument("--out", help="PNG path")
    ap.add_argument("--title")
    ap.add_argument("--min-songs", type=int, default=10, help="hide beats with fewer songs")
    args = ap.parse_args(argv)
    if bool(args.eval_dir) == bool(args.compare):
        ap.error("give either an eval folder or --compare ID...")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if args.compare:
        out = args.out or os.path.join("build", "eval", "compare.png")
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        plot_compare(args.compare, args.models, out, args.min_songs, plt)
    else:
        out = args.out or os.path.join(args.eval_dir, "adaptation.png")
        plot_one(args.eval_dir, out, args.title, args.min_songs, plt)


if __name__ == "__main__":
    main()
