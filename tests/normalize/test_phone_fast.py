"""Differential tests: the vectorized fast path gives exactly what the scalar reference gives.

The scalar reference (:func:`custdata.normalize._phone_core.parse_cell`) is phonenumbers'
``parse`` + ``is_valid_number`` + E.164 plus custdata's documented additions; the fast path
replays that algorithm with polars expressions. ``MIN_GROUP`` is set to 0 so that even tiny
groups (one region, one country code) take the vectorized route.
"""

from __future__ import annotations

import importlib
import random

import phonenumbers as pn
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custdata.normalize import phones
from custdata.normalize._phone_core import parse_cell

fast = importlib.import_module("custdata.normalize._phone_fast")
FIELDS = ("e164", "status", "type", "region", "ext", "possible")
REGIONS = ["RU", "UA", "KZ", "BY", "US", "CA", "GB", "DE", "FR", "IL", "CN", "IN", "BR", "IT",
           "AR", "JP", "UZ", None]
PREFIXES = ["", "+", "+7", "8", "7", "810", "8 10", "00", "0", "380", "+380", "+38 0", "+1", "1",
            "011", "+44", "0044", "+44 (0)", "+49", "0049", "375", "+375", "998", "+86", "+39 0",
            "+800", "+882", "9", "4"]


def _reference(value: str | None, region: str | None, fallback: str | None = None) -> tuple:
    cell, _ = parse_cell(value, region, fallback=fallback)
    return (cell.e164, cell.status, cell.type, cell.region, cell.extension, cell.possible)


def _check(pairs: list[tuple[str | None, str | None]], fallback: str | None = None) -> int:
    """Run the fast path on distinct pairs; compare every handled one with the reference."""
    frame = pl.DataFrame(pairs, schema={"v": pl.String, "r": pl.String}, orient="row").unique()
    done, rest = fast.fast_path(frame, fallback)
    assert done.height + rest.height == frame.height
    handled = done.select("v", "r").rows()
    assert len(set(handled) | set(rest.rows())) == frame.height
    for row in done.select("v", "r", *FIELDS).iter_rows():
        assert row[2:] == _reference(row[0], row[1], fallback), (row[0], row[1])
    return done.height


def _format(rng: random.Random, digits: str) -> str:
    style = rng.randrange(6)
    if style == 0:
        return digits
    if style == 1:
        return " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
    if style == 2 and len(digits) > 6:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    if style == 3:
        return "-".join(digits[i:i + 2] for i in range(0, len(digits), 2))
    if style == 4:
        return ".".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    return f" {digits[:1]} ({digits[1:4]}) {digits[4:]} "


phone_text = st.builds(
    lambda prefix, body, ext, pad: f"{pad}{prefix} {body}{ext}",
    st.sampled_from(PREFIXES),
    st.text(alphabet="0123456789 -().", min_size=3, max_size=18),
    st.sampled_from(["", "", "", " доб. 12", " x5", ", ext 7", " вн. 304", "#9", " доп 1"]),
    st.sampled_from(["", " ", "(", "-"]),
)


@pytest.fixture
def every_group(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "MIN_GROUP", 0)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(phone_text, st.sampled_from(REGIONS)), min_size=1, max_size=40),
       st.sampled_from([None, None, "UA", "RU", "US"]))
def test_fast_path_equals_reference_hypothesis(every_group: None,
                                               pairs: list[tuple[str, str | None]],
                                               fallback: str | None) -> None:
    _check(pairs, fallback)


def test_fast_path_equals_reference_random_numbers(every_group: None) -> None:
    """Random digit strings over many regions and prefixes (and a fallback region)."""
    rng = random.Random(7)
    pairs = []
    for _ in range(2500):
        prefix = rng.choice(PREFIXES).replace(" ", "")
        digits = prefix.lstrip("+") + "".join(rng.choice("0123456789")
                                             for _ in range(rng.randint(3, 13)))
        text = ("+" if prefix.startswith("+") else "") + _format(rng, digits)
        pairs.append((text, rng.choice(REGIONS)))
    assert _check(pairs) > 1800
    assert _check(pairs[:800], "UA") > 500


def test_fast_path_equals_reference_example_numbers(every_group: None) -> None:
    """Every example number of every region, written nationally and internationally."""
    pairs = []
    for region in sorted(pn.SUPPORTED_REGIONS):
        for kind in (pn.PhoneNumberType.FIXED_LINE, pn.PhoneNumberType.MOBILE,
                     pn.PhoneNumberType.TOLL_FREE, pn.PhoneNumberType.VOIP):
            num = pn.example_number_for_type(region, kind)
            if num is not None:
                pairs.append((pn.format_number(num, pn.PhoneNumberFormat.NATIONAL), region))
                pairs.append((pn.format_number(num, pn.PhoneNumberFormat.E164), "RU"))
                pairs.append((pn.format_number(num, pn.PhoneNumberFormat.E164)[1:], region))
    assert _check(pairs) > len(pairs) // 2


def test_small_groups_go_to_the_scalar_path() -> None:
    frame = pl.DataFrame({"v": ["8 912 345 67 89"], "r": ["RU"]})
    done, rest = fast.fast_path(frame)
    assert (done.height, rest.height) == (0, 1)


def test_frame_step_equals_scalar_on_mixed_column(every_group: None) -> None:
    """The whole engine (fast path, pieces of multi-number cells, scalar residual)."""
    rng = random.Random(11)
    values: list[str | None] = []
    for _ in range(600):
        digits = "9" + "".join(rng.choice("0123456789") for _ in range(9))
        one = _format(rng, rng.choice(["8", "+7", "7", ""]) + digits)
        values.append(rng.choice([
            one, f"тел: {one}; моб: +7 {digits}", f"{one} доб. 12", "нет", None, "",
            "+7 (___) ___-__-__", f"{one}, {one}", f"{one} / 8 {digits}", "0" * rng.randint(1, 9),
        ]))
    frame = pl.DataFrame({"tel": values})
    out = phones(frame, "tel", region="RU")
    for value, row in zip(values, out.select(
            "tel_e164", "tel_status", "tel_type", "tel_region", "tel_ext", "tel_possible",
            "tel_extra").iter_rows(), strict=True):
        cell, _ = parse_cell(value, "RU")
        assert row == (cell.e164, cell.status, cell.type, cell.region, cell.extension,
                       cell.possible, ", ".join(cell.extra) or None), value
