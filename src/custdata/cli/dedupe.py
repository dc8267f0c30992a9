"""``custdata dedupe``: find duplicate people, golden records, linking, evaluation.

``custdata dedupe IN... [-o OUT]`` runs the default command (``find``); ``custdata dedupe link``
and ``custdata dedupe evaluate`` are subcommands. Each command reads, calls one library
function of :mod:`custdata.dedupe`, writes, and prints one summary line on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from typer.core import TyperGroup

from custdata import io as cio
from custdata.cli._common import lazy_module

dd = lazy_module("custdata.dedupe")
from custdata.cli._common import (
    DebugOpt,
    DelimiterOpt,
    EncodingOpt,
    FromOpt,
    OutputOpt,
    QuietOpt,
    SheetOpt,
    ToOpt,
    message,
    progress,
    read_input,
    warn,
    write_output,
)
from custdata.errors import InvalidOption

DEFAULT_COMMAND = "find"


class DefaultGroup(TyperGroup):
    """A group that runs ``find`` when the first argument is not a subcommand name.

    So ``custdata dedupe a.csv b.csv`` is ``custdata dedupe find a.csv b.csv`` while
    ``custdata dedupe link a.csv b.csv`` still runs ``link`` (the click-default-group pattern).
    """

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    name="dedupe",
    cls=DefaultGroup,
    help=(
        "Find records of the same person (custdata dedupe IN... -o OUT), link two tables "
        "(dedupe link), score against the truth (dedupe evaluate)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

KindColumnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-c",
        "--column",
        help="Column of a kind, as KIND=COLUMN (kinds: full_name, first_name, last_name, middle_name, phone, email, birth_date, gender, address, city, or any name for a generic field); repeat. Default: detected.",
        show_default=False,
    ),
]
RuleOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rule",
        help="Match rule: 'email' (same canonical email = same person), 'name~0.92,birth_date'; repeat for several.",
        show_default=False,
    ),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--threshold", help="Match probability a pair needs (default 0.9).", show_default=False
    ),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Dedupe settings file (TOML): columns, rules, comparisons, blocking.",
        show_default=False,
    ),
]


def _columns(specs: list[str] | None) -> dict[str, list[str]] | None:
    if not specs:
        return None
    out: dict[str, list[str]] = {}
    for spec in specs:
        kind, sep, col = spec.partition("=")
        if not sep or not kind.strip() or not col.strip():
            raise InvalidOption(f"--column takes KIND=COLUMN, e.g. -c phone=Телефон (got {spec!r})")
        out.setdefault(kind.strip(), []).append(col.strip())
    return out


def _read_many(inputs: list[str], **kw) -> pl.DataFrame:
    if not inputs:
        raise InvalidOption("give at least one input file (or - for stdin)")
    frames = [read_input(path, **kw) for path in inputs]
    if len(frames) == 1:
        return frames[0]
    from custdata.schema import unify_sources

    named: dict[str, pl.DataFrame] = {}
    for frame, path in zip(frames, inputs, strict=True):
        name = "stdin" if path == "-" else Path(path).name
        named[path if name in named else name] = frame
    return unify_sources(named)


def _report(diagnostics: list[dd.Diagnostic], quiet: bool) -> None:
    shown = {"split_clusters", "labels", "households", "second_look"}
    for d in diagnostics:
        if d.warning:
            warn(d.message)
        elif d.kind in shown and not quiet:
            message(f"dedupe: {d.message}", quiet=quiet)


@app.command(DEFAULT_COMMAND)
def find(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Input files (several: a 'source' column says which file a row came from), or - for stdin.",
            show_default=False,
        ),
    ],
    output: OutputOpt = None,
    column: KindColumnOpt = None,
    rule: RuleOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
    golden: Annotated[
        str | None,
        typer.Option(
            "--golden",
            help="Also write one golden record per person to this file.",
            show_default=False,
        ),
    ] = None,
    date_column: Annotated[
        str | None,
        typer.Option(
            "--date-column",
            help="Golden records: take the most recent value by this date column.",
            show_default=False,
        ),
    ] = None,
    pairs: Annotated[
        str | None,
        typer.Option(
            "--pairs",
            help="Also write the scored candidate pairs with per-field levels and weights (why two records match).",
            show_default=False,
        ),
    ] = None,
    review: Annotated[
        str | None,
        typer.Option(
            "--review",
            help="Also write borderline pairs to label (fill the 'label' column with y/n, feed back with --labels).",
            show_default=False,
        ),
    ] = None,
    labels: Annotated[
        str | None,
        typer.Option(
            "--labels",
            help="A labelled review file: labelled pairs are forced and the threshold adjusted.",
            show_default=False,
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help="Existing table with cluster_id: match the input against it, keep its ids, new people get new ids.",
            show_default=False,
        ),
    ] = None,
    households: Annotated[
        bool,
        typer.Option(
            "--households", help="Add household_id: people sharing an address and surname."
        ),
    ] = False,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Find records of the same person: every row plus cluster_id, match_score, match_reason."""
    cio.check_outputs(
        [("-o", output), ("--pairs", pairs), ("--review", review), ("--golden", golden)],
        [*inputs, *(p for p in (labels, master, config) if p)],
    )
    kw = dict(from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet)
    frame = _read_many(inputs, **kw)
    cols = _columns(column)
    opts = dict(columns=cols, rules=rule or None, threshold=threshold, config=config)
    labels_frame = read_input(labels, quiet=quiet) if labels else None
    with progress("matching", quiet=quiet):
        if master:
            master_frame = read_input(master, quiet=quiet)
            out = dd.match_master(frame, master_frame, **opts)
            result = None
        else:
            result = dd.deduplicate(frame, labels=labels_frame, **opts)
            out = result.frame
        if households:
            out = dd.households(out)
    write_output(out, output, to=to, input_path=inputs, quiet=quiet)
    if result is not None:
        _report(result.diagnostics, quiet)
        if pairs:
            write_output(result.pairs, pairs, quiet=quiet)
        if review:
            write_output(dd.review_pairs(result, frame), review, quiet=quiet)
    if golden:
        write_output(dd.golden_records(out, date_column=date_column), golden, quiet=quiet)
    people = out["cluster_id"].n_unique() if out.height else 0
    dups = out.filter(pl.len().over("cluster_id") > 1).height if out.height else 0
    extra = f", {out['household_id'].n_unique()} households" if households else ""
    message(
        f"dedupe: {out.height} rows -> {people} people ({dups} rows have duplicates){extra}",
        quiet=quiet,
    )


