"""Who answers credit-report objections (merged into the roles by arrears.access.sync)."""

from arrears.access.roles import Role

GRANTS = {
    Role.COMPLIANCE_OFFICER: ("credit.view_creditreport", "credit.view_creditobjection", "credit.answer_credit_objection"),
    Role.LEGAL_OFFICER: ("credit.view_creditobjection",),
    Role.TEAM_LEAD: ("credit.view_creditobjection",),
}
