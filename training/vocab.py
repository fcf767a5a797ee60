"""vocab.py — the token layout of docs/architecture.md ("Tokens") as seen from Python.

The C++ tokenizer (`jamtool dataset`) writes vocab.json; Python only reads it. The one place
Python creates a vocabulary is `synthetic_vocab`, for the tiny test models (tests/data/tiny_*).

    v = Vocab.load("build/data/vocab.json")
    v.size, v.n_chords, v.is_chord(tok), v.to_onset(tok)
"""
from __future__ import annotations

import json
from dataclasses import dataclass

PAD, BOS, EOS, SILENCE = 0, 1, 2, 3
NOTE_HOLD, NOTE_ON, CHORD_HOLD = 4, 132, 260


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


@dataclass
class Vocab:
    n_chords: int
    hash: str
    raw: dict

    @property
    def chord_on(self) -> int:
        return CHORD_HOLD + self.n_chords

    @property
    def size(self) -> int:
        return CHORD_HOLD + 2 * self.n_chords

    @staticmethod
    def load(path) -> "Vocab":
        with open(path) as f:
            raw = json.load(f)
        v = Vocab(n_chords=int(raw["n_chords"]), hash=str(raw["hash"]), raw=raw)
        t = raw.get("tokens", {})
        expect = {"pad": PAD, "bos": BOS, "eos": EOS, "silence": SILENCE, "note_hold": NOTE_HOLD,
                  "note_on": NOTE_ON, "chord_hold": CHORD_HOLD, "chord_on": v.chord_on,
                  "size": v.size}
        for k, want in expect.items():
            if k in t and int(t[k]) != want:
                raise ValueError(f"vocab.json tokens.{k} = {t[k]}, architecture.md says {want}")
        return v

    def is_chord(self, tok: int) -> bool:
        return CHORD_HOLD <= tok < self.size

    def to_onset(self, tok: int) -> int:
        """The window rule: a hold at the start of a window becomes its onset form."""
        if NOTE_HOLD <= tok < NOTE_ON:
            return tok + 128
        if CHORD_HOLD <= tok < self.chord_on:
            return tok + self.n_chords
        return tok


def canonical_hash(chords) -> str:
    """The vocabulary hash exactly as core/src/chord_vocab.cpp computes it: FNV-1a 64 over
    "root:i1,i2,...:inversion;" for every chord in id order, as 16 hex digits."""
    canon = "".join(f"{c['root']}:{','.join(str(i) for i in c['intervals'])}:{c['inversion']};"
                    for c in chords)
    return fnv1a64(canon.encode())


def synthetic_vocab(n_roots: int = 12) -> dict:
    """A 24-chord vocab.json (12 major + 12 minor triads) for the tiny test models.

    Same schema as the real one; its hash is the C++ ChordVocab hash (canonical_hash below)."""
    names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
    chords = []
    for quality, iv, suffix in (("maj", [4, 3], ""), ("min", [3, 4], "m")):
        for r in range(n_roots):
            pcs = sorted({r % 12, (r + iv[0]) % 12, (r + iv[0] + iv[1]) % 12})
            chords.append({"id": len(chords), "name": names[r] + suffix, "root": r,
                           "intervals": iv, "inversion": 0, "pitch_classes": pcs, "bass": r})
    n = len(chords)
    return {"version": 1, "hash": canonical_hash(chords), "n_chords": n,
            "tokens": {"pad": PAD, "bos": BOS, "eos": EOS, "silence": SILENCE,
                       "note_hold": NOTE_HOLD, "note_on": NOTE_ON, "chord_hold": CHORD_HOLD,
                       "chord_on": CHORD_HOLD + n, "size": CHORD_HOLD + 2 * n},
            "chords": chords,
            "fallback": "synthetic test vocabulary (tiny models only): no fallback rule"}
