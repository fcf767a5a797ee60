"""export.py — a trained run (or a tiny random model) -> models/<id>/ for the engines.

    python3 -m training export --run training/runs/online_full --out models/online-full
    python3 -m training export --tiny            # tests/data/tiny_online (+ f32 model.onnx), tiny_offline

Writes model.jamw (f32, docs/architecture.md), vocab.json (copied), config.json, golden.json
(golden.py) and, with --onnx (default for web-size runs), the ONNX graph(s) (onnx_export.py:
model.onnx for online models, model_encoder.onnx + model_decoder.onnx for the offline one).
"""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import torch

from .data import Shard
from .golden import check_golden, make_golden
from .jamw import model_tensors, write_jamw
from .model import ModelConfig, build_model, count_params
from .vocab import Vocab, synthetic_vocab

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def jamw_header(cfg: ModelConfig, vocab_hash: str) -> dict:
    return {"format": 1, "arch": cfg.arch, "d_model": cfg.d_model, "n_layers": cfg.n_layers,
            "n_heads": cfg.n_heads, "d_ff": cfg.d_ff, "vocab_size": cfg.vocab_size,
            "vocab_hash": vocab_hash, "max_len": cfg.max_len, "rope_theta": cfg.rope_theta,
            "norm_eps": cfg.norm_eps, "tie_embeddings": cfg.tie_embeddings,
            "enc_layers": cfg.enc_layers}


def write_model_dir(out_dir, model, cfg: ModelConfig, vocab_path, golden_input: dict,
                    extra_config: dict | None = None, n_rows: int = 12, int8: bool = False):
    os.makedirs(out_dir, exist_ok=True)
    vocab = Vocab.load(vocab_path)
    if vocab.size != cfg.vocab_size:
        raise ValueError(f"vocab size {vocab.size} != model vocab {cfg.vocab_size}")
    if os.path.abspath(vocab_path) != os.path.abspath(os.path.join(out_dir, "vocab.json")):
        shutil.copyfile(vocab_path, os.path.join(out_dir, "vocab.json"))
    jamw = os.path.join(out_dir, "model.jamw")
    write_jamw(jamw, jamw_header(cfg, vocab.hash), model_tensors(model), int8=int8)
    golden = make_golden(jamw, n_rows=n_rows, **golden_input)
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
    err = check_golden(jamw, golden)
    conf = {"arch": cfg.arch, "model": cfg.to_dict(), "vocab_hash": vocab.hash,
            "params": count_params(model), "history_tokens": 512,
            "files": {"weights": "model.jamw", "vocab": "vocab.json", "golden": "golden.json"}}
    conf.update(extra_config or {})
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(conf, f, indent=1)
    return golden, err


# ------------------------------------------------------------------------------- tiny models