@app.command("link")
def link_cmd(
    left: Annotated[str, typer.Argument(help="Left table (e.g. the CRM).", show_default=False)],
    right: Annotated[
        str, typer.Argument(help="Right table (e.g. web-shop customers).", show_default=False)
    ],
    output: OutputOpt = None,
    column: KindColumnOpt = None,
    rule: RuleOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
    all_matches: Annotated[
        bool, typer.Option("--all", help="Keep every match of a right row, not only its best.")
    ] = False,
    from_: FromOpt = None,
    to: ToOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    sheet: SheetOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Match the records of RIGHT to the records of LEFT: one row per match, both records side by side."""
    kw = dict(from_=from_, encoding=encoding, delimiter=delimiter, sheet=sheet, quiet=quiet)
    lf, rf = read_input(left, **kw), read_input(right, **kw)
    with progress("linking", quiet=quiet):
        pairs = dd.link(
            lf,
            rf,
            columns=_columns(column),
            rules=rule or None,
            threshold=threshold,
            config=config,
            best_only=not all_matches,
        )
    li, ri = pairs["row_left"].to_list(), pairs["row_right"].to_list()
    out = pl.concat(
        [
            pairs,
            (lf[li] if li else lf.clear()).select(pl.all().name.suffix("_left")),
            (rf[ri] if ri else rf.clear()).select(pl.all().name.suffix("_right")),
        ],
        how="horizontal",
    )
    write_output(out, output, to=to, input_path=[left, right], quiet=quiet)
    matched = pairs["row_right"].n_unique() if pairs.height else 0
    message(
        f"dedupe link: {matched} of {rf.height} right rows matched {pairs['row_left'].n_unique() if pairs.height else 0} left rows",
        quiet=quiet,
    )


@app.command("evaluate")
def evaluate_cmd(
    pred: Annotated[
        str, typer.Argument(help="Output of custdata dedupe (with cluster_id).", show_default=False)
    ],
    truth: Annotated[
        str,
        typer.Option(
            "--truth",
            help="File with the true entity id per row (same rows, or joined with --on), or true matching pairs (two key columns, with --on).",
            show_default=False,
        ),
    ],
    truth_column: Annotated[
        str, typer.Option("--truth-column", help="Entity id column of the truth file.")
    ] = "true_id",
    pred_column: Annotated[
        str, typer.Option("--pred-column", help="Cluster column of PRED.")
    ] = "cluster_id",
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="Record key column present in both files (join truth by key / name rows in truth pairs).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    from_: FromOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Pairwise precision/recall/F1, B-cubed and adjusted Rand of PRED against the truth."""
    kw = dict(from_=from_, encoding=encoding, delimiter=delimiter, quiet=quiet)
    pf = read_input(pred, **kw)
    tf = read_input(truth, **kw)
    if pred == truth:
        scores = dd.evaluate(pf, truth_column, pred_column=pred_column)
    else:
        scores = dd.evaluate(pf, tf, pred_column=pred_column, truth_column=truth_column, on=on)
    if as_json:
        typer.echo(json.dumps(scores, indent=2))
    else:
        for key, value in scores.items():
            typer.echo(f"{key}\t{value:.6f}" if isinstance(value, float) else f"{key}\t{value}")
    message(
        f"dedupe evaluate: F1 {scores['f1']:.4f} (precision {scores['precision']:.4f}, recall {scores['recall']:.4f})",
        quiet=quiet,
    )
