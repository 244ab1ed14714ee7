"""The borrower's signed-in state: the borrower id in the session, ended after SESSION_IDLE unused.
Separate from staff sign-in; a view reads only that borrower's loans."""

from __future__ import annotations

import datetime as dt
import functools

from django.shortcuts import redirect

from arrears import clock
from arrears.borrower.signin import SESSION_IDLE, SESSION_KEY


def sign_in(request, borrower_id: int) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"b": borrower_id, "seen": clock.now().isoformat()}


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop("borrower_pending", None)


def borrower_id(request) -> int | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    now = clock.now()
    try:
        seen = dt.datetime.fromisoformat(data["seen"])
    except (KeyError, ValueError):
        return None
    if now - seen > SESSION_IDLE:
        sign_out(request)
        return None
    data["seen"] = now.isoformat()
    request.session[SESSION_KEY] = data
    return int(data["b"])


def borrower_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        who = borrower_id(request)
        if who is None:
            return redirect("my:sign-in")
        request.borrower_id = who
        return view(request, *args, **kwargs)

    return wrapped
