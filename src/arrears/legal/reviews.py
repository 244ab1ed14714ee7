"""A legal officer decides a legal review: refer the account for legal action, or send it back.

    decide(review_id, user=legal_officer, refer=True, note="已拒绝还款三次，材料齐全")

The decision is kept with who made it, when and why. Only a role with `legal.review_legal` may
decide, and only a review still open.
"""

from __future__ import annotations

from django.db import transaction

from arrears import clock
from arrears.errors import InputError

MAX_NOTE = 2000


class ReviewRefused(InputError):
    """The person may not decide legal reviews (HTTP 403)."""


def may_decide(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("legal.review_legal"))


def decide(review_id: int, *, user, refer: bool, note: str):
    from arrears.legal.models import LegalReview, ReviewState

    if not may_decide(user):
        raise ReviewRefused("您的角色不能处理法务审查", "Your role may not decide legal reviews")
    note = (note or "").strip()
    if not note:
        raise InputError("处理法务审查须说明理由", "A legal review's decision needs a reason")
    if len(note) > MAX_NOTE:
        raise InputError(f"理由不能超过 {MAX_NOTE} 字", f"The reason may be at most {MAX_NOTE} characters")
    with transaction.atomic():
        review = LegalReview.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise InputError(f"找不到法务审查 {review_id}", f"no legal review {review_id}")
        if review.state != ReviewState.OPEN:
            raise InputError("此法务审查已处理", "This legal review has already been decided")
        if refer:
            from arrears.legal.cases import referral_blocked

            blocked = referral_blocked(review.loan_id)
            if blocked is not None:
                raise blocked
        review.state = ReviewState.REFERRED if refer else ReviewState.DECLINED
        review.decided_by, review.decided_at, review.note = user, clock.now(), note
        review.save(update_fields=["state", "decided_by", "decided_at", "note"])
    return review
