"""train.py — `train --arch online|offline --size web|full --data DIR --out RUN_DIR
[--minutes M] [--epochs E] [--resume]`.

RUN_DIR gets: train.log (progress, tokens/s, ETA), run.json (config, data hashes, summary),
curve.csv (train loss per log line), eval.csv (valid loss / chord accuracy per eval),
checkpoint.pt (every --ckpt-minutes, on SIGTERM/SIGINT and at the end; --resume continues it
exactly: model, optimizer, step, data stream position, elapsed time), final.pt (weights only),
vocab.json (copied from DIR).

Budget: training stops when progress reaches 1, where progress = max(elapsed / minutes,
tokens / (epochs * train tokens)); the LR follows linear warmup then a cosine on progress down
to 10% of the peak. Elapsed time includes evals and checkpoints, so --minutes is wall time.
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import shutil
import signal
import time

import torch
import torch.nn.functional as F

from .data import BatchStream, Shard, eval_batches
from .model import ModelConfig, build_model, count_params
from .vocab import EOS, PAD, Vocab

SIZES = {
    ("online", "full"): dict(d_model=256, n_layers=6, n_heads=4, d_ff=688),
    ("online", "web"): dict(d_model=160, n_layers=4, n_heads=4, d_ff=432),
    ("offline", "full"): dict(d_model=256, n_layers=4, enc_layers=4, n_heads=4, d_ff=688),
    ("offline", "web"): dict(d_model=160, n_layers=3, enc_layers=3, n_heads=4, d_ff=432),
    ("online", "tiny"): dict(d_model=32, n_layers=2, n_heads=4, d_ff=88),
    ("offline", "tiny"): dict(d_model=32, n_layers=2, enc_layers=2, n_heads=4, d_ff=88),
}
DEFAULT_LR = {"full": 1e-3, "web": 1.5e-3, "tiny": 3e-3}
DEFAULT_BATCH = {"online": 8192, "offline": 4096}   # padded input tokens / frames per step
WARMUP_STEPS = 200
MIN_LR_FRAC = 0.1
LOG_SECONDS = 30.0


def has_amx_bf16() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            return "amx_bf16" in f.read()
    except OSError:
        return False


def sha256_file(path) -> str | None:
    if not os.path.exists(path):
        return None
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def lr_at(step: int, progress: float, peak: float) -> float:
    """Linear warmup (ends after WARMUP_STEPS or 4% of the budget, whichever first), then a
    cosine on progress down to MIN_LR_FRAC * peak."""
    warm = min(1.0, max((step + 1) / WARMUP_STEPS, progress / 0.04))
    cos = MIN_LR_FRAC + (1 - MIN_LR_FRAC) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return peak * warm * cos


def compute_loss(model, batch, arch: str, autocast: bool):
    """(mean loss over non-PAD targets, logits [B, T, V] in fp32, targets [B, T])."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        if arch == "online":
            logits = model(batch["input"])
        else:
            logits = model(batch["melody"], batch["chord_in"], batch["melody_len"])
    logits = logits.float()
    tgt = batch["target"]
    loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), tgt.view(-1), ignore_index=PAD)
    return loss, logits, tgt


def n_targets(batch) -> int:
    return int((batch["target"] != PAD).sum())


@torch.no_grad()
def evaluate(model, batches, arch: str, autocast: bool) -> dict:
    """valid loss (all targets), chord NLL / accuracy, melody NLL (online)."""
    model.eval()
    tot = {"nll": 0.0, "n": 0, "c_nll": 0.0, "c_n": 0, "c_ok": 0, "m_nll": 0.0, "m_n": 0}
    for b in batches:
        _, logits, tgt = compute_loss(model, b, arch, autocast)
        nll = F.cross_entropy(logits.view(-1, logits.shape[-1]), tgt.view(-1),
                              ignore_index=PAD, reduction="none").view(tgt.shape)
        valid = tgt != PAD
        if arch == "online":   # target j is window token j+1: chords at even j (EOS excluded)
            j = torch.arange(tgt.shape[1])[None, :]
            chord = valid & (j % 2 == 0) & (tgt != EOS)
            mel = valid & (j % 2 == 1)
        else:
            chord, mel = valid, torch.zeros_like(valid)
        pred = logits.argmax(-1)
        tot["nll"] += nll[valid].sum().item()
        tot["n"] += int(valid.sum())
        tot["c_nll"] += nll[chord].sum().item()
        tot["c_n"] += int(chord.sum())
        tot["c_ok"] += int((pred == tgt)[chord].sum())
        tot["m_nll"] += nll[mel].sum().item()
        tot["m_n"] += int(mel.sum())
    model.train()
    out = {"loss": tot["nll"] / max(1, tot["n"]), "chord_nll": tot["c_nll"] / max(1, tot["c_n"]),
           "chord_acc": tot["c_ok"] / max(1, tot["c_n"]), "targets": tot["n"]}
    if arch == "online":
        out["melody_nll"] = tot["m_nll"] / max(1, tot["m_n"])
    return out


