"""Top-level commands ``mask``, ``unmask``, ``suppress`` and ``keygen`` (PII protection)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from custdata.cli._common import (
    ColumnOpt,
    DebugAliasOpt,
    DeprecatedKindColumnOpt,
    FallbackRegionOpt,
    InputArg,
    IOOptions,
    KindColumnOpt,
    QuietOpt,
    RegionOpt,
    alias,
    deprecated,
    io_options,
    lazy_module,
    message,
    warn,
)
from custdata.errors import InvalidOption, OutputError, header_is_data, show_columns

privacy = lazy_module("custdata.privacy")

KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        metavar="FILE",
        help=(
            "File holding the secret key (default: the CUSTDATA_KEY environment variable). "
            "Never pass the key itself on the command line."
        ),
        show_default=False,
    ),
]


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def _pairs(values: list[str] | None, option: str, example: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise InvalidOption(f"{option} wants a pair like {option} {example}")
        out.append((name.strip(), value.strip()))
    return out


def _column_kinds(specs: list[str] | None, names: list[str]) -> dict[str, str]:
    """``--kind KIND=COLUMN`` as column -> kind; the old order COLUMN=KIND still works (warned).

    The old order is recognised when the left side is a column of the input and the right
    side is not, or the right side is a kind name and the left side is not.
    """
    from custdata.privacy.mask import EXTRA_KINDS, KIND_ORDER

    known = set(KIND_ORDER) | set(EXTRA_KINDS)
    out: dict[str, str] = {}
    for first, second in _pairs(specs, "--kind", "phone=tel"):
        old_order = (first in names and second not in names) or (
            second in known and first not in known
        )
        if first in known and second in names:
            old_order = False
        if old_order:
            deprecated("--kind COLUMN=KIND", "--kind KIND=COLUMN")
            out[first] = second
        else:
            out[second] = first
    return out


def _source(io: IOOptions, input: str) -> pl.DataFrame | pl.LazyFrame:
    """The input: scanned lazily when it streams file to file (``--batch-rows``), else read whole."""
    return io.scan(input) if io.can_stream(input) else io.read(input)


def _phone_regions(
    source: pl.DataFrame | pl.LazyFrame, columns: list[str], region: str
) -> list[str] | None:
    """The regions the phone ``columns`` point to, pooled, over the whole input (streamed only).

    In memory the step finds them itself; batch by batch they must be found first, over the
    whole file, so that every batch reads a national number as the whole table would.
    """
    if not isinstance(source, pl.LazyFrame) or not columns:
        return None
    from custdata.streaming import phone_regions

    return phone_regions(source, columns, region=region)


@io_options(in_place="file", stream=True)
def mask(
    input: InputArg,
    io: IOOptions,
    column: ColumnOpt = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            metavar="hash|mask|tokenize|drop",
            help=(
                "hash (keyed HMAC-SHA256 of the normalized value), mask (readable partial), "
                "tokenize (reversible with the key), or drop."
            ),
        ),
    ] = "hash",
    key_file: KeyFileOpt = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "-k",
            "--kind",
            help=(
                "Say which kind of data a column holds when detection is wrong, as KIND=COLUMN "
                "(phone, email, full_name, birth_date, text, contact = email or phone, ...); repeat."
            ),
            show_default=False,
            metavar="KIND=COLUMN",
        ),
    ] = None,
    region: RegionOpt = "RU",
    fallback_region: FallbackRegionOpt = None,
) -> None:
    """Protect personal data columns: hash, mask, tokenize or drop them.

    Without -c, every detected personal-data column (phones, emails, names, birth dates,
    addresses; not ids) is protected. The key for hash and tokenize comes from CUSTDATA_KEY or
    --key-file (make one with `custdata keygen`).

    Examples:

    \b
      custdata mask examples/crm_export.csv --method mask -o masked.csv
      custdata mask examples/crm_export.csv -c Телефон --method hash --key-file my.key -o hashed.csv
    """
    if method not in privacy.METHODS:
        raise InvalidOption(f"--method must be one of: {', '.join(privacy.METHODS)}")
    # the key first: fail before reading a large input
    key = privacy.load_key(key_file=key_file) if method in ("hash", "tokenize") else None
    source = _source(io, input)
    names = source.collect_schema().names()
    kinds = _column_kinds(kind, names)
    columns = _split(column)
    if not columns:
        detected = privacy.column_kinds(source, kinds=kinds)
        columns = [c for c, k in detected.items() if k in privacy.DEFAULT_MASK_KINDS]
        if not columns:
            raise InvalidOption("no personal-data column detected; name the columns with -c")
    if isinstance(source, pl.LazyFrame):
        from custdata.frames import check_columns

        check_columns(source, columns)
        # decided once, on the file's first rows and over its whole phone columns, as in memory
        col_kinds = privacy.column_kinds(source, columns, kinds=kinds)
        phones = [c for c in columns if col_kinds[c] in ("phone", "contact")]
        keyed = method in ("hash", "mask")  # tokenize and drop read no phone
        regions = {c: _phone_regions(source, [c], region) for c in phones if keyed}

        def step(frame: pl.DataFrame) -> pl.DataFrame:
            if method == "drop":
                return frame.drop(columns)
            for c in columns:  # one column at a time, each with its own column's regions
                frame = privacy.mask(
                    frame,
                    [c],
                    method=method,
                    key=key,
                    kinds={c: col_kinds[c]},
                    region=region,
                    fallback_region=fallback_region,
                    regions=regions.get(c),
                )
            return frame

        io.stream(step, input)
    else:
        result = privacy.mask(
            source,
            columns,
            method=method,
            key=key,
            kinds=kinds,
            region=region,
            fallback_region=fallback_region,
        )
        io.write(result, inputs=input)
    shown = show_columns(columns) if not header_is_data(names) else "(names hidden)"
    io.say(f"mask: {method} applied to {len(columns)} column(s): {shown}")


@io_options(in_place="file")
def unmask(
    input: InputArg,
    io: IOOptions,
    column: Annotated[
        list[str],
        typer.Option(
            "-c",
            "--column",
            help="Tokenized column to restore; repeatable.",
            show_default=False,
            metavar="COLUMN",
        ),
    ],
    key_file: KeyFileOpt = None,
) -> None:
    """Restore the original values of columns tokenized with `custdata mask --method tokenize`.

    Cells that are not valid tokens for this key become empty; their count is reported.

    Examples:

    \b
      custdata unmask tokens.parquet -c "Эл. почта" --key-file my.key -o restored.csv
    """
    key = privacy.load_key(key_file=key_file)
    frame = io.read(input)
    columns = _split(column)
    result = privacy.unmask(frame, columns, key=key)
    failed = sum(
        int((frame[c].is_not_null() & (frame[c].cast(pl.String) != "") & result[c].is_null()).sum())
        for c in columns
    )
    io.write(result, inputs=input)
    note = f", {failed:,} cell(s) were not valid tokens for this key (left empty)" if failed else ""
    io.say(f"unmask: {len(columns)} column(s) restored{note}")


@io_options(in_place="file", stream=True)
def suppress(
    input: InputArg,
    io: IOOptions,
    list_: Annotated[
        str | None,
        typer.Option(
            "--list",
            help="Opt-out list: any table of emails and/or phones (plain, or hashed with the same key).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    consent: Annotated[
        str | None,
        typer.Option(
            "--consent",
            help="Also suppress rows whose own consent_<CHANNEL> column says opt_out "
            "(a golden table's consent columns): email, sms, phone or post.",
            show_default=False,
            metavar="CHANNEL",
        ),
    ] = None,
    on: Annotated[
        str,
        typer.Option(
            "--on", help="Keys to match on: email, phone or email,phone.", metavar="email,phone"
        ),
    ] = "email,phone",
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="drop the matching rows, or flag them in a 'suppressed' column.",
            metavar="drop|flag",
        ),
    ] = "drop",
    kind: KindColumnOpt = None,
    column: DeprecatedKindColumnOpt = None,
    hashed: Annotated[
        bool | None,
        typer.Option(
            "--hashed/--plain",
            help="The list holds keyed hashes / plain values (default: detected).",
            show_default=False,
        ),
    ] = None,
    key_file: KeyFileOpt = None,
    region: RegionOpt = "RU",
    fallback_region: FallbackRegionOpt = None,
) -> None:
    """Remove or flag people who opted out, matched on normalized email and phone keys.

    "+7 912 345-67-89" on the list catches "8 (912) 345 67 89" in the input. The number
    suppressed is printed on stderr even with --quiet (cron logs want it).

    Examples:

    \b
      custdata suppress examples/crm_export.csv --list examples/optouts.csv -o mailing.csv
      custdata suppress examples/crm_export.csv --list examples/optouts.csv --on email --mode flag -o flagged.csv
      custdata suppress golden.csv --consent email -o mailing.csv
    """
    kinds = _split([on])
    columns: dict[str, list[str]] = {}
    specs = alias(kind, column, old="-c/--column KIND=COLUMN", new="-k/--kind KIND=COLUMN")
    for k, c in _pairs(specs, "--kind", "phone=tel"):
        columns.setdefault(k, []).append(c)
    if list_ is None and consent is None:
        raise InvalidOption("give --list FILE (an opt-out list), --consent CHANNEL, or both")
    if mode not in ("drop", "flag"):
        raise InvalidOption("--mode must be 'drop' or 'flag'")
    source = _source(io, input)
    optouts = io.read_plain(list_) if list_ is not None else None
    if optouts is not None and not any(
        privacy.optout_keys(
            optouts, on=kinds, hashed=hashed, region=region, fallback_region=fallback_region
        ).values()
    ):
        warn(f"the opt-out list has no usable {' or '.join(kinds)} value; nothing can match it")
    regions = None
    if isinstance(source, pl.LazyFrame) and optouts is not None:
        # decided once, as in memory: the columns on the file's first rows, the phone regions
        # over the whole file (every batch then matches as the whole table would)
        from custdata.frames import check_columns
        from custdata.privacy.suppress import SUPPRESS_KINDS

        for cols in columns.values():
            check_columns(source, cols)
        missing = [k for k in kinds if k in SUPPRESS_KINDS and not columns.get(k)]
        if missing:
            detected = privacy.column_kinds(source)
            for k in missing:
                columns[k] = [c for c, ck in detected.items() if ck == k]
        if "phone" in kinds:
            regions = _phone_regions(source, columns.get("phone", []), region)
    counted = {"rows": 0, "suppressed": 0}

    def step(frame: pl.DataFrame) -> pl.DataFrame:
        flagged = privacy.suppress(
            frame,
            optouts,
            on=kinds,
            columns=columns or None,
            mode="flag",
            hashed=hashed,
            key_file=key_file,
            region=region,
            fallback_region=fallback_region,
            flag_column="__custdata_suppressed",
            consent=consent,
            regions=regions,
        )
        counted["rows"] += frame.height
        counted["suppressed"] += int(flagged["__custdata_suppressed"].sum())
        if mode == "drop":
            return flagged.filter(~pl.col("__custdata_suppressed")).drop("__custdata_suppressed")
        return flagged.rename({"__custdata_suppressed": "suppressed"})

    if isinstance(source, pl.LazyFrame):
        io.stream(step, input)
    else:
        io.write(step(source), inputs=input)
    verb = "dropped" if mode == "drop" else "flagged"
    what = " or ".join(
        x for x, on_ in (("the opt-out list", list_), (f"a {consent} opt-out", consent)) if on_
    )
    message(
        f"suppress: {counted['suppressed']:,} of {counted['rows']:,} rows matched {what} ({verb})"
    )


def keygen(
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Key file to create (mode 0600). Default: print the key on stdout.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    quiet: QuietOpt = False,
    debug: DebugAliasOpt = False,
) -> None:
    """Make a new random secret key for mask/suppress/unmask (keep it out of the data folder).

    Examples:

    \b
      custdata keygen -o my.key
    """
    secret = privacy.new_secret()
    if output in (None, "-"):
        typer.echo(secret)
        return
    path = Path(output)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise OutputError(
            f"{path} already exists; a key is never overwritten (pick another name)"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot create {path} ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    message(f"keygen: wrote a new key to {path} (readable by you only)", quiet=quiet)


def register(app: typer.Typer) -> None:
    """Add ``mask``, ``unmask``, ``suppress`` and ``keygen`` to the root app."""
    app.command("mask")(mask)
    app.command("unmask")(unmask)
    app.command("suppress")(suppress)
    app.command("keygen")(keygen)
