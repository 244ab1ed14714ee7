"""The contacts a legal hold still lets through, by family of routes (court_process.yaml). No Django.

    court_contacts("cn")     # frozenset({("legal", "notice"), ("legal", "collection"), ("letter", "notice")})
    allowed_contacts("cn")   # the same with each contact's purpose, for pages and docs

The guard's legal-hold rule (arrears.compliance.rules.LegalHoldRule) reads it here, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from arrears.compliance.vocabulary import Channel, TemplateKind
from arrears.errors import ConfigurationError

PATH = Path(__file__).with_name("court_process.yaml")


@dataclass(frozen=True)
class CourtContact:
    channel: Channel
    template_kind: TemplateKind
    purpose_zh: str
    purpose_en: str


@cache
def _read() -> dict:
    with PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def families() -> tuple[str, ...]:
    return tuple(_read())


def routes_of(family: str) -> tuple[str, ...]:
    return tuple(_read().get(family, {}).get("routes", ()))


@cache
def allowed_contacts(family: str) -> tuple[CourtContact, ...]:
    raw = _read().get(family)
    if raw is None:
        known = ", ".join(families())
        raise ConfigurationError(f"{PATH.name} 中没有 {family}（已有：{known}）", f"{PATH.name} has no {family!r} (known: {known})")
    found = []
    for entry in raw.get("allowed", ()):
        try:
            found.append(CourtContact(Channel(entry["channel"]), TemplateKind(entry["template_kind"]),
                                      str(entry["purpose_zh"]), str(entry["purpose_en"])))
        except (KeyError, ValueError, TypeError) as problem:
            raise ConfigurationError(f"{PATH.name}（{family}）中的条目无效：{entry!r}",
                                     f"{PATH.name} ({family}): invalid entry {entry!r}: {problem}") from None
    return tuple(found)


def court_contacts(family: str) -> frozenset[tuple[str, str]]:
    return frozenset((c.channel.value, c.template_kind.value) for c in allowed_contacts(family))