class CsvLog:
    def __init__(self, path, fields, keep_until_step=None):
        self.path, self.fields = path, fields
        rows = []
        if keep_until_step is not None and os.path.exists(path):
            with open(path) as f:
                rows = [r for r in csv.DictReader(f) if int(r["step"]) <= keep_until_step]
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)

    def add(self, row: dict):
        with open(self.path, "a", newline="") as f:
            csv.DictWriter(f, fieldnames=self.fields).writerow(row)


class Logger:
    def __init__(self, path):
        self.path = path

    def __call__(self, msg: str):
        line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")


def fmt_time(s: float) -> str:
    s = max(0, int(s))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class ThreadTuner:
    """--threads auto: track the padded tokens/s of normal steps (EMA); every `period` steps try
    2 steps on the other thread count (the first ignored) and switch when it was faster. On a
    shared 2-core machine two OpenMP threads collapse when another process holds a core
    (measured 622 vs 1,283 tok/s on the full model under a parallel build), while on an idle
    machine two are ~1.7x faster than one."""

    def __init__(self, mode: str, log, period: int = 150):
        self.auto, self.log, self.period = mode == "auto", log, period
        self.n = 1 if self.auto else int(mode)
        torch.set_num_threads(self.n)
        self.ema, self.count, self.probe = None, 0, []

    def before_step(self):
        if self.auto and not self.probe and self.count % self.period == self.period // 2:
            self.probe = [3 - self.n, 3 - self.n]
        torch.set_num_threads(self.probe[0] if self.probe else self.n)
        self.t = time.time()

    def after_step(self, padded_tokens: int):
        self.count += 1
        rate = padded_tokens / max(1e-9, time.time() - self.t)
        if not self.probe:
            self.ema = rate if self.ema is None else 0.8 * self.ema + 0.2 * rate
            return
        other = self.probe.pop(0)
        if self.probe:                      # first step on the other count: warm-up
            return
        if self.ema is not None and rate > 1.1 * self.ema:
            self.log(f"threads {self.n} -> {other} ({rate:,.0f} vs {self.ema:,.0f} padded tok/s)")
            self.n, self.ema = other, rate
        torch.set_num_threads(self.n)


