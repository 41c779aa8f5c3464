"""Benchmarks: each module exposes ``main()`` and reports ratios against a baseline run alongside."""
