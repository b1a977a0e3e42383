"""A faithful local emulation of ProSonata, Exeoflow and EnDocs Cloud, like moto for AWS.

``python -m prefect_prosonata_exeoflow.sandbox --port 8765`` serves it; tests use
:class:`SandboxServer` in-process. Keys that the sandbox accepts are in :data:`SANDBOX_KEYS`.
"""

from ._faults import FaultPlan, FaultRule
from .app import Sandbox
from .keys import SANDBOX_KEYS
from .server import SandboxServer

__all__ = ["SANDBOX_KEYS", "FaultPlan", "FaultRule", "Sandbox", "SandboxServer"]
