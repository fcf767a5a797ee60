"""model.py — the Online and Offline models of docs/architecture.md ("Models"), in plain PyTorch.

The C++ engine re-implements exactly this arithmetic from model.jamw and must match these logits
to 1e-4 (tests/data/tiny_*/golden.json), so every step is spelled out and has no biases:

  RMSNorm(x)  = x / sqrt(mean(x^2) + eps) * w                         eps = 1e-5
  RoPE        : head_dim h, for i in [0, h/2): inv_i = theta^(-2i/h), angle = pos * inv_i,
                cos/sin tables of width h are [cos(angle), cos(angle)] / [sin, sin];
                rope(x) = x * cos + rotate_half(x) * sin,  rotate_half(x) = [-x[h/2:], x[:h/2]]
                (applied to q and k of every head; pos = index in the window, from 0)
  Attn(x)     = Wo concat_heads(softmax(rope(q) rope(k)^T / sqrt(h) + mask) v),
                q = Wq x, k = Wk x, v = Wv x; mask = causal (-inf above the diagonal), or
                none for the offline encoder
  SwiGLU(x)   = W2 (silu(W1 x) * (W3 x))
  block       : x += Attn(RMSNorm_attn(x)); x += SwiGLU(RMSNorm_mlp(x))

  Online : x = tok_emb[tokens]; blocks (causal); norm; logits = lm_head x  (lm_head = tok_emb
           when tie_embeddings)
  Offline: e = enc.norm(enc.blocks(enc.tok_emb[melody]))          (non-causal, positions 0..T-1)
           x_t = tok_emb[c_{t-1}] + enc_proj e_t   (c_{-1} = BOS)  (causal, positions 0..T-1)
           blocks; norm; logits_t = lm_head x_t  predicts c_t

Module and parameter names follow the .jamw tensor names (see export.py: `jamw_tensors`).
Speed notes (toolchain.md): the attention scale and the mask are folded into one baddbmm;
training runs under bf16 autocast, RMSNorm, RoPE tables and softmax stay in fp32.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    arch: str = "online"          # "online" | "offline"
    vocab_size: int = 0
    d_model: int = 256
    n_layers: int = 6             # decoder layers
    n_heads: int = 8
    d_ff: int = 688
    enc_layers: int = 0           # offline encoder layers (0 for online)
    tie_embeddings: bool = True
    max_len: int = 1024           # longest window the engines must accept (RoPE has no table)
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "ModelConfig":
        keys = ModelConfig.__dataclass_fields__.keys()
        return ModelConfig(**{k: v for k, v in d.items() if k in keys})


class RMSNorm(nn.Module):
    def __init__(self, d: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        x = x.to(self.weight.dtype)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(positions: torch.Tensor, head_dim: int, theta: float, dtype):
    """cos, sin of shape [T, head_dim] for integer positions [T] (computed in float64)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
    ang = positions.to(torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], dim=-1).to(dtype)
    sin = torch.cat([ang.sin(), ang.sin()], dim=-1).to(dtype)
    return cos, sin


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def apply_rope(x, cos, sin):
    return x * cos + rotate_half(x) * sin


def causal_mask(t: int, dtype, device=None):
    """[T, T] additive mask: 0 on and below the diagonal, -inf above."""
    return torch.full((t, t), float("-inf"), dtype=dtype, device=device).triu(1)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.n_heads, self.head_dim = cfg.n_heads, cfg.head_dim
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d, bias=False)
        self.wv = nn.Linear(d, d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)

    def project(self, x, cos, sin):
        """q, k (roped), v as [B, H, T, h]."""
        b, t, _ = x.shape
        shape = (b, t, self.n_heads, self.head_dim)
        q = self.wq(x).view(shape).transpose(1, 2)
        k = self.wk(x).view(shape).transpose(1, 2)
        v = self.wv(x).view(shape).transpose(1, 2)
        return apply_rope(q, cos, sin), apply_rope(k, cos, sin), v

    def attend(self, q, k, v, mask):
        """q [B,H,Tq,h], k/v [B,H,Tk,h], mask additive, broadcastable to [B*H, Tq, Tk]."""
        b, hds, tq, h = q.shape
        tk = k.shape[2]
        q = q.reshape(b * hds, tq, h)
        k = k.reshape(b * hds, tk, h)
        v = v.reshape(b * hds, tk, h)
        scores = torch.baddbmm(mask.to(q.dtype), q, k.transpose(1, 2), alpha=1.0 / math.sqrt(h))
        p = scores.softmax(dim=-1)           # bf16 under autocast (kernel accumulates in fp32)
        out = torch.bmm(p, v).view(b, hds, tq, h).transpose(1, 2).reshape(b, tq, hds * h)
        return self.wo(out)

    def forward(self, x, mask, cos, sin):
        q, k, v = self.project(x, cos, sin)
        return self.attend(q, k, v, mask)


class SwiGLU(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.w1 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.w2 = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)
        self.w3 = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.attn_norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.attn = Attention(cfg)
        self.mlp_norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        self.mlp = SwiGLU(cfg)

    def forward(self, x, mask, cos, sin):
        x = x + self.attn(self.attn_norm(x), mask, cos, sin)
        return x + self.mlp(self.mlp_norm(x))


