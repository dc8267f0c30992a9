"""custdata.spark: every frame step on Spark (local[2], 4 partitions, 1000-row Arrow batches)
gives the polars result row for row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from custdata import io as cio
from custdata.errors import InvalidOption
from custdata.normalize import (
    birth_dates,
    emails,
    genders,
    names,
    phone_regions,
    phones,
    tax_ids,
)
from custdata.privacy import load_key, mask, suppress
from custdata.segment import rfm

# one worker runs every Spark test under pytest-xdist (one JVM, one session)
pytestmark = pytest.mark.xdist_group("spark")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def crm() -> pl.DataFrame:
    """The sample CRM export ten times (4,510 rows, ~1,100 a partition: two Arrow batches each)."""
    base = cio.read(EXAMPLES / "crm_export.csv")
    return pl.concat([base] * 10).with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))


def _spark_frame(spark, frame: pl.DataFrame):
    return spark.createDataFrame(frame.to_arrow(compat_level=pl.CompatLevel.oldest())).repartition(
        4
    )


def _collect(sdf, order: str) -> pl.DataFrame:
    out = pl.from_arrow(sdf.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out.sort(order)


def normalize_all(frame: pl.DataFrame, *, today: dt.date, regions: list[str]) -> pl.DataFrame:
    out = phones(frame, "Телефон", region="RU", fallback_region="UA", regions=regions)
    out = emails(out, "Эл. почта")
    out = birth_dates(out, "Дата рождения", dayfirst=None, today=today)
    out = names(out, "ФИО", order="eastern")
    out = genders(out, "Пол")
    return tax_ids(out, "Код клиента")


def test_normalizers_match_polars(spark, crm: pl.DataFrame) -> None:
    from custdata import spark as cs

    sdf = _spark_frame(spark, crm)
    assert sdf.rdd.getNumPartitions() == 4
    # batch_rows=700 regroups Spark's 1000-row Arrow batches at odd places
    regions = cs.phone_regions(sdf, ["Телефон"])  # once, on the driver
    assert regions == phone_regions(crm["Телефон"])
    got = _collect(
        cs.apply(sdf, normalize_all, batch_rows=700, today=TODAY, regions=regions), "row"
    )
    expected = normalize_all(crm, today=TODAY, regions=regions)
    assert got.schema == expected.schema
    assert got.equals(expected)


def protect(frame: pl.DataFrame, *, key, kinds: dict[str, str], regions: list[str]) -> pl.DataFrame:
    out = suppress(
        frame,
        ["+38 (096) 182-64-24", "TATIANA.BARANOVA@yandex.ru"],
        columns={"phone": ["Телефон"], "email": ["Эл. почта"]},
        mode="flag",
        regions=regions,
    )
    out = mask(out, ["Телефон", "Эл. почта"], method="hash", key=key, kinds=kinds, regions=regions)
    return mask(out, ["ФИО"], method="mask", kinds=kinds, regions=regions)


def test_mask_and_suppress_match_polars(spark, crm: pl.DataFrame) -> None:
    from custdata import spark as cs

    sdf = _spark_frame(spark, crm)
    kinds = cs.column_kinds(sdf, ["Телефон", "Эл. почта", "ФИО"])  # once, on the driver
    assert kinds == {"Телефон": "phone", "Эл. почта": "email", "ФИО": "full_name"}
    key = load_key("a test key of sixteen bytes or more")
    regions = cs.phone_regions(sdf, ["Телефон"])
    got = _collect(cs.apply(sdf, protect, key=key, kinds=kinds, regions=regions), "row")
    expected = protect(crm, key=key, kinds=kinds, regions=regions)
    assert got.equals(expected)
    assert got["suppressed"].sum() > 0


def test_suppress_drop_mode(spark, crm: pl.DataFrame) -> None:
    from custdata import spark as cs

    def step(frame: pl.DataFrame) -> pl.DataFrame:
        return suppress(
            frame, ["+38 (096) 182-64-24"], columns={"phone": ["Телефон"]}, regions=["UA"]
        )

    got = _collect(cs.apply(_spark_frame(spark, crm), step), "row")
    expected = step(crm)
    assert got.equals(expected) and expected.height < crm.height


def test_rfm_per_customer_matches_polars(spark) -> None:
    from custdata import spark as cs

    orders = cio.read(EXAMPLES / "orders.csv")
    options = dict(customer="customer_id", date="order_date", amount="amount", bins=5)
    expected = rfm(orders, currency=None, as_of="2025-01-01", **options)
    got = cs.rfm(_spark_frame(spark, orders), as_of="2025-01-01", partitions=4, **options)
    assert got.equals(expected)
    assert got.height == orders["customer_id"].n_unique()


def test_decisions_must_be_explicit(spark, crm: pl.DataFrame) -> None:
    from custdata import spark as cs

    sdf = _spark_frame(spark, crm.head(10))
    with pytest.raises(InvalidOption, match="today="):
        cs.apply(sdf, birth_dates, columns="Дата рождения")
    with pytest.raises(InvalidOption, match="kinds="):
        cs.apply(sdf, mask, columns=["Телефон"], method="mask", regions=["UA"])
    with pytest.raises(InvalidOption, match="regions="):
        cs.apply(sdf, phones, columns="Телефон")
    found = cs.detect_columns(sdf)
    assert found["phone"] == ["Телефон"]
    assert cs.output_schema(sdf, phones, columns="Телефон").fieldNames()[-8] == "Телефон_e164"
