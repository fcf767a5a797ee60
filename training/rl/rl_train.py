"""rl/rl_train.py — RL fine-tuning of the Online model (`rl-train`) and distillation of an RL
model into the web size (`rl-distill`).

    python3 -m training rl-train --mode m --init training/runs/online_full \
        --offline training/runs/offline_full --rewards training/runs/rl_reward_con,training/runs/rl_reward_dis \
        --data training/runs/data --out training/runs/rl_m --minutes 35 [--resume]
    python3 -m training rl-distill --init training/runs/online_web --teacher training/runs/rl_m \
        --data training/runs/data --out training/runs/rl_m_web --minutes 15 [--resume]

One iteration (all on CPU, batched):
 1. `--melodies` songs from the train shard (from frame 0, <= 256 frames), each repeated
    `--group` times; the policy samples chords for them (sampler.py: KV cache, grammar mask,
    melody teacher-forced).
 2. rewards of the frozen reward models (reward.py) on (real melody, sampled chords):
    contrastive cosine + discriminative P(real), averaged.
      mode s (RL-S): one reward per episode (the whole sequence), credited to all its chords;
      mode m (RL-M): the same models on non-overlapping windows of 256, 128, 64, 32, 16 frames
                     (1, 1/2 … 1/16 of the context; those longer than --max-frames are left
                     out, they would equal the whole episode); a window's reward is credited to the chord
                     tokens inside it, the scales are averaged per token.
    Baseline: the group mean of the other samples of the same melody (leave-one-out), so a
    melody's difficulty cancels; advantages are divided by their batch std per scale.
 3. rule penalties (common.penalties) credited to the offending token itself, plus their
    expected values under the policy as direct loss terms (w_long x -log(1 - p(hold)) where the
    chord has sounded >= 32 frames, w_silence x p(SILENCE) under a sounding melody note after
    frame 8), since REINFORCE hardly moves a near-certain hold; early end =
    w_eos x the policy's mean probability of EOS at chord positions (the sampler masks EOS like
    the planner, so it is penalised directly; pen_eos in the log), invalid tokens counted.
 3b. optional (RL-M stage 2, training/README.md): --w-harmony, a rule reward per frame
    ([melody pc in chord] - |chord pcs| / 12, 16-frame returns, leave-one-out baseline per
    frame: the note-in-chord metric as a reward); --p-transpose, melodies moved by 1..11
    semitones from a random frame in 32..128 on (adaptation episodes).
 4. loss = -mean_t(A_t log pi(c_t)) + beta_offline * mean_t KL(pi || offline)
          + beta_init * mean_t KL(pi || initial online)
          + w_rate * binary KL(offline || pi) of "chord onset" vs "hold or silence" where a
            hold is allowed and the chord has sounded < 32 frames (chord rate)
    with exact per-token KLs over the grammar-masked distributions (the Offline model sees the
    whole real melody and the sampled chord prefix: on-policy distillation).
 mode distill: no rewards; loss = mean_t KL(student || teacher online) on the student's own
    samples (+ the same penalties as a policy-gradient term).
Logged per iteration to train.log / curve.csv: reward parts, penalties, KLs, and the proxies of
common.proxies on the sampled chords. Conventions of train.py: checkpoint.pt every 2 min and on
SIGTERM (--resume continues exactly: weights, optimizer, RNGs, elapsed), final.pt + run.json in
the format `export` reads, vocab.json / stats.json copied.
"""
from __future__ import annotations

import csv
import json
import math
import os
import shutil
import signal
import time

import numpy as np
import torch

from ..data import Shard
from ..export import load_run
from ..model import causal_mask
from ..train import Logger, ThreadTuner, has_amx_bf16, save_checkpoint, sha256_file
from ..vocab import BOS, CHORD_HOLD, EOS, PAD, SILENCE, Vocab
from .common import LONG_CHORD_FRAMES, SILENCE_EXEMPT_FRAMES, ChordTables, \
    corpus_silence_rate, fmt_time, load_songs, pad_batch, penalties, proxies, run_lengths, \
    transpose_melody, valid_mask
