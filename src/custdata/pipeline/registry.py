"""The steps a pipeline file may name, and up-front validation of their arguments.

Each step name maps to one public library function; the keys of a ``[[steps]]`` table are that
function's keyword arguments, checked against its signature before anything runs. Arguments
that take a table in Python (the opt-out list of ``suppress``, the ``clusters`` of ``segment``,
the ``master`` of an incremental dedupe) take a file path or glob in the pipeline file, or
``"@id"`` for the result of an earlier step.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
import pathlib
import types
import typing
from collections import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from custdata.pipeline.errors import PipelineError
from custdata.pipeline.model import Pipeline, StepConfig


@dataclass(frozen=True)
class StepSpec:
    """How a step name maps to a library function.

    ``role`` is ``source`` (makes a table: ``read``), ``transform`` (table -> table, the table
    is the first argument) or ``sink`` (``write``). ``frames`` are arguments that take a table;
    ``paths`` are file arguments resolved against the pipeline's folder; ``forbidden`` may not
    appear in a file (secrets); ``templated`` arguments may use ``{date:...}``.
    """

    target: str
    role: Literal["source", "transform", "sink"] = "transform"
    frames: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    forbidden: dict[str, str] = field(default_factory=dict)
    templated: tuple[str, ...] = ()
    #: where the arguments a ``**options`` catch-all forwards to are declared
    options_of: str | None = None
    #: table arguments that may match no file (then None: e.g. no master on the first night)
    optional_frames: tuple[str, ...] = ()

    def function(self) -> Callable[..., Any]:
        """Import the function (raises ImportError/AttributeError when it is missing)."""
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


_NO_SECRET = {"key": "never put a key in a pipeline file; use key_file or CUSTDATA_KEY"}

#: Step name -> library function. The same vocabulary as the Python API.
STEPS: dict[str, StepSpec] = {
    "read": StepSpec("custdata.io:read", role="source", paths=("source",), templated=("source",)),
    "write": StepSpec(
        "custdata.io:write",
        role="sink",
        paths=("target",),
        templated=("target",),
        forbidden={"inputs": "inputs is set by the runner"},
    ),
    "normalize": StepSpec("custdata.normalize.auto:normalize_all"),
    "normalize.phones": StepSpec("custdata.normalize:phones"),
    "normalize.emails": StepSpec("custdata.normalize:emails"),
    "normalize.names": StepSpec("custdata.normalize:names"),
    "normalize.name_parts": StepSpec("custdata.normalize:name_parts"),
    "normalize.birth_dates": StepSpec("custdata.normalize:birth_dates"),
    "normalize.genders": StepSpec("custdata.normalize:genders"),
    "dedupe": StepSpec("custdata.dedupe:find_duplicates", options_of="custdata.dedupe:deduplicate"),
    "dedupe.master": StepSpec(
        "custdata.pipeline.steps:update_master",
        frames=("master", "reviewed"),
        paths=("master", "reviewed"),
        templated=("master", "reviewed"),
        options_of="custdata.dedupe:deduplicate",
        optional_frames=("master",),
    ),
    "golden": StepSpec("custdata.dedupe:golden_records"),
    "households": StepSpec("custdata.dedupe:households"),
    "segment": StepSpec(
        "custdata.segment:rfm", frames=("clusters",), paths=("clusters",), templated=("clusters",)
    ),
    "mask": StepSpec("custdata.privacy:mask", paths=("key_file",), forbidden=_NO_SECRET),
    "suppress": StepSpec(
        "custdata.privacy:suppress",
        frames=("optouts",),
        paths=("optouts", "key_file"),
        templated=("optouts",),
        forbidden=_NO_SECRET,
    ),
}


@dataclass
class ResolvedStep:
    """A validated step: its config, spec and function, ready to run."""

    config: StepConfig
    spec: StepSpec
    function: Callable[..., Any]
    frame_param: str | None


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_SEQUENCES = {list, tuple, set, frozenset, abc.Sequence, abc.Iterable, abc.Collection, abc.Set}
_MAPPINGS = {dict, abc.Mapping, abc.MutableMapping}


def type_ok(value: Any, hint: Any) -> bool:
    """Whether a TOML value fits a parameter's annotation (lenient for types TOML cannot hold).

    >>> type_ok(5, str | None), type_ok("abc", float), type_ok(["a"], list[str]), type_ok(0.9, float)
    (False, False, True, True)
    >>> type_ok({"phone": ["tel"]}, dict[str, list[str]]), type_ok(5, "str | Iterable[str]")
    (True, True)
    """
    if hint is Any or isinstance(hint, (str, typing.TypeVar)):
        return True  # unresolved or generic: nothing to check
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(type_ok(value, a) for a in args)
    if origin is Literal:
        return True  # checked with its own message
    if origin is typing.Annotated:
        return type_ok(value, args[0])
    if hint is type(None) or hint is None:
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str or hint in (os.PathLike, pathlib.Path) or origin is os.PathLike:
        return isinstance(value, str)
    if hint in _SEQUENCES or origin in _SEQUENCES:
        if not isinstance(value, list):
            return False
        if args and (len(args) == 1 or (len(args) == 2 and args[1] is Ellipsis)):
            return all(type_ok(v, args[0]) for v in value)
        return True
    if hint in _MAPPINGS or origin in _MAPPINGS:
        if not isinstance(value, dict):
            return False
        if len(args) == 2:
            return all(type_ok(k, args[0]) and type_ok(v, args[1]) for k, v in value.items())
        return True
    # an expression or table cannot be written in TOML; any other class: not checked here
    return not (isinstance(hint, type) and hint.__module__.startswith("polars"))


def _describe(hint: Any) -> str:
    text = str(hint) if not isinstance(hint, type) else hint.__name__
    for noise in ("typing.", "collections.abc.", "polars.expr.expr.", "NoneType"):
        text = text.replace(noise, "" if noise != "NoneType" else "None")
    return text


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function, include_extras=True)
    except Exception:  # noqa: BLE001 - unresolvable annotations only lose this extra check
        return {}


def _literal_values(function: Callable[..., Any]) -> dict[str, tuple[Any, ...]]:
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # noqa: BLE001 - unresolvable annotations only lose this extra check
        return {}
    out = {}
    for name, hint in hints.items():
        if typing.get_origin(hint) is Literal:
            out[name] = typing.get_args(hint)
    return out


def validate(pipeline: Pipeline) -> list[ResolvedStep]:
    """Check every step against its function's signature; raise the first problem found.

    Errors name the file, line and key: unknown step, unknown or missing argument (with a
    suggestion), a value outside a ``Literal`` choice, a secret in the file, a bad template, an
    ``@id`` that is not an earlier step, a step with no table to work on.
    """
    file = pipeline.file
    resolved: list[ResolvedStep] = []
    have_frame = False
    ids: set[str] = set()
    for cfg in pipeline.steps:
        spec = STEPS.get(cfg.step)
        if spec is None:
            raise cfg.error(
                f"unknown step {cfg.step!r}{_suggest(cfg.step, list(STEPS))} "
                f"(steps: {', '.join(STEPS)})",
                key="step",
                file=file,
            )
        try:
            function = spec.function()
        except (ImportError, AttributeError):
            raise cfg.error(
                f"step {cfg.step!r} is not available in this installation ({spec.target})",
                key="step",
                file=file,
            ) from None
        params = dict(inspect.signature(function).parameters)
        names = list(params)
        frame_param = None if spec.role == "source" else names[0]
        accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        if accepts_any and spec.options_of:
            module, _, attr = spec.options_of.partition(":")
            forwarded = inspect.signature(getattr(importlib.import_module(module), attr))
            extra = {
                n: p
                for n, p in list(forwarded.parameters.items())[1:]
                if n not in params and p.kind is not p.VAR_KEYWORD
            }
            params = {n: p for n, p in params.items() if p.kind is not p.VAR_KEYWORD}
            params.update(extra)
            names = list(params)
            accepts_any = False
        for key, value in cfg.args.items():
            if key in spec.forbidden:
                raise cfg.error(spec.forbidden[key], key=key, file=file)
            if key == frame_param:
                raise cfg.error(
                    f'{key!r} is the table the step works on; use input = "id"', key=key, file=file
                )
            if key not in params and not accepts_any:
                usable = [n for n in names if n != frame_param and n not in spec.forbidden]
                raise cfg.error(
                    f"unknown argument {key!r} for {spec.target.replace(':', '.')}"
                    f"{_suggest(key, usable)} (arguments: {', '.join(usable)})",
                    key=key,
                    file=file,
                )
            if key in spec.frames:
                if not isinstance(value, str):
                    raise cfg.error(
                        f'{key} takes a file path or "@id" of an earlier step', key=key, file=file
                    )
                if value.startswith("@") and value[1:] not in ids:
                    raise cfg.error(
                        f"{value!r} is not the id of an earlier step", key=key, file=file
                    )
            if key in spec.templated:
                for item in value if isinstance(value, list) else [value]:
                    if not isinstance(item, str):
                        raise cfg.error(f"{key} must be a path (string)", key=key, file=file)
                    pipeline.render(item, key=key, step=cfg)
        hints = _hints(function)
        if spec.options_of:
            module, _, attr = spec.options_of.partition(":")
            hints = {**_hints(getattr(importlib.import_module(module), attr)), **hints}
        for key, value in cfg.args.items():
            if key in spec.frames or key in spec.templated or key not in hints:
                continue
            if not type_ok(value, hints[key]):
                raise cfg.error(
                    f"{key} has the wrong type ({type(value).__name__}); expected "
                    f"{_describe(hints[key])}",
                    key=key,
                    file=file,
                )
        for key, choices in _literal_values(function).items():
            if key in cfg.args and cfg.args[key] not in choices:
                raise cfg.error(
                    f"{key} = {cfg.args[key]!r} is not one of: "
                    f"{', '.join(repr(c) for c in choices)}",
                    key=key,
                    file=file,
                )
        for name, p in params.items():
            if name == frame_param or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            if p.default is inspect.Parameter.empty and name not in cfg.args:
                raise cfg.error(f"missing required argument {name!r}", file=file)
        if spec.role != "source" and not have_frame:
            raise cfg.error("there is no table yet: start the pipeline with a read step", file=file)
        if spec.role == "source" or spec.role == "transform":
            have_frame = True
        if cfg.id:
            ids.add(cfg.id)
        resolved.append(ResolvedStep(cfg, spec, function, frame_param))
    if not any(r.spec.role == "sink" for r in resolved):
        raise PipelineError("the pipeline writes nothing: add a write step", file=file)
    return resolved
