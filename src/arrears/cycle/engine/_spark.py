"""The engine's steps run on Spark: the same compiled SQL, each step kept as a checkpointed frame.

Spark SQL has no temporary tables to create from a query or insert into. A step's result is a
DataFrame computed at once and kept by the executors (`localCheckpoint`), which also cuts its
lineage: round n's plan reads round n-1's kept rows, not the n-1 rounds before it. It is named
as a temporary view, so the next step's SQL reads it by name as on DuckDB. The loans a round
sets aside are kept as a filter over that round's kept state; the settled table is the union of those pieces.
"""

from __future__ import annotations

import pyarrow as pa

from arrears.cycle.engine._book import _Run
from arrears.cycle.engine._rounds import STATE_COLUMNS


class SparkRun(_Run):
    """One ageing run's kept frames in a Spark session (an Ibis PySpark backend)."""

    quote = "`"

    def __init__(self, backend, as_of_day: int, names: dict[str, str]) -> None:
        super().__init__(backend, as_of_day, names)
        self.session = backend._session
        self.frames: dict[str, list] = {}  # a name's kept frames: one, or a settled table's pieces
        self.retained: list = []  # rounds' states that settled pieces read from
        # A query over a union of checkpointed frames fails in Spark's constraint rewriting ("key
        # not found: loan_id#…"); the inferred constraints only prune, so the ageing goes without.
        self.session.conf.set("spark.sql.constraintPropagation.enabled", "false")

    def _show(self, name: str) -> None:
        frames = self.frames[name]
        union = frames[0]
        for piece in frames[1:]:
            union = union.unionByName(piece)
        union.createOrReplaceTempView(name)

    def materialise(self, name: str, body: str) -> None:
        self.frames[name] = [self.session.sql(body).localCheckpoint(eager=True)]
        self._show(name)

    def settle(self, settled: str, state: str) -> None:
        # A filter over the round's kept state, not a job of its own: that state's rows stay kept
        # (`retained`) after its view is dropped, until the run ends.
        (frame,) = self.frames[state]
        self.frames[settled].append(frame.where("is_last = 1").select(*STATE_COLUMNS))
        self.retained.append(frame)
        self._show(settled)

    def union(self, role: str, names: list[str]) -> str:
        if not names:
            return super().union(role, names)
        # the frames of `names` as pieces of one: no SQL UNION over checkpointed frames, whose
        # constraint rewriting fails in Spark's optimiser ("key not found")
        name = f"arrears_{role}_{self.run_id}_{next(self._serial)}"
        self.frames[name] = [frame for each in names for frame in self.frames[each]]
        self._show(name)
        self.created.append(name)
        self.names[role] = name
        return name

    def drop(self, name: str) -> None:
        self.session.catalog.dropTempView(name)
        for frame in self.frames.pop(name, []):
            if not any(frame is kept for kept in self.retained):
                frame.unpersist()
        self.created.remove(name)

    def drop_all(self) -> None:
        super().drop_all()
        for frame in self.retained:
            frame.unpersist()
        self.retained.clear()

    def fetch(self, name: str) -> pa.Table:
        return self.session.table(name).toArrow()

    def scalar(self, sql: str):
        return self.session.sql(self.bind(sql)).collect()[0][0]
