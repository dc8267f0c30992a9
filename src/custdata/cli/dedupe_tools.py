"""``custdata dedupe evaluate`` and ``custdata dedupe explain``: how good a run is, and why
two records were (or were not) matched. Registered on the ``dedupe`` group of
:mod:`custdata.cli.dedupe`.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from custdata.cli._common import (
    DeprecatedKindColumnOpt,
    FallbackRegionOpt,
    IOOptions,
    JsonOpt,
    KindColumnOpt,
    io_options,
    kind_columns,
    lazy_module,
    message,
    progress,
)
from custdata.cli.dedupe import (
    ConfigOpt,
    ConfigRegionOpt,
    RuleOpt,
    ThresholdOpt,
    _columns,
    app,
)
from custdata.errors import InvalidOption

dd = lazy_module("custdata.dedupe")


@app.command("evaluate")
@io_options(write=False)
def evaluate_cmd(
    pred: Annotated[
        str,
        typer.Argument(
            help="Output of custdata dedupe (with cluster_id).", show_default=False, metavar="FILE"
        ),
    ],
    io: IOOptions,
    truth: Annotated[
        str,
        typer.Option(
            "--truth",
            metavar="FILE",
            help=(
                "File with the true entity id per row (same rows, or joined with --on), or true "
                "matching pairs (two key columns, with --on)."
            ),
            show_default=False,
        ),
    ],
    truth_column: Annotated[
        str,
        typer.Option(
            "--truth-column", help="Entity id column of the truth file.", metavar="COLUMN"
        ),
    ] = "true_id",
    pred_column: Annotated[
        str, typer.Option("--pred-column", help="Cluster column of PRED.", metavar="COLUMN")
    ] = "cluster_id",
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="Record key column present in both files (join truth by key / name rows in truth pairs).",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    errors: Annotated[
        str | None,
        typer.Option(
            "--errors",
            help="Also write the false-positive and false-negative pairs (rows and both "
            "records' fields side by side) to this file.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    as_json: JsonOpt = False,
    blocking: Annotated[
        bool,
        typer.Option(
            "--blocking",
            help=(
                "Also apply the run's blocking rules again to PRED's columns and report the "
                "share of true pairs they make candidates (overall and per rule): the recall "
                "lost before scoring. Give the run's -k/--rule/--config/--region/--fallback-region."
            ),
        ),
    ] = False,
    kind: KindColumnOpt = None,
    rule: RuleOpt = None,
    config: ConfigOpt = None,
    region: ConfigRegionOpt = None,
    fallback_region: FallbackRegionOpt = None,
) -> None:
    """Pairwise precision/recall/F1, B-cubed and adjusted Rand of PRED against the truth.

    Examples:

    \b
      custdata dedupe evaluate people.csv --truth examples/truth.csv --on source_id --truth-column person_id
      custdata dedupe evaluate people.csv --truth examples/truth.csv --on source_id \\
        --truth-column person_id --errors errors.csv
      custdata dedupe evaluate people.csv --truth examples/truth.csv --on source_id \\
        --truth-column person_id --blocking

    A truth that covers none of the rows the prediction groups (a --on that matches nothing,
    an empty truth column) is an error (exit 2), not an F1 of 0.
    """
    if not blocking and (kind or rule or config or region or fallback_region):
        raise InvalidOption(
            "-k, --rule, --config, --region and --fallback-region of evaluate describe the "
            "run's blocking: add --blocking"
        )
    quiet = io.quiet
    pf = io.read(pred)
    tf = io.read(truth)
    if pred == truth:
        args: tuple = (pf, truth_column)
        kw: dict = {"pred_column": pred_column}
    else:
        args = (pf, tf)
        kw = {"pred_column": pred_column, "truth_column": truth_column, "on": on}
    if blocking:
        with progress("blocking again", quiet=quiet):
            scores = dd.evaluate(
                *args,
                **kw,
                blocking=True,
                columns=kind_columns(kind) or None,
                rules=rule or None,
                config=config,
                region=region,
                fallback_region=fallback_region,
            )
    else:
        scores = dd.evaluate(*args, **kw)
    if errors:
        from custdata.dedupe.evaluate import error_pairs

        io.write_side(error_pairs(*args, **kw), errors, inputs=[pred, truth])
    if as_json:
        typer.echo(json.dumps(scores, indent=2))
    else:
        for key, value in scores.items():
            typer.echo(f"{key}\t{value:.6f}" if isinstance(value, float) else f"{key}\t{value}")
    message(
        f"dedupe evaluate: F1 {scores['f1']:.4f} (precision {scores['precision']:.4f}, recall {scores['recall']:.4f})",
        quiet=quiet,
    )
    if blocking:
        lost = int(scores["blocking_true_pairs"]) - int(scores["blocking_found_pairs"])
        message(
            f"dedupe evaluate: blocking made {scores['blocking_found_pairs']:,} of "
            f"{scores['blocking_true_pairs']:,} true pairs candidates (recall "
            f"{scores['blocking_recall']:.4f}); {lost:,} never scored",
            quiet=quiet,
        )


@app.command("explain")
@io_options(write=False)
def explain_cmd(
    input_path: Annotated[
        str, typer.Argument(help="The table to deduplicate.", show_default=False, metavar="FILE")
    ],
    first: Annotated[
        str, typer.Argument(help="First record's id.", show_default=False, metavar="ID1")
    ],
    second: Annotated[
        str, typer.Argument(help="Second record's id.", show_default=False, metavar="ID2")
    ],
    io: IOOptions,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="Column holding the ids (default: 0-based row numbers).",
            show_default=False,
            metavar="COLUMN",
        ),
    ] = None,
    kind: KindColumnOpt = None,
    column: DeprecatedKindColumnOpt = None,
    rule: RuleOpt = None,
    threshold: ThresholdOpt = None,
    config: ConfigOpt = None,
    region: ConfigRegionOpt = None,
    fallback_region: FallbackRegionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Why two records match or not: blocking rules (passed or failed), keys and weights per field, vetoes.

    Examples:

    \b
      custdata dedupe explain examples/crm_export.csv 0 3
    """
    frame = io.read(input_path)
    opts = dict(
        columns=_columns(kind, column),
        rules=rule or None,
        threshold=threshold,
        config=config,
        region=region,
        fallback_region=fallback_region,
    )
    with progress("matching", quiet=io.quiet):
        why = dd.explain(frame, first, second, id_column=id_column, **opts)
    if as_json:
        typer.echo(json.dumps(why, indent=2, default=str, ensure_ascii=False))
        return
    for line in dd.explain_lines(why):
        typer.echo(line)
