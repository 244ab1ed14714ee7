"""Who reads and decides legal reviews, and who opens and runs legal cases (merged into the roles by
arrears.access.sync)."""

from arrears.access.roles import Role

GRANTS = {
    Role.LEGAL_OFFICER: ("legal.view_legalreview", "legal.review_legal", "legal.change_legalreview",
                         "legal.view_legalcase", "legal.manage_legal_case"),
    Role.COMPLIANCE_OFFICER: ("legal.view_legalreview", "legal.view_legalcase"),
    Role.TEAM_LEAD: ("legal.view_legalreview", "legal.view_legalcase"),
    Role.STRATEGY_MANAGER: ("legal.view_legalreview", "legal.view_legalcase"),
}
