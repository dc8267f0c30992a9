"""Golden records: one row per person, each field the best *valid normalized* value of its cluster.

Survivorship works on **groups** of columns that describe one record and are therefore taken
from the same input row:

* a value and the columns a normalizer derived from it (``phone`` with ``phone_e164``,
  ``phone_status``...): the golden ``phone`` is the normalized number, and its status, type
  and region come from the same row;
* the record's identity: ``source``, ``source_row`` and the id column(s) (``source_id``);
* an address: ``address``, ``city`` (and any column passed in ``groups=``).

Only valid values compete: a value that is empty, a placeholder ("нет", "n/a", "-",
``+7 (___) ___-__-__``) or that its kind's normalizer rejects (an invalid phone, email, birth
date) never wins while the cluster has a valid one, and never appears in the ``<field>_all``
lists, which hold the distinct **normalized** values (one entry per number, however it was
spelt).

Among valid values a strategy picks the winner (per field ``rules={"phone": "most_recent"}``,
for every other field ``default``):

* ``most_recent``: the value of the newest record by ``date_column`` (registration date...);
* ``most_frequent``: the value most records agree on (ties: the newest, then the longest);
* ``longest``: the most complete (longest) value;
* ``first_non_null``: the value of the first record in input order;
* ``source_priority``: the value from the best source in ``source_priority`` (then the newest).

Names are built, not picked: each part (surname, first name, patronymic) is the best part
across the cluster (a full word beats an initial, Cyrillic beats a transliteration of it, then
the longest, the most frequent, the newest), in the normalizer's case; the full-name column is
assembled from them (``Матяш Б.А.`` + ``Борис`` from another row → ``Матяш Борис ...``).

Provenance: ``<field>_source_row`` is the row the value came from, counted as ``source_row`` is
(1-based row of its source file; the frame's ``source_row`` column when there is one, else the
1-based row of the input). With a ``source`` column ``<field>_source`` names the file too.
Membership: ``record_count`` and the lists ``member_rows``, ``member_sources`` and
``member_ids`` (when the frame has those columns) let a CRM map old ids to the golden id.

Rows without identity (every name, phone and email empty or junk) are not people: they get
no golden record and are not counted in ``record_count``.

Consent (``consent_<channel>`` and ``consent_<channel>_date`` from
:func:`custdata.normalize.consents`): per channel the most restrictive state of the members (an
opt-out anywhere wins) unless an opt-in is dated after every opt-out (an undated opt-out is never
overridden); ``consent_<channel>_date``, ``_source`` and ``_source_row`` come from the deciding
record. The raw consent columns are not copied.

>>> df = pl.DataFrame({"cluster_id": ["a", "a", "a", "b"],
...                    "phone": ["8 912 000-00-01", "нет", "+79120000002", None],
...                    "name": ["Ivan", "Ivan Petrov", "Ivan", "Olga"],
...                    "updated": ["2020-01-01", "2024-01-01", "2023-05-01", None]})
>>> g = golden_records(df, date_column="updated", rules={"name": "longest"})
>>> g.select("cluster_id", "phone", "phone_source_row", "record_count").rows()
[('a', '+79120000002', 3, 3), ('b', None, None, 1)]
>>> g["phone_all"].to_list()
[['+79120000001', '+79120000002'], []]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import polars as pl

from custdata.dedupe._golden_name import _golden_name, _name_part_exprs
from custdata.errors import InvalidOption, require_columns
from custdata.junk import JUNK_VALUES
from custdata.normalize.date import parse_datetime

STRATEGIES = ("most_recent", "most_frequent", "longest", "first_non_null", "source_priority")
_SKIP = {"match_score", "match_reason", "household_id", "record_status", "name_key", "name_gender"}

#: A derived column holding the normalized value of the column it is named after.
_NORMAL_SUFFIXES = ("_e164", "_normalized", "_iso", "_code", "_clean")
#: Other columns a normalizer adds next to a value (they describe that row's value).
_ROW_SUFFIXES = (
    "_status",
    "_type",
    "_region",
    "_ext",
    "_extension",
    "_possible",
    "_extra",
    "_valid",
    "_key",
    "_suggestion",
    "_disposable",
    "_role",
    "_gender",
    "_last",
    "_first",
    "_middle",
    "_last_key",
    "_first_key",
    "_middle_key",
    "_reason",
)
_NAME_KINDS = ("full_name", "last_name", "first_name", "middle_name")
_ADDRESS_KINDS = ("address", "city", "postcode", "region", "country")
_JUNK = sorted(JUNK_VALUES)


def _as_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return parse_datetime(expr)  # the shared parser: any date form, with its time of day


def _text_valid(expr: pl.Expr) -> pl.Expr:
    """Non-empty, not a placeholder, and holds at least one letter or digit."""
    text = expr.cast(pl.String).str.strip_chars()
    return (
        expr.is_not_null()
        & (text.str.len_chars() > 0)
        & ~text.str.to_lowercase().is_in(_JUNK)
        & text.str.contains(r"[\p{L}\p{N}]")
        # a mask such as "+7 (___) ___-__-__" or "xx.xx.xxxx"
        & ~text.str.contains(r"_{2,}")
    ).fill_null(False)


def _normalizer(
    kind: str, col: str, region: str = "RU", fallback_region: str | None = None
) -> pl.Expr | None:
    """The kind's shared normalizer applied to a raw column (null where invalid), if any."""
    from custdata import normalize

    if kind == "phone":
        return normalize.phone(col, region=region, fallback_region=fallback_region)
    if kind == "email":
        return normalize.email(col)
    if kind == "birth_date":
        return normalize.birth_date(col)
    if kind == "gender":
        return normalize.gender(col)
    return None