from .reward import SCALES, ContrastiveReward, load_reward
from .sampler import chord_masks, sample_chords

CURVE_FIELDS = ["step", "seconds", "episodes", "reward", "r_con", "r_dis", "pen_long",
                "pen_silence", "pen_eos", "invalid", "kl_offline", "kl_init", "kl_teacher",
                "rate_kl", "p_change", "p_change_offline", "harmony",
                "pg_loss", "note_in_chord", "silence", "long_chord", "chords_per_song",
                "distinct_per_song", "chord_entropy", "tokens_per_s", "lr"]


def online_chord_logits(model, tokens, autocast):
    """tokens BOS c_0 m_0 … c_{T-1} (2T tokens) -> logits at the chord-choosing positions
    (BOS, m_0 … m_{T-2}) [B, T, V] fp32."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        t = tokens.shape[1]
        x = model.dec.tok_emb(tokens)
        h = model.dec.run(x, causal_mask(t, x.dtype))
        return model.head(h[:, 0::2]).float()


def offline_chord_logits(model, melody, chords, lens, autocast):
    cin = torch.cat([torch.full((melody.shape[0], 1), BOS, dtype=torch.long), chords[:, :-1]], 1)
    cin = cin.masked_fill(cin == PAD, BOS)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        return model(melody, cin, lens).float()


def masked_logp(logits, mask):
    return logits.masked_fill(~mask, float("-inf")).log_softmax(-1)


def kl_rows(logp, logq, mask):
    """KL(p || q) per position over the allowed tokens: [B, T]."""
    p = logp.exp()
    d = torch.where(mask, logp - logq, torch.zeros_like(logp))
    return (p * d).sum(-1)


class RewardEnsemble:
    def __init__(self, run_dirs, tables: ChordTables):
        self.models = []
        for d in run_dirs:
            m = load_reward(d)
            self.models.append(("con" if isinstance(m, ContrastiveReward) else "dis", m))
        self.tables = tables

    @torch.no_grad()
    def windows(self, melody, chords, lens, w: int):
        """Rewards of non-overlapping windows of w frames: dict name -> [B, nW], valid [B, nW]
        (a window counts when it holds at least min(w, 8) real frames)."""
        b, t = melody.shape
        nw = max(1, math.ceil(t / w))
        pad = nw * w - t
        me = torch.nn.functional.pad(melody, (0, pad), value=PAD).view(b * nw, w)
        ch = torch.nn.functional.pad(chords, (0, pad), value=PAD).view(b * nw, w)
        vm = torch.nn.functional.pad(valid_mask(lens, t), (0, pad), value=False).view(b * nw, w)
        keep = vm.sum(1) >= min(w, 8)
        tw = int(vm.sum(1).max())
        me, ch, vm = me[:, :tw], ch[:, :tw], vm[:, :tw]
        mf, cf = self.tables.mel_feat[me], self.tables.chord_feat[ch]
        out = {}
        for name, m in self.models:
            r = torch.zeros(b * nw)
            if keep.any():
                r[keep] = m.reward(mf[keep], cf[keep], vm[keep])
            out[name] = r.view(b, nw)
        return out, keep.view(b, nw)


def group_advantage(r, valid, group: int):
    """Leave-one-out group baseline, then / batch std. r, valid [B, nW] with rows grouped as
    consecutive blocks of `group` samples of the same melody."""
    b, nw = r.shape
    rg = (r * valid).view(b // group, group, nw)
    vg = valid.view(b // group, group, nw).float()
    tot, cnt = rg.sum(1, keepdim=True), vg.sum(1, keepdim=True)
    base = (tot - rg) / (cnt - vg).clamp(min=1)
    adv = ((rg - base) * vg).view(b, nw)
    sd = adv[valid].std() if valid.sum() > 1 else torch.tensor(1.0)
    return adv / (sd + 1e-6) * valid


def spread(win_adv, w: int, t: int):
    """[B, nW] window values -> [B, T] per frame."""
    return win_adv.repeat_interleave(w, dim=1)[:, :t]


HARMONY_FRAMES = 16


def harmony_frames(chords, melody, lens, tables: ChordTables):
    """[B, T]: in_chord - |pcs| / 12 where melody and chord both sound, else 0."""
    vm = valid_mask(lens, chords.shape[1])
    pitch = tables.pitch[melody]
    cid = tables.chord_id[chords]
    both = (pitch >= 0) & (cid >= 0) & vm
    pcs = tables.tok_pcs[chords]
    hit = pcs.gather(2, (pitch.clamp(min=0) % 12)[..., None])[..., 0]
    return torch.where(both, hit - pcs.sum(-1) / 12, torch.zeros_like(hit))


def copy_run_files(init_dir, data_dir, out):
    for name in ("vocab.json", "stats.json"):
        src = os.path.join(init_dir, name)
        if not os.path.exists(src):
            src = os.path.join(data_dir, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(out, name))


def main(args):
    os.makedirs(args.out, exist_ok=True)
    log = Logger(os.path.join(args.out, "train.log"))
    tuner = ThreadTuner(args.threads, log, period=40)
    autocast = has_amx_bf16() and not args.no_bf16
    ck_path = os.path.join(args.out, "checkpoint.pt")
    ck = torch.load(ck_path, map_location="cpu") if args.resume and os.path.exists(ck_path) \
        else None
    distill = args.cmd == "rl-distill"
    if ck is not None:
        run = ck["run"]
        if args.minutes is not None:
            run["rl"]["minutes"] = args.minutes
    else:
        _, _, init_run = load_run(args.init)
        rl = {"mode": "distill" if distill else args.mode, "init": os.path.abspath(args.init),
              "minutes": args.minutes, "melodies": args.melodies, "group": args.group,
              "max_frames": args.max_frames, "p_crop": args.p_crop, "lr": args.lr, "seed": args.seed,
              "beta_offline": 0.0 if distill else args.beta_offline,
              "beta_init": 0.0 if distill else args.beta_init,
              "reward_weight": 0.0 if distill else args.reward_weight,
              "w_long": args.w_long, "w_silence": args.w_silence, "w_eos": args.w_eos,
              "w_rate": 0.0 if distill else getattr(args, "w_rate", 0.0),
              "p_transpose": getattr(args, "p_transpose", 0.0),
              "w_harmony": 0.0 if distill else getattr(args, "w_harmony", 0.0),
              "rate_onsets": 1.0,
              "offline": None if distill else os.path.abspath(args.offline),
              "rewards": [] if distill else [os.path.abspath(d) for d in args.rewards.split(",")],
              "teacher": os.path.abspath(args.teacher) if distill else None,
              "scales": [w for w in SCALES if w <= args.max_frames]}
        if not distill and args.mode == "s":
            rl["scales"] = [max(SCALES)]
        data = os.path.abspath(args.data)
        run = {"arch": "online", "size": init_run.get("size"), "model": init_run["model"],
               "rl": rl, "data_dir": data, "data_info": dict(init_run.get("data_info", {})),
               "bf16_autocast": autocast, "threads": args.threads}
        run["data_info"]["train_tok_sha256"] = sha256_file(os.path.join(data, "train.tok"))
        copy_run_files(args.init, data, args.out)
    rl = run["rl"]
    rl.setdefault("w_rate", 0.0)
    rl.setdefault("p_transpose", 0.0)
    rl.setdefault("w_harmony", 0.0)
    rl.setdefault("rate_onsets", 0.0)
    override = getattr(args, "override", "")
    if override:
        changes = {}
        for kv in override.split(","):
            k, v = kv.split("=", 1)
            if k not in rl or isinstance(rl[k], (list, dict)) or rl[k] is None:
                raise SystemExit(f"--override: {k} is not a numeric rl setting")
            changes[k] = type(rl[k])(float(v)) if not isinstance(rl[k], str) else v
        rl.update(changes)
        rl.setdefault("history", []).append(
            {"at_step": ck["step"] if ck is not None else 0, "changes": changes})
    data = run["data_dir"]
    vocab = Vocab.load(os.path.join(data, "vocab.json"))
    tables = ChordTables(vocab)
    shard = Shard(os.path.join(data, "train.tok"))

    torch.manual_seed(rl["seed"])
    policy, cfg, _ = load_run(rl["init"])
    policy.train()
    ref = None
    if rl["beta_init"] > 0:
        ref, _, _ = load_run(rl["init"])
        ref.requires_grad_(False)
    offline = teacher = rewards = None
    if rl["offline"] and rl["beta_offline"] > 0:
        offline, ocfg, _ = load_run(rl["offline"])
        offline.requires_grad_(False)
    if rl["teacher"]:
        teacher, _, _ = load_run(rl["teacher"])
        teacher.requires_grad_(False)
    if rl["rewards"] and rl["reward_weight"] > 0:
        rewards = RewardEnsemble(rl["rewards"], tables)
    sil_rate = corpus_silence_rate(shard, tables)
    opt = torch.optim.AdamW(policy.parameters(), lr=rl["lr"], betas=(0.9, 0.95),
                            weight_decay=0.0)
    rng = np.random.default_rng(rl["seed"])
    gen = torch.Generator().manual_seed(rl["seed"])
    step, episodes, elapsed = 0, 0, 0.0
    if ck is not None:
        policy.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        rng.bit_generator.state = ck["rng"]
        gen.set_state(ck["gen"])
        step, episodes, elapsed = ck["step"], ck["episodes"], ck["elapsed"]
        log(f"resumed from step {step} ({episodes} episodes, {fmt_time(elapsed)} elapsed)")
        if override:
            log(f"settings changed on resume: {rl['history'][-1]['changes']}")
    else:
        log(f"new RL run {args.out}: mode {rl['mode']}, policy {sum(p.numel() for p in policy.parameters())} "
            f"params from {rl['init']}, corpus silence rate {sil_rate:.4f}, bf16 {autocast}, {rl}")
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump(run, f, indent=1)
    curve_path = os.path.join(args.out, "curve.csv")
    rows = []
    if ck is not None and os.path.exists(curve_path):
        with open(curve_path) as f:
            rows = [r for r in csv.DictReader(f) if int(r["step"]) <= step]
    with open(curve_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CURVE_FIELDS)
        w.writeheader()
        w.writerows(rows)

    stop = {"sig": None}

    def on_signal(s, _f):
        stop["sig"] = s
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def state():
        return {"model": policy.state_dict(), "opt": opt.state_dict(),
                "rng": rng.bit_generator.state, "gen": gen.get_state(), "step": step,
                "episodes": episodes, "elapsed": elapsed, "run": run}

    budget_s = 60.0 * rl["minutes"]
    t0, e0 = time.time(), elapsed
    last_ck, last_log = elapsed, elapsed
    lens_all = shard.lengths
    while elapsed < budget_s and stop["sig"] is None and \
            (args.max_steps is None or step < args.max_steps):
        it0 = time.time()
        # 1. melodies of similar lengths (a random chunk of a length-sorted candidate set)
        cand = rng.integers(0, len(shard), size=4 * rl["melodies"])
        cand = cand[np.argsort(lens_all[cand], kind="stable")]
        j = int(rng.integers(0, len(cand) - rl["melodies"] + 1))
        ids = cand[j:j + rl["melodies"]]
        n_fr = (lens_all[ids] - 2) // 2
        starts = np.where(rng.random(len(ids)) < rl["p_crop"],
                          rng.integers(0, np.maximum(1, n_fr - rl["max_frames"] // 2)), 0)
        songs = load_songs(shard, ids, rl["max_frames"], starts)
        real_ch, melody, lens = pad_batch(songs)
        # adaptation episodes: the melody moves by 1..11 semitones from a frame in 32..128 on
        # (the same transposed melody for the whole group, so the baseline stays fair)
        for i in range(len(ids)):
            if rl["p_transpose"] > 0 and rng.random() < rl["p_transpose"] and int(lens[i]) > 48:
                f0 = int(rng.integers(32, min(129, int(lens[i]) - 8)))
                melody[i] = transpose_melody(melody[i], int(rng.integers(1, 12)), f0, tables)
        g = rl["group"]
        melody = melody.repeat_interleave(g, 0)
        lens = lens.repeat_interleave(g, 0)
        b, t = melody.shape
        tuner.before_step()
        policy.eval()
        chords, tokens, _ = sample_chords(policy, melody, lens, tables, generator=gen,
                                          autocast=autocast)
        policy.train()
        vm = valid_mask(lens, t)
        masks = chord_masks(chords.masked_fill(~vm, 3), tables)
        # 2-3. advantages
        pen = penalties(chords, melody, lens, tables, sil_rate)
        adv = -(rl["w_long"] * pen["long"] + rl["w_silence"] * pen["silence"]
                + rl["w_eos"] * pen["eos"] + pen["invalid"])
        parts = {}
        if rewards is not None:
            acc = torch.zeros(b, t)
            for w in rl["scales"]:
                r, keep = rewards.windows(melody, chords, lens, w)
                for k, v in r.items():
                    parts.setdefault(f"r_{k}", []).append(float(v[keep].mean()))
                tot = sum(r.values()) / len(r)
                acc += spread(group_advantage(tot, keep, g), w, t)
            adv = adv + rl["reward_weight"] * acc / len(rl["scales"])
        h_mean = float("nan")
        if rl["w_harmony"] > 0:
            # rule reward (off by default): per frame where melody and chord both sound,
            # [melody pitch class in the chord] - |chord pitch classes| / 12 (the share a random
            # pitch class would hit, so bigger chords gain nothing); a token is credited with
            # the sum over its next HARMONY_FRAMES frames; leave-one-out baseline per frame
            h = harmony_frames(chords, melody, lens, tables)
            h_mean = float(h.sum() / vm.sum().clamp(min=1))
            ret = torch.nn.functional.pad(h, (0, HARMONY_FRAMES)).unfold(
                1, HARMONY_FRAMES, 1)[:, :t].sum(-1)
            adv = adv + rl["w_harmony"] * group_advantage(ret, vm, g)
        # 4. loss
        logits = online_chord_logits(policy, tokens[:, :-1], autocast)
        logp_all = masked_logp(logits, masks)
        # early end: the mass the unmasked policy puts on EOS before the song's end (the
        # sampler, like the planner, never draws EOS); penalised directly
        p_eos = (logits.log_softmax(-1)[..., EOS].exp() * vm).sum() / vm.sum().clamp(min=1)
        logp = logp_all.gather(2, chords.clamp(min=0)[..., None])[..., 0].masked_fill(~vm, 0)
        n_tok = vm.sum().clamp(min=1)
        pg = -(adv.detach() * logp * vm).sum() / n_tok
        # expected immediate rule penalties (the analytic gradient of E[penalty] at each state:
        # REINFORCE barely moves a near-certain hold, so the rule costs also act directly):
        # continuing a chord that has sounded >= 32 frames (-log(1 - p(hold))), and SILENCE
        # while the melody sounds at frame >= 8 (p(SILENCE))
        probs = logp_all.exp()
        runlen = run_lengths(chords, tables)
        prev_run = torch.cat([torch.zeros(b, 1, dtype=torch.long), runlen[:, :-1]], 1)
        prev_id = torch.cat([torch.full((b, 1), -1, dtype=torch.long),
                             tables.chord_id[chords][:, :-1]], 1)
        long_state = (prev_run >= LONG_CHORD_FRAMES) & (prev_id >= 0) & vm
        p_hold = probs.gather(2, (CHORD_HOLD + prev_id.clamp(min=0))[..., None])[..., 0]
        e_long = (-(1 - p_hold).clamp(min=1e-4).log() * long_state).sum() / n_tok
        sil_state = (tables.pitch[melody] >= 0) & vm & \
            (torch.arange(t)[None, :] >= SILENCE_EXEMPT_FRAMES)
        e_sil = (probs[..., SILENCE] * sil_state).sum() / sil_state.sum().clamp(min=1)
        loss = pg + rl["w_eos"] * p_eos + rl["w_long"] * e_long + rl["w_silence"] * e_sil
        kl_off = kl_init = kl_t = rate_kl = torch.tensor(0.0)
        pc_pol = pc_off = float("nan")
        if offline is not None:
            with torch.no_grad():
                lq = masked_logp(offline_chord_logits(offline, melody, chords, lens, autocast),
                                 masks)
            kl_off = (kl_rows(logp_all, lq, masks) * vm).sum() / n_tok
            loss = loss + rl["beta_offline"] * kl_off
            # chord rate: where a hold is allowed, the binary KL(offline || policy) of
            # "change" (any other token) vs "hold". Forward (mass-covering) on purpose: the
            # reverse KL above barely charges a policy that holds where the teacher would
            # sometimes change, and the rewards favour holding (fewer chords, fewer risks).
            # rate_onsets: the event is "a chord onset" (vs hold or SILENCE), so the term never
            # pushes towards silence, and states past 32 frames are left to the long-chord rule
            # (the teacher itself holds too long there); otherwise "anything but the hold"
            hold_ok = (prev_id >= 0) & vm
            if rl["rate_onsets"]:
                hold_ok = hold_ok & ~long_state
            if hold_ok.any():
                if rl["rate_onsets"]:
                    on = slice(CHORD_HOLD + tables.n_chords, CHORD_HOLD + 2 * tables.n_chords)
                    q_c = lq[..., on].exp().sum(-1)
                    p_c = probs[..., on].sum(-1)
                else:
                    hold_tok = (CHORD_HOLD + prev_id.clamp(min=0))[..., None]
                    q_c = 1 - lq.gather(2, hold_tok)[..., 0].exp()
                    p_c = 1 - p_hold
                q_c, p_c = q_c.clamp(1e-5, 1 - 1e-5), p_c.clamp(1e-5, 1 - 1e-5)
                bkl = q_c * (q_c / p_c).log() + (1 - q_c) * ((1 - q_c) / (1 - p_c)).log()
                rate_kl = (bkl * hold_ok).sum() / hold_ok.sum()
                pc_pol = float((p_c * hold_ok).sum() / hold_ok.sum())
                pc_off = float((q_c * hold_ok).sum() / hold_ok.sum())
                if rl["w_rate"] > 0:
                    loss = loss + rl["w_rate"] * rate_kl
        if ref is not None:
            with torch.no_grad():
                lr_ = masked_logp(online_chord_logits(ref, tokens[:, :-1], autocast), masks)
            kl_init = (kl_rows(logp_all, lr_, masks) * vm).sum() / n_tok
            loss = loss + rl["beta_init"] * kl_init
        if teacher is not None:
            with torch.no_grad():
                lt = masked_logp(online_chord_logits(teacher, tokens[:, :-1], autocast), masks)
            kl_t = (kl_rows(logp_all, lt, masks) * vm).sum() / n_tok
            loss = loss + kl_t
        warm = min(1.0, (step + 1) / 20)
        for gr in opt.param_groups:
            gr["lr"] = rl["lr"] * warm
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()
        tuner.after_step(int(tokens.numel()))
        step += 1
        episodes += b
        elapsed = e0 + time.time() - t0
        if not math.isfinite(loss.item()):
            log(f"step {step}: loss is {loss.item()}, stopping")
            break
        px = proxies(chords, melody, lens, tables)
        n_frames = int(vm.sum())
        row = {"step": step, "seconds": round(elapsed, 1), "episodes": episodes,
               "r_con": round(float(np.mean(parts.get("r_con", [float("nan")]))), 4),
               "r_dis": round(float(np.mean(parts.get("r_dis", [float("nan")]))), 4),
               "pen_long": round(float(pen["long"].sum()) / n_frames, 5),
               "pen_silence": round(float(pen["silence"].sum()) / n_frames, 5),
               "pen_eos": round(p_eos.item(), 5),
               "invalid": int(pen["invalid"].sum()),
               "kl_offline": round(kl_off.item(), 4), "kl_init": round(kl_init.item(), 4),
               "kl_teacher": round(kl_t.item(), 4), "pg_loss": round(pg.item(), 4),
               "rate_kl": round(rate_kl.item(), 5), "harmony": round(h_mean, 5), "p_change": round(pc_pol, 5),
               "p_change_offline": round(pc_off, 5),
               "tokens_per_s": round(2 * n_frames / max(1e-9, time.time() - it0), 1),
               "lr": rl["lr"] * warm}
        row["reward"] = round(0.5 * (row["r_con"] + row["r_dis"]), 4) if rewards else float("nan")
        for k in ("note_in_chord", "silence", "long_chord", "chords_per_song",
                  "distinct_per_song", "chord_entropy"):
            row[k] = round(px[k], 4)
        with open(curve_path, "a", newline="") as f:
            csv.DictWriter(f, fieldnames=CURVE_FIELDS).writerow(row)
        if elapsed - last_log >= args.log_seconds or step == 1:
            eta = budget_s - elapsed
            log(f"step {step} {100 * elapsed / budget_s:5.1f}% reward {row['reward']} "
                f"(con {row['r_con']} dis {row['r_dis']}) pen long {row['pen_long']} "
                f"sil {row['pen_silence']} eos {row['pen_eos']} invalid {row['invalid']} "
                f"(expected: long {e_long.item():.4f} sil {e_sil.item():.4f}) | "
                f"KL off {row['kl_offline']} init {row['kl_init']} teacher {row['kl_teacher']} "
                f"rate {row['rate_kl']} (p change {row['p_change']} vs offline "
                f"{row['p_change_offline']}) | "
                f"NiC {row['note_in_chord']} silence {row['silence']} long {row['long_chord']} "
                f"chords/song {row['chords_per_song']} distinct {row['distinct_per_song']} "
                f"H {row['chord_entropy']} | {row['tokens_per_s']:,.0f} tok/s "
                f"elapsed {fmt_time(elapsed)} ETA {fmt_time(eta)}")
            last_log = elapsed
        if elapsed - last_ck >= 120:
            save_checkpoint(ck_path, state())
            last_ck = elapsed
    save_checkpoint(ck_path, state())
    if stop["sig"] is not None:
        log(f"signal {stop['sig']}: checkpoint saved at step {step}; --resume continues")
        return
    run["summary"] = {"steps": step, "episodes": episodes, "seconds": round(elapsed, 1),
                      "mode": rl["mode"]}
    torch.save({"model": policy.state_dict(), "run": run}, os.path.join(args.out, "final.pt"))
    with open(os.path.join(args.out, "run.json"), "w") as f:
        json.dump(run, f, indent=1)
    log(f"done: step {step}, {episodes} episodes, {fmt_time(elapsed)}; wrote final.pt, run.json")
