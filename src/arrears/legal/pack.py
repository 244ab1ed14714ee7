"""The evidence pack for a legal action: one ZIP holding everything the court or notary will ask for.

    path = write_pack("L-1001", cut_off=date(2026, 5, 12), target=Path("L-1001.zip"))

Files (UTF-8 CSV with a header row, amounts in fen):
    borrower.json       the borrower's identity, masked as the profile requires (the national id as the feed
                        holds it, masked; mobile numbers masked)
    contract.json       the loan contract record: product, principal, start date, terms; the signing trail
                        when the feed carries one (it says so when it does not)
    disbursement.csv    the amount lent and the day
    schedule.csv        every instalment: seq, due date, principal, interest
    payments.csv        every payment and reversal, with what each paid for (penalty, fee, interest,
                        principal, credit) to the cut-off, by the reference model of ageing
    ledger.csv          the extract at the cut-off, one row per component: charged, paid, outstanding;
                        the loan's balance; the costs awarded against the debtor (court_costs: awarded,
                        recovered, outstanding) and the total owed — it reconciles to the fen with the
                        other files
    legal_costs.csv     each legal stage that awarded costs or recovered money: the costs awarded, the money
                        recovered, what of it paid the costs and the payment that carried the rest
    notices.csv         every notice and demand sent (SMS, e-mail, app notice, letter) with its delivery
                        proof: provider, provider's message id, sent at, delivery receipt at
    contacts.csv        the whole contact history (calls and visits too), with the outcomes
    visits.csv          visit records
    plans.csv           repayment plans, their status and when a plan was broken
    promises.csv        promises to pay, kept and broken
    index.pdf           what the pack holds and the ledger's figures, in Chinese (English for us-regf)
    manifest.json       every other file with its size and SHA-256

The figures come from the same reference model as the account's statement (arrears.cycle.statement),
so the pack says what the account page says.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

from arrears.errors import InputError

MESSAGE_CHANNELS = ("sms", "email", "app_push", "letter")
COMPONENTS = ("principal", "interest", "penalty", "fee")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # every member's stamp: the same pack twice is the same bytes (bar the PDF)


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode("utf-8")


def _iso(value) -> str:
    return "" if value is None else value.isoformat()


def _masked(point, mask_mobile) -> str:
    """A mobile as 138****5678, an e-mail address as j***@example.com, an address by its label only."""
    if point.kind == "mobile":
        return mask_mobile(point.value)
    if point.kind == "email" and "@" in point.value:
        local, domain = point.value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return point.label or "—"


def pack_files(loan, cut_off: dt.date, *, profile: str = "cn") -> dict[str, bytes]:
    """The pack's files by name (everything but the manifest)."""
    from arrears.contact.models import ContactAttempt
    from arrears.cycle.statement import account_statement
    from arrears.ledger.models import Instalment, Payment
    from arrears.legal.costs import awarded_costs
    from arrears.legal.models import LegalStage
    from arrears.messaging.masking import mask_mobile
    from arrears.plans.models import Plan
    from arrears.promises.models import Promise
    from arrears.visits.models import Visit

    borrower = loan.borrower
    files: dict[str, bytes] = {}
    files["borrower.json"] = json.dumps({
        "external_id": borrower.external_id, "name": borrower.name,
        "national_id_masked": borrower.national_id_masked,
        "contact_points": [
            {"kind": point.kind, "value": _masked(point, mask_mobile),
             "owner": point.owner, "relation": point.relation, "verified": point.verified}
            for point in borrower.contact_points.order_by("pk")
        ],
    }, ensure_ascii=False, indent=2).encode("utf-8")
    product = loan.product
    files["contract.json"] = json.dumps({
        "loan": loan.external_id, "product": product.code, "product_name": {"zh": product.name_zh, "en": product.name_en},
        "principal_fen": loan.principal, "start_date": loan.start_date.isoformat(),
        "repayment_method": product.repayment_method, "penalty_rate_bp": product.penalty_rate_bp,
        "late_fee_fen": product.late_fee, "grace_days": product.grace_days, "cost_cap_bp": product.cost_cap_bp,
        "allocation_order": product.allocation_order,
        "signing_trail": None, "signing_trail_note": "贷款数据未提供签约记录 / the loans feed carries no signing trail",
    }, ensure_ascii=False, indent=2).encode("utf-8")
    files["disbursement.csv"] = _csv(["loan", "disbursed_on", "amount_fen"], [(loan.external_id, _iso(loan.start_date), loan.principal)])
    instalments = list(Instalment.objects.filter(loan=loan, reschedule__isnull=True).order_by("seq"))
    files["schedule.csv"] = _csv(["seq", "due_date", "principal_fen", "interest_fen"],
                                 [(k.seq, _iso(k.due_date), k.principal, k.interest) for k in instalments])

    statement = account_statement(loan.pk, cut_off)
    state = statement.state
    allocated = {allocation.payment_id: allocation for allocation in statement.allocations}
    payments = list(Payment.objects.filter(loan=loan, value_date__lte=cut_off).order_by("value_date", "pk"))
    rows = []
    for payment in payments:
        part = allocated.get(payment.pk)
        split = ("", "", "", "", "") if part is None else (part.penalty, part.fee, part.interest, part.principal, part.credit)
        counted = "yes" if part is not None else "no"
        reverses = "" if payment.reverses_id is None else Payment.objects.get(pk=payment.reverses_id).reference
        rows.append((payment.reference, _iso(payment.value_date), payment.amount, payment.channel, reverses, counted, *split))
    files["payments.csv"] = _csv(["reference", "value_date", "amount_fen", "channel", "reverses", "counted",
                                  "penalty_fen", "fee_fen", "interest_fen", "principal_fen", "credit_fen"], rows)
    paid = {name: sum(getattr(part, name) for part in statement.allocations) for name in COMPONENTS}
    interest_due = sum(k.interest for k in instalments if k.due_date <= cut_off)
    charged = {"principal": loan.principal, "interest": interest_due, "penalty": state.penalty_charged,
               "fee": state.fee_charged}
    outstanding = {"principal": state.principal_outstanding, "interest": charged["interest"] - paid["interest"],
                   "penalty": state.penalty_outstanding, "fee": state.fee_outstanding}
    ledger_rows = [(name, charged[name], paid[name], outstanding[name]) for name in COMPONENTS]
    ledger_rows.append(("balance", sum(charged.values()), sum(paid.values()), state.balance))
    ledger_rows.append(("credit", "", "", state.credit))
    stages = list(LegalStage.objects.filter(case__loan=loan, entered_on__lte=cut_off).select_related("case", "payment")
                  .order_by("entered_on", "pk"))
    files["legal_costs.csv"] = _csv(
        ["case", "route", "stage", "entered_on", "case_number", "costs_awarded_fen", "recovered_fen",
         "costs_recovered_fen", "payment_reference"],
        [(stage.case_id, stage.case.route, stage.stage, _iso(stage.entered_on), stage.case_number, stage.costs_awarded,
          stage.recovered, stage.costs_recovered, stage.payment.reference if stage.payment else "") for stage in stages
         if stage.costs_awarded or stage.recovered],
    )
    costs = awarded_costs(loan.pk, cut_off)
    ledger_rows.append(("court_costs", costs.awarded, costs.recovered, costs.outstanding))
    ledger_rows.append(("total_owed", "", "", state.balance + costs.outstanding))
    files["ledger.csv"] = _csv(["component", "charged_fen", "paid_fen", "outstanding_fen"], ledger_rows)

    attempts = list(ContactAttempt.objects.filter(loan=loan).filter(created_at__date__lte=cut_off).order_by("created_at", "pk"))
    files["notices.csv"] = _csv(
        ["id", "channel", "template", "state", "sent_at", "receipt_at", "provider", "provider_message_id", "subject"],
        [(a.pk, a.channel, a.template, a.state, _iso(a.sent_at), _iso(a.receipt_at), a.provider, a.provider_message_id,
          a.subject) for a in attempts if a.channel in MESSAGE_CHANNELS and a.state in ("sent", "done")],
    )
    files["contacts.csv"] = _csv(
        ["id", "channel", "party", "state", "attempted_at", "outcome", "conversation", "duration_seconds",
         "recording_sha256", "blocked_by"],
        [(a.pk, a.channel, a.party, a.state, _iso(a.attempted_at or a.sent_at), a.outcome, a.conversation,
          a.duration_seconds, a.recording_sha256, a.blocked_by) for a in attempts],
    )
    files["visits.csv"] = _csv(
        ["id", "state", "screened_on", "starts_at", "checked_in_at", "checked_out_at", "outcome", "report"],
        [(v.pk, v.state, _iso(v.screened_on), _iso(v.starts_at), _iso(v.checked_in_at), _iso(v.checked_out_at),
          v.outcome, v.report) for v in Visit.objects.filter(loan=loan).order_by("pk")],
    )
    files["plans.csv"] = _csv(
        ["id", "kind", "status", "plan_date", "instalments", "waiver_fen", "broken_on"],
        [(p.pk, p.kind, p.status, _iso(p.start_date), p.instalment_count, p.waiver_amount, _iso(p.broken_on))
         for p in Plan.objects.filter(loan=loan).order_by("pk")],
    )
    files["promises.csv"] = _csv(
        ["id", "promised_on", "pay_by", "amount_fen", "paid_fen", "state", "judged_on"],
        [(p.pk, _iso(p.promised_on), _iso(p.due_date), p.amount, p.paid_amount, p.state, _iso(p.judged_on))
         for p in Promise.objects.filter(loan=loan).order_by("pk")],
    )
    files["index.pdf"] = _index_pdf(loan, cut_off, files, ledger_rows, english=profile == "us-regf")
    return files


