"""Vectorized fast path of the phone normalizer: phonenumbers' parse + validate, in polars.

Only "simple" values are handled here: digits with spaces, ``-``, ``(``, ``)``, ``.`` and at most
one leading ``+``, 3 to 17 digits, optionally followed by an extension (:data:`EXT_RE`, parsed
the way phonenumbers parses it). For such strings phonenumbers' result depends only on the
digits and on the presence of ``+`` (its punctuation handling drops exactly these characters), so
the algorithm of :func:`phonenumbers.parse` (IDD stripping, default-country-code stripping,
national-prefix stripping with its viability checks, length tests) and of
:func:`phonenumbers.is_valid_number` (region resolution for shared country codes, number-type
patterns) is replayed column-wise with the regular expressions of phonenumbers' own metadata,
applied by polars' ``str.contains`` / ``str.extract``. Whatever the replay cannot do exactly
(unknown country code, a metadata with a national-prefix transform rule, a pattern the Rust
regex engine rejects, too short after IDD, ...) is returned as residual and goes through the
scalar reference :func:`custdata.normalize._phone_core.parse_cell`. custdata's own rules (junk,
``00`` / missing ``+`` retry, fallback region) are replayed too. The differential tests in
``tests/normalize/test_phone_fast.py`` check that both paths agree field by field.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import polars as pl
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS
from phonenumbers.phonemetadata import PhoneMetadata

from custdata.normalize._phone_core import (
    INVALID_FOR_REGION,
    INVALID_LENGTH,
    TOO_LONG,
    TOO_SHORT,
    _outcome,
    _result,
    national_prefix,
)
from custdata.status import JUNK, OK

#: Characters a "simple" value may hold (plus one leading '+').
SIMPLE_RE = r"^[ \-().]*\+?[ \-().0-9]*$"
#: A trailing extension phonenumbers recognizes the same way: "доб. 12", "ext 5", "x5", "#5".
#: ("вн. 12", "доп. 12" are rewritten to "доб 12" by the scalar path before phonenumbers.)
EXT_RE = (
    r"(?i)^(?<main>.*?[0-9)])[ ,]*(?:(?:доб|ext|x|#)[:.]?[ ,\-]*(?<ext>[0-9]{1,6})"
    r"|(?:добавочный|внутренний|внутр|доп|вн)\.? *(?<ext2>[0-9]{1,6}))$"
)
MIN_DIGITS, MAX_DIGITS = 3, 17
#: Groups (one region, one country code, one metadata) smaller than this go to the scalar path:
#: a dozen regex passes cost more than phonenumbers on a few hundred values. Tests set it to 0.
MIN_GROUP = 200

_TYPE_DESCS = (
    ("premium_rate", "premium_rate"),
    ("toll_free", "toll_free"),
    ("shared_cost", "shared_cost"),
    ("voip", "voip"),
    ("personal_number", "personal_number"),
    ("pager", "pager"),
    ("uan", "uan"),
    ("voicemail", "voicemail"),
)
_REASON_STATUS = {
    "possible": INVALID_FOR_REGION,
    "local": TOO_SHORT,
    "short": TOO_SHORT,
    "long": TOO_LONG,
    "invalid": INVALID_LENGTH,
}

#: Columns of the frame returned for handled values (besides the key columns).
RESULT_SCHEMA = {
    "e164": pl.String,
    "status": pl.String,
    "type": pl.String,
    "region": pl.String,
    "possible": pl.Boolean,
}


@lru_cache(maxsize=4096)
def _rust_ok(pattern: str) -> bool:
    """Whether the Rust regex engine accepts a metadata pattern."""
    try:
        pl.select(pl.lit("1").str.contains(pattern))
    except Exception:
        return False
    return True


def _meta(key: str):
    """Metadata by key: a region code, or ``001:<cc>`` for a non-geographic entity."""
    if key.startswith("001:"):
        return PhoneMetadata.metadata_for_nongeo_region(int(key[4:]), None)
    return PhoneMetadata.metadata_for_region(key, None)


def _main_key(cc: int) -> str:
    region = COUNTRY_CODE_TO_REGION_CODE[cc][0]
    return f"001:{cc}" if region == "001" else region


@lru_cache(maxsize=1024)
def _meta_supported(key: str) -> bool:
    """Metadata whose national prefix stripping the replay does exactly (no transform rule)."""
    m = _meta(key)
    if m is None or m.national_prefix_transform_rule:
        return False
    return _patterns_ok(key)


@lru_cache(maxsize=1024)
def _patterns_ok(key: str) -> bool:
    """Metadata whose patterns the Rust regex engine accepts."""
    m = _meta(key)
    if m is None:
        return False
    patterns = [m.national_prefix_for_parsing, m.international_prefix, m.leading_digits]
    for _, attr in (
        *_TYPE_DESCS,
        ("general_desc", "general_desc"),
        ("fixed_line", "fixed_line"),
        ("mobile", "mobile"),
    ):
        desc = getattr(m, attr)
        if desc is not None:
            patterns.append(desc.national_number_pattern)
    return all(_rust_ok(f"^(?:{p})") for p in patterns if p)


def _full(expr: pl.Expr, pattern: str | None) -> pl.Expr:
    """``_match_national_number``: the whole string matches the pattern."""
    if not pattern:
        return pl.lit(False)
    return expr.str.contains(f"^(?:{pattern})$")


def _desc(expr: pl.Expr, length: pl.Expr, desc) -> pl.Expr | None:
    """``_is_number_matching_desc``: possible length and pattern of one number description."""
    if desc is None or not desc.national_number_pattern:
        return None
    cond = _full(expr, desc.national_number_pattern)
    if desc.possible_length:
        cond = length.is_in(list(desc.possible_length)) & cond
    return cond


def _type_expr(nsn: pl.Expr, m) -> pl.Expr:
    """``_number_type_helper``: the number type name, null for UNKNOWN."""
    length = nsn.str.len_bytes()
    general = _desc(nsn, length, m.general_desc)
    if general is None:
        return pl.lit(None, dtype=pl.String)
    chain: Any = pl.when(~general).then(pl.lit(None, dtype=pl.String))  # Then, then ChainedThen
    for name, attr in _TYPE_DESCS:
        cond = _desc(nsn, length, getattr(m, attr))
        if cond is not None:
            chain = chain.when(cond).then(pl.lit(name))
    fixed = _desc(nsn, length, m.fixed_line)
    mobile = _desc(nsn, length, m.mobile)
    if fixed is not None:
        if m.same_mobile_and_fixed_line_pattern:
            chain = chain.when(fixed).then(pl.lit("fixed_line_or_mobile"))
        else:
            if mobile is not None:
                chain = chain.when(fixed & mobile).then(pl.lit("fixed_line_or_mobile"))
            chain = chain.when(fixed).then(pl.lit("fixed_line"))
    if not m.same_mobile_and_fixed_line_pattern and mobile is not None:
        chain = chain.when(mobile).then(pl.lit("mobile"))
    return chain.otherwise(pl.lit(None, dtype=pl.String))


def _test_len(expr: pl.Expr, m) -> pl.Expr:
    """``_test_number_length`` for the UNKNOWN type (general description)."""
    lengths = list(m.general_desc.possible_length)
    local = list(m.general_desc.possible_length_local_only)
    n = expr.str.len_bytes()
    if -1 in lengths or not lengths:
        return pl.lit("invalid")
    chain = pl.when(n.is_in(local)) if local else pl.when(pl.lit(False))
    return (
        chain.then(pl.lit("local"))
        .when(n == lengths[0])
        .then(pl.lit("possible"))
        .when(n < lengths[0])
        .then(pl.lit("short"))
        .when(n > lengths[-1])
        .then(pl.lit("long"))
        .when(n.is_in(lengths[1:]))
        .then(pl.lit("possible"))
        .otherwise(pl.lit("invalid"))
    )


def _strip_np(expr: pl.Expr, m) -> pl.Expr:
    """``_maybe_strip_national_prefix_carrier_code`` without transform rule."""
    npfp = m.national_prefix_for_parsing
    if not npfp:
        return expr
    if npfp.isdigit():  # a literal prefix such as "8", "0", "1": no regex needed
        no_match = ~expr.str.starts_with(npfp)
        after = expr.str.slice(len(npfp))
    else:
        matched = expr.str.extract(f"^({npfp})", 1)
        no_match = matched.is_null()
        after = expr.str.slice(matched.str.len_bytes())
    gen = m.general_desc.national_number_pattern
    keep = no_match | (expr.str.len_bytes() == 0) | (_full(expr, gen) & ~_full(after, gen))
    return pl.when(keep).then(expr).otherwise(after)


@lru_cache(maxsize=1)
def _trunk_prefixes() -> dict[str, str]:
    """Region -> national (trunk) prefix, for regions that have one."""
    out = {}
    for region in SUPPORTED_REGIONS:
        prefix = national_prefix(region)
        if prefix:
            out[region] = prefix
    return out


def _by_key(frame: pl.DataFrame, key: str):
    if frame.height == 0:
        return []
    return frame.partition_by(key, as_dict=True).items()


def _cc_expr(digits: pl.Expr) -> pl.Expr:
    """Country calling code at the start of the digits (``_extract_country_code``), null if none."""
    codes = {str(cc) for cc in COUNTRY_CODE_TO_REGION_CODE}
    chain: Any = pl.when(digits.str.slice(0, 1) == "0").then(pl.lit(None, dtype=pl.Int64))
    for k in (1, 2, 3):
        chain = chain.when(digits.str.slice(0, k).is_in([c for c in codes if len(c) == k])).then(
            digits.str.slice(0, k).cast(pl.Int64)
        )
    return chain.otherwise(pl.lit(None, dtype=pl.Int64))


def _plus_stage(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Numbers after '+' (or an IDD): (cc, nsn0, meta key) rows and fallback rows (``d2`` in)."""
    frame = frame.with_columns(cc=_cc_expr(pl.col("d2")))
    bad = frame.filter(pl.col("cc").is_null() | (pl.col("d2").str.len_bytes() <= 2))
    good = frame.filter(pl.col("cc").is_not_null() & (pl.col("d2").str.len_bytes() > 2))
    good = good.with_columns(
        nsn0=pl.col("d2").str.slice(pl.col("cc").cast(pl.String).str.len_bytes()),
        mkey=pl.col("cc").replace_strict(
            {cc: _main_key(cc) for cc in COUNTRY_CODE_TO_REGION_CODE}, return_dtype=pl.String
        ),
    )
    return good.drop("d2"), bad.drop("d2", "cc")


