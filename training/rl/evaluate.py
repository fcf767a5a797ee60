"""rl/evaluate.py — `rl-eval`: the Python proxies of common.proxies on test songs for several
Online-type runs (chords sampled with the KV-cache sampler, melody teacher-forced) beside the
data's own chords.

    python3 -m training rl-eval --runs training/runs/online_full,training/runs/rl_m \
        --data training/runs/data --split test --songs 200 --out training/runs/rl_eval.json

Songs: the first `--songs` of the split, from frame 0, cut at 256 frames; one sample per song
(temperature 1, seed fixed). These are quick proxies; the reference numbers are `jamtool
simulate` + `jamtool metrics` (which also cover windows beyond 256 frames).
"""
from __future__ import annotations

import json
import os
import time

import torch

from ..data import Shard
from ..export import load_run
from ..train import has_amx_bf16
from ..vocab import Vocab
from .common import ChordTables, load_songs, merge_proxies, pad_batch, proxies
from .sampler import sample_chords


def eval_runs(run_dirs, data, split="test", n_songs=200, batch=25, seed=7, temperature=1.0,
              max_frames=256, log=print):
    vocab = Vocab.load(os.path.join(data, "vocab.json"))
    tables = ChordTables(vocab)
    shard = Shard(os.path.join(data, f"{split}.tok"))
    n = min(n_songs, len(shard))
    songs = load_songs(shard, range(n), max_frames)
    order = sorted(range(n), key=lambda i: len(songs[i][0]))
    batches = [[songs[i] for i in order[k:k + batch]] for k in range(0, n, batch)]
    out = {"data": merge_proxies([proxies(*pad_batch(bs)[:2], pad_batch(bs)[2], tables)
                                  for bs in batches])}
    autocast = has_amx_bf16()
    for d in run_dirs:
        model, _, _ = load_run(d)
        g = torch.Generator().manual_seed(seed)
        parts, t0 = [], time.time()
        for bs in batches:
            _, me, lens = pad_batch(bs)
            ch, _, _ = sample_chords(model, me, lens, tables, generator=g,
                                     temperature=temperature, autocast=autocast)
            parts.append(proxies(ch, me, lens, tables))
        out[os.path.basename(os.path.normpath(d))] = merge_proxies(parts)
        log(f"{d}: {json.dumps({k: round(v, 4) for k, v in out[os.path.basename(os.path.normpath(d))].items()})} "
            f"({time.time() - t0:.0f}s)")
    return out


def table(res: dict) -> str:
    keys = ["note_in_chord", "silence", "long_chord", "chords_per_song", "distinct_per_song",
            "chord_entropy"]
    lines = ["| model | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, r in res.items():
        lines.append(f"| {name} | " + " | ".join(f"{r[k]:.3f}" for k in keys) + " |")
    return "\n".join(lines)


def main(args):
    torch.set_num_threads(args.threads)
    res = eval_runs([d for d in args.runs.split(",") if d], args.data, args.split, args.songs)
    res["_settings"] = {"split": args.split, "songs": args.songs, "max_frames": 256,
                        "temperature": 1.0, "seed": 7}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
    print(table({k: v for k, v in res.items() if not k.startswith("_")}))
