"""Repayment plans (instalments, deferral, waiver): proposal, approval within limits, rescheduling and reversion."""
