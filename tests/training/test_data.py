"""Shard format, the window rule and exact resume of the batch stream."""
import os
import tempfile
import unittest

import numpy as np

from training.data import (BatchStream, Shard, online_example, offline_example, song_frames,
                           synthetic_song, write_shard)
from training.vocab import BOS, CHORD_HOLD, EOS, NOTE_HOLD, NOTE_ON, Vocab, synthetic_vocab


def vocab():
    raw = synthetic_vocab()
    return Vocab(n_chords=raw["n_chords"], hash=raw["hash"], raw=raw)


class ShardTest(unittest.TestCase):
    def test_roundtrip(self):
        v = vocab()
        rng = np.random.default_rng(0)
        seqs = [synthetic_song(rng, v, n) for n in (5, 300, 40)]
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "x.tok")
            write_shard(p, seqs, v.size)
            with open(p, "rb") as f:
                self.assertEqual(f.read(8), b"JAMTOK1\0")
            s = Shard(p)
            self.assertEqual((len(s), s.vocab_size), (3, v.size))
            for i, q in enumerate(seqs):
                np.testing.assert_array_equal(s.seq(i), q)


class WindowTest(unittest.TestCase):
    def test_window_from_the_middle_starts_with_onsets(self):
        v = vocab()
        c, m = 7, 60
        seq = [BOS] + [v.chord_on + c, NOTE_ON + m] + [CHORD_HOLD + c, NOTE_HOLD + m] * 299 + [EOS]
        seq = np.array(seq)
        ex = online_example(seq, v, 10)
        self.assertEqual(list(ex[:3]), [BOS, v.chord_on + c, NOTE_ON + m])
        self.assertEqual(len(ex), 1 + 513)            # input = BOS + 512 history tokens
        self.assertEqual(ex[3], CHORD_HOLD + c)
        whole = online_example(seq[:1 + 2 * 100] .tolist() + [EOS], v, 0)
        self.assertEqual(len(whole), 202)
        mel, ch = offline_example(seq, v, 5)
        self.assertEqual((mel[0], ch[0], mel[1], ch[1]),
                         (NOTE_ON + m, v.chord_on + c, NOTE_HOLD + m, CHORD_HOLD + c))
        c_all, m_all = song_frames(seq)
        self.assertEqual(len(c_all), 300)

    def test_stream_resume_is_exact(self):
        v = vocab()
        rng = np.random.default_rng(1)
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "t.tok")
            write_shard(p, [synthetic_song(rng, v, int(rng.integers(10, 400))) for _ in range(60)],
                        v.size)
            s = Shard(p)
            for arch in ("online", "offline"):
                a = BatchStream(s, v, arch, seed=3, batch_tokens=2048, pool_size=32)
                for _ in range(7):
                    a.next()
                st = a.state()
                want = [a.next() for _ in range(12)]
                b = BatchStream(s, v, arch, seed=3, batch_tokens=2048, pool_size=32)
                b.restore(st)
                for w in want:
                    got = b.next()
                    for k in w:
                        self.assertTrue((w[k] == got[k]).all())


if __name__ == "__main__":
    unittest.main()
