"""data.py — `.tok` shards (docs/architecture.md "Data shards"), windows and batches.

    shard = Shard("build/data/train.tok")            # numpy memmap, nothing loaded up front
    it = BatchStream(shard, vocab, arch="online", seed=1, batch_tokens=16384)
    batch = it.next()                                # dict of LongTensors, see collate_*()
    state = it.state(); it2 = BatchStream(...); it2.restore(state)   # exact resume

Windows (the architecture's rule): a model sees BOS + at most 512 history tokens (256 frames).
A window cut at frame s is `BOS c_s m_s ...` with c_s / m_s rewritten from hold to onset form.
Online examples are BOS + up to 513 tokens (input = all but the last, target = all but the
first), so the longest input is exactly BOS + 512 history tokens. Offline examples are up to
256 frames of (melody, chord) pairs.

Besides windows forced by long sequences, a fraction `p_crop` of examples start at a random
frame of the song, because live sessions outgrow 256 frames and then always see such windows.
"""
from __future__ import annotations

import struct

import numpy as np
import torch

from .vocab import BOS, CHORD_HOLD, EOS, NOTE_HOLD, NOTE_ON, PAD, SILENCE, Vocab

TOK_MAGIC = b"JAMTOK1\0"
HISTORY_TOKENS = 512                  # docs/architecture.md: at most 512 history tokens
WINDOW_FRAMES = HISTORY_TOKENS // 2


class Shard:
    def __init__(self, path):
        self.path = str(path)
        with open(path, "rb") as f:
            head = f.read(24)
        magic, version, n, vocab_size, _ = struct.unpack("<8sIIII", head)
        if magic != TOK_MAGIC or version != 1:
            raise ValueError(f"{path}: not a JAMTOK1 v1 shard")
        self.n_seqs, self.vocab_size = n, vocab_size
        self.offsets = np.memmap(path, dtype="<u8", mode="r", offset=24, shape=(n + 1,))
        n_tok = int(self.offsets[-1])
        self.tokens = np.memmap(path, dtype="<u2", mode="r", offset=24 + 8 * (n + 1),
                                shape=(n_tok,))
        self.lengths = np.diff(self.offsets.astype(np.int64))

    def __len__(self):
        return self.n_seqs

    def seq(self, i: int) -> np.ndarray:
        return np.asarray(self.tokens[int(self.offsets[i]):int(self.offsets[i + 1])],
                          dtype=np.int64)

    @property
    def n_tokens(self) -> int:
        return int(self.offsets[-1])


def write_shard(path, seqs, vocab_size: int):
    offsets = np.zeros(len(seqs) + 1, dtype="<u8")
    offsets[1:] = np.cumsum([len(s) for s in seqs])
    with open(path, "wb") as f:
        f.write(struct.pack("<8sIIII", TOK_MAGIC, 1, len(seqs), vocab_size, 0))
        f.write(offsets.tobytes())
        for s in seqs:
            f.write(np.asarray(s, dtype="<u2").tobytes())


# ---------------------------------------------------------------------------------- windows

def onset(tok: int, vocab: Vocab) -> int:
    return vocab.to_onset(int(tok))


def online_example(seq: np.ndarray, vocab: Vocab, start_frame: int) -> np.ndarray:
    """BOS + up to 513 tokens from frame `start_frame` (holds at the window start -> onsets)."""
    if start_frame == 0 and len(seq) <= HISTORY_TOKENS + 2:
        return seq
    body = seq[1 + 2 * start_frame: 1 + 2 * start_frame + HISTORY_TOKENS + 1].copy()
    body[0] = onset(body[0], vocab)
    if len(body) > 1:
        body[1] = onset(body[1], vocab)
    return np.concatenate([[BOS], body])


def song_frames(seq: np.ndarray):
    """(chords [T], melody [T]) of a BOS c_0 m_0 ... EOS sequence."""
    t = (len(seq) - 2) // 2
    return seq[1:1 + 2 * t:2], seq[2:2 + 2 * t:2]


