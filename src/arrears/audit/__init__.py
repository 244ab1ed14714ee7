"""The audit log: append-only, hash-chained, checked by `arrears audit verify` against signed
checkpoints kept outside the database (docs/audit.md).

    from arrears import audit
    audit.record("hold.placed", subject="loan:12", detail={"hold": 3, "kind": "bankruptcy"}, by=user)
"""

from arrears.audit.actor import acting_as
from arrears.audit.log import draft, record, record_bulk, record_many

__all__ = ["acting_as", "draft", "record", "record_bulk", "record_many"]
