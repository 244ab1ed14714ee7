"""Who is acting, for entries written where no user is passed: set per request and per command.

    with acting_as("cli"):
        ...                      # entries written here name "cli" unless a user is given
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

SYSTEM = "system"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("arrears_audit_actor", default=SYSTEM)


def name_of(user) -> str:
    """How a user is named in the log: `user:<id>:<username>`, or the current actor when there is none."""
    if user is None or not getattr(user, "pk", None):
        return _current.get()
    return f"user:{user.pk}:{user.get_username()}"


def current() -> str:
    return _current.get()


@contextmanager
def acting_as(actor: str):
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


class ActorMiddleware:
    """Entries written while a request is served name its signed-in user (admin edits included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor = name_of(user) if user is not None and user.is_authenticated else "anonymous"
        token = _current.set(actor)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
