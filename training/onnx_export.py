"""onnx_export.py — every shipped model as ONNX (opset 17) KV-cache graphs with int8 weights.

    python3 -m training export-onnx --model rl-m        # models/rl-m/model.onnx, checked
    python3 -m training export-onnx --all               # every models/<id>/ with a model.jamw

Online models (online, online-web, rl-s, rl-m, rl-m-web) -> model.onnx:
  inputs   tokens      int64 [1, n]          tokens at positions start .. start+n-1
           start       int64 [1]             first position; cache entries >= start are dropped
           past_k_<i>, past_v_<i>  float32 [1, H, P, head_dim]  per layer i, P >= start
                                   (P = 0 on the first call: zero-length tensors)
  outputs  logits      float32 [1, V]        logits of the last fed position
           present_k_<i>, present_v_<i>  float32 [1, H, start+n, head_dim]
So `SequenceModel::feed(tokens, start)` maps to one run, passing the previous presents as pasts.

Offline model (encoder-decoder) -> two graphs, because the encoder runs once per melody and the
decoder once per chord step:
  model_encoder.onnx
  inputs   melody      int64 [1, T]          m_0 .. m_{T-1} (non-causal, positions 0 .. T-1)
  outputs  memory      float32 [1, T, d]     enc_proj(enc.norm(encoder(melody))): the term the
                                             decoder adds to its input embedding at frame t
  model_decoder.onnx
  inputs   chord_in    int64 [1, n]          decoder inputs at positions start .. start+n-1
                                             (chord_in = BOS, c_0, c_1, ...: position t
                                             predicts c_t)
           start       int64 [1]             as above (entries >= start dropped)
           memory      float32 [1, T, d]     the encoder's output, T >= start+n (rows
                                             start .. start+n-1 are used)
           past_k_<i>, past_v_<i>  float32 [1, H, P, head_dim]  per decoder layer
  outputs  logits      float32 [1, n, V]     logits of every fed position (teacher-forced scoring
                                             and sampling both need them)
           present_k_<i>, present_v_<i>  float32 [1, H, start+n, head_dim]

Weights: every 2-D float initializer is stored int8 with one f32 scale per output channel and a
DequantizeLinear node (symmetric, zero point 0) — the same per-row scheme as an i8 model.jamw,
so a graph exported from the shipped model.jamw holds the jamw's int8 values and its logits
match golden.json (a float64 forward of those weights) to float32 rounding. RoPE uses a constant
cos/sin table [max_len, head_dim/2] gathered by position, the float64-computed values of
training/model.py.

The check (training/onnx_check.mjs, onnxruntime-web wasm EP in node) replays golden.json in
chunks (a prefill, single steps, a re-feed over dropped cache entries) and compares the logits at
golden.json's rows with its tolerance (1e-4); for online graphs it also replays
onnx_reference.json (the int8 model's PyTorch logits for another chunked feed).
"""
from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import torch
import torch.nn as nn

from .model import OfflineModel, OnlineModel, rope_tables

OPSET = 17
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CARD_BEGIN, CARD_END = "<!-- onnx:begin -->", "<!-- onnx:end -->"
ONLINE_FILES = ("model.onnx",)
OFFLINE_FILES = ("model_encoder.onnx", "model_decoder.onnx")


class _Rope(nn.Module):
    """Constant cos/sin tables [max_len, head_dim/2] (float64-computed, stored f32)."""

    def __init__(self, cfg):
        super().__init__()
        cos, sin = rope_tables(torch.arange(cfg.max_len), cfg.head_dim, cfg.rope_theta,
                               torch.float32)
        half = cfg.head_dim // 2
        self.register_buffer("rope_cos", cos[:, :half].contiguous())
        self.register_buffer("rope_sin", sin[:, :half].contiguous())

    def tables(self, positions):
        cos = torch.index_select(self.rope_cos, 0, positions)
        sin = torch.index_select(self.rope_sin, 0, positions)
        return torch.cat([cos, cos], -1), torch.cat([sin, sin], -1)          # [n, hd]


