"""What each message template is called where a person reads it (pure: the shipped YAML only).

    template_name("sms_late_notice", "zh-hans")   # 逾期告知短信
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")


@functools.lru_cache(maxsize=1)
def template_names(path: Path = DEFAULTS_FILE) -> dict[str, tuple[str, str]]:
    """Each shipped template code's name, (zh-Hans, English)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {code: (names[0], names[1]) for code, names in (raw.get("names") or {}).items()}


def template_name(code: str, language: str = "zh-hans") -> str:
    """The template's name in `language`; the code itself for a template the product does not ship."""
    names = template_names().get(code)
    if names is None:
        return code
    return names[1] if language.startswith("en") else names[0]
