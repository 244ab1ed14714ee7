"""The demo: a synthetic lender simulated through its last weeks, then served.

`arrears demo` runs `arrears simulate` over a book large enough that every rung of the ladder has
cases (agencies, visits, plans, promises, opt-outs, holds, legal reviews), prints the sign-in of
every role and a tour of accounts in each state, and serves the web app.
"""

from __future__ import annotations

DEMO_USER = "demo"
DEMO_PASSWORD = "arrears-demo-2026"
DEMO_LOANS = 1_200
DEMO_DAYS = 24


def logins() -> list[tuple[str, str]]:
    """(user name, role in words) of every demo login, admin first, read back from the database."""
    from django.contrib.auth import get_user_model

    from arrears.access.roles import Role

    users = get_user_model().objects.filter(is_active=True).prefetch_related("groups").order_by("pk")
    rows = []
    for user in users:
        names = [g.name for g in user.groups.all()]
        role = "admin" if user.is_superuser else ", ".join(str(Role(n).label) for n in names if n in Role.values)
        rows.append((user.get_username(), role or "—"))
    return rows


def tour_lines(base_url: str) -> list[str]:
    """One line per tour stop, with the link that opens an account in that state; a stop with no
    account in that state in the whole book says so, so a demo that lacks a rung shows it."""
    from django.contrib.auth import get_user_model

    from arrears.web.tour import STOPS, example

    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    lines = []
    for stop in STOPS:
        line = f"  {base_url}/tour/{stop.slug}/  {stop.zh} / {stop.en}"
        if admin is not None and example(admin, stop.slug) is None:
            line += "  （本账簿中没有 / none in this book）"
        lines.append(line)
    return lines
