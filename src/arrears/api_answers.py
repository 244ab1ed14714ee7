"""How every JSON API call answers a problem: a 4xx with a message in zh-Hans and English, never a 500.

    return error(404, "没有此账户", "No such account")      # {"error": {"zh": …, "en": …}}
    raise Refused(403, "仅限…", "Only …")                  # the same answer, raised from a helper
    return invalid(form)                                    # 400 with {"errors": {field: [{zh, en}]}}
    @answers_errors                                         # PermissionDenied → 403, StaleEdit → 409,
                                                            # ArrearsError → 400
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Status
from ninja.errors import HttpError

from arrears.cases.editing import StaleEdit
from arrears.errors import ArrearsError

ERRORS = {400: dict, 403: dict, 404: dict, 409: dict}
NOT_FOUND = ("没有此对象，或无权查看", "No such item, or not yours to see")


class Refused(HttpError):
    """A call refused, with its reason in both languages; the API answers it as `error` does."""

    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(status, en)
        self.zh, self.en = zh, en


INVALID = ("输入有误，请检查各字段", "The input is not valid; see the fields")
SIGN_IN_FIRST = ("请先登录", "Sign in first")


def error(status: int, zh: str, en: str, **extra):
    return status, {"error": {"zh": zh, "en": en}, **extra}


def invalid(form):
    from arrears.workbench.forms import bilingual_errors

    return 400, {
        "error": {"zh": INVALID[0], "en": INVALID[1]},
        "errors": bilingual_errors(form),
    }


def answers_errors(view):
    """Domain errors as 4xx JSON answers: never a 500, never an HTML page in the API."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return _as_status(view(request, *args, **kwargs))
        except PermissionDenied:
            return _as_status(error(403, "您无权查看或处理此账户", "You may not see or work this account"))
        except Http404:  # a missing object, or one outside the caller's scope: the same answer
            return _as_status(error(404, *NOT_FOUND))
        except StaleEdit as stale:
            return Status(409, {"error": {"zh": stale.zh, "en": stale.en}, "current_version": stale.current})
        except ArrearsError as problem:
            return _as_status(error(400, problem.zh, problem.en))

    return guarded


def _as_status(result):
    if isinstance(result, tuple):
        return Status(*result)
    return result
