"""Legal cases: opened by a legal officer after the checks, moved stage by stage, closed.

    case = open_case(user=officer, route="payment_order", review_id=12, note="材料齐全")
    case = open_case(user=officer, route="suit", loan_id=7, note="人工移交 / manual referral")
    advance(case.pk, user=officer, to="filed", entered_on=day, case_number="(2026)京0105民督123号",
            forum="北京市朝阳区人民法院", fees_paid=5_000)
    advance(case.pk, user=officer, to="enforcement", entered_on=day, recovered=120_000)   # → a payment

Opening checks (`opening_checks`, also shown on the page before anyone decides): the debt is not
time-barred (arrears.legal.limitation); there is an amount to claim; the evidence exists (the loan's
schedule, and a disbursement); and no hold that forbids a referral is in force (a dispute or a complaint
still open, a bankruptcy, a death). Opening places a legal hold: ordinary collection stops, and only what
the profile's legal-hold rule allows goes out, still through the guard. Closing releases it.

Costs awarded against the debtor are owed apart from the loan (arrears.legal.costs). Money enforced from
the debtor pays them first; the rest reaches the ledger as a payment of the channel `enforcement`,
value-dated the stage's day, the way a payments feed row lands: the nightly cycle then ages it like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from arrears import clock
from arrears.errors import InputError
from arrears.legal.costs import awarded_costs, split_recovery
from arrears.legal.routes import ROUTES, deadline, may_move, routes_for, stage_words

MAX_TEXT = 2000
ENFORCEMENT_CHANNEL = "enforcement"
BLOCKING_HOLDS = ("dispute_open", "complaint_review", "bankruptcy", "deceased")
RECOVERY_STAGES = ("enforcement", "garnishment", "closed")


class CaseRefused(InputError):
    """The person may not open or advance legal cases (HTTP 403)."""


def may_manage(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("legal.manage_legal_case"))


@dataclass(frozen=True)
class Check:
    name: str  # limitation, amount, evidence, holds
    passed: bool
    zh: str
    en: str


def _profile() -> str:
    from arrears.compliance.lender import lender_profile_name

    return "us-regf" if lender_profile_name() == "us-regf" else "cn"


def _amount_due(loan_id: int) -> int:
    """The balance at the last night's ageing (fen), 0 when the loan was never aged."""
    from arrears.cycle.models import AccountState

    state = AccountState.objects.filter(loan_id=loan_id).only("balance").first()
    return 0 if state is None else max(int(state.balance), 0)


def blocking_holds(loan_id: int, at: dt.datetime | None = None) -> list:
    from arrears.cases.holds import in_force

    return list(in_force(loan_id, at).filter(kind__in=BLOCKING_HOLDS))


def referral_blocked(loan_id: int) -> InputError | None:
    """Why the account may not be referred now (a dispute or complaint open, a bankruptcy, a death), or None."""
    from arrears.cases.holds import kind_words

    holds = blocking_holds(loan_id)
    if not holds:
        return None
    zh = "、".join(kind_words(hold.kind)[0] for hold in holds)
    en = ", ".join(kind_words(hold.kind)[1] for hold in holds)
    return InputError(f"账户有未结的{zh}，不能移交法务", f"The account has an open {en}: it cannot be referred")


