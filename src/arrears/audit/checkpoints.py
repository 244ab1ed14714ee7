"""Signed checkpoints of the chain's head, written outside the database.

    path = write_checkpoint()              # var/audit-checkpoints/000000000123.json, Ed25519-signed
    for checkpoint in read_checkpoints(): ...

Whoever can write the database can recompute every hash after a change; they cannot make a new
signature without the signing key, and they cannot reach copies kept on other storage. So
`verify` holds the chain against every checkpoint: the entry at a checkpoint's number must still
have the hash the checkpoint signed.

Where things live (docs/audit.md): ARREARS_AUDIT_CHECKPOINTS (default var/audit-checkpoints/),
ARREARS_AUDIT_KEY (the private signing key, default var/audit-signing-key.pem, made on first use),
ARREARS_AUDIT_PUBLIC_KEY (optional: the public key verify trusts; default: the signing key's).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from arrears.errors import ConfigurationError

FORMAT = "arrears-audit-checkpoint/1"


def checkpoint_dir() -> Path:
    from django.conf import settings

    return Path(os.environ.get("ARREARS_AUDIT_CHECKPOINTS") or Path(settings.VAR_DIR) / "audit-checkpoints")


def _key_path() -> Path:
    from django.conf import settings

    return Path(os.environ.get("ARREARS_AUDIT_KEY") or Path(settings.VAR_DIR) / "audit-signing-key.pem")


def signing_key(*, create: bool):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _key_path()
    if not path.exists():
        if not create:
            return None
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return key
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        raise ConfigurationError(f"审计签名密钥 {path} 无法读取", f"The audit signing key {path} cannot be read") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} 不是 Ed25519 密钥", f"{path} is not an Ed25519 key")
    return key


def public_key():
    """The key checkpoints are checked with: ARREARS_AUDIT_PUBLIC_KEY when set, else the signing key's."""
    from cryptography.hazmat.primitives import serialization

    pinned = os.environ.get("ARREARS_AUDIT_PUBLIC_KEY")
    if pinned:
        try:
            return serialization.load_pem_public_key(Path(pinned).read_bytes())
        except (OSError, ValueError):
            raise ConfigurationError(f"审计公钥 {pinned} 无法读取", f"The audit public key {pinned} cannot be read") from None
    key = signing_key(create=False)
    return None if key is None else key.public_key()


def _signed_bytes(seq: int, digest: str, at: str) -> bytes:
    return json.dumps({"format": FORMAT, "seq": seq, "hash": digest, "at": at}, sort_keys=True,
                      separators=(",", ":")).encode()


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    seq: int
    hash: str
    at: str
    signature_ok: bool


def write_checkpoint() -> Checkpoint:
    """Sign the chain's current head and write it as one file named by its entry number."""
    from arrears import clock
    from arrears.audit.chain import GENESIS, instant
    from arrears.audit.models import AuditHead

    head = AuditHead.objects.filter(id=1).values_list("seq", "hash").first() or (0, GENESIS)
    seq, digest = head
    at = instant(clock.now())
    key = signing_key(create=True)
    signature = key.sign(_signed_bytes(seq, digest, at))
    folder = checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{seq:012d}.json"
    body = {"format": FORMAT, "seq": seq, "hash": digest, "at": at,
            "signature": base64.b64encode(signature).decode()}
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    return Checkpoint(path, seq, digest, at, True)


def read_checkpoints() -> list[Checkpoint]:
    """Every checkpoint in the directory, oldest first, each with whether its signature holds."""
    from cryptography.exceptions import InvalidSignature

    folder = checkpoint_dir()
    if not folder.is_dir():
        return []
    key = public_key()
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            seq, digest, at = int(body["seq"]), str(body["hash"]), str(body["at"])
            signature = base64.b64decode(body["signature"])
        except (ValueError, KeyError, TypeError):
            found.append(Checkpoint(path, -1, "", "", False))
            continue
        ok = False
        if key is not None:
            try:
                key.verify(signature, _signed_bytes(seq, digest, at))
                ok = True
            except InvalidSignature:
                ok = False
        found.append(Checkpoint(path, seq, digest, at, ok))
    return sorted(found, key=lambda c: c.seq)
