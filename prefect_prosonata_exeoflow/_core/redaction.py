"""Keep secrets out of everything a person or a log might see."""

from __future__ import annotations

import ipaddress
import warnings
from collections.abc import Iterable
from urllib.parse import urlsplit

MASK = "***"
_MIN_SECRET_LENGTH = 4
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


class Redactor:
    """Replaces every known secret value in a text with ``***``.

    Made for every request but used only when something goes wrong: the secrets are sorted at
    the first use, not when it is made.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._given = tuple(secrets)
        self._sorted: list[str] | None = None

    @property
    def _secrets(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(
                {s for s in self._given if s and len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True
            )
        return self._sorted

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= _MIN_SECRET_LENGTH and secret not in self._secrets:
            self._sorted = sorted([*self._secrets, secret], key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text


def is_loopback_host(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class InsecureTransportWarning(UserWarning):
    """Credentials would travel unencrypted to a host that is not this machine."""


def warn_if_insecure(base_url: str) -> None:
    """Plain http is fine on loopback (the sandbox); anywhere else it exposes the key."""
    parts = urlsplit(base_url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname or ""):
        warnings.warn(
            f"{parts.scheme}://{parts.hostname} is not encrypted: the API key would travel in "
            "clear text. Use https unless this host is on a trusted network.",
            InsecureTransportWarning,
            stacklevel=3,
        )
