"""Top-level commands ``mask``, ``unmask``, ``suppress`` and ``keygen`` (PII protection)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from custdata.cli._common import lazy_module

privacy = lazy_module("custdata.privacy")
from custdata.cli._common import (
    BomOpt,
    ColumnOpt,
    DebugOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    InPlaceOpt,
    InputArg,
    OutputOpt,
    QuietOpt,
    SheetOpt,
    ToOpt,
    message,
    read_input,
    warn,
    write_output,
)
from custdata.errors import InvalidOption, OutputError, header_is_data, show_columns

KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="File holding the secret key (default: the CUSTDATA_KEY environment variable). Never pass the key itself on the command line.",
        show_default=False,
    ),
]
RegionOpt = Annotated[
    str, typer.Option("--region", help="Default country for phones without a country code.")
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        help="Column kind when detection is wrong: COLUMN=KIND (phone, email, full_name, birth_date, text, contact = email or phone, ...). Repeatable.",
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


def mask(
    input: InputArg,
    column: ColumnOpt = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="hash (keyed HMAC-SHA256 of the normalized value), mask (readable partial), tokenize (reversible with the key), or drop.",
        ),
    ] = "hash",
    key_file: KeyFileOpt = None,
    kind: KindOpt = None,
    region: RegionOpt = "RU",
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Protect personal data columns: hash, mask, tokenize or drop them.

    Without -c, every detected personal-data column (phones, emails, names, birth dates,
    addresses; not ids) is protected. The key for hash and tokenize comes from CUSTDATA_KEY or
    --key-file (make one with `custdata keygen`).
    """
    if method not in privacy.METHODS:
        raise InvalidOption(f"--method must be one of: {', '.join(privacy.METHODS)}")
    if method in ("hash", "tokenize"):
        key = privacy.load_key(key_file=key_file)  # fail before reading a large input
    else:
        key = None
    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    kinds = dict(_pairs(kind, "--kind", "tel=phone"))
    columns = _split(column)
    if not columns:
        detected = privacy.column_kinds(frame, kinds=kinds)
        columns = [c for c, k in detected.items() if k in privacy.DEFAULT_MASK_KINDS]
        if not columns:
            raise InvalidOption("no personal-data column detected; name the columns with -c")
    result = privacy.mask(frame, columns, method=method, key=key, kinds=kinds, region=region)
    write_output(result, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    message(
        f"mask: {method} applied to {len(columns)} column(s): "
        f"{show_columns(columns) if not header_is_data(frame.columns) else '(names hidden)'}",
        quiet=quiet,
    )


def unmask(
    input: InputArg,
    column: Annotated[
        list[str],
        typer.Option(
            "-c", "--column", help="Tokenized column to restore; repeatable.", show_default=False
        ),
    ],
    key_file: KeyFileOpt = None,
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Restore the original values of columns tokenized with `custdata mask --method tokenize`.

    Cells that are not valid tokens for this key become empty; their count is reported.
    """
    key = privacy.load_key(key_file=key_file)
    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    columns = _split(column)
    result = privacy.unmask(frame, columns, key=key)
    failed = sum(
        int((frame[c].is_not_null() & (frame[c].cast(pl.String) != "") & result[c].is_null()).sum())
        for c in columns
    )
    write_output(result, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    note = f", {failed:,} cell(s) were not valid tokens for this key (left empty)" if failed else ""
    message(f"unmask: {len(columns)} column(s) restored{note}", quiet=quiet)


def suppress(
    input: InputArg,
    list_: Annotated[
        str,
        typer.Option(
            "--list",
            help="Opt-out list: any table of emails and/or phones (plain, or hashed with the same key).",
            show_default=False,
        ),
    ],
    on: Annotated[
        str, typer.Option("--on", help="Keys to match on: email, phone or email,phone.")
    ] = "email,phone",
    mode: Annotated[
        str,
        typer.Option(
            "--mode", help="drop the matching rows, or flag them in a 'suppressed' column."
        ),
    ] = "drop",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "-c",
            "--column",
            help="Input column for a key: KIND=COLUMN, e.g. -c phone=tel (default: detected). Repeatable.",
            show_default=False,
        ),
    ] = None,
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
    output: OutputOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    bom: BomOpt = False,
    in_place: InPlaceOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Remove or flag people who opted out, matched on normalized email and phone keys.

    "+7 912 345-67-89" on the list catches "8 (912) 345 67 89" in the input. The number
    suppressed is printed on stderr even with --quiet (cron logs want it).
    """
    kinds = _split([on])
    columns: dict[str, list[str]] = {}
    for k, c in _pairs(column, "-c", "phone=tel"):
        columns.setdefault(k, []).append(c)
    frame = read_input(
        input, from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet
    )
    optouts = read_input(list_, quiet=quiet)
    if not any(privacy.optout_keys(optouts, on=kinds, hashed=hashed, region=region).values()):
        warn(f"the opt-out list has no usable {' or '.join(kinds)} value; nothing can match it")
    flagged = privacy.suppress(
        frame,
        optouts,
        on=kinds,
        columns=columns or None,
        mode="flag",
        hashed=hashed,
        key_file=key_file,
        region=region,
        flag_column="__custdata_suppressed",
    )
    if mode not in ("drop", "flag"):
        raise InvalidOption("--mode must be 'drop' or 'flag'")
    count = int(flagged["__custdata_suppressed"].sum())
    if mode == "drop":
        result = flagged.filter(~pl.col("__custdata_suppressed")).drop("__custdata_suppressed")
    else:
        result = flagged.rename({"__custdata_suppressed": "suppressed"})
    write_output(result, output, to=to, input_path=input, in_place=in_place, quiet=quiet, bom=bom)
    verb = "dropped" if mode == "drop" else "flagged"
    message(f"suppress: {count:,} of {frame.height:,} rows matched the opt-out list ({verb})")


def keygen(
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Key file to create (mode 0600). Default: print the key on stdout.",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Make a new random secret key for mask/suppress/unmask (keep it out of the data folder)."""
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
