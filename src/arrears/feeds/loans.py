"""Importing the loans feed: borrowers, contact points, loans and their schedules, in bulk.

    outcome = import_loans(Path("loans.csv"))

Every row is checked (`validation.check_loans`); bad rows go to the rejects file,
good rows land in one transaction on the bulk connection:

1. the rows are staged in temporary tables (the national ID only as digest and mask);
2. borrowers that are new or changed are found by SQL, only their IDs encrypted, and upserted;
3. loans and contact points are compared and upserted set-based;
4. the contact points the file says are verified (or not) change their flag, each change kept as a
   verification by the feed, when the file's word is news (see _write_verifications);
5. loans that are new, or whose product, principal, term or start changed, get their
   instalments (re)generated and ingested in bulk.

Importing the same file again finds nothing new or changed and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears import clock, secret
from arrears.bulk import BulkConnection
from arrears.compliance.lender import lender_profile_name
from arrears.feeds import people
from arrears.feeds.instalments import expand_schedules
from arrears.feeds.rejects import originals_of, write_rejects
from arrears.feeds.runs import FeedOutcome, Progress, Silent, open_run
from arrears.feeds.schemas import loans_schema
from arrears.feeds.staging import (
    assignments,
    bulk_session,
    derive,
    differs,
    drop,
    fetch_as,
    instant_sql,
    landing,
    stage,
)
from arrears.feeds.validation import check_loans
from arrears.ledger import personal
from arrears.ledger.identity import IdentityVault
from arrears.notices.lender import default_currency

BORROWER_FIELDS = ("name_digest", "national_id_digest", "national_id_masked", "time_zone", "region")
SCHEDULE_FIELDS = ("product_id", "principal", "term_months", "start_date")
LOAN_FIELDS = (*SCHEDULE_FIELDS, "currency")
"""What the feed says of a loan: its schedule's terms, and the currency its amounts are in."""
CONTACT_FIELDS = ("owner", "relation", "owner_name_digest")
PRODUCTS = pa.schema([("id", pa.int64()), ("code", pa.string()), ("repayment_method", pa.string()),
                      ("annual_rate_bp", pa.int64())])
BORROWER_STATES = pa.schema([("external_id", pa.string()), ("encrypt", pa.int64())])
LOAN_STATES = pa.schema([("loan_id", pa.string()), ("state", pa.string())])
LOAN_IDS = pa.schema([("loan_id", pa.string()), ("id", pa.int64())])
CONTACT_STATES = pa.schema([("external_id", pa.string()), ("borrower_id", pa.int64()), ("kind", pa.string()),
                            ("value_digest", pa.string()), ("owner", pa.string()), ("relation", pa.string()),
                            ("owner_name_digest", pa.string()), ("at", pa.int64())])
BORROWER_IDS = pa.schema([("borrower_id", pa.string())])
_STAGED = ("feed_borrower", "feed_borrower_state", "feed_borrower_write", "feed_loan", "feed_loan_state",
           "feed_contact", "feed_contact_state", "feed_contact_write", "feed_verified", "feed_verified_state", "feed_instalment")


def import_loans(
    path: Path | str,
    *,
    encoding: str = "utf-8",
    vault: IdentityVault | None = None,
    progress: Progress | None = None,
) -> FeedOutcome:
    """Import a loans file; InputError (and nothing lands) when the file cannot be read as a whole."""
    progress = progress or Silent()
    profile = lender_profile_name()
    raw, run = open_run(loans_schema(profile), path, encoding, progress)
    vault = vault or secret.vault()
    from arrears.ledger.rotation import require_personal_data_rotated

    require_personal_data_rotated(vault)

    with bulk_session() as db:
        products = fetch_as(db, "SELECT id, code, repayment_method, annual_rate_bp FROM ledger_product", PRODUCTS)
        progress.stage("校验", "validating", raw.num_rows)
        checked = check_loans(
            raw, products=products.column("code").to_pylist(), today=clock.today(), currency=default_currency(),
            profile=profile,
        )
        rows_read, originals = raw.num_rows, originals_of(raw, checked.rejects)
        del raw  # a large file: keep only what the rejects file needs
        progress.advance(rows_read)
        with landing(db, _STAGED, progress):
            changes = _land(db, checked.rows, products, vault, progress, run.run_id)

    return run.close(
        rows_read=rows_read,
        landed=int(changes["new"].sum()),
        updated=int(changes["updated"].sum()),
        rejected=checked.rejected_rows,
        rejects_path=write_rejects(run.source, checked.rejects, originals),
    )


