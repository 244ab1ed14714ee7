"""The stored audit log: `verify` catches any change, removal or move of any row (every case tried
over random rows and fields, bounded), a recomputed chain is caught by a signed checkpoint, and
appends through the ORM, through a bulk connection and from several threads at once make one chain."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection, transaction

from arrears import audit
from arrears.audit.chain import GENESIS, entry_hash
from arrears.audit.models import AuditEntry, AuditHead
from arrears.audit.verify import verify
from arrears.bulk import BulkConnection
from arrears.cli import main

FIELDS = ("at", "kind", "actor", "subject", "detail", "prev_hash", "hash")
ROWS = 40
TRIALS = 120  # each trial tampers once, inside a savepoint rolled back after verify has judged it


@pytest.fixture
def checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv("ARREARS_AUDIT_CHECKPOINTS", str(tmp_path / "checkpoints"))
    monkeypatch.setenv("ARREARS_AUDIT_KEY", str(tmp_path / "key.pem"))
    # each test starts from an empty log: what migrating logged (the roles' permissions synced) goes
    sql("DELETE FROM audit_auditentry")
    AuditHead.objects.filter(id=1).update(seq=0, hash=GENESIS)
    return tmp_path


def fill(n: int = ROWS) -> None:
    audit.record_many(audit.draft(f"test.{i % 5}", subject=f"loan:{i}", detail={"n": i, "渠道": "短信"}, actor=f"user:{i % 3}")
                      for i in range(n))


def sql(statement: str, parameters=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)


def change(rng: random.Random) -> str:
    seq, name = rng.randint(1, ROWS), rng.choice(FIELDS)
    old = AuditEntry.objects.values_list(name, flat=True).get(seq=seq)
    new = old[:-1] + ("x" if old[-1:] != "x" else "y")  # one character changed
    sql(f"UPDATE audit_auditentry SET {name} = %s WHERE seq = %s", [new, seq])
    return f"change {name} of {seq}"


def delete(rng: random.Random) -> str:
    seq = rng.randint(1, ROWS)
    sql("DELETE FROM audit_auditentry WHERE seq = %s", [seq])
    return f"delete {seq}"


def reorder(rng: random.Random) -> str:
    a, b = rng.sample(range(1, ROWS + 1), 2)
    if rng.random() < 0.5:  # the two rows swap places, keeping everything they hold
        sql("UPDATE audit_auditentry SET seq = -1 WHERE seq = %s", [a])
        sql("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [a, b])
        sql("UPDATE audit_auditentry SET seq = %s WHERE seq = -1", [b])
        return f"swap rows {a} and {b}"
    rows = {r["seq"]: r for r in AuditEntry.objects.filter(seq__in=(a, b)).values(*FIELDS, "seq")}
    for target, source in ((a, b), (b, a)):  # or swap contents under their numbers
        values = [rows[source][name] for name in FIELDS]
        sql(f"UPDATE audit_auditentry SET {', '.join(f'{n} = %s' for n in FIELDS)} WHERE seq = %s", [*values, target])
    return f"swap contents of {a} and {b}"


@pytest.mark.django_db
def test_verify_catches_every_change_removal_and_move_of_any_row(checkpoints):
    fill()
    assert verify().ok
    rng = random.Random(20261205)
    caught = []
    for trial in range(TRIALS):
        tamper = (change, delete, reorder)[trial % 3]
        with transaction.atomic():
            what = tamper(rng)
            report = verify()
            caught.append((what, not report.ok))
            transaction.set_rollback(True)
    assert all(ok for _, ok in caught), [what for what, ok in caught if not ok]
    assert verify().ok  # every tamper was rolled back


@pytest.mark.django_db
def test_the_first_broken_link_is_named_and_the_command_fails_in_both_languages(capsys, checkpoints):
    fill(10)
    sql("UPDATE audit_auditentry SET detail = %s WHERE seq = 7", ['{"n":700}'])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "第 7 条" in err and "entry 7" in err and "altered" in err


@pytest.mark.django_db
def test_a_recomputed_chain_passes_the_links_but_not_the_signed_checkpoint(capsys, checkpoints):
    fill(10)
    assert main(["audit", "checkpoint"]) == 0
    assert "entry 10" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    # when someone with the database rewrites entry 4 and recomputes every hash from there on
    sql("UPDATE audit_auditentry SET actor = %s WHERE seq = 4", ["someone-else"])
    previous = AuditEntry.objects.get(seq=3).hash
    for entry in AuditEntry.objects.filter(seq__gte=4).order_by("seq"):
        digest = entry_hash(previous, entry.seq, entry.at, entry.kind, entry.actor, entry.subject, entry.detail)
        AuditEntry.objects.filter(seq=entry.seq).update(prev_hash=previous, hash=digest)
        previous = digest
    AuditHead.objects.filter(id=1).update(hash=previous)
    # then the links hold, but the checkpoint signed before no longer matches
    assert verify(with_checkpoints=False).ok
    report = verify()
    assert not report.ok and report.problem.reason == "checkpoint_hash" and report.problem.seq == 10
    assert main(["audit", "verify"]) == 1
    assert "recomputed" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_forged_checkpoint_is_refused(checkpoints):
    fill(3)
    main(["audit", "checkpoint"])
    path = next((checkpoints / "checkpoints").glob("*.json"))
    path.write_text(path.read_text().replace(AuditHead.objects.get().hash, "0" * 64))
    report = verify()
    assert not report.ok and report.problem.reason == "checkpoint_signature"


@pytest.mark.django_db(transaction=True)
def test_bulk_appends_and_orm_appends_make_one_chain(checkpoints):
    fill(5)
    with BulkConnection.for_django() as db:
        db.execute("CREATE TEMPORARY TABLE scratch_n (n INTEGER)")  # a write first, as a bulk path does
        written = audit.record_bulk(db, [audit.draft("bulk.test", subject=f"loan:{i}", detail={"i": i}) for i in range(2_000)])
        db.commit()
    assert written == 2_000
    fill(5)
    report = verify()
    assert report.ok and report.entries == 2_010
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 2_011))


@pytest.mark.django_db(transaction=True)
def test_appends_from_several_threads_at_once_make_one_unbroken_chain(checkpoints):
    def append(worker: int) -> None:
        try:
            for i in range(15):
                audit.record("thread.test", subject=f"worker:{worker}", detail={"i": i})
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify()
    assert report.ok and report.entries == 60
    assert AuditHead.objects.get().seq == 60


@pytest.mark.django_db(transaction=True)
def test_an_empty_log_verifies_and_its_head_is_the_genesis(checkpoints):
    assert verify().ok
    assert AuditHead.objects.filter(id=1).values_list("seq", "hash").first() in (None, (0, GENESIS))


@pytest.mark.django_db
def test_a_change_of_profile_or_policy_is_logged_once_when_a_plan_is_made_under_it():
    from arrears.audit.profiles import note_profile_in_force
    from arrears.compliance.profiles import load_profile

    cn = load_profile("cn")
    assert note_profile_in_force(cn) and not note_profile_in_force(cn)
    tighter = load_profile("cn", policy={"extends": "cn", "rules": {"cn.records.personal_data": {"years": 4}}})
    assert note_profile_in_force(tighter)
    assert note_profile_in_force(load_profile("us-regf"))
    logged = list(AuditEntry.objects.filter(kind="config.profile").order_by("seq").values_list("subject", flat=True))
    assert logged == ["profile:cn", "profile:cn", "profile:us-regf"]
