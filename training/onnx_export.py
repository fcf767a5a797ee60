"""onnx_export.py — the web model as an ONNX KV-cache graph (opset 17) with int8 weights.

Graph contract (what web_shell's ORT agent feeds):
  inputs   tokens      int64 [1, n]          tokens at positions start .. start+n-1
           start       int64 [1]             first position; cache entries >= start are dropped
           past_k_<i>, past_v_<i>  float32 [1, H, P, head_dim]  per layer i, P >= start
                                   (P = 0 on the first call: zero-length tensors)
  outputs  logits      float32 [1, V]        logits of the last fed position
           present_k_<i>, present_v_<i>  float32 [1, H, start+n, head_dim]
So `SequenceModel::feed(tokens, start)` maps to one run, passing the previous presents as pasts.

Weights: every 2-D float initializer is stored int8 with one f32 scale per output channel and a
DequantizeLinear node (symmetric, zero point 0), so the file stays small (<= 3 MB for the web
size). RoPE uses a constant cos/sin table [max_len, head_dim/2] gathered by position, i.e. the
same float64-computed values as training/model.py.

`export_onnx` also writes onnx_reference.json (logits of the int8-dequantized PyTorch model for a
chunked feed of the golden tokens) and runs training/onnx_check.mjs under node with
onnxruntime-web when node is available, reporting the agreement.
"""
from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import torch
import torch.nn as nn

from .model import OnlineModel, rope_tables

OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class OnlineKV(nn.Module):
    """KV-cache step of an OnlineModel, written for tracing (no Python ints from tensors)."""

    def __init__(self, model: OnlineModel):
        super().__init__()
        self.m = model
        cfg = model.cfg
        cos, sin = rope_tables(torch.arange(cfg.max_len), cfg.head_dim, cfg.rope_theta,
                               torch.float32)
        half = cfg.head_dim // 2
        self.register_buffer("rope_cos", cos[:, :half].contiguous())
        self.register_buffer("rope_sin", sin[:, :half].contiguous())

    def forward(self, tokens, start, *past):
        m = self.m
        n = tokens.shape[1]
        s = start.reshape(())
        positions = torch.arange(n) + s                                       # [n]
        cos = torch.index_select(self.rope_cos, 0, positions)
        sin = torch.index_select(self.rope_sin, 0, positions)
        cos, sin = torch.cat([cos, cos], -1), torch.cat([sin, sin], -1)       # [n, hd]
        keep = torch.arange(s)                                                # cache kept
        x = m.dec.tok_emb(tokens)
        kpos = torch.arange(s + n)
        mask = torch.where(kpos[None, :] > positions[:, None], torch.tensor(float("-inf")),
                           torch.tensor(0.0))                                 # [n, s+n]
        presents = []
        for i, layer in enumerate(m.dec.layers):
            pk = torch.index_select(past[2 * i], 2, keep)
            pv = torch.index_select(past[2 * i + 1], 2, keep)
            q, k, v = layer.attn.project(layer.attn_norm(x), cos, sin)
            k, v = torch.cat([pk, k], dim=2), torch.cat([pv, v], dim=2)
            presents += [k, v]
            x = x + layer.attn.attend(q, k, v, mask)
            x = x + layer.mlp(layer.mlp_norm(x))
        h = m.dec.norm(x[:, -1])
        return (m.head(h), *presents)


def io_names(n_layers: int):
    past = [f"past_{kv}_{i}" for i in range(n_layers) for kv in ("k", "v")]
    present = [f"present_{kv}_{i}" for i in range(n_layers) for kv in ("k", "v")]
    return ["tokens", "start"] + past, ["logits"] + present


def quantize_initializers(model_proto, min_numel: int = 1024):
    """Replace each 2-D float initializer by int8 + per-channel scale + DequantizeLinear.
    Channel axis: 1 when it feeds MatMul as B ([in, out]), else 0 (embedding rows)."""
    import onnx
    from onnx import helper, numpy_helper

    g = model_proto.graph
    consumers = {}
    for node in g.node:
        for j, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node.op_type, j))
    new_inits, new_nodes, count = [], [], 0
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype != np.float32 or arr.ndim != 2 or arr.size < min_numel or \
                "rope" in init.name:
            new_inits.append(init)
            continue
        uses = consumers.get(init.name, [])
        axis = 1 if uses and all(op == "MatMul" and j == 1 for op, j in uses) else 0
        amax = np.abs(arr).max(axis=1 - axis)
        scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
        shape = (1, -1) if axis == 1 else (-1, 1)
        q = np.clip(np.rint(arr / scale.reshape(shape)), -127, 127).astype(np.int8)
        qn, sn, zn = init.name + "_q", init.name + "_scale", init.name + "_zp"
        new_inits += [numpy_helper.from_array(q, qn), numpy_helper.from_array(scale, sn),
                      numpy_helper.from_array(np.zeros(scale.shape, np.int8), zn)]
        new_nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn], [init.name],
                                          axis=axis, name=init.name + "_dq"))
        count += 1
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + nodes)
    onnx.checker.check_model(model_proto)
    return count


