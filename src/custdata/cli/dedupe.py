"""``custdata dedupe``: find duplicate people, golden records, linking, evaluation.

``custdata dedupe IN... [-o OUT]`` runs the default command (``find``); ``custdata dedupe link``
and ``custdata dedupe evaluate`` are subcommands. Each command reads, calls one library
function of :mod:`custdata.dedupe`, writes, and prints one summary line on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer
from typer.core import TyperGroup

from custdata import io as cio
from custdata.cli._common import (
    REGION_HELP,
    DeprecatedKindColumnOpt,
    FallbackRegionOpt,
    IOOptions,
    KindColumnOpt,
    alias,
    io_options,
    kind_columns,
    lazy_module,
    message,
    progress,
    stages,
    warn,
)
from custdata.cli._memory import MemoryLimitOpt, check_dedupe_memory
from custdata.errors import InvalidOption

if TYPE_CHECKING:
    from custdata.dedupe import DedupePlan, Diagnostic

dd = lazy_module("custdata.dedupe")

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

RuleOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--rule",
        help="Match rule: 'email' (same canonical email = same person), 'name~0.92,birth_date'; repeat for several.",
        show_default=False,
        metavar="RULE",
    ),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        help="Match probability a pair needs (default 0.9).",
        show_default=False,
        metavar="PROBABILITY",
    ),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Dedupe settings file (TOML): columns, rules, comparisons, blocking.",
        show_default=False,
        metavar="FILE",
    ),
]

#: ``--region``, which the --config file may set too: None = the file's region, else RU.
ConfigRegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region",
        help=f"{REGION_HELP} Default: the --config file's region, else RU.",
        show_default=False,
        metavar="REGION",
    ),
]


def _columns(kind: list[str] | None, column: list[str] | None) -> dict[str, list[str]] | None:
    specs = alias(kind, column, old="-c/--column KIND=COLUMN", new="-k/--kind KIND=COLUMN")
    return kind_columns(specs) or None


def _read_many(inputs: list[str], io: IOOptions) -> pl.DataFrame:
    if not inputs:
        raise InvalidOption("give at least one input file (or - for stdin)")
    frames = [io.read(path) for path in inputs]
    if len(frames) == 1:
        return frames[0]
    from custdata.schema import unify_sources

    named: dict[str, pl.DataFrame] = {}
    for frame, path in zip(frames, inputs, strict=True):
        name = "stdin" if path == "-" else Path(path).name
        named[path if name in named else name] = frame
    return unify_sources(named)


def _report(diagnostics: list[Diagnostic], quiet: bool) -> None:
    shown = {"split_clusters", "labels", "households", "second_look"}
    for d in diagnostics:
        if d.warning:
            warn(d.message)
        elif d.kind in shown and not quiet:
            message(f"dedupe: {d.message}", quiet=quiet)


def _print_plan(plan: DedupePlan, quiet: bool) -> None:
    """The "what I used" block: one stderr block before matching."""
    message("\n".join(plan.lines()), quiet=quiet)


@app.command(DEFAULT_COMMAND)
@io_options()
def find(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Input files (several: a 'source' column says which file a row came from), or - for stdin.",
            show_default=False,
        ),
    ],
    io: IOOptions,
    kind: KindColumnOpt = None,
    column: DeprecatedKindColumnOpt = None,
    rule: RuleOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
    region: ConfigRegionOpt = None,
    fallback_region: FallbackRegionOpt = None,
    golden: Annotated[
        str | None,
        typer.Option(
            "--golden",
            help="Also write one golden record per person to this file.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    date_column: Annotated[
        str | None,
        typer.Option(
            "--date-column",
            help="Golden records: take the most recent value by this date column.",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    pairs: Annotated[
        str | None,
        typer.Option(
            "--pairs",
            help="Also write the scored candidate pairs with per-field levels and weights (why two records match).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    review: Annotated[
        str | None,
        typer.Option(
            "--review",
            help="Also write borderline pairs to label (fill the 'label' column with y/n, feed back with --labels).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    labels: Annotated[
        str | None,
        typer.Option(
            "--labels",
            help="A labelled review file: labelled pairs are forced and the threshold adjusted.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help="Existing table with cluster_id: match the input against it, keep its ids, new people get new ids.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    proposals: Annotated[
        str | None,
        typer.Option(
            "--proposals",
            help="With --master: write merge proposals (a new record matching two known people) "
            "to this file; fill its 'decision' column with accept/reject and feed it back with "
            "--accept-proposals.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    accept_proposals: Annotated[
        str | None,
        typer.Option(
            "--accept-proposals",
            help="With --master: a reviewed proposals file; accepted merges re-point the retired "
            "ids to the surviving ones, rejected pairs are not proposed again.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    merges: Annotated[
        str | None,
        typer.Option(
            "--merges",
            help="With --accept-proposals: write the merges applied (retired_id -> surviving_id, "
            "proposal_id) for a CRM to remap its ids.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    households: Annotated[
        bool,
        typer.Option(
            "--households", help="Add household_id: people sharing an address and surname."
        ),
    ] = False,
    memory_limit: MemoryLimitOpt = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Only print what would be used (columns and kinds, blocking rules, pair counts); match nothing.",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help=(
                "polars (this machine) or spark: one Parquet input, -o a Parquet folder "
                "(--golden too), on any filesystem Spark reaches; master from the Spark "
                "configuration, else local[*]. Needs custdata[spark] and Java."
            ),
            metavar="polars|spark",
        ),
    ] = "polars",
) -> None:
    """Find records of the same person: every row plus cluster_id, match_score, match_reason.

    Examples:

    \b
      custdata dedupe examples/crm_export.csv -k phone=Телефон -o people.csv
      custdata dedupe examples/crm_export.csv examples/shop_customers.xlsx --golden golden.csv -o people.csv
      custdata dedupe examples/nightly_tonight.csv --master examples/nightly_master.csv --proposals proposals.csv
    """
    _check_master_options(master, proposals, accept_proposals, merges)
    cio.check_outputs(
        [
            ("-o", io.output),
            ("--pairs", pairs),
            ("--review", review),
            ("--golden", golden),
            ("--proposals", proposals),
            ("--merges", merges),
        ],
        [*inputs, *(p for p in (labels, master, config, accept_proposals) if p)],
    )
    from custdata.dedupe.job import FindOptions
    from custdata.dedupe.job import find as run_find

    options = FindOptions(
        columns=_columns(kind, column),
        rules=rule or None,
        threshold=threshold,
        config=config,
        region=region,
        fallback_region=fallback_region,
        households=households,
        golden=golden is not None,
        date_column=date_column,
        pairs=pairs is not None,
        review=review is not None,
    )
    if engine == "spark":
        unsupported = [
            flag
            for flag, value in (
                ("--pairs", pairs),
                ("--review", review),
                ("--labels", labels),
                ("--master", master),
                ("--households", households),
                ("--dry-run", dry_run),
            )
            if value
        ]
        if unsupported:
            raise InvalidOption(f"--engine spark does not support {unsupported[0]} yet")
        _find_on_spark(inputs, io, options, golden)
        return
    if engine != "polars":
        raise InvalidOption("--engine must be 'polars' or 'spark'")
    frame = _read_many(inputs, io)
    if dry_run:
        _print_plan(
            dd.plan(
                frame,
                columns=options.columns,
                rules=options.rules,
                threshold=options.threshold,
                config=options.config,
                region=options.region,
                fallback_region=options.fallback_region,
            ),
            quiet=False,
        )
        return
    labels_frame = io.read_plain(labels) if labels else None
    master_frame = io.read_plain(master) if master else None
    check_dedupe_memory(
        frame.height + (master_frame.height if master_frame is not None else 0), memory_limit
    )
    reviewed = io.read_plain(accept_proposals) if accept_proposals else None
    with stages(io.quiet) as on_progress:
        found = run_find(
            frame,
            options,
            labels=labels_frame,
            master=master_frame,
            reviewed=reviewed,
            progress=on_progress,
            on_plan=lambda p: _print_plan(p, io.quiet),
        )
    io.write(found.frame, inputs=inputs)
    if found.result is not None:
        _report(found.result.diagnostics, io.quiet)
    sides = (
        (found.pairs, pairs),
        (found.review, review),
        (found.golden, golden),
        (found.proposals, proposals),
        (found.merges, merges),
    )
    for table, path in sides:
        if table is not None and path is not None:
            io.write_side(table, path, inputs=inputs)
    _say_merges(found, io, written=proposals is not None)
    extra = f", {found.households} households" if found.households is not None else ""
    io.say(
        f"dedupe: {found.frame.height} rows -> {found.people} people "
        f"({found.duplicate_rows} rows have duplicates){extra}"
    )


def _find_on_spark(inputs: list[str], io: IOOptions, options, golden: str | None) -> None:
    """``dedupe --engine spark``: Parquet in, Parquet folders out (rows, golden records)."""
    from custdata import spark as cs
    from custdata.errors import OutputError

    if len(inputs) != 1 or inputs[0] == "-":
        raise InvalidOption("--engine spark reads one Parquet input (a file or a folder)")
    if io.output in (None, "-"):
        raise InvalidOption("--engine spark writes Parquet to a path: give -o PATH")
    for path in (io.output, golden):
        if path is not None and "://" not in path and Path(path).exists():
            raise OutputError(f"{path} exists already: Spark writes a new folder")
    session = cs.session()
    row = "_custdata_row_id"
    with progress("deduplicating on Spark", quiet=io.quiet):
        sdf = cs.with_row_numbers(cs.read_parquet(inputs[0], spark=session), row)
        result = cs.deduplicate(
            sdf,
            row_id=row,
            columns=options.columns,
            rules=list(options.rules) if options.rules else None,
            threshold=options.threshold,
            config=options.config,
        )
        out = result.frame
        tables = [(out.orderBy(row).drop(row), io.output)]
        if golden is not None:
            table = cs.golden_records(out, row_id=row, date_column=options.date_column)
            tables.append((table, golden))
        for table, path in tables:
            cs.write_parquet(table, path)
        from pyspark.sql import functions as F

        sizes = out.groupBy("cluster_id").count()
        stats = sizes.agg(
            F.sum("count").alias("rows"),
            F.count(F.lit(1)).alias("people"),
            F.sum(F.when(F.col("count") > 1, F.col("count")).otherwise(0)).alias("dup"),
        ).collect()[0]
    _report(result.diagnostics, io.quiet)
    io.say(
        f"dedupe: {stats['rows'] or 0} rows -> {stats['people']} people "
        f"({stats['dup'] or 0} rows have duplicates), on Spark"
    )


def _check_master_options(
    master: str | None, proposals: str | None, accept: str | None, merges: str | None
) -> None:
    for name, value in (("--proposals", proposals), ("--accept-proposals", accept)):
        if value is not None and master is None:
            raise InvalidOption(f"{name} needs --master (proposals are about a master's ids)")
    if merges is not None and accept is None:
        raise InvalidOption(
            "--merges needs --accept-proposals (the merges it writes come from there)"
        )


def _say_merges(found, io: IOOptions, *, written: bool) -> None:
    """Counts of merge proposals and applied merges on stderr (never an id or a value)."""
    if found.merges is not None and found.merges.height:
        n, rows = found.merges.height, int(found.merges["master_rows"].sum())
        io.say(f"dedupe: {n} accepted merge(s) applied ({rows} master rows re-pointed)")
    if found.proposals is None:
        return
    n = found.proposals.height
    suppressed = (
        f"; {found.suppressed} rejected pair(s) not proposed again" if found.suppressed else ""
    )
    if n and not written:
        io.say(
            f"dedupe: {n} merge proposal(s): new rows match two known people; write them for "
            f"review with --proposals FILE{suppressed}"
        )
    elif written:
        rows = int(found.proposals["bridges"].sum()) if n else 0
        io.say(f"dedupe: {n} merge proposal(s) ({rows} bridging new rows){suppressed}")
    elif suppressed:
        io.say(f"dedupe: {found.suppressed} rejected pair(s) not proposed again")


@app.command("link")
@io_options()
def link_cmd(
    left: Annotated[str, typer.Argument(help="Left table (e.g. the CRM).", show_default=False)],
    right: Annotated[
        str, typer.Argument(help="Right table (e.g. web-shop customers).", show_default=False)
    ],
    io: IOOptions,
    kind: KindColumnOpt = None,
    column: DeprecatedKindColumnOpt = None,
    rule: RuleOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
    region: ConfigRegionOpt = None,
    fallback_region: FallbackRegionOpt = None,
    all_matches: Annotated[
        bool, typer.Option("--all", help="Keep every match of a right row, not only its best.")
    ] = False,
) -> None:
    """Match the records of RIGHT to the records of LEFT: one row per match, both records side by side.

    Examples:

    \b
      custdata dedupe link examples/crm_export.csv examples/shop_customers.xlsx -o matches.csv
    """
    quiet = io.quiet
    lf, rf = io.read(left), io.read(right)
    with progress("linking", quiet=quiet):
        pairs = dd.link(
            lf,
            rf,
            columns=_columns(kind, column),
            rules=rule or None,
            threshold=threshold,
            config=config,
            region=region,
            fallback_region=fallback_region,
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
    io.write(out, inputs=[left, right])
    matched = pairs["row_right"].n_unique() if pairs.height else 0
    targets = pairs["row_left"].n_unique() if pairs.height else 0
    io.say(f"dedupe link: {matched} of {rf.height} right rows matched {targets} left rows")
