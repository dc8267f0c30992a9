"""Issue 11: ``multiple_emails`` (and ``multiple_numbers``) has one definition everywhere: valid."""

from __future__ import annotations

import polars as pl

from custdata.normalize import emails, summarize
from custdata.pipeline.runner import _details
from custdata.profiling import profile
from custdata.status import VALID, is_valid_status

CELLS = ["ivan@mail.ru, petr@mail.ru", "not an email", "olga@mail.ru", None]


def test_multiple_emails_is_valid_in_summary_profile_and_pipeline_report():
    df = pl.DataFrame({"email": CELLS})
    out = emails(df, "email")
    assert out["email_status"][0] == "multiple_emails" and is_valid_status("multiple_emails")
    summary = summarize(out, "email", normalized="email_normalized", status="email_status")
    assert (summary["valid"], summary["invalid"]) == (2, 1)
    col = profile(df).column("email")
    assert (col.valid, col.invalid) == (2, 1)
    assert "multiple_emails" not in dict(col.invalid_reasons)
    assert _details(df, out, "normalize.emails")["invalid"] == {"email": 1}
    assert {"ok", "multiple_numbers", "multiple_emails"} == set(VALID)
