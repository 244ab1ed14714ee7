"""What can go wrong with a message template, each in zh-Hans and English."""

from __future__ import annotations

from arrears.errors import ArrearsError, InputError


class TemplateError(InputError):
    """A template that cannot be rendered: bad syntax, an unknown or unavailable variable."""


class NoApprovedTemplate(ArrearsError):
    """No approved template version for a code, channel and language."""


class ApprovalRefused(ArrearsError):
    """A template version the content lint (or its state) does not let be approved.

    findings: the lint's findings on the rendering that was checked (empty when refused for state).
    """

    def __init__(self, zh: str, en: str, findings: tuple = ()) -> None:
        super().__init__(zh, en)
        self.findings = tuple(findings)
