"""Disputes of a debt and complaints about how it was collected: intake, the hold, the deadline, the outcome."""
