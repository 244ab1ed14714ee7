"""`arrears notice` and `arrears templates` from the command line, and the notice download view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from arrears.cli import main
from arrears.cycle.service import run_cycle
from arrears.messaging.models import TemplateVersion
from tests.integration.test_messaging_render import make_account
from tests.integration.test_notices_pdf import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = dt.date(2026, 5, 10)


@pytest.fixture
def loan():
    loan = make_account("L-CLI-N1")
    run_cycle(AS_OF)
    return loan


def test_the_notice_command_writes_the_pdf(loan, tmp_path, capsys):
    # when the command writes an English us-regf notice
    out = tmp_path / "notice.pdf"
    code = main(["notice", loan.external_id, "--as-of", "2026-05-10", "--profile", "us-regf", "--lang", "en", "-o", str(out)])
    # then the file is the notice
    assert code == 0 and "written" in capsys.readouterr().out
    text = pdf_text(out.read_bytes())
    assert "WrittenCollectionNotice" in text and "12CFR1006.34" in text and loan.external_id in text
    # and the read is in the audit log, by the command
    from arrears.audit.models import AuditEntry

    entry = AuditEntry.objects.get(kind="read.notice_pdf")
    assert (entry.subject, entry.actor) == (f"loan:{loan.pk}", "cli:notice")


@pytest.mark.parametrize(
    ("arguments", "chinese", "english"),
    [
        (["notice", "NO-SUCH", "--as-of", "2026-05-10", "-o", "x.pdf"], "找不到", "No loan"),
        (["notice", "L-CLI-N1", "--as-of", "2026-01-01", "-o", "x.pdf"], "夜间批处理", "no state from the nightly cycle"),
        (["notice", "L-CLI-N1", "--as-of", "2026-05-10", "-o", "/no/such/dir/x.pdf"], "无法写入", "Cannot write"),
        (["templates", "approve", "999999", "--loan", "L-CLI-N1"], "没有编号", "No template version"),
    ],
)
def test_bad_input_gets_a_bilingual_message_and_no_traceback(loan, capsys, arguments, chinese, english):
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert chinese in err and english in err and "Traceback" not in err


def test_a_bad_date_is_refused_by_the_option_parser_in_both_languages(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["notice", "L-1", "--as-of", "10/05/2026", "-o", "x.pdf"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "日期格式" in err and "YYYY-MM-DD" in err


def test_templates_load_list_and_preview(loan, capsys):
    # when the shipped templates are loaded and listed
    assert main(["templates", "load"]) == 0
    assert "approved" in capsys.readouterr().out
    assert main(["templates", "list"]) == 0
    assert "sms_overdue_notice" in capsys.readouterr().out
    # then a version previews for the account with no finding
    version = TemplateVersion.objects.get(code="sms_overdue_notice", language="zh-hans")
    assert main(["templates", "preview", str(version.pk), "--loan", loan.external_id]) == 0
    out = capsys.readouterr().out
    assert "张三丰" in out and "回复TD退订" in out and "may be approved" in out


def test_the_download_view_gives_the_pdf_to_lender_staff_only(client, loan):
    from arrears.access.sync import sync_roles
    from arrears.cases.models import CollectionCase

    sync_roles()
    url = reverse("messaging:written_notice", args=[loan.external_id])
    # given a signed-in collector, to whom the account's case is assigned
    collector = get_user_model().objects.create_user("c1", password="a-long-password-1")
    collector.groups.add(Group.objects.get_or_create(name="collector")[0])
    case = CollectionCase.objects.filter(loan=loan).first() or CollectionCase(loan=loan, opened_on=AS_OF)
    case.assignee = collector
    case.save()
    client.force_login(collector)
    # when they download the notice, then it is the PDF
    response = client.get(url, {"as_of": "2026-05-10", "lang": "zh-hans"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "催收通知书" in pdf_text(response.content)
    # and a bad date is a 400 with a plain message
    assert client.get(url, {"as_of": "May 10"}).status_code == 400
    # and another collector, whose cases it is not, is answered as if the loan did not exist
    other = get_user_model().objects.create_user("c2", password="a-long-password-1")
    other.groups.add(Group.objects.get(name="collector"))
    client.force_login(other)
    assert client.get(url, {"as_of": "2026-05-10"}).status_code == 404
    # and an agency user is refused
    agent = get_user_model().objects.create_user("a1", password="a-long-password-1")
    agent.groups.add(Group.objects.get_or_create(name="agency_collector")[0])
    client.force_login(agent)
    assert client.get(url, {"as_of": "2026-05-10"}).status_code == 403


def test_the_download_view_needs_a_login(client, loan):
    response = client.get(reverse("messaging:written_notice", args=[loan.external_id]))
    assert response.status_code == 302 and "login" in response["Location"]
