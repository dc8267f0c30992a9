"""The HTML report: self-contained, and it renders in a real headless browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest

from custdata import io
from custdata.segment import cohorts, html_report, rfm

ROOT = Path(__file__).resolve().parents[2]
RATES = {"RUB": 1.0, "UAH": 2.3, "USD": 92.0}


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = io.read(ROOT / "examples" / "orders.csv")
    args = dict(customer="customer_id", date="order_date", amount="amount", rates=RATES)
    table = rfm(frame, **args)
    html = html_report(table, cohort_table=cohorts(frame, **args), as_of="2025-12-31",
                       notes=["3017 rows: test"])
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_page_is_self_contained(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html  # nothing to load, nothing to run
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # no CDN, no remote font
    assert html.count("<svg") == 3  # RFM grid, segments, cohort retention
    assert "Champions" in html and "Cohort retention" in html
    assert len(html) < 1_500_000


def test_report_without_cohorts_and_empty_segments() -> None:
    table = pl.DataFrame({"r_score": [None], "f_score": [None], "monetary": [0.0],
                          "rfm_segment": ["No purchases"]}, schema_overrides={"r_score": pl.Int8, "f_score": pl.Int8})
    html = html_report(table)
    assert html.count("<svg") == 2


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_page_renders_in_headless_chromium(page: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: apt-get install -y chromium")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "segment_report.png"
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={shot}",
             "--window-size=1200,2600", page.as_uri()],
            capture_output=True, timeout=120,
        )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    assert shot.exists() and shot.stat().st_size > 50_000  # a real picture, not a blank page
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_retention_heatmap_has_a_legend_and_tells_zero_from_no_data() -> None:
    """Issue 11: a 0% month is written, months after the data end are hatched, colours have a legend."""
    from custdata.segment.report import retention_svg

    t = pl.DataFrame({"cohort": ["2024-01", "2024-01", "2024-01", "2024-02", "2024-02"],
                      "period": [0, 1, 2, 0, 1], "customers": [4, 4, 4, 2, 2],
                      "retention": [1.0, 0.0, 0.5, 1.0, 0.5]})
    svg = retention_svg(t)
    assert ">0%<" in svg  # the month without orders
    assert "share of the cohort ordering that month" in svg  # the colour legend
    assert "hatch" in svg.lower() or "pattern" in svg.lower()  # no-data cells are hatched