class Stack(nn.Module):
    """Embedding + blocks + final norm: the shared body of the decoder and the encoder."""

    def __init__(self, cfg: ModelConfig, n_layers: int):
        super().__init__()
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(n_layers))
        self.norm = RMSNorm(cfg.d_model, cfg.norm_eps)

    def run(self, x, mask, positions=None):
        t = x.shape[1]
        if positions is None:
            positions = torch.arange(t)
        cos, sin = rope_tables(positions, self.cfg.head_dim, self.cfg.rope_theta,
                               self.norm.weight.dtype)
        for layer in self.layers:
            x = layer(x, mask, cos, sin)
        return self.norm(x)


def init_weights(model: nn.Module, n_layers: int, std: float = 0.02):
    """GPT-style init: N(0, std), residual output projections scaled by 1/sqrt(2L)."""
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            nn.init.ones_(p)
        elif name.endswith("wo.weight") or name.endswith("w2.weight"):
            nn.init.normal_(p, 0.0, std / math.sqrt(2 * max(1, n_layers)))
        else:
            nn.init.normal_(p, 0.0, std)


class OnlineModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        assert cfg.arch == "online"
        self.cfg = cfg
        self.dec = Stack(cfg, cfg.n_layers)
        self.lm_head = None if cfg.tie_embeddings else nn.Linear(cfg.d_model, cfg.vocab_size,
                                                                 bias=False)
        init_weights(self, cfg.n_layers)

    def head(self, x):
        return self.lm_head(x) if self.lm_head is not None else F.linear(x, self.dec.tok_emb.weight)

    def forward(self, tokens):
        """tokens [B, T] (a window starting with BOS) -> logits [B, T, V]."""
        t = tokens.shape[1]
        x = self.dec.tok_emb(tokens)
        h = self.dec.run(x, causal_mask(t, x.dtype))
        return self.head(h)

    def forward_cached(self, tokens, start, past):
        """KV-cache step: the reference for the engines' incremental feed (onnx_export.OnlineKV
        is its traceable twin; tests/training/test_model.py checks it against forward).

        tokens [1, n] at positions start..start+n-1; past = [(k, v), ...] per layer, each
        [1, H, P, h] with P >= start (entries from `start` on are dropped).
        Returns (logits of the last position [1, V], present [(k, v)] of length start+n)."""
        n = tokens.shape[1]
        x = self.dec.tok_emb(tokens)
        positions = start + torch.arange(n)
        cos, sin = rope_tables(positions, self.cfg.head_dim, self.cfg.rope_theta, x.dtype)
        present = []
        for layer, (pk, pv) in zip(self.dec.layers, past):
            pk, pv = pk[:, :, :start], pv[:, :, :start]
            hx = layer.attn_norm(x)
            q, k, v = layer.attn.project(hx, cos, sin)
            k, v = torch.cat([pk, k], dim=2), torch.cat([pv, v], dim=2)
            present.append((k, v))
            tk = k.shape[2]
            mask = torch.zeros(n, tk, dtype=x.dtype)
            mask = mask.masked_fill(torch.arange(tk)[None, :] > positions[:, None], float("-inf"))
            x = x + layer.attn.attend(q, k, v, mask)
            x = x + layer.mlp(layer.mlp_norm(x))
        x = self.dec.norm(x[:, -1])
        return self.head(x), present


class OfflineModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        assert cfg.arch == "offline" and cfg.enc_layers > 0
        self.cfg = cfg
        self.enc = Stack(cfg, cfg.enc_layers)
        self.enc_proj = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        self.dec = Stack(cfg, cfg.n_layers)
        self.lm_head = None if cfg.tie_embeddings else nn.Linear(cfg.d_model, cfg.vocab_size,
                                                                 bias=False)
        init_weights(self, cfg.n_layers + cfg.enc_layers)

    def head(self, x):
        return self.lm_head(x) if self.lm_head is not None else F.linear(x, self.dec.tok_emb.weight)

    def forward(self, melody, chord_in, melody_len=None):
        """melody [B, T] (m_0..m_{T-1}), chord_in [B, T] (BOS, c_0 .. c_{T-2}) -> logits [B, T, V]
        for c_0..c_{T-1}. melody_len [B] (optional): rows are right-padded; padded melody
        positions are hidden from the encoder's keys."""
        b, t = melody.shape
        e_in = self.enc.tok_emb(melody)
        if melody_len is None:
            enc_mask = torch.zeros(1, t, t, dtype=e_in.dtype)
        else:
            pad = torch.arange(t)[None, :] >= melody_len[:, None]                      # [B, T]
            enc_mask = torch.zeros(b, 1, t, dtype=e_in.dtype).masked_fill(pad[:, None, :],
                                                                         float("-inf"))
            enc_mask = enc_mask.repeat_interleave(self.cfg.n_heads, dim=0)            # [B*H,1,T]
        e = self.enc.run(e_in, enc_mask)
        x = self.dec.tok_emb(chord_in) + self.enc_proj(e)
        h = self.dec.run(x, causal_mask(t, x.dtype))
        return self.head(h)


def build_model(cfg: ModelConfig) -> nn.Module:
    return OnlineModel(cfg) if cfg.arch == "online" else OfflineModel(cfg)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
