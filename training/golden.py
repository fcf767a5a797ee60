"""golden.py — golden logits that the C++ engine (and the ONNX graph) must reproduce to 1e-4.

golden.json (one per exported model):
  {"arch": "online"|"offline", "vocab_size": V, "n_positions": T, "tolerance": 1e-4,
   "reference": "...",
   online : "tokens": [T]                 the fed window, BOS first, positions 0..T-1
   offline: "melody": [T], "chords": [T]  the decoder is fed chord_in = [BOS] + chords[:-1]
            "chord_in": [T]
   "rows": [{"position": p, "logits": [V]}, ...]   full logits at chosen positions
   "argmax": [T], "max_logit": [T]                 for every position}

The reference is a float64 forward of exactly the f32 weights written to model.jamw, so an f32
engine differs from it by its own rounding only.
"""
from __future__ import annotations

import numpy as np
import torch

from .jamw import load_into, read_jamw
from .model import ModelConfig, build_model

TOLERANCE = 1e-4


def reference_model(jamw_path):
    """The float64 model holding exactly the weights in model.jamw."""
    header, tensors = read_jamw(jamw_path)
    cfg = ModelConfig.from_dict(header)
    model = build_model(cfg)
    load_into(model, tensors)
    return model.double().eval(), cfg


def choose_positions(t: int, k: int = 12):
    pos = sorted(set(np.linspace(0, t - 1, k).round().astype(int).tolist()))
    return pos


def make_golden(jamw_path, tokens=None, melody=None, chords=None, n_rows: int = 12) -> dict:
    model, cfg = reference_model(jamw_path)
    with torch.no_grad():
        if cfg.arch == "online":
            x = torch.tensor([tokens], dtype=torch.long)
            logits = model(x)[0]
            g = {"arch": "online", "tokens": list(map(int, tokens))}
        else:
            chord_in = [1] + list(chords[:-1])
            logits = model(torch.tensor([melody]), torch.tensor([chord_in]))[0]
            g = {"arch": "offline", "melody": list(map(int, melody)),
                 "chords": list(map(int, chords)), "chord_in": list(map(int, chord_in))}
    lg = logits.numpy()
    t = lg.shape[0]
    g.update({
        "vocab_size": int(lg.shape[1]), "n_positions": int(t), "tolerance": TOLERANCE,
        "reference": "float64 PyTorch forward (training/model.py) of the f32 weights in model.jamw",
        "rows": [{"position": int(p), "logits": [round(float(v), 7) for v in lg[p]]}
                 for p in choose_positions(t, n_rows)],
        "argmax": [int(i) for i in lg.argmax(-1)],
        "max_logit": [round(float(v), 7) for v in lg.max(-1)],
    })
    return g


def check_golden(jamw_path, golden: dict) -> float:
    """Max abs difference between a fresh float32 forward and the golden rows."""
    model, cfg = reference_model(jamw_path)
    model = model.float()
    with torch.no_grad():
        if cfg.arch == "online":
            lg = model(torch.tensor([golden["tokens"]]))[0]
        else:
            lg = model(torch.tensor([golden["melody"]]), torch.tensor([golden["chord_in"]]))[0]
    worst = 0.0
    for row in golden["rows"]:
        d = (lg[row["position"]] - torch.tensor(row["logits"])).abs().max().item()
        worst = max(worst, d)
    return worst
