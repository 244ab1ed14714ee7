"""The agency selection scorecard (pure: no Django): the criteria the sources name for choosing an
agency, each scored 0–10,000 basis points from measured data, combined by weights kept as data.

    experience   years active since registration, 10 years or more scoring full
    recovery     recovered / placed over past placements (track record)
    compliance   lawful and humane methods: agency contacts the guard would have blocked and upheld
                 complaints, per placement
    complaints   complaints received per 1,000 placements
    feedback     the lender's average rating 1–5 (no rating yet: neutral, 5,000)
"""

from __future__ import annotations

from dataclasses import dataclass

FULL = 10_000
CRITERIA = ("recovery", "experience", "compliance", "complaints", "feedback")
DEFAULT_WEIGHTS = {"recovery": 3500, "experience": 1000, "compliance": 2000, "complaints": 2000, "feedback": 1500}
YEARS_FOR_FULL_EXPERIENCE = 10
FINDING_PENALTY_PER_PERCENT = 1000  # each finding per 100 placements takes 10 % off compliance
COMPLAINT_PENALTY_PER_MILLE = 100  # each complaint per 1,000 placements takes 1 % off


@dataclass(frozen=True)
class Measures:
    agency_id: int
    days_active: int
    placements: int
    placed_amount: int
    recovered: int
    blocked_actions: int
    upheld_complaints: int
    complaints: int
    ratings: int
    rating_sum: int


@dataclass(frozen=True)
class Scorecard:
    agency_id: int
    scores: dict[str, int]  # criterion → 0..10,000
    total: int  # weighted, 0..10,000
    measures: Measures


def _clamp(value: int) -> int:
    return max(0, min(FULL, value))


def criterion_scores(m: Measures) -> dict[str, int]:
    per_placement = max(m.placements, 1)
    findings = m.blocked_actions + m.upheld_complaints
    return {
        "recovery": _clamp(m.recovered * FULL // m.placed_amount) if m.placed_amount > 0 else 0,
        "experience": _clamp(m.days_active * FULL // (365 * YEARS_FOR_FULL_EXPERIENCE)),
        "compliance": _clamp(FULL - findings * 100 * FINDING_PENALTY_PER_PERCENT // per_placement),
        "complaints": _clamp(FULL - m.complaints * 1000 * COMPLAINT_PENALTY_PER_MILLE // per_placement),
        "feedback": _clamp((m.rating_sum - m.ratings) * FULL // (4 * m.ratings)) if m.ratings else FULL // 2,
    }


def check_weights(weights: dict[str, int]) -> list[tuple[str, str]]:
    """Problems with the weights (zh, en): every criterion weighed, none negative, summing to 10,000."""
    problems = []
    if missing := sorted(set(CRITERIA) - set(weights)):
        problems.append((f"缺少权重：{'、'.join(missing)}", f"Weights missing for: {', '.join(missing)}"))
    if unknown := sorted(set(weights) - set(CRITERIA)):
        problems.append((f"未知评分项：{'、'.join(unknown)}", f"Unknown criteria: {', '.join(unknown)}"))
    if any(w < 0 for w in weights.values()):
        problems.append(("权重不得为负", "Weights cannot be negative"))
    if sum(weights.values()) != FULL:
        problems.append((f"权重合计须为 10000 基点，现为 {sum(weights.values())}", f"Weights must sum to 10,000 basis points, not {sum(weights.values())}"))
    return problems


def scorecard(m: Measures, weights: dict[str, int]) -> Scorecard:
    scores = criterion_scores(m)
    total = sum(scores[c] * weights.get(c, 0) for c in CRITERIA) // FULL
    return Scorecard(agency_id=m.agency_id, scores=scores, total=total, measures=m)