def opening_checks(loan_id: int, on: dt.date | None = None) -> list[Check]:
    """The four checks before a case opens, each with its finding in both languages."""
    from arrears.ledger.models import Instalment, Loan
    from arrears.legal.limitation import limitation_of

    on = on or clock.today()
    checks = []
    limitation = limitation_of(loan_id, on, profile=_profile())
    if limitation is None:
        checks.append(Check("limitation", False, "无还款计划，无法计算诉讼时效", "No schedule: no limitation date"))
    elif limitation.time_barred(on):
        checks.append(Check("limitation", False, f"已过诉讼时效（{limitation.expires_on}）",
                            f"Time-barred since {limitation.expires_on}"))
    else:
        checks.append(Check("limitation", True, f"诉讼时效至 {limitation.expires_on}",
                            f"Limitation runs to {limitation.expires_on}"))
    amount = _amount_due(loan_id)
    checks.append(Check("amount", amount > 0, f"应还余额 {amount / 100:.2f} 元" if amount else "无欠款可主张",
                        f"Balance {amount / 100:.2f} yuan" if amount else "Nothing owed to claim"))
    loan = Loan.objects.filter(pk=loan_id).first()
    schedule = Instalment.objects.filter(loan_id=loan_id).exists()
    evidence = bool(loan is not None and loan.principal > 0 and schedule)
    checks.append(Check("evidence", evidence, "合同、放款与还款计划齐全" if evidence else "缺少合同、放款或还款计划记录",
                        "Contract, disbursement and schedule on file" if evidence
                        else "The contract, disbursement or schedule is missing"))
    blocked = referral_blocked(loan_id)
    checks.append(Check("holds", blocked is None, "无阻止移交的暂停" if blocked is None else blocked.zh,
                        "No hold forbids a referral" if blocked is None else blocked.en))
    return checks


