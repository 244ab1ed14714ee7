"""The demo: a synthetic lender simulated through its last weeks, then served.

`arrears demo` runs `arrears simulate` over a book large enough that every rung of the ladder has
cases (agencies, visits, plans, promises, opt-outs, holds, legal reviews and cases), writes one
evidence pack and the last day's credit-report file with its validation report, prints the sign-in
of every role and a tour of accounts in each state, and serves the web app.
"""

from __future__ import annotations

DEMO_USER = "demo"
DEMO_PASSWORD = "arrears-demo-2026"
DEMO_LOANS = 1_200
DEMO_DAYS = 24


def logins() -> list[tuple[str, str]]:
    """(user name, role in words) of every demo login, admin first, read back from the database."""
    from django.contrib.auth import get_user_model

    from arrears.access.roles import Role

    users = get_user_model().objects.filter(is_active=True).prefetch_related("groups").order_by("pk")
    rows = []
    for user in users:
        names = [g.name for g in user.groups.all()]
        role = "admin" if user.is_superuser else ", ".join(str(Role(n).label) for n in names if n in Role.values)
        rows.append((user.get_username(), role or "—"))
    return rows


def tour_lines(base_url: str) -> list[str]:
    """One line per tour stop, with the link that opens an account in that state; a stop with no
    account in that state in the whole book says so, so a demo that lacks a rung shows it."""
    from django.contrib.auth import get_user_model

    from arrears.web.tour import STOPS, example

    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    lines = []
    for stop in STOPS:
        line = f"  {base_url}/tour/{stop.slug}/  {stop.zh} / {stop.en}"
        if admin is not None and example(admin, stop.slug) is None:
            line += "  （本账簿中没有 / none in this book）"
        lines.append(line)
    return lines


def legal_and_credit_files(directory, day) -> list[str]:
    """One evidence pack (the legal case furthest along) and the day's credit report, under `directory`;
    the lines that say where they are and how many cases stand at each stage."""
    from django.db.models import Count

    from arrears.credit.models import CreditReport
    from arrears.credit.reporting import run_report
    from arrears.errors import ArrearsError
    from arrears.legal.models import LegalCase
    from arrears.legal.costs import awarded_costs
    from arrears.legal.pack import write_pack
    from arrears.legal.routes import stage_words

    lines = []
    stages = dict(LegalCase.objects.filter(state="open").values_list("stage").annotate(n=Count("pk")))
    lines.append("法律案件 / legal cases: " + ("，".join(f"{stage_words(stage)[0]} {n}" for stage, n in sorted(stages.items()))
                                          or "无 / none"))
    awarded = [awarded_costs(case.loan_id) for case in LegalCase.objects.filter(stages__costs_awarded__gt=0).distinct()]
    if awarded:
        lines.append(f"判决承担的费用 / costs awarded: {len(awarded)} 案 / cases，尚欠 / outstanding "
                     f"{sum(c.outstanding for c in awarded) / 100:.2f}")
    order = ["enforcement", "effective", "served", "issued", "filed", "prepare"]
    furthest = sorted(LegalCase.objects.select_related("loan"), key=lambda case: order.index(case.stage)
                      if case.stage in order else len(order))
    if furthest:
        loan = furthest[0].loan.external_id
        path = write_pack(loan, cut_off=day, target=directory / "packs" / f"{loan}-{day.isoformat()}.zip")
        lines.append(f"证据材料包 / evidence pack: {path}")
    try:
        made = CreditReport.objects.filter(as_of=day).first()  # a reporting day: the night's credit step wrote it
        path, sent = (made.path, made.records) if made else (None, None)
        if made is None:
            outcome = run_report(day, directory=directory / "credit")
            path, sent = outcome.path, outcome.sent
        validation = str(path).replace(".jsonl", ".validation.txt")
        lines.append(f"征信报送文件 / credit report: {path} ({sent})；校验 / validation: {validation}")
    except ArrearsError as refused:
        lines.append(f"征信报送未生成 / no credit report: {refused.zh} / {refused.en}")
    from arrears.intelligence.demo_model import model_lines

    return lines + model_lines(day)  # the propensity model trained, promoted and scoring the book


