#!/usr/bin/env python3
"""tools/eval_cards.py — writes the "Evaluation" section of every model card from the files
`tools/eval_models.sh` leaves in models/<id>/eval/ (so the cards show exactly what the command
measured; rerun both to reproduce).

    tools/eval_models.sh --limit 300 online online-web offline rl-s rl-m rl-m-web
    /usr/bin/python3 tools/eval_cards.py [--models models] [--compare online rl-s rl-m]

Each card gets the same comparative section between the markers
`<!-- eval:begin -->` and `<!-- eval:end -->` (appended before "## Data and licence" the first
time; a "## Evaluation (jamtool simulate + metrics)" placeholder section is replaced): the
metrics table of every evaluated model, the ground truth and the ReaLchords paper's Table 1, the
adaptation summary (mean per-beat note-in-chord over beat ranges for the three conditions) and
the plots. Needs only the standard library (plots: training/plot_eval.py with matplotlib).
"""
import argparse
import csv
import os
import re
import subprocess
import sys

ORDER = ["online", "online-web", "rl-s", "rl-m", "rl-m-web", "offline"]
RANGES = [(1, 8), (9, 16), (17, 20), (21, 32), (33, 64)]
BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"
PAPER = [
    "| paper: Online MLE | 0.370 | 7.3% | 2.21 | | | | | |",
    "| paper: ReaLchords (RL-S) / ReaLchords-M | 0.482 / 0.543 | | 1.35 / 1.66 | | | | | |",
    "| paper: Offline MLE | 0.637 | | 1.90 | | | | | |",
    "| paper: test set | 0.709 | | 2.19 | | | | | |",
]


def table_rows(path):
    """(header lines, model row, ground-truth row) of a table.md."""
    lines = [l.rstrip("\n") for l in open(path) if l.startswith("|")]
    return lines[:2], lines[2], lines[3] if len(lines) > 3 else None


def curve(path):
    out = {}
    if not os.path.exists(path):
        return out
    for r in csv.DictReader(open(path)):
        if r["note_in_chord"] not in ("", "nan"):
            out[int(r["beat"])] = (float(r["note_in_chord"]), int(r["songs"]))
    return out


def range_mean(c, lo, hi):
    vals = [c[b][0] for b in range(lo, hi + 1) if b in c and c[b][1] >= 10]
    return f"{sum(vals) / len(vals):.2f}" if vals else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="models")
    ap.add_argument("--compare", nargs="*", default=["online", "rl-s", "rl-m"])
    args = ap.parse_args()

    ids = [m for m in ORDER if os.path.exists(os.path.join(args.models, m, "eval", "table.md"))]
    ids += sorted(m for m in os.listdir(args.models)
                  if m not in ids and os.path.exists(os.path.join(args.models, m, "eval", "table.md")))
    if not ids:
        sys.exit("eval_cards: no models/<id>/eval/table.md — run tools/eval_models.sh first")
    header, truth, rows, limit = None, None, [], None
    for m in ids:
        h, row, gt = table_rows(os.path.join(args.models, m, "eval", "table.md"))
        header = header or h
        truth = truth or gt
        rows.append(row)
        run = os.path.join(args.models, m, "eval", "run.json")
        if limit is None and os.path.exists(run):
            mm = re.search(r'"limit":\s*(\d+)', open(run).read())
            limit = mm.group(1) if mm else None

    online_ids = [m for m in ids if m != "offline"]
    adapt = ["| model | condition | " + " | ".join(f"beats {a}–{b}" for a, b in RANGES) + " |",
             "|---|---|" + "---|" * len(RANGES)]
    for m in online_ids:
        for cond, label in [("cold", "cold start"), ("primed", "primed 8 beats"),
                            ("transposed", "tritone at beat 17")]:
            c = curve(os.path.join(args.models, m, "eval", f"adaptation_{cond}.csv"))
            if c:
                adapt.append(f"| {m} | {label} | " + " | ".join(range_mean(c, a, b) for a, b in RANGES) + " |")
    t = curve(os.path.join(args.models, ids[0], "eval", "adaptation_truth.csv"))
    if t:
        adapt.append("| test set | (its own chords) | " + " | ".join(range_mean(t, a, b) for a, b in RANGES) + " |")

    compare = [m for m in args.compare if m in online_ids]
    compare_png = os.path.join(args.models, "rl-m", "eval", "compare.png")
    if len(compare) >= 2 and os.path.isdir(os.path.dirname(compare_png)):
        r = subprocess.run(["/usr/bin/python3", "training/plot_eval.py", "--compare", *compare,
                            "--models", args.models, "--out", compare_png], capture_output=True, text=True)
        if r.returncode != 0:
            print("eval_cards: compare plot failed:", r.stderr.strip()[-300:], file=sys.stderr)

    n = limit or "the first N"
    body = [BEGIN, "## Evaluation (jamtool simulate + metrics)", "",
            f"All models on the same **{n} held-out test songs** (the first {n} of `build/data/test.jsonl`, the "
            "`jamtool dataset` test split). Online models play every melody **live**: `jamtool simulate` sends one "
            "planner request per frame, so the chord at frame t never sees melody at t or later (lookahead 1, "
            "commit 1, silence 0, temperature 1, seed 0, no warm start — the ReaLchords paper's online setting). "
            "The offline model harmonizes whole melodies (`jamtool harmonize`). Scored by `jamtool metrics` "
            "against the same songs. Reproduce:", "",
            "```sh", f"tools/eval_models.sh --limit {n} {' '.join(ids)}",
            "/usr/bin/python3 tools/eval_cards.py", "```", "",
            *header, *rows, truth or "", *PAPER, "",
            "Adaptation (issue 8): mean per-beat note-in-chord over beat ranges (beats with ≥ 10 songs). "
            "*Primed*: the first 8 beats are the song's own chords; *tritone*: from beat 17 the melody is "
            "transposed by 6 semitones.", "", *adapt, ""]
    for m in ids:
        card_body = list(body)
        if os.path.exists(os.path.join(args.models, m, "eval", "adaptation.png")):
            card_body.append(f"![per-beat note-in-chord of {m}: cold, primed, tritone](eval/adaptation.png)")
        if os.path.exists(compare_png):
            rel = "eval/compare.png" if m == "rl-m" else "../rl-m/eval/compare.png"
            card_body += ["", f"![{', '.join(compare)} compared, one panel per condition]({rel})"]
        card_body.append(END)
        section = "\n".join(card_body) + "\n"
        card = os.path.join(args.models, m, "README.md")
        if not os.path.exists(card):
            continue
        s = open(card).read()
        if BEGIN in s and END in s:
            s = s[:s.index(BEGIN)] + section + s[s.index(END) + len(END) + 1:]
        elif "## Evaluation (jamtool simulate + metrics)" in s:
            i = s.index("## Evaluation (jamtool simulate + metrics)")
            j = s.find("\n## ", i + 5)
            s = s[:i] + section + ("\n" + s[j + 1:] if j >= 0 else "")
        elif "## Data and licence" in s:
            i = s.index("## Data and licence")
            s = s[:i] + section + "\n" + s[i:]
        else:
            s += "\n" + section
        open(card, "w").write(s)
        print("eval_cards: wrote", card)


if __name__ == "__main__":
    main()
