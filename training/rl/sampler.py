"""rl/sampler.py — batched chord sampling from an Online model with a KV cache (torch).

The policy generates ONLY chord tokens; the melody is teacher-forced from real songs, in the
interleaving of docs/architecture.md: to choose c_t the model has read BOS c_0 m_0 … c_{t-1}
m_{t-1} (never m_t). Every chord is drawn from the grammar-masked distribution exactly as the
planner draws it (GrammarState at a chord position minus EOS, core/src/planner.cpp): SILENCE,
any CHORD_ON, and CHORD_HOLD(c) only when chord c sounded at the previous frame (never at
frame 0). EOS can be re-allowed (allow_eos) to measure early ends by sampling.

    chords, tokens, logp = sample_chords(model, melody, lens, tables, generator=g)

melody [B, T] (PAD after lens), returns chords [B, T] (PAD after lens) and the policy's token
sequence [B, 2T + 1] = BOS c_0 m_0 … c_{T-1} m_{T-1}, and the log-probability of each drawn
chord under the masked, tempered distribution [B, T] (0 after lens). The cache is preallocated; each step
feeds the two tokens (c_{t-1}, m_{t-1}) of all rows at once. An EOS drawn (allow_eos) before
a song ends stays in the sequence (the "early end" penalty applies to it).
"""
from __future__ import annotations

import torch

from ..model import rope_tables
from ..vocab import BOS, CHORD_HOLD, EOS, PAD, SILENCE
from .common import ChordTables


def chord_mask_base(tables: ChordTables, allow_eos: bool = False) -> torch.Tensor:
    """[V] bool: tokens allowed at any chord position (SILENCE, every CHORD_ON; EOS only with
    allow_eos — the planner never allows it, core/src/planner.cpp)."""
    m = torch.zeros(tables.size, dtype=torch.bool)
    m[SILENCE] = True
    m[EOS] = allow_eos
    m[CHORD_HOLD + tables.n_chords:CHORD_HOLD + 2 * tables.n_chords] = True
    return m


def chord_masks(chords: torch.Tensor, tables: ChordTables) -> torch.Tensor:
    """[B, T, V] allowed-token masks for each chord position of a sampled/real chord row:
    the base set plus the hold of the chord sounding at the previous frame."""
    b, t = chords.shape
    base = chord_mask_base(tables)
    m = base[None, None, :].repeat(b, t, 1)
    cid = tables.chord_id[chords]
    prev = torch.cat([torch.full((b, 1), -1, dtype=torch.long), cid[:, :-1]], dim=1)
    bi, ti = (prev >= 0).nonzero(as_tuple=True)
    m[bi, ti, CHORD_HOLD + prev[bi, ti]] = True
    return m


def policy_tokens(chords: torch.Tensor, melody: torch.Tensor) -> torch.Tensor:
    """BOS c_0 m_0 … c_{T-1} m_{T-1} as [B, 2T + 1]."""
    b, t = chords.shape
    x = torch.empty(b, 2 * t + 1, dtype=torch.long)
    x[:, 0] = BOS
    x[:, 1::2] = chords
    x[:, 2::2] = melody
    return x


@torch.no_grad()
def sample_chords(model, melody: torch.Tensor, lens: torch.Tensor, tables: ChordTables,
                  generator: torch.Generator | None = None, temperature: float = 1.0,
                  autocast: bool = False, allow_eos: bool = False):
    cfg = model.cfg
    b, t = melody.shape
    n_pos = 2 * t + 1
    hd, nh = cfg.head_dim, cfg.n_heads
    dtype = torch.bfloat16 if autocast else torch.float32
    layers = model.dec.layers
    kc = [torch.zeros(b, nh, n_pos, hd, dtype=dtype) for _ in layers]
    vc = [torch.zeros(b, nh, n_pos, hd, dtype=dtype) for _ in layers]
    cos_all, sin_all = rope_tables(torch.arange(n_pos), hd, cfg.rope_theta, torch.float32)
    base = chord_mask_base(tables, allow_eos)
    chords = torch.full((b, t), PAD, dtype=torch.long)
    logp = torch.zeros(b, t)
    prev_cid = torch.full((b,), -1, dtype=torch.long)
    rows = torch.arange(b)
    neg_inf = torch.tensor(float("-inf"))
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        for step in range(t):
            if step == 0:
                feed = torch.full((b, 1), BOS, dtype=torch.long)
                start = 0
            else:
                feed = torch.stack([chords[:, step - 1], melody[:, step - 1]], dim=1)
                feed = feed.masked_fill(feed == PAD, SILENCE)
                start = 2 * step - 1
            n = feed.shape[1]
            end = start + n
            x = model.dec.tok_emb(feed)
            cos, sin = cos_all[start:end], sin_all[start:end]
            mask = torch.zeros(n, end)
            if n > 1:
                mask[0, end - 1] = float("-inf")
            for li, layer in enumerate(layers):
                q, k, v = layer.attn.project(layer.attn_norm(x), cos, sin)
                kc[li][:, :, start:end] = k.to(dtype)
                vc[li][:, :, start:end] = v.to(dtype)
                x = x + layer.attn.attend(q, kc[li][:, :, :end].to(q.dtype),
                                          vc[li][:, :, :end].to(q.dtype), mask)
                x = x + layer.mlp(layer.mlp_norm(x))
            logits = model.head(model.dec.norm(x[:, -1])).float()
            allowed = base[None, :].repeat(b, 1)
            has = prev_cid >= 0
            allowed[rows[has], CHORD_HOLD + prev_cid[has]] = True
            logits = torch.where(allowed, logits / max(temperature, 1e-6), neg_inf)
            tok = torch.multinomial(logits.softmax(-1), 1, generator=generator)[:, 0]
            logp[:, step] = logits.log_softmax(-1)[rows, tok]
            chords[:, step] = tok
            prev_cid = tables.chord_id[tok]
    valid = torch.arange(t)[None, :] < lens[:, None]
    chords = chords.masked_fill(~valid, PAD)
    return chords, policy_tokens(chords, melody), logp.masked_fill(~valid, 0.0)