def dequantized_copy(model: OnlineModel) -> OnlineModel:
    """The same model with every 2-D weight rounded like quantize_initializers does (per output
    channel of the computation: rows of tok_emb for lookup, rows of W for x W^T)."""
    import copy
    q = copy.deepcopy(model)
    with torch.no_grad():
        for name, p in q.named_parameters():
            if p.ndim == 2 and p.numel() >= 1024:
                amax = p.abs().amax(dim=1, keepdim=True)
                scale = torch.where(amax > 0, amax / 127.0, torch.ones_like(amax))
                p.copy_(torch.clamp(torch.round(p / scale), -127, 127) * scale)
    return q


def chunk_plan(n_tokens: int):
    """Feeds for the check: a prefix, single tokens, a re-feed over dropped entries, the rest."""
    a = min(24, n_tokens - 6)
    plan = [(0, a), (a, 1), (a + 1, 1), (a + 2, 2), (a, 4)]   # (start, count): last re-feeds
    pos = a + 4
    while pos < n_tokens:
        c = min(8, n_tokens - pos)
        plan.append((pos, c))
        pos += c
    return plan


def export_onnx(model: OnlineModel, cfg, out_dir, golden: dict, int8: bool = True,
                node_check: bool = True) -> dict:
    """int8=False keeps f32 initializers (the tiny test model: its logits then match golden.json
    to 1e-4, which tests the in-tab agent's KV handling exactly)."""
    import onnx

    model = model.float().eval()
    kv = OnlineKV(model).eval()
    h, hd, L = cfg.n_heads, cfg.head_dim, cfg.n_layers
    ins, outs = io_names(L)
    ex_tokens = torch.tensor([golden["tokens"][:5]])
    ex_start = torch.tensor([3])
    ex_past = [torch.zeros(1, h, 4, hd) for _ in range(2 * L)]
    dyn = {"tokens": {1: "n"}}
    for i in range(L):
        for kvn in ("k", "v"):
            dyn[f"past_{kvn}_{i}"] = {2: "past_len"}
            dyn[f"present_{kvn}_{i}"] = {2: "total_len"}
    path = os.path.join(out_dir, "model.onnx")
    tmp = path + ".f32.onnx"
    with torch.no_grad():
        torch.onnx.export(kv, (ex_tokens, ex_start, *ex_past), tmp, input_names=ins,
                          output_names=outs, dynamic_axes=dyn, opset_version=OPSET,
                          do_constant_folding=True)
    proto = onnx.load(tmp)
    os.remove(tmp)
    n_q = quantize_initializers(proto) if int8 else 0
    onnx.save(proto, path)
    size = os.path.getsize(path)

    # reference logits of the int8 model for a chunked feed (what onnx_check.mjs replays)
    qm = dequantized_copy(model) if int8 else model
    toks = golden["tokens"]
    plan = chunk_plan(len(toks))
    with torch.no_grad():
        full_q = qm.double()(torch.tensor([toks]))[0].float()
        full_f = model.double()(torch.tensor([toks]))[0].float()
    model.float()
    steps = [{"start": s, "count": c, "logits_int8": [round(float(v), 6)
                                                      for v in full_q[s + c - 1]],
              "argmax_f32": int(full_f[s + c - 1].argmax())} for s, c in plan]
    ref = {"tokens": toks, "steps": steps, "n_layers": L, "n_heads": h, "head_dim": hd,
           "vocab_size": cfg.vocab_size}
    ref_path = os.path.join(out_dir, "onnx_reference.json")
    with open(ref_path, "w") as f:
        json.dump(ref, f, separators=(",", ":"))
    # int8 rounding vs the f32 model, measured in PyTorch
    dq = (full_q - full_f).abs().max().item()
    agree = float((full_q.argmax(-1) == full_f.argmax(-1)).float().mean())
    report = {"bytes": size, "opset": OPSET, "int8_initializers": n_q,
              "torch_int8_vs_f32_max_abs": round(dq, 5), "torch_int8_vs_f32_argmax_agree": agree}
    if node_check:
        report.update(run_node_check(path, ref_path))
    return report


def run_node_check(onnx_path, ref_path) -> dict:
    script = os.path.join(HERE, "onnx_check.mjs")
    try:
        out = subprocess.run(["node", script, onnx_path, ref_path], cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"ort_check": f"not run: {e}"}
    if out.returncode != 0:
        return {"ort_check": "failed", "ort_stderr": out.stderr[-2000:]}
    return {"ort_check": json.loads(out.stdout.strip().splitlines()[-1])}
