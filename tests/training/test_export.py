"""jamw round trip, the tiny golden files in tests/data, and the ONNX KV-cache graph."""
import json
import os
import shutil
import struct
import tempfile
import unittest

import numpy as np

from training.golden import check_golden, reference_model
from training.jamw import read_jamw, write_jamw

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data")


class JamwTest(unittest.TestCase):
    def test_layout_and_int8(self):
        w = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "m.jamw")
            write_jamw(p, {"format": 1}, [("a", w), ("n", np.ones(5, np.float32))], int8=True)
            raw = open(p, "rb").read()
            self.assertEqual(raw[:8], b"JAMW0001")
            hlen = struct.unpack_from("<I", raw, 8)[0]
            hdr = json.loads(raw[12:12 + hlen])
            self.assertEqual([t["name"] for t in hdr["tensors"]], ["a", "a.scale", "n"])
            self.assertTrue(all(t["offset"] % 64 == 0 for t in hdr["tensors"]))
            _, t = read_jamw(p)
            self.assertLess(np.abs(t["a"] - w).max(), 7 / 127 / 2 + 1e-6)


class TinyGoldenTest(unittest.TestCase):
    def test_tiny_goldens_match_the_weights(self):
        for arch in ("online", "offline"):
            d = os.path.join(DATA, f"tiny_{arch}")
            golden = json.load(open(os.path.join(d, "golden.json")))
            self.assertGreaterEqual(golden["n_positions"], 40)
            self.assertLess(check_golden(os.path.join(d, "model.jamw"), golden), 1e-4)
            hdr, _ = read_jamw(os.path.join(d, "model.jamw"))
            vocab = json.load(open(os.path.join(d, "vocab.json")))
            self.assertEqual(hdr["vocab_hash"], vocab["hash"])
            self.assertEqual(len(golden["argmax"]), golden["n_positions"])


@unittest.skipUnless(shutil.which("node") and os.path.isdir(os.path.join(ROOT, "node_modules",
                                                                         "onnxruntime-web")),
                     "node + onnxruntime-web needed")
class OnnxTest(unittest.TestCase):
    def test_kv_graph_matches_torch_in_onnxruntime_web(self):
        from training.onnx_export import export_onnx
        d = os.path.join(DATA, "tiny_online")
        model, cfg = reference_model(os.path.join(d, "model.jamw"))
        golden = json.load(open(os.path.join(d, "golden.json")))
        with tempfile.TemporaryDirectory() as out:
            rep = export_onnx(model.float(), cfg, out, golden)
        self.assertIsInstance(rep["ort_check"], dict, rep)
        self.assertLess(rep["ort_check"]["max_abs_vs_torch_int8"], 1e-4)
        self.assertGreater(rep["int8_initializers"], 0)

    def test_offline_encoder_decoder_graphs_match_golden_in_onnxruntime_web(self):
        """f32 graphs of tiny_offline (an f32 model.jamw) through training/onnx_check.mjs: the
        encoder once, the decoder in chunks with single steps and a re-feed, vs golden.json."""
        import subprocess
        from training.onnx_export import export_offline_onnx
        d = os.path.join(DATA, "tiny_offline")
        model, cfg = reference_model(os.path.join(d, "model.jamw"))
        golden = json.load(open(os.path.join(d, "golden.json")))
        with tempfile.TemporaryDirectory() as out:
            for f in ("golden.json", "config.json"):
                shutil.copyfile(os.path.join(d, f), os.path.join(out, f))
            rep = export_offline_onnx(model.float(), cfg, out, golden, int8=False)
            self.assertEqual(rep["opset"], 17)
            run = subprocess.run(["node", os.path.join(ROOT, "training", "onnx_check.mjs"),
                                  "--model", out], cwd=ROOT, capture_output=True, text=True,
                                 timeout=300)
        res = json.loads(run.stdout.strip().splitlines()[-1])
        self.assertTrue(res["ok"], res)
        self.assertEqual(res["golden_rows"], len(golden["rows"]))
        self.assertLess(res["golden_max_abs"], 1e-4)


if __name__ == "__main__":
    unittest.main()
