"""A signed JSON POST with the message key as the idempotency key, shared by the HTTP channels."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

from arrears.channels._base import PermanentError, TransientError, UncertainError
from arrears.channels.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def post_signed(url: str, payload: dict, *, secret: str, key: str, timeout: float) -> dict:
    """POST `payload` as JSON; the answer's JSON. Errors as the channel error tree: a refused or
    failed connection is transient; an answer lost after the request went out is uncertain."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", IDEMPOTENCY_HEADER: key, SIGNATURE_HEADER: sign(secret, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode(errors="replace")
        if error.code in RETRY_STATUSES:
            raise TransientError(f"HTTP {error.code}: {detail}") from error
        raise PermanentError(f"HTTP {error.code}: {detail}") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, ConnectionRefusedError | socket.gaierror):
            raise TransientError(f"cannot connect to {url}: {error.reason}") from error
        raise UncertainError(f"{url}: {error.reason}") from error
    except (TimeoutError, ConnectionError, OSError) as error:
        raise UncertainError(f"{url}: {error}") from error
    try:
        return json.loads(answer or b"{}")
    except ValueError as error:
        raise UncertainError(f"{url} answered something that is not JSON") from error
