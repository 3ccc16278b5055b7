"""Throughput benchmarks of the newsl10n pipeline against raw CTranslate2 (``make bench``).

Benchmark-only code: a real-size copy model (:mod:`benchmarks.realsize_model`), a news
article generator (:mod:`benchmarks.corpus`), the measuring harness every section uses
(:mod:`benchmarks.harness`), the sections of the desk and the glossary
(:mod:`benchmarks.desk`, :mod:`benchmarks.glossary_cost`) and the runner
(:mod:`benchmarks.run`).
"""
