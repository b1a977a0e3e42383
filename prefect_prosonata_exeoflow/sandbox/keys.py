"""The credentials the sandbox accepts (fake, for loopback only). One place for all three APIs."""

from __future__ import annotations

SANDBOX_KEYS: dict[str, str] = {
    # ProSonata: a personal key of the seeded administrator "Admin1" (userID 1) ...
    "prosonata_admin_key": "sandbox-ps-admin-key-0001",
    # ... a personal key of "Designer1" (userID 7, group Zeiterfasser 1: own rows only) ...
    "prosonata_user_key": "sandbox-ps-designer-key-0007",
    # ... and an app integration (X-APP-ID + X-API-Key), full rights.
    "prosonata_app_id": "sandbox-app-42",
    "prosonata_app_key": "sandbox-ps-app-key-0042",
    # Exeoflow: an API key (Bearer).
    "exeoflow_api_key": "sandbox-exeo-key-0001",
    # EnDocs Cloud: a 1C exchange token (Bearer).
    "endocs_token": "sandbox-endocs-token-0001",
}
