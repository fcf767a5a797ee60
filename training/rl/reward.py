"""rl/reward.py — the reward models of issue 8 and their training (`rl-reward`).

    python3 -m training rl-reward --kind contrastive --data training/runs/data \
        --out training/runs/rl_reward_con --minutes 9 [--resume]
    python3 -m training rl-reward --kind discriminative ... --out training/runs/rl_reward_dis

Both models read frame features (common.ChordTables: melody pitch class / onset / silence /
height; chord pitch classes / bass / onset / silence), so they judge harmony and rhythm, not
token ids. Each encoder is a stack of dilated residual 1-D convolutions (kernel 5, dilations
1, 2, 4, 8: a 61-frame receptive field) followed by masked mean + max pooling.

  contrastive     melody encoder + chord encoder -> 128-d unit vectors, symmetric InfoNCE over
                  the batch (learned temperature); reward = cosine similarity
  discriminative  one encoder over [melody ; chord] features per frame -> logit of P(real);
                  negatives: re-paired (chords of another song), time-shifted chords
                  (2..8 frames, either way) and transposed chords (1..11 semitones)

Multi-scale: every training batch is a random crop of one scale, the whole context (256 frames)
or 1/2, 1/4, 1/8, 1/16 of it (128, 64, 32, 16 frames), so the same model scores whole episodes
(RL-S) and windows along them (RL-M). Validation (fixed valid crops, per scale): retrieval
top-1 accuracy in groups of 64 (contrastive), ROC AUC per negative type (discriminative);
written to eval.csv / run.json["summary"]. Conventions as train.py: train.log, checkpoint.pt
(--resume), final.pt, run.json.
"""
from __future__ import annotations

import csv
import json
import math
import os
import signal
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import Shard, song_frames
from ..train import Logger, save_checkpoint
from ..vocab import PAD, Vocab
from .common import CHORD_FEATS, MEL_FEATS, ChordTables, fmt_time

SCALES = (256, 128, 64, 32, 16)
EMB = 128


