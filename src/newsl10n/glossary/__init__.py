"""Glossaries of proper names: the model, its file formats, matching and enforcement.

Owns terms (``model``), CSV and TBX (``csvformat``, ``tbx``), loading (``load``), finding
terms in text (``match``), Russian/Ukrainian word forms (``morphology``) and putting the
right forms into machine output (``enforce``)."""
