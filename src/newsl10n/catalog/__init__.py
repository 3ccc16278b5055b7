"""Catalogs: the gettext PO files translators work in, and everything known about them.

Owns the catalog's vocabulary (``entry``: the entry state, the position line, the notes a
run writes; ``header``: the header keys), the fingerprint of machine output, reading,
merging and committing catalogs under their lock (``store``), the strict checker
(``pocheck``), writing in the file's own style (``powrite``, ``linebreak``), review
progress (``status``) and the translation memory (``memory``)."""
