"""Use-cases on message templates: render for an attempt, preview, edit, approve (lint-gated), retire."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from arrears import clock
from arrears.compliance.lint import Finding, lint, required_content
from arrears.errors import InputError
from arrears.ledger.models import Loan
from arrears.messaging.errors import ApprovalRefused, NoApprovedTemplate, TemplateError
from arrears.messaging.message import RenderedMessage
from arrears.messaging.models import Audience, TemplateState, TemplateVersion
from arrears.messaging.footer import verify_url, with_footer
from arrears.messaging.rendering import check_syntax, render_text
from arrears.messaging.variables import AccountVariables, account_variables, current_profile, preferred_language



@dataclass(frozen=True)
class Preview:
    """A version rendered for one real account, and what the content lint finds in it."""

    message: RenderedMessage
    findings: tuple[Finding, ...]
    loan_external_id: str

    @property
    def approvable(self) -> bool:
        return not self.findings


def render_attempt(attempt) -> RenderedMessage:
    """The message for a contact attempt, from the approved version of its template.

    The language is the borrower's preference, else zh-Hans; electronic messages end with the
    opt-out line of the lender's compliance profile.
    """
    loan = attempt.loan
    language = preferred_language(loan)
    version = approved_version(attempt.template, attempt.channel, language)
    audience = Audience.THIRD_PARTY if attempt.party == "third_party" else Audience.DEBTOR
    if audience == Audience.THIRD_PARTY and version.audience != Audience.THIRD_PARTY:
        raise TemplateError(
            f"模板 {version.code} 面向债务人，不能发给第三方",
            f"Template {version.code} is written for the debtor and cannot be sent to a third party",
        )
    return render_version(version, loan, audience=audience)


_CJK = re.compile(r"[\u3400-\u9fff]")


def public_url() -> str:
    """Where the footer's links start (the outbox configuration's public address)."""
    from arrears.borrower.replies import public_url as configured

    return configured()


def render_free_text(attempt, *, profile: str | None = None) -> RenderedMessage:
    """An attempt's own text (a visit notice, a collector's or an agency's message), held to the
    rules a template meets: the content lint finds nothing in it, read for its reader (a third
    party must not learn of the debt) and sender (under us-regf an agency says it is a debt
    collector), and once it ends with the profile's opt-out line it carries what its channel
    requires (an agency's text says how to verify it). Raises TemplateError, naming every
    finding, when anything is found.
    """
    from arrears.notices.lender import lender_for

    profile = profile or current_profile()
    body = attempt.body
    language = "zh-hans" if _CJK.search(body) else "en"
    audience = {
        "profile": profile,
        "recipient": "third_party" if attempt.party == "third_party" else "borrower",
        "sender": "debt_collector" if attempt.segment == "agency" else "lender",
        "product": attempt.loan.product.kind,
    }
    findings = lint(body, channel=attempt.channel, **audience) + lint(attempt.subject or "", **audience)
    public = public_url()
    body = with_footer(body, profile, attempt.channel, language, public_url=public,
                       third_party=audience["recipient"] == "third_party")
    if not findings:
        # the sender's name is not required of an attempt's own text: the SMS gateway signs it; the
        # footer's check link is a way to verify the collector, as the lender's hotline is
        verify = (lender_for(profile).hotline, verify_url(public), verify_url(public, short=True))
        findings = required_content(body, channel=attempt.channel, verify=verify, **audience)
    if findings:
        rules = ", ".join(sorted({finding.rule_id for finding in findings}))
        raise TemplateError(
            f"消息内容未通过检查（{rules}）：{findings[0].message_zh}",
            f"The message's wording failed the content check ({rules}): {findings[0].message_en}",
        )
    return RenderedMessage(subject=attempt.subject, body=body, language=language)


def approved_version(code: str, channel: str, language: str) -> TemplateVersion:
    version = TemplateVersion.objects.filter(
        code=code, channel=channel, language=language, state=TemplateState.APPROVED
    ).first()
    if version is None:
        raise NoApprovedTemplate(
            f"模板 {code!r}（渠道 {channel}，语言 {language}）没有已批准的版本",
            f"No approved version of template {code!r} for channel {channel}, language {language}",
        )
    return version


def render_version(version: TemplateVersion, loan: Loan, *, audience: str | None = None, profile: str | None = None) -> RenderedMessage:
    profile = profile or current_profile()
    variables = account_variables(loan, language=version.language, audience=audience or version.audience, profile=profile)
    subject = render_text(version.subject, variables.values, unavailable=variables.unavailable)
    body = render_text(version.body, variables.values, unavailable=variables.unavailable)
    body = with_footer(body, profile, version.channel, version.language, public_url=public_url(),
                       third_party=(audience or version.audience) == Audience.THIRD_PARTY)
    return RenderedMessage(subject=subject, body=body, language=version.language, template_version=version.pk)


def preview(version: TemplateVersion, loan_external_id: str, *, profile: str | None = None) -> Preview:
    """`version` rendered for the loan with that external id, with the content lint's findings."""
    loan = find_loan(loan_external_id)
    profile = profile or current_profile()
    variables = account_variables(loan, language=version.language, audience=version.audience, profile=profile)
    return _linted(version, variables, profile, loan.external_id)


def _linted(version: TemplateVersion, variables: AccountVariables, profile: str, label: str) -> Preview:
    subject = render_text(version.subject, variables.values, unavailable=variables.unavailable)
    body = render_text(version.body, variables.values, unavailable=variables.unavailable)
    body = with_footer(body, profile, version.channel, version.language, public_url=public_url(),
                       third_party=version.audience == Audience.THIRD_PARTY)
    message = RenderedMessage(subject=subject, body=body, language=version.language, template_version=version.pk)
    text = f"{subject}\n{body}" if subject else body
    audience = {
        "profile": profile,
        "recipient": "third_party" if version.audience == Audience.THIRD_PARTY else "borrower",
    }
    findings = lint(text, facts=variables.facts, channel=version.channel, **audience)
    names = (variables.values.get("lender_name", ""), variables.values.get("app_name", ""))
    findings += required_content(text, channel=version.channel, names=names, **audience)
    return Preview(message=message, findings=findings, loan_external_id=label)


def approve(version: TemplateVersion, loan_external_id: str, *, user=None) -> TemplateVersion:
    """Put `version` in force, retiring the one it replaces; refused when the lint finds anything
    in its rendering for the given real account."""
    _check_draft(version)
    return _approve_checked(version, preview(version, loan_external_id), user=user)


def approve_with_sample(version: TemplateVersion, *, profile: str | None = None) -> TemplateVersion:
    """Approval for the shipped templates on a database with no account yet: linted on a sample
    account's variables (recorded as "(sample)")."""
    from arrears.messaging.variables import sample_variables

    _check_draft(version)
    profile = profile or current_profile()
    variables = sample_variables(language=version.language, audience=version.audience, profile=profile)
    return _approve_checked(version, _linted(version, variables, profile, SAMPLE), user=None)


SAMPLE = "(sample)"


def _check_draft(version: TemplateVersion) -> None:
    if version.state != TemplateState.DRAFT:
        raise ApprovalRefused(
            f"只有草稿可以批准，此版本状态为 {version.state}",
            f"Only a draft can be approved; this version is {version.state}",
        )


def _approve_checked(version: TemplateVersion, result: Preview, *, user) -> TemplateVersion:
    if result.findings:
        listed_zh = "；".join(f"{f.rule_id}「{f.excerpt}」：{f.message_zh}" for f in result.findings)
        listed_en = "; ".join(f"{f.rule_id} \"{f.excerpt}\": {f.message_en}" for f in result.findings)
        raise ApprovalRefused(
            f"内容检查发现 {len(result.findings)} 处问题，不能批准：{listed_zh}",
            f"The content lint found {len(result.findings)} problem(s); the version cannot be approved: {listed_en}",
            findings=result.findings,
        )
    return _put_in_force(version, user=user, linted_with=result.loan_external_id)


def _put_in_force(version: TemplateVersion, *, user, linted_with: str) -> TemplateVersion:
    with transaction.atomic():
        TemplateVersion.objects.select_for_update().filter(
            code=version.code, channel=version.channel, language=version.language, state=TemplateState.APPROVED
        ).update(state=TemplateState.RETIRED)
        version.state = TemplateState.APPROVED
        version.approved_at = clock.now()
        version.approved_by = user if user is not None and user.is_authenticated else None
        version.approved_with_loan = linted_with
        version.save(update_fields=["state", "approved_at", "approved_by", "approved_with_loan"])
    return version


def retire(version: TemplateVersion) -> TemplateVersion:
    version.state = TemplateState.RETIRED
    version.save(update_fields=["state"])
    return version


def create_draft(*, code: str, channel: str, language: str, body: str, subject: str = "", audience: str = Audience.DEBTOR,
                 note: str = "", user=None) -> TemplateVersion:
    """A new draft version of a template (version 1, or the next number after the latest one)."""
    check_syntax(subject)
    check_syntax(body)
    with transaction.atomic():
        latest = TemplateVersion.objects.filter(code=code, channel=channel, language=language).aggregate(n=Max("version"))["n"]
        return TemplateVersion.objects.create(
            code=code,
            channel=channel,
            language=language,
            audience=audience,
            version=(latest or 0) + 1,
            subject=subject,
            body=body,
            note=note,
            created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        )


def edit(version: TemplateVersion, *, body: str, subject: str = "", note: str = "", user=None) -> TemplateVersion:
    """An edit never changes a saved version: it makes the next version, as a draft."""
    return create_draft(
        code=version.code, channel=version.channel, language=version.language, audience=version.audience,
        body=body, subject=subject, note=note, user=user,
    )


def find_loan(external_id: str) -> Loan:
    external_id = (external_id or "").strip()
    loan = Loan.objects.select_related("borrower").filter(external_id=external_id).first() if external_id else None
    if loan is None:
        raise InputError(f"找不到外部编号为 {external_id!r} 的贷款", f"No loan with external id {external_id!r}")
    return loan
