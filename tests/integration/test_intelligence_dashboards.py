"""The dashboards on a real database: the figures of the hand-made book, scoped to the reader, drawn from JSON."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from arrears.access.sync import sync_roles
from arrears.intelligence import dashboards
from arrears.intelligence.models import TrainedModel
from tests.integration.test_intelligence_model import AS_OF, FIRST, make_book

pytestmark = pytest.mark.django_db(transaction=True)


def person(username: str, role: str | None):
    sync_roles()
    user = get_user_model().objects.create_user(username=username, password="x-Strong-Password-1",
                                                is_superuser=role is None, is_staff=role is None)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def chart(response, name: str) -> dict:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert found, name
    return json.loads(found.group(1))


def test_the_figures_of_the_book(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_book()
    start = AS_OF - dt.timedelta(days=60)
    curve = dashboards.recovery_curve(start, AS_OF, by="bucket")
    # every account is in arrears throughout; a third pay 6,000 fen every ten days against 10,000 overdue
    assert [s["name"] for s in curve["series"]] and len(curve["x"]) == 60
    assert all(s["values"] == sorted(s["values"]) for s in curve["series"])  # a cumulative share never falls
    assert 0 < max(s["values"][-1] for s in curve["series"]) < 1000
    vintage = dashboards.recovery_curve(start, AS_OF, by="vintage")
    assert {s["name"] for s in vintage["series"]} == {f"2025-{m:02d}" for m in range(6, 12)}
    trend = dashboards.roll_trend(dashboards.cycle_days())
    assert len(trend["x"]) == dashboards.TREND_POINTS and trend["series"]
    cost = dashboards.cost_of_collection(start, AS_OF)
    assert cost["totals"]["cost"] == 240 * 9 * 5  # an SMS a week, 5 fen each, nine weeks from the start
    assert cost["totals"]["recovered"] > 0

    client.force_login(person("admin1", None))
    page = client.get("/intelligence/")
    assert page.status_code == 200
    assert chart(page, "recovery-bucket")["series"] and chart(page, "cost")["kind"] == "bars"
    assert 'src="/static/web/vendor/echarts/echarts.min.js"' in page.content.decode()
    assert "<script>" not in page.content.decode()  # data only through json_script, no inline script
    assert client.get("/intelligence/model/").status_code == 200  # no model yet: says so
    TrainedModel.objects.create(version=1, as_of=AS_OF, horizon_days=30, share_pct=50, card={
        "calibration": [{"bin": 1, "count": 10, "predicted": 0.1, "observed": 0.2}],
        "metrics": {"lightgbm": {"auc": 0.72, "low": 0.7, "high": 0.74}}, "heads": {}, "drift": []})
    model_page = client.get("/intelligence/model/")
    assert chart(model_page, "auc")["low"] == [0.7] and chart(model_page, "calibration")["x"] == [0.1]
    assert client.get("/intelligence/experiments/").status_code == 200


def test_a_collector_sees_the_figures_of_their_cases_only(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_book()
    client.force_login(person("agent", "collector"))
    page = client.get("/intelligence/")
    assert page.status_code == 200
    assert chart(page, "recovery-bucket")["series"] == []  # no case is theirs: nothing counted
    assert 'id="agencies"' not in page.content.decode()
    assert client.get("/intelligence/experiments/").status_code == 403
    assert FIRST < AS_OF
