"""rl/common.py — songs as frame arrays, frame features, the ReaLchords rule penalties and the
quick proxy metrics shared by the reward models, the RL loop and the evaluation.

A song of T frames (docs/architecture.md "Tokens") is `BOS c_0 m_0 … c_{T-1} m_{T-1} EOS`;
here it is two int64 arrays chords[T], melody[T] (tokens). Batches are right-padded with PAD
and carry `lens` [B]. Episodes start at frame 0 of a song or (RL, --p-crop) at a random frame
with the window rule applied, and are cut at `max_frames`.

Proxies (the same definitions as core/include/jam/metrics.h, on tokens):
  note_in_chord  frames where melody and chord both sound: share with the melody pitch class in
                 the chord's pitch classes (frame-weighted over the batch)
  silence        frames with a sounding melody note but no chord / frames with a sounding note
  long_chord     chords longer than 32 frames / all chords (a chord = onset + its holds)
  chords/song    chord onsets per song; distinct chords per song (by chord id)
  entropy        Shannon entropy (nats) of the chord-id histogram over all onsets of the batch
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..data import Shard, song_frames
from ..vocab import CHORD_HOLD, EOS, NOTE_HOLD, NOTE_ON, PAD, SILENCE, Vocab

LONG_CHORD_FRAMES = 32
SILENCE_EXEMPT_FRAMES = 8
MEL_FEATS = 15      # 12 pitch classes, onset, silent, pitch height
CHORD_FEATS = 26    # 12 pitch classes, 12 bass, onset, silent


class ChordTables:
    """Per-token lookup tables built from vocab.json (torch tensors, index with token ids)."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        n, v = vocab.n_chords, vocab.size
        self.n_chords, self.size = n, v
        pcs = torch.zeros(n, 12)
        bass = torch.zeros(n, dtype=torch.long)
        for c in vocab.raw["chords"]:
            for p in c["pitch_classes"]:
                pcs[c["id"], int(p) % 12] = 1.0
            bass[c["id"]] = int(c.get("bass", c["root"])) % 12
        self.pcs = pcs
        tok = torch.arange(v)
        # chord id of a chord token (-1 otherwise), onset flag
        cid = torch.full((v,), -1, dtype=torch.long)
        cid[CHORD_HOLD:CHORD_HOLD + n] = torch.arange(n)
        cid[CHORD_HOLD + n:CHORD_HOLD + 2 * n] = torch.arange(n)
        self.chord_id = cid
        self.chord_onset = (tok >= CHORD_HOLD + n) & (tok < CHORD_HOLD + 2 * n)
        # melody pitch of a note token (-1 otherwise), onset flag
        pitch = torch.full((v,), -1, dtype=torch.long)
        pitch[NOTE_HOLD:NOTE_ON] = torch.arange(128)
        pitch[NOTE_ON:NOTE_ON + 128] = torch.arange(128)
        self.pitch = pitch
        self.note_onset = (tok >= NOTE_ON) & (tok < NOTE_ON + 128)
        # chord pitch-class mask per token [V, 12] (zeros for non-chords)
        self.tok_pcs = torch.zeros(v, 12)
        self.tok_pcs[cid >= 0] = pcs[cid[cid >= 0]]
        # features
        mf = torch.zeros(v, MEL_FEATS)
        has = pitch >= 0
        mf[has, pitch[has] % 12] = 1.0
        mf[:, 12] = self.note_onset.float()
        mf[SILENCE, 13] = 1.0
        mf[has, 14] = (pitch[has].float() - 64.0) / 24.0
        self.mel_feat = mf
        cf = torch.zeros(v, CHORD_FEATS)
        isc = cid >= 0
        cf[isc, :12] = pcs[cid[isc]]
        cf[isc, 12 + bass[cid[isc]]] = 1.0
        cf[:, 24] = self.chord_onset.float()
        cf[SILENCE, 25] = 1.0
        self.chord_feat = cf

    def transpose_chord_tokens(self, chords: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """Chord features of `chords` [B, T] with every pitch class moved up by k[B] semitones
        (the discriminator's transposed negatives): returns features [B, T, CHORD_FEATS]."""
        f = self.chord_feat[chords].clone()
        out = f.clone()
        for b in range(f.shape[0]):
            s = int(k[b])
            out[b, :, :12] = torch.roll(f[b, :, :12], s, dims=-1)
            out[b, :, 12:24] = torch.roll(f[b, :, 12:24], s, dims=-1)
        return out


def load_songs(shard: Shard, ids, max_frames: int = 256, starts=None):
    """[(chords, melody)] from frame 0 (or from starts[i], with the window rule: leading holds
    become onsets), at most max_frames frames each (int64 numpy)."""
    out = []
    for j, i in enumerate(ids):
        c, m = song_frames(shard.seq(int(i)))
        s = 0 if starts is None else min(int(starts[j]), len(c) - 1)
        c, m = c[s:s + max_frames].copy(), m[s:s + max_frames].copy()
        if s > 0:
            c[0], m[0] = shard_onset(c[0], shard), shard_onset(m[0], shard)
        out.append((c, m))
    return out


def shard_onset(tok, shard: Shard) -> int:
    """Hold -> onset form (docs/architecture.md window rule); N from the shard's vocab size."""
    n = (shard.vocab_size - CHORD_HOLD) // 2
    tok = int(tok)
    if NOTE_HOLD <= tok < NOTE_ON:
        return tok + 128
    if CHORD_HOLD <= tok < CHORD_HOLD + n:
        return tok + n
    return tok


def pad_batch(songs):
    """-> chords [B, T], melody [B, T] (PAD-padded), lens [B]."""
    t = max(len(c) for c, _ in songs)
    b = len(songs)
    ch = torch.full((b, t), PAD, dtype=torch.long)
    me = torch.full((b, t), PAD, dtype=torch.long)
    lens = torch.zeros(b, dtype=torch.long)
    for i, (c, m) in enumerate(songs):
        ch[i, :len(c)] = torch.as_tensor(c)
        me[i, :len(m)] = torch.as_tensor(m)
        lens[i] = len(c)
    return ch, me, lens


def transpose_melody(melody: torch.Tensor, k: int, start: int, tables: "ChordTables"):
    """Melody tokens [T] with every note from frame `start` on moved by k semitones (an octave
    back when it would leave 0..127); a hold at `start` becomes an onset (the moved note is
    struck anew). The adaptation episodes of rl-train (--p-transpose) and the eval's
    "tritone at beat 17" condition are this operation."""
    m = melody.clone()
    seg = m[start:]
    pitch = tables.pitch[seg]
    has = pitch >= 0
    newp = pitch + k
    newp = torch.where(newp > 127, newp - 12, newp)
    newp = torch.where(newp < 0, newp + 12, newp)
    onset = tables.note_onset[seg].clone()
    if len(seg) > 0:
        onset[0] = True
    tok = torch.where(onset, NOTE_ON + newp, NOTE_HOLD + newp)
    m[start:] = torch.where(has, tok, seg)
    return m


def valid_mask(lens: torch.Tensor, t: int) -> torch.Tensor:
    return torch.arange(t)[None, :] < lens[:, None]


def run_lengths(chords: torch.Tensor, tables: ChordTables) -> torch.Tensor:
    """For each frame, how many frames the current chord has sounded including this one
    (0 on silence / non-chord; a hold of another chord id starts a new run)."""
    cid = tables.chord_id[chords]
    b, t = chords.shape
    out = torch.zeros(b, t, dtype=torch.long)
    run = torch.zeros(b, dtype=torch.long)
    prev = torch.full((b,), -1, dtype=torch.long)
    for j in range(t):
        is_chord = cid[:, j] >= 0
        new = tables.chord_onset[chords[:, j]] | (cid[:, j] != prev)
        run = torch.where(is_chord, torch.where(new, torch.ones_like(run), run + 1),
                          torch.zeros_like(run))
        prev = cid[:, j]
        out[:, j] = run
    return out


def corpus_silence_rate(shard: Shard, tables: ChordTables, n_songs: int = 2000,
                        seed: int = 0) -> float:
    """Data's chord-silence rate over sounding melody frames (frames >= 8)."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, len(shard), size=min(n_songs, len(shard)))
    ch, me, lens = pad_batch(load_songs(shard, ids))
    t = ch.shape[1]
    m = valid_mask(lens, t) & (torch.arange(t)[None, :] >= SILENCE_EXEMPT_FRAMES)
    sounding = (tables.pitch[me] >= 0) & m
    sil = sounding & (ch == SILENCE)
    return float(sil.sum()) / max(1, int(sounding.sum()))


def penalties(chords, melody, lens, tables: ChordTables, silence_rate: float):
    """Per-token rule penalties (>= 0, to be subtracted) [B, T] and counts.

    long:    every chord frame past the 32nd frame of the same chord
    silence: chord SILENCE under a sounding melody note at frame >= 8, only in songs whose
             rate of such frames exceeds the corpus rate `silence_rate`
    eos:     EOS at a chord position before the melody ends (early end)
    invalid: a token that breaks the grammar (a hold of a chord that is not sounding, or a
             non-chord token at a chord position); the sampler's mask makes it impossible"""
    b, t = chords.shape
    vm = valid_mask(lens, t)
    run = run_lengths(chords, tables)
    long_p = (run > LONG_CHORD_FRAMES) & vm
    frame = torch.arange(t)[None, :]
    sounding = (tables.pitch[melody] >= 0) & vm & (frame >= SILENCE_EXEMPT_FRAMES)
    sil = sounding & (chords == SILENCE)
    rate = sil.sum(1).float() / sounding.sum(1).clamp(min=1).float()
    sil_p = sil & (rate > silence_rate)[:, None]
    eos_p = (chords == EOS) & vm
    cid = tables.chord_id[chords]
    prev = torch.cat([torch.full((b, 1), -1, dtype=torch.long), cid[:, :-1]], dim=1)
    hold = (cid >= 0) & ~tables.chord_onset[chords]
    bad_hold = hold & (prev != cid)
    other = (cid < 0) & (chords != SILENCE) & (chords != EOS)
    invalid = (bad_hold | other) & vm
    return {"long": long_p.float(), "silence": sil_p.float(), "eos": eos_p.float(),
            "invalid": invalid.float()}


def proxies(chords, melody, lens, tables: ChordTables) -> dict:
    """The quick proxy metrics of the module docstring (sums and ratios over a batch)."""
    b, t = chords.shape
    vm = valid_mask(lens, t)
    pitch = tables.pitch[melody]
    mel_sounds = (pitch >= 0) & vm
    cid = tables.chord_id[chords]
    chord_sounds = (cid >= 0) & vm
    both = mel_sounds & chord_sounds
    pc = pitch.clamp(min=0) % 12
    in_chord = tables.tok_pcs[chords].gather(2, pc[..., None])[..., 0] > 0.5
    nic_n = int((both & in_chord).sum())
    both_n = int(both.sum())
    sil_n = int((mel_sounds & ~chord_sounds).sum())
    mel_n = int(mel_sounds.sum())
    onset = tables.chord_onset[chords] & vm
    # a chord also starts at a hold that follows silence (cannot happen under the grammar)
    n_chords = int(onset.sum())
    run = run_lengths(chords, tables)
    nxt = torch.cat([cid[:, 1:], torch.full((b, 1), -1, dtype=torch.long)], dim=1)
    nxt_onset = torch.cat([tables.chord_onset[chords[:, 1:]],
                           torch.zeros(b, 1, dtype=torch.bool)], dim=1)
    last_frame = torch.arange(t)[None, :] == (lens[:, None] - 1)
    ends = chord_sounds & ((nxt != cid) | nxt_onset | last_frame)
    lengths = run[ends]
    n_long = int((lengths > LONG_CHORD_FRAMES).sum())
    distinct = []
    ids_all = cid[onset]
    for i in range(b):
        distinct.append(len(set(cid[i][onset[i]].tolist())))
    hist = torch.bincount(ids_all, minlength=tables.n_chords).float()
    p = hist / hist.sum().clamp(min=1)
    ent = float(-(p[p > 0] * p[p > 0].log()).sum())
    return {"note_in_chord": nic_n / max(1, both_n), "silence": sil_n / max(1, mel_n),
            "long_chord": n_long / max(1, int(ends.sum())),
            "chords_per_song": n_chords / max(1, b), "distinct_per_song": float(np.mean(distinct)),
            "chord_entropy": ent, "nic_n": nic_n, "both_n": both_n, "sil_n": sil_n,
            "mel_n": mel_n, "n_chords": n_chords, "n_songs": b, "n_long": n_long,
            "n_ends": int(ends.sum())}


def merge_proxies(parts) -> dict:
    """Combine proxies() of several batches into frame-weighted totals (entropy: mean)."""
    s = {k: sum(p[k] for p in parts) for k in ("nic_n", "both_n", "sil_n", "mel_n", "n_chords",
                                               "n_songs", "n_long", "n_ends")}
    return {"note_in_chord": s["nic_n"] / max(1, s["both_n"]),
            "silence": s["sil_n"] / max(1, s["mel_n"]),
            "long_chord": s["n_long"] / max(1, s["n_ends"]),
            "chords_per_song": s["n_chords"] / max(1, s["n_songs"]),
            "distinct_per_song": sum(p["distinct_per_song"] * p["n_songs"] for p in parts)
            / max(1, s["n_songs"]),
            "chord_entropy": float(np.mean([p["chord_entropy"] for p in parts])),
            "n_songs": s["n_songs"]}


def fmt_time(s: float) -> str:
    s = max(0, int(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def finite(x: float) -> bool:
    return math.isfinite(x)
