"""Birth dates written in any of the usual ways -> ``pl.Date`` + a status code.

Recognized forms (after trimming; case-insensitive):

- ``31.12.1985``, ``31.12.85``, ``31. 12. 1985`` (dots are day first: the European/Slavic
  convention);
- ``31/12/1985``, ``31-12-1985``, ``12/31/1985`` (``dayfirst`` decides when both readings
  are possible; when only one is - a part over 12 - that one is taken);
- ``1985-12-31``, ``1985/12/31``, ``1985.12.31``, ISO datetimes ``1985-12-31T00:00:00+03:00``
  and any of the above followed by a time (``31.12.1985 0:00:00``, as Excel exports write);
- ``19851231`` (``yyyymmdd`` when it starts with 19/20) and ``31121985`` (``ddmmyyyy``);
- Excel serial day numbers ``31412`` = 1985-12-31 (5 digits: 1927 to 2173; a bare 4-digit
  number is taken for a year, which is not a birth date, and is ``unparseable``);
- month names in Russian, Ukrainian and English: ``31 декабря 1985 г.``, ``31 грудня 1985 р.``,
  ``31 Dec 1985``, ``Dec 31, 1985``, ``December 31st 1985``;
- ``pl.Date``/``pl.Datetime`` columns are taken as they are, numeric columns as Excel serials.

Two-digit years use a sliding pivot: ``yy`` is ``20yy`` unless that is after ``today``,
else ``19yy`` (birth dates are in the past).

Status codes (``<col>_status``): ``ok``, ``empty``, ``junk``, ``unparseable`` (no known form,
or no such day like 30.02.1985), ``ambiguous`` (only with ``dayfirst=None``: ``03/04/1985``
could be either) and ``out_of_range`` (before ``min_year`` or after ``today``). The date
column is null unless the status is ``ok``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

from custdata.errors import InvalidOption
from custdata.frames import as_expr, check_columns, refuse_clashes
from custdata.frames import columns_arg as _columns_arg
from custdata.junk import JUNK_VALUES
from custdata.normalize._common import one_chunk
from custdata.status import EMPTY, JUNK, OK

if TYPE_CHECKING:
    from polars._typing import PolarsTemporalType
    from polars.expr.whenthen import ChainedThen, Then

__all__ = [
    "DATE_STATUSES",
    "birth_date",
    "birth_dates",
    "parse_birth_date",
    "parse_date",
    "parse_datetime",
]

UNPARSEABLE = "unparseable"
AMBIGUOUS = "ambiguous"
OUT_OF_RANGE = "out_of_range"
#: Every status code of the birth-date normalizer.
DATE_STATUSES: tuple[str, ...] = (OK, EMPTY, JUNK, UNPARSEABLE, AMBIGUOUS, OUT_OF_RANGE)

_EXCEL_EPOCH = dt.date(1899, 12, 30)

_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    [
        "январь января янв jan january січень січня січ",
        "февраль февраля фев февр feb february лютий лютого лют",
        "март марта мар mar march березень березня бер",
        "апрель апреля апр apr april квітень квітня квіт кві",
        "май мая may травень травня трав тра",
        "июнь июня июн jun june червень червня черв чер",
        "июль июля июл jul july липень липня лип",
        "август августа авг aug august серпень серпня серп сер",
        "сентябрь сентября сен сент sep sept september вересень вересня вер",
        "октябрь октября окт oct october жовтень жовтня жовт жов",
        "ноябрь ноября ноя нояб nov november листопад листопада лист лис",
        "декабрь декабря дек dec december грудень грудня груд гру",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _n

_DIGITS = r"(\d{1,2})"
_RE_YMD = r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ t,].*)?$"
_RE_DMY = r"^(\d{1,2})\s*([-./])\s*(\d{1,2})\s*[-./]\s*(\d{4}|\d{2})(?:[ t,].*)?$"
_RE_COMPACT = r"^(\d{8})$"
_RE_SERIAL = r"^(\d{5})(?:[.,]\d+)?$"
_WORD = r"([a-zа-яёіїєґ]+)"
_YEAR_SUFFIX = r"(?:\s*(?:г|гг|год|года|р|рік|року|y)\.?)?"
_RE_D_MON_Y = (
    rf"^(\d{{1,2}})(?:st|nd|rd|th|-?го|-?е)?[\s.\-/]+{_WORD}\.?,?[\s.\-/]+(\d{{4}}){_YEAR_SUFFIX}$"
)
_RE_MON_D_Y = rf"^{_WORD}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_YEAR_SUFFIX}$"


def _check_options(dayfirst: object, min_year: object, today: object) -> dt.date:
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise InvalidOption("dayfirst must be True, False or None (decide per value)")
    if not isinstance(min_year, int) or isinstance(min_year, bool) or not 1 <= min_year <= 9999:
        raise InvalidOption("min_year must be a year such as 1900")
    if today is None:
        return dt.date.today()
    if not isinstance(today, dt.date):
        raise InvalidOption("today must be a datetime.date")
    return today if not isinstance(today, dt.datetime) else today.date()


def _int(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.Int32, strict=False)


def _parse_text(text: pl.Expr, *, dayfirst: bool | None, pivot: int) -> pl.Expr:
    """Struct (y, m, d, ambiguous) from a trimmed lower-cased string expression.

    A two-digit year ``yy`` is ``20yy`` when ``yy <= pivot``, else ``19yy``.
    """
    ymd = text.str.extract_groups(_RE_YMD)
    dmy = text.str.extract_groups(_RE_DMY)
    compact = text.str.extract(_RE_COMPACT, 1)
    serial = _int(text.str.extract(_RE_SERIAL, 1))
    dmon = text.str.extract_groups(_RE_D_MON_Y)
    mond = text.str.extract_groups(_RE_MON_D_Y)

    # numeric d?m?y
    a, sep, b = _int(dmy.struct[0]), dmy.struct[1], _int(dmy.struct[2])
    yy = dmy.struct[3]
    y_num = _int(yy)
    year = (
        pl.when(yy.str.len_chars() == 2)
        .then(pl.when(y_num <= pivot).then(y_num + 2000).otherwise(y_num + 1900))
        .otherwise(y_num)
    )
    # the only possible reading wins (13/05 is day first whatever ``dayfirst`` says);
    # otherwise dots are day first and ``dayfirst`` decides the rest
    preferred = (sep == ".") | pl.lit(bool(dayfirst))
    day_first = pl.when(a > 12).then(True).when(b > 12).then(False).otherwise(preferred)
    ambiguous = (
        (sep != ".") & (a <= 12) & (b <= 12) & (a != b) if dayfirst is None else pl.lit(False)
    )
    dmy_day = pl.when(day_first).then(a).otherwise(b)
    dmy_month = pl.when(day_first).then(b).otherwise(a)

    c_year = _int(compact.str.slice(0, 4))
    c_is_ymd = compact.str.contains(r"^(?:19|20)")
    c_y = pl.when(c_is_ymd).then(c_year).otherwise(_int(compact.str.slice(4, 4)))
    c_m = (
        pl.when(c_is_ymd)
        .then(_int(compact.str.slice(4, 2)))
        .otherwise(_int(compact.str.slice(2, 2)))
    )
    c_d = (
        pl.when(c_is_ymd)
        .then(_int(compact.str.slice(6, 2)))
        .otherwise(_int(compact.str.slice(0, 2)))
    )

    months = pl.Series(list(_MONTHS)), pl.Series(list(_MONTHS.values()), dtype=pl.Int32)
    dmon_m = dmon.struct[1].replace_strict(*months, default=None)
    mond_m = mond.struct[0].replace_strict(*months, default=None)

    serial_date = pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial)

    is_ymd, is_dmy = ymd.struct[0].is_not_null(), dmy.struct[0].is_not_null()
    is_compact, is_serial = compact.is_not_null(), serial.is_not_null()
    is_dmon, is_mond = dmon_m.is_not_null(), mond_m.is_not_null()

    def pick(*pairs: tuple[pl.Expr, pl.Expr]) -> pl.Expr:
        chain: Then | ChainedThen = pl.when(pairs[0][0]).then(pairs[0][1])
        for cond, value in pairs[1:]:
            chain = chain.when(cond).then(value)
        return chain.otherwise(pl.lit(None, pl.Int32))

    y = pick(
        (is_ymd, _int(ymd.struct[0])),
        (is_dmy, year),
        (is_compact, c_y),
        (is_serial, serial_date.dt.year().cast(pl.Int32)),
        (is_dmon, _int(dmon.struct[2])),
        (is_mond, _int(mond.struct[2])),
    )
    m = pick(
        (is_ymd, _int(ymd.struct[1])),
        (is_dmy, dmy_month),
        (is_compact, c_m),
        (is_serial, serial_date.dt.month().cast(pl.Int32)),
        (is_dmon, dmon_m),
        (is_mond, mond_m),
    )
    d = pick(
        (is_ymd, _int(ymd.struct[2])),
        (is_dmy, dmy_day),
        (is_compact, c_d),
        (is_serial, serial_date.dt.day().cast(pl.Int32)),
        (is_dmon, _int(dmon.struct[0])),
        (is_mond, _int(mond.struct[1])),
    )
    return pl.struct(
        y.alias("y"), m.alias("m"), d.alias("d"), (is_dmy & ambiguous).alias("ambiguous")
    )


def _to_date(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """Date from parts; null for impossible days (30 February)."""
    text = pl.format(
        "{}-{}-{}",
        y.cast(pl.String).str.zfill(4),
        m.cast(pl.String).str.zfill(2),
        d.cast(pl.String).str.zfill(2),
    )
    ok_parts = y.is_between(1, 9999) & m.is_between(1, 12) & d.is_between(1, 31)
    return pl.when(ok_parts).then(text.str.to_date("%Y-%m-%d", strict=False))


def _analyze_series(
    series: pl.Series, *, dayfirst: bool | None, min_year: int, today: dt.date
) -> pl.Series:
    """Struct Series (iso: Date, status: String) for every value of ``series``."""
    low = dt.date(min_year, 1, 1)
    name = series.name
    if series.dtype == pl.Date or isinstance(series.dtype, pl.Datetime):
        dates = series.cast(pl.Date)
        frame = pl.DataFrame({"date": dates}).with_columns(
            pl.when(pl.col("date").is_null())
            .then(pl.lit(EMPTY))
            .when(~pl.col("date").is_between(low, today))
            .then(pl.lit(OUT_OF_RANGE))
            .otherwise(pl.lit(OK))
            .alias("status")
        )
        return frame.select(
            pl.struct(
                pl.when(pl.col("status") == OK).then(pl.col("date")).alias("iso"), "status"
            ).alias(name)
        ).to_series()
    raw = series.cast(pl.String)
    text = pl.col("raw").str.strip_chars().str.to_lowercase()
    parts = _parse_text(text, dayfirst=dayfirst, pivot=today.year % 100)
    distinct = (
        pl.LazyFrame({"raw": raw.unique()})
        .with_columns(parts.alias("p"))
        .with_columns(
            _to_date(
                pl.col("p").struct["y"], pl.col("p").struct["m"], pl.col("p").struct["d"]
            ).alias("date")
        )
        .with_columns(
            pl.when(text.is_null() | (text == ""))
            .then(pl.lit(EMPTY))
            .when(text.is_in(pl.Series(sorted(JUNK_VALUES)).implode()))
            .then(pl.lit(JUNK))
            .when(pl.col("p").struct["ambiguous"])
            .then(pl.lit(AMBIGUOUS))
            .when(pl.col("date").is_null())
            .then(pl.lit(UNPARSEABLE))
            .when(~pl.col("date").is_between(low, today))
            .then(pl.lit(OUT_OF_RANGE))
            .otherwise(pl.lit(OK))
            .alias("status")
        )
        .select("raw", pl.when(pl.col("status") == OK).then(pl.col("date")).alias("iso"), "status")
    )
    return (
        pl.LazyFrame({"raw": raw})
        .join(distinct, on="raw", how="left", nulls_equal=True, maintain_order="left")
        .select(pl.struct("iso", "status").alias(name))
        .collect(engine="in-memory")
        .to_series()
    )


_STRUCT = pl.Struct({"iso": pl.Date, "status": pl.String})


def _struct_expr(
    col: str | pl.Expr, *, dayfirst: bool | None, min_year: int, today: dt.date
) -> pl.Expr:
    return as_expr(col).map_batches(
        lambda s: _analyze_series(s, dayfirst=dayfirst, min_year=min_year, today=today),
        return_dtype=_STRUCT,
        is_elementwise=True,
    )


def birth_date(
    col: str | pl.Expr,
    *,
    dayfirst: bool | None = True,
    min_year: int = 1900,
    today: dt.date | None = None,
) -> pl.Expr:
    """Birth date as ``pl.Date``; null where it cannot be read or is out of range.

    ``dayfirst`` applies to ``/`` and ``-`` separated numeric dates that can be read both ways
    (``True``: 03/04/1985 is 3 April; ``False``: 4 March, the US way; ``None``: ``ambiguous``).
    A date with a part over 12 has one reading only, which is taken. Dotted dates are day first.

    >>> df = pl.DataFrame({"dob": ["31.12.1985", "1985-12-31", "31 декабря 1985 г.",
    ...                            "Dec 31, 1985", "31412", "31.12.85", "30.02.1985", "нет"]})
    >>> df.select(birth_date("dob", today=dt.date(2025, 1, 1)))["dob"].to_list()  # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(1985, 12, 31), datetime.date(1985, 12, 31), datetime.date(1985, 12, 31),
     datetime.date(1985, 12, 31), datetime.date(1985, 12, 31), datetime.date(1985, 12, 31),
     None, None]
    """
    ref = _check_options(dayfirst, min_year, today)
    return (
        _struct_expr(col, dayfirst=dayfirst, min_year=min_year, today=ref)
        .struct.field("iso")
        .name.keep()
    )


@refuse_clashes
def birth_dates(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: str | Iterable[str],
    *,
    dayfirst: bool | None = True,
    min_year: int = 1900,
    today: dt.date | None = None,
    in_place: bool = False,
) -> pl.DataFrame | pl.LazyFrame:
    """Add ``<col>_iso`` (``pl.Date``) and ``<col>_status`` for each birth-date column.

    With ``in_place=True`` the original column is replaced by the ISO text (``1985-12-31``)
    where the date was read, and keeps its original text elsewhere; ``<col>_iso`` is still added.

    >>> df = pl.DataFrame({"dob": ["12/31/1985", "03/04/1985", "2099-01-01", ""]})
    >>> out = birth_dates(df, "dob", dayfirst=None, today=dt.date(2025, 1, 1))
    >>> out.rows()  # doctest: +NORMALIZE_WHITESPACE
    [('12/31/1985', datetime.date(1985, 12, 31), 'ok'), ('03/04/1985', None, 'ambiguous'),
     ('2099-01-01', None, 'out_of_range'), ('', None, 'empty')]
    """
    cols = _columns_arg(columns)
    check_columns(frame, cols)
    frame = one_chunk(frame, cols)
    ref = _check_options(dayfirst, min_year, today)
    if not isinstance(in_place, bool):
        raise InvalidOption("in_place must be True or False")
    tmp = [f"__custdata_date_{i}" for i in range(len(cols))]
    out = frame.with_columns(
        _struct_expr(c, dayfirst=dayfirst, min_year=min_year, today=ref).alias(t)
        for c, t in zip(cols, tmp, strict=True)
    )
    new: list[pl.Expr] = []
    for c, t in zip(cols, tmp, strict=True):
        iso = pl.col(t).struct.field("iso")
        if in_place:
            text = iso.dt.to_string("%Y-%m-%d")
            new.append(pl.coalesce(text, pl.col(c).cast(pl.String)).alias(c))
        new += [iso.alias(f"{c}_iso"), pl.col(t).struct.field("status").alias(f"{c}_status")]
    return out.with_columns(new).drop(tmp)


def parse_birth_date(
    value: str | dt.date | int | float | None,
    *,
    dayfirst: bool | None = True,
    min_year: int = 1900,
    today: dt.date | None = None,
) -> tuple[dt.date | None, str]:
    """Read one birth date: ``(date or None, status)``.

    >>> parse_birth_date("31 грудня 1985 р.")
    (datetime.date(1985, 12, 31), 'ok')
    >>> parse_birth_date("03/04/1985"), parse_birth_date("03/04/1985", dayfirst=False)
    ((datetime.date(1985, 4, 3), 'ok'), (datetime.date(1985, 3, 4), 'ok'))
    >>> parse_birth_date("12/31/1985")  # only one reading is possible
    (datetime.date(1985, 12, 31), 'ok')
    """
    ref = _check_options(dayfirst, min_year, today)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, bool):
        value = str(value)
    series = pl.Series("v", [value])
    if series.dtype == pl.Null:
        series = series.cast(pl.String)
    row = _analyze_series(series, dayfirst=dayfirst, min_year=min_year, today=ref)[0]
    return row["iso"], row["status"]


#: Two-digit years of :func:`parse_date`: ``00``-``68`` are 20xx, ``69``-``99`` 19xx (as POSIX
#: ``strptime`` reads ``%y``). Birth dates use a sliding pivot on ``today`` instead.
_GENERAL_PIVOT = 68
#: A time of day after the date: ``10:30``, ``10:30:15``, ``T10:30:15.123``.
_RE_TIME = r"^\S+?(?:,?\s+|t)(\d{1,2}):(\d{2})(?::(\d{2}))?"


def _general_lookup(texts: pl.Series, *, dayfirst: bool, with_time: bool) -> pl.DataFrame:
    """Each distinct text -> its date (and time of day), in any format birth dates accept."""
    text = pl.col("raw").str.strip_chars().str.to_lowercase()
    parts = _parse_text(text, dayfirst=dayfirst, pivot=_GENERAL_PIVOT)
    y, m, d = (pl.col("p").struct[f] for f in ("y", "m", "d"))
    value: pl.Expr = pl.when(y >= 1000).then(_to_date(y, m, d))
    if with_time:
        clock = text.str.extract_groups(_RE_TIME)
        hours, minutes = _int(clock.struct[0]), _int(clock.struct[1])
        seconds = _int(clock.struct[2]).fill_null(0)
        ok_time = hours.is_between(0, 23) & minutes.is_between(0, 59) & seconds.is_between(0, 59)
        offset = pl.when(ok_time).then(pl.duration(hours=hours, minutes=minutes, seconds=seconds))
        value = value.cast(pl.Datetime("us")) + offset.fill_null(pl.duration(seconds=0))
    return (
        pl.LazyFrame({"raw": texts})
        .with_columns(parts.alias("p"))
        .select("raw", value.alias("value"))
        .collect(engine="in-memory")
    )


def _general_series(series: pl.Series, *, dayfirst: bool, with_time: bool) -> pl.Series:
    dtype: PolarsTemporalType = pl.Datetime("us") if with_time else pl.Date
    if series.dtype == pl.Date or isinstance(series.dtype, pl.Datetime):
        return series.cast(dtype)
    raw = series.cast(pl.String)
    # fast path: ISO dates are read natively; only the other texts go through the parser
    iso = "%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d"
    fast = raw.str.strptime(dtype, iso, strict=False)
    if with_time:
        fast = fast.fill_null(raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False).cast(dtype))
    failed = fast.is_null() & raw.is_not_null()
    if not failed.any():
        return fast.alias(series.name)
    rest = raw.filter(failed)
    # few distinct dates, many rows: parse each distinct text once
    lookup = _general_lookup(rest.unique().drop_nulls(), dayfirst=dayfirst, with_time=with_time)
    fixed = (
        pl.DataFrame({"raw": rest})
        .join(lookup, on="raw", how="left", maintain_order="left")
        .get_column("value")
    )
    return fast.scatter(failed.arg_true(), fixed).alias(series.name)


def _check_dayfirst(dayfirst: object) -> bool:
    if not isinstance(dayfirst, bool):
        raise InvalidOption("dayfirst must be True or False")
    return dayfirst


def parse_date(column: str | pl.Expr, *, dayfirst: bool = True) -> pl.Expr:
    """Any date (order, visit, update date) as ``pl.Date``; null where no known form reads it.

    The same forms as :func:`birth_date` (``01.03.2024``, ``2024-03-01``, ``01/03/2024``,
    month names, Excel serials, a time part ignored), without a range check: the date may be
    recent or in the future. Two-digit years ``00``-``68`` are 20xx, ``69``-``99`` 19xx; years
    before 1000 are not dates. ``pl.Date``/``pl.Datetime`` columns are taken as they are.

    >>> df = pl.DataFrame({"d": ["2024-03-01", "01.03.2024", "1/3/2024 10:30", "1 марта 2024", "soon"]})
    >>> df.select(parse_date("d"))["d"].to_list()  # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2024, 3, 1), datetime.date(2024, 3, 1), datetime.date(2024, 3, 1),
     datetime.date(2024, 3, 1), None]
    """
    first = _check_dayfirst(dayfirst)
    return as_expr(column).map_batches(
        lambda s: _general_series(s, dayfirst=first, with_time=False),
        return_dtype=pl.Date,
        is_elementwise=True,
    )


def parse_datetime(column: str | pl.Expr, *, dayfirst: bool = True) -> pl.Expr:
    """Like :func:`parse_date`, keeping the time of day when there is one (``Datetime("us")``).

    >>> df = pl.DataFrame({"d": ["2024-03-01 10:30", "01.03.2024 9:05:30", "2024-03-01T10:00:00Z", "01.03.2024"]})
    >>> [str(v) for v in df.select(parse_datetime("d"))["d"]]
    ['2024-03-01 10:30:00', '2024-03-01 09:05:30', '2024-03-01 10:00:00', '2024-03-01 00:00:00']
    """
    first = _check_dayfirst(dayfirst)
    return as_expr(column).map_batches(
        lambda s: _general_series(s, dayfirst=first, with_time=True),
        return_dtype=pl.Datetime("us"),
        is_elementwise=True,
    )
