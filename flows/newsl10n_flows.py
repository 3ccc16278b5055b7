"""Entry points for ``prefect.yaml``: the flows of the installed ``newsl10n`` package.

Nothing is defined here on purpose. Prefect loads an entrypoint file as a module named
after the file (this one as ``newsl10n_flows``, not ``translate``, which is
translate-toolkit's package on a worker), and whatever a task pickles must import from the
installed package on every worker: so the flows, their tasks and everything they return
live in :mod:`newsl10n.flows`, and this file only names them.
"""

from newsl10n.flows.translate import rebuild_bundles, translate_article, translate_batch

__all__ = ["rebuild_bundles", "translate_article", "translate_batch"]
