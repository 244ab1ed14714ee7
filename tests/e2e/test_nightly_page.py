"""The nights page (/nightly/): the last nights, each step's state, times, memory, counts and tries, a
failed step's reason in the reader's language; for administrators and compliance officers only; the
nights in the admin, read-only.

The nights are written as the runner writes them (NightlyRun, NightlyStep rows): the night of
2026-05-01 finished, the night of 2026-05-02 failed at its third step (judge).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group

import arrears.nightly
from arrears.access.sync import sync_roles
from arrears.nightly.models import NightlyRun, NightlyStep
from arrears.nightly.steps import STEPS
from tests.e2e.test_pages import row, tables, text
from tests.translations import marked_strings, untranslated

pytestmark = pytest.mark.django_db

GOOD_NIGHT = dt.date(2026, 5, 1)
BAD_NIGHT = dt.date(2026, 5, 2)
STARTED = dt.datetime(2026, 5, 2, 17, 0, tzinfo=dt.UTC)  # 01:00 in Shanghai, the night after the business day
WHY_ZH = "贷款文件第 12 行：金额不是数字"
WHY_EN = "loans file line 12: the amount is not a number"
ROLES = ("admin", "strategy_manager", "compliance_officer", "legal_officer", "team_lead", "collector",
         "agency_manager", "agency_collector", "field_collector")
READERS = {"admin", "compliance_officer"}


def a_night(as_of: dt.date, *, failing: str | None = None, running: str | None = None) -> NightlyRun:
    """A night whose steps ran in order up to `failing` (failed) or `running` (left running), else all done."""
    started = STARTED + dt.timedelta(days=(as_of - BAD_NIGHT).days)
    stops = failing or running
    run = NightlyRun.objects.create(as_of=as_of, started_at=started,
                                    finished_at=None if stops else started + dt.timedelta(minutes=9))
    for position, step in enumerate(STEPS, start=1):
        state = "failed" if step.name == failing else "running" if step.name == running else "done"
        NightlyStep.objects.create(
            run=run, name=step.name, position=position, state=state,
            started_at=started + dt.timedelta(minutes=position), seconds=1.5 * position, peak_memory_mb=100 + position,
            counts={} if state != "done" else {"rows": 10 * position}, tries=2 if state == "failed" else 1,
            error_zh=WHY_ZH if state == "failed" else "", error_en=WHY_EN if state == "failed" else "",
        )
        if step.name == stops:
            break
    return run


@pytest.fixture
def people(django_user_model, settings) -> dict:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not security
    sync_roles()
    users = {}
    for role in ROLES:
        users[role] = django_user_model.objects.create_user(username=f"{role}1", password=None)
        users[role].groups.add(Group.objects.get(name=role))
    return users


@pytest.fixture
def nights(people) -> dict[dt.date, NightlyRun]:
    return {GOOD_NIGHT: a_night(GOOD_NIGHT), BAD_NIGHT: a_night(BAD_NIGHT, failing="judge")}


def as_(client, user, language: str | None = None):
    client.force_login(user)
    if language:
        assert client.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302
    return client


def night_section(response, as_of: dt.date) -> str:
    """The HTML of one night's section."""
    found = re.search(rf'<section[^>]*data-night="{as_of:%Y-%m-%d}".*?</section>', text(response), re.DOTALL)
    assert found, f"no section for the night of {as_of}"
    return found.group(0)


# --- a failed night, in each language -------------------------------------------------------------


def test_a_failed_night_shows_its_reason_in_chinese_by_default(client, people, nights):
    # given a compliance officer, in the default language
    as_(client, people["compliance_officer"])
    # when they open the nights page
    response = client.get("/nightly/")
    # then the failed night says so, names the step, and gives the reason in Chinese only
    assert response.status_code == 200
    section = night_section(response, BAD_NIGHT)
    assert 'data-state="failed"' in section and "失败" in section
    assert "夜间任务在“承诺与还款计划评判”一步失败，其后的步骤未运行。" in section
    assert f'<p class="failure-reason">{WHY_ZH}</p>' in section
    assert WHY_EN not in text(response)
    assert "arrears nightly --as-of 2026-05-02" in section


def test_a_failed_night_shows_its_reason_in_english_to_an_english_reader(client, people, nights):
    # given an administrator who chose English
    as_(client, people["admin"], "en")
    # when they open the nights page
    response = client.get("/nightly/")
    # then the reason is in English, and the Chinese one is not shown
    section = night_section(response, BAD_NIGHT)
    assert "The night stopped at the step “promises and plans judged”; the steps after it did not run." in section
    assert f'<p class="failure-reason">{WHY_EN}</p>' in section
    assert WHY_ZH not in text(response)
    # and the failed step's row carries the reason too
    assert row(response, "steps-2026-05-02", "judge")[2] == "failed"
    assert ["", f"Why: {WHY_EN}"] in [cells for key, cells in tables(response)["steps-2026-05-02"] if key == "judge"]


