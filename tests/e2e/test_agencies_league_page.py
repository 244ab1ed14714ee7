"""The lender's league page shows champion and challenger outcomes, over all agencies and per agency,
in Chinese by default and in English on request."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.integration.test_agencies_league import AS_OF, an_agency, contact, local, placed, promise
from tests.integration.test_cycle_service import pay

pytestmark = pytest.mark.django_db


def cells(page: str, arm: str, agency) -> list[str]:
    """The text of the cells of the arms table's row for `arm` and `agency` (None: all agencies)."""
    table = page[page.index('id="arms"'):]
    table = table[: table.index("</table>")]
    key = f'data-arm="{arm}" data-agency="{"" if agency is None else agency.pk}"'
    row = table[table.index(key):]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]


def test_the_lender_compares_champion_and_challenger_outcomes_on_the_league_page(client, django_user_model):
    # given agency A with two champion cases (one reached, ¥200.00 recovered) and a challenger case with a kept promise
    a, b = an_agency("甲催收", "91310000MA1FL00001"), an_agency("乙催收", "91310000MA1FL00002")
    reached = placed(a, "A-1")
    contact(reached, "right_party_contact", local(AS_OF - dt.timedelta(days=3), 10))
    pay(reached.loan, "P-1", 20_000, AS_OF - dt.timedelta(days=2))
    placed(a, "A-2")
    promise(placed(a, "A-3", arm="challenger"), "kept", AS_OF)
    # and agency B with one champion case
    placed(b, "B-1")
    admin = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    client.force_login(admin)
    # when the lender opens the league page (Chinese by default)
    page = client.get("/agencies/").content.decode()
    # then the arms are compared over all agencies: three champion cases, one challenger
    assert "冠军组与挑战者组" in page
    assert cells(page, "champion", None) == ["冠军组", "全部机构", "3", "¥200.00", "6.66%", "33.33%", "—", "0", "¥20.00", "¥0.10"]
    assert cells(page, "challenger", None) == ["挑战者组", "全部机构", "1", "¥0.00", "0.00%", "100.00%", "100.00%", "0", "¥0.00", "—"]
    # and agency by agency
    assert cells(page, "champion", a)[:5] == ["冠军组", "甲催收", "2", "¥200.00", "10.00%"]
    assert cells(page, "challenger", a)[:3] == ["挑战者组", "甲催收", "1"]
    assert cells(page, "champion", b)[:5] == ["冠军组", "乙催收", "1", "¥0.00", "0.00%"]
    assert f'data-arm="challenger" data-agency="{b.pk}"' not in page
    # when it is read in English
    client.post("/i18n/setlang/", {"language": "en", "next": "/agencies/"})
    english = client.get("/agencies/").content.decode()
    # then the same rows read in English
    assert "Champion and challenger" in english
    assert cells(english, "champion", None)[:3] == ["champion", "All agencies", "3"]
    assert cells(english, "challenger", a)[:2] == ["challenger", "甲催收"]
