"""The status words, without Django, for the pure parts of the cycle."""

from enum import StrEnum


class AccountStatusWord(StrEnum):
    CURRENT = "current"
    DELINQUENT = "delinquent"
    CURED = "cured"
    CHARGED_OFF = "charged_off"
    SETTLED = "settled"
    CLOSED = "closed"
