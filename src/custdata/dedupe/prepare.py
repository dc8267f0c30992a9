"""Build the normalized match keys that blocking and comparison work on.

One key column per field, whatever the input looked like:

==================  ==============================================================
``first_name_key``  first name: normalizer key (translit + diminutives) folded by
                    :func:`~custdata.dedupe._text.name_skeleton`
``surname_key``     surname skeleton without the gender ending (Иванов = Иванова)
``middle_name_key`` patronymic root (Иванович = Ивановна, not Петрович)
``birth_date``      ``pl.Date``
``gender``          ``"m"`` / ``"f"`` (from the patronymic when there is no gender column)
``phone``           the last 10 digits of the E.164 number (+ ``x<extension>``)
``email``           canonical email key (gmail dots and +tags removed, ...)
``address_key``     cleaned, order-insensitive address tokens
``city_key``        cleaned city
``org_key``         organization key: legal form dropped, Latin, folded, words sorted
                    (:func:`custdata.normalize.organization_key`)
==================  ==============================================================

A key is null when the value is empty, junk ("нет", "0", "n/a") or invalid, so junk never
matches junk. Any other kind a user maps (``columns={"postcode": "zip"}``) becomes a generic
cleaned text key with the kind's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from custdata import normalize as _normalize
from custdata.dedupe._text import (
    address_key,
    clean_text,
    name_skeleton,
    patronymic_stem,
    surname_stem,
)
from custdata.dedupe.name_split import (
    _known_first_names,
    _name_text,
    _patronymic_gender,
    _split_stages,
)
from custdata.errors import InvalidOption, require_columns
from custdata.junk import JUNK_VALUES

#: Row index column of the key frame (position of the row in the input).
ROW = "_row"

#: Key columns in the order they are built, and the kind(s) of input column each comes from.
KEY_COLUMNS: dict[str, str] = {
    "first_name_key": "first_name",
    "surname_key": "last_name",
    "middle_name_key": "middle_name",
    "birth_date": "birth_date",
    "gender": "gender",
    "phone": "phone",
    "email": "email",
    "address_key": "address",
    "city_key": "city",
    "org_key": "org_name",
}

#: Key of the first name without diminutive folding (a private key: never compared or blocked).
FIRST_NAME_TEXT = "_first_name_text"
#: Columns the normalizers add beside an input column (``<column><suffix>``, with this dtype)
#: that :func:`prepare` takes as they are instead of normalizing the input again (``clean``
#: normalizes first, then deduplicates).
NORMALIZED_COLUMNS: dict[str, tuple[str, type[pl.DataType]]] = {
    "phone": ("_e164", pl.String),
    "email": ("_key", pl.String),
    "birth_date": ("_iso", pl.Date),
    "gender": ("_code", pl.String),
}

#: Kinds that are never compared (record ids, other dates).
_IGNORED_KINDS = {"id", "date", "full_name"}
_JUNK = sorted(JUNK_VALUES)


def resolve_columns(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: Mapping[str, str | list[str]] | None = None,
) -> dict[str, list[str]]:
    """Kind -> input columns used for matching: ``columns`` if given, else detected.

    >>> df = pl.DataFrame({"Телефон": ["8 912 345-67-89"], "email": ["a@b.ru"]})
    >>> resolve_columns(df)
    {'phone': ['Телефон'], 'email': ['email']}
    >>> resolve_columns(df, {"phone": "Телефон"})
    {'phone': ['Телефон']}

    Identifiers (``id``) take part only when named: a detected row number is not evidence.
    """
    return resolve_columns_and_candidates(frame, columns)[0]


def resolve_columns_and_candidates(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: Mapping[str, str | list[str]] | None = None,
) -> tuple[dict[str, list[str]], list[str]]:
    """Kind -> input columns and unnamed identifier-like columns (reported, not used)."""
    names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    if columns is None:
        from custdata.schema import detect_columns

        found = detect_columns(frame)
    else:
        found = {k: [v] if isinstance(v, str) else list(v) for k, v in columns.items()}
        for cols in found.values():
            require_columns(names, cols)
    if columns is None:
        used = {c for cols in found.values() for c in cols}
        for c in names:
            kind = _extra_kind(c)
            if c not in used and kind and kind not in found:
                found[kind] = [c]
                used.add(c)
    dropped = ("date", "consent") if columns is not None else ("id", "date", "consent")
    candidates = [] if columns is not None else list(found.get("id", []))
    return {k: v for k, v in found.items() if v and k not in dropped}, candidates


#: Kinds whose columns each become a key of their own (not coalesced into one).
PER_COLUMN_KINDS = ("id", "other")


def key_names(mapping: Mapping[str, list[str]]) -> dict[str, str]:
    """Input column -> the key column built from it (for rules that name an input column).

    ``id`` columns become ``id`` (several: ``id``, ``id_2``, ...); ``other`` columns keep their
    name (prefixed ``other_`` when it clashes with a key name); other kinds give one key each.

    >>> key_names({"phone": ["tel"], "id": ["inn", "passport"], "other": ["site"], "first_name": ["f"]})
    {'tel': 'phone', 'inn': 'id', 'passport': 'id_2', 'site': 'site', 'f': 'first_name_key'}
    """
    kind_key = {kind: key for key, kind in KEY_COLUMNS.items()}
    reserved = set(KEY_COLUMNS) | {"full_name_key", ROW} | set(mapping)
    out: dict[str, str] = {}
    for kind, cols in mapping.items():
        for i, c in enumerate(cols):
            if kind == "id":
                out[c] = "id" if i == 0 else f"id_{i + 1}"
            elif kind == "other":
                out[c] = f"other_{c}" if c in reserved or c.startswith("_") else c
            elif kind == "full_name":
                out[c] = "full_name_key"
            else:
                out[c] = kind_key.get(kind, kind)
    return out


def _tax_id_key(expr: pl.Expr) -> pl.Expr:
    """A tax id as a key: the compact number of ``normalize ids`` (label and separators off, so
    ``ИНН 7707 083 893`` = ``7707-083-893``); null when empty, junk or all zeros."""
    raw = expr.cast(pl.String).str.strip_chars()
    key = _normalize.compact_id_expr(raw)
    junk = raw.str.to_lowercase().is_in(_JUNK) | key.str.contains(r"^0+$")
    return pl.when(junk).then(None).otherwise(key)


def _id_key(expr: pl.Expr) -> pl.Expr:
    """An identifier as a key: upper case, letters and digits only; null when empty or junk."""
    raw = expr.cast(pl.String).str.strip_chars()
    key = raw.str.to_uppercase().str.replace_all(r"[^\p{L}\p{N}]+", "")
    junk = raw.str.to_lowercase().is_in(_JUNK) | key.str.contains(r"^0+$")
    return pl.when(junk | (key == "")).then(None).otherwise(key)


#: Header patterns of fields custdata's detector does not name but matching benefits from.
_EXTRA_KINDS = [
    (
        "postcode",
        re.compile(
            r"(post ?code|postal ?code|^zip|zip ?code|^индекс|почтовый индекс|поштовий індекс)"
        ),
    ),
    ("city", re.compile(r"(suburb|locality|^town$|settlement|населенный пункт)")),
    ("region", re.compile(r"(^state$|^region$|^province$|^область$|^регион$|^регіон$|^county$)")),
]


def _extra_kind(header: str) -> str | None:
    key = re.sub(r"[\s_.\-/:]+", " ", header.strip().lower()).strip()
    for kind, pattern in _EXTRA_KINDS:
        if pattern.search(key):
            return kind
    return None


def _birth_date_stages(
    col: str, dtype: pl.DataType, out: str, done: str | None = None
) -> list[dict[str, pl.Expr]]:
    c = pl.col(col)
    if done is not None:  # the birth-date normalizer's ``<col>_iso``, already computed
        parsed = pl.col(done)
    elif dtype == pl.Date:
        parsed = c
    elif isinstance(dtype, pl.Datetime):
        parsed = c.dt.date()
    else:
        parsed = _normalize.birth_date(c.cast(pl.String).str.strip_chars())
    year = pl.col(out).dt.year()
    # 1900-01-01-style placeholders and far-future dates are not birth dates.
    return [
        {out: parsed.cast(pl.Date)},
        {out: pl.when((year <= 1900) | (year > 2100)).then(None).otherwise(pl.col(out))},
    ]


def _gender(expr: pl.Expr, done: str | None = None) -> pl.Expr:
    """``"m"``/``"f"`` from any gender word the gender normalizer reads (else null)."""
    code = pl.col(done) if done is not None else _normalize.gender(expr)
    return code.replace_strict({"male": "m", "female": "f"}, default=None, return_dtype=pl.String)


#: A phone extension at the end of a cell: "доб. 123", "ext. 84", "вн. 5", "x12", "#7".
_EXT_RE = r"(?i)\s*,?\s*(?:доб|ext|вн|внутр|доп|x|#)\w*\.?\s*(\d{1,6})\s*$"


def _phone_stages(
    col: str,
    out: str,
    done: str | None = None,
    region: str = "RU",
    fallback_region: str | None = None,
) -> list[dict[str, pl.Expr]]:
    raw = pl.col(col).cast(pl.String)
    # The E.164 form when the normalizer accepts the number, else its digits: a number invalid
    # for the region (or an id number in a phone-looking column) still matches itself.
    e164 = (
        pl.col(done)
        if done is not None
        else _normalize.phone(raw, region=region, fallback_region=fallback_region)
    )
    base = pl.coalesce(e164, raw).str.replace(_EXT_RE, "")
    ext = raw.str.extract(_EXT_RE, 1)
    d = pl.col(out)
    return [
        {out: base.str.replace_all(r"\D", "")},
        {out: pl.when(d.str.len_chars() < 7).then(None).otherwise(d.str.slice(-10))},
        # "0000000", "1111111111": one repeated digit is a placeholder, not a phone.
        {
            out: pl.when(d.str.contains(r"^(0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)$"))
            .then(None)
            .otherwise(d)
        },
        # An extension makes another number: one office line with extensions 123 and 124 is
        # two people's phones (PhoneComparison compares the extensions when both have one).
        {out: pl.when(d.is_not_null() & ext.is_not_null()).then(d + "x" + ext).otherwise(d)},
    ]


def _email_stages(col: str, out: str, done: str | None = None) -> list[dict[str, pl.Expr]]:
    text = pl.col(col).cast(pl.String)
    # Several addresses in one cell ("a@x.ru, b@y.ru"): the first one is the key.
    text = (
        text.str.strip_chars()
        .str.split_exact(",", 1)
        .struct.field("field_0")
        .str.split(";")
        .list.first()
        .str.strip_chars()
    )
    base = pl.col(done) if done is not None else _normalize.email_key(text)
    e = pl.col(out)
    return [
        {out: base},
        {out: pl.when(e.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")).then(e).otherwise(None)},
    ]


def _coalesce_stage(cols: list[str], out: str) -> dict[str, pl.Expr]:
    return {out: pl.col(cols[0]) if len(cols) == 1 else pl.coalesce([pl.col(c) for c in cols])}


def prepare(
    frame: pl.DataFrame,
    *,
    columns: Mapping[str, str | list[str]] | None = None,
    region: str = "RU",
    fallback_region: str | None = None,
) -> pl.DataFrame:
    """The key frame: ``_row`` plus one normalized key column per field found.

    ``columns`` maps kinds (as :func:`custdata.schema.detect_columns` names them) to input
    columns; by default they are detected. Several columns of one kind are coalesced (the first
    non-empty value wins). The work runs as a few vectorized stages on plain columns (no
    expression is evaluated twice). When the frame already holds a normalizer's output for an
    input column (``tel_e164``, ``email_key``, ``dob_iso``, ``sex_code``: see
    :data:`NORMALIZED_COLUMNS`), it is used as it is rather than computed again. Phones without
    ``+`` are read in ``region``, then in ``fallback_region`` when given (as
    :func:`custdata.normalize.phones` does).

    >>> df = pl.DataFrame({"ФИО": ["Иванова Мария Петровна"], "Телефон": ["8 (912) 345-67-89"],
    ...                    "Дата рождения": ["01.02.1980"]})
    >>> prepare(df).row(0, named=True)  # doctest: +NORMALIZE_WHITESPACE
    {'_row': 0, 'first_name_key': 'maria', '_first_name_text': 'maria', 'surname_key': 'ivanov',
     'middle_name_key': 'petr', 'birth_date': datetime.date(1980, 2, 1), 'gender': 'f',
     'phone': '9123456789', 'full_name_key': 'ivanov maria'}
    >>> ua = pl.DataFrame({"tel": ["(97) 541-94-69", "0975419469"]})  # RU rejects both
    >>> prepare(ua, columns={"phone": "tel"})["phone"].to_list()
    ['975419469', '0975419469']
    >>> prepare(ua, columns={"phone": "tel"}, fallback_region="UA")["phone"].to_list()
    ['0975419469', '0975419469']
    """
    mapping = resolve_columns(frame, columns)
    schema = frame.schema
    # Input columns renamed to private names, so that user columns never clash with ours.
    src: dict[str, str] = {}
    for kind, cols in mapping.items():
        for i, c in enumerate(cols):
            src[f"_in_{kind}_{i}"] = c
    # normalized companions already in the frame: private input name -> private name of its
    # normalized column
    done: dict[str, str] = {}
    for kind, (suffix, dtype) in NORMALIZED_COLUMNS.items():
        for i, c in enumerate(mapping.get(kind, [])):
            if schema.get(f"{c}{suffix}") == dtype:
                src[f"_in_{kind}_{i}_done"] = f"{c}{suffix}"
                done[f"_in_{kind}_{i}"] = f"_in_{kind}_{i}_done"
    lf = frame.lazy().select(*[pl.col(c).alias(a) for a, c in src.items()])

    def inputs(kind: str) -> list[str]:
        return [f"_in_{kind}_{i}" for i in range(len(mapping.get(kind, [])))]

    stages: list[dict[str, pl.Expr]] = []
    keys: list[str] = []
    parts: dict[str, list[str]] = {"first": [], "last": [], "middle": []}
    for part, kind in (("first", "first_name"), ("last", "last_name"), ("middle", "middle_name")):
        for c in inputs(kind):
            stages.append({f"{c}_t": _name_text(pl.col(c))})
            parts[part].append(f"{c}_t")
    full_inputs = inputs("full_name")
    known: list[str] = []
    if full_inputs:
        # Words that are known first names (by skeleton, computed once per distinct word).
        words = (
            lf.select(pl.concat_list([pl.col(c).cast(pl.String) for c in full_inputs]).alias("_w"))
            .select(
                pl.col("_w")
                .explode()
                .str.replace_all(r"[,\s]+", " ")
                .str.split(" ")
                .explode()
                .unique()
            )
            .with_columns(name_skeleton(_normalize.surname_key(pl.col("_w"))).alias("_sk"))
            .filter(pl.col("_sk").is_in(_known_first_names()))
            .collect()
        )
        known = words["_w"].drop_nulls().to_list()
    for i, c in enumerate(full_inputs):
        for st in _split_stages(c, known):
            stages.append(st)
        renamed = {f"_fs{i}_{p}": pl.col(f"_{p}") for p in ("first", "last", "middle")}
        stages.append(renamed)
        for p in ("first", "last", "middle"):
            parts[p].append(f"_fs{i}_{p}")
    for p, cols in parts.items():
        if cols:
            stages.append(_coalesce_stage(cols, f"_{p}"))
    # Name keys are long expression chains: compute them once per distinct name, then join.
    by_value: list[tuple[str, str, pl.Expr]] = []
    if parts["first"]:
        first = name_skeleton(_normalize.first_name_key(pl.col("_first")))
        by_value.append(("_first", "first_name_key", first))
        # The spelling without diminutive folding: LARYR (a typo) is close to Larry here,
        # while their folded keys (larir, lavrence) are not. Used by the veto rules.
        by_value.append(("_first", FIRST_NAME_TEXT, name_skeleton(pl.col("_first"))))
    if parts["last"]:
        by_value.append(("_last", "surname_key", surname_stem(pl.col("_last"))))
    if parts["middle"]:
        by_value.append(("_middle", "middle_name_key", patronymic_stem(pl.col("_middle"))))

    def multi(kind: str, out: str, build) -> None:
        cols = inputs(kind)
        if not cols:
            return
        outs = []
        for c in cols:
            for st in build(c, f"{c}_k"):
                stages.append(st)
            outs.append(f"{c}_k")
        stages.append(_coalesce_stage(outs, out))
        keys.append(out)

    multi(
        "birth_date",
        "birth_date",
        lambda c, o: _birth_date_stages(c, schema[src[c]], o, done.get(c)),
    )
    multi("gender", "gender", lambda c, o: [{o: _gender(pl.col(c), done.get(c))}])
    if not inputs("gender") and parts["middle"]:
        # No gender column: the patronymic says it (Андреевич / Андреевна), so that a different
        # first name and gender behind one phone keep siblings and colleagues apart.
        stages.append({"gender": _patronymic_gender(pl.col("_middle"))})
        keys.append("gender")
    multi(
        "phone",
        "phone",
        lambda c, o: _phone_stages(c, o, done.get(c), region, fallback_region),
    )
    multi("email", "email", lambda c, o: _email_stages(c, o, done.get(c)))
    if inputs("address"):
        # Several address columns (street number, street, building) are parts of one address.
        joined = pl.concat_str(
            [pl.col(c).cast(pl.String) for c in inputs("address")], separator=" ", ignore_nulls=True
        )
        if inputs("org_name"):
            # Organizations: the building (street folded to Latin, type, house, block) from
            # normalize.address, so "ул. Ленина, д. 5, оф. 3" = "Lenina ul. 5"; offices are left
            # out (a site is a building); unparsed addresses fall back to the token key.
            site = _normalize.address_details(joined).struct.field("house_key")
            stages.append({"address_key": pl.coalesce(site, address_key(joined))})
        else:
            stages.append({"address_key": address_key(joined)})
        keys.append("address_key")
    multi("org_name", "org_key", lambda c, o: [{o: _normalize.organization_key(pl.col(c))}])
    multi(
        "city",
        "city_key",
        lambda c, o: [
            {o: clean_text(pl.col(c))},
            {o: pl.col(o).str.replace(r"^(g|gor|gorod|m|misto) ", "")},
        ],
    )
    multi("tax_id", "tax_id", lambda c, o: [{o: _tax_id_key(pl.col(c))}])
    for kind in mapping:
        if (
            kind in KEY_COLUMNS.values()
            or kind in _IGNORED_KINDS
            or kind in PER_COLUMN_KINDS
            or kind == "tax_id"
        ):
            continue
        multi(kind, kind, lambda c, o: [{o: clean_text(pl.col(c))}])
    names = key_names(mapping)
    for kind, build in (("id", _id_key), ("other", clean_text)):
        for c, original in zip(inputs(kind), mapping.get(kind, []), strict=True):
            stages.append({names[original]: build(pl.col(c))})
            keys.append(names[original])
    if not keys and not by_value:
        raise InvalidOption(
            "no column to match on: name them with columns={'phone': ..., 'email': ...} "
            "(CLI: --column kind=COLUMN)"
        )
    for st in stages:
        lf = lf.with_columns(**st)
    for raw, out, expr in by_value:
        table = lf.select(pl.col(raw).unique()).with_columns(expr.alias(out))
        lf = lf.join(table, on=raw, how="left", nulls_equal=True, maintain_order="left")
    keys = [k for _, k, _ in by_value] + keys
    if "first_name_key" in keys and "surname_key" in keys:
        # Whole-name key for rules like "name~0.92" (not a comparison of its own).
        lf = lf.with_columns(
            full_name_key=pl.concat_str(
                [pl.col("surname_key"), pl.col("first_name_key")], separator=" ", ignore_nulls=True
            ).replace("", None)
        )
        keys.append("full_name_key")
    return lf.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW), *keys).collect()
