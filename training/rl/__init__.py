"""training.rl — reward models, rule penalties and RL fine-tuning of the Online model (issue 8)."""
