"""Base URL validation shared by the three credentials blocks."""

from __future__ import annotations

from urllib.parse import urlsplit


def check_base_url(value: str, *, field: str = "base_url") -> str:
    """A clean ``http(s)://host[:port]/path`` with no credentials, query or fragment in it."""
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    shown = f"{parts.scheme}://{parts.hostname or ''}{parts.path}"  # never echo a query or userinfo
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{field} {shown!r} must start with https:// (or http:// for a local sandbox)")
    if not parts.hostname:
        raise ValueError(f"{field} {shown!r} has no host name")
    if parts.username or parts.password:
        raise ValueError(f"{field} must not contain credentials; use the key fields")
    if parts.query or parts.fragment:
        raise ValueError(f"{field} must not contain a query string or fragment; keys go in the key fields")
    try:
        _ = parts.port  # urllib validates the port only when it is read
    except ValueError:
        raise ValueError(f"{field} {shown!r} has an invalid port") from None
    return text
