"""The Standard Webhooks signature: what a receiver checks to trust a delivery.

``webhook-signature`` is ``v1,`` and the base64 HMAC-SHA256, keyed with the secret's bytes
(the base64 after ``whsec_``), of ``"{webhook-id}.{webhook-timestamp}.{body}"``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, as ``whsec_`` and base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for one delivery attempt."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether any of the header's space-separated signatures is ours (a receiver's check)."""
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split())


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a delivery carries besides its Content-Type."""
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body)}
