"""rl/card.py — `rl-card`: the model card (README.md) and RL curves (rl_curves.png) of an RL or
distilled run, written after `export` into models/<id>/.

    python3 -m training rl-card --run training/runs/rl_m --out models/rl-m \
        --eval training/runs/rl_eval.json --rewards training/runs/rl_reward_con,training/runs/rl_reward_dis

The card is regenerated on every call (it is produced, not hand-edited), except for what follows
the first `<!-- name:begin -->` marker up to "## Data and licence" — the blocks other tools write
(loss curve: training/plot_loss.py, ONNX: training/onnx_export.py, evaluation:
tools/eval_cards.py) and hand-written sections such as "## Targets" — which is kept verbatim; a
card without markers keeps a filled-in "Evaluation (jamtool simulate + metrics)" section (the
placeholder is written only when absent). A run started from another RL run (--init of a
continuation stage) lists both stages.
"""
from __future__ import annotations

import csv
import json
import os

EVAL_HEADER = "## Evaluation (jamtool simulate + metrics)"
PLACEHOLDER = (EVAL_HEADER + "\n\n_Placeholder — to be filled by the lead: `jamtool simulate` on "
               "the test split + `jamtool metrics` (note-in-chord, onset-interval EMD, chord-length "
               "entropy, silence ratio, long-chord ratio, chords per song) beside models/online, "
               "and the adaptation curves (cold start, primed 8 beats, tritone shift at beat 17)._\n")


def read_curve(run_dir):
    path = os.path.join(run_dir, "curve.csv")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def smooth(xs, k=10):
    out, acc = [], []
    for x in xs:
        acc.append(x)
        if len(acc) > k:
            acc.pop(0)
        out.append(sum(acc) / len(acc))
    return out


def plot_curves(rows, png, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if not rows:
        return False
    x = [float(r["seconds"]) / 60 for r in rows]
    panels = [("reward", ["reward", "r_con", "r_dis"]), ("KL per chord token",
              ["kl_offline", "kl_init", "kl_teacher"]),
              ("note-in-chord / silence / long", ["note_in_chord", "silence", "long_chord"]),
              ("diversity", ["distinct_per_song", "chord_entropy"]),
              ("chords per song", ["chords_per_song"]),
              ("penalised tokens / frame", ["pen_long", "pen_silence", "pen_eos"])]
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.5))
    for ax, (name, keys) in zip(axes.flat, panels):
        for k in keys:
            ys = [float(r[k]) if r.get(k) not in (None, "", "nan") else float("nan")
                  for r in rows]
            if all(y != y for y in ys):
                continue
            ax.plot(x, smooth(ys), label=k)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("minutes", fontsize=8)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(title + " (moving average of 10 iterations)", fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)
    return True


def reward_lines(dirs):
    lines = []
    for d in dirs:
        p = os.path.join(d, "run.json")
        if not os.path.exists(p):
            continue
        r = json.load(open(p))
        v = r.get("summary", {}).get("valid", {})
        s = r.get("summary", {})
        if r["kind"] == "contrastive":
            cells = ", ".join(f"{w}: {v.get(f'top1_{w}', float('nan')):.3f}" for w in r["scales"])
            lines.append(f"| contrastive (melody + chord encoders, InfoNCE; reward = cosine) | "
                         f"{r.get('params', 0):,} | {s.get('seconds', 0) / 60:.1f} min | "
                         f"top-1 retrieval among 64 (chance 0.016) per crop length: {cells}; "
                         f"mean cosine real {v.get('cos_real_256', float('nan')):.3f} vs "
                         f"shuffled {v.get('cos_shuffled_256', float('nan')):.3f} (256) |")
        else:
            cells = "; ".join(
                f"{w}: all {v.get(f'auc_all_{w}', float('nan')):.3f} (re-paired "
                f"{v.get(f'auc_repaired_{w}', float('nan')):.3f}, shifted "
                f"{v.get(f'auc_shifted_{w}', float('nan')):.3f}, transposed "
                f"{v.get(f'auc_transposed_{w}', float('nan')):.3f})" for w in r["scales"])
            lines.append(f"| discriminative (real vs re-paired / shifted / transposed; reward = "
                         f"P(real)) | {r.get('params', 0):,} | {s.get('seconds', 0) / 60:.1f} min "
                         f"| ROC AUC per crop length: {cells} |")
    return lines