class ConvBlock(nn.Module):
    def __init__(self, d: int, k: int, dilation: int):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.conv = nn.Conv1d(d, d, k, dilation=dilation, padding=dilation * (k - 1) // 2)
        self.proj = nn.Linear(d, d)

    def forward(self, x, mask):
        h = self.norm(x) * mask[..., None]
        h = self.conv(h.transpose(1, 2)).transpose(1, 2)
        return x + self.proj(F.gelu(h))


class ConvTrunk(nn.Module):
    """[B, T, F] features + mask [B, T] -> pooled [B, 2d] (masked mean ; masked max)."""

    def __init__(self, d_in: int, d: int = 96, n_blocks: int = 4, k: int = 5):
        super().__init__()
        self.inp = nn.Linear(d_in, d)
        self.blocks = nn.ModuleList(ConvBlock(d, k, 2 ** i) for i in range(n_blocks))
        self.norm = nn.LayerNorm(d)

    def forward(self, x, mask):
        m = mask.to(x.dtype)
        h = self.inp(x)
        for b in self.blocks:
            h = b(h, m)
        h = self.norm(h)
        mean = (h * m[..., None]).sum(1) / m.sum(1, keepdim=True).clamp(min=1)
        mx = h.masked_fill(~mask[..., None], -1e4).max(1).values
        return torch.cat([mean, mx], dim=-1)


class ContrastiveReward(nn.Module):
    def __init__(self, d: int = 96):
        super().__init__()
        self.mel = ConvTrunk(MEL_FEATS, d)
        self.chord = ConvTrunk(CHORD_FEATS, d)
        self.mel_proj = nn.Linear(2 * d, EMB)
        self.chord_proj = nn.Linear(2 * d, EMB)
        self.log_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def embed(self, mel_f, chord_f, mask):
        zm = F.normalize(self.mel_proj(self.mel(mel_f, mask)), dim=-1)
        zc = F.normalize(self.chord_proj(self.chord(chord_f, mask)), dim=-1)
        return zm, zc

    def loss(self, mel_f, chord_f, mask):
        zm, zc = self.embed(mel_f, chord_f, mask)
        logits = zm @ zc.t() * self.log_scale.clamp(max=math.log(100)).exp()
        y = torch.arange(len(zm))
        return 0.5 * (F.cross_entropy(logits, y) + F.cross_entropy(logits.t(), y))

    def reward(self, mel_f, chord_f, mask):
        zm, zc = self.embed(mel_f, chord_f, mask)
        return (zm * zc).sum(-1)


class DiscriminativeReward(nn.Module):
    def __init__(self, d: int = 96):
        super().__init__()
        self.trunk = ConvTrunk(MEL_FEATS + CHORD_FEATS, d)
        self.head = nn.Sequential(nn.Linear(2 * d, d), nn.GELU(), nn.Linear(d, 1))

    def logit(self, mel_f, chord_f, mask):
        return self.head(self.trunk(torch.cat([mel_f, chord_f], dim=-1), mask))[:, 0]

    def reward(self, mel_f, chord_f, mask):
        return torch.sigmoid(self.logit(mel_f, chord_f, mask))


KINDS = {"contrastive": ContrastiveReward, "discriminative": DiscriminativeReward}


def load_reward(run_dir) -> nn.Module:
    ck = torch.load(os.path.join(run_dir, "final.pt"), map_location="cpu")
    m = KINDS[ck["run"]["kind"]](**ck["run"].get("arch", {}))
    m.load_state_dict(ck["model"])
    return m.eval()


# --------------------------------------------------------------------------------- crops

class SongPool:
    """Songs of a shard held in memory as (chords, melody) arrays (at most `n` of them)."""

    def __init__(self, shard: Shard, n: int, seed: int):
        rng = np.random.default_rng(seed)
        ids = rng.choice(len(shard), size=min(n, len(shard)), replace=False)
        self.songs = [song_frames(shard.seq(int(i))) for i in np.sort(ids)]
        self.songs = [(c.copy(), m.copy()) for c, m in self.songs if len(c) >= 4]


def _crop(arr, start, w):
    return arr[start:start + w]


def crop_batch(pool: SongPool, rng: np.random.Generator, w: int, b: int):
    """b random crops of at most w frames: lists of (chords, melody, song index, start)."""
    out = []
    for i in rng.integers(0, len(pool.songs), size=b):
        c, m = pool.songs[int(i)]
        start = int(rng.integers(0, max(0, len(c) - w) + 1))
        out.append((_crop(c, start, w), _crop(m, start, w), int(i), start))
    return out


def to_tensor(rows, t: int):
    x = torch.full((len(rows), t), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        x[i, :len(r)] = torch.as_tensor(np.asarray(r, dtype=np.int64))
    return x


def contrastive_batch(pool, rng, w, b, tables):
    crops = crop_batch(pool, rng, w, b)
    t = max(len(c) for c, *_ in crops)
    ch = to_tensor([c for c, *_ in crops], t)
    me = to_tensor([m for _, m, *_ in crops], t)
    mask = me != PAD
    return tables.mel_feat[me], tables.chord_feat[ch], mask


def discriminative_batch(pool, rng, w, b, tables):
    """Half real pairs, half negatives (re-paired, shifted, transposed in equal parts).
    Returns mel_f, chord_f, mask, label [B] (1 real), kind [B] (0 real, 1 re-paired,
    2 shifted, 3 transposed)."""
    crops = crop_batch(pool, rng, w, b)
    kinds = np.zeros(b, dtype=np.int64)
    kinds[b // 2:] = 1 + np.arange(b - b // 2) % 3
    mels, chords, trans = [], [], np.zeros(b, dtype=np.int64)
    for j, (c, m, si, start) in enumerate(crops):
        n = len(m)
        if kinds[j] == 1:
            other = crops[(j + 1) % b]
            oc, _ = pool.songs[other[2]]
            ostart = int(rng.integers(0, max(0, len(oc) - n) + 1))
            c2 = oc[ostart:ostart + n]
            n = min(n, len(c2))
            c, m = c2[:n], m[:n]
        elif kinds[j] == 2:
            full_c, _ = pool.songs[si]
            s = int(rng.integers(2, 9)) * (1 if rng.random() < 0.5 else -1)
            s0 = min(max(0, start + s), max(0, len(full_c) - 1))
            c2 = full_c[s0:s0 + n]
            if len(c2) < 2 or s0 == start:
                c2 = np.roll(c, 4)
            n = min(n, len(c2))
            c, m = c2[:n], m[:n]
        elif kinds[j] == 3:
            trans[j] = int(rng.integers(1, 12))
        # re-paired / shifted crops may start on a hold: the features only mark onsets,
        # so a leading hold simply reads as "chord already sounding"
        mels.append(m)
        chords.append(c)
    t = max(len(m) for m in mels)
    me, ch = to_tensor(mels, t), to_tensor(chords, t)
    mask = me != PAD
    cf = tables.transpose_chord_tokens(ch, torch.as_tensor(trans))
    label = torch.as_tensor(kinds == 0, dtype=torch.float32)
    return tables.mel_feat[me], cf, mask, label, torch.as_tensor(kinds)


def auc(pos: torch.Tensor, neg: torch.Tensor) -> float:
    """ROC AUC = P(score(pos) > score(neg)) (+ half of the ties)."""
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    d = pos[:, None] - neg[None, :]
    return float((d > 0).float().mean() + 0.5 * (d == 0).float().mean())


@torch.no_grad()
def validate(model, kind, valid_batches) -> dict:
    model.eval()
    out = {}
    for w, batches in valid_batches.items():
        if kind == "contrastive":
            ok = n = 0
            cos_pos, cos_neg = [], []
            for mel_f, chord_f, mask in batches:
                zm, zc = model.embed(mel_f, chord_f, mask)
                sim = zm @ zc.t()
                ok += int((sim.argmax(1) == torch.arange(len(zm))).sum())
                n += len(zm)
                cos_pos.append(sim.diag())
                cos_neg.append(sim[~torch.eye(len(zm), dtype=torch.bool)])
            out[f"top1_{w}"] = ok / max(1, n)
            out[f"cos_real_{w}"] = float(torch.cat(cos_pos).mean())
            out[f"cos_shuffled_{w}"] = float(torch.cat(cos_neg).mean())
            out[f"chance_{w}"] = 1.0 / 64
        else:
            scores, kinds = [], []
            for mel_f, chord_f, mask, _, k in batches:
                scores.append(model.logit(mel_f, chord_f, mask))
                kinds.append(k)
            s, k = torch.cat(scores), torch.cat(kinds)
            for kk, name in ((1, "repaired"), (2, "shifted"), (3, "transposed")):
                out[f"auc_{name}_{w}"] = auc(s[k == 0], s[k == kk])
            out[f"auc_all_{w}"] = auc(s[k == 0], s[k > 0])
    model.train()
    return out


def main(args):
    os.makedirs(args.out, exist_ok=True)
    log = Logger(os.path.join(args.out, "train.log"))
    torch.set_num_threads(args.threads)
    vocab = Vocab.load(os.path.join(args.data, "vocab.json"))
    tables = ChordTables(vocab)
    ck_path = os.path.join(args.out, "checkpoint.pt")
    ck = torch.load(ck_path, map_location="cpu") if args.resume and os.path.exists(ck_path) \
        else None
    run = ck["run"] if ck else {
        "kind": args.kind, "arch": {"d": args.width}, "scales": list(SCALES),
        "budget": {"minutes": args.minutes, "batch": args.batch, "lr": args.lr,
                   "seed": args.seed, "train_songs": args.train_songs},
        "data_dir": os.path.abspath(args.data), "vocab_hash": vocab.hash}
    if ck and args.minutes is not None:
        run["budget"]["minutes"] = args.minutes
    bud = run["budget"]
    torch.manual_seed(bud["seed"])
    model = KINDS[run["kind"]](**run["arch"])
    opt = torch.optim.AdamW(model.parameters(), lr=bud["lr"], weight_decay=0.01)
    rng = np.random.default_rng(bud["seed"])
    step, elapsed = 0, 0.0
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        rng.bit_generator.state = ck["rng"]
        torch.set_rng_state(ck["torch_rng"])
        step, elapsed = ck["step"], ck["elapsed"]
        log(f"resumed {run['kind']} from step {step} ({fmt_time(elapsed)} elapsed)")
    t_load = time.time()
    pool = SongPool(Shard(os.path.join(args.data, "train.tok")), bud["train_songs"],
                    seed=bud["seed"])
    vpool = SongPool(Shard(os.path.join(args.data, "valid.tok")), 100000, seed=0)
    vrng = np.random.default_rng(123)
    make = contrastive_batch if run["kind"] == "contrastive" else discriminative_batch
    valid_batches = {w: [make(vpool, vrng, w, 64, tables) for _ in range(args.valid_batches)]
                     for w in SCALES}
    n_params = sum(p.numel() for p in model.parameters())
    run["params"] = n_params
    if not ck:
        log(f"new reward model {run['kind']}: {n_params} params, {len(pool.songs)} train songs "
            f"(loaded in {time.time() - t_load:.0f}s), scales {SCALES}, budget {bud}")
    evals_path = os.path.join(args.out, "eval.csv")

    stop = {"sig": None}

    def on_signal(s, _f):
        stop["sig"] = s
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def state():
        return {"model": model.state_dict(), "opt": opt.state_dict(), "rng": rng.bit_generator.state,
                "torch_rng": torch.get_rng_state(), "step": step, "elapsed": elapsed, "run": run}

    def do_eval():
        r = validate(model, run["kind"], valid_batches)
        new = not os.path.exists(evals_path)
        with open(evals_path, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["step", "seconds"] + sorted(r))
            if new:
                w.writeheader()
            w.writerow({"step": step, "seconds": round(elapsed, 1),
                        **{k: round(v, 4) for k, v in r.items()}})
        keys = [k for k in sorted(r) if k.startswith("top1_") or k.startswith("auc_all_")]
        log(f"eval step {step}: " + " ".join(f"{k} {r[k]:.3f}" for k in keys))
        return r

    budget_s = 60.0 * bud["minutes"]
    t0, e0 = time.time(), elapsed
    last_log, last_ck, last_eval = elapsed, elapsed, elapsed
    win, win_n = 0.0, 0
    while elapsed < budget_s and stop["sig"] is None and \
            (args.max_steps is None or step < args.max_steps):
        w = SCALES[int(rng.integers(0, len(SCALES)))]
        lr = bud["lr"] * min(1.0, max((step + 1) / 100, elapsed / (0.05 * budget_s))) * \
            (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, elapsed / budget_s))))
        for g in opt.param_groups:
            g["lr"] = lr
        if run["kind"] == "contrastive":
            mel_f, chord_f, mask = make(pool, rng, w, bud["batch"], tables)
            loss = model.loss(mel_f, chord_f, mask)
        else:
            mel_f, chord_f, mask, label, _ = make(pool, rng, w, bud["batch"], tables)
            loss = F.binary_cross_entropy_with_logits(model.logit(mel_f, chord_f, mask), label)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        win += loss.item()
        win_n += 1
        elapsed = e0 + time.time() - t0
        if elapsed - last_log >= 30:
            p = elapsed / budget_s
            log(f"step {step} {100 * p:5.1f}% loss {win / win_n:.4f} lr {lr:.2e} "
                f"{win_n / (elapsed - last_log):.1f} steps/s elapsed {fmt_time(elapsed)} "
                f"ETA {fmt_time(budget_s - elapsed)}")
            win, win_n, last_log = 0.0, 0, elapsed
        if elapsed - last_eval >= 60.0 * args.eval_minutes:
            do_eval()
            last_eval = elapsed = e0 + time.time() - t0
        if elapsed - last_ck >= 120:
            save_checkpoint(ck_path, state())
            last_ck = elapsed
    save_checkpoint(ck_path, state())
    if stop["sig"] is not None:
        log(f"stopped at step {step}; checkpoint saved, --resume continues")
        return
    r = do_eval()
    run["summary"] = {"steps": step, "seconds": round(elapsed, 1), "valid": r}
    torch.save({"model": model.state_dict(), "run": run}, os.path.join(args.out, "final.pt"))
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump(run, f, indent=1)
    log(f"done: step {step}, {fmt_time(elapsed)}; wrote final.pt")
