"""The pipeline file: TOML parsing, ``--set`` overrides, line numbers, path templates.

A pipeline file has a ``[pipeline]`` table and an ordered ``[[steps]]`` array::

    [pipeline]
    name = "nightly"

    [[steps]]
    step = "read"
    source = "dumps/*.csv"

    [[steps]]
    step = "write"
    target = "out/customers-{date:%Y-%m-%d}.parquet"

Each step names a library function (see :mod:`custdata.pipeline.registry`); its other keys are
that function's keyword arguments. ``id`` names a step's result, ``input`` picks which earlier
result a step works on (default: the previous one).

``tomllib`` does not report where a key is, so the file text is scanned once to map each
``[[steps]]`` table and each key to its line number; every validation error names them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custdata.config import parse_toml, read_config_text
from custdata.pipeline.errors import PipelineError

#: Keys of ``[pipeline]``.
PIPELINE_KEYS: tuple[str, ...] = (
    "name",
    "date",
    "lock",
    "report",
    "log",
    "base_dir",
    "manifest",
    "engine",
)
#: Keys of a step that are not keyword arguments of its function.
STEP_META_KEYS: tuple[str, ...] = ("step", "id", "input")
#: Fields a path template may use.
TEMPLATE_FIELDS: tuple[str, ...] = ("date", "yesterday", "name")

_KEY_RE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_\-]+))\s*=""")
_TABLE_RE = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-.]+)\s*\]\s*(#.*)?$")
_ARRAY_TABLE_RE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_\-.]+)\s*\]\]\s*(#.*)?$")


@dataclass
class StepConfig:
    """One ``[[steps]]`` entry: the step name, its keyword arguments and where it is."""

    index: int
    step: str
    args: dict[str, Any]
    id: str | None = None
    input: str | None = None
    line: int | None = None
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``step 2 (normalize.phones)``, for messages."""
        return f"step {self.index} ({self.step})"

    def error(
        self, message: str, *, key: str | None = None, file: str | None = None
    ) -> PipelineError:
        """A :class:`PipelineError` pointing at this step (or one of its keys)."""
        line = self.key_lines.get(key, self.line) if key else self.line
        return PipelineError(f"{self.label}: {message}", file=file, line=line, key=key)


@dataclass
class Pipeline:
    """A parsed pipeline file (not yet validated against the step registry)."""

    name: str
    steps: list[StepConfig]
    path: Path | None = None
    date: dt.date | None = None
    lock: str | None = None
    report: str | None = None
    log: str | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    manifest: str | None = None
    #: ``polars`` or ``spark``: where the steps run unless the caller says (``--engine``)
    engine: str | None = None
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """The pipeline file name for messages."""
        return self.path.name if self.path else "<pipeline>"

    def error(self, message: str, *, key: str | None = None) -> PipelineError:
        """A :class:`PipelineError` pointing at a ``[pipeline]`` key."""
        return PipelineError(message, file=self.file, line=self.key_lines.get(key or ""), key=key)

    def run_date(self) -> dt.date:
        """The date used by path templates: ``date`` if set, else today."""
        return self.date or dt.date.today()

    def render(self, template: str, *, key: str, step: StepConfig | None = None) -> str:
        """Fill ``{date:%Y-%m-%d}``, ``{yesterday:...}`` and ``{name}`` in a path.

        >>> p = Pipeline(name="nightly", steps=[], date=dt.date(2026, 1, 2))
        >>> p.render("out/{name}-{date:%Y%m%d}-{yesterday:%d}.csv", key="target")
        'out/nightly-20260102-01.csv'
        """
        day = self.run_date()
        values = {"date": day, "yesterday": day - dt.timedelta(days=1), "name": self.name}
        try:
            for _, field_name, _, _ in string.Formatter().parse(template):
                if field_name is not None and field_name not in TEMPLATE_FIELDS:
                    raise KeyError(field_name)
            return template.format(**values)
        except (KeyError, ValueError, IndexError) as exc:
            msg = (
                f"bad template {template!r} ({type(exc).__name__}: {exc}); "
                f"use {{date:%Y-%m-%d}}, {{yesterday:%Y-%m-%d}} or {{name}} "
                "(double the braces for a literal one)"
            )
            if step is not None:
                raise step.error(msg, key=key, file=self.file) from None
            raise self.error(msg, key=key) from None

    def resolve(self, path: str) -> Path:
        """A path from the file, relative to ``base_dir`` (the pipeline file's folder)."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p


def _scan_lines(text: str) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Line numbers of ``[pipeline]`` keys and of each ``[[steps]]`` table and its keys."""
    pipeline_keys: dict[str, int] = {}
    steps: list[tuple[int, dict[str, int]]] = []
    section: str | None = None
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if m := _ARRAY_TABLE_RE.match(line):
            section = m.group(1)
            if section == "steps":
                steps.append((number, {}))
            continue
        if m := _TABLE_RE.match(line):
            section = m.group(1)
            continue
        if m := _KEY_RE.match(line):
            key = next(g for g in m.groups() if g)
            if section == "pipeline":
                pipeline_keys.setdefault(key, number)
            elif section == "steps" and steps:
                steps[-1][1].setdefault(key, number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
    return pipeline_keys, steps


def parse_value(text: str) -> Any:
    """A ``--set`` value: TOML syntax when it parses (``3``, ``true``, ``["a", "b"]``), else text.

    >>> parse_value("3"), parse_value("true"), parse_value('["a", "b"]'), parse_value("out/x.csv")
    (3, True, ['a', 'b'], 'out/x.csv')
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _apply_overrides(data: dict[str, Any], overrides: list[str], file: str) -> None:
    raw_steps = data.get("steps")
    steps: list[Any] = raw_steps if isinstance(raw_steps, list) else []
    for item in overrides:
        target, sep, raw = item.partition("=")
        target = target.strip()
        if not sep or not target:
            raise PipelineError(f"--set wants KEY=VALUE or STEP.KEY=VALUE, got {target or item!r}")
        value = parse_value(raw.strip())
        if "." not in target:
            if target not in PIPELINE_KEYS:
                raise PipelineError(
                    f"--set {target}: not a [pipeline] key ({', '.join(PIPELINE_KEYS)}); "
                    "for a step key write STEP.KEY=VALUE (STEP: its id, name or number)"
                )
            data.setdefault("pipeline", {})[target] = value
            continue
        ref, _, key = target.partition(".")
        matches = [
            s
            for i, s in enumerate(steps, start=1)
            if isinstance(s, dict) and (ref == str(i) or s.get("id") == ref or s.get("step") == ref)
        ]
        if not matches:
            raise PipelineError(
                f"--set {target}: no step with id, name or number {ref!r}", file=file
            )
        if len(matches) > 1:
            raise PipelineError(
                f"--set {target}: {len(matches)} steps are called {ref!r}; "
                "give them an id or use the step number",
                file=file,
            )
        matches[0][key] = value


def load_pipeline(
    source: str | os.PathLike[str],
    *,
    overrides: list[str] | None = None,
    text: str | None = None,
) -> Pipeline:
    """Parse a pipeline file (or ``text``), apply ``--set`` overrides, check its shape.

    Step arguments are checked against the step functions later, by
    :func:`custdata.pipeline.registry.validate`.

    >>> p = load_pipeline("nightly.toml", text='''
    ... [pipeline]
    ... name = "demo"
    ... [[steps]]
    ... step = "read"
    ... source = "in.csv"
    ... ''', overrides=["read.source=other.csv"])
    >>> p.name, p.steps[0].args, p.steps[0].key_lines
    ('demo', {'source': 'other.csv'}, {'step': 5, 'source': 6})
    """
    path = Path(source)
    file = path.name
    if text is None:
        try:
            mode = path.stat().st_mode
        except OSError:
            mode = 0
        if mode & 0o002:
            raise PipelineError(
                f"the pipeline file {path.name} is writable by other users; a pipeline file is "
                f"code (it chooses what is read and written): chmod o-w {path.name}"
            )
        text = read_config_text(path, what="pipeline file", error=PipelineError)
    data = parse_toml(text, what="pipeline file", source=file, error=PipelineError)
    pipeline_lines, step_lines = _scan_lines(text)
    _apply_overrides(data, list(overrides or []), file)

    unknown_tables = sorted(set(data) - {"pipeline", "steps"})
    if unknown_tables:
        raise PipelineError(
            f"unknown top-level key or table {unknown_tables[0]!r}; "
            "a pipeline has a [pipeline] table and [[steps]]",
            file=file,
        )
    head = data.get("pipeline", {})
    if not isinstance(head, dict):
        raise PipelineError("[pipeline] must be a table", file=file)
    for key in head:
        if key not in PIPELINE_KEYS:
            raise PipelineError(
                f"unknown [pipeline] key; known keys: {', '.join(PIPELINE_KEYS)}",
                file=file,
                line=pipeline_lines.get(key),
                key=key,
            )
    for key in ("name", "lock", "report", "log", "base_dir", "manifest"):
        if key in head and not isinstance(head[key], str):
            raise PipelineError(
                "must be a string", file=file, line=pipeline_lines.get(key), key=key
            )
    if head.get("engine", "polars") not in ("polars", "spark"):
        raise PipelineError(
            "engine must be 'polars' or 'spark'",
            file=file,
            line=pipeline_lines.get("engine"),
            key="engine",
        )
    date = head.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise PipelineError(
                "date must be YYYY-MM-DD", file=file, line=pipeline_lines.get("date"), key="date"
            ) from None
    if isinstance(date, dt.datetime):
        date = date.date()
    if date is not None and not isinstance(date, dt.date):
        raise PipelineError(
            "date must be YYYY-MM-DD", file=file, line=pipeline_lines.get("date"), key="date"
        )
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise PipelineError("no steps: add [[steps]] tables (read ..., write ...)", file=file)
    base = path.parent
    if "base_dir" in head:
        given = Path(head["base_dir"]).expanduser()
        base = given if given.is_absolute() else path.parent / given
        if not base.is_dir():
            raise PipelineError(
                "base_dir is not an existing folder; fix the path (a configuration error, "
                "not a late input)",
                file=file,
                line=pipeline_lines.get("base_dir"),
                key="base_dir",
            )
    steps: list[StepConfig] = []
    seen_ids: dict[str, int] = {}
    for i, raw in enumerate(raw_steps, start=1):
        line, key_lines = step_lines[i - 1] if i - 1 < len(step_lines) else (None, {})
        if not isinstance(raw, dict):
            raise PipelineError(f"step {i} must be a table", file=file, line=line)
        name = raw.get("step")
        if not isinstance(name, str) or not name:
            raise PipelineError(
                f"step {i}: missing 'step = \"...\"' (read, normalize, write, ...)",
                file=file,
                line=line,
                key="step",
            )
        step_id, input_id = raw.get("id"), raw.get("input")
        for meta, value in (("id", step_id), ("input", input_id)):
            if value is not None and not isinstance(value, str):
                raise PipelineError(
                    f"step {i} ({name}): {meta} must be a string",
                    file=file,
                    line=key_lines.get(meta, line),
                    key=meta,
                )
        if input_id is not None and input_id not in seen_ids:
            raise PipelineError(
                f"step {i} ({name}): input {input_id!r} is not the id of an earlier step",
                file=file,
                line=key_lines.get("input", line),
                key="input",
            )
        if step_id is not None:
            if step_id in seen_ids:
                raise PipelineError(
                    f"step {i} ({name}): id {step_id!r} is already used by step "
                    f"{seen_ids[step_id]}",
                    file=file,
                    line=key_lines.get("id", line),
                    key="id",
                )
            seen_ids[step_id] = i
        args = {k: v for k, v in raw.items() if k not in STEP_META_KEYS}
        steps.append(
            StepConfig(
                index=i,
                step=name,
                args=args,
                id=step_id,
                input=input_id,
                line=line,
                key_lines=key_lines,
            )
        )
    return Pipeline(
        name=head.get("name") or path.stem,
        steps=steps,
        path=path,
        date=date,
        lock=head.get("lock"),
        report=head.get("report"),
        log=head.get("log"),
        base_dir=base,
        manifest=head.get("manifest"),
        engine=head.get("engine"),
        key_lines=pipeline_lines,
    )