def _index_pdf(loan, cut_off: dt.date, files: dict[str, bytes], ledger_rows, *, english: bool) -> bytes:
    from arrears.notices.document import Document, Section
    from arrears.notices.pdf import render

    def yuan(fen: int) -> str:
        sign = "-" if fen < 0 else ""
        return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"

    names = {"principal": ("本金", "principal"), "interest": ("利息", "interest"), "penalty": ("罚息", "penalty"),
             "fee": ("费用", "fees"), "balance": ("贷款合计", "loan total"), "credit": ("溢缴款", "credit"),
             "court_costs": ("判决承担的诉讼费用", "costs awarded"), "total_owed": ("应还总额", "total owed")}
    pick = 1 if english else 0
    table = tuple((names[row[0]][pick], yuan(row[3])) for row in ledger_rows)
    listing = tuple(f"{name}  ({len(data):,} B)" for name, data in sorted(files.items()))
    if english:
        document = Document(title=f"Evidence pack — loan {loan.external_id}", subtitle=f"Ledger to {cut_off.isoformat()}",
                            sections=(Section("Amounts outstanding", (), table),
                                      Section("Files", listing + ("manifest.json (SHA-256 of every file)",))),
                            language="en")
    else:
        document = Document(title=f"证据材料目录 — 贷款 {loan.external_id}", subtitle=f"账务截至 {cut_off.isoformat()}",
                            sections=(Section("欠款明细（元）", (), table),
                                      Section("文件清单", listing + ("manifest.json（各文件 SHA-256）",))))
    return render(document)


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps({
        "files": [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items())],
    }, indent=2).encode("utf-8")


def write_pack(external_id: str, *, cut_off: dt.date, target: Path, profile: str = "cn") -> Path:
    from arrears.ledger.models import Loan

    loan = Loan.objects.select_related("borrower", "product").filter(external_id=external_id).first()
    if loan is None:
        raise InputError(f"找不到贷款 {external_id}", f"no loan {external_id!r}")
    if cut_off < loan.start_date:
        raise InputError("截止日期早于放款日", "The cut-off comes before the loan was disbursed")
    files = pack_files(loan, cut_off, profile=profile)
    files_and_manifest = {**files, "manifest.json": manifest(files)}
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files_and_manifest.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    partial.replace(target)
    return target
