"""The people and partners of a simulated lender, set up as an administrator would in the admin.

    organisation = ensure_organisation(collectors=4, password="…", since=dt.date(2026, 1, 1))

One in-house team (a lead and its collectors), a compliance officer, a strategy manager, a legal
officer, two of the lender's own field collectors, and two whitelisted agencies, each with a
contract under PIPL art. 21 terms, a manager, collectors and two field collectors. Running it again
changes nothing but the passwords. Every login shares one password; `logins()` lists them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from arrears.access.roles import Role
from arrears.demo import DEMO_USER as ADMIN

TEAM = "催收一组 Team 1"
LONG_AFTER = dt.date(2099, 12, 31)
COMMISSION = [
    {"bucket": bucket, "tiers": [{"from_recovery_bp": 0, "rate_bp": rate}, {"from_recovery_bp": 3000, "rate_bp": rate + 500}]}
    for bucket, rate in (("M1", 800), ("M2", 1000), ("M3", 1200), ("M4", 1500), ("M5", 1800), ("M6", 2000), ("M7+", 2500))
]


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    name_en: str
    credit_code: str
    buckets: tuple[str, ...]
    capacity: int
    visits_allowed: bool


AGENCIES = (
    AgencySpec("agency1", "华信资产管理有限公司", "Huaxin Asset Management Co., Ltd.", "91310000MA1FL0AG1X",
               ("M2", "M3", "M4"), 400, True),
    AgencySpec("agency2", "安达信用服务有限公司", "Anda Credit Services Co., Ltd.", "91440300MA5DA2BX7Q",
               ("M2", "M3", "M4", "M5", "M6", "M7+"), 400, False),
)
# user name → (role, full name)
STAFF = {
    "lead": (Role.TEAM_LEAD, "王 芳"),
    "compliance": (Role.COMPLIANCE_OFFICER, "刘 洋"),
    "strategy": (Role.STRATEGY_MANAGER, "陈 静"),
    "legal": (Role.LEGAL_OFFICER, "赵 磊"),
    "field1": (Role.FIELD_COLLECTOR, "周 明"),
    "field2": (Role.FIELD_COLLECTOR, "吴 刚"),
}
COLLECTOR_NAMES = ("李 娜", "张 伟", "孙 丽", "马 超", "黄 敏", "郑 强", "何 静", "罗 军")


@dataclass
class AgencyPeople:
    agency_id: int
    key: str
    manager: object
    collectors: list = field(default_factory=list)  # AgencyStaff
    field_staff: list = field(default_factory=list)  # AgencyStaff


@dataclass
class Organisation:
    admin: object
    lead: object
    collectors: list
    compliance: object
    strategy: object
    legal: object
    field_collectors: list
    agencies: list  # AgencyPeople
    password: str

    def logins(self) -> list[tuple[str, str]]:
        """(user name, role in words) for every login, admin first."""
        rows = [(self.admin.get_username(), "admin 管理员")]
        words = {
            Role.TEAM_LEAD: "team lead 组长", Role.COLLECTOR: "collector 催收员", Role.COMPLIANCE_OFFICER: "compliance 合规",
            Role.STRATEGY_MANAGER: "strategy manager 策略经理", Role.LEGAL_OFFICER: "legal officer 法务",
            Role.FIELD_COLLECTOR: "field collector 外访员",
        }
        rows.append((self.lead.get_username(), words[Role.TEAM_LEAD]))
        rows += [(user.get_username(), words[Role.COLLECTOR]) for user in self.collectors]
        rows += [(u.get_username(), words[r]) for u, r in ((self.compliance, Role.COMPLIANCE_OFFICER),
                                                           (self.strategy, Role.STRATEGY_MANAGER),
                                                           (self.legal, Role.LEGAL_OFFICER))]
        rows += [(user.get_username(), words[Role.FIELD_COLLECTOR] + "（本行 in-house）") for user in self.field_collectors]
        for people in self.agencies:
            rows.append((people.manager.user.get_username(), "agency manager 机构经理"))
            rows += [(s.user.get_username(), "agency collector 机构催收员") for s in people.collectors]
            rows += [(s.user.get_username(), "agency field collector 机构外访员") for s in people.field_staff]
        return rows


def _hashed(password: str) -> str:
    """The password hashed once for every demo login (they share it, and it is printed anyway):
    a strong hash costs about a second each."""
    from django.contrib.auth.hashers import make_password

    cached = _HASHED.get(password)
    if cached is None:
        cached = _HASHED[password] = make_password(password)
    return cached


_HASHED: dict[str, str] = {}


def _user(username: str, password: str, role: Role | None, full_name: str = "", *, superuser: bool = False):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=username)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.is_staff = superuser
    user.is_superuser = superuser
    user.password = _hashed(password)
    user.save()
    if role is not None:
        user.groups.set([Group.objects.get(name=role.value)])
    return user


def _agency(spec: AgencySpec, password: str, since: dt.date) -> AgencyPeople:
    from arrears.agencies.models import Agency, AgencyStaff, Contract, StaffRole

    agency, _ = Agency.objects.get_or_create(
        credit_code=spec.credit_code,
        defaults=dict(name=spec.name, name_en=spec.name_en, registered_on=dt.date(2018, 3, 1), capacity=spec.capacity,
                      contact_name="客服中心", contact_phone="400-820-0000", complaints_phone="400-820-0001",
                      licence_number=f"L-{spec.credit_code[-6:]}", address="上海市黄浦区中山东一路 1 号"),
    )
    channels = ["call", "sms", "letter"] + (["visit"] if spec.visits_allowed else [])
    if not Contract.objects.filter(agency=agency).exists():
        contract = Contract(
            agency=agency, reference=f"WW-{spec.credit_code[-6:]}", signed_on=since - dt.timedelta(days=30),
            valid_from=since - dt.timedelta(days=30), valid_until=LONG_AFTER, buckets=list(spec.buckets), min_amount=0,
            max_amount=None, placement_days=60, channels=channels, visits_allowed=spec.visits_allowed,
            shared_fields=["borrower_name", "loan_reference", "days_past_due", "bucket", "overdue_amount", "balance",
                           "mobile", "address"],
            commission_schedule=COMMISSION, purpose="催收逾期贷款 / collecting the overdue loans placed",
            processing_duration="委案期内，结束后 7 日内删除 / during the placement; deleted within 7 days after",
            processing_method="电话、短信、信函" + ("、上门" if spec.visits_allowed else "") + " / calls, SMS, letters"
            + (", visits" if spec.visits_allowed else ""),
            data_types="姓名、手机号、地址、欠款金额 / name, mobile, address, amount owed",
            protection_measures="加密存储、访问日志、最小必要 / encryption, access log, least data", end_of_term="delete",
        )
        contract.full_clean()
        contract.save()

    def staff(username: str, full_name: str, role: str, user_role: Role) -> AgencyStaff:
        user = _user(username, password, user_role, full_name)
        member, _ = AgencyStaff.objects.get_or_create(
            user=user,
            defaults=dict(agency=agency, full_name=full_name, role=role, credential_number=f"CR-{username.upper()}",
                          training_completed_on=since - dt.timedelta(days=60), authorised_from=since - dt.timedelta(days=30),
                          authorised_until=LONG_AFTER),
        )
        return member

    names = iter(("钱 坤", "冯 涛", "褚 燕", "卫 东", "蒋 欣", "沈 阳", "韩 梅", "杨 帆"))
    offset = 0 if spec.key == "agency1" else 4
    for _ in range(offset):
        next(names)
    people = AgencyPeople(agency.pk, spec.key, staff(f"{spec.key}_manager", next(names), StaffRole.MANAGER, Role.AGENCY_MANAGER))
    people.collectors = [staff(f"{spec.key}_collector", next(names), StaffRole.COLLECTOR, Role.AGENCY_COLLECTOR)]
    if spec.visits_allowed:
        people.field_staff = [
            staff(f"{spec.key}_field{i}", next(names), StaffRole.FIELD_COLLECTOR, Role.FIELD_COLLECTOR) for i in (1, 2)
        ]
    return people


def ensure_organisation(*, collectors: int, password: str, since: dt.date) -> Organisation:
    from arrears.access.models import Team
    from arrears.access.sync import sync_roles

    sync_roles()
    admin = _user(ADMIN, password, None, "演示 管理员", superuser=True)
    people = {name: _user(name, password, role, full_name) for name, (role, full_name) in STAFF.items()}
    team, _ = Team.objects.get_or_create(name=TEAM)
    team.lead = people["lead"]
    team.save()
    in_house = [
        _user(f"collector{i}", password, Role.COLLECTOR, COLLECTOR_NAMES[(i - 1) % len(COLLECTOR_NAMES)])
        for i in range(1, max(collectors, 1) + 1)
    ]
    team.members.add(*in_house)
    return Organisation(
        admin=admin, lead=people["lead"], collectors=in_house, compliance=people["compliance"],
        strategy=people["strategy"], legal=people["legal"], field_collectors=[people["field1"], people["field2"]],
        agencies=[_agency(spec, password, since) for spec in AGENCIES], password=password,
    )


def assign_open_cases_to_team() -> int:
    """Every open case without a team goes to the in-house team (what a team lead does each morning)."""
    from arrears.access.models import Team
    from arrears.cases.models import CollectionCase

    team = Team.objects.get(name=TEAM)
    return CollectionCase.objects.filter(closed_on__isnull=True, team__isnull=True).update(team=team)
