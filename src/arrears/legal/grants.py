"""Who reads and decides legal reviews (merged into the roles by arrears.access.sync)."""

from arrears.access.roles import Role

GRANTS = {
    Role.LEGAL_OFFICER: ("legal.view_legalreview", "legal.review_legal", "legal.change_legalreview"),
    Role.COMPLIANCE_OFFICER: ("legal.view_legalreview",),
    Role.TEAM_LEAD: ("legal.view_legalreview",),
    Role.STRATEGY_MANAGER: ("legal.view_legalreview",),
}