def offline_example(seq: np.ndarray, vocab: Vocab, start_frame: int):
    chords, melody = song_frames(seq)
    c = chords[start_frame:start_frame + WINDOW_FRAMES].copy()
    m = melody[start_frame:start_frame + WINDOW_FRAMES].copy()
    if start_frame > 0:
        c[0], m[0] = onset(c[0], vocab), onset(m[0], vocab)
    return m, c


def pick_start(n_frames: int, rng: np.random.Generator, p_crop: float) -> int:
    latest = max(0, n_frames - WINDOW_FRAMES)          # windows that still reach EOS
    if n_frames > 1 and rng.random() < p_crop:
        return int(rng.integers(1, n_frames))          # anywhere in the song
    return int(rng.integers(0, latest + 1)) if latest > 0 else 0


def collate_online(examples):
    """-> {"input": [B, L], "target": [B, L]} right-padded with PAD (target PAD = ignored)."""
    n = max(len(e) for e in examples) - 1
    inp = torch.zeros(len(examples), n, dtype=torch.long)
    tgt = torch.zeros(len(examples), n, dtype=torch.long)
    for i, e in enumerate(examples):
        e = torch.as_tensor(np.asarray(e, dtype=np.int64))
        inp[i, :len(e) - 1] = e[:-1]
        tgt[i, :len(e) - 1] = e[1:]
    return {"input": inp, "target": tgt}


def collate_offline(examples):
    """-> {"melody", "chord_in", "target": [B, T], "melody_len": [B]}; chord_in = BOS, c_0.."""
    n = max(len(m) for m, _ in examples)
    b = len(examples)
    mel = torch.full((b, n), PAD, dtype=torch.long)
    cin = torch.full((b, n), PAD, dtype=torch.long)
    tgt = torch.full((b, n), PAD, dtype=torch.long)
    lens = torch.zeros(b, dtype=torch.long)
    for i, (m, c) in enumerate(examples):
        t = len(m)
        mel[i, :t] = torch.as_tensor(np.asarray(m, dtype=np.int64))
        c = torch.as_tensor(np.asarray(c, dtype=np.int64))
        tgt[i, :t] = c
        cin[i, 0] = BOS
        cin[i, 1:t] = c[:t - 1]
        lens[i] = t
    return {"melody": mel, "chord_in": cin, "target": tgt, "melody_len": lens}


def example_len(arch: str, ex) -> int:
    return len(ex) - 1 if arch == "online" else len(ex[0])


class BatchStream:
    """Endless stream of batches of random windows, grouped by length to limit padding.

    A pool of `pool_size` random examples is drawn, sorted by length and cut into batches of
    at most `batch_tokens` padded positions; batch order inside a pool is shuffled. The state
    (RNG state at the pool start + index in the pool) restores the stream exactly."""

    def __init__(self, shard: Shard, vocab: Vocab, arch: str, seed: int, batch_tokens: int,
                 pool_size: int = 1024, p_crop: float = 0.25, max_batch: int = 64):
        self.shard, self.vocab, self.arch = shard, vocab, arch
        self.batch_tokens, self.pool_size, self.p_crop = batch_tokens, pool_size, p_crop
        self.max_batch = max_batch
        self.rng = np.random.default_rng(seed)
        self.pool_rng_state = None
        self.batches, self.index = [], 0

    def _fill(self):
        self.pool_rng_state = self.rng.bit_generator.state
        ids = self.rng.integers(0, len(self.shard), size=self.pool_size)
        exs = []
        for i in ids:
            seq = self.shard.seq(int(i))
            t = (len(seq) - 2) // 2
            s = pick_start(t, self.rng, self.p_crop)
            exs.append(online_example(seq, self.vocab, s) if self.arch == "online"
                       else offline_example(seq, self.vocab, s))
        exs.sort(key=lambda e: example_len(self.arch, e))
        batches, cur = [], []
        for e in exs:
            n = example_len(self.arch, e)
            if cur and ((len(cur) + 1) * n > self.batch_tokens or len(cur) >= self.max_batch):
                batches.append(cur)
                cur = []
            cur.append(e)
        if cur:
            batches.append(cur)
        order = self.rng.permutation(len(batches))
        self.batches = [batches[j] for j in order]
        self.index = 0

    def next(self):
        if self.index >= len(self.batches):
            self._fill()
        exs = self.batches[self.index]
        self.index += 1
        return collate_online(exs) if self.arch == "online" else collate_offline(exs)

    def state(self) -> dict:
        return {"pool_rng_state": self.pool_rng_state, "index": self.index}

    def restore(self, st: dict):
        if st.get("pool_rng_state") is None:
            return
        self.rng.bit_generator.state = st["pool_rng_state"]
        self._fill()
        self.index = st["index"]


