"""Never destroy what is not ours: write targets that are devices, pipes, folders, links, inputs."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio
from custdata.errors import OutputError
from custdata.io import writing as cio_writing  # where write calls _write_to

FRAME = pl.DataFrame({"name": ["Ann", "Bob"], "tel": ["+7 912", None]})


def test_dev_null_is_streamed_not_replaced():
    before = os.stat("/dev/null")
    for fmt in ("csv", "parquet", "xlsx", "jsonl", "arrow"):
        cio.write(FRAME, "/dev/null", format=fmt)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_fifo_is_streamed_into(tmp_path: Path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    cio.write(FRAME, fifo)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert cio.read(got[0], format="csv").equals(FRAME)
    assert not list(tmp_path.glob(".*tmp"))


def test_dev_fd_goes_to_that_descriptor(tmp_path: Path):
    target = tmp_path / "fd.csv"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        cio.write(FRAME, f"/dev/fd/{fd}", format="csv")
    finally:
        os.close(fd)
    assert cio.read(target).equals(FRAME)


def test_folder_is_refused(tmp_path: Path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        cio.write(FRAME, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").is_dir()


def test_symlink_is_kept_and_its_file_replaced(tmp_path: Path):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    cio.write(FRAME, link)
    assert link.is_symlink() and cio.read(real).equals(FRAME)


def test_disk_full_is_a_clear_output_error(tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError("No space left on device (os error 28)")  # polars' form: no errno

    monkeypatch.setattr(cio_writing, "_write_to", full)
    for name in ("o.csv", "o.xlsx"):
        with pytest.raises(OutputError, match="no space left") as info:
            cio.write(FRAME, tmp_path / name)
        assert "None" not in str(info.value)
    assert not list(tmp_path.iterdir())  # no temporary file left behind


def test_disk_full_on_a_device_is_an_output_error():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with pytest.raises(OutputError, match="no space left"):
        cio.write(pl.DataFrame({"a": ["x" * 100_000]}), "/dev/full", format="csv")


def test_disk_full_wrapped_by_a_writer_is_an_output_error(tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise RuntimeError("zipfile failed") from exc

    monkeypatch.setattr(cio_writing, "_write_to", full)
    with pytest.raises(OutputError, match="no space left"):
        cio.write(FRAME, tmp_path / "o.xlsx")


@pytest.mark.parametrize(
    "outputs, inputs, message",
    [
        ([("-o", "a.csv"), ("--golden", "a.csv")], [], "-o and --golden name the same file"),
        ([("-o", "a.csv"), ("--golden", "./sub/../a.csv")], [], "same file"),
        ([("-o", "a.csv"), ("--golden", "in.csv")], ["in.csv"], r"input file in.csv \(--golden\)"),
        ([("-o", "in.csv")], ["in.csv"], "--in-place"),
    ],
)
def test_check_outputs_refuses(tmp_path, monkeypatch, outputs, inputs, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "in.csv").write_text("a\n1\n")
    with pytest.raises(OutputError, match=message):
        cio.check_outputs(outputs, inputs)


def test_check_outputs_allows_devices_and_in_place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("a\n1\n")
    cio.check_outputs([("-o", "/dev/null"), ("--golden", "/dev/null")], ["in.csv"])
    cio.check_outputs([("-o", "in.csv"), ("--golden", "g.csv")], ["in.csv"], in_place=True)
    cio.check_outputs([("-o", "-"), ("--golden", "-")], ["-"])
    with pytest.raises(OutputError):
        cio.check_outputs([("-o", "g.csv"), ("--golden", "in.csv")], ["in.csv"], in_place=True)
