"""Subcommands of `arrears`: each module here defines `register(subparsers)`.

A module's `register` adds one subparser and sets `handler=callable(args) -> int`.
"""
