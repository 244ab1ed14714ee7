"""Promises to pay, judged kept, partly kept or broken by the nightly cycle."""