def save_checkpoint(path, state: dict):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def main(args):
    os.makedirs(args.out, exist_ok=True)
    log = Logger(os.path.join(args.out, "train.log"))
    tuner = ThreadTuner(args.threads, log)
    autocast = has_amx_bf16() and not args.no_bf16
    arch, size = args.arch, args.size

    vocab = Vocab.load(os.path.join(args.data, "vocab.json"))
    train_shard = Shard(os.path.join(args.data, "train.tok"))
    valid_shard = Shard(os.path.join(args.data, "valid.tok"))
    if train_shard.vocab_size != vocab.size:
        raise SystemExit(f"train.tok vocab {train_shard.vocab_size} != vocab.json {vocab.size}")

    ck_path = os.path.join(args.out, "checkpoint.pt")
    ck = torch.load(ck_path, map_location="cpu") if args.resume and os.path.exists(ck_path) \
        else None
    if ck is not None:
        run = ck["run"]
        cfg = ModelConfig.from_dict(run["model"])
        budget = run["budget"]
    else:
        cfg = ModelConfig(arch=arch, vocab_size=vocab.size, **SIZES[(arch, size)])
        budget = {"minutes": args.minutes, "epochs": args.epochs,
                  "lr": args.lr or DEFAULT_LR[size],
                  "batch_tokens": args.batch_tokens or DEFAULT_BATCH[arch], "seed": args.seed}
        if budget["minutes"] is None and budget["epochs"] is None:
            raise SystemExit("give --minutes and/or --epochs")
        run = {"arch": arch, "size": size, "model": cfg.to_dict(), "budget": budget,
               "data_dir": os.path.abspath(args.data),
               "data_info": {
                   "vocab_hash": vocab.hash,
                   "vocab_sha256": sha256_file(os.path.join(args.data, "vocab.json")),
                   "split_sha256": sha256_file(os.path.join(args.data, "split.json")),
                   "stats_sha256": sha256_file(os.path.join(args.data, "stats.json")),
                   "train_tok_sha256": sha256_file(os.path.join(args.data, "train.tok")),
                   "train_seqs": len(train_shard), "train_tokens": train_shard.n_tokens,
                   "valid_seqs": len(valid_shard), "valid_tokens": valid_shard.n_tokens},
               "bf16_autocast": autocast, "threads": args.threads,
               "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}
        shutil.copyfile(os.path.join(args.data, "vocab.json"), os.path.join(args.out, "vocab.json"))
        for name in ("stats.json",):
            if os.path.exists(os.path.join(args.data, name)):
                shutil.copyfile(os.path.join(args.data, name), os.path.join(args.out, name))
    # the budget may be extended on resume (e.g. --minutes 90 after a 70-minute run)
    if ck is not None and args.minutes is not None:
        budget["minutes"] = args.minutes
    if ck is not None and args.epochs is not None:
        budget["epochs"] = args.epochs

    torch.manual_seed(budget["seed"])
    model = build_model(cfg)
    decay = [p for n, p in model.named_parameters() if p.ndim == 2 and "tok_emb" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim == 2 and "tok_emb" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=budget["lr"], betas=(0.9, 0.95), eps=1e-8)
    stream = BatchStream(train_shard, vocab, arch, seed=budget["seed"],
                         batch_tokens=budget["batch_tokens"],
                         p_crop=0.25 if arch == "online" else 0.1)
    step, tokens, elapsed = 0, 0, 0.0
    if ck is not None:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        stream.restore(ck["stream"])
        step, tokens, elapsed = ck["step"], ck["tokens"], ck["elapsed"]
        log(f"resumed from step {step} ({tokens} tokens, {fmt_time(elapsed)} elapsed)")
    else:
        log(f"new run {args.out}: {arch}/{size} {count_params(model)} params, vocab {vocab.size}, "
            f"bf16 autocast {autocast}, threads {args.threads}, "
            f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}, budget {budget}")
    run["params"] = count_params(model)
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump(run, f, indent=1)

    curve = CsvLog(os.path.join(args.out, "curve.csv"),
                   ["step", "tokens", "seconds", "lr", "train_loss", "tokens_per_s"],
                   keep_until_step=step if ck is not None else None)
    evals = CsvLog(os.path.join(args.out, "eval.csv"),
                   ["step", "tokens", "seconds", "split", "loss", "chord_nll", "chord_acc",
                    "melody_nll", "targets"],
                   keep_until_step=step if ck is not None else None)
    eval_small = eval_batches(valid_shard, vocab, arch, max_seqs=200,
                              batch_tokens=budget["batch_tokens"])
    epoch_tokens = train_shard.n_tokens if arch == "online" else train_shard.n_tokens // 2

    def progress():
        p = 0.0
        if budget["minutes"]:
            p = max(p, elapsed / (60.0 * budget["minutes"]))
        if budget["epochs"]:
            p = max(p, tokens / (budget["epochs"] * epoch_tokens))
        return p

    def state():
        return {"model": model.state_dict(), "opt": opt.state_dict(), "stream": stream.state(),
                "step": step, "tokens": tokens, "elapsed": elapsed, "run": run}

    stop = {"signal": None}

    def on_signal(signum, _frame):
        stop["signal"] = signum
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    model.train()
    t0, elapsed0 = time.time(), elapsed
    last_log, last_ckpt, last_eval = elapsed, elapsed, elapsed
    win_loss, win_n, win_tok, win_t0 = 0.0, 0, 0, elapsed
    while progress() < 1.0 and stop["signal"] is None and \
            (args.max_steps is None or step < args.max_steps):
        lr = lr_at(step, progress(), budget["lr"])
        for g in opt.param_groups:
            g["lr"] = lr
        batch = stream.next()
        tuner.before_step()
        loss, _, _ = compute_loss(model, batch, arch, autocast)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tuner.after_step(batch["target"].numel())
        n = n_targets(batch)
        step += 1
        tokens += n
        win_loss += loss.item() * n
        win_n += n
        win_tok += n
        elapsed = elapsed0 + time.time() - t0
        if not math.isfinite(loss.item()):
            log(f"step {step}: loss is {loss.item()}, stopping")
            break
        if elapsed - last_log >= LOG_SECONDS:
            tps = win_tok / max(1e-9, elapsed - win_t0)
            p = progress()
            eta = elapsed / max(p, 1e-9) * (1 - p)
            log(f"step {step} {100 * p:5.1f}% loss {win_loss / win_n:.4f} lr {lr:.2e} "
                f"{tps:,.0f} tok/s  tokens {tokens / 1e6:.2f}M "
                f"(epoch {tokens / epoch_tokens:.2f})  elapsed {fmt_time(elapsed)} "
                f"ETA {fmt_time(eta)}")
            curve.add({"step": step, "tokens": tokens, "seconds": round(elapsed, 1),
                       "lr": lr, "train_loss": round(win_loss / win_n, 5),
                       "tokens_per_s": round(tps, 1)})
            win_loss, win_n, win_tok, win_t0 = 0.0, 0, 0, elapsed
            last_log = elapsed
        if elapsed - last_eval >= 60.0 * args.eval_minutes:
            r = evaluate(model, eval_small, arch, autocast)
            evals.add({"step": step, "tokens": tokens, "seconds": round(elapsed, 1),
                       "split": "valid200", **{k: round(v, 5) for k, v in r.items()}})
            log(f"eval step {step}: valid loss {r['loss']:.4f} chord nll {r['chord_nll']:.4f} "
                f"chord acc {r['chord_acc']:.4f}")
            elapsed = elapsed0 + time.time() - t0
            last_eval = elapsed
        if elapsed - last_ckpt >= 60.0 * args.ckpt_minutes:
            save_checkpoint(ck_path, state())
            last_ckpt = elapsed
    save_checkpoint(ck_path, state())
    if stop["signal"] is not None:
        log(f"signal {stop['signal']}: checkpoint saved at step {step}; --resume continues")
        return
    if args.max_steps is not None and step >= args.max_steps and progress() < 1.0:
        log(f"stopped at --max-steps {step}; checkpoint saved")
        return
    log(f"training done: step {step}, {tokens / 1e6:.2f}M tokens, {fmt_time(elapsed)}")
    n_final = min(len(valid_shard), args.final_eval_seqs)
    full = eval_batches(valid_shard, vocab, arch, max_seqs=n_final,
                        batch_tokens=budget["batch_tokens"])
    r = evaluate(model, full, arch, autocast)
    evals.add({"step": step, "tokens": tokens, "seconds": round(elapsed, 1),
               "split": f"valid{n_final}",
               **{k: round(v, 5) for k, v in r.items()}})
    log(f"final valid ({n_final} of {len(valid_shard)} songs): loss {r['loss']:.4f} "
        f"chord nll {r['chord_nll']:.4f} chord acc {r['chord_acc']:.4f}")
    torch.save({"model": model.state_dict(), "run": run}, os.path.join(args.out, "final.pt"))
    run["summary"] = {"steps": step, "tokens": tokens, "seconds": round(elapsed, 1),
                      "epochs": round(tokens / epoch_tokens, 3), "valid": r,
                      "valid_songs": n_final,
                      "tokens_per_s": round(tokens / max(1.0, elapsed), 1)}
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump(run, f, indent=1)
    log("wrote final.pt and run.json summary")