def eval_batches(shard: Shard, vocab: Vocab, arch: str, max_seqs: int, batch_tokens: int):
    """Deterministic batches over the first `max_seqs` sequences (whole songs from frame 0;
    songs longer than one window contribute their first window)."""
    exs = []
    for i in range(min(max_seqs, len(shard))):
        seq = shard.seq(i)
        exs.append(online_example(seq, vocab, 0) if arch == "online" else
                   offline_example(seq, vocab, 0))
    exs.sort(key=lambda e: example_len(arch, e))
    out, cur = [], []
    for e in exs:
        n = example_len(arch, e)
        if cur and (len(cur) + 1) * n > batch_tokens:
            out.append(cur)
            cur = []
        cur.append(e)
    if cur:
        out.append(cur)
    coll = collate_online if arch == "online" else collate_offline
    return [coll(b) for b in out]


# ---------------------------------------------------------------------------- synthetic data

def synthetic_song(rng: np.random.Generator, vocab: Vocab, n_frames: int) -> np.ndarray:
    """A toy song in the exact token layout: a chord progression (4–16 frame chords, sometimes
    silence) and a melody of chord tones, so a model can learn chord <-> melody agreement."""
    chords_meta = vocab.raw["chords"]
    seq = [BOS]
    chord, chord_left, note, note_left = -1, 0, -1, 0
    for _ in range(n_frames):
        c_on = m_on = False
        if chord_left == 0:
            chord = int(rng.integers(0, vocab.n_chords)) if rng.random() > 0.05 else -1
            chord_left, c_on = int(rng.choice([4, 8, 8, 16])), True
        if note_left == 0:
            if rng.random() < 0.15 or chord < 0:
                note = -1
            else:
                pcs = chords_meta[chord]["pitch_classes"]
                note = 60 + int(rng.choice(pcs)) + 12 * int(rng.integers(-1, 1))
            note_left, m_on = int(rng.choice([1, 2, 2, 4])), True
        seq.append(SILENCE if chord < 0 else
                   (vocab.chord_on + chord if c_on else CHORD_HOLD + chord))
        seq.append(SILENCE if note < 0 else (NOTE_ON + note if m_on else NOTE_HOLD + note))
        chord_left -= 1
        note_left -= 1
    seq.append(EOS)
    return np.asarray(seq, dtype=np.int64)


def write_synthetic_dataset(out_dir, vocab_json: dict, n_train=400, n_valid=50, seed=0):
    import json
    import os
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "vocab.json"), "w") as f:
        json.dump(vocab_json, f, indent=1)
    vocab = Vocab.load(os.path.join(out_dir, "vocab.json"))
    rng = np.random.default_rng(seed)
    for split, n in (("train", n_train), ("valid", n_valid), ("test", n_valid)):
        seqs = [synthetic_song(rng, vocab, int(rng.integers(16, 400))) for _ in range(n)]
        write_shard(os.path.join(out_dir, f"{split}.tok"), seqs, vocab.size)
    with open(os.path.join(out_dir, "split.json"), "w") as f:
        json.dump({"synthetic": True}, f)
    with open(os.path.join(out_dir, "stats.json"), "w") as f:
        json.dump({"synthetic": True}, f)