def _land(
    db: BulkConnection, rows: pa.Table, products: pa.Table, vault: IdentityVault, progress: Progress, run_id: int
) -> dict[str, np.ndarray]:
    """Write the accepted rows; per row, whether it created a loan or changed anything held."""
    progress.stage("暂存", "staging", rows.num_rows)
    borrowers = people.borrower_records(rows, vault)
    points = people.contact_points(rows)
    flags = people.digested_flags(people.verified_flags(rows), vault)
    product_at = pc.index_in(rows.column("product"), value_set=products.column("code").combine_chunks())
    loans = pa.table(
        {
            "loan_id": rows.column("loan_id"),
            "borrower_id": rows.column("borrower_id"),
            "product_id": products.column("id").combine_chunks().take(product_at),
            "principal": rows.column("principal"),
            "term_months": rows.column("term_months"),
            "start_date": rows.column("start_date"),
            "currency": rows.column("currency"),
        }
    )
    stage(db, "feed_borrower", borrowers)
    stage(db, "feed_loan", loans)
    # Staged in key order, so the new points append to the contact-point indexes
    # (borrower ids are handed out in external_id order, see _write_borrowers).
    stage(db, "feed_contact", people.digested_points(points, vault).sort_by(
        [("borrower_id", "ascending"), ("kind", "ascending"), ("value_digest", "ascending")]))
    stage(db, "feed_verified", flags)
    progress.advance(rows.num_rows)

    changed_borrowers = _write_borrowers(db, rows, borrowers, vault, progress)
    loan_states = _write_loans(db, progress)
    changed_points = _write_contact_points(db, points, vault, progress)
    verified_borrowers = _write_verifications(db, progress, run_id)
    _write_instalments(db, rows, products, progress)

    loan_ids = rows.column("loan_id").combine_chunks()
    state = loan_states.column("state").combine_chunks().take(
        pc.index_in(loan_ids, value_set=loan_states.column("loan_id").combine_chunks())
    )
    new = _mask(pc.equal(state, "new"))
    loan_changed = _mask(pc.is_valid(state)) & ~new
    # Borrower data (identity and contact points) counts for every row of its borrower.
    borrowers_changed = pa.concat_arrays(
        [
            changed_borrowers,
            changed_points.column("borrower_id").combine_chunks().cast(pa.string()),
            verified_borrowers.column("borrower_id").combine_chunks().cast(pa.string()),
        ]
    )
    borrower_changed = _mask(pc.is_in(rows.column("borrower_id"), value_set=borrowers_changed))
    return {"new": new, "updated": ~new & (loan_changed | borrower_changed)}


def _mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _write_borrowers(
    db: BulkConnection, rows: pa.Table, borrowers: pa.Table, vault: IdentityVault, progress: Progress
) -> pa.Array:
    """Upsert the borrowers that are new or changed; their external ids.

    Only a new borrower, or one whose national ID changed, has the ID encrypted: a
    corrected name keeps the stored cipher. The names of the borrowers written are sealed.
    """
    derive(
        db,
        "feed_borrower_state",
        "SELECT s.external_id, CASE WHEN b.id IS NULL OR b.national_id_digest <> s.national_id_digest "
        "THEN 1 ELSE 0 END AS encrypt FROM feed_borrower s "
        "LEFT JOIN ledger_borrower b ON b.external_id = s.external_id "
        f"WHERE b.id IS NULL OR {differs(BORROWER_FIELDS, 'b', 's')}",
    )
    state = fetch_as(db, "SELECT external_id, encrypt FROM feed_borrower_state", BORROWER_STATES)
    changed = state.column("external_id").combine_chunks()
    to_encrypt = changed.filter(pc.equal(state.column("encrypt"), 1))
    progress.stage("加密身份证号", "encrypting national IDs", len(to_encrypt))
    tokens = people.encrypt_national_ids(rows, to_encrypt, vault, progress)
    writes = borrowers.filter(pc.is_in(borrowers.column("external_id"), value_set=changed))
    token_at = pc.index_in(writes.column("external_id"), value_set=to_encrypt)
    writes = writes.append_column("national_id_cipher", pc.fill_null(tokens.take(token_at), ""))
    progress.stage("加密姓名", "sealing names", len(writes))
    writes = writes.append_column("name", people.borrower_names(rows, writes.column("external_id").combine_chunks(),
                                                                vault, progress))
    stage(db, "feed_borrower_write", writes)
    progress.stage("写入借款人", "writing borrowers")
    fields = ("name", "national_id_cipher", *BORROWER_FIELDS)
    stamp = instant_sql(db, clock.now())  # the product's clock: a night's rows carry the night's time
    kept_cipher = (
        "national_id_cipher = CASE WHEN excluded.national_id_cipher = '' "
        "THEN ledger_borrower.national_id_cipher ELSE excluded.national_id_cipher END"
    )
    db.execute(
        f"INSERT INTO ledger_borrower (external_id, {', '.join(fields)}, created_at, updated_at) "
        f"SELECT external_id, {', '.join(fields)}, {stamp}, {stamp} "
        "FROM feed_borrower_write WHERE TRUE ORDER BY external_id "
        f"ON CONFLICT (external_id) DO UPDATE SET {kept_cipher}, "
        f"{assignments(('name', *BORROWER_FIELDS, 'updated_at'))}"
    )
    drop(db, "feed_borrower_write")
    return changed


