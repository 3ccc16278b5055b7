"""``python -m newsl10n``: the ``newsl10n`` command, for environments that have the package
but not its console script on PATH (a container's ``python -m``, a worker's venv)."""

from newsl10n.cli import main

if __name__ == "__main__":
    main(prog_name="newsl10n")
