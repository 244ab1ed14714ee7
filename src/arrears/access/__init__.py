"""Roles, teams and the scope of what each user may see and do."""
