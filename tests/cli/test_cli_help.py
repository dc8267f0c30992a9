"""Every command teaches: a description, examples on the bundled files, docs coverage, metavars.

Walks the real command tree (like sqlite-utils' documentation test), so a new command without
help, example or docs fails here.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from custdata.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))


def _walk(command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = [(p, c) for p, c in _walk(ROOT_COMMAND) if p]
LEAVES = [(p, c) for p, c in COMMANDS if not getattr(c, "commands", None)]


def _help(path: tuple[str, ...]) -> str:
    from typer._click import Context

    command = ROOT_COMMAND
    ctx = Context(command, info_name="custdata")
    for name in path:
        command = command.commands[name]
        ctx = Context(command, info_name=name, parent=ctx)
    return command.get_help(ctx)


def _examples(text: str) -> list[list[str]]:
    tail = text.split("Examples:", 1)[1].split("\nArguments:")[0].split("\nOptions:")[0]
    joined = re.sub(r"\\\n\s*", " ", tail)
    return [shlex.split(line) for line in joined.splitlines() if line.strip().startswith("custdata ")]


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(p) for p, _ in LEAVES}
    assert {"convert", "clean", "normalize phones", "dedupe find", "segment rules", "run"} <= names
    assert len(LEAVES) >= 23


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_a_description(path, command) -> None:
    assert (command.help or "").strip(), f"custdata {' '.join(path)} has no help text"


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_command_help_ends_with_runnable_looking_examples(path, command) -> None:
    text = _help(path)
    assert "Examples:" in text, f"custdata {' '.join(path)} --help has no examples"
    examples = _examples(text)
    assert 1 <= len(examples) <= 3
    called = path[:-1] if path == ("dedupe", "find") else path  # find is dedupe's default
    for argv in examples:
        assert tuple(argv[1 : 1 + len(called)]) == called, argv
        for arg in argv:
            if arg.startswith("examples/"):
                assert (ROOT / arg).exists(), f"{arg} in an example is not a bundled file"


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_command_is_documented(path, command) -> None:
    shown = path[:-1] if path == ("dedupe", "find") else path
    assert f"custdata {' '.join(shown)} " in DOCS, f"docs/ never shows custdata {' '.join(path)}"


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_option_metavars_say_what_to_type(path, command) -> None:
    text = _help(path)
    options = text.split("\nOptions:", 1)[-1]
    assert not re.search(r"-[-a-z]+ <[^>]+>", options), options


def test_docs_cli_lists_every_command() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, _ in LEAVES:
        top = path[0]
        assert f"`custdata {top}" in page or f"`{path[-1]}`" in page, path


def _options(command) -> dict[str, object]:
    return {o: p for p in command.params for o in getattr(p, "opts", [])}


REGION_LEAVES = [(p, c) for p, c in LEAVES if "--region" in _options(c)]


def test_the_phone_commands_are_found() -> None:
    names = {" ".join(p) for p, _ in REGION_LEAVES}
    assert {"clean", "profile", "mask", "suppress", "dedupe find", "dedupe link"} <= names
    assert {"normalize phones", "normalize all", "dedupe explain"} <= names


@pytest.mark.parametrize(
    ("path", "command"), REGION_LEAVES, ids=[" ".join(p) for p, _ in REGION_LEAVES]
)
def test_fallback_region_wherever_region_with_one_meaning(path, command) -> None:
    """Every command that reads phones (has --region) takes --fallback-region, meaning the same."""
    from custdata.cli._common import REGION_HELP, FallbackRegionOpt

    shared = FallbackRegionOpt.__metadata__[0]
    options = _options(command)
    assert "--fallback-region" in options, f"custdata {' '.join(path)} has --region only"
    fallback = options["--fallback-region"]
    assert fallback.name == "fallback_region"  # mirrors the library keyword argument
    assert fallback.help == shared.help and fallback.metavar == "REGION"
    assert fallback.default is None and not fallback.hidden
    assert options["--region"].help.startswith(REGION_HELP)
    assert options["--region"].metavar == "REGION"
