"""The routes a legal case may take and the stages of each, with the deadlines the procedure sets.

Pure data and arithmetic, no Django: the case service, the pages and the tests read it from here.

    route = ROUTES["payment_order"]
    route.next_stages("filed")                  # ("issued", "closed")
    deadline("payment_order", "served", day)    # the day the debtor's 15 days to pay or object run out

cn: 支付令 (payment order, Civil Procedure Law arts. 221–224: the court decides whether to accept within
5 days, issues the order within 15 days of accepting, the debtor pays or objects within 15 days of
service), 诉讼 (suit; an internet court for loans signed and performed online), 仲裁 (arbitration),
赋强公证 (a notarised instrument with enforcement force). us-regf: complaint → service → answer or
default → judgment → garnishment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STAGE_WORDS: dict[str, tuple[str, str]] = {
    "prepare": ("准备", "preparation"),
    "filed": ("立案", "filed"),
    "issued": ("发出支付令", "order issued"),
    "notarised": ("公证", "instrument notarised"),
    "served": ("送达", "served"),
    "hearing": ("审理/调解", "hearing / mediation"),
    "effective": ("生效", "effective"),
    "enforcement": ("执行", "enforcement"),
    "closed": ("终本/结案", "closed"),
    "complaint": ("起诉状", "complaint"),
    "service": ("送达", "service"),
    "answer": ("答辩", "answer"),
    "default": ("缺席", "default"),
    "judgment": ("判决", "judgment"),
    "garnishment": ("扣押工资/账户", "garnishment"),
}


@dataclass(frozen=True)
class Deadline:
    """After entering `stage`, the next step is due within `days` calendar days."""

    days: int
    what_zh: str
    what_en: str


@dataclass(frozen=True)
class Route:
    code: str
    profile: str
    zh: str
    en: str
    stages: tuple[str, ...]
    deadlines: dict[str, Deadline]

    def next_stages(self, stage: str) -> tuple[str, ...]:
        """The stages a case may move to from `stage`: the following one, or closing (a case may end early:
        a settlement, an objection to a payment order, an enforcement ended without property)."""
        if stage == "closed":
            return ()
        index = self.stages.index(stage)
        following = self.stages[index + 1] if index + 1 < len(self.stages) else None
        if following is None or following == "closed":
            return ("closed",)
        return (following, "closed")


CN_STAGES = ("prepare", "filed", "served", "hearing", "effective", "enforcement", "closed")

ROUTES: dict[str, Route] = {
    "payment_order": Route(
        "payment_order", "cn", "支付令", "payment order",
        ("prepare", "filed", "issued", "served", "effective", "enforcement", "closed"),
        {
            "filed": Deadline(5, "法院决定是否受理", "the court decides whether to accept"),
            "issued": Deadline(15, "受理后十五日内发出支付令", "the order issues within 15 days of acceptance"),
            "served": Deadline(15, "债务人清偿或提出书面异议", "the debtor pays or objects in writing"),
        },
    ),
    "suit": Route(
        "suit", "cn", "诉讼", "suit", CN_STAGES,
        {
            "filed": Deadline(7, "法院决定是否立案", "the court decides whether to docket the case"),
            "served": Deadline(15, "被告提出答辩状", "the defendant files a defence"),
            "effective": Deadline(15, "上诉期届满", "the appeal period runs out"),
        },
    ),
    "internet_court": Route(
        "internet_court", "cn", "诉讼（互联网法院）", "suit (internet court)", CN_STAGES,
        {
            "filed": Deadline(7, "法院决定是否立案", "the court decides whether to docket the case"),
            "served": Deadline(15, "被告提出答辩状", "the defendant files a defence"),
            "effective": Deadline(15, "上诉期届满", "the appeal period runs out"),
        },
    ),
    "arbitration": Route(
        "arbitration", "cn", "仲裁", "arbitration", CN_STAGES,
        {
            "filed": Deadline(5, "仲裁委员会决定是否受理", "the commission decides whether to accept"),
            "served": Deadline(15, "被申请人提交答辩书", "the respondent files a defence"),
        },
    ),
    "notarial": Route(
        "notarial", "cn", "赋强公证", "notarised enforceable instrument",
        ("prepare", "notarised", "served", "effective", "enforcement", "closed"),
        {
            "served": Deadline(7, "债务人核实后出具执行证书", "the execution certificate issues after the debtor is heard"),
        },
    ),
    "us_suit": Route(
        "us_suit", "us-regf", "诉讼（美国）", "collection suit",
        ("prepare", "complaint", "service", "answer", "default", "judgment", "garnishment", "closed"),
        {
            "service": Deadline(21, "被告答辩期", "the defendant's time to answer"),
        },
    ),
}


def routes_for(profile: str) -> tuple[Route, ...]:
    return tuple(route for route in ROUTES.values() if route.profile == profile)


def stage_words(stage: str) -> tuple[str, str]:
    return STAGE_WORDS.get(stage, (stage, stage))


def deadline(route: str, stage: str, entered_on: dt.date) -> dt.date | None:
    """The day the step after `stage` is due, or None when the procedure sets no deadline there."""
    rule = ROUTES[route].deadlines.get(stage)
    return None if rule is None else entered_on + dt.timedelta(days=rule.days)


def may_move(route: str, current: str, to: str) -> bool:
    """Whether a case on `route` at `current` may move to `to`. On the us route the answer and the default are
    alternatives: from service either may follow, and judgment follows either."""
    if route == "us_suit":
        moves = {
            "prepare": ("complaint",), "complaint": ("service",), "service": ("answer", "default"),
            "answer": ("judgment",), "default": ("judgment",), "judgment": ("garnishment",), "garnishment": ("closed",),
        }
        return to in moves.get(current, ()) or (to == "closed" and current != "closed")
    return to in ROUTES[route].next_stages(current)
