"""Paying online against a local payment provider this test starts: the portal sends the borrower to
the provider by a signed redirect; the provider checks it and calls back with a signed webhook; the
payment lands through the payments feed. A forged callback, a replayed one and a wrong amount land
nothing; a late one still lands, marked late. No fee is added.

The book is tests/e2e/conftest.py (张伟: L-1001, ID ending 123X, mobile verified).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from arrears import clock
from arrears.borrower.models import PaymentOrder
from arrears.borrower.paying import sign
from arrears.ledger.models import Payment
from tests.e2e.test_borrower_portal import signed_in

SECRET = "local-provider-secret"


class LocalProvider(ThreadingHTTPServer):
    """The provider: /pay checks the redirect's signature, then posts the signed callback and sends
    the browser back. `amount_shift` makes it report a different amount; every callback it sent is kept."""

    amount_shift = 0

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.sent: list[tuple[bytes, str, int]] = []  # (body, signature, our answer's status)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        query = urlsplit(self.path).query
        unsigned, _, signature = query.rpartition("&sig=")
        if urlsplit(self.path).path != "/pay" or sign(SECRET, unsigned.encode()) != signature:
            self.send_response(400)
            self.end_headers()
            return
        fields = dict(parse_qsl(unsigned))
        body = json.dumps({"event_id": f"evt-{fields['order']}", "order": fields["order"],
                           "amount": int(fields["amount"]) + self.server.amount_shift, "status": "paid",
                           "paid_at": clock.now().isoformat()}).encode()
        signature = sign(SECRET, body)
        self.server.sent.append((body, signature, post(fields["callback"], body, signature)[0]))
        self.send_response(302)
        self.send_header("Location", fields["return"])
        self.end_headers()


def post(url: str, body: bytes, signature: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def visit(url: str) -> int:
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def provider(settings, live_server, transactional_db):
    server = LocalProvider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ARREARS_PAY_URL, settings.ARREARS_PAY_SECRET = server.url, SECRET
    yield server
    server.shutdown()
    server.server_close()
    clock.set_now(None)


def checkout(live_server, amount="500.00") -> str:
    """Sign in and ask to pay `amount`: the provider's signed address the portal redirects to."""
    client = signed_in(Client())
    host = urlsplit(live_server.url).netloc
    response = client.post("/my/loans/L-1001/pay/", {"amount": amount}, HTTP_HOST=host)
    assert response.status_code == 302, response.content.decode()[:300]
    return response["Location"]


def test_a_payment_goes_through_the_provider_and_lands_through_the_payments_feed(provider, live_server, book, settings):
    address = checkout(live_server, "500.00")
    assert dict(parse_qsl(urlsplit(address).query))["amount"] == "50000"  # no fee added
    assert visit(address) == 302
    assert [status for _, _, status in provider.sent] == [200]
    order = PaymentOrder.objects.get()
    payment = Payment.objects.get(reference=order.reference)
    assert (payment.amount, payment.channel, payment.loan.external_id) == (50_000, "online", "L-1001")
    assert order.state == "paid" and not order.late
    landed_from = settings.VAR_DIR / "payments-online" / f"{order.reference}.csv"
    assert landed_from.read_text(encoding="utf-8").splitlines()[1].startswith(f"{order.reference},L-1001,500.00,")


def test_a_replayed_callback_lands_nothing_more(provider, live_server, book):
    visit(checkout(live_server))
    body, signature, _ = provider.sent[0]
    status, answer = post(f"{live_server.url}/my/pay/callback/", body, signature)
    assert (status, answer) == (200, {"result": "already"})
    assert Payment.objects.filter(channel="online").count() == 1


def test_a_forged_callback_is_refused_and_lands_nothing(provider, live_server, book):
    address = checkout(live_server)
    order = PaymentOrder.objects.get()
    body = json.dumps({"event_id": "evt-x", "order": order.reference, "amount": order.amount, "status": "paid",
                       "paid_at": clock.now().isoformat()}).encode()
    status, answer = post(f"{live_server.url}/my/pay/callback/", body, sign("not-the-secret", body))
    assert status == 400 and answer["error"] == "forged" and "签名无效" in answer["zh"]
    assert not Payment.objects.filter(channel="online").exists()
    order.refresh_from_db()
    assert order.state == "pending"
    # and a redirect whose amount was changed on the way is refused by the provider
    assert visit(address.replace("amount=50000", "amount=100")) == 400


def test_a_callback_with_the_wrong_amount_lands_nothing(provider, live_server, book):
    provider.amount_shift = -100
    visit(checkout(live_server))
    assert [status for _, _, status in provider.sent] == [400]
    assert not Payment.objects.filter(channel="online").exists()
    assert PaymentOrder.objects.get().state == "pending"


def test_a_late_callback_still_lands_and_is_marked_late(provider, live_server, book):
    address = checkout(live_server)
    clock.set_now(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=45))  # past the order's 30 minutes
    visit(address)
    order = PaymentOrder.objects.get()
    assert order.state == "paid" and order.late
    assert Payment.objects.filter(reference=order.reference).exists()


def test_without_a_provider_the_page_says_online_payment_is_not_available(client, book, db):
    signed_in(client)
    assert 'id="pay-unavailable"' in client.get("/my/loans/L-1001/pay/").content.decode()
