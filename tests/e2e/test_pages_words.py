"""The pages speak words, never codes: a segment, a channel, an arm, a message template or a payment
channel is named in the reader's language on the main pages, and no code of those vocabularies
shows in their text."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from arrears.ledger.models import Payment
from arrears.messaging.names import template_names
from arrears.strategy.document import default_strategy
from arrears.strategy.models import PlannedAction
from arrears.web.labels import ARMS, CHANNELS, OWNERS, PAYMENT_CHANNELS
from tests.e2e.workbench_world import END, signed_in, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """What a person reads: the text between tags, not attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    return " ".join(reader.parts)


def codes(language: str) -> set[str]:
    """Every code a page could show instead of a word. In English a one-word code can be its own
    word (an arm is a "challenger", a payment a "waiver"): only the codes with an underscore count."""
    found = {segment.id for segment in default_strategy().segments}
    found |= set(template_names()) | set(PAYMENT_CHANNELS) | set(ARMS) | set(OWNERS) | set(CHANNELS)
    return found if language == "zh-hans" else {code for code in found if "_" in code}


def shown_codes(text: str, language: str) -> list[str]:
    return sorted(code for code in codes(language) if re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text))


@pytest.fixture
def spoken(world):  # noqa: F811 - the fixture above
    loan = world.book.loans["L-1001"]
    PlannedAction.objects.filter(template="call").update(template="call_late_mild")  # the world's stand-in
    PlannedAction.objects.create(
        as_of=END, loan=loan, strategy="default v1", segment="agency_placement", owner="agency_pool", arm="challenger",
        rule="agency_placement/challenger/2", channel="forbearance_offer", template="sms_late_notice", attempts=2,
        allowed=False, blocked_by="cn.contact_hours", reasons_zh="不在可联系时段", reasons_en="outside contact hours",
    )
    Payment.objects.create(reference="W-1", loan=loan, amount=10_000, value_date=END - dt.timedelta(days=3),
                           channel="withhold")
    Payment.objects.create(reference="W-2", loan=loan, amount=5_000, value_date=END - dt.timedelta(days=2),
                           channel="bank_transfer")
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("path", ["/workbench/", "/accounts/L-1001/", "/"])
def test_the_main_pages_name_things_in_words_not_codes(client, spoken, path, language):
    # given a team lead reading a main page in either language
    signed_in(client, spoken.users["lead1"])
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    # then no code of the product's vocabularies is shown as text
    shown = shown_codes(text, language)
    assert not shown, f"{path} shows codes in {language}: {shown}"


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["委外催收", "挑战者组", "纾困方案", "逾期告知短信", "代扣", "银行转账", "轻度"]),
    ("en", ["Agency placement", "challenger", "forbearance offer", "late-payment notice SMS", "direct debit",
            "bank transfer"]),
])
def test_the_account_page_names_the_segment_channel_arm_template_and_payment_channel(client, spoken, language, words):
    # given a team lead on an account with planned actions and payments
    signed_in(client, spoken.users["lead1"])
    text = visible_text(client.get("/accounts/L-1001/", HTTP_ACCEPT_LANGUAGE=language).content.decode())
    # then each is named in the reader's language
    missing = [word for word in words if word not in text]
    assert not missing, missing
