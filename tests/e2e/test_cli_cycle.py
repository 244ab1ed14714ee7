"""`arrears cycle` from the command line: it ages the book, and bad input gets a bilingual message."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.cli import main
from arrears.cycle.models import AccountState, CycleRun
from tests.integration.test_cycle_service import make_loan

pytestmark = pytest.mark.django_db(transaction=True)


def test_cycle_command_ages_one_day(capsys):
    make_loan("L-CLI")
    assert main(["cycle", "--as-of", "2026-04-01"]) == 0
    assert AccountState.objects.get().as_of == dt.date(2026, 4, 1)
    assert "accounts aged" in capsys.readouterr().out


def test_cycle_command_backfills_day_by_day():
    make_loan("L-CLI-RANGE")
    assert main(["cycle", "--from", "2026-03-01", "--to", "2026-03-05"]) == 0
    assert sorted(CycleRun.objects.values_list("as_of", flat=True)) == [
        dt.date(2026, 3, day) for day in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("arguments", "chinese", "english"),
    [
        (["cycle"], "请给出", "give --as-of"),
        (["cycle", "--from", "2026-03-05", "--to", "2026-03-01"], "结束日期早于开始日期", "is before"),
        (["cycle", "--as-of", "2026-03-01", "--from", "2026-03-01"], "不能与", "not both"),
    ],
)
def test_bad_options_get_a_bilingual_message_and_no_traceback(capsys, arguments, chinese, english):
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert chinese in err and english in err
    assert "Traceback" not in err


def test_a_malformed_date_is_refused_in_both_languages(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["cycle", "--as-of", "2026-13-45"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "日期格式应为" in err and "must look like" in err
