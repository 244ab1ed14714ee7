"""Editing a case under optimistic locking: an edit names the version it was made on.

    new_version = edit_case(case_id=7, version=3, assignee_id=12)   # StaleEdit if someone else edited first

Two people editing the same case never overwrite each other silently: the second edit finds a
newer version and is refused with a message saying so; they reload and decide again.
"""

from __future__ import annotations

from django.db.models import F

from arrears.errors import ArrearsError


class StaleEdit(ArrearsError):
    """The case changed since the edit's page was loaded (HTTP 409 in the API)."""

    def __init__(self, case_id: int, version: int, current: int | None) -> None:
        super().__init__(
            f"此案件在您打开后已被他人修改（您的版本 {version}，当前版本 {current}）。请重新加载页面后再操作，您的修改未保存。",
            f"This case was changed by someone else after you opened it (your version {version}, now {current}). "
            "Reload the page and try again; your change was not saved.",
        )
        self.case_id = case_id
        self.version = version
        self.current = current


def edit_case(*, case_id: int, version: int, **changes) -> int:
    """Apply `changes` to the case if it is still at `version`; returns the new version.

    One conditional UPDATE: the check and the write cannot be separated by another edit.
    Call it inside the transaction that makes the edit's other changes, so they stand or fall together.
    """
    from arrears.cases.models import CollectionCase

    updated = CollectionCase.objects.filter(pk=case_id, version=version).update(version=F("version") + 1, **changes)
    if updated == 0:
        current = CollectionCase.objects.filter(pk=case_id).values_list("version", flat=True).first()
        raise StaleEdit(case_id, version, current)
    return version + 1
