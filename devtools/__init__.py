"""Builders shared by the tests, the benchmarks and the scripts; not part of the product.

``copymodel`` builds copy models (real Argos packages whose output is their input);
``sentence_gold`` scores a sentence splitter on other projects' test data; ``news_corpus``
scores a reading of the real-news pages (tests/fixtures/news_pages) against their gold.
The wheel ships only ``src/newsl10n``: nothing here is installed with the package.
"""
