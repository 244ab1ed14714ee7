"""The loans feed's rules for a US borrower (profile us-regf): who the borrower is and where they live.

A US lender sends no resident ID and no mainland mobile:

- `ssn`: the Social Security number or its last 4 digits (dashes and blanks allowed), checked by
  python-stdnum's rules for a number the SSA could have issued; it then travels as the row's
  `national_id`, so it is digested, masked and encrypted exactly as a resident ID is (feeds/people.py);
- `mobile` and `emergency_contact_mobile`: E.164 (`+12025550123`), validated by `phonenumbers`
  and kept in E.164;
- `address` with `state` (USPS code) and `zip` (ZIP or ZIP+4); the ZIP must lie in the state,
  and the borrower's time zone, when the row names none, is the ZIP's (else the state capital's).

The work is per distinct value, in Python: a US book is checked here, a Chinese one never is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.feeds import columns as col
from arrears.feeds.validation._common import Problems

ZIP_PATTERN = r"^[0-9]{5}(-[0-9]{4})?$"
SSN_SEPARATORS = r"[- ]"


def check_us_people(v: dict[str, pa.Array], problems: Problems) -> None:
    """Check and normalise the US columns of `v` in place: national_id (the SSN's digits), mobile,
    emergency_contact_mobile (E.164), address (with state and ZIP), region and time_zone."""
    _check_ssn(v, problems)
    for name in ("mobile", "emergency_contact_mobile"):
        v[name] = check_phones(v[name], name, problems)
    _check_address(v, problems)


def _check_ssn(v: dict[str, pa.Array], problems: Problems) -> None:
    digits = pc.replace_substring_regex(v["ssn"], SSN_SEPARATORS, "")
    given = col.present(digits)
    reasons = _per_value(digits, given, _ssn_error)
    for (zh, en), mask in reasons:
        problems.refuse(mask, "ssn", zh, en)
    v["national_id"] = digits


def _ssn_error(digits: str) -> tuple[str, str] | None:
    from stdnum.us import ssn

    if len(digits) == 4 and digits.isdigit():
        return None if digits != "0000" else ("社会安全号码后四位不能是 0000", "the last 4 digits of an SSN cannot be 0000")
    if len(digits) != 9 or not digits.isdigit():
        return (
            "应为 9 位社会安全号码（SSN，可带连字符）或其后 4 位",
            "must be a 9-digit Social Security number (dashes allowed) or its last 4 digits",
        )
    if not ssn.is_valid(digits):
        return ("不是可能签发的社会安全号码（SSN）", "not a Social Security number the SSA could have issued")
    return None


def check_phones(values: pa.Array, name: str, problems: Problems) -> pa.Array:
    """Each given number checked as E.164 and returned in E.164 (the contacts feed uses it too)."""
    given = col.present(values)
    normal: dict[str, str] = {}

    def error(value: str) -> tuple[str, str] | None:
        found = _phone(value)
        if isinstance(found, tuple):
            return found
        normal[value] = found
        return None

    for (zh, en), mask in _per_value(values, given, error):
        problems.refuse(mask, name, zh, en)
    if not normal:
        return values
    keys = pa.array(list(normal), pa.string())
    at = pc.index_in(values, value_set=keys)
    return pc.if_else(pc.is_valid(at), pa.array(list(normal.values()), pa.string()).take(at), values)


@lru_cache(maxsize=65_536)
def _phone(value: str) -> str | tuple[str, str]:
    """The number in E.164, or why it is not one."""
    import phonenumbers

    if not value.startswith("+"):
        return (
            "电话号码应为 E.164 格式：+ 国家代码和号码（如 +12025550123）",
            "a phone number must be written in E.164: + country code and number (such as +12025550123)",
        )
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return ("不是有效的电话号码", "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_address(v: dict[str, pa.Array], problems: Problems) -> None:
    state = pc.utf8_upper(v["state"])
    zip_code = v["zip"]
    address_given = col.present(v["address"])
    state_given = col.present(state)
    zip_given = col.present(zip_code)
    for name, given in (("state", state_given), ("zip", zip_given)):
        problems.refuse(
            address_given & ~given,
            name,
            "美国地址须填写州（USPS 代码，如 NY）和邮编（ZIP）",
            "a US address needs its state (USPS code, such as NY) and ZIP code",
        )
    known_state = col.one_of(state, us_states())
    problems.refuse(
        state_given & ~known_state, "state", "不是美国州或属地的 USPS 代码（如 NY、CA）",
        "not the USPS code of a US state or territory (such as NY or CA)",
    )
    shaped = col.matches(zip_code, ZIP_PATTERN)
    problems.refuse(zip_given & ~shaped, "zip", "邮编应为 5 位数字（或 ZIP+4，如 10001-1234）",
                    "a ZIP code is 5 digits (or ZIP+4, such as 10001-1234)")
    zip5 = pc.utf8_slice_codeunits(zip_code, 0, 5)
    found = [zip_facts(code) if code else None for code in zip5.to_pylist()]
    found_state = pa.array([f[0] if f else None for f in found], pa.string())
    found_zone = pa.array([f[1] if f else None for f in found], pa.string())
    unknown = shaped & ~col.present(found_state)
    problems.refuse(unknown, "zip", "没有此邮编（ZIP）", "no such ZIP code")
    problems.refuse(
        shaped & ~unknown & state_given & known_state & ~col.to_numpy(pc.equal(found_state, state)),
        "zip", "该邮编不在所填的州内", "this ZIP code is not in the state given",
    )
    # the address as it is written on an envelope: the street line, then state and ZIP
    located = address_given & state_given & zip_given
    written = pc.binary_join_element_wise(v["address"], pc.binary_join_element_wise(state, zip_code, " "), ", ")
    v["address"] = pc.if_else(pa.array(located), written, v["address"])
    v["region"] = pc.if_else(pa.array(state_given), state, pa.scalar("", pa.string()))
    zone_given = col.present(v["time_zone"])
    capital = pa.array([us_state_zone(code) if code else None for code in state.to_pylist()], pa.string())
    derived = pc.coalesce(found_zone, capital)
    v["time_zone"] = pc.if_else(pa.array(zone_given), v["time_zone"], derived)
    problems.refuse(
        ~zone_given & ~col.present(derived),
        "time_zone",
        "未填写时区：请填写时区，或填写含州和邮编的地址以推定时区",
        "no time zone: give one, or an address with state and ZIP to derive it from",
    )


@lru_cache(maxsize=1)
def us_states() -> frozenset[str]:
    import us

    return frozenset(state.abbr for state in us.states.STATES_AND_TERRITORIES) | {"DC"}


@lru_cache(maxsize=None)
def us_state_zone(abbr: str) -> str | None:
    """The zone of the state's capital: the state's zone where it has one (most do)."""
    import us

    state = us.states.lookup(abbr)
    return state.capital_tz if state is not None and state.abbr == abbr else None


@lru_cache(maxsize=None)
def zip_facts(zip5: str) -> tuple[str, str | None] | None:
    """(state, IANA zone) of a 5-digit ZIP code, from the zipcodes package's USPS data; None when unknown."""
    import zipcodes

    try:
        matches = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return None
    if not matches:
        return None
    return matches[0]["state"], matches[0].get("timezone") or None


def _per_value(
    values: pa.Array, given: np.ndarray, judge: Callable[[str], tuple[str, str] | None]
) -> list[tuple[tuple[str, str], np.ndarray]]:
    """Each distinct reason `judge` gives over the distinct given values, with the rows it applies to."""
    by_reason: dict[tuple[str, str], list[str]] = {}
    for value in pc.unique(values.filter(pa.array(given))).to_pylist():
        reason = judge(value)
        if reason is not None:
            by_reason.setdefault(reason, []).append(value)
    return [
        (reason, given & col.one_of(values, bad))
        for reason, bad in by_reason.items()
    ]
