"""Retention: records kept as long as the profile's `records_retention` rules say, then deleted or
anonymised, with what was done (never the values) written to the audit log.

    report = run_retention(dt.date(2030, 1, 1))      # `arrears retention run --as-of 2030-01-01`
"""

from arrears.retention.periods import Periods, periods_of
from arrears.retention.run import RetentionReport, run_retention

__all__ = ["Periods", "RetentionReport", "periods_of", "run_retention"]
