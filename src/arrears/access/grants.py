"""Which Django permissions each role's group holds.

The access app grants the permissions of the internal workbench. Any other arrears app may add
its own grants in a module `<app>/grants.py` holding `GRANTS: dict[Role, tuple[str, ...]]`
("app_label.codename"); `sync_roles` merges them all. A permission named here that does not
exist (yet) is reported by `sync_roles`, not granted.
"""

from __future__ import annotations

from arrears.access.roles import Role

_READ_BOOK = (
    "ledger.view_borrower",
    "ledger.view_loan",
    "ledger.view_contactpoint",
    "ledger.view_instalment",
    "ledger.view_payment",
    "cycle.view_accountstate",
    "cycle.view_accountstatehistory",
    "cases.view_collectioncase",
    "cases.view_caseevent",
    "cases.view_accounthold",
    "strategy.view_plannedaction",
    "strategy.view_strategyversion",
    "contact.view_contactattempt",
    "promises.view_promise",
    "workbench.view_note",
    "workbench.view_contactrecord",
    "access.view_team",
)

_WORK_CASES = (
    "workbench.work_queue",
    "cases.change_collectioncase",
    "cases.add_accounthold",
    "contact.add_contactattempt",
    "ledger.change_contactpoint",
    "promises.add_promise",
    "workbench.add_note",
    "workbench.add_contactrecord",
)

GRANTS: dict[Role, tuple[str, ...]] = {
    Role.STRATEGY_MANAGER: _READ_BOOK
    + (
        "access.view_all_cases",
        "strategy.add_strategyversion",
        "strategy.change_strategyversion",
    ),
    Role.TEAM_LEAD: _READ_BOOK + _WORK_CASES + ("access.assign_cases", "promises.change_promise", "cases.change_accounthold"),
    Role.COLLECTOR: _READ_BOOK + _WORK_CASES,
    Role.COMPLIANCE_OFFICER: _READ_BOOK
    + ("access.view_all_cases", "access.view_unmasked_contacts", "cases.add_accounthold", "cases.change_accounthold"),
    # legal officers review the accounts the strategy sends to legal review, across the book
    Role.LEGAL_OFFICER: _READ_BOOK + ("access.view_all_cases", "cases.add_accounthold", "cases.change_accounthold"),
    # agency roles see nothing of the internal workbench: the agency portal grants its own
    Role.AGENCY_MANAGER: (),
    Role.AGENCY_COLLECTOR: (),
    Role.FIELD_COLLECTOR: (),
}
