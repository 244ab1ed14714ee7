"""The book's questions asked within a user's scope: what the pages and the API both answer."""

from __future__ import annotations

from dataclasses import replace

from arrears.access.scope import loans_visible_to, sees_whole_book
from arrears.web import queries


def search_within_scope(user, query: str, by: str = "auto") -> queries.SearchResult:
    """The loans matching `query` that `user` may open (at most SEARCH_LIMIT ids: one more query)."""
    result = queries.search_loans(query, by)
    if user.is_superuser or sees_whole_book(user) or not result.loan_ids:
        return result
    visible = set(loans_visible_to(user).filter(pk__in=result.loan_ids).values_list("pk", flat=True))
    return replace(result, loan_ids=tuple(pk for pk in result.loan_ids if pk in visible))


def scope_description(user, within) -> dict:
    """What a page's figures cover: {"whole_book": True}, or the names of the user's teams."""
    if within is None:
        return {"whole_book": True}
    from arrears.access.models import Team
    from arrears.access.scope import team_ids_of

    teams = Team.objects.filter(pk__in=team_ids_of(user)).order_by("name").values_list("name", flat=True)
    return {"whole_book": False, "scope_teams": list(teams)}
