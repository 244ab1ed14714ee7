"""Rendering a template text with an account's variables, safely.

    >>> render_text("您好，{{ borrower_name }}", {"borrower_name": "张三"})
    '您好，张三'

Templates are written by staff in the admin, so they run in Jinja2's sandbox (no attribute
access to Python internals) with StrictUndefined: a variable the reader may not see is simply
absent, and using it is an error, never an empty string. Pure: no Django.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from arrears.messaging.errors import TemplateError

_ENVIRONMENT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def check_syntax(source: str) -> None:
    """Raise TemplateError when `source` is not a valid template."""
    try:
        _ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        raise _syntax_error(error) from None


@functools.lru_cache(maxsize=512)
def _compiled(source: str):
    """A template's text compiled once per process: the outbox renders the same few texts for
    thousands of accounts (compiling is most of a render's cost)."""
    return _ENVIRONMENT.from_string(source)


def render_text(source: str, variables: Mapping[str, object], *, unavailable: Mapping[str, str] | None = None) -> str:
    """`source` rendered with `variables`.

    unavailable: names the reader may not see (or the account does not have), with why, so the
      error says so instead of "unknown variable".
    """
    try:
        template = _compiled(source)
    except TemplateSyntaxError as error:
        raise _syntax_error(error) from None
    try:
        return template.render(dict(variables)).strip()
    except UndefinedError as error:
        raise _undefined_error(error, variables, unavailable or {}) from None
    except SecurityError as error:
        raise TemplateError(f"模板使用了不允许的操作：{error}", f"The template uses an operation that is not allowed: {error}") from None
    except (TypeError, ValueError, ArithmeticError) as error:
        raise TemplateError(f"模板渲染失败：{error}", f"The template could not be rendered: {error}") from None


def _syntax_error(error: TemplateSyntaxError) -> TemplateError:
    return TemplateError(
        f"模板语法错误（第 {error.lineno} 行）：{error.message}",
        f"Template syntax error (line {error.lineno}): {error.message}",
    )


def _undefined_error(error: UndefinedError, variables: Mapping[str, object], unavailable: Mapping[str, str]) -> TemplateError:
    name = _undefined_name(str(error))
    known = ", ".join(sorted(variables))
    if name in unavailable:
        reason = unavailable[name]
        return TemplateError(
            f"变量 {name} 在此不可用（{reason}）。可用变量：{known}",
            f"The variable {name} is not available here ({reason}). Available: {known}",
        )
    return TemplateError(
        f"未知变量：{name or error}。可用变量：{known}",
        f"Unknown variable: {name or error}. Available: {known}",
    )


def _undefined_name(message: str) -> str:
    # Jinja2 says "'name' is undefined" or "'dict object' has no attribute 'x'"
    if message.endswith(" is undefined") and message.startswith("'"):
        return message[1 : message.index("'", 1)]
    if "has no attribute" in message:
        return message.rsplit("'", 2)[-2]
    return ""