def _siblings(col: str, names: Sequence[str], originals: set[str]) -> list[str]:
    """Columns derived from ``col`` by a normalizer (``phone_e164``, ``phone_status``...)."""
    out = []
    for c in names:
        if c == col or not c.startswith(col + "_"):
            continue
        if c[len(col) :] in (*_NORMAL_SUFFIXES, *_ROW_SUFFIXES):
            out.append(c)
    return out


def golden_records(
    frame: pl.DataFrame,
    *,
    cluster: str = "cluster_id",
    rules: Mapping[str, str] | None = None,
    default: str | None = None,
    date_column: str | None = None,
    source_column: str | None = None,
    source_priority: Sequence[str] | None = None,
    list_columns: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    row_column: str | None = None,
    kinds: Mapping[str, str | Sequence[str]] | None = None,
    detect: bool = True,
    region: str = "RU",
    fallback_region: str | None = None,
) -> pl.DataFrame:
    """One golden record per person, with provenance and membership columns.

    ``frame`` is the output of :func:`~custdata.dedupe.find_duplicates` (any frame with a
    ``cluster`` column, raw or normalized). ``default`` is ``most_recent`` when ``date_column``
    is given, else ``most_frequent``. ``list_columns`` (default: detected phone and email
    columns) also get ``<column>_all``, the distinct valid normalized values. ``groups``
    (name -> columns) adds sets of columns taken together from one row (the first column
    decides). ``source_column`` defaults to ``source`` and ``row_column`` to ``source_row``
    when the frame has them. ``kinds`` (kind -> column(s)) overrides column detection;
    with ``detect=False`` it is every kind there is (nothing else is detected: Spark decides
    the kinds once on the driver, so that every partition of clusters uses the same).
    Rows in a null cluster are ignored. Raw phones (no ``<column>_e164`` beside them) are read
    in ``region``, then in ``fallback_region`` when given.

    >>> df = pl.DataFrame({"cluster_id": ["a", "a"], "email": ["n/a", "Ivan@Mail.ru"],
    ...                    "phone": ["8 912 000-00-01", None],
    ...                    "source": ["crm", "shop"], "source_id": ["CRM-1", "S-7"]})
    >>> g = golden_records(df)
    >>> g.select("email", "email_source", "member_ids").row(0)
    ('ivan@mail.ru', 'shop', ['CRM-1', 'S-7'])
    >>> ua = pl.DataFrame({"cluster_id": ["a"], "email": ["a@x.ua"], "phone": ["0975419469"]})
    >>> [golden_records(ua, fallback_region=f)["phone"][0] for f in (None, "UA")]
    [None, '+380975419469']
    """
    from custdata.schema import detect_columns

    require_columns(frame.columns, [cluster])
    if date_column is not None:
        require_columns(frame.columns, [date_column])
    if source_column is None and "source" in frame.columns:
        source_column = "source"
    if source_column is not None:
        require_columns(frame.columns, [source_column])
    if row_column is None and "source_row" in frame.columns:
        row_column = "source_row"
    if row_column is not None:
        require_columns(frame.columns, [row_column])
    default = default or ("most_recent" if date_column else "most_frequent")
    rules = dict(rules or {})
    for field, strategy in [*rules.items(), ("(default)", default)]:
        if strategy not in STRATEGIES:
            raise InvalidOption(
                f"unknown survivorship rule {strategy!r} for {field}; use one of {', '.join(STRATEGIES)}"
            )
        if strategy == "most_recent" and date_column is None:
            raise InvalidOption(f"{field}: most_recent needs date_column= (CLI: --date-column)")
        if strategy == "source_priority" and (source_column is None or not source_priority):
            raise InvalidOption(
                f"{field}: source_priority needs source_column= and source_priority=[...]"
            )
    unknown = [f for f in rules if f not in frame.columns]
    if unknown:
        require_columns(frame.columns, unknown)
    if columns is not None:
        require_columns(frame.columns, list(columns))
    for cols in (groups or {}).values():
        require_columns(frame.columns, list(cols))

    wanted = frame.columns if columns is None else list(columns)
    # consent: per channel its own rule (below); the raw consent columns are not golden values
    from custdata.normalize.consent import consent_columns

    consent = [m.group(1) for c in frame.columns if (m := re.fullmatch(r"consent_([a-z]+)", c))]
    raw_consent = set(consent_columns(frame.columns))
    fields = [
        c
        for c in wanted
        if c != cluster
        and c not in _SKIP
        and c not in raw_consent
        and not re.fullmatch(r"consent_[a-z]+(_date)?", c)
    ]
    scan = frame.drop([c for c in (cluster, *_SKIP) if c in frame.columns])
    overrides = (
        None
        if kinds is None
        else {k: v if isinstance(v, str) else list(v) for k, v in kinds.items()}
    )
    detected = (
        detect_columns(scan, overrides=overrides)
        if detect or overrides is None
        else {k: [v] if isinstance(v, str) else list(v) for k, v in overrides.items()}
    )
    if "source_id" in scan.columns and "source_id" not in detected.get("id", []):
        detected["id"] = ["source_id", *detected.get("id", [])]  # unify_sources' id column
        for k, cols in detected.items():
            if k != "id" and "source_id" in cols:
                cols.remove("source_id")
    kind_of = {c: k for k, cols in detected.items() for c in cols}
    originals = set(kind_of)
    if list_columns is None:
        list_columns = [
            c for c in fields if kind_of.get(c) in ("phone", "email") and not c.endswith("_ext")
        ]
    require_columns(frame.columns, list(list_columns))

    # -- per-row working columns: position, date, priority, normalized value and validity
    base = frame.with_row_index("_pos").with_columns(pl.col("_pos").cast(pl.Int64))
    base = base.with_columns(
        (pl.col(row_column).cast(pl.Int64) if row_column else pl.col("_pos") + 1).alias("_row"),
        (
            _as_date(pl.col(date_column), frame.schema[date_column])
            if date_column
            else pl.lit(None, dtype=pl.Datetime("us"))
        ).alias("_date"),
    )
    if source_column and source_priority:
        order = {s: i for i, s in enumerate(source_priority)}
        prio = (
            pl.col(source_column)
            .cast(pl.String)
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
        )
    else:
        prio = pl.lit(0, dtype=pl.Int64)
    base = base.with_columns(prio.alias("_prio"))

    derived = {s for o in fields if o in originals for s in _siblings(o, fields, originals)}
    for col in derived:
        kind_of.pop(col, None)
    value_of: dict[str, str] = {}  # field -> working column holding its normalized value
    exprs = []
    for col in dict.fromkeys([*fields, *list_columns]):
        if col in value_of:
            continue
        kind = kind_of.get(col)
        sib = next(
            (f"{col}{s}" for s in _NORMAL_SUFFIXES if f"{col}{s}" in frame.columns),
            None,
        )
        if col in derived:
            value = pl.col(col)
        elif sib is not None and kind not in _NAME_KINDS:
            value = pl.col(sib)
        elif (
            kind is not None
            and (norm := _normalizer(kind, col, region, fallback_region)) is not None
        ):
            value = norm if frame.schema[col] == pl.String else pl.col(col)
        else:
            value = pl.col(col)
        valid = _text_valid(value) if _is_text(base, col, sib, kind) else value.is_not_null()
        exprs.append(value.alias(f"_v_{col}"))
        exprs.append(valid.alias(f"_ok_{col}"))
        value_of[col] = f"_v_{col}"
    base = base.with_columns(exprs)

    # -- name parts per row (normalized case), from split columns or parsed full names
    # names are built from parts unless a rule for the column says how to pick it
    name_cols = [c for c in fields if kind_of.get(c) in _NAME_KINDS and c not in rules]
    parts = _name_part_exprs(base, frame.columns, name_cols, kind_of) if name_cols else {}
    if parts:
        base = base.with_columns(
            *(e.alias(f"_n_{p}") for p, e in parts.items()),
        ).with_columns(
            *(
                _text_valid(pl.col(f"_n_{p}")).alias(f"_n_{p}_ok")
                for p in parts  # noqa: B023
            )
        )

    # -- identity: a row with no valid name, phone or email is not a person
    ident = [
        pl.col(f"_ok_{c}")
        for c in value_of
        if kind_of.get(c) in ("phone", "email") and not c.endswith("_ext")
    ]
    ident += [pl.col(f"_n_{p}_ok") for p in parts]
    ident += [pl.col(f"_ok_{c}") for c in fields if kind_of.get(c) in _NAME_KINDS and c in rules]
    has_ident = pl.any_horizontal(ident) if ident else pl.lit(True)
    base = base.filter(pl.col(cluster).is_not_null() & has_ident)

    out = (
        base.group_by(cluster)
        .agg(
            pl.len().alias("record_count"),
            pl.col("_pos").min().alias("_first"),
            pl.col("_row").sort_by("_pos").alias("member_rows"),
            *(
                [pl.col(source_column).cast(pl.String).sort_by("_pos").alias("member_sources")]
                if source_column
                else []
            ),
            *(
                pl.col(c).cast(pl.String).sort_by("_pos").alias(f"member_{_plural(c)}")
                for c in detected.get("id", [])
            ),
        )
        .sort("_first")
    )

    # -- groups: columns taken together from one row
    done: set[str] = set()
    plan: list[tuple[str, list[str]]] = []
    record = [c for c in (source_column, row_column, *detected.get("id", [])) if c]
    record = [c for c in record if c in fields]
    if record:
        plan.append(("_record", record))
    for name, cols in (groups or {}).items():
        plan.append((name, [c for c in cols if c in fields]))
    address = [c for c in fields if kind_of.get(c) in _ADDRESS_KINDS]
    if address and not any(set(address) & set(cols) for _, cols in plan):
        plan.append(("_address", address))
    for _, cols in plan:
        done.update(cols)
    for field in fields:
        if field in done or field in name_cols:
            continue
        if field in derived:
            continue  # taken with its original
        plan.append((field, [field]))

    for name, cols in plan:
        if not cols:
            continue
        lead = cols[0]
        members = [c for col in cols for c in (col, *_siblings(col, fields, originals))]
        members = list(dict.fromkeys(m for m in members if m not in name_cols))
        if name == "_record":
            ok = pl.lit(True)
        elif name == "_address":
            ok = pl.any_horizontal([pl.col(f"_ok_{c}") for c in cols])
        else:
            ok = pl.col(f"_ok_{lead}")
        if name == "_record":
            strategy = rules.get(lead) or ("most_recent" if date_column else "first_non_null")
        else:
            strategy = rules.get(lead, default)
        filled = pl.sum_horizontal([pl.col(f"_ok_{c}").cast(pl.Int32) for c in cols])
        cand = base.filter(ok).with_columns(
            pl.col(value_of[lead]).cast(pl.String).str.len_chars().fill_null(0).alias("_len"),
            pl.len().over(cluster, value_of[lead]).alias("_freq"),
            filled.alias("_filled"),
        )
        keys, desc = _keys(strategy)
        if name == "_address":
            keys, desc = ["_filled", *keys], [True, *desc]
        best = cand.sort([cluster, *keys], descending=[False, *desc], nulls_last=True).unique(
            cluster, keep="first", maintain_order=True
        )
        sel = [pl.col(cluster)]
        for member in members:
            sel.append(
                pl.when(pl.col(f"_ok_{member}")).then(pl.col(value_of[member])).alias(member)
            )
        if name != "_record":
            for c in cols:  # one provenance per value of the group (all the same row)
                sel.append(pl.col("_row").alias(f"{c}_source_row"))
                if source_column:
                    sel.append(pl.col(source_column).cast(pl.String).alias(f"{c}_source"))
        out = out.join(best.select(sel), on=cluster, how="left", maintain_order="left")

    if parts:
        out = _golden_name(out, base, cluster, parts, name_cols, kind_of, source_column, fields)

    for ch in consent:
        out = _golden_consent(out, base, cluster, ch, source_column)

    for col in list_columns:
        allv = (
            base.filter(pl.col(f"_ok_{col}"))
            .sort("_pos")
            .group_by(cluster, maintain_order=True)
            .agg(
                pl.col(value_of[col])
                .cast(pl.String)
                .unique(maintain_order=True)
                .alias(f"{col}_all")
            )
        )
        out = out.join(allv, on=cluster, how="left", maintain_order="left").with_columns(
            pl.col(f"{col}_all").fill_null(pl.lit([], dtype=pl.List(pl.String)))
        )
    return _order(out, cluster, fields, name_cols)