def test_each_step_shows_its_state_seconds_memory_counts_and_tries(client, people, nights):
    # given an administrator reading in English
    as_(client, people["admin"], "en")
    # when they open the nights page
    response = client.get("/nightly/")
    # then each step of the failed night is a row in order: done, done, failed, then not run
    steps = tables(response)["steps-2026-05-02"]
    keys = [key for key, _cells in steps[1:]]
    assert keys == ["feeds", "cycle", "judge", "judge", *[step.name for step in STEPS[3:]]]  # the reason's row after judge
    assert row(response, "steps-2026-05-02", "feeds") == ["1", "feeds in feeds", "done", "1.5", "101", "rows 10", "1"]
    assert row(response, "steps-2026-05-02", "cycle")[2:] == ["done", "3.0", "102", "rows 20", "1"]
    assert row(response, "steps-2026-05-02", "judge")[2:] == ["failed", "4.5", "103", "—", "2"]
    assert row(response, "steps-2026-05-02", "queue")[2:] == ["not run", "—", "—", "—", "—"]
    # and the finished night says done, each step done
    good = night_section(response, GOOD_NIGHT)
    assert 'data-state="done"' in good and 'data-night-state>done<' in good
    assert {cells[2] for _key, cells in tables(response)["steps-2026-05-01"][1:]} == {"done"}


def test_an_unfinished_night_says_so(client, people):
    # given a night whose process stopped during the plan step
    a_night(BAD_NIGHT, running="plan")
    # when an administrator reads the page in English
    response = as_(client, people["admin"], "en").get("/nightly/")
    # then the night and its step are unfinished, and the steps after it have not run
    section = night_section(response, BAD_NIGHT)
    assert 'data-state="running"' in section and "data-night-state>unfinished<" in section
    assert "This night has not finished" in section
    assert row(response, "steps-2026-05-02", "plan")[2] == "unfinished"
    assert row(response, "steps-2026-05-02", "outbox")[2] == "not run"


def test_the_page_shows_the_last_fourteen_nights_newest_first(client, people):
    # given sixteen finished nights
    first = dt.date(2026, 4, 1)
    for day in range(16):
        a_night(first + dt.timedelta(days=day))
    # when an administrator opens the page
    response = as_(client, people["admin"]).get("/nightly/")
    # then the fourteen latest are shown, newest first
    shown = re.findall(r'data-night="([\d-]+)"', text(response))
    assert shown == [f"{first + dt.timedelta(days=day):%Y-%m-%d}" for day in range(15, 1, -1)]


def test_one_night_is_shown_by_its_date_and_a_bad_date_falls_back_to_the_last_nights(client, people, nights):
    as_(client, people["admin"], "en")
    # when one night is asked for by its date
    one = client.get("/nightly/", {"as_of": "2026-05-01"})
    # then only that night is shown
    assert re.findall(r'data-night="([\d-]+)"', text(one)) == ["2026-05-01"]
    # and a day with no night says so
    none = client.get("/nightly/", {"as_of": "2026-06-01"})
    assert "No night has run for 2026-06-01." in text(none)
    # and a date that cannot be read shows the last nights, with a message
    bad = client.get("/nightly/", {"as_of": "2026-02-30"})
    assert bad.status_code == 200 and "That date could not be read" in text(bad)
    assert re.findall(r'data-night="([\d-]+)"', text(bad)) == ["2026-05-02", "2026-05-01"]


def test_before_any_night_the_page_says_none_has_run(client, people):
    response = as_(client, people["compliance_officer"]).get("/nightly/")
    assert response.status_code == 200 and "尚无夜间任务记录。" in text(response)


# --- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_and_compliance_officers_may_read_the_nights(client, people, nights, role):
    # when a person of the role opens the page
    response = as_(client, people[role]).get("/nightly/")
    # then administrators and compliance officers read it; everyone else is refused
    assert response.status_code == (200 if role in READERS else 403)
    # and the navigation links to it only for those who may read it
    portfolio = client.get("/")
    if portfolio.status_code == 200:
        assert ('id="nav-nightly"' in text(portfolio)) == (role in READERS)


def test_a_signed_out_visitor_is_sent_to_sign_in(client, nights):
    response = client.get("/nightly/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_only_reads(client, people, nights):
    response = as_(client, people["admin"]).post("/nightly/")
    assert response.status_code == 405


# --- the admin ------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.cn", "a-long-password-1")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_admin_shows_a_night_with_its_steps_and_changes_nothing(superuser_client, nights):
    run = nights[BAD_NIGHT]
    # when an administrator opens the nights in the admin
    listed = superuser_client.get("/admin/nightly/nightlyrun/")
    shown = superuser_client.get(f"/admin/nightly/nightlyrun/{run.pk}/change/")
    # then the night and its steps (the failed one's reason among them) are shown
    assert listed.status_code == 200 and "May 2, 2026" in text(listed)
    assert shown.status_code == 200 and WHY_EN in text(shown) and WHY_ZH in text(shown)
    # and nothing may be added, changed or deleted
    assert 'name="_save"' not in text(shown)
    assert superuser_client.get("/admin/nightly/nightlyrun/add/").status_code == 403
    assert superuser_client.post(f"/admin/nightly/nightlyrun/{run.pk}/change/", {"as_of": "2026-06-01"}).status_code == 403
    assert superuser_client.post(f"/admin/nightly/nightlyrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert NightlyRun.objects.get(pk=run.pk).as_of == BAD_NIGHT and run.steps.count() == 3


# --- every string in both languages ---------------------------------------------------------------


def test_every_string_of_the_nights_page_is_translated():
    msgids = marked_strings(arrears.nightly)
    assert len(msgids) > 30
    assert untranslated(msgids) == []
