"""Synthetic borrowers: names, ID numbers, phones, e-mail, addresses and emergency contacts.

Faker (zh_CN, seeded) is asked only for a few thousand names and place names, once per book;
every person is then put together from those pools with NumPy, which keeps a million borrowers
to seconds. Frequent surnames come up often because Faker draws them by frequency.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from arrears.simulate.identifiers import different_mobile_numbers, mobile_numbers, mobile_text, national_ids
from arrears.simulate.regions import PROVINCES, XINJIANG, region_table
from arrears.simulate.text import plain_number_text

POOL_SIZE = 3000
SHANGHAI = "Asia/Shanghai"
URUMQI = "Asia/Urumqi"
URUMQI_SHARE_IN_XINJIANG = 0.7
EMAIL_SHARE = 0.65
QQ_MAIL_SHARE = 0.45  # of those with an e-mail address
FLAT_NUMBER_SHARE = 0.75
EMAIL_DOMAINS = ("163.com", "126.com", "sina.com", "foxmail.com", "yeah.net", "outlook.com", "aliyun.com")


class Relation(IntEnum):
    """Who an emergency contact is to the borrower (the feed carries the lower-case name)."""

    SPOUSE = 0
    PARENT = 1
    SIBLING = 2
    FRIEND = 3
    COLLEAGUE = 4


RELATION_SHARES = {
    Relation.SPOUSE: 0.35,
    Relation.PARENT: 0.30,
    Relation.SIBLING: 0.15,
    Relation.FRIEND: 0.12,
    Relation.COLLEAGUE: 0.08,
}
FAMILY_SURNAME_SHARE = 0.7
"""How often a parent or sibling given as contact shares the borrower's surname."""

RELATION_NAMES = pa.array([relation.name.lower() for relation in Relation], type=pa.string())
PROVINCE_CODES = np.array([province.code for province in PROVINCES])
PROVINCE_NAMES = pa.array([province.name for province in PROVINCES], type=pa.string())


@dataclass(frozen=True, slots=True)
class NamePools:
    """Words drawn once from a seeded Faker; people are assembled from them."""

    surnames: pa.StringArray
    male_given_names: pa.StringArray
    female_given_names: pa.StringArray
    districts: pa.StringArray
    streets: pa.StringArray
    mail_users: pa.StringArray

    @classmethod
    @lru_cache(maxsize=4)  # pools are immutable; a test run or a bench asks for the same seed again
    def build(cls, seed: int, size: int = POOL_SIZE) -> NamePools:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)

        def pool(draw) -> pa.StringArray:
            return pa.array([draw() for _ in range(size)], type=pa.string())

        return cls(
            surnames=pool(fake.last_name),
            male_given_names=pool(fake.first_name_male),
            female_given_names=pool(fake.first_name_female),
            districts=pool(lambda: fake.district().removesuffix("区") + "区"),
            streets=pool(fake.street_name),
            mail_users=pool(fake.user_name),
        )


@dataclass(frozen=True, slots=True)
class People:
    """One row per person, every column the same length."""

    name: pa.StringArray
    national_id: pa.StringArray
    time_zone: pa.StringArray
    mobile: pa.StringArray
    email: pa.StringArray  # "" when the borrower gave none
    address: pa.StringArray
    emergency_contact_name: pa.StringArray
    emergency_contact_relation: pa.StringArray
    emergency_contact_mobile: pa.StringArray
    ssn: pa.StringArray | None = None  # a US borrower's (simulate/us_people.py); None for a Chinese book
    state: pa.StringArray | None = None
    zip: pa.StringArray | None = None

    def take(self, rows: np.ndarray) -> People:
        """The people at `rows`, in that order (a borrower with two loans appears twice)."""
        indices = pa.array(rows)
        return People(**{
            name: None if getattr(self, name) is None else getattr(self, name).take(indices) for name in self.__slots__
        })


def generate_people(
    rng: np.random.Generator, pools: NamePools, size: int, *, earliest_birth_day: int, latest_birth_day: int
) -> People:
    """`size` people born between the two days (days since 1970-01-01, inclusive)."""
    male = rng.random(size) < 0.5
    surname = _sample(rng, pools.surnames, size)
    name = _join(surname, _given_names(rng, pools, male))

    province, region_code = region_table().sample(rng, size)
    birth_day = rng.integers(earliest_birth_day, latest_birth_day + 1, size=size)
    mobile = mobile_numbers(rng, size)
    return People(
        name=name,
        national_id=national_ids(region_code, birth_day, male, rng),
        time_zone=_time_zones(rng, province),
        mobile=mobile_text(mobile),
        email=_emails(rng, pools, size),
        address=_addresses(rng, pools, province),
        **_emergency_contacts(rng, pools, surname, mobile),
    )


