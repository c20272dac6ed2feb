"""Benchmarks: `make bench` prints one `BENCH name key=value ...` line per figure."""
