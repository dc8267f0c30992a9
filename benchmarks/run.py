"""Run custdata's benchmarks: ``python benchmarks/run.py [AREA ...] [-- ARGS]``.

Each area is a module ``benchmarks/bench_<area>.py`` with ``main(argv)``; with no area every
benchmark runs in turn (full size: this takes a while). Arguments after the area names (for
example ``--rows 100000``) are passed to each benchmark. Results are printed as Markdown tables
and saved to ``benchmarks/results/<area>.json``; docs/benchmarks.md records the figures.

    python benchmarks/run.py io phones --rows 100000
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    areas = []
    while args and not args[0].startswith("-"):
        areas.append(args.pop(0))
    if args and args[0] == "--":
        args.pop(0)
    known = available()
    unknown = [a for a in areas if a not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(known)}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    (HERE / "results").mkdir(exist_ok=True)
    for area in areas or known:
        print(f"\n## {area}\n", flush=True)
        start = time.perf_counter()
        module = importlib.import_module(f"bench_{area}")
        module.main(args)
        print(f"\n({area} took {time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
