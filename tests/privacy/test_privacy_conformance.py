"""Conformance: opt-outs and hashes match across phone formats (libphonenumber example numbers).

For the example numbers of the countries custdata's users mostly have, an opt-out written in
international form (``+7 9123456789``) must catch the same number written nationally with the
trunk prefix (``8 9123456789``), and their keyed hashes must be equal.
"""

from __future__ import annotations

import polars as pl

from custdata.privacy import mask, suppress

REGIONS = ("RU", "UA", "BY", "KZ", "UZ", "AM", "GE", "AZ", "MD", "LT", "LV", "EE", "PL", "DE",
           "FR", "GB", "IL", "TR", "US")
KEY = "conformance key, at least 16 bytes"


def test_international_optout_catches_national_format(conformance_dir):
    rows = pl.read_csv(conformance_dir / "phones_libphonenumber_example_numbers.csv",
                       infer_schema=False).filter(pl.col("region").is_in(REGIONS))
    total = passed = 0
    for region, group in rows.group_by("region", maintain_order=True):
        national = group.select(
            (pl.col("national_prefix").fill_null("") + pl.col("national_significant_number"))
            .alias("tel")
        )
        international = group.select(
            (pl.lit("+") + pl.col("country_code") + pl.lit(" ")
             + pl.col("national_significant_number")).alias("contact")
        )
        flagged = suppress(national, international, on="phone", columns={"phone": ["tel"]},
                           mode="flag", region=region[0])["suppressed"]
        h_nat = mask(national, "tel", method="hash", key=KEY, kinds={"tel": "phone"},
                     region=region[0])["tel"]
        h_int = mask(international, "contact", method="hash", key=KEY,
                     kinds={"contact": "phone"}, region=region[0])["contact"]
        ok = flagged & (h_nat == h_int)
        total += group.height
        passed += int(ok.sum())
    rate = passed / total
    print(f"phone format conformance: {passed}/{total} = {rate:.1%}")
    assert total >= 100 and rate >= 0.95
