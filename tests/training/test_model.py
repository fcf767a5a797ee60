"""Model contracts of docs/architecture.md: KV-cache step == full forward, offline visibility."""
import unittest

import torch

from training.model import ModelConfig, build_model


def tiny(arch, **kw):
    torch.manual_seed(0)
    cfg = ModelConfig(arch=arch, vocab_size=308, d_model=32, n_layers=2, n_heads=4, d_ff=88,
                      enc_layers=2 if arch == "offline" else 0, **kw)
    return build_model(cfg).double().eval()


class OnlineTest(unittest.TestCase):
    def test_cached_feed_matches_full_forward_including_dropped_entries(self):
        m = tiny("online", tie_embeddings=False)
        toks = torch.randint(3, 308, (1, 40))
        toks[0, 0] = 1
        with torch.no_grad():
            full = m(toks)[0]
            past = [(torch.zeros(1, 4, 0, 8, dtype=torch.float64),) * 2 for _ in range(2)]
            pos = 0
            for n in (10, 1, 1, 8):
                logits, past = m.forward_cached(toks[:, pos:pos + n], pos, past)
                pos += n
                self.assertLess((logits[0] - full[pos - 1]).abs().max().item(), 1e-10)
            # re-feed from 12: entries 12..19 are dropped and recomputed
            logits, past = m.forward_cached(toks[:, 12:40], 12, past)
            self.assertEqual(past[0][0].shape[2], 40)
            self.assertLess((logits[0] - full[39]).abs().max().item(), 1e-10)

    def test_causal(self):
        m = tiny("online")
        a = torch.randint(3, 308, (1, 20))
        b = a.clone()
        b[0, 15:] = 5
        with torch.no_grad():
            self.assertTrue(torch.allclose(m(a)[0, :15], m(b)[0, :15]))
            self.assertFalse(torch.allclose(m(a)[0, 15], m(b)[0, 15]))


class OfflineTest(unittest.TestCase):
    def test_chord_sees_whole_melody_but_no_future_chords(self):
        m = tiny("offline")
        mel = torch.randint(3, 260, (1, 16))
        cin = torch.randint(260, 308, (1, 16))
        cin[0, 0] = 1
        with torch.no_grad():
            base = m(mel, cin)[0]
            cin2 = cin.clone()
            cin2[0, 9:] = 270
            self.assertTrue(torch.allclose(base[:9], m(mel, cin2)[0, :9]))
            mel2 = mel.clone()
            mel2[0, 15] = 100
            self.assertFalse(torch.allclose(base[0], m(mel2, cin)[0, 0]))

    def test_padding_does_not_change_real_positions(self):
        m = tiny("offline")
        mel = torch.randint(3, 260, (1, 10))
        cin = torch.randint(260, 308, (1, 10))
        with torch.no_grad():
            alone = m(mel, cin)[0]
            pm = torch.cat([mel, torch.zeros(1, 6, dtype=torch.long)], 1)
            pc = torch.cat([cin, torch.zeros(1, 6, dtype=torch.long)], 1)
            padded = m(pm, pc, torch.tensor([10]))[0, :10]
        self.assertLess((alone - padded).abs().max().item(), 1e-10)


if __name__ == "__main__":
    unittest.main()
