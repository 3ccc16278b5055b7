"""Sources: reading articles and splitting them into translatable segments.

Owns what an article is before it meets a catalog: reading files (``article``: text,
Markdown, the slug), page chrome (``chrome``), the layout and roles of blocks and lines
(``segment``), sentence splitting (``sentences``) and language detection (``detect``)."""
