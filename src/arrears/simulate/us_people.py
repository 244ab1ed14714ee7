"""Synthetic US borrowers, for a lender under us-regf: names, SSNs, E.164 phones, addresses with
state and ZIP across the country's time zones.

Faker (en_US, seeded) gives the name and street pools once per book; people are put together
from them with NumPy, as for the Chinese book (simulate/people.py). The rows leave `time_zone`
empty: the loans feed derives it from the ZIP, as it would for a real US lender's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from arrears.simulate.people import RELATION_NAMES, RELATION_SHARES, People
from arrears.simulate.text import plain_number_text

POOL_SIZE = 2000
LAST_FOUR_ONLY_SHARE = 0.3
"""Lenders that send only the SSN's last 4 digits for some borrowers."""
EMAIL_SHARE = 0.8
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True, slots=True)
class Place:
    """A city with one of its ZIP codes, its state and an area code of its phones; `weight`: its
    share of borrowers (roughly the metro area's population, millions)."""

    city: str
    state: str
    zip: str
    area_code: str
    weight: float


PLACES: tuple[Place, ...] = (
    Place("New York", "NY", "10001", "212", 8.0),
    Place("Brooklyn", "NY", "11201", "718", 2.6),
    Place("Philadelphia", "PA", "19103", "215", 3.0),
    Place("Miami", "FL", "33130", "305", 3.0),
    Place("Atlanta", "GA", "30303", "404", 3.0),
    Place("Charlotte", "NC", "28202", "704", 1.5),
    Place("Columbus", "OH", "43215", "614", 1.2),
    Place("Detroit", "MI", "48226", "313", 2.0),
    Place("Chicago", "IL", "60611", "312", 5.0),
    Place("Houston", "TX", "77002", "713", 4.0),
    Place("Dallas", "TX", "75201", "214", 4.0),
    Place("El Paso", "TX", "79901", "915", 0.8),
    Place("Denver", "CO", "80202", "303", 1.5),
    Place("Phoenix", "AZ", "85004", "602", 3.0),
    Place("Los Angeles", "CA", "90012", "213", 8.0),
    Place("San Francisco", "CA", "94103", "415", 3.0),
    Place("Seattle", "WA", "98101", "206", 2.5),
    Place("Anchorage", "AK", "99501", "907", 0.3),
    Place("Honolulu", "HI", "96813", "808", 0.5),
)
"""Eastern, Central, Mountain (El Paso, Denver), Arizona (no daylight saving), Pacific, Alaska and Hawaii."""


@dataclass(frozen=True, slots=True)
class USNamePools:
    first_male: pa.StringArray
    first_female: pa.StringArray
    last: pa.StringArray
    streets: pa.StringArray

    @classmethod
    @lru_cache(maxsize=4)
    def build(cls, seed: int, size: int = POOL_SIZE) -> USNamePools:
        fake = Faker("en_US")
        fake.seed_instance(seed)

        def pool(draw) -> pa.StringArray:
            return pa.array([draw() for _ in range(size)], type=pa.string())

        return cls(pool(fake.first_name_male), pool(fake.first_name_female), pool(fake.last_name), pool(fake.street_name))


def generate_us_people(rng: np.random.Generator, pools: USNamePools, size: int) -> People:
    male = rng.random(size) < 0.5
    first = pc.if_else(pa.array(male), _sample(rng, pools.first_male, size), _sample(rng, pools.first_female, size))
    last = _sample(rng, pools.last, size)
    weights = np.array([place.weight for place in PLACES])
    place = rng.choice(len(PLACES), size=size, p=weights / weights.sum())
    column = lambda name: pa.array([getattr(p, name) for p in PLACES], pa.string()).take(pa.array(place))  # noqa: E731
    mobile = _phones(rng, column("area_code"), size)
    emergency = _phones(rng, column("area_code"), size)
    relations = np.array(list(RELATION_SHARES), dtype=np.int64)
    shares = np.array(list(RELATION_SHARES.values()))
    relation = relations[rng.choice(relations.size, size=size, p=shares / shares.sum())]
    emergency_first = pc.if_else(
        pa.array(rng.random(size) < 0.5), _sample(rng, pools.first_male, size), _sample(rng, pools.first_female, size)
    )
    house = plain_number_text(rng.integers(1, 9000, size=size))
    user = pc.utf8_lower(pc.binary_join_element_wise(first, ".", last, plain_number_text(rng.integers(1, 100, size=size)), ""))
    domain = pa.array(EMAIL_DOMAINS).take(pa.array(rng.integers(0, len(EMAIL_DOMAINS), size=size)))
    email = pc.if_else(pa.array(rng.random(size) < EMAIL_SHARE), pc.binary_join_element_wise(user, "@", domain, ""), "")
    return People(
        name=pc.binary_join_element_wise(first, last, " "),
        national_id=pa.nulls(size, pa.string()),
        ssn=_ssns(rng, size),
        time_zone=pa.array([""] * size, pa.string()),
        mobile=mobile,
        email=email,
        address=pc.binary_join_element_wise(house, _sample(rng, pools.streets, size), column("city"), " "),
        state=column("state"),
        zip=column("zip"),
        emergency_contact_name=pc.binary_join_element_wise(emergency_first, last, " "),
        emergency_contact_relation=RELATION_NAMES.take(pa.array(relation)),
        emergency_contact_mobile=pc.if_else(pc.equal(emergency, mobile), _phones(rng, column("area_code"), size), emergency),
    )


def _phones(rng: np.random.Generator, area_code: pa.StringArray, size: int) -> pa.StringArray:
    """+1, the city's area code, an exchange 200–999 that is not N11, and four digits."""
    exchange = rng.integers(200, 1000, size=size)
    exchange = np.where(exchange % 100 == 11, exchange + 1, exchange)
    line = rng.integers(0, 10_000, size=size)
    digits = plain_number_text(exchange * 10_000 + line)
    return pc.binary_join_element_wise("+1", area_code, digits, "")


def _ssns(rng: np.random.Generator, size: int) -> pa.StringArray:
    """Numbers the SSA could issue (area 001–899 but not 666, group 01–99, serial 0001–9999),
    written 123-45-6789; for some borrowers the last 4 only."""
    area = rng.integers(1, 900, size=size)
    area = np.where(area == 666, 667, area)
    group = rng.integers(1, 100, size=size)
    serial = rng.integers(1, 10_000, size=size)
    full = [f"{a:03d}-{g:02d}-{s:04d}" for a, g, s in zip(area.tolist(), group.tolist(), serial.tolist(), strict=True)]
    last_four = [f"{s:04d}" for s in serial.tolist()]
    only_last = rng.random(size) < LAST_FOUR_ONLY_SHARE
    return pa.array([short if flag else whole for whole, short, flag in zip(full, last_four, only_last.tolist(), strict=True)],
                    pa.string())


def _sample(rng: np.random.Generator, pool: pa.StringArray, size: int) -> pa.StringArray:
    return pool.take(pa.array(rng.integers(0, len(pool), size=size)))
