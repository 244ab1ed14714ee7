"""Metro 2 field positions against worked examples made from the published layout (the positions below are
copied from the layout's tables, not from the code), and round trips."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.credit import metro2

# from the layout: field → (first, last), 1-based inclusive
POSITIONS = {
    "rdw": (1, 4), "time_stamp": (6, 19), "identification_number": (21, 40), "account_number": (43, 72),
    "portfolio_type": (73, 73), "account_type": (74, 75), "date_opened": (76, 83), "highest_credit": (93, 101),
    "terms_duration": (102, 104), "terms_frequency": (105, 105), "scheduled_payment": (106, 114),
    "account_status": (124, 125), "payment_rating": (126, 126), "payment_history": (127, 150),
    "current_balance": (155, 163), "amount_past_due": (164, 172), "date_of_account_information": (182, 189),
    "date_of_first_delinquency": (190, 197), "surname": (232, 256), "first_name": (257, 276), "ssn": (298, 306),
    "ecoa_code": (325, 325), "state": (414, 415), "postal_code": (416, 424), "residence_code": (426, 426),
}

WORKED = {
    "time_stamp": "05312026235959", "identification_number": "ARREARSUS1", "cycle_identifier": "",
    "account_number": "L-9001", "portfolio_type": "I", "account_type": "01", "date_opened": "01102025",
    "highest_credit": 5000, "terms_duration": "012", "terms_frequency": "M", "scheduled_payment": 450,
    "actual_payment": 0, "account_status": "93", "payment_rating": "G", "payment_history": "3210000000BBBBBBBBBBBBBB",
    "current_balance": 4321, "amount_past_due": 1350, "date_of_account_information": "05312026",
    "date_of_first_delinquency": "02102026", "surname": "Smith", "first_name": "Jane", "ssn": "123456789",
    "ecoa_code": "1", "country_code": "US", "address_1": "1 Main St", "city": "Dover", "state": "DE",
    "postal_code": "19901", "residence_code": "",
}


def test_the_base_segment_puts_each_field_where_the_layout_says():
    line = metro2.base_segment(WORKED, k1=metro2.OriginalCreditor("Acme Consumer Finance", "05"))
    assert len(line) == 426 + 34
    at = lambda name: line[POSITIONS[name][0] - 1:POSITIONS[name][1]]  # noqa: E731
    assert at("rdw") == "0460"  # the whole record: base + K1
    assert line[4] == "1"  # processing indicator
    assert at("time_stamp") == "05312026235959"
    assert at("identification_number") == "ARREARSUS1          "
    assert at("account_number") == "L-9001" + " " * 24
    assert at("account_type") == "01" and at("portfolio_type") == "I"
    assert at("highest_credit") == "000005000"
    assert at("terms_duration") == "012" and at("terms_frequency") == "M"
    assert at("scheduled_payment") == "000000450"
    assert at("account_status") == "93" and at("payment_rating") == "G"
    assert at("payment_history") == "3210000000BBBBBBBBBBBBBB"
    assert at("current_balance") == "000004321" and at("amount_past_due") == "000001350"
    assert at("date_of_first_delinquency") == "02102026"
    assert at("surname") == "SMITH" + " " * 20 and at("first_name") == "JANE" + " " * 16
    assert at("ssn") == "123456789" and at("state") == "DE" and at("postal_code") == "19901    "
    assert line[426:428] == "K1" and line[428:458] == "ACME CONSUMER FINANCE" + " " * 9 and line[458:460] == "05"


def test_round_trip_and_refusals():
    line = metro2.base_segment({**WORKED, "account_status": "71", "payment_rating": ""})
    fields = metro2.read_out(metro2.BASE_LAYOUT, line)
    assert fields["rdw"] == "0426" and fields["account_status"] == "71" and fields["city"].rstrip() == "DOVER"
    assert metro2.lay_out(metro2.BASE_LAYOUT, {k: v for k, v in fields.items()}, 426) == line
    with pytest.raises(metro2.LayoutError, match="K1"):
        metro2.base_segment(WORKED)  # a collection account without its original creditor
    with pytest.raises(metro2.LayoutError, match="not numeric"):
        metro2.base_segment({**WORKED, "current_balance": "12a"}, k1=metro2.OriginalCreditor("A", "05"))


def test_header_and_trailer():
    head = metro2.header({"cycle_identifier": "", "activity_date": "05312026", "date_created": "06012026",
                          "reporter_name": "Arrears US Lender", "reporter_telephone": "3025550100"})
    assert len(head) == 426 and head[:10] == "0426HEADER" and head[47:55] == "05312026" and head[79:96] == "ARREARS US LENDER"
    records = [metro2.base_segment({**WORKED, "account_status": "11", "payment_rating": ""}),
               metro2.base_segment(WORKED, k1=metro2.OriginalCreditor("Acme", "05"))]
    tail = metro2.trailer(records)
    assert len(tail) == 426 and tail[:11] == "0426TRAILER"
    assert tail[11:20] == "000000002"  # total base records, positions 12-20
    assert tail[83:92] == "000000001" and tail[218:227] == "000000001"  # status 11 (84-92) and 93 (219-227)
    assert tail[281:290] == "000000001"  # K1 segments, positions 282-290


def test_statuses_ratings_history_and_retention():
    assert [metro2.status_for(d, balance=100, collection=False, charged_off=False) for d in (0, 30, 60, 90, 120, 150, 180)] == [
        "11", "71", "78", "80", "82", "83", "84"]
    assert metro2.status_for(200, balance=100, collection=True, charged_off=False) == "93"
    assert metro2.status_for(200, balance=0, collection=True, charged_off=False) == "62"
    assert metro2.status_for(200, balance=0, collection=False, charged_off=True) == "64"
    assert metro2.rating_for(95, "93") == "G" and metro2.rating_for(0, "11") == " "
    assert metro2.payment_history([(95, 10), (65, 10), (31, 10), (0, 10), (None, None)]) == "3210D" + "B" * 19
    assert metro2.dofd_retention_ends(dt.date(2026, 2, 10)) == dt.date(2033, 8, 9)
    assert not metro2.may_furnish(spoke_with_consumer=False, letter_sent_on=dt.date(2026, 5, 1), undeliverable=False,
                                  on=dt.date(2026, 5, 14))
    assert metro2.may_furnish(spoke_with_consumer=False, letter_sent_on=dt.date(2026, 5, 1), undeliverable=False,
                              on=dt.date(2026, 5, 15))