def _national_stage(frame: pl.DataFrame) -> tuple[list[pl.DataFrame], list[pl.DataFrame], list]:
    """Numbers without '+', per default region: (to plus stage, parsed, fallback)."""
    to_plus, parsed, fallback = [], [], []
    for (region,), part in _by_key(frame, "r"):
        if region is None or part.height < MIN_GROUP or not _meta_supported(region):
            fallback.append(part)
            continue
        m = _meta(region)
        d = pl.col("d")
        idd = m.international_prefix
        if idd and idd.isdigit():
            part = part.with_columns(
                idd=pl.when(d.str.starts_with(idd)).then(pl.lit(len(idd), dtype=pl.UInt32))
            ).with_columns(via_idd=pl.col("idd").is_not_null() & (d.str.slice(len(idd), 1) != "0"))
        elif idd:
            matched = d.str.extract(f"^({idd})", 1)
            part = part.with_columns(
                idd=matched.str.len_bytes(),
            ).with_columns(
                via_idd=pl.col("idd").is_not_null() & (d.str.slice(pl.col("idd"), 1) != "0")
            )
        else:
            part = part.with_columns(idd=pl.lit(None, dtype=pl.UInt32), via_idd=pl.lit(False))
        idd_rows = part.filter("via_idd")
        if idd_rows.height:
            to_plus.append(idd_rows.select("v", "r", "noplus", d2=d.str.slice(pl.col("idd"))))
        part = part.filter(~pl.col("via_idd")).drop("idd", "via_idd")
        ccs = str(m.country_code)
        gen = m.general_desc.national_number_pattern
        cc = pl.lit(m.country_code, dtype=pl.Int64)
        starts = part.filter(d.str.starts_with(ccs))
        parsed.append(
            part.filter(~d.str.starts_with(ccs)).with_columns(cc=cc, nsn0=d, mkey=pl.lit(region))
        )
        if starts.height:
            pot = _strip_np(d.str.slice(len(ccs)), m)
            take = (~_full(d, gen) & _full(pot, gen)) | (_test_len(d, m) == "long")
            parsed.append(
                starts.lazy()
                .with_columns(
                    cc=cc,
                    nsn0=pl.when(take).then(pot).otherwise(d),
                    mkey=pl.when(take)
                    .then(pl.lit(_main_key(m.country_code)))
                    .otherwise(pl.lit(region)),
                )
                .collect()
            )
    return to_plus, parsed, fallback


