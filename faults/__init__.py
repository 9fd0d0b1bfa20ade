"""The fault suite: `python -m faults [--short]` runs every `faults/trial_*.py` and prints one figure line each.

Each trial module exposes `run(short: bool) -> dict`: its figures plus a
`passed` flag. Everything runs on 127.0.0.1, bounded in time and count.
"""
