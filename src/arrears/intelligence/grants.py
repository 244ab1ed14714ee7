"""The intelligence app's grants: the strategy manager reads model cards and promotes a model."""

from __future__ import annotations

from arrears.access.roles import Role

GRANTS = {
    Role.STRATEGY_MANAGER: ("intelligence.view_trainedmodel", "intelligence.promote_trainedmodel"),
    Role.COMPLIANCE_OFFICER: ("intelligence.view_trainedmodel",),
}