def _strip_stage(frame: pl.DataFrame) -> tuple[list[pl.DataFrame], list[pl.DataFrame]]:
    """National prefix stripping with the metadata chosen by parse: (done, fallback)."""
    done, fallback = [], []
    for (key,), part in _by_key(frame, "mkey"):
        if part.height < MIN_GROUP or not _meta_supported(key):
            fallback.append(part.drop("cc", "nsn0", "mkey"))
            continue
        m = _meta(key)
        nsn0 = pl.col("nsn0")
        npfp = m.national_prefix_for_parsing
        if npfp and npfp.isdigit():  # rows without the literal prefix keep their number as is
            as_is = part.filter(~nsn0.str.starts_with(npfp))
            part = part.filter(nsn0.str.starts_with(npfp))
        else:
            as_is = part.clear()
        stripped = _strip_np(nsn0, m)
        part = pl.concat(
            [
                as_is.rename({"nsn0": "nsn"}).drop("mkey"),
                part.lazy()
                .with_columns(
                    nsn=pl.when(_test_len(stripped, m).is_in(["short", "local", "invalid"]))
                    .then(nsn0)
                    .otherwise(stripped)
                )
                .drop("nsn0", "mkey")
                .collect(),
            ]
        )
        short = pl.col("nsn").str.len_bytes() < 2
        fallback.append(part.filter(short).drop("cc", "nsn"))
        done.append(part.filter(~short))
    return done, fallback


