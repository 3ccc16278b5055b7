"""Throughput benchmarks of the newsl10n pipeline against raw CTranslate2 (``make bench``).

Benchmark-only code: a real-size copy model (:mod:`benchmarks.realsize_model`), a news
article generator (:mod:`benchmarks.corpus`) and the runner (:mod:`benchmarks.run`).
"""
