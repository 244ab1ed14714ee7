"""Putting the shipped templates (defaults.yaml) in force, each approved only through the lint.

Idempotent: a template whose text is already a version of that code, channel and language is
left as it is, so running the load twice changes nothing and never replaces a lender's edit
that is in force.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from arrears.cycle.models import AccountState
from arrears.errors import ArrearsError, ConfigurationError
from arrears.messaging.models import TemplateState, TemplateVersion
from arrears.messaging.service import approve, approve_with_sample, create_draft

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    channel: str
    language: str
    audience: str
    subject: str
    body: str


@dataclass
class LoadReport:
    approved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_in_force: list[str] = field(default_factory=list)
    refused: dict[str, ArrearsError] = field(default_factory=dict)
    linted_with: str = ""

    def summary(self) -> str:
        return (
            f"已批准 {len(self.approved)}，未变 {len(self.unchanged)}，保留现行版本 {len(self.kept_in_force)}（内容检查所用账户：{self.linted_with}）\n"
            f"approved {len(self.approved)}, unchanged {len(self.unchanged)}, kept the version in force {len(self.kept_in_force)} "
            f"(linted with account {self.linted_with})"
            + "".join(f"\n✗ {name}: {error.bilingual()}" for name, error in self.refused.items())
        )


def default_templates(path: Path = DEFAULTS_FILE) -> tuple[DefaultTemplate, ...]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"无法读取默认模板 {path}：{error}", f"Cannot read the default templates {path}: {error}") from None
    found = []
    for entry in raw["templates"]:
        for language, key in (("zh-hans", "zh"), ("en", "en")):
            found.append(
                DefaultTemplate(
                    code=entry["code"],
                    channel=entry["channel"],
                    language=language,
                    audience=entry.get("audience", "debtor"),
                    subject=entry.get(f"{key}_subject", ""),
                    body=entry[key].strip(),
                )
            )
    return tuple(found)


def load_defaults(loan_external_id: str | None = None, *, user=None) -> LoadReport:
    """Approve every shipped template not yet there, linted on `loan_external_id`'s account, or on
    the first account the nightly cycle has aged, or (an empty book) on a sample account."""
    if loan_external_id is None:
        state = AccountState.objects.select_related("loan").order_by("-days_past_due", "loan_id").first()
        loan_external_id = state.loan.external_id if state is not None else None
    report = LoadReport(linted_with=loan_external_id or "(sample)")
    for template in default_templates():
        name = f"{template.code}/{template.channel}/{template.language}"
        versions = TemplateVersion.objects.filter(code=template.code, channel=template.channel, language=template.language)
        same = versions.filter(body=template.body, subject=template.subject).first()
        if same is not None and same.state != TemplateState.DRAFT:
            report.unchanged.append(name)
            continue
        if same is None and versions.filter(state=TemplateState.APPROVED).exists():
            report.kept_in_force.append(name)
            continue
        draft = same or create_draft(
            code=template.code, channel=template.channel, language=template.language, audience=template.audience,
            subject=template.subject, body=template.body, note="shipped default", user=user,
        )
        try:
            if loan_external_id is None:
                approve_with_sample(draft)
            else:
                approve(draft, loan_external_id, user=user)
        except ArrearsError as error:  # the draft stays, with the reason reported
            report.refused[name] = error
            continue
        report.approved.append(name)
    return report

