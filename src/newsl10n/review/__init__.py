"""Review: what people read and decide on, built from the catalogs alone.

Owns the localized article model (``localized``), bundles and their manifest and files
(``bundle``, ``manifest``, ``render``, ``paths``), static review pages and the index
(``pages``, ``findings``), and the review desk (``desk``: the web app; ``editing``: one
person's save of one entry, under the catalog's lock)."""