def _given_names(rng: np.random.Generator, pools: NamePools, male: np.ndarray) -> pa.StringArray:
    size = male.size
    return pc.if_else(
        pa.array(male),
        _sample(rng, pools.male_given_names, size),
        _sample(rng, pools.female_given_names, size),
    )


def _time_zones(rng: np.random.Generator, province: np.ndarray) -> pa.StringArray:
    xinjiang = PROVINCE_CODES[province] == XINJIANG
    keeps_urumqi_time = xinjiang & (rng.random(province.size) < URUMQI_SHARE_IN_XINJIANG)
    return pc.if_else(pa.array(keeps_urumqi_time), URUMQI, SHANGHAI)


def _emails(rng: np.random.Generator, pools: NamePools, size: int) -> pa.StringArray:
    has_email = rng.random(size) < EMAIL_SHARE
    qq = rng.random(size) < QQ_MAIL_SHARE
    # QQ numbers run from 5 to 10 digits and never start with 0.
    qq_length = rng.integers(5, 11, size=size)
    qq_number = 10 ** (qq_length - 1) + (rng.random(size) * 9 * 10 ** (qq_length - 1)).astype(np.int64)
    qq_mail = _join(plain_number_text(qq_number), "@qq.com")

    suffix = pc.if_else(pa.array(rng.random(size) < 0.5), plain_number_text(rng.integers(1, 1000, size=size)), "")
    domain = pa.array(EMAIL_DOMAINS).take(pa.array(rng.integers(0, len(EMAIL_DOMAINS), size=size)))
    named_mail = _join(_sample(rng, pools.mail_users, size), suffix, "@", domain)

    return pc.if_else(pa.array(has_email), pc.if_else(pa.array(qq), qq_mail, named_mail), "")


def _addresses(rng: np.random.Generator, pools: NamePools, province: np.ndarray) -> pa.StringArray:
    size = province.size
    regions = region_table()
    municipality = np.array([p.municipality for p in PROVINCES])[province]
    city_names = pa.array([*regions.city_names, ""], type=pa.string())
    city_index = np.where(municipality, len(regions.city_names), regions.sample_cities(rng, province))
    city = city_names.take(pa.array(city_index))
    house = _join(plain_number_text(rng.integers(1, 400, size=size)), "号")
    flat = _join(
        plain_number_text(rng.integers(1, 30, size=size)),
        "栋",
        plain_number_text(rng.integers(1, 7, size=size)),
        "单元",
        plain_number_text(rng.integers(1, 33, size=size) * 100 + rng.integers(1, 5, size=size)),
        "室",
    )
    flat = pc.if_else(pa.array(rng.random(size) < FLAT_NUMBER_SHARE), flat, "")
    return _join(
        PROVINCE_NAMES.take(pa.array(province)),
        city,
        _sample(rng, pools.districts, size),
        _sample(rng, pools.streets, size),
        house,
        flat,
    )


def _emergency_contacts(
    rng: np.random.Generator, pools: NamePools, borrower_surname: pa.StringArray, borrower_mobile: np.ndarray
) -> dict[str, pa.StringArray]:
    size = borrower_mobile.size
    relations = np.array(list(RELATION_SHARES), dtype=np.int64)
    shares = np.array(list(RELATION_SHARES.values()))
    relation = relations[rng.choice(relations.size, size=size, p=shares / shares.sum())]
    family = (relation == Relation.PARENT) | (relation == Relation.SIBLING)
    same_surname = family & (rng.random(size) < FAMILY_SURNAME_SHARE)
    surname = pc.if_else(pa.array(same_surname), borrower_surname, _sample(rng, pools.surnames, size))
    return {
        "emergency_contact_name": _join(surname, _given_names(rng, pools, rng.random(size) < 0.5)),
        "emergency_contact_relation": RELATION_NAMES.take(pa.array(relation)),
        "emergency_contact_mobile": mobile_text(different_mobile_numbers(rng, borrower_mobile)),
    }


def _sample(rng: np.random.Generator, pool: pa.StringArray, size: int) -> pa.StringArray:
    return pool.take(pa.array(rng.integers(0, len(pool), size=size)))


def _join(*parts: pa.StringArray | str) -> pa.StringArray:
    return pc.binary_join_element_wise(*parts, "")
