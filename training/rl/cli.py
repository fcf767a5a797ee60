"""rl/cli.py — the `rl-*` subcommands of `python3 -m training` (see training/README.md)."""
from __future__ import annotations


def add_rl_commands(sub):
    r = sub.add_parser("rl-reward", help="train a reward model (contrastive | discriminative)")
    r.add_argument("--kind", choices=["contrastive", "discriminative"], required=True)
    r.add_argument("--data", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--minutes", type=float, default=9.0)
    r.add_argument("--batch", type=int, default=128)
    r.add_argument("--lr", type=float, default=2e-3)
    r.add_argument("--width", type=int, default=96)
    r.add_argument("--train-songs", type=int, default=60000)
    r.add_argument("--valid-batches", type=int, default=8, help="64-crop valid groups per scale")
    r.add_argument("--eval-minutes", type=float, default=4.0)
    r.add_argument("--seed", type=int, default=1234)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--resume", action="store_true")
    r.add_argument("--max-steps", type=int, default=None)

    for name in ("rl-train", "rl-distill"):
        t = sub.add_parser(name, help="RL fine-tuning (RL-S / RL-M)" if name == "rl-train"
                           else "distil an RL model into a smaller online model")
        t.add_argument("--init", required=True, help="online run dir to start from")
        t.add_argument("--data", required=True)
        t.add_argument("--out", required=True)
        t.add_argument("--minutes", type=float, default=None)
        t.add_argument("--melodies", type=int, default=8, help="melodies per iteration")
        t.add_argument("--group", type=int, default=4, help="samples per melody")
        t.add_argument("--max-frames", type=int, default=256, help="episode length (frames)")
        t.add_argument("--p-crop", type=float, default=0.3,
                       help="share of episodes starting at a random frame (window rule)")
        t.add_argument("--lr", type=float, default=2e-4)
        t.add_argument("--seed", type=int, default=1234)
        t.add_argument("--w-long", type=float, default=1.0)
        t.add_argument("--w-silence", type=float, default=1.0)
        t.add_argument("--w-eos", type=float, default=2.0)
        t.add_argument("--w-rate", type=float, default=0.0,
                       help="chord rate: weight of the binary KL(offline || policy) of "
                            "change-vs-hold where a hold is allowed (rl-train only)")
        t.add_argument("--w-harmony", type=float, default=0.0,
                       help="weight of the rule reward melody-pitch-class-in-chord minus "
                            "chance (|chord pcs| / 12), 16-frame returns (off by default)")
        t.add_argument("--p-transpose", type=float, default=0.0,
                       help="share of melodies transposed (1..11 semitones) from a random "
                            "frame in 32..128 on (adaptation episodes)")
        t.add_argument("--override", default="",
                       help="with --resume: comma-separated key=value changes to the run's "
                            "rl settings (e.g. w_long=3,beta_offline=2); logged in rl.history")
        t.add_argument("--threads", default="auto")
        t.add_argument("--no-bf16", action="store_true")
        t.add_argument("--log-seconds", type=float, default=30.0)
        t.add_argument("--resume", action="store_true")
        t.add_argument("--max-steps", type=int, default=None)
        if name == "rl-train":
            t.add_argument("--mode", choices=["s", "m"], required=True)
            t.add_argument("--offline", required=True, help="offline run dir (KL teacher)")
            t.add_argument("--rewards", required=True, help="comma-separated reward run dirs")
            t.add_argument("--beta-offline", type=float, default=1.0)
            t.add_argument("--beta-init", type=float, default=0.0)
            t.add_argument("--reward-weight", type=float, default=1.0)
            t.set_defaults(teacher=None)
        else:
            t.add_argument("--teacher", required=True, help="online run dir to imitate")
            t.set_defaults(mode="distill", offline=None, rewards="", beta_offline=0.0,
                           beta_init=0.0, reward_weight=0.0)

    e = sub.add_parser("rl-eval", help="proxy metrics of runs on test songs")
    e.add_argument("--runs", required=True, help="comma-separated online-type run dirs")
    e.add_argument("--data", required=True)
    e.add_argument("--split", default="test")
    e.add_argument("--songs", type=int, default=200)
    e.add_argument("--out", default=None, help="JSON file")
    e.add_argument("--threads", type=int, default=2)

    c = sub.add_parser("rl-card", help="write models/<id>/README.md + curves PNG for an RL run")
    c.add_argument("--run", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--eval", default=None, help="rl-eval JSON")
    c.add_argument("--rewards", default="", help="comma-separated reward run dirs")


def run_rl(args):
    if args.cmd == "rl-reward":
        from .reward import main
    elif args.cmd in ("rl-train", "rl-distill"):
        from .rl_train import main
    elif args.cmd == "rl-eval":
        from .evaluate import main
    else:
        from .card import main
    main(args)
