"""The self-serve plan in the portal: within the lender's self-serve policy it is approved at once
through the plans' services (the same preview and schedule the staff see); beyond it, or a hardship
request, it waits in the approval queue; a lender's policy file may tighten the defaults, never loosen.

The book is tests/e2e/conftest.py (张伟: L-1001, ID ending 123X); the clock stands at 2026-05-12 10:00 Shanghai.
"""

from __future__ import annotations


import pytest

from arrears import clock
from arrears.borrower.plans import self_serve_policy
from arrears.plans.models import Plan
from tests.e2e.test_borrower_portal import MORNING, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def morning():
    clock.set_now(MORNING)
    yield
    clock.set_now(None)


def ask(client, action="propose", **fields):
    data = {"kind": "instalments", "start_date": "2026-05-20", "instalments": 0, "deferral_months": 0, "reason": "",
            "action": action, **fields}
    return client.post("/my/loans/L-1001/plan/", data)


def test_a_plan_inside_the_policy_is_previewed_then_in_force_at_once(client, book):
    signed_in(client)
    preview = ask(client, action="preview", instalments=4)
    assert preview.status_code == 200 and 'id="plan-preview"' in preview.content.decode()
    assert not Plan.objects.exists()
    response = ask(client, instalments=4, reason="工资延迟发放")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.kind, plan.instalment_count, plan.status) == ("instalments", 4, "active")
    assert plan.reschedule is not None and len(plan.preview["rows"]) == 4
    assert "self-serve" in plan.reason


def test_a_plan_beyond_the_policy_and_a_hardship_request_wait_for_approval(client, book):
    signed_in(client)
    assert ask(client, instalments=8).status_code == 302
    waiting = Plan.objects.get()
    assert waiting.status == "proposed" and "team_lead" in waiting.approver_roles and "borrower" not in waiting.approver_roles
    Plan.objects.all().delete()
    assert ask(client, kind="hardship", deferral_months=1, reason="失业").status_code == 302
    assert Plan.objects.get().status == "proposed"
    assert ask(client, kind="hardship", deferral_months=1, reason="").status_code == 400


def test_the_lender_s_policy_tightens_and_never_loosens(client, book, settings, tmp_path):
    policy = tmp_path / "self-serve.yaml"
    policy.write_text("max_instalments: 3\nmax_deferral_months: 12\n", encoding="utf-8")
    settings.ARREARS_SELF_SERVE_POLICY = str(policy)
    assert self_serve_policy() == {"max_instalments": 3, "max_deferral_months": 1}
    signed_in(client)
    assert ask(client, instalments=4).status_code == 302
    assert Plan.objects.get().status == "proposed"


def test_a_plan_dated_in_the_past_is_refused_plainly(client, book):
    signed_in(client)
    response = ask(client, instalments=3, start_date="2026-05-01")
    assert response.status_code == 400 and "已过" in response.content.decode()
    assert not Plan.objects.exists()
