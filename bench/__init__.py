"""Reproducible benchmarks of arrears: `python -m bench` (what `make bench` runs).

See docs/benchmarks.md for what is measured and how to read the numbers.
"""