def main(args):
    run = json.load(open(os.path.join(args.run, "run.json")))
    conf_p = os.path.join(args.out, "config.json")
    conf = json.load(open(conf_p)) if os.path.exists(conf_p) else {}
    rl, m, s = run["rl"], run["model"], run.get("summary", {})
    rows = read_curve(args.run)
    mid = conf.get("id", os.path.basename(os.path.normpath(args.out)))
    has_png = plot_curves(rows, os.path.join(args.out, "rl_curves.png"), mid)
    if os.path.exists(os.path.join(args.run, "curve.csv")):
        import shutil
        shutil.copyfile(os.path.join(args.run, "curve.csv"), os.path.join(args.out, "rl_curve.csv"))
    mode = rl["mode"]
    what = {"s": "RL-S: policy-gradient fine-tuning with rewards at the end of the sequence",
            "m": "RL-M: policy-gradient fine-tuning with multi-scale rewards along the sequence",
            "distill": "web size distilled from an RL model"}[mode]
    n_params = conf.get("params") or sum(1 for _ in [])
    lines = [f"# {mid} — Online chord model, {what}", "",
             "Live accompaniment model of realjam-cpp (ReaLchords token layout, "
             "docs/architecture.md); same architecture and files as models/online"
             + ("-web" if run.get("size") == "web" else "") + ", so the engines load it the same "
             "way. Produced by `training/rl_all.sh` (training/rl/, see training/README.md).", "",
             "| | |", "|---|---|",
             f"| architecture | online decoder: {m['n_layers']} layers, d {m['d_model']}, "
             f"{m['n_heads']} heads, d_ff {m['d_ff']}, RoPE, RMSNorm, SwiGLU, tied embeddings "
             f"{m['tie_embeddings']} |",
             f"| parameters | {n_params:,} |" if n_params else "| parameters | see config.json |",
             f"| initialised from | `{os.path.relpath(rl['init'], os.getcwd())}` |",
             f"| training | {s.get('steps')} iterations, {s.get('episodes')} sampled episodes, "
             f"{s.get('seconds', 0) / 60:.1f} min on 2 shared CPU cores |"]
    if mode in ("s", "m"):
        lines += [
            f"| episodes | {rl['melodies']} train melodies per iteration x {rl['group']} samples "
            f"each (from frame 0, <= {rl['max_frames']} frames); chords sampled by the policy "
            "under the grammar mask, melody teacher-forced |",
            f"| objective | REINFORCE, leave-one-out group baseline; reward = mean of contrastive "
            f"cosine and discriminative P(real) on windows of {rl['scales']} frames "
            f"(weight {rl['reward_weight']}), + rule penalties (long chord {rl['w_long']}, "
            f"silence {rl['w_silence']}, early end {rl['w_eos']}) + {rl['beta_offline']} x "
            f"per-token KL(policy \\|\\| Offline model) (on-policy distillation from "
            f"`{os.path.relpath(rl['offline'], os.getcwd())}`)"
            + (f" + {rl['beta_init']} x KL to the initial policy" if rl['beta_init'] else "")
            + (f" + {rl['w_rate']} x chord-rate term (binary KL(Offline \\|\\| policy) of "
               + ("chord onset vs hold-or-silence where a hold is allowed and the chord has "
                  "sounded < 32 frames)" if rl.get("rate_onsets") else
                  "change vs hold where a hold is allowed)") if rl.get("w_rate") else "")
            + (f" + {rl['w_harmony']} x harmony rule reward (melody pitch class in the chord "
               "minus |chord pitch classes| / 12, 16-frame returns: **the note-in-chord metric "
               "used as a reward**, so this model's note-in-chord is not an independent check)"
               if rl.get("w_harmony") else "")
            + f"; AdamW lr {rl['lr']} |"]
        if rl.get("p_transpose"):
            lines.append(f"| adaptation episodes | {rl['p_transpose']:.0%} of the melodies move "
                         "by 1..11 semitones from a random frame in 32..128 on (the whole group "
                         "of samples sees the same transposed melody) |")
        if rl.get("history"):
            lines.append("| settings changed on resume | " + "; ".join(
                f"at iteration {h['at_step']}: {h['changes']}" for h in rl["history"]) + " |")
        init_run = os.path.join(rl["init"], "run.json")
        if os.path.exists(init_run):
            prev = json.load(open(init_run))
            if "rl" in prev:
                pr, ps = prev["rl"], prev.get("summary", {})
                lines.append(
                    f"| stage 1 (the initial policy) | `{os.path.relpath(rl['init'], os.getcwd())}`"
                    f": RL-{pr['mode'].upper()} from `{os.path.relpath(pr['init'], os.getcwd())}`, "
                    f"{ps.get('steps')} iterations, {ps.get('seconds', 0) / 60:.1f} min; rule "
                    f"weights long {pr['w_long']}, silence {pr['w_silence']}, early end "
                    f"{pr['w_eos']}, KL to Offline {pr['beta_offline']}"
                    + (f"; {pr['notes']}" if pr.get("notes") else "") + " |")
    else:
        lines += [f"| objective | per-token KL(student \\|\\| teacher) on the student's own "
                  f"samples (on-policy distillation), teacher "
                  f"`{os.path.relpath(rl['teacher'], os.getcwd())}`, + rule penalties; "
                  f"AdamW lr {rl['lr']} |"]
    if rl.get("notes"):
        lines.append(f"| notes | {rl['notes']} |")
    lines.append("")
    dirs = [d for d in (args.rewards.split(",") if args.rewards else rl.get("rewards", [])) if d]
    rl_lines = reward_lines(dirs)
    if rl_lines:
        lines += ["## Reward models (frozen during RL)", "",
                  "Validation on fixed random crops of the valid split (64 per group, 8 groups "
                  "per crop length); the same model scores whole episodes and 1/2 … 1/16 windows.",
                  "", "| model | params | training | validation |", "|---|---|---|---|"]
        lines += rl_lines + [""]
    if has_png:
        lines += ["## RL curves", "", "![RL curves](rl_curves.png)", "",
                  "Per-iteration values on the sampled training episodes (rl_curve.csv): reward "
                  "parts, KLs, and the proxies note-in-chord, silence ratio, long-chord ratio, "
                  "chords / distinct chords per song and chord entropy.", ""]
        if rows:
            first, last = rows[:10], rows[-10:]

            def avg(rs, k):
                xs = [float(r[k]) for r in rs if r.get(k) not in (None, "", "nan")]
                return sum(xs) / len(xs) if xs else float("nan")
            keys = ["reward", "kl_offline", "kl_teacher", "note_in_chord", "silence",
                    "long_chord", "chords_per_song", "distinct_per_song", "chord_entropy"]
            lines += ["| iterations | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|",
                      "| first 10 | " + " | ".join(f"{avg(first, k):.3f}" for k in keys) + " |",
                      "| last 10 | " + " | ".join(f"{avg(last, k):.3f}" for k in keys) + " |", ""]
    if args.eval and os.path.exists(args.eval):
        from .evaluate import table
        res = json.load(open(args.eval))
        st = res.get("_settings", {})
        lines += ["## Python proxies on the test split", "",
                  f"First {st.get('songs')} songs of {st.get('split')}.tok from frame 0 (<= 256 "
                  "frames), one sample per song at temperature 1, melody teacher-forced "
                  "(`python3 -m training rl-eval`); `data` = the songs' own chords. Quick "
                  "proxies only — the reference evaluation is the section below.", "",
                  table({k: v for k, v in res.items() if not k.startswith("_")}), ""]
    old = ""
    card = os.path.join(args.out, "README.md")
    if os.path.exists(card):
        old = open(card).read()
    kept = PLACEHOLDER
    first_block = old.find("<!-- ")
    if first_block >= 0:
        # sections other tools maintain between <!-- name:begin --> / <!-- name:end --> markers
        # (loss curve, ONNX, evaluation) and hand-written ones after them (e.g. "## Targets")
        # are kept verbatim, up to "## Data and licence"
        kept = old[first_block:].split("## Data and licence", 1)[0].rstrip("\n") + "\n"
    elif EVAL_HEADER in old and \
            "_Placeholder" not in old.split(EVAL_HEADER, 1)[1].split("\n## ")[0]:
        kept = EVAL_HEADER + old.split(EVAL_HEADER, 1)[1].split("\n## ")[0]
    lines += [kept, "## Data and licence", "",
              "Trained on the Hooktheory (TheoryTab) melody + chord annotations as released by "
              "the Sheet Sage project, licensed CC BY-NC-SA 3.0 (attribution: Hooktheory / "
              "TheoryTab); the reward models, the Offline teacher and the initial policy were "
              "trained on the same train split (valid/test never used for training). These "
              "weights are a derivative: non-commercial use only, share-alike.", "",
              "## Files", "",
              f"model.jamw ({conf.get('weights_dtype', 'f32')} weights), vocab.json, config.json, "
              "golden.json" + ((", model.onnx + onnx_reference.json" if os.path.exists(
                  os.path.join(args.out, "onnx_reference.json")) else ", model.onnx")
                  if "onnx" in conf.get("files", {}) else "")
              + ", rl_curve.csv, rl_curves.png.", ""]
    with open(card, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {card}")