def _cached_blocks(layers, x, positions, s, past, rope: _Rope):
    """Causal blocks over x [1, n, d] at `positions` with a KV cache truncated to `s` entries.
    Returns (x, presents [k0, v0, k1, v1, ...])."""
    n = x.shape[1]
    cos, sin = rope.tables(positions)
    keep = torch.arange(s)                                                    # cache kept
    kpos = torch.arange(s + n)
    mask = torch.where(kpos[None, :] > positions[:, None], torch.tensor(float("-inf")),
                       torch.tensor(0.0))                                     # [n, s+n]
    presents = []
    for i, layer in enumerate(layers):
        pk = torch.index_select(past[2 * i], 2, keep)
        pv = torch.index_select(past[2 * i + 1], 2, keep)
        q, k, v = layer.attn.project(layer.attn_norm(x), cos, sin)
        k, v = torch.cat([pk, k], dim=2), torch.cat([pv, v], dim=2)
        presents += [k, v]
        x = x + layer.attn.attend(q, k, v, mask)
        x = x + layer.mlp(layer.mlp_norm(x))
    return x, presents


class OnlineKV(nn.Module):
    """KV-cache step of an OnlineModel, written for tracing (no Python ints from tensors)."""

    def __init__(self, model: OnlineModel):
        super().__init__()
        self.m = model
        self.rope = _Rope(model.cfg)

    def forward(self, tokens, start, *past):
        m = self.m
        s = start.reshape(())
        positions = torch.arange(tokens.shape[1]) + s                         # [n]
        x, presents = _cached_blocks(m.dec.layers, m.dec.tok_emb(tokens), positions, s, past,
                                     self.rope)
        h = m.dec.norm(x[:, -1])
        return (m.head(h), *presents)


class OfflineEncoder(nn.Module):
    """melody [1, T] -> memory [1, T, d] = enc_proj(enc.norm(non-causal blocks))."""

    def __init__(self, model: OfflineModel):
        super().__init__()
        self.m = model
        self.rope = _Rope(model.cfg)

    def forward(self, melody):
        m = self.m
        cos, sin = self.rope.tables(torch.arange(melody.shape[1]))
        x = m.enc.tok_emb(melody)
        mask = torch.tensor(0.0)                       # non-causal: every key visible
        for layer in m.enc.layers:
            x = layer(x, mask, cos, sin)
        return m.enc_proj(m.enc.norm(x))


class OfflineDecoderKV(nn.Module):
    """KV-cache step of the Offline model's chord decoder; logits of every fed position."""

    def __init__(self, model: OfflineModel):
        super().__init__()
        self.m = model
        self.rope = _Rope(model.cfg)

    def forward(self, chord_in, start, memory, *past):
        m = self.m
        s = start.reshape(())
        positions = torch.arange(chord_in.shape[1]) + s
        x = m.dec.tok_emb(chord_in) + torch.index_select(memory, 1, positions)
        x, presents = _cached_blocks(m.dec.layers, x, positions, s, past, self.rope)
        return (m.head(m.dec.norm(x)), *presents)


def io_names(n_layers: int, first=("tokens", "start")):
    past = [f"past_{kv}_{i}" for i in range(n_layers) for kv in ("k", "v")]
    present = [f"present_{kv}_{i}" for i in range(n_layers) for kv in ("k", "v")]
    return list(first) + past, ["logits"] + present


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


def dequantized_copy(model: nn.Module) -> nn.Module:
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


