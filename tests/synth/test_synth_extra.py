"""custdata.synth without Faker: a clear error naming the ``synth`` extra; dedupe never needs it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from custdata.errors import MissingDependency


def test_missing_faker_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from custdata.synth import _tables, generate_customers

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "faker" else real(name, *a)
    )
    _tables._pools.cache_clear()
    with pytest.raises(MissingDependency, match=r"custdata\[synth\]"):
        generate_customers(10, seed=1)
    _tables._pools.cache_clear()


def test_dedupe_does_not_import_the_generator() -> None:
    code = "import sys, custdata.dedupe; print('custdata.synth' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