def _validate_stage(frame: pl.DataFrame) -> tuple[list[pl.DataFrame], list[pl.DataFrame]]:
    """``is_valid_number`` + ``region_code_for_number`` + ``number_type`` + possible reason."""
    done, fallback = [], []
    nsn = pl.col("nsn")
    for (cc,), part in _by_key(frame, "cc"):
        regions = COUNTRY_CODE_TO_REGION_CODE[cc]
        main = _main_key(cc)
        keys = [main] if len(regions) == 1 else list(regions)
        if part.height < MIN_GROUP or not all(_patterns_ok(k) for k in keys):
            fallback.append(part.drop("cc", "nsn"))
            continue
        reason = _test_len(nsn, _meta(main))
        part = part.with_columns(reason=reason)
        pieces = []
        if len(regions) == 1:
            pieces.append(
                part.with_columns(type=_type_expr(nsn, _meta(main)), region=pl.lit(regions[0]))
            )
        else:
            rest = part
            for region in regions:
                if rest.height == 0:
                    break
                m = _meta(region)
                if m.leading_digits is not None:
                    cond = nsn.str.contains(f"^(?:{m.leading_digits})")
                else:
                    cond = _type_expr(nsn, m).is_not_null()
                rest = rest.with_columns(_hit=cond)
                hit = rest.filter("_hit").drop("_hit")
                rest = rest.filter(~pl.col("_hit")).drop("_hit")
                if hit.height:
                    pieces.append(hit.with_columns(type=_type_expr(nsn, m), region=pl.lit(region)))
            if rest.height:
                pieces.append(
                    rest.with_columns(
                        type=pl.lit(None, dtype=pl.String), region=pl.lit(None, dtype=pl.String)
                    )
                )
        for piece in pieces:
            valid = pl.col("type").is_not_null()
            same = nsn.str.strip_chars(nsn.str.slice(0, 1)) == ""
            done.append(
                piece.select(
                    "v",
                    "r",
                    e164=pl.when(valid & ~same).then(pl.lit("+") + pl.lit(str(cc)) + nsn),
                    status=pl.when(same)
                    .then(pl.lit(JUNK))
                    .when(valid)
                    .then(pl.lit(OK))
                    .otherwise(
                        pl.col("reason").replace_strict(_REASON_STATUS, return_dtype=pl.String)
                    ),
                    type=pl.when(valid & ~same).then(pl.col("type")),
                    region=pl.when(valid & ~same).then(pl.col("region")),
                    possible=pl.col("reason") == "possible",
                    noplus=pl.col("noplus"),
                )
            )
    return done, fallback