def _golden_consent(
    out: pl.DataFrame, base: pl.DataFrame, cluster: str, ch: str, source_column: str | None
) -> pl.DataFrame:
    """Per channel: an opt-out anywhere wins, unless an opt-in is dated after every opt-out.

    The deciding record gives ``consent_<ch>_date``, ``_source`` and ``_source_row``.
    """
    state, date = f"consent_{ch}", f"consent_{ch}_date"
    dated = date in base.columns
    cand = base.filter(pl.col(state).is_in(["opt_in", "opt_out"])).select(
        cluster,
        pl.col(state).alias("_s"),
        (pl.col(date).cast(pl.Date) if dated else pl.lit(None, dtype=pl.Date)).alias("_d"),
        "_row",
        "_pos",
        *([pl.col(source_column).cast(pl.String).alias("_source")] if source_column else []),
    )
    is_out = pl.col("_s") == "opt_out"
    cand = cand.with_columns(
        (is_out & pl.col("_d").is_null()).any().over(cluster).alias("_undated_out"),
        pl.col("_d").filter(is_out).max().over(cluster).alias("_max_out"),
        is_out.any().over(cluster).alias("_any_out"),
    )
    later_in = (
        (pl.col("_s") == "opt_in")
        & ~pl.col("_undated_out")
        & (pl.col("_d") > pl.col("_max_out")).fill_null(False)
    )
    cand = cand.with_columns(later_in.any().over(cluster).alias("_in_wins"))
    decision = pl.when(~pl.col("_any_out") | pl.col("_in_wins")).then(pl.lit("opt_in"))
    cand = cand.with_columns(decision.otherwise(pl.lit("opt_out")).alias("_decision"))
    cand = cand.filter(pl.col("_s") == pl.col("_decision"))
    days = pl.col("_d").cast(pl.Int64)
    # an opt-out with no date is the most restrictive; an opt-in needs a date to be "latest"
    key = (
        pl.when(pl.col("_decision") == "opt_out")
        .then(days.fill_null(10**9))
        .otherwise(days.fill_null(-(10**9)))
    )
    best = (
        cand.with_columns(key.alias("_k"))
        .sort([cluster, "_k", "_pos"], descending=[False, True, False])
        .unique(cluster, keep="first", maintain_order=True)
    )
    sel = [
        pl.col(cluster),
        pl.col("_decision").alias(state),
        pl.col("_d").alias(date),
        pl.col("_row").alias(f"{state}_source_row"),
    ]
    if source_column:
        sel.append(pl.col("_source").alias(f"{state}_source"))
    return out.join(best.select(sel), on=cluster, how="left", maintain_order="left")


