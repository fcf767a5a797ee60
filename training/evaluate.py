"""evaluate.py — `evaluate --run RUN_DIR [--split valid|test] [--max-seqs N]`: token-level loss
and chord accuracy of a run's final.pt (or its latest checkpoint) on a shard, written to
RUN_DIR/eval_<split>.json. The musical metrics (jamtool simulate + metrics) live in C++."""
from __future__ import annotations

import json
import os

import torch

from .data import Shard, eval_batches
from .export import load_run
from .train import DEFAULT_BATCH, evaluate, has_amx_bf16
from .vocab import Vocab


def main(args):
    torch.set_num_threads(1)
    model, cfg, run = load_run(args.run)
    vocab = Vocab.load(os.path.join(args.run, "vocab.json"))
    shard = Shard(os.path.join(run["data_dir"], f"{args.split}.tok"))
    n = min(len(shard), args.max_seqs)
    batches = eval_batches(shard, vocab, cfg.arch, n, DEFAULT_BATCH[cfg.arch])
    r = evaluate(model, batches, cfg.arch, has_amx_bf16())
    r.update({"split": args.split, "songs": n})
    with open(os.path.join(args.run, f"eval_{args.split}.json"), "w") as f:
        json.dump(r, f, indent=1)
    print(json.dumps(r, indent=1))
