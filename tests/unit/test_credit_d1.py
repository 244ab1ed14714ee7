"""The D1 record's pure parts: the 24-month string from the month-end ageing, the five categories, the
overdue principal by age, validation, the diff of two reports, and the 5-year retention."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.credit import d1

AS_OF = dt.date(2026, 4, 30)

month = st.one_of(st.none(), st.builds(d1.MonthEnd, dpd=st.integers(0, 400), due_in_month=st.booleans(),
                                       settled=st.booleans(), written_off=st.booleans()))


@given(st.lists(month, min_size=24, max_size=24))
def test_the_24_month_string_equals_the_ageing_history(months):
    text = d1.repayment_string(months)
    assert len(text) == 24
    for char, history in zip(text, months, strict=True):  # read back, character by character, from the ageing
        if history is None:
            assert char == "#"
        elif history.settled:
            assert char == "C"
        elif history.written_off:
            assert char == "B"
        elif history.dpd == 0:
            assert char == ("N" if history.due_in_month else "*")
        else:
            low, high = (int(char) - 1) * 30 + 1, int(char) * 30
            assert low <= history.dpd and (history.dpd <= high or char == "7")


def test_worked_month_statuses():
    assert [d1.month_status(d1.MonthEnd(dpd, True)) for dpd in (0, 1, 30, 31, 60, 61, 180, 181, 999)] == list("N11223677")
    assert d1.month_status(d1.MonthEnd(0, False)) == "*"
    assert d1.month_ends(dt.date(2026, 2, 10))[-3:] == [dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 10)]
    assert len(d1.month_ends(AS_OF)) == 24 and d1.month_ends(AS_OF)[0] == dt.date(2024, 5, 31)


def test_five_categories_and_overdue_principal_by_age():
    assert [d1.five_category(dpd) for dpd in (0, 1, 90, 91, 270, 271, 360, 361)] == [1, 2, 2, 3, 3, 4, 4, 5]
    schedule = [(dt.date(2025, 10, 10), 100), (dt.date(2026, 1, 10), 100), (dt.date(2026, 2, 10), 100),
                (dt.date(2026, 3, 10), 100), (dt.date(2026, 4, 10), 100), (dt.date(2026, 5, 10), 100)]
    # 150 paid covers the October instalment and half of January's
    assert d1.overdue_principal_by_age(schedule, 150, AS_OF) == {
        "1_30": 100, "31_60": 100, "61_90": 100, "91_180": 50, "180+": 0}
    assert d1.overdue_periods([(due, p, 10) for due, p in schedule], 150, 50, AS_OF) == 4


def _account(**changes) -> d1.Account:
    base = dict(loan="L-1", name="张三", id_number="1101**********1234", open_date=dt.date(2025, 9, 10),
                due_date=dt.date(2026, 8, 10), principal=1_200_000, terms=12, repay_mode="11", dpd=45, balance=700_000,
                overdue_total=236_000, overdue_periods=2, remaining_periods=4,
                overdue_by_age={"1_30": 100_000, "31_60": 100_000, "61_90": 0, "91_180": 0, "180+": 0},
                due_this_month=118_000, paid_this_month=0, last_payment=dt.date(2026, 2, 10), settle_date=None,
                settled=False, written_off=False, legal=False, months=(None,) * 20 + (d1.MonthEnd(0, True),) * 2
                + (d1.MonthEnd(15, True), d1.MonthEnd(45, True)))
    base.update(changes)
    return d1.Account(**base)


def test_a_record_has_its_segments_and_passes_validation():
    record = d1.d1_record(_account(), AS_OF)
    assert record["基础段"]["InfRecType"] == "210" and record["基础段"]["AcctType"] == "D1"
    monthly = record["月度表现段"]
    assert monthly["RpyStatus24"] == "#" * 20 + "NN12" and monthly["RpyStatus"] == "2"
    assert (monthly["AcctStatus"], monthly["FiveCate"], monthly["TotOverd"], monthly["Oved31_60Princ"]) == ("2", "2", 2360, 1000)
    assert d1.validate(record) == []
    broken = d1.d1_record(_account(name=""), AS_OF)
    assert [field for field, _zh, _en in d1.validate(broken)] == ["Name"]


records = st.dictionaries(st.sampled_from([f"L-{n}" for n in range(8)]),
                          st.fixed_dictionaries({"月度表现段": st.fixed_dictionaries({"FiveCate": st.sampled_from("12345"),
                                                                                   "AcctBal": st.integers(0, 10**6)})}))


@given(records, records)
def test_the_diff_of_two_reports_applied_to_the_first_gives_the_second(before, after):
    assert d1.apply(before, d1.diff(before, after)) == after


@settings(max_examples=200)
@given(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(2015, 1, 1), dt.date(2040, 12, 31)),
       st.integers(1, 400))
def test_no_negative_record_is_reported_past_its_retention(settled_on, as_of, dpd):
    months = (d1.MonthEnd(dpd, True),) * 23 + (d1.MonthEnd(0, True, settled=True),)
    record = d1.d1_record(_account(settled=True, settle_date=settled_on, dpd=0, balance=0, overdue_total=0,
                                   overdue_periods=0, months=months), as_of)
    assert d1.is_negative(record)
    if d1.reportable(record, as_of):
        assert as_of < d1.falls_away_on(settled_on)
    else:
        assert as_of >= d1.falls_away_on(settled_on)
