"""Reading a feed file into an Arrow table of text columns, or refusing it whole (no Django here).

    table = read_feed(Path("loans.csv"), LOANS)

The format follows the extension: .csv, .parquet, .jsonl. Every column of the schema
comes back as text (null where a record leaves it out), in schema order; other
columns are dropped. A file that cannot be read as a whole (missing, unknown
format, not parseable, a required column absent, money carried as binary floating
point) raises one InputError and nothing of it is used.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from arrears.errors import InputError
from arrears.feeds import columns as col
from arrears.feeds.schemas import MONEY_COLUMNS, FeedSchema

FORMATS = (".csv", ".parquet", ".jsonl")


def read_feed(path: Path, schema: FeedSchema, *, encoding: str = "utf-8") -> pa.Table:
    """The schema's columns of the file as text; InputError when the file cannot be used at all."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到文件：{path}", f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"无法识别的文件格式 {suffix or '（无扩展名）'}：{path}。支持 {', '.join(FORMATS)}",
            f"unknown file format {suffix or '(no extension)'}: {path}; expected one of {', '.join(FORMATS)}",
        )
    try:
        if suffix == ".csv":
            table = _read_csv(path, schema, encoding)
        elif suffix == ".parquet":
            table = _read_parquet(path)
        else:
            table = _read_jsonl(path, schema, encoding)
    except InputError:
        raise
    except (pa.ArrowException, OSError, UnicodeError, ValueError, LookupError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        hint_zh, hint_en = _encoding_hint(error, encoding)
        raise InputError(
            f"无法读取文件 {path}：{detail}{hint_zh}",
            f"cannot read {path}: {detail}{hint_en}",
        ) from error
    return _conform(table, schema, path)


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes, to tell one delivery from another."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encoding_hint(error: BaseException, encoding: str) -> tuple[str, str]:
    text = str(error).lower()
    if "utf8" in text or "utf-8" in text or isinstance(error, UnicodeError):
        return (
            f"。文件似乎不是 {encoding} 编码，可用 --encoding gbk 等指定",
            f". The file does not seem to be {encoding}; name its encoding with --encoding (e.g. gbk)",
        )
    return "", ""


def _read_csv(path: Path, schema: FeedSchema, encoding: str) -> pa.Table:
    import pyarrow.csv as pacsv

    # Every column is read as text, so identifiers keep their leading zeros and amounts
    # never pass through a float; the header is read first to name the columns.
    with path.open(encoding="utf-8-sig" if encoding.replace("-", "").lower() == "utf8" else encoding) as stream:
        header = next(csv.reader(io.StringIO(stream.readline())), [])
    if not header:
        raise InputError(f"文件为空或没有表头：{path}", f"the file is empty or has no header row: {path}")
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            include_columns=[name for name in schema.names if name in header],
        ),
    ).select([name for name in schema.names if name in header])


def _read_parquet(path: Path) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(path)


def _read_jsonl(path: Path, schema: FeedSchema, encoding: str) -> pa.Table:
    import pyarrow.json as pajson

    if encoding.replace("-", "").lower() == "utf8":
        explicit = pa.schema([(name, pa.string()) for name in schema.names])
        options = pajson.ParseOptions(explicit_schema=explicit, unexpected_field_behavior="ignore")
        try:
            return pajson.read_json(path, parse_options=options)
        except pa.ArrowInvalid:
            pass  # JSON numbers where text was expected, or a broken line: the exact reader says which
    return _read_jsonl_exactly(path, schema, encoding)


def _read_jsonl_exactly(path: Path, schema: FeedSchema, encoding: str) -> pa.Table:
    """JSON numbers kept as the digits written (never a float); slower than Arrow's reader."""
    columns: dict[str, list[str | None]] = {name: [] for name in schema.names}
    with path.open(encoding="utf-8-sig" if encoding.replace("-", "").lower() == "utf8" else encoding) as stream:
        for line_number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line, parse_float=str, parse_int=str, parse_constant=str)
            except json.JSONDecodeError as error:
                raise InputError(
                    f"第 {line_number} 行不是有效的 JSON：{error.msg}",
                    f"line {line_number} is not valid JSON: {error.msg}",
                ) from error
            if not isinstance(record, dict):
                raise InputError(
                    f"第 {line_number} 行应为 JSON 对象", f"line {line_number} must be a JSON object"
                )
            for name, values in columns.items():
                values.append(_as_text(record.get(name)))
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _conform(table: pa.Table, schema: FeedSchema, path: Path) -> pa.Table:
    """The schema's columns, as text, in order; a required column absent is a whole-file error."""
    present = set(table.column_names)
    if path.suffix.lower() == ".jsonl":  # records name their fields one by one: absent means never given
        present = {name for name in present if table.column(name).null_count < table.num_rows}
    missing = [name for name in schema.required if name not in present]
    if missing and not (table.num_rows == 0 and path.suffix.lower() == ".jsonl"):
        listed = ", ".join(missing)
        raise InputError(f"文件 {path} 缺少必需的列：{listed}", f"{path} lacks required columns: {listed}")
    columns = {}
    for name in schema.names:
        if name in table.column_names:
            columns[name] = _text_column(table.column(name), name, path)
        else:
            columns[name] = pa.nulls(table.num_rows, pa.string())
    return pa.table(columns)


def _text_column(column: pa.ChunkedArray, name: str, path: Path) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_string(kind):
        return column
    if pa.types.is_floating(kind) and name in MONEY_COLUMNS:
        raise InputError(
            f"文件 {path} 的 {name} 列是浮点数；金额请用文本或 decimal 类型",
            f"{path}: column {name} is binary floating point; send amounts as text or decimal",
        )
    if pa.types.is_date(kind):
        return col.dates_as_text(column.cast(pa.date32()))
    if (
        pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_dictionary(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_null(kind)
    ):
        return pc.cast(column, pa.string())
    raise InputError(
        f"文件 {path} 的 {name} 列类型 {kind} 无法作为文本读取",
        f"{path}: column {name} has type {kind}, which cannot be read as text",
    )