def _plural(col: str) -> str:
    return "ids" if col in ("source_id", "id") else col


def _is_text(base: pl.DataFrame, col: str, sib: str | None, kind: str | None) -> bool:
    if sib is not None and kind not in _NAME_KINDS:
        return base.schema[sib] == pl.String
    if kind in ("phone", "email", "birth_date", "gender"):
        return False  # the normalizer's null already means invalid
    return base.schema[col] == pl.String


def _keys(strategy: str) -> tuple[list[str], list[bool]]:
    if strategy == "most_recent":
        return ["_date", "_len", "_pos"], [True, True, False]
    if strategy == "most_frequent":
        return ["_freq", "_date", "_len", "_pos"], [True, True, True, False]
    if strategy == "longest":
        return ["_len", "_date", "_pos"], [True, True, False]
    if strategy == "first_non_null":
        return ["_pos"], [False]
    return ["_prio", "_date", "_pos"], [False, True, False]


def _order(
    out: pl.DataFrame, cluster: str, fields: list[str], name_cols: Sequence[str]
) -> pl.DataFrame:
    """cluster, record_count, then each field with its provenance, then the member lists."""
    head = [cluster, "record_count"]
    members = [c for c in out.columns if c.startswith("member_")]
    body = []
    parts = ("last_name", "first_name", "middle_name")
    order = [x for f in fields for x in ((f, *parts) if f in name_cols else (f,))]
    for f in order:
        for c in (f, f"{f}_source_row", f"{f}_source", f"{f}_all"):
            if c in out.columns and c not in body and c not in head:
                body.append(c)
    rest = [c for c in out.columns if c not in head and c not in body and c not in members]
    rest = [c for c in rest if not c.startswith("_")]
    return out.select([*head, *body, *rest, *members])