def _write_loans(db: BulkConnection, progress: Progress) -> pa.Table:
    """Upsert the loans that are new or changed; their loan_id and state (new, rescheduled, changed)."""
    progress.stage("写入贷款", "writing loans")
    fields = ("borrower_id", *LOAN_FIELDS)
    stamp = instant_sql(db, clock.now())
    derive(
        db,
        "feed_loan_state",
        "SELECT s.loan_id, b.id AS borrower_id, s.product_id, s.principal, s.term_months, s.start_date, s.currency, "
        "CASE WHEN l.id IS NULL THEN 'new' "
        f"WHEN {differs(SCHEDULE_FIELDS, 'l', 's')} THEN 'rescheduled' ELSE 'changed' END AS state "
        "FROM feed_loan s JOIN ledger_borrower b ON b.external_id = s.borrower_id "
        "LEFT JOIN ledger_loan l ON l.external_id = s.loan_id "
        f"WHERE l.id IS NULL OR l.borrower_id <> b.id OR {differs(LOAN_FIELDS, 'l', 's')}",
    )
    db.execute(
        f"INSERT INTO ledger_loan (external_id, {', '.join(fields)}, created_at, updated_at) "
        f"SELECT loan_id, {', '.join(fields)}, {stamp}, {stamp} FROM feed_loan_state "
        "WHERE TRUE ORDER BY loan_id "
        f"ON CONFLICT (external_id) DO UPDATE SET {assignments((*fields, 'updated_at'))}"
    )
    return fetch_as(db, "SELECT loan_id, state FROM feed_loan_state", LOAN_STATES)


def _write_contact_points(db: BulkConnection, points: pa.Table, vault: IdentityVault, progress: Progress) -> pa.Table:
    """Upsert the contact points that are new or changed; the external ids of their borrowers.

    Points are matched by their value's digest; only the points written have their value and
    owner's name sealed. Only who owns a point is updated; its verified, consent, do-not-contact
    and valid flags are the collectors' and the borrower's, and a feed never resets them.
    """
    progress.stage("写入联系方式", "writing contact points")
    derive(
        db,
        "feed_contact_state",
        "SELECT s.borrower_id AS external_id, b.id AS borrower_id, s.kind, s.value_digest, s.owner, s.relation, "
        "s.owner_name_digest, s.at FROM feed_contact s "
        "JOIN ledger_borrower b ON b.external_id = s.borrower_id "
        "LEFT JOIN ledger_contactpoint c "
        "ON c.borrower_id = b.id AND c.kind = s.kind AND c.value_digest = s.value_digest "
        f"WHERE c.id IS NULL OR {differs(CONTACT_FIELDS, 'c', 's')}",
    )
    state = fetch_as(
        db,
        "SELECT external_id, borrower_id, kind, value_digest, owner, relation, owner_name_digest, at "
        "FROM feed_contact_state ORDER BY borrower_id, kind, value_digest",
        CONTACT_STATES,
    )
    clear = points.take(state.column("at"))
    writes = state.drop_columns(["external_id", "at"])
    writes = writes.append_column("value", personal.seal_column(vault, clear.column("value")))
    writes = writes.append_column("owner_name", personal.seal_column(vault, clear.column("owner_name")))
    stage(db, "feed_contact_write", writes)
    written = ("owner", "relation", "owner_name", "owner_name_digest")
    db.execute(
        "INSERT INTO ledger_contactpoint (borrower_id, kind, value, value_digest, label, owner, relation, owner_name, "
        "owner_name_digest, verified, consent, do_not_contact, valid) "
        "SELECT borrower_id, kind, value, value_digest, '', owner, relation, owner_name, owner_name_digest, "
        "FALSE, TRUE, FALSE, TRUE FROM feed_contact_write WHERE TRUE "
        f"ON CONFLICT (borrower_id, kind, value_digest) DO UPDATE SET {assignments(written)}"
    )
    drop(db, "feed_contact", "feed_contact_state", "feed_contact_write")  # the largest: free their memory now
    return state.select(["external_id"]).rename_columns(["borrower_id"])


