"""The ProSonata emulator: ``emulator`` (HTTP routes and rules), ``store`` (state), ``seed`` (data).

Every API of the sandbox has these three modules; its limits are its own numbers, never the client's.
"""

from .emulator import ProSonataEmulator, DEFAULTS

__all__ = ["DEFAULTS", "ProSonataEmulator"]
