"""The creditor: who the lender is and how a borrower pays, verifies and complains, per profile.

    >>> lender_for("cn").name_zh
    '禾丰消费金融有限公司'

Read from `lender.yaml` beside this file, or from the file ARREARS_LENDER_FILE names. Pure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

from arrears.errors import ConfigurationError

DEFAULT_FILE = Path(__file__).with_name("lender.yaml")


@dataclass(frozen=True)
class Lender:
    name_zh: str
    name_en: str
    address_zh: str
    address_en: str
    hotline: str
    website: str
    verify_url: str
    complaint_email: str
    currency: str
    """ISO 4217: the currency of the lender's loans when its loans feed names none (Loan.currency)."""
    app_name_zh: str
    app_name_en: str
    bank_name_zh: str
    bank_name_en: str
    bank_account_name_zh: str
    bank_account_name_en: str
    bank_account: str
    regulator_zh: str
    regulator_en: str

    def text(self, name: str, language: str) -> str:
        """A field in `language`: `name_zh` or `name_en` for `name`."""
        return getattr(self, f"{name}_{'zh' if language == 'zh-hans' else 'en'}")

    @property
    def official_channels(self) -> tuple[str, ...]:
        """What the content lint accepts as a payment channel."""
        return (self.app_name_zh, self.app_name_en, self.bank_account)


def lender_for(profile: str) -> Lender:
    lenders = _read(os.environ.get("ARREARS_LENDER_FILE") or str(DEFAULT_FILE))
    try:
        return lenders[profile]
    except KeyError:
        raise ConfigurationError(
            f"出借机构配置中没有辖区 {profile!r}（已有：{', '.join(sorted(lenders))}）",
            f"The lender file has no profile {profile!r} (has: {', '.join(sorted(lenders))})",
        ) from None


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Lender]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"无法读取出借机构配置 {path}：{error}", f"Cannot read the lender file {path}: {error}") from None
    names = {field.name for field in fields(Lender)}
    lenders = {}
    for profile, entry in (raw or {}).items():
        missing = names - set(entry or {})
        if missing:
            raise ConfigurationError(
                f"{path}：辖区 {profile} 缺少 {', '.join(sorted(missing))}",
                f"{path}: profile {profile} lacks {', '.join(sorted(missing))}",
            )
        lenders[profile] = Lender(**{name: str(entry[name]) for name in names})
    return lenders


def default_currency() -> str:
    """The currency of a loan that names none: the lender's, under the profile in force."""
    from arrears.compliance.lender import lender_profile_name

    return lender_for(lender_profile_name()).currency
