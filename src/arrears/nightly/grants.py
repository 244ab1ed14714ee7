"""Who reads the record of the nights (merged into the roles by arrears.access.sync).

The administrator holds every arrears permission; the compliance officer reads the nights too,
to see that the guard's step ran each day. Nobody changes the record: only the night writes it.
"""

from arrears.access.roles import Role

GRANTS = {
    Role.COMPLIANCE_OFFICER: ("nightly.view_nightlyrun", "nightly.view_nightlystep"),
}
