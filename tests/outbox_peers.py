"""The outbox's tests use the product's local peers (`arrears.channels.local_peers`): an SMTP
server, an SMSC and an HTTP provider, each in a thread of the test process; worker processes
started by a test talk to them over TCP. Here too: what such a worker process needs from the test
(its database, its environment) and time zones where it is now day or night.
"""

from __future__ import annotations

import os

from arrears.channels.local_peers import HttpProvider, Received, SmppPeer, SmtpPeer, free_port, wait_until

__all__ = [
    "HttpProvider",
    "Received",
    "SmppPeer",
    "SmtpPeer",
    "daytime_zone",
    "database_url",
    "free_port",
    "nighttime_zone",
    "wait_until",
    "worker_env",
]


def database_url() -> str:
    """The URL of the test database the running test uses, for worker processes it starts."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def worker_env(config_path=None) -> dict:
    """The environment of a worker process on the test's database; with no `config_path`, one
    that names no outbox configuration at all."""
    env = dict(os.environ)
    source = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env.update({"DATABASE_URL": database_url(), "PYTHONPATH": source})
    if config_path is None:
        env.pop("ARREARS_OUTBOX_CONFIG", None)
    else:
        env["ARREARS_OUTBOX_CONFIG"] = str(config_path)
    return env


def daytime_zone() -> str:
    """A time zone where it is now about noon, so the guard's contact window is open whenever the
    test runs (the window is judged in the borrower's own zone)."""
    import datetime as dt

    offset = 12 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def nighttime_zone() -> str:
    """A time zone where it is now about 03:00: inside every profile's quiet hours."""
    import datetime as dt

    offset = 3 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"