def _text(value: str | None, *, limit: int = MAX_TEXT, zh: str, en: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise InputError(f"{zh}不能超过 {limit} 字", f"{en} may be at most {limit} characters")
    return value


def _fen(value, *, zh: str, en: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{zh}须为整数（分）", f"{en} must be a whole number of fen")
    if value < 0:
        raise InputError(f"{zh}不能为负", f"{en} may not be negative")
    return value


def open_case(*, user, route: str, review_id: int | None = None, loan_id: int | None = None, note: str = "",
              forum: str = "", on: dt.date | None = None):
    """Open a case from a referred review, or from a manual referral of a loan; InputError when a check fails."""
    from arrears.cases.holds import place_hold
    from arrears.ledger.models import Loan
    from arrears.legal.limitation import limitation_of
    from arrears.legal.models import LegalCase, LegalReview, LegalStage, ReviewState

    if not may_manage(user):
        raise CaseRefused("您的角色不能办理法律案件", "Your role may not open legal cases")
    profile = _profile()
    if route not in ROUTES or ROUTES[route].profile != profile:
        choices = ", ".join(r.code for r in routes_for(profile))
        raise InputError(f"未知的法律途径：{route}（可选 {choices}）", f"unknown route {route!r}; choose one of {choices}")
    note = _text(note, zh="说明", en="The note")
    forum = _text(forum, limit=200, zh="法院或公证机构", en="The court or notary")
    on = on or clock.today()
    with transaction.atomic():
        review = None
        if review_id is not None:
            review = LegalReview.objects.select_for_update().filter(pk=review_id).first()
            if review is None:
                raise InputError(f"找不到法务审查 {review_id}", f"no legal review {review_id}")
            if review.state != ReviewState.REFERRED:
                raise InputError("只有已移交法务的审查可以立案", "Only a review referred for legal action becomes a case")
            if LegalCase.objects.filter(review=review).exists():
                raise InputError("此审查已有法律案件", "This review already has a legal case")
            loan_id = review.loan_id
        elif loan_id is None or not Loan.objects.filter(pk=loan_id).exists():
            raise InputError("须指明法务审查或贷款", "Name a referred review or a loan")
        elif not note:
            raise InputError("人工移交须说明理由", "A manual referral needs a reason")
        if LegalCase.objects.filter(loan_id=loan_id, state="open").exists():
            raise InputError("此贷款已有进行中的法律案件", "The loan already has an open legal case")
        failed = [check for check in opening_checks(loan_id, on) if not check.passed]
        if failed:
            raise InputError("；".join(check.zh for check in failed), "; ".join(check.en for check in failed))
        limitation = limitation_of(loan_id, on, profile=profile)
        hold = place_hold(loan_id=loan_id, kind="legal_hold", source="legal", by=user,
                          reason=f"法律程序：{ROUTES[route].zh} / legal action: {ROUTES[route].en}")
        case = LegalCase.objects.create(
            loan_id=loan_id, review=review, route=route, forum=forum, claim_amount=_amount_due(loan_id),
            limitation_date=limitation.expires_on, opened_on=on, opened_by=user, hold=hold, note=note,
        )
        LegalStage.objects.create(case=case, stage="prepare", entered_on=on, due_by=deadline(route, "prepare", on),
                                  recorded_by=user, recorded_at=clock.now(), note=note)
    return case


def advance(case_id: int, *, user, to: str, entered_on: dt.date | None = None, documents: str = "",
            case_number: str = "", forum: str = "", fees_paid=0, amount_awarded=0, costs_awarded=0, recovered=0,
            note: str = ""):
    """Move a case to its next stage (or close it), recording what happened; recovered money becomes a payment."""
    from arrears.cases.holds import release_hold
    from arrears.ledger.models import Payment
    from arrears.legal.models import CaseState, LegalCase, LegalStage

    if not may_manage(user):
        raise CaseRefused("您的角色不能办理法律案件", "Your role may not advance legal cases")
    documents = _text(documents, zh="文书", en="The documents")
    note = _text(note, zh="说明", en="The note")
    case_number = _text(case_number, limit=100, zh="案号", en="The case number")
    forum = _text(forum, limit=200, zh="法院或公证机构", en="The court or notary")
    amounts = {
        "fees_paid": _fen(fees_paid, zh="已付费用", en="Fees paid"),
        "amount_awarded": _fen(amount_awarded, zh="判决金额", en="The amount awarded"),
        "costs_awarded": _fen(costs_awarded, zh="判决承担的费用", en="Costs awarded"),
        "recovered": _fen(recovered, zh="执行回收金额", en="The amount recovered"),
    }
    today = clock.today()
    entered_on = entered_on or today
    if entered_on > today:
        raise InputError("阶段日期不能晚于今天", "A stage's date may not be in the future")
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise InputError(f"找不到法律案件 {case_id}", f"no legal case {case_id}")
        if case.state != CaseState.OPEN:
            raise InputError("此法律案件已结案", "This legal case is closed")
        if to not in ROUTES[case.route].stages or not may_move(case.route, case.stage, to):
            zh, en = stage_words(case.stage)
            raise InputError(f"案件在“{zh}”阶段，不能进入 {to}", f"The case is at '{en}': it cannot move to {to!r}")
        last = case.stages.order_by("-entered_on", "-pk").first()
        if last is not None and entered_on < last.entered_on:
            raise InputError("阶段日期不能早于上一阶段", "A stage cannot begin before the one before it")
        if amounts["recovered"] and to not in RECOVERY_STAGES:
            raise InputError("执行回收只能记在执行或结案阶段", "Money recovered is recorded at enforcement or closing")
        stage = LegalStage.objects.create(
            case=case, stage=to, entered_on=entered_on, due_by=deadline(case.route, to, entered_on),
            documents=documents, case_number=case_number, forum=forum, note=note, recorded_by=user,
            recorded_at=clock.now(), **amounts,
        )
        if amounts["recovered"]:
            to_costs, to_loan = split_recovery(amounts["recovered"], outstanding=awarded_costs(case.loan_id).outstanding)
            stage.costs_recovered = to_costs
            if to_loan:
                stage.payment = Payment.objects.create(
                    reference=f"LEGAL-{case.pk}-{stage.pk}", loan_id=case.loan_id, amount=to_loan,
                    value_date=entered_on, channel=ENFORCEMENT_CHANNEL,
                )
            stage.save(update_fields=["payment", "costs_recovered"])
        case.stage = to
        if case_number:
            case.case_number = case_number
        if forum:
            case.forum = forum
        fields = ["stage", "case_number", "forum"]
        if to == "closed":
            case.state = CaseState.CLOSED
            fields.append("state")
            if case.hold_id is not None:
                try:
                    release_hold(case.hold_id, reason="法律案件结案 / legal case closed", by=user)
                except InputError:
                    pass  # released already by hand: nothing left to release
        case.save(update_fields=fields)
    return case


@dataclass(frozen=True)
class Totals:
    fees_paid: int
    amount_awarded: int
    costs_awarded: int
    recovered: int
    costs_recovered: int


def totals(case) -> Totals:
    stages = list(case.stages.all())
    return Totals(*(sum(getattr(stage, name) for stage in stages)
                    for name in ("fees_paid", "amount_awarded", "costs_awarded", "recovered", "costs_recovered")))
