"""newsl10n on Prefect: the flows, their tasks, and the artifacts that make a run readable.

The only part of the package that imports Prefect (install it with ``pip install
'newsl10n[prefect]'``, or ``'newsl10n[dask]'`` for the Dask task runner). It sits at the top
of the layers beside the CLI: it uses the library, nothing in the library uses it.
"""
