"""The shipped templates: one for every template code the default strategy uses, in both
languages, all approved through the content lint on a real account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from arrears.cycle.service import run_cycle
from arrears.messaging.defaults import default_templates, load_defaults
from arrears.messaging.models import TemplateVersion
from arrears.messaging.service import preview
from arrears.strategy.guarding import SENT_AS
from tests.integration.test_messaging_render import make_account

pytestmark = pytest.mark.django_db(transaction=True)
STRATEGY = Path(__file__).parents[2] / "src" / "arrears" / "strategy" / "default.yaml"


def strategy_templates() -> set[tuple[str, str]]:
    document = yaml.safe_load(STRATEGY.read_text(encoding="utf-8"))
    found = set()
    for segment in document["segments"]:
        for cadence in (segment.get("cadence") or [], (segment.get("challenger") or {}).get("cadence") or []):
            found |= {(step["template"], SENT_AS.get(step["channel"], step["channel"])) for step in cadence}
    return found


def test_every_template_code_of_the_default_strategy_ships_in_both_languages():
    # given the shipped templates
    shipped = {(t.code, t.channel, t.language) for t in default_templates()}
    # then each (template, channel) the default strategy uses (an offer goes out as an SMS) has a zh-Hans and an English text
    for code, channel in strategy_templates():
        assert (code, channel, "zh-hans") in shipped, (code, channel)
        assert (code, channel, "en") in shipped, (code, channel)


def test_loading_the_defaults_approves_them_all_through_the_lint_on_a_real_account_and_is_idempotent():
    # given an account aged by the nightly cycle
    loan = make_account("L-DEFAULTS")
    run_cycle(dt.date(2026, 5, 10))
    # when the shipped templates are loaded
    report = load_defaults()
    # then every one is approved, linted on that account, and each renders with no finding
    assert report.refused == {}
    assert len(report.approved) == len(default_templates())
    approved = TemplateVersion.objects.filter(state="approved")
    assert approved.count() == len(default_templates())
    assert set(approved.values_list("approved_with_loan", flat=True)) == {loan.external_id}
    for version in approved:
        assert preview(version, loan.external_id).findings == ()
    # when they are loaded again, then nothing changes
    again = load_defaults()
    assert again.approved == [] and len(again.unchanged) == len(default_templates())
    assert TemplateVersion.objects.count() == len(default_templates())


def test_on_an_empty_book_the_defaults_are_linted_on_a_sample_account():
    # given no loan at all, when the defaults are loaded
    report = load_defaults()
    # then they are approved and say they were linted on a sample
    assert report.refused == {} and report.linted_with == "(sample)"
    assert set(TemplateVersion.objects.values_list("approved_with_loan", flat=True)) == {"(sample)"}