def tiny_init(model, seed: int):
    """Large random weights so the tiny golden logits are well spread (no argmax ties)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.25 * torch.randn(p.shape, generator=g))


def tiny_song(vocab: Vocab, n_frames: int, seed: int) -> np.ndarray:
    from .data import synthetic_song
    return synthetic_song(np.random.default_rng(seed), vocab, n_frames)


def export_tiny(out_root=None):
    out_root = out_root or os.path.join(ROOT, "tests", "data")
    results = {}
    for arch in ("online", "offline"):
        out = os.path.join(out_root, f"tiny_{arch}")
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "vocab.json"), "w") as f:
            json.dump(synthetic_vocab(), f, indent=1)
        vocab = Vocab.load(os.path.join(out, "vocab.json"))
        # online: untied lm_head, 4 heads; offline: tied, 2 heads — covers both engine paths
        cfg = ModelConfig(arch=arch, vocab_size=vocab.size, d_model=32, n_layers=2,
                          n_heads=4 if arch == "online" else 2, d_ff=88,
                          enc_layers=2 if arch == "offline" else 0,
                          tie_embeddings=(arch == "offline"))
        torch.manual_seed(0)
        model = build_model(cfg)
        tiny_init(model, seed=1 if arch == "online" else 2)
        seq = tiny_song(vocab, 40, seed=3)                      # BOS + 80 tokens + EOS
        if arch == "online":
            gin = {"tokens": seq[:61].tolist()}                 # BOS + 30 frames
        else:
            from .data import song_frames
            c, m = song_frames(seq)
            gin = {"melody": m.tolist(), "chords": c.tolist()}  # 40 frames
        golden, err = write_model_dir(out, model, cfg, os.path.join(out, "vocab.json"), gin,
                                      {"id": f"tiny_{arch}", "note": "random init, tests only"},
                                      n_rows=16)
        if arch == "online":  # the in-tab agent's test model: f32 ONNX, matches golden.json
            from .onnx_export import export_onnx
            export_onnx(model, cfg, out, golden, int8=False, node_check=False)
            conf_path = os.path.join(out, "config.json")
            with open(conf_path) as f:
                conf = json.load(f)
            conf["files"]["onnx"] = "model.onnx"
            with open(conf_path, "w") as f:
                json.dump(conf, f, indent=1)
        results[arch] = (out, golden["n_positions"], err)
    return results


# -------------------------------------------------------------------------------- real runs

def load_run(run_dir):
    with open(os.path.join(run_dir, "run.json")) as f:
        run = json.load(f)
    cfg = ModelConfig.from_dict(run["model"])
    model = build_model(cfg)
    ck = torch.load(os.path.join(run_dir, "final.pt" if os.path.exists(
        os.path.join(run_dir, "final.pt")) else "checkpoint.pt"), map_location="cpu")
    model.load_state_dict(ck["model"])
    return model.eval(), cfg, run


def golden_from_valid(run_dir, arch: str, vocab: Vocab, n_frames: int = 40):
    """A real song prefix from the valid shard (first song with >= n_frames frames)."""
    data_dir = json.load(open(os.path.join(run_dir, "run.json")))["data_dir"]
    shard = Shard(os.path.join(data_dir, "valid.tok"))
    for i in range(len(shard)):
        seq = shard.seq(i)
        if (len(seq) - 2) // 2 >= n_frames:
            break
    from .data import song_frames
    if arch == "online":
        return {"tokens": seq[:1 + 2 * n_frames].tolist()}
    c, m = song_frames(seq)
    return {"melody": m[:n_frames].tolist(), "chords": c[:n_frames].tolist()}


def export_run(run_dir, out_dir, onnx: bool | None = None, model_id: str | None = None,
               int8: bool = False):
    model, cfg, run = load_run(run_dir)
    vocab_path = os.path.join(run_dir, "vocab.json")
    vocab = Vocab.load(vocab_path)
    gin = golden_from_valid(run_dir, cfg.arch, vocab, n_frames=40)
    extra = {"id": model_id or os.path.basename(os.path.normpath(out_dir)),
             "size": run.get("size"), "training": run.get("summary", {}),
             "data": run.get("data_info", {})}
    extra["weights_dtype"] = "i8" if int8 else "f32"
    golden, err = write_model_dir(out_dir, model, cfg, vocab_path, gin, extra, int8=int8)
    report = {"golden_self_check_max_abs": err}
    if onnx is None:
        onnx = int8 and run.get("size") == "web" and cfg.arch == "online"
    write_card(out_dir, run_dir, json.load(open(os.path.join(out_dir, "config.json"))), onnx)
    if onnx and not int8:
        raise SystemExit("--onnx needs --int8: the ONNX graph stores int8 weights, and golden.json "
                         "must be computed from the same weights")
    if onnx:
        # the same command as `export-onnx --model <id>` (graph(s), golden check, card blocks);
        # the f32 model only adds the int8-vs-f32 rounding figure (the graph is the same int8)
        from .onnx_export import export_model_dir
        report["onnx"] = export_model_dir(out_dir, f32_model=model)
        try:  # the card's loss curve (loss_curve.png), as `export-onnx` does
            from .plot_loss import refresh_model
            refresh_model(out_dir)
        except ImportError as e:
            report["loss_curve"] = f"not drawn: {e}"
    return report


def write_card(out_dir, run_dir, conf: dict, onnx: bool):
    """models/<id>/README.md (only when absent: a hand-edited card is never overwritten) plus
    the run's curves (training_curve.csv, eval.csv) for plots."""
    import csv
    for src, dst in (("curve.csv", "training_curve.csv"), ("eval.csv", "eval.csv")):
        if os.path.exists(os.path.join(run_dir, src)):
            shutil.copyfile(os.path.join(run_dir, src), os.path.join(out_dir, dst))
    path = os.path.join(out_dir, "README.md")
    if os.path.exists(path):
        return
    m, tr, data = conf["model"], conf.get("training", {}), conf.get("data", {})
    v = tr.get("valid", {})
    curve = []
    if os.path.exists(os.path.join(run_dir, "curve.csv")):
        with open(os.path.join(run_dir, "curve.csv")) as f:
            rows = list(csv.DictReader(f))
        curve = rows[:: max(1, len(rows) // 8)] + rows[-1:] if rows else []
    lines = [
        f"# {conf['id']} — {conf['arch']} chord model ({conf.get('size')})", "",
        "Chord accompaniment model of realjam-cpp (ReaLchords token layout, "
        "docs/architecture.md). Trained by `training/` (see training/run_all.sh).", "",
        "| | |", "|---|---|",
        f"| architecture | {conf['arch']}: {m['n_layers']} decoder layers"
        + (f" + {m['enc_layers']} encoder layers" if m['enc_layers'] else "")
        + f", d {m['d_model']}, {m['n_heads']} heads, d_ff {m['d_ff']}, RoPE, RMSNorm, SwiGLU, "
        f"tied embeddings {m['tie_embeddings']} |",
        f"| parameters | {conf['params']:,} |",
        f"| vocabulary | {m['vocab_size']} tokens, hash {conf['vocab_hash']} |",
        "| context | BOS + 512 history tokens (256 frames of 16th notes) |",
        f"| training | {tr.get('steps')} steps, {tr.get('tokens', 0) / 1e6:.1f} M target tokens "
        f"({tr.get('epochs')} epochs of the 12x transposed train split), "
        f"{tr.get('seconds', 0) / 60:.0f} min on 2 shared CPU cores, bf16 autocast |",
        f"| valid ({tr.get('valid_songs')} songs) | loss {v.get('loss', float('nan')):.4f}, "
        f"chord NLL {v.get('chord_nll', float('nan')):.4f}, "
        f"chord accuracy {v.get('chord_acc', float('nan')):.4f} (teacher-forced, per frame) |",
        f"| data split | split.json sha256 {data.get('split_sha256')} |", ""]
    if curve:
        lines += ["Training curve (full data in training_curve.csv, evals in eval.csv):", "",
                  "| step | target tokens | minutes | train loss |", "|---|---|---|---|"]
        lines += [f"| {r['step']} | {int(float(r.get('tokens') or 0)):,} | "
                  f"{float(r['seconds']) / 60:.1f} | {r.get('train_loss', '')} |" for r in curve]
        lines.append("")
    lines += [
        "## Data and licence", "",
        "Trained on the Hooktheory (TheoryTab) melody + chord annotations as released by the "
        "Sheet Sage project, licensed CC BY-NC-SA 3.0 (attribution: Hooktheory / TheoryTab). "
        "These weights are a derivative: non-commercial use only, share-alike.", "",
        "## Files", "",
        f"model.jamw ({conf.get('weights_dtype', 'f32')} weights, docs/architecture.md), "
        "vocab.json, config.json, golden.json "
        "(float64 reference logits the engines must match to 1e-4)"
        + ({"online": ", model.onnx + onnx_reference.json",
            "offline": ", model_encoder.onnx + model_decoder.onnx"}[conf["arch"]]
           if onnx else "") + ", loss_curve.png.", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main(args):
    if args.tiny:
        for arch, (out, n, err) in export_tiny(args.out).items():
            print(f"tiny {arch}: {out} ({n} golden positions, f32 self-check max |d| {err:.2e})")
        return
    if not args.run or not args.out:
        raise SystemExit("export needs --run RUN_DIR --out models/<id> (or --tiny)")
    rep = export_run(args.run, args.out, onnx=args.onnx, int8=args.int8)
    print(json.dumps(rep, indent=1))