def portal_lines(base_url: str) -> list[str]:
    """How to sign in to the borrower portal as a demo borrower: a loan with an open case whose
    borrower has a verified mobile, its reference and the ID's last 4. The code goes out through the
    outbox like any SMS: `arrears peers` prints it when `arrears worker` sends it."""
    from arrears.cases.models import CollectionCase
    from arrears.disputes.models import BorrowerComplaint, Dispute

    case = (CollectionCase.objects.filter(closed_on__isnull=True, loan__borrower__contact_points__kind="mobile",
                                          loan__borrower__contact_points__verified=True,
                                          loan__borrower__contact_points__do_not_contact=False)
            .select_related("loan__borrower").order_by("-days_past_due", "pk").first())
    lines = [f"  {base_url}/my/"]
    if case is None:
        return lines + ["  （本账簿中没有可登录的借款人 / no borrower in this book can sign in）"]
    loan = case.loan
    lines += [
        f"  贷款编号 / loan reference: {loan.external_id}    身份证后 4 位 / ID last 4: {loan.borrower.national_id_masked[-4:]}",
        "  验证码经发件箱以短信发出：另开两个终端运行 `arrears peers` 与 `arrears worker`，验证码显示在 peers 的输出中",
        "  the code is sent as an SMS through the outbox: run `arrears peers` and `arrears worker` in two more terminals;",
        "  the code shows in the peers' output",
        f"  合规处理队列 / the compliance queue of disputes and complaints: {base_url}/disputes/",
    ]
    counts = [f"{Dispute.objects.filter(state=s).count()} {s}" for s in ("open", "upheld", "corrected", "rejected")]
    lines.append("  争议 / disputes: " + ", ".join(counts))
    corrected = Dispute.objects.filter(correction__isnull=False)
    numbers = ", ".join(f"#{pk}" for pk in corrected.order_by("pk").values_list("pk", flat=True)[:5])
    lines.append(f"  账目更正 / ledger corrections from disputes: {corrected.count()}" + (f" ({numbers})" if numbers else ""))
    counts = [f"{BorrowerComplaint.objects.filter(state=s).count()} {s}" for s in ("open", "upheld", "not_upheld")]
    lines.append("  投诉 / complaints: " + ", ".join(counts))
    scoped = BorrowerComplaint.objects.filter(hold__isnull=False)
    counts = [f"{scoped.filter(hold__scope_agency__isnull=False).count()} agency",
              f"{scoped.exclude(hold__scope_channel='').count()} channel",
              f"{scoped.filter(hold__scope_agency__isnull=True, hold__scope_collector__isnull=True, hold__scope_channel='').count()} whole loan"]
    lines.append("  投诉暂停范围 / what complaint holds cover: " + ", ".join(counts))
    from arrears.plans.models import Plan

    mine = Plan.objects.filter(proposed_by__username="borrower-portal")
    counts = [f"{mine.filter(status=s).count()} {s}" for s in ("active", "proposed", "rejected", "kept", "reverted")]
    lines.append("  借款人自助计划 / self-serve plans: " + ", ".join(counts))
    return lines


DEMO_TRANSCRIPTS = {
    "cn": (
        ("您好，我是禾丰消费金融的客服，您本期还款已逾期五天，可以通过App还款，如有困难可以申请分期。", False),
        ("再不还钱，你通讯录里的人我们一个一个打电话，让大家都知道你欠钱不还。", True),
        ("你这种老赖就该去坐牢，警察明天就上门抓你。", True),
        ("您好，我们理解您的困难，可以为您申请延期七天，请在App内确认。", False),
    ),
    "us-regf": (
        ("This is a debt collector. Your payment is five days late; you can pay in the app or ask about a plan.", False),
        ("This is a debt collector. Pay today or we will call your boss and tell your whole office about this debt.", True),
        ("This is a debt collector. If you don't pay, the police will arrest you at work tomorrow.", True),
        ("This is a debt collector. You may dispute this debt; we will pause collection until we send verification.", False),
    ),
}


def dialer_transcripts(directory, day, profile: str = "cn") -> list[str]:
    """The lender's dialer reports a few calls of `day` with their transcripts through the contacts
    feed, so the content review list and the contact history show what the lint found in them."""
    import csv
    import datetime as dt
    import hashlib
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from arrears.contact.models import ContactAttempt
    from arrears.feeds import import_contacts
    from arrears.feeds.schemas import CONTACTS
    from arrears.ledger.models import ContactPoint

    points = list(ContactPoint.objects.filter(kind="mobile", owner="borrower", borrower__loans__start_date__lt=day)
                  .values_list("value", "borrower__loans__external_id").order_by("pk")[:4])
    if not points:
        return ["通话转写 / call transcripts: 无可用账户 / no account to call"]
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    path = directory / "dialer" / f"contacts-{day.isoformat()}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(CONTACTS.names))
        writer.writeheader()
        for index, ((mobile, loan), (text, _)) in enumerate(zip(points, DEMO_TRANSCRIPTS[profile])):
            reference = f"dialer/recordings/{day.isoformat()}/{index + 1:04d}.wav"
            writer.writerow({name: "" for name in CONTACTS.names} | {
                "record_id": f"T{day:%Y%m%d}{index + 1:02d}", "source": "dialer-demo", "loan_id": loan, "channel": "call",
                "contact": mobile, "attempted_at": (at + dt.timedelta(minutes=7 * index)).isoformat(),
                "outcome": "right_party_contact", "duration_seconds": str(60 + 30 * index), "recording_ref": reference,
                "recording_sha256": hashlib.sha256(reference.encode()).hexdigest(), "transcript": text,
            })
    outcome = import_contacts(path)
    flagged = ContactAttempt.objects.exclude(transcript="").exclude(content_findings=[]).count()
    return [f"通话转写 / call transcripts: {outcome.landed} 条导入 / landed, {outcome.rejected} 条拒收 / rejected; "
            f"{flagged} 条有内容问题 / with findings: /workbench/content-review/"]
