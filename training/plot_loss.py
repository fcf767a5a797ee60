#!/usr/bin/env python3
"""Loss curves of the shipped models (issue 4: "loss curves in the card").

  python3 training/plot_loss.py                 # every models/<id>/
  python3 training/plot_loss.py online offline  # some of them (ids or model dirs)

For a pre-trained model (its training_curve.csv has `train_loss`: online, offline, online-web)
writes models/<id>/loss_curve.png: train loss against wall minutes and against target tokens,
with the validation points of eval.csv (loss and chord NLL; valid200 = first 200 valid songs
during training, valid1000 = the final eval on 1000). For an RL model (rl-s, rl-m, rl-m-web:
training_curve.csv is the RL curve, drawn by `rl-card` as rl_curves.png) it draws nothing and
points the card at the pre-training curve of the model it started from (config.json size:
full -> models/online, web -> models/online-web).

Either way the card (README.md) gets a block between <!-- loss:begin --> and <!-- loss:end -->,
rewritten on every run (before the ONNX block, else before <!-- eval:begin -->). Also run by
`python3 -m training export-onnx`. Needs matplotlib (Debian python3-matplotlib).
"""
from __future__ import annotations

import csv
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "models")
BEGIN, END = "<!-- loss:begin -->", "<!-- loss:end -->"
PNG = "loss_curve.png"
INIT_OF_SIZE = {"full": ("online", "training/runs/online_full"),
                "web": ("online-web", "training/runs/online_web")}


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, TypeError, ValueError):
        return float("nan")


def plot(model_dir, curve, evals, conf) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker  # noqa: F401  (matplotlib.ticker below)

    mid = conf.get("id", os.path.basename(model_dir))
    minutes = [num(r, "seconds") / 60 for r in curve]
    tokens = [num(r, "tokens") / 1e6 for r in curve]
    loss = [num(r, "train_loss") for r in curve]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, xs, xlabel, key, scale in (
            (axes[0], minutes, "wall minutes (2 shared CPU cores)", "seconds", 1 / 60),
            (axes[1], tokens, "target tokens (M)", "tokens", 1e-6)):
        ax.plot(xs, loss, color="#4c72b0", lw=1.2, label="train loss (all targets)")
        for split, marker in (("valid200", "o"), ("valid1000", "s")):
            rows = [r for r in evals if r.get("split") == split]
            if not rows:
                continue
            ex = [num(r, key) * scale for r in rows]
            ax.plot(ex, [num(r, "loss") for r in rows], marker, color="#dd8452", ms=6,
                    label=f"{split} loss")
            ax.plot(ex, [num(r, "chord_nll") for r in rows], marker, color="#55a868", ms=6,
                    mfc="none", mew=1.5, label=f"{split} chord NLL")
        ax.set_xlabel(xlabel)
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(matplotlib.ticker.FixedLocator(
            [0.2, 0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7]))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("cross-entropy (nats / token)")
    axes[1].legend(loc="upper right", fontsize=8)
    params = conf.get("params")
    fig.suptitle(f"{mid}: training loss ({conf.get('arch')}, "
                 + (f"{params / 1e6:.1f} M params, " if params else "")
                 + f"{minutes[-1]:.0f} min, {tokens[-1]:.1f} M target tokens)")
    fig.tight_layout()
    path = os.path.join(model_dir, PNG)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def block_for_pretrained(curve, evals) -> str:
    last = curve[-1]
    final = [r for r in evals if r.get("split") == "valid1000"] or evals
    lines = [BEGIN, "## Loss curve", "", f"![training loss]({PNG})", "",
             f"Train loss (training_curve.csv, {len(curve)} logged steps) against wall minutes "
             "and target tokens; validation points from eval.csv (loss over all targets and "
             "chord NLL; valid200 during training, valid1000 at the end). Last logged train loss "
             f"{num(last, 'train_loss'):.4f} at {num(last, 'seconds') / 60:.1f} min / "
             f"{num(last, 'tokens') / 1e6:.1f} M tokens"]
    if final:
        f = final[-1]
        lines[-1] += (f"; {f.get('split')}: loss {num(f, 'loss'):.4f}, chord NLL "
                      f"{num(f, 'chord_nll'):.4f}")
    lines[-1] += ". Drawn by `training/plot_loss.py`."
    return "\n".join(lines + ["", END])


def block_for_rl(conf) -> str:
    init_id, run = INIT_OF_SIZE.get(conf.get("size"), INIT_OF_SIZE["full"])
    return "\n".join([
        BEGIN, "## Loss curve (pre-training)", "",
        f"Its policy descends from the MLE pre-training run `{run}` (models/{init_id}, "
        "see \"initialised from\" above); that run's loss curve is below. The RL / "
        "distillation curves are rl_curves.png above.", "",
        f"![pre-training loss of {init_id}](../{init_id}/{PNG})", "", END])


def update_card(model_dir, block):
    from training.onnx_export import CARD_BEGIN, upsert_block
    path = os.path.join(model_dir, "README.md")
    if not os.path.exists(path):
        return
    with open(path) as f:
        text = f.read()
    new = upsert_block(text, BEGIN, END, block,
                       before=(CARD_BEGIN, "<!-- eval:begin -->", "## Data and licence"))
    if new != text:
        with open(path, "w") as f:
            f.write(new)


def refresh_model(model_dir) -> str:
    """loss_curve.png (pre-trained models) and the card's loss block; returns what it did."""
    conf_path = os.path.join(model_dir, "config.json")
    conf = json.load(open(conf_path)) if os.path.exists(conf_path) else {}
    curve = read_csv(os.path.join(model_dir, "training_curve.csv"))
    if curve and "train_loss" in curve[0]:
        evals = read_csv(os.path.join(model_dir, "eval.csv"))
        png = plot(model_dir, curve, evals, conf)
        update_card(model_dir, block_for_pretrained(curve, evals))
        return png
    update_card(model_dir, block_for_rl(conf))
    return "card points at the pre-training curve"


def main(argv):
    ids = argv or sorted(d for d in os.listdir(MODELS)
                         if os.path.exists(os.path.join(MODELS, d, "config.json")))
    for mid in ids:
        d = mid if os.path.isdir(mid) else os.path.join(MODELS, mid)
        print(f"{mid}: {refresh_model(d)}")


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    main(sys.argv[1:])
