"""training — the Python side of realjam-cpp: train the Online/Offline chord models on the
`.tok` shards written by `jamtool dataset`, export them for the C++ and ONNX engines.
Run as `/usr/bin/python3 -m training <command>` (./jam train <command>)."""
