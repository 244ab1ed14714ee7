"""Strategy versions are validated, stored with their history and in force from a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arrears.cli import main
from arrears.strategy.document import default_strategy
from arrears.strategy.models import StrategyVersion
from arrears.strategy.versions import strategy_in_force

pytestmark = pytest.mark.django_db
DEFAULT = (Path(__file__).parents[2] / "src/arrears/strategy/default.yaml").read_text(encoding="utf-8")


def test_the_shipped_default_is_in_force_until_a_version_is_stored():
    assert strategy_in_force(dt.date(2026, 1, 1)) == default_strategy()


def test_a_stored_version_is_in_force_from_its_date(tmp_path, capsys):
    # given the next version of the default strategy, activated on 1 March
    shipped = default_strategy().version
    second = DEFAULT.replace(f"version: {shipped}", f"version: {shipped + 1}", 1)
    path = tmp_path / "v2.yaml"
    path.write_text(second, encoding="utf-8")
    # when it is loaded
    assert main(["strategy", "load", str(path), "--active-from", "2026-03-01"]) == 0
    # then it is in force from that day, not before
    assert strategy_in_force(dt.date(2026, 2, 28)).version == shipped
    assert strategy_in_force(dt.date(2026, 3, 1)).version == shipped + 1
    assert f"v{shipped + 1}" in capsys.readouterr().out


def test_a_broken_document_is_refused_with_line_and_field(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text(DEFAULT.replace("when: dispute and dpd >= 1", "when: dispute and dpd >=", 1), encoding="utf-8")
    assert main(["strategy", "load", str(path), "--active-from", "2026-03-01"]) == 1
    err = capsys.readouterr().err
    assert "segments[0].when" in err and "Traceback" not in err
    assert not StrategyVersion.objects.exists()


def test_the_same_version_twice_is_refused(tmp_path, capsys):
    path = tmp_path / "v1.yaml"
    path.write_text(DEFAULT, encoding="utf-8")
    assert main(["strategy", "load", str(path), "--active-from", "2026-03-01"]) == 0
    assert main(["strategy", "load", str(path), "--active-from", "2026-04-01"]) == 1
    assert "raise the version" in capsys.readouterr().err


def test_admin_validation_uses_the_same_rules():
    from django.core.exceptions import ValidationError

    version = StrategyVersion(name="default", version=1, document="name: default\nversion: 1\nsegments: 3\n",
                              active_from=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        version.full_clean()
    assert "document" in refused.value.message_dict