def _pipeline(plus: pl.DataFrame, national: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """plus rows (v, r, noplus, d2) + national rows (v, r, noplus, d) -> (results, fallback v/r)."""
    to_plus, parsed, fallback = _national_stage(national)
    fallback = [f.select("v", "r") for f in fallback]
    plus_all = pl.concat([plus, *to_plus], how="vertical_relaxed")
    good, bad = _plus_stage(plus_all)
    fallback.append(bad.select("v", "r"))
    cols = ["v", "r", "noplus", "cc", "nsn0", "mkey"]
    stage = pl.concat(
        [good.select(cols), *[p.select(cols) for p in parsed]], how="vertical_relaxed"
    )
    done, fb = _strip_stage(stage)
    fallback.extend(f.select("v", "r") for f in fb)
    if done:
        stage = pl.concat(done, how="vertical_relaxed")
    else:
        stage = pl.DataFrame(
            schema={
                "v": pl.String,
                "r": pl.String,
                "noplus": pl.Boolean,
                "cc": pl.Int64,
                "nsn": pl.String,
            }
        )
    results, fb = _validate_stage(stage)
    fallback.extend(f.select("v", "r") for f in fb)
    schema = {"v": pl.String, "r": pl.String, **RESULT_SCHEMA, "noplus": pl.Boolean}
    out = pl.concat([pl.DataFrame(schema=schema), *results], how="vertical_relaxed")
    fb_frame = pl.concat(
        [pl.DataFrame(schema={"v": pl.String, "r": pl.String}), *fallback], how="vertical_relaxed"
    )
    return out, fb_frame


def _fallback_pass(
    parsed: pl.DataFrame, cand: pl.DataFrame, fallback: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows without '+' still not ok, parsed again with the fallback region; ok ones replace."""
    cols = ["v", "r", *RESULT_SCHEMA]
    again = parsed.join(
        cand.filter("noplus").select("v", "r", "d"), on=["v", "r"], how="inner", nulls_equal=True
    ).filter(~pl.col("status").is_in([OK, JUNK]) & (pl.col("r").fill_null("") != fallback))
    if again.height == 0:
        return parsed, pl.DataFrame(schema={"v": pl.String, "r": pl.String})
    national = again.select("v", orig="r", r=pl.lit(fallback), noplus=pl.lit(True), d="d")
    keyed = national.select("v", "orig", "r")
    plus = pl.DataFrame(
        schema={"v": pl.String, "r": pl.String, "noplus": pl.Boolean, "d2": pl.String}
    )
    third, fb = _pipeline(plus, national.drop("orig").unique(["v", "r"]))
    # back to the original region key (v is unique per region in the input)
    third = third.join(keyed, on=["v", "r"], how="inner").with_columns(r=pl.col("orig"))
    fb = fb.join(keyed, on=["v", "r"], how="inner").select("v", r="orig")
    ok = third.filter(pl.col("status") == OK).select(cols)
    rest = parsed.join(
        pl.concat([ok.select("v", "r"), fb]), on=["v", "r"], how="anti", nulls_equal=True
    )
    return pl.concat([rest, ok], how="vertical_relaxed"), fb


def fast_path(
    unique: pl.DataFrame, fallback: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split distinct ``(v, r)`` pairs into (handled with results, residual for the scalar path).

    ``v`` is the raw text, ``r`` the default region (ISO code or null). The handled frame has
    ``v, r`` and the :data:`RESULT_SCHEMA` columns.

    Groups smaller than :data:`MIN_GROUP` are left to the scalar path too.

    >>> vals = [f"8 (912) 345-{i // 100:02d}-{i % 100:02d}" for i in range(300)] + ["тел. 8912"]
    >>> done, rest = fast_path(pl.DataFrame({"v": vals, "r": "RU"}))
    >>> done.sort("v").select("e164", "status", "type").row(0), rest["v"].to_list()
    (('+79123450000', 'ok', 'mobile'), ['тел. 8912'])
    """
    frame = unique.select(pl.col("v").cast(pl.String), pl.col("r").cast(pl.String))
    t = pl.col("v").str.strip_chars()
    frame = frame.with_columns(t=t).with_columns(
        plain=pl.col("t").str.contains(SIMPLE_RE).fill_null(False)
    )
    other = frame.filter(~pl.col("plain"))
    # values with a trailing extension: the number part is checked and parsed instead
    with_ext = (
        other.with_columns(g=pl.col("t").str.extract_groups(EXT_RE))
        .select(
            "v",
            "r",
            "t",
            m=pl.col("g").struct.field("main"),
            ext=pl.coalesce(pl.col("g").struct.field("ext"), pl.col("g").struct.field("ext2")),
        )
        .filter(pl.col("m").is_not_null() & pl.col("m").str.contains(SIMPLE_RE))
    )
    exts = with_ext.select("v", "r", "ext")
    early_residual = other.join(
        with_ext.select("v", "r"), on=["v", "r"], how="anti", nulls_equal=True
    ).select("v", "r")
    frame = pl.concat(
        [
            frame.filter("plain").select("v", "r", "t", m="t"),
            with_ext.select("v", "r", "t", "m"),
        ]
    )
    main = pl.col("m")
    frame = frame.select(
        "v",
        "r",
        d=main.str.replace_all(r"[^0-9]", ""),
        ok=pl.col("t").str.len_chars() <= 250,
        noplus=~main.str.contains("+", literal=True),
    )
    nd = pl.col("d").str.len_bytes()
    cand_mask = pl.col("ok").fill_null(False) & nd.is_between(MIN_DIGITS, MAX_DIGITS)
    residual = pl.concat([early_residual, frame.filter(~cand_mask).select("v", "r")])
    cand = frame.filter(cand_mask).drop("ok")
    # all digits the same -> junk, before parsing (like the scalar path)
    same = pl.col("d").str.strip_chars(pl.col("d").str.slice(0, 1)) == ""
    junk = cand.filter(same).select(
        "v",
        "r",
        e164=pl.lit(None, dtype=pl.String),
        status=pl.lit(JUNK),
        type=pl.lit(None, dtype=pl.String),
        region=pl.lit(None, dtype=pl.String),
        possible=pl.lit(False),
    )
    cand = cand.filter(~same)
    plus = cand.filter(~pl.col("noplus")).select("v", "r", "noplus", d2="d")
    national = cand.filter("noplus").select("v", "r", "noplus", "d")
    first, fb = _pipeline(plus, national)
    # custdata's retry: a number without '+' that phonenumbers rejects, read as international
    retry_rows = first.filter(pl.col("noplus") & ~pl.col("status").is_in([OK, JUNK]))
    keep = first.filter(~(pl.col("noplus") & ~pl.col("status").is_in([OK, JUNK])))
    retry_rows = retry_rows.join(
        cand.select("v", "r", "d"), on=["v", "r"], how="left", nulls_equal=True
    )
    d = pl.col("d")
    trunk = pl.col("r").replace_strict(_trunk_prefixes(), default=None, return_dtype=pl.String)
    alt = (
        pl.when(d.str.starts_with("00") & (d.str.slice(2, 1) != "0"))
        .then(d.str.slice(2))
        .when((d.str.len_bytes() >= 11) & (trunk.is_null() | ~d.str.starts_with(trunk)))
        .then(d)
    )
    retry_rows = retry_rows.with_columns(d2=alt)
    no_alt = retry_rows.filter(pl.col("d2").is_null())
    with_alt = retry_rows.filter(pl.col("d2").is_not_null())
    second, fb2 = _pipeline(
        with_alt.select("v", "r", "noplus", "d2"),
        pl.DataFrame(schema={"v": pl.String, "r": pl.String, "noplus": pl.Boolean, "d": pl.String}),
    )
    cols = ["v", "r", *RESULT_SCHEMA]
    # alternatives the replay could not do (small groups...): phonenumbers on the '+' form only
    if fb2.height:
        todo = with_alt.join(fb2, on=["v", "r"], how="semi", nulls_equal=True)
        rows = []
        for v, r, d2 in todo.select("v", "r", "d2").iter_rows():
            num, _ = _outcome("+" + d2, None)
            res = _result(num, formats=False) if num is not None else None
            if res is not None and res.status == OK:
                rows.append((v, r, res.e164, res.status, res.type, res.region, res.possible))
        extra_ok = pl.DataFrame(
            rows, schema={"v": pl.String, "r": pl.String, **RESULT_SCHEMA}, orient="row"
        )
        second = pl.concat([second.select(cols), extra_ok], how="vertical_relaxed")
    second_ok = second.filter(pl.col("status") == OK)
    first_kept = with_alt.select(cols).join(
        second_ok.select("v", "r"), on=["v", "r"], how="anti", nulls_equal=True
    )
    parsed = pl.concat(
        [keep.select(cols), no_alt.select(cols), second_ok.select(cols), first_kept],
        how="vertical_relaxed",
    )
    if fallback is not None:  # still rejected, no '+': try the fallback region
        parsed, fb3 = _fallback_pass(parsed, cand, fallback)
        fb = pl.concat([fb, fb3], how="vertical_relaxed")
    # the extension is reported for every parsed value, not for junk caught before parsing
    if exts.height:
        parsed = parsed.join(exts, on=["v", "r"], how="left", nulls_equal=True)
    else:
        parsed = parsed.with_columns(ext=pl.lit(None, dtype=pl.String))
    done = pl.concat(
        [junk.select(cols).with_columns(ext=pl.lit(None, dtype=pl.String)), parsed],
        how="vertical_relaxed",
    )
    residual = pl.concat([residual, fb], how="vertical_relaxed")
    return done, residual
