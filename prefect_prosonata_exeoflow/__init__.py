"""Prefect 3 blocks, tasks and flows for ProSonata, Exeoflow and EnDocs Cloud.

The credentials blocks are imported here so that ``prefect block register -m
prefect_prosonata_exeoflow`` (and a server's collection discovery) finds them.
"""

from ._core import errors as _errors
from ._core.errors import *  # the typed errors are part of the public API: errors.__all__
from .endocs.credentials import EnDocsCredentials
from .exeoflow.credentials import ExeoflowCredentials
from .prosonata.credentials import ProSonataCredentials

__version__ = "0.1.0"
__all__ = ["EnDocsCredentials", "ExeoflowCredentials", "ProSonataCredentials", *_errors.__all__]
