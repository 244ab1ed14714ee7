"""Which strategy is in force on a day, and storing a new version."""

from __future__ import annotations

import datetime as dt

from arrears.errors import ConfigurationError
from arrears.strategy.document import default_strategy, load_strategy
from arrears.strategy.model import Strategy
from arrears.strategy.models import StrategyVersion


def strategy_in_force(on: dt.date) -> Strategy:
    """The latest version activated on or before `on`; the one shipped for the lender's profile when none is stored."""
    version = StrategyVersion.objects.filter(active_from__lte=on).order_by("-active_from", "-version").first()
    return version.loaded() if version else shipped_strategy()


def shipped_strategy() -> Strategy:
    """The strategy shipped for the lender's profile (strategy/us-regf.yaml under us-regf, else default.yaml)."""
    from arrears.compliance.lender import lender_profile_name

    return default_strategy(lender_profile_name())


def store_version(document: str, active_from: dt.date, *, user=None) -> StrategyVersion:
    loaded = load_strategy(document)
    if StrategyVersion.objects.filter(name=loaded.name, version=loaded.version).exists():
        raise ConfigurationError(
            f"策略 {loaded.name} 的第 {loaded.version} 版已存在，请提高版本号",
            f"strategy {loaded.name} version {loaded.version} exists already; raise the version",
        )
    return StrategyVersion.objects.create(
        name=loaded.name, version=loaded.version, document=document, active_from=active_from, created_by=user
    )


def version_in_force_id(on: dt.date | None = None) -> int | None:
    """The id of the stored version in force on `on` (default today); None for the shipped default."""
    from arrears import clock

    on = on or clock.today()
    return (
        StrategyVersion.objects.filter(active_from__lte=on).order_by("-active_from", "-version")
        .values_list("pk", flat=True).first()
    )


def default_or_stored(version_id: int | None) -> Strategy:
    """A stored version by id, or the one shipped for the lender's profile for None."""
    if version_id is None:
        return shipped_strategy()
    return StrategyVersion.objects.get(pk=version_id).loaded()
