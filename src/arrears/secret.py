"""The site's secret: where it comes from, the keys derived from it, and how it is rotated.

Everything the product signs, encrypts or digests is keyed by `ARREARS_SECRET` (Django's
SECRET_KEY): national-ID ciphers and digests, unsubscribe links, visit codes, sessions and
password-reset links. There is no default: `serve`, `worker` and `nightly` (and every command
that encrypts) refuse to start without it; only the demo makes one up, once, and keeps it under
var/ (docs/secrets.md).

Rotation: the new secret goes in ARREARS_SECRET and the old ones in ARREARS_SECRET_FALLBACKS.
Signed links and sessions made under an old secret stay valid (Django's SECRET_KEY_FALLBACKS);
ciphers made under any of them still decrypt; `arrears secrets rotate` re-encrypts and
re-digests the stored values under the new one, after which the old secret can be dropped.
"""

from __future__ import annotations

import functools
import os
import secrets as random_source
from pathlib import Path

from arrears.errors import ConfigurationError

MINIMUM_LENGTH = 32
"""Characters; `secrets.token_urlsafe(50)` gives 67."""

DEMO_SECRET_FILE = "secret"


def parse_fallbacks(text: str | None) -> list[str]:
    """ARREARS_SECRET_FALLBACKS: old secrets separated by commas or blanks, newest first."""
    return [part for part in (text or "").replace(",", " ").split() if part]


def secret_problem(secret: str) -> tuple[str, str] | None:
    """Why `secret` cannot key the site (zh, en), or None."""
    if not secret:
        return (
            "未设置 ARREARS_SECRET：生产环境必须提供自己的密钥（例如 "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'），见 docs/secrets.md；"
            "仅演示（arrears demo）会自动生成",
            "ARREARS_SECRET is not set: a deployment must provide its own secret (e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), see docs/secrets.md; "
            "only the demo (arrears demo) makes one up",
        )
    if len(secret) < MINIMUM_LENGTH or len(set(secret)) < 5:
        return (
            f"ARREARS_SECRET 太短或太单一：至少 {MINIMUM_LENGTH} 个字符，且不能是重复的少数字符",
            f"ARREARS_SECRET is too short or too plain: at least {MINIMUM_LENGTH} characters, not a few repeated ones",
        )
    return None


def configured_secret() -> str:
    """ARREARS_SECRET as the settings hold it, "" when unset (Django refuses to read an empty one)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return settings.SECRET_KEY or ""
    except ImproperlyConfigured:
        return ""


def require_secret() -> str:
    """The current secret; a bilingual ConfigurationError when it is missing or weak."""
    from django.conf import settings

    secret = configured_secret()
    problem = secret_problem(secret)
    if problem is not None:
        raise ConfigurationError(*problem)
    for old in settings.SECRET_KEY_FALLBACKS:
        if secret_problem(old) is not None:
            raise ConfigurationError(
                "ARREARS_SECRET_FALLBACKS 中有过短的旧密钥", "ARREARS_SECRET_FALLBACKS holds a secret that is too short"
            )
    return secret


def all_secrets() -> list[str]:
    """The current secret first, then the fallbacks: what decrypts and verifies."""
    from django.conf import settings

    return [require_secret(), *settings.SECRET_KEY_FALLBACKS]


def vault():
    """The identity vault under the current secret, still able to decrypt under the old ones
    (made once per set of secrets: personal data is opened row by row)."""
    return _vault_for(tuple(all_secrets()))


@functools.lru_cache(maxsize=4)
def _vault_for(secrets: tuple[str, ...]):
    from arrears.ledger.identity import IdentityVault

    current, *old = secrets
    return IdentityVault(current, fallbacks=old)


def demo_secret(var_dir: Path) -> str:
    """The demo's secret: made up once with the system's random source, kept in var/secret (0600)
    and read back on every later demo, so the demo's database stays readable."""
    path = Path(var_dir) / DEMO_SECRET_FILE
    if path.exists():
        secret = path.read_text(encoding="ascii").strip()
        if secret_problem(secret) is None:
            return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = random_source.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    os.chmod(path, 0o600)  # also when the file was there before, with other modes
    return secret


def use_demo_secret(var_dir: Path) -> str:
    """For the demo only: when no secret is configured, the one kept under var/ becomes the site's,
    in this process and in the processes it starts."""
    from django.conf import settings

    configured = configured_secret()
    if configured:
        return configured
    secret = demo_secret(var_dir)
    os.environ["ARREARS_SECRET"] = secret
    settings.SECRET_KEY = secret
    return secret
