"""`python3 -m training <command>`: train | export | export-onnx | evaluate | synth | rl-reward |
rl-train | rl-distill | rl-eval | rl-card."""
import argparse
import sys


def main(argv=None):
    p = argparse.ArgumentParser(prog="jam train", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train a model on .tok shards")
    t.add_argument("--arch", choices=["online", "offline"], required=True)
    t.add_argument("--size", choices=["tiny", "web", "full"], default="full")
    t.add_argument("--data", required=True, help="dir with train.tok, valid.tok, vocab.json")
    t.add_argument("--out", required=True, help="run dir (train.log, checkpoints, curves)")
    t.add_argument("--minutes", type=float, help="training time budget")
    t.add_argument("--epochs", type=float, help="token budget in epochs of train.tok")
    t.add_argument("--resume", action="store_true", help="continue from RUN_DIR/checkpoint.pt")
    t.add_argument("--seed", type=int, default=1234)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--batch-tokens", type=int, default=None)
    t.add_argument("--threads", default="auto", help="1, 2 or auto (probe both, keep faster)")
    t.add_argument("--no-bf16", action="store_true", help="fp32 even on AMX CPUs")
    t.add_argument("--eval-minutes", type=float, default=10.0)
    t.add_argument("--ckpt-minutes", type=float, default=4.0)
    t.add_argument("--final-eval-seqs", type=int, default=1000,
                   help="valid songs in the final eval (first N of valid.tok)")
    t.add_argument("--max-steps", type=int, default=None, help="stop after N steps (tests)")

    e = sub.add_parser("export", help="write models/<id>/ (model.jamw, golden.json, ...)")
    e.add_argument("--run", help="run dir")
    e.add_argument("--out", help="models/<id> (with --tiny: root dir, default tests/data)")
    e.add_argument("--tiny", action="store_true", help="tiny random models for engine tests")
    e.add_argument("--int8", action="store_true",
                   help="model.jamw with i8 weights + per-row scales (golden follows them)")
    e.add_argument("--onnx", action=argparse.BooleanOptionalAction, default=None,
                   help="also write the ONNX graph(s) (export-onnx; default: web-size online runs)")

    o = sub.add_parser("export-onnx", help="models/<id>/model.jamw -> int8 ONNX graph(s), "
                       "checked against golden.json with onnxruntime-web; card + loss curve")
    o.add_argument("--model", nargs="+", help="model ids under models/ (or model dirs)")
    o.add_argument("--all", action="store_true", help="every models/<id>/ with a model.jamw")
    o.add_argument("--no-check", action="store_true", help="skip the node/onnxruntime-web check")
    o.add_argument("--f32-run", help="the run (training/runs/<name>) the model.jamw was exported "
                   "from: adds the int8-vs-f32 logit difference to the report and card")
    o.add_argument("--check-only", action="store_true",
                   help="check the graphs already there (no re-export); update config + card")
    o.add_argument("--no-card", action="store_true",
                   help="leave README.md's loss-curve block and loss_curve.png alone")

    v = sub.add_parser("evaluate", help="valid/test loss and chord accuracy of a run")
    v.add_argument("--run", required=True)
    v.add_argument("--split", default="valid")
    v.add_argument("--max-seqs", type=int, default=100000)

    s = sub.add_parser("synth", help="write a small synthetic dataset in the shard format")
    s.add_argument("--out", required=True)
    s.add_argument("--n-train", type=int, default=400)

    from .rl.cli import add_rl_commands
    add_rl_commands(sub)

    args = p.parse_args(argv)
    if args.cmd == "train":
        from .train import main as run
    elif args.cmd == "export":
        from .export import main as run
    elif args.cmd == "export-onnx":
        from .onnx_export import main as run
    elif args.cmd.startswith("rl-"):
        from .rl.cli import run_rl as run
    elif args.cmd == "evaluate":
        from .evaluate import main as run
    else:
        from .data import write_synthetic_dataset
        from .vocab import synthetic_vocab

        def run(a):
            write_synthetic_dataset(a.out, synthetic_vocab(), n_train=a.n_train)
            print(f"synthetic dataset in {a.out}")
    run(args)


if __name__ == "__main__":
    sys.exit(main())
