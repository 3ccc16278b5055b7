# One image for every machine beyond the first: the job image of a Docker or Kubernetes
# work pool, a Prefect process worker in a container, or a Dask worker. It holds the
# installed package (with newsl10n.flows, what every task unpickles), Prefect and
# prefect-dask, and the translation models. Nothing is downloaded when a container runs.
#
#   docker build -t newsl10n .                          # models from docker/models/
#   docker build --build-arg PIP_EXTRA_INDEX_URL=<a CPU-only torch wheel index> -t newsl10n .
#
# Run it as (shared storage mounted, the same folders for every machine):
#   docker run -e PREFECT_API_URL=http://prefect:4200/api \
#     -e NEWSL10N_SOURCE=/shared/source_articles -e NEWSL10N_LOCALES=/shared/locales \
#     -e NEWSL10N_BUNDLES=/shared/bundles -v /mnt/newsroom:/shared newsl10n
#   docker run ... newsl10n dask worker tcp://scheduler:8786 --nthreads 1
# The default command is a Prefect worker for the `newsl10n` pool (see
# prefect.remote.yaml: each flow run clones the project's settings and glossary).
FROM python:3.11-slim-bookworm

# git: prefect.remote.yaml's git_clone pull step; gettext: msgfmt -c for checking catalogs.
# apertium (the second engine) is not included: add its packages here if a pair uses it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.* gettext=0.21* \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    DO_NOT_TRACK=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    ARGOS_PACKAGES_DIR=/opt/argos-packages \
    HOME=/home/newsl10n

RUN useradd --create-home --home-dir /home/newsl10n --uid 10001 newsl10n \
    && mkdir -p /opt/argos-packages /work \
    && chown newsl10n /opt/argos-packages /work

# The package from this checkout, so the image and the clone a run pulls are one version.
COPY pyproject.toml README.md /src/newsl10n/
COPY src/ /src/newsl10n/src/
# Torch (argostranslate -> stanza -> torch): pass a CPU-only wheel index as
# PIP_EXTRA_INDEX_URL, or pip takes the default build (several GB with CUDA).
ARG PIP_EXTRA_INDEX_URL=""
RUN pip install "/src/newsl10n[dask]" && rm -rf /src/newsl10n

# Models at build time, from docker/models/ (see its README); none there means mount
# them at /opt/argos-packages when running.
COPY docker/models/ /tmp/models/
USER 10001
RUN set -e; for model in /tmp/models/*.argosmodel; do \
        [ -e "$model" ] || continue; newsl10n models install "$model"; \
    done; newsl10n models list

WORKDIR /work
CMD ["prefect", "worker", "start", "--pool", "newsl10n"]