def _write_verifications(db: BulkConnection, progress: Progress, run_id: int) -> pa.Table:
    """Set the verified flag of the points the file speaks of, when its word is news; the external
    ids of the borrowers whose points changed.

    The word is news when it differs from what the feed last said of the point or, when the feed
    never said anything of it, from the point's flag. A file sent every day that still says an
    address is verified therefore never undoes a returned letter or a wrong number recorded since,
    while a file that changes its word is heard, even when the flag already agrees (so that the
    word after it is news again). Each word heard is kept as a ContactPointVerification by the feed
    (method `feed`), as arrears.contact.verification keeps the others; the same file again is no news.
    """
    progress.stage("写入核实状态", "writing verified flags")
    last_said = (
        "(SELECT v.verified FROM contact_contactpointverification v WHERE v.contact_point_id = c.id "
        "AND v.method = 'feed' ORDER BY v.at DESC, v.id DESC LIMIT 1)"
    )
    derive(
        db,
        "feed_verified_state",
        "SELECT c.id AS point_id, s.borrower_id, s.verified, c.verified AS was_verified, c.valid AS was_valid "
        "FROM feed_verified s "
        "JOIN ledger_borrower b ON b.external_id = s.borrower_id "
        "JOIN ledger_contactpoint c ON c.borrower_id = b.id AND c.kind = s.kind AND c.value_digest = s.value_digest "
        f"WHERE COALESCE({last_said} <> s.verified, c.verified <> s.verified)",
    )
    for verified in ("TRUE", "FALSE"):
        db.execute(
            f"UPDATE ledger_contactpoint SET verified = {verified} WHERE id IN "
            f"(SELECT point_id FROM feed_verified_state WHERE verified = {verified})"
        )
    db.execute(
        "INSERT INTO contact_contactpointverification (contact_point_id, verified, was_verified, was_valid, method, "
        f"at, by_id, attempt_id, note) SELECT point_id, verified, was_verified, was_valid, 'feed', "
        f"{instant_sql(db, clock.now())}, NULL, NULL, "
        f"'{_run_note(run_id)}' FROM feed_verified_state ORDER BY point_id"
    )
    changed = fetch_as(db, "SELECT DISTINCT borrower_id FROM feed_verified_state", BORROWER_IDS)
    drop(db, "feed_verified", "feed_verified_state")
    return changed


def _run_note(run_id: int) -> str:
    return f"贷款文件导入 #{int(run_id)} / loans feed run #{int(run_id)}"


def _write_instalments(db: BulkConnection, rows: pa.Table, products: pa.Table, progress: Progress) -> None:
    """Replace the schedules of rescheduled loans and write those of new ones."""
    db.execute(
        "DELETE FROM ledger_instalment WHERE loan_id IN (SELECT l.id FROM ledger_loan l "
        "JOIN feed_loan_state t ON t.loan_id = l.external_id WHERE t.state = 'rescheduled')"
    )
    targets = fetch_as(
        db,
        "SELECT t.loan_id, l.id FROM feed_loan_state t JOIN ledger_loan l ON l.external_id = t.loan_id "
        "WHERE t.state IN ('new', 'rescheduled') ORDER BY l.id",
        LOAN_IDS,
    )
    progress.stage("生成还款计划", "building schedules", targets.num_rows)
    at = pc.index_in(targets.column("loan_id"), value_set=rows.column("loan_id").combine_chunks())
    chosen = rows.take(at)
    product_at = pc.index_in(chosen.column("product"), value_set=products.column("code").combine_chunks())
    loans = pa.table(
        {
            "id": targets.column("id"),
            "repayment_method": products.column("repayment_method").combine_chunks().take(product_at),
            "principal": chosen.column("principal"),
            "annual_rate_bp": products.column("annual_rate_bp").combine_chunks().take(product_at),
            "term_months": chosen.column("term_months"),
            "start_date": chosen.column("start_date"),
        }
    )
    # Staged, then inserted set-based: far cheaper than ingesting into the indexed table directly.
    # The rows come in (loan id, seq) order (targets are sorted by id), so the indexes are appended to.
    step = 250_000
    for start in range(0, loans.num_rows, step):
        part = loans.slice(start, step)
        stage(db, "feed_instalment", expand_schedules(part))
        db.execute(
            "INSERT INTO ledger_instalment (loan_id, seq, due_date, principal, interest) "
            "SELECT loan_id, seq, due_date, principal, interest FROM feed_instalment"
        )
        progress.advance(part.num_rows)
    drop(db, "feed_instalment")
