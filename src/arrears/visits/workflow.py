"""A visit's life, as data: its states, the steps between them, and who may take each step.

    next_state(VisitState.SCREENED, Step.APPROVE)  # → VisitState.APPROVED
    next_state(VisitState.SCREENED, Step.CHECK_IN)  # raises StepRefused, zh and en

No Django here: the services call this before they touch a row, so one table says what may
follow what.
"""

from __future__ import annotations

from enum import StrEnum

from arrears.errors import ArrearsError


class VisitState(StrEnum):
    SCREENED = "screened"  # the plan's visit review picked the account; waits for the lender
    APPROVED = "approved"  # the lender agreed a visit may be made
    SCHEDULED = "scheduled"  # date, time, collectors fixed; the borrower was sent notice
    IN_PROGRESS = "in_progress"  # the collectors checked in at the address
    COMPLETED = "completed"  # checked out with checklist and outcome
    REJECTED = "rejected"  # the lender decided against a visit
    CANCELLED = "cancelled"  # called off before it was made


OPEN_STATES = frozenset({VisitState.SCREENED, VisitState.APPROVED, VisitState.SCHEDULED, VisitState.IN_PROGRESS})
"""A loan has at most one visit in these states; screening adds none while one is open."""


class Step(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SCHEDULE = "schedule"
    ISSUE_CODE = "issue_code"
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    ATTACH = "attach"
    REPORT_INCIDENT = "report_incident"
    CANCEL = "cancel"


_STEPS: dict[Step, dict[VisitState, VisitState]] = {
    Step.APPROVE: {VisitState.SCREENED: VisitState.APPROVED},
    Step.REJECT: {VisitState.SCREENED: VisitState.REJECTED, VisitState.APPROVED: VisitState.REJECTED},
    # a scheduled visit may be moved: new window or crew, new notice, the old code void
    Step.SCHEDULE: {VisitState.APPROVED: VisitState.SCHEDULED, VisitState.SCHEDULED: VisitState.SCHEDULED},
    Step.ISSUE_CODE: {VisitState.SCHEDULED: VisitState.SCHEDULED, VisitState.IN_PROGRESS: VisitState.IN_PROGRESS},
    Step.CHECK_IN: {VisitState.SCHEDULED: VisitState.IN_PROGRESS},
    Step.CHECK_OUT: {VisitState.IN_PROGRESS: VisitState.COMPLETED},
    Step.ATTACH: {VisitState.IN_PROGRESS: VisitState.IN_PROGRESS, VisitState.COMPLETED: VisitState.COMPLETED},
    # a safety incident may happen on the way, at the door or be reported afterwards
    Step.REPORT_INCIDENT: {
        VisitState.SCHEDULED: VisitState.SCHEDULED,
        VisitState.IN_PROGRESS: VisitState.IN_PROGRESS,
        VisitState.COMPLETED: VisitState.COMPLETED,
        VisitState.CANCELLED: VisitState.CANCELLED,
    },
    Step.CANCEL: {
        VisitState.SCREENED: VisitState.CANCELLED,
        VisitState.APPROVED: VisitState.CANCELLED,
        VisitState.SCHEDULED: VisitState.CANCELLED,
    },
}

STATE_WORDS: dict[VisitState, tuple[str, str]] = {
    VisitState.SCREENED: ("待审批", "screened"),
    VisitState.APPROVED: ("已批准", "approved"),
    VisitState.SCHEDULED: ("已排期", "scheduled"),
    VisitState.IN_PROGRESS: ("进行中", "in progress"),
    VisitState.COMPLETED: ("已完成", "completed"),
    VisitState.REJECTED: ("已驳回", "rejected"),
    VisitState.CANCELLED: ("已取消", "cancelled"),
}

STEP_WORDS: dict[Step, tuple[str, str]] = {
    Step.APPROVE: ("批准", "approve"),
    Step.REJECT: ("驳回", "reject"),
    Step.SCHEDULE: ("排期", "schedule"),
    Step.ISSUE_CODE: ("生成核验码", "issue a verification code"),
    Step.CHECK_IN: ("签到", "check in"),
    Step.CHECK_OUT: ("签退", "check out"),
    Step.ATTACH: ("上传附件", "attach a file"),
    Step.REPORT_INCIDENT: ("报告安全事件", "report a safety incident"),
    Step.CANCEL: ("取消", "cancel"),
}


class StepRefused(ArrearsError):
    """A step that the visit's state, the person's role or the guard does not allow.

    rule_ids: the compliance or visit rules that refused it, empty when only the state did.
    """

    def __init__(self, zh: str, en: str, rule_ids: tuple[str, ...] = ()) -> None:
        super().__init__(zh, en)
        self.rule_ids = tuple(rule_ids)


def allowed_steps(state: VisitState | str) -> tuple[Step, ...]:
    state = VisitState(state)
    return tuple(step for step, moves in _STEPS.items() if state in moves)


def next_state(state: VisitState | str, step: Step | str) -> VisitState:
    """The state after `step`, or StepRefused when the step does not follow from `state`."""
    state, step = VisitState(state), Step(step)
    moves = _STEPS[step]
    if state not in moves:
        state_zh, state_en = STATE_WORDS[state]
        step_zh, step_en = STEP_WORDS[step]
        raise StepRefused(
            f"上门处于“{state_zh}”状态，不能{step_zh}",
            f"A visit that is {state_en} cannot {step_en}",
        )
    return moves[state]
