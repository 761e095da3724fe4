"""Benchmarks: measured outside the test suite, as ratios against peers run in the same harness."""
