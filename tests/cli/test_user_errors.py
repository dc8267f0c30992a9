"""User errors are exit 2 (never 1, which means a bug): nested columns, devices, log paths."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    path = tmp_path / "n.parquet"
    pl.DataFrame(
        {
            "name": ["Ann Lee", "Bob Stone"],
            "phone": ["+79123456789", "8 912 345 67 80"],
            "email": ["a@example.com", "b@example.com"],
            "tags": [["a"], ["b", "c@example.com"]],
            "addr": [{"city": "M", "zip": 1}, {"city": "K", "zip": 2}],
        }
    ).write_parquet(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["clean", "{n}"],
        ["normalize", "phones", "{n}", "-c", "phone"],
        ["normalize", "emails", "{n}", "-c", "email"],
        ["normalize", "names", "{n}", "-c", "name"],
        ["mask", "{n}", "-c", "email", "--method", "mask"],
        ["mask", "{n}", "-c", "tags", "--method", "mask"],
        ["profile", "{n}"],
        ["dedupe", "{n}"],
        ["suppress", "{n}", "--list", "{n}"],
        ["info", "{n}"],
        ["convert", "{n}", "{d}/o.xlsx"],
        ["convert", "{n}", "{d}/o.csv"],
    ],
)
def test_nested_columns_are_never_an_internal_error(inproc, nested, args):
    res = inproc(*[a.format(n=nested, d=nested.parent) for a in args])
    assert res.exit_code in (0, 2), res.stderr
    assert "internal error" not in res.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_input_is_refused(inproc, device):
    res = inproc("info", device, "--from", "csv")
    assert res.exit_code == 2 and "is a device" in res.stderr


def test_stdin_from_a_device_is_refused(cli):
    import subprocess
    import sys

    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run(
            [sys.executable, "-m", "custdata", "info", "-"], stdin=zero, capture_output=True, timeout=60
        )
    assert proc.returncode == 2 and b"is a device" in proc.stderr


def test_output_to_dev_null_without_extension(inproc, nested):
    res = inproc("normalize", "phones", nested, "-c", "phone", "-o", "/dev/null")
    assert res.exit_code == 0, res.stderr
