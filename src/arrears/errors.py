"""The one exception tree: every error a person reads carries zh-Hans and English."""

from __future__ import annotations


class ArrearsError(Exception):
    """Base of every error arrears reports to a person."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def bilingual(self) -> str:
        return f"{self.zh}\n{self.en}"


class InputError(ArrearsError):
    """Input that cannot be used as given (a file, an option, a form)."""


class ConfigurationError(ArrearsError):
    """Settings or product terms that do not make sense."""


class EngineError(ArrearsError):
    """The batch engine could not run or returned something inconsistent."""
