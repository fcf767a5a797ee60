"""RL pipeline of issue 8 (training/rl/): rule penalties on hand-made sequences, the sampler's
grammar and KV-cache agreement with the full forward, one RL step changes the weights, reward
models train to finite values and separate real from shuffled pairs. Synthetic vocabulary and
data (`training synth`), tiny models; runs in seconds."""
import json
import os
import shutil
import tempfile
import types
import unittest

import numpy as np
import torch

from training.data import Shard, write_synthetic_dataset
from training.model import ModelConfig, build_model
from training.rl import reward as rw
from training.rl.common import ChordTables, load_songs, pad_batch, penalties, proxies, \
    transpose_melody, valid_mask
from training.rl.rl_train import masked_logp, online_chord_logits
from training.rl.sampler import chord_mask_base, chord_masks, sample_chords
from training.vocab import CHORD_HOLD, EOS, NOTE_HOLD, NOTE_ON, SILENCE, Vocab, synthetic_vocab

N = 24  # synthetic chords


def on(c):
    return CHORD_HOLD + N + c


def hold(c):
    return CHORD_HOLD + c


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.tmp = tempfile.mkdtemp(prefix="test_rl_")
        cls.data = os.path.join(cls.tmp, "data")
        write_synthetic_dataset(cls.data, synthetic_vocab(), n_train=120, seed=0)
        cls.vocab = Vocab.load(os.path.join(cls.data, "vocab.json"))
        cls.tables = ChordTables(cls.vocab)
        for arch in ("online", "offline"):
            d = os.path.join(cls.tmp, arch)
            os.makedirs(d)
            cfg = ModelConfig(arch=arch, vocab_size=cls.vocab.size, d_model=32, n_layers=2,
                              n_heads=4, d_ff=88, enc_layers=2 if arch == "offline" else 0)
            torch.manual_seed(0)
            m = build_model(cfg)
            run = {"arch": arch, "size": "tiny", "model": cfg.to_dict(),
                   "data_dir": cls.data, "data_info": {}}
            torch.save({"model": m.state_dict(), "run": run}, os.path.join(d, "final.pt"))
            with open(os.path.join(d, "run.json"), "w") as f:
                json.dump(run, f)
            shutil.copyfile(os.path.join(cls.data, "vocab.json"), os.path.join(d, "vocab.json"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


class PenaltyTest(Base):
    def test_hand_made(self):
        t = 48
        mel = torch.full((1, t), NOTE_HOLD + 60)
        mel[0, 0] = NOTE_ON + 60
        # chord C held for 40 frames, then 8 frames of silence under the melody
        ch = torch.full((1, t), hold(0))
        ch[0, 0] = on(0)
        ch[0, 40:] = SILENCE
        ch[0, 3] = EOS                                   # an early end
        ch[0, 5] = hold(7)                               # a hold of a chord that is not sounding
        lens = torch.tensor([t])
        p = penalties(ch, mel, lens, self.tables, silence_rate=0.05)
        self.assertEqual(int(p["eos"].sum()), 1)
        # holds after EOS (4), of a chord not sounding (5), of C after that (6)
        self.assertEqual(p["invalid"].nonzero()[:, 1].tolist(), [4, 5, 6])
        self.assertEqual(int(p["silence"].sum()), 8)     # frames 40..47 (rate 8/40 > 0.05)
        # frames 6..39 are one run of C (34 frames): frames 38, 39 are past 32
        self.assertEqual(p["long"].nonzero()[:, 1].tolist(), [38, 39])
        # below the corpus rate no silence penalty; the first 8 frames are exempt
        self.assertEqual(int(penalties(ch, mel, lens, self.tables, 0.5)["silence"].sum()), 0)
        ch2 = torch.full((1, t), on(0))
        ch2[0, :8] = SILENCE
        self.assertEqual(int(penalties(ch2, mel, lens, self.tables, 0.0)["silence"].sum()), 0)

    def test_proxies(self):
        mel = torch.tensor([[NOTE_ON + 60, NOTE_HOLD + 60, NOTE_ON + 61, SILENCE, NOTE_ON + 64]])
        ch = torch.tensor([[on(0), hold(0), hold(0), on(1), SILENCE]])   # C, C, C, Db, -
        p = proxies(ch, mel, torch.tensor([5]), self.tables)
        self.assertAlmostEqual(p["note_in_chord"], 2 / 3)  # 60 in C, 60 in C, 61 not in C
        self.assertAlmostEqual(p["silence"], 1 / 4)        # melody sounds at 4 frames, 1 silent
        self.assertEqual(p["chords_per_song"], 2)
        self.assertEqual(p["distinct_per_song"], 2)
        self.assertAlmostEqual(p["chord_entropy"], float(np.log(2)), places=5)

    def test_harmony_frames(self):
        from training.rl.rl_train import harmony_frames
        pcs = [int(p) for p in self.tables.pcs[0].nonzero()[:, 0]]   # chord 0's pitch classes
        out_pc = next(p for p in range(12) if p not in pcs)
        mel = torch.tensor([[NOTE_ON + 60 + pcs[0], NOTE_ON + 60 + out_pc, SILENCE,
                             NOTE_ON + 60 + pcs[0]]])
        ch = torch.tensor([[on(0), hold(0), hold(0), SILENCE]])
        h = harmony_frames(ch, mel, torch.tensor([4]), self.tables)[0].tolist()
        chance = len(pcs) / 12
        self.assertAlmostEqual(h[0], 1 - chance, places=5)   # in the chord
        self.assertAlmostEqual(h[1], -chance, places=5)      # not in the chord
        self.assertEqual(h[2:], [0.0, 0.0])                  # melody or chord silent

    def test_transpose_melody(self):
        # notes 60 (on, hold, hold), silence, 125 (on, hold); moved by +6 from frame 2
        mel = torch.tensor([NOTE_ON + 60, NOTE_HOLD + 60, NOTE_HOLD + 60, SILENCE,
                            NOTE_ON + 125, NOTE_HOLD + 125])
        out = transpose_melody(mel, 6, 2, self.tables)
        # before frame 2 unchanged; the hold at frame 2 is struck anew; 131 > 127 -> 119
        self.assertEqual(out.tolist(), [NOTE_ON + 60, NOTE_HOLD + 60, NOTE_ON + 66, SILENCE,
                                        NOTE_ON + 119, NOTE_HOLD + 119])
        self.assertEqual(mel[2].item(), NOTE_HOLD + 60)   # the input is not modified


class SamplerTest(Base):
    def test_grammar_and_cache(self):
        from training.export import load_run
        model, _, _ = load_run(os.path.join(self.tmp, "online"))
        shard = Shard(os.path.join(self.data, "valid.tok"))
        _, mel, lens = pad_batch(load_songs(shard, range(6), 40, starts=[0, 5, 0, 9, 0, 0]))
        g = torch.Generator().manual_seed(1)
        ch, tok, lp = sample_chords(model, mel, lens, self.tables, generator=g)
        vm = valid_mask(lens, ch.shape[1])
        base = chord_mask_base(self.tables)
        cid = self.tables.chord_id[ch]
        for b in range(ch.shape[0]):
            for t in range(int(lens[b])):
                tokv = int(ch[b, t])
                self.assertTrue(bool(base[tokv]) or (t > 0 and tokv == hold(int(cid[b, t - 1]))
                                                     and int(cid[b, t - 1]) >= 0), (b, t, tokv))
        self.assertEqual(int(penalties(ch, mel, lens, self.tables, 0.0)["invalid"].sum()), 0)
        # the KV-cache sampler's log-probs equal the full forward's under the same mask
        lg = masked_logp(online_chord_logits(model, tok[:, :-1], False),
                         chord_masks(ch.masked_fill(~vm, SILENCE), self.tables))
        lp2 = lg.gather(2, ch.clamp(min=0)[..., None])[..., 0].masked_fill(~vm, 0)
        self.assertLess((lp - lp2).abs().max().item(), 1e-4)
        self.assertTrue(torch.equal(tok[:, 2::2], mel))


def read(path):
    with open(path) as f:
        return f.read()


def reward_args(tmp, data, kind):
    return types.SimpleNamespace(kind=kind, data=data, out=os.path.join(tmp, f"r_{kind}"),
                                 minutes=5.0, batch=32, lr=3e-3, width=32, train_songs=1000,
                                 valid_batches=1, eval_minutes=100.0, seed=1, threads=1,
                                 resume=False, max_steps=60)


class RewardAndRLTest(Base):
    def test_reward_models_then_one_rl_step(self):
        for kind in ("contrastive", "discriminative"):
            rw.main(reward_args(self.tmp, self.data, kind))
            run = json.loads(read(os.path.join(self.tmp, f"r_{kind}", "run.json")))
            v = run["summary"]["valid"]
            self.assertTrue(all(np.isfinite(x) for x in v.values()), v)
        # real pairs score higher than re-paired ones (the synthetic melody is made of chord
        # tones, so 60 steps suffice)
        vc = json.loads(read(os.path.join(self.tmp, "r_contrastive", "run.json")))
        self.assertGreater(vc["summary"]["valid"]["cos_real_64"],
                           vc["summary"]["valid"]["cos_shuffled_64"])
        vd = json.loads(read(os.path.join(self.tmp, "r_discriminative", "run.json")))
        self.assertGreater(vd["summary"]["valid"]["auc_repaired_64"], 0.55)

        from training.rl import rl_train
        out = os.path.join(self.tmp, "rl_m")
        args = types.SimpleNamespace(
            cmd="rl-train", mode="m", init=os.path.join(self.tmp, "online"),
            offline=os.path.join(self.tmp, "offline"), teacher=None,
            rewards=",".join(os.path.join(self.tmp, f"r_{k}") for k in
                             ("contrastive", "discriminative")),
            data=self.data, out=out, minutes=5.0, melodies=2, group=2, max_frames=32,
            p_crop=0.5, lr=1e-3, seed=3, w_long=1.0, w_silence=1.0, w_eos=2.0, threads="1",
            no_bf16=True, log_seconds=0.0, resume=False, max_steps=1, beta_offline=1.0,
            beta_init=0.1, reward_weight=1.0, w_rate=1.0, p_transpose=1.0, w_harmony=0.5,
            override="")
        rl_train.main(args)
        before = torch.load(os.path.join(self.tmp, "online", "final.pt"))["model"]
        after = torch.load(os.path.join(out, "final.pt"))["model"]
        delta = max((after[k] - before[k]).abs().max().item() for k in before)
        self.assertGreater(delta, 0.0)
        rows = read(os.path.join(out, "curve.csv")).strip().split("\n")
        self.assertEqual(len(rows), 2)
        head, vals = rows[0].split(","), rows[1].split(",")
        row = dict(zip(head, vals))
        for k in ("reward", "kl_offline", "note_in_chord", "chord_entropy", "rate_kl",
                  "p_change", "p_change_offline"):
            self.assertTrue(np.isfinite(float(row[k])), (k, row[k]))
        self.assertEqual(int(row["invalid"]), 0)
        run = json.loads(read(os.path.join(out, "run.json")))
        self.assertEqual(run["rl"]["scales"], [32, 16])
        # resume continues from the checkpoint to one more step
        # (with a changed setting, recorded in the run's history)
        args.resume, args.max_steps, args.override = True, 2, "w_long=3,beta_offline=2"
        rl_train.main(args)
        self.assertEqual(len(read(os.path.join(out, "curve.csv")).strip().split("\n")), 3)
        rl = json.loads(read(os.path.join(out, "run.json")))["rl"]
        self.assertEqual((rl["w_long"], rl["beta_offline"]), (3.0, 2.0))
        self.assertEqual(rl["history"][-1], {"at_step": 1,
                                             "changes": {"w_long": 3.0, "beta_offline": 2.0}})


if __name__ == "__main__":
    unittest.main()