def _export_graph(module, args, path, ins, outs, dyn, int8: bool) -> int:
    """torch.onnx.export of `module` to `path` (f32), then int8 initializers; returns how many."""
    import onnx
    tmp = path + ".f32.onnx"
    with torch.no_grad():
        torch.onnx.export(module, args, tmp, input_names=ins, output_names=outs,
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    proto = onnx.load(tmp)
    os.remove(tmp)
    n_q = quantize_initializers(proto) if int8 else 0
    onnx.save(proto, path)
    return n_q


def _kv_dyn(n_layers: int, first: dict) -> dict:
    dyn = dict(first)
    for i in range(n_layers):
        for kvn in ("k", "v"):
            dyn[f"past_{kvn}_{i}"] = {2: "past_len"}
            dyn[f"present_{kvn}_{i}"] = {2: "total_len"}
    return dyn


def export_onnx(model: OnlineModel, cfg, out_dir, golden: dict, int8: bool = True,
                node_check: bool = True, weights_are_int8: bool = False) -> dict:
    """Online model -> out_dir/model.onnx + onnx_reference.json. int8=False keeps f32
    initializers (the tiny test model: its logits then match golden.json to 1e-4, which tests the
    in-tab agent's KV handling exactly). weights_are_int8: the model holds dequantized i8 weights
    already (loaded from an i8 model.jamw), so there is no f32 model to compare the rounding to."""
    model = model.float().eval()
    kv = OnlineKV(model).eval()
    h, hd, L = cfg.n_heads, cfg.head_dim, cfg.n_layers
    ins, outs = io_names(L)
    ex_tokens = torch.tensor([golden["tokens"][:5]])
    ex_start = torch.tensor([3])
    ex_past = [torch.zeros(1, h, 4, hd) for _ in range(2 * L)]
    path = os.path.join(out_dir, "model.onnx")
    n_q = _export_graph(kv, (ex_tokens, ex_start, *ex_past), path, ins, outs,
                        _kv_dyn(L, {"tokens": {1: "n"}}), int8)
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
    report = {"bytes": size, "opset": OPSET, "int8_initializers": n_q}
    if not weights_are_int8:
        # int8 rounding vs the f32 model, measured in PyTorch
        dq = (full_q - full_f).abs().max().item()
        agree = float((full_q.argmax(-1) == full_f.argmax(-1)).float().mean())
        report.update({"torch_int8_vs_f32_max_abs": round(dq, 5),
                       "torch_int8_vs_f32_argmax_agree": agree})
    if node_check:
        report.update(run_node_check(path, ref_path))
    return report


def export_offline_onnx(model: OfflineModel, cfg, out_dir, golden: dict, int8: bool = True,
                        weights_are_int8: bool = True) -> dict:
    """Offline model -> out_dir/model_encoder.onnx + model_decoder.onnx (contract above).
    weights_are_int8=False (an f32 model): also the int8-vs-f32 logit difference on golden's
    input."""
    model = model.float().eval()
    h, hd, L = cfg.n_heads, cfg.head_dim, cfg.n_layers
    mel = torch.tensor([golden["melody"][:6]])
    enc_path = os.path.join(out_dir, OFFLINE_FILES[0])
    n_enc = _export_graph(OfflineEncoder(model).eval(), (mel,), enc_path, ["melody"],
                          ["memory"], {"melody": {1: "T"}, "memory": {1: "T"}}, int8)
    ins, outs = io_names(L, ("chord_in", "start", "memory"))
    ex_cin = torch.tensor([golden["chord_in"][3:5]])
    ex_start = torch.tensor([3])
    ex_mem = torch.zeros(1, 6, cfg.d_model)
    ex_past = [torch.zeros(1, h, 4, hd) for _ in range(2 * L)]
    dec_path = os.path.join(out_dir, OFFLINE_FILES[1])
    dyn = _kv_dyn(L, {"chord_in": {1: "n"}, "memory": {1: "T"}, "logits": {1: "n"}})
    n_dec = _export_graph(OfflineDecoderKV(model).eval(), (ex_cin, ex_start, ex_mem, *ex_past),
                          dec_path, ins, outs, dyn, int8)
    rep = {"bytes": os.path.getsize(enc_path) + os.path.getsize(dec_path),
           "bytes_encoder": os.path.getsize(enc_path), "bytes_decoder": os.path.getsize(dec_path),
           "opset": OPSET, "int8_initializers": n_enc + n_dec}
    if int8 and not weights_are_int8:
        mel, cin = torch.tensor([golden["melody"]]), torch.tensor([golden["chord_in"]])
        with torch.no_grad():
            full_q = dequantized_copy(model).double()(mel, cin)[0]
            full_f = model.double()(mel, cin)[0]
        model.float()
        rep["torch_int8_vs_f32_max_abs"] = round((full_q - full_f).abs().max().item(), 5)
        rep["torch_int8_vs_f32_argmax_agree"] = float(
            (full_q.argmax(-1) == full_f.argmax(-1)).double().mean())
    return rep


def run_node_check(onnx_path, ref_path) -> dict:
    """onnx_reference.json replayed through one online model.onnx (the web exports' check)."""
    script = os.path.join(HERE, "onnx_check.mjs")
    try:
        out = subprocess.run(["node", script, onnx_path, ref_path], cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"ort_check": f"not run: {e}"}
    if out.returncode != 0:
        return {"ort_check": "failed", "ort_stderr": out.stderr[-2000:]}
    return {"ort_check": json.loads(out.stdout.strip().splitlines()[-1])}


def run_golden_check(model_dir) -> dict:
    """golden.json (and onnx_reference.json) replayed through models/<id>'s ONNX graphs."""
    script = os.path.join(HERE, "onnx_check.mjs")
    try:
        out = subprocess.run(["node", script, "--model", model_dir], cwd=ROOT,
                             capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"ok": False, "error": f"not run: {e}"}
    lines = out.stdout.strip().splitlines()
    if not lines:
        return {"ok": False, "error": out.stderr[-2000:]}
    res = json.loads(lines[-1])
    for k in ("ms_per_run", "encoder_ms"):   # timings of a loaded machine: not recorded
        res.pop(k, None)
    return res


# ------------------------------------------------------------------ models/<id>/ (export-onnx)

def export_model_dir(model_dir, check: bool = True, f32_model=None) -> dict:
    """models/<id>/model.jamw (+ golden.json) -> its ONNX graph(s), checked against golden.json;
    config.json gets files.onnx* and an "onnx" report, README.md its ONNX block (card_block).
    f32_model: the f32 model the i8 jamw was written from (export --run), for the int8-vs-f32
    rounding figure; without it the graphs are built from the jamw's (dequantized) weights."""
    from .golden import reference_model
    from .jamw import read_jamw
    model_dir = os.path.abspath(model_dir)
    jamw = os.path.join(model_dir, "model.jamw")
    header, _ = read_jamw(jamw)
    if not any(t["dtype"] == "i8" for t in header["tensors"]):
        raise SystemExit(f"{jamw} has f32 weights: export it with --int8 first, so that the ONNX "
                         "graph and golden.json hold the same int8 weights")
    model, cfg = reference_model(jamw)
    source = model.float()
    if f32_model is not None:
        source = f32_model.float().eval()
        # the f32 model must be the one the jamw was written from: same int8 rounding
        q = dict(dequantized_copy(source).named_parameters())
        for name, p in model.named_parameters():
            if not torch.allclose(q[name].double(), p.double(), rtol=1e-5, atol=1e-7):
                raise SystemExit(f"{model_dir}: the f32 model's int8 rounding differs from "
                                 f"model.jamw at {name}: not the checkpoint it was exported from")
    with open(os.path.join(model_dir, "golden.json")) as f:
        golden = json.load(f)
    if cfg.arch == "online":
        rep = export_onnx(source, cfg, model_dir, golden, int8=True, node_check=False,
                          weights_are_int8=f32_model is None)
        files = {"onnx": ONLINE_FILES[0]}
    else:
        rep = export_offline_onnx(source, cfg, model_dir, golden, int8=True,
                                  weights_are_int8=f32_model is None)
        files = {"onnx_encoder": OFFLINE_FILES[0], "onnx_decoder": OFFLINE_FILES[1]}
    rep["source"] = "f32 checkpoint" if f32_model is not None else "model.jamw"
    if check:
        rep["ort_check"] = run_golden_check(model_dir)
    conf_path = os.path.join(model_dir, "config.json")
    with open(conf_path) as f:
        conf = json.load(f)
    conf.setdefault("files", {}).update(files)
    conf["onnx"] = rep
    with open(conf_path, "w") as f:
        json.dump(conf, f, indent=1)
    update_card(model_dir, cfg.arch, rep)
    return rep


def check_model_dir(model_dir) -> dict:
    """The golden check of the graphs already in models/<id>/ (no re-export): config.json's
    "onnx" report gets the new ort_check, the card its ONNX block."""
    model_dir = os.path.abspath(model_dir)
    conf_path = os.path.join(model_dir, "config.json")
    with open(conf_path) as f:
        conf = json.load(f)
    if "onnx" not in conf:
        raise SystemExit(f"{model_dir}: no ONNX export recorded in config.json (run export-onnx)")
    rep = conf["onnx"]
    rep["ort_check"] = run_golden_check(model_dir)
    names = ONLINE_FILES if conf["arch"] == "online" else OFFLINE_FILES
    rep["bytes"] = sum(os.path.getsize(os.path.join(model_dir, n)) for n in names)
    with open(conf_path, "w") as f:
        json.dump(conf, f, indent=1)
    update_card(model_dir, conf["arch"], rep)
    return rep


def card_block(arch: str, rep: dict, model_id: str = "<id>") -> str:
    """The card's ONNX section (between CARD_BEGIN and CARD_END; rewritten by export-onnx)."""
    c = rep.get("ort_check") or {}
    mb = rep["bytes"] / 1e6
    if arch == "online":
        what = (f"`model.onnx` ({mb:.2f} MB): KV-cache graph, opset {rep['opset']}, int8 weights "
                "(per-output-channel scales, `DequantizeLinear`), the graph the in-tab agent feeds "
                "(docs/architecture.md, \"ONNX graphs\"): one `session.run` per feed (prefill "
                "or single step), KV caches passed back.")
    else:
        what = (f"`model_encoder.onnx` ({rep['bytes_encoder'] / 1e6:.2f} MB: melody -> memory) "
                f"and `model_decoder.onnx` ({rep['bytes_decoder'] / 1e6:.2f} MB: chord decoder "
                f"with a KV cache, logits of every fed position), opset {rep['opset']}, int8 "
                "weights (docs/architecture.md, \"ONNX graphs\").")
    lines = [CARD_BEGIN, "## ONNX", "", what, ""]
    if c.get("ok") is not None:
        lines.append(
            f"Checked with {c.get('runtime', 'onnxruntime-web')} (node, "
            f"`node training/onnx_check.mjs --model models/{model_id}`, "
            "CTest `models_onnx_check`): "
            f"golden.json replayed in {c.get('golden_runs')} runs (prefill, single steps, a "
            f"re-feed over dropped cache entries): max |ONNX - golden| = "
            f"{c.get('golden_max_abs'):.2e} over {c.get('golden_rows')} rows (tolerance "
            f"{c.get('tolerance')}), argmax equal at {c.get('argmax_agree')}"
            + (f"; onnx_reference.json: max |d| {c.get('reference_max_abs'):.2e}"
               if c.get("reference_max_abs") is not None else "")
            + f"; {'passed' if c.get('ok') else 'FAILED'}.")
        lines.append("")
    if "torch_int8_vs_f32_max_abs" in rep:
        lines += [f"int8 vs the f32 checkpoint (PyTorch): max |d logit| "
                  f"{rep['torch_int8_vs_f32_max_abs']} — the int8 weights are the model; "
                  "golden.json is computed from them.", ""]
    lines.append(CARD_END)
    return "\n".join(lines)


def upsert_block(text: str, begin: str, end: str, block: str,
                 before=("<!-- eval:begin -->", "## Data and licence")) -> str:
    """Replace the begin..end block of a card, or insert it before the first of `before` that
    the card has (or at the end)."""
    if begin in text and end in text:
        a = text.index(begin)
        b = text.index(end, a) + len(end)
        return text[:a] + block + text[b:]
    for mark in before:
        if mark in text:
            i = text.index(mark)
            return text[:i] + block + "\n\n" + text[i:]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def update_card(model_dir, arch: str, rep: dict):
    path = os.path.join(model_dir, "README.md")
    if not os.path.exists(path):
        return
    with open(path) as f:
        text = f.read()
    new = upsert_block(text, CARD_BEGIN, CARD_END,
                       card_block(arch, rep, os.path.basename(os.path.normpath(model_dir))))
    if new != text:
        with open(path, "w") as f:
            f.write(new)


def main(args):
    root = os.path.join(ROOT, "models")
    if args.all:
        ids = sorted(d for d in os.listdir(root)
                     if os.path.exists(os.path.join(root, d, "model.jamw")))
    elif args.model:
        ids = args.model
        if args.f32_run and len(ids) != 1:
            raise SystemExit("--f32-run goes with one --model")
    else:
        raise SystemExit("export-onnx needs --model ID [ID ...] or --all")
    failed = []
    for mid in ids:
        d = mid if os.path.isdir(mid) else os.path.join(root, mid)
        f32 = None
        if args.f32_run:
            from .export import load_run
            f32 = load_run(args.f32_run)[0]
        rep = check_model_dir(d) if args.check_only else \
            export_model_dir(d, check=not args.no_check, f32_model=f32)
        print(json.dumps({"model": mid, **rep}), flush=True)
        if not args.no_check and not rep["ort_check"].get("ok"):
            failed.append(mid)
        if not args.no_card:
            from .plot_loss import refresh_model
            refresh_model(d)
    if failed:
        raise SystemExit(f"ONNX check failed: {', '.join(failed)}")
