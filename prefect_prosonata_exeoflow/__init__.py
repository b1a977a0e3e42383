"""Prefect 3 blocks, tasks and flows for ProSonata, Exeoflow and EnDocs Cloud.

The credentials blocks are imported here so that ``prefect block register -m
prefect_prosonata_exeoflow`` (and a server's collection discovery) finds them.
"""

from __future__ import annotations

import importlib

from ._core.errors import *  # noqa: F403
from ._core.errors import __all__ as _error_names
from .prosonata.credentials import ProSonataCredentials

__version__ = "0.1.0"
__all__ = ["ProSonataCredentials", *_error_names]

# The other APIs join as their subpackages land.
for _module, _name in (
    ("prefect_prosonata_exeoflow.exeoflow.credentials", "ExeoflowCredentials"),
    ("prefect_prosonata_exeoflow.endocs.credentials", "EnDocsCredentials"),
):
    try:
        globals()[_name] = getattr(importlib.import_module(_module), _name)
        __all__.append(_name)
    except ModuleNotFoundError as _exc:
        if not (_exc.name or "").startswith(_module.rsplit(".", 1)[0]):
            raise
