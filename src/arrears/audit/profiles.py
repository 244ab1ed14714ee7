"""The compliance profile in force is a file and a setting, not a row: each time a plan is made
under it, the log is told when it differs from the one last recorded (another jurisdiction, a
changed policy file, a changed number).

    note_profile_in_force(profile)      # writes `config.profile` only when something changed
"""

from __future__ import annotations

import hashlib
import json


def fingerprint(profile) -> str:
    """SHA-256 of every rule's id, kind and numbers, in the profile's order."""
    rules = [[rule.rule_id, rule.kind, {k: str(v) for k, v in sorted(rule.parameters().items())}] for rule in profile.rules]
    body = json.dumps([profile.profile_id, rules], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def note_profile_in_force(profile) -> bool:
    """Record the profile when its fingerprint differs from the last one recorded; whether it did."""
    from django.db import transaction

    from arrears.audit.log import record, _locked_head
    from arrears.audit.models import AuditEntry

    digest = fingerprint(profile)
    with transaction.atomic():
        _locked_head()  # two nights starting at once record one change, not two
        last = AuditEntry.objects.filter(kind="config.profile").order_by("-seq").values_list("detail", flat=True).first()
        if last is not None and json.loads(last).get("fingerprint") == digest:
            return False
        record("config.profile", subject=f"profile:{profile.profile_id}",
               detail={"profile": profile.profile_id, "layers": list(profile.layers), "fingerprint": digest})
    return True
