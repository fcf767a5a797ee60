"""jamw.py — the native weight file `.jamw` of docs/architecture.md, write and read.

    write_jamw(path, header, [(name, np.ndarray), ...])   # header without "tensors"
    header, tensors = read_jamw(path)                     # tensors: {name: np.ndarray}

Layout (little-endian): "JAMW0001", u32 header_len, header JSON, zero padding to a multiple of
64 bytes from the file start, then tensor data; each tensor's "offset" is relative to the data
start and 64-byte aligned. dtype "f32" (row-major), or "i8" with a companion "<name>.scale" f32
tensor holding one scale per output row (row r = int8 row r * scale[r]).
"""
from __future__ import annotations

import json
import struct

import numpy as np
import torch

MAGIC = b"JAMW0001"
ALIGN = 64


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def jamw_name(param_name: str) -> str:
    """torch parameter name -> .jamw tensor name (e.g. dec.layers.0.attn.wq.weight ->
    layers.0.wq, enc.layers.1.mlp.w2.weight -> enc.layers.1.w2)."""
    n = param_name[: -len(".weight")] if param_name.endswith(".weight") else param_name
    if n.startswith("dec."):
        n = n[len("dec."):]
    return n.replace(".attn.", ".").replace(".mlp.", ".")


def model_tensors(model: torch.nn.Module):
    """[(jamw name, float32 array)] in a stable, readable order."""
    out = []
    sd = model.state_dict()
    order = sorted(sd.keys(), key=lambda k: (not k.startswith("dec."), k.startswith("lm_head")))
    for k in order:
        out.append((jamw_name(k), sd[k].detach().to(torch.float32).cpu().numpy()))
    return out


def quantize_rows(w: np.ndarray):
    """Symmetric per-row int8: returns (int8 [out, in], f32 scale [out])."""
    amax = np.abs(w).max(axis=1)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def write_jamw(path, header: dict, tensors, int8: bool = False):
    """int8=True stores every 2-D weight as i8 + <name>.scale (1-D norms stay f32)."""
    items = []
    for name, arr in tensors:
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        if int8 and arr.ndim == 2:
            q, s = quantize_rows(arr)
            items.append((name, "i8", q))
            items.append((name + ".scale", "f32", s))
        else:
            items.append((name, "f32", arr))
    entries, off = [], 0
    for name, dtype, arr in items:
        entries.append({"name": name, "dtype": dtype, "shape": list(arr.shape), "offset": off})
        off = _align(off + arr.nbytes)
    hdr = dict(header)
    hdr["tensors"] = entries
    hjson = json.dumps(hdr, separators=(",", ":")).encode()
    data_start = _align(len(MAGIC) + 4 + len(hjson))
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<I", len(hjson)))
        f.write(hjson)
        f.write(b"\0" * (data_start - f.tell()))
        for (name, dtype, arr), e in zip(items, entries):
            pos = data_start + e["offset"]
            f.write(b"\0" * (pos - f.tell()))
            f.write(arr.astype("<f4" if dtype == "f32" else "i1").tobytes(order="C"))


def read_jamw(path):
    """Returns (header dict, {name: float32 array}); i8 tensors are dequantized."""
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:8] != MAGIC:
        raise ValueError(f"{path}: bad magic {buf[:8]!r}")
    (hlen,) = struct.unpack_from("<I", buf, 8)
    header = json.loads(buf[12:12 + hlen])
    data_start = _align(12 + hlen)
    raw = {}
    for e in header["tensors"]:
        if e["offset"] % ALIGN:
            raise ValueError(f"tensor {e['name']} offset not 64-byte aligned")
        dt = np.dtype("<f4") if e["dtype"] == "f32" else np.dtype("i1")
        count = int(np.prod(e["shape"])) if e["shape"] else 1
        a = np.frombuffer(buf, dtype=dt, count=count, offset=data_start + e["offset"])
        raw[e["name"]] = (e["dtype"], a.reshape(e["shape"]))
    out = {}
    for name, (dtype, a) in raw.items():
        if name.endswith(".scale") and name[:-6] in raw and raw[name[:-6]][0] == "i8":
            continue
        if dtype == "i8":
            out[name] = a.astype(np.float32) * raw[name + ".scale"][1][:, None]
        else:
            out[name] = a.astype(np.float32)
    return header, out


def load_into(model: torch.nn.Module, tensors: dict):
    """Fill a model built from the header's config with tensors read by read_jamw."""
    sd = model.state_dict()
    new = {}
    for k, v in sd.items():
        new[k] = torch.from_numpy(np.array(tensors[jamw_name(k)])).to(v.dtype)
    model.load_state_dict(new)
