"""Nothing lost silently: a column a normalizer would add that is already in the input is refused."""

from __future__ import annotations

import inspect

import polars as pl
import pytest

from custdata import normalize
from custdata.errors import ColumnClash
from custdata.pipeline import run_pipeline

CASES = [
    (normalize.phones, {"columns": "tel"}, "tel", "+79123456789", "tel_e164"),
    (normalize.phones, {"columns": "tel"}, "tel", "+79123456789", "tel_status"),
    (normalize.emails, {"columns": "mail"}, "mail", "a@example.com", "mail_normalized"),
    (normalize.names, {"columns": "fio"}, "fio", "Иванов Иван", "fio_first"),
    (normalize.birth_dates, {"columns": "dob"}, "dob", "1985-03-14", "dob_status"),
    (normalize.genders, {"columns": "sex"}, "sex", "м", "sex_status"),
    (normalize.tax_ids, {"columns": "inn"}, "inn", "7707083893", "inn_status"),
    (normalize.name_parts, {"first": "f", "last": "l"}, "f", "Иван", "name_key"),
]


@pytest.mark.parametrize("step, kwargs, column, value, existing", CASES)
@pytest.mark.parametrize("lazy", [False, True])
def test_existing_output_column_is_refused(step, kwargs, column, value, existing, lazy):
    frame = pl.DataFrame({column: [value], "l": ["Иванов"], existing: ["precious"]})
    if existing == column:
        pytest.skip("not a clash")
    source = frame.lazy() if lazy else frame
    with pytest.raises(ColumnClash, match=f"column '{existing}'.*overwrite=True"):
        step(source, **kwargs)
    out = step(source, **kwargs, overwrite=True)
    out = out.collect() if lazy else out
    assert out.height == 1 and existing in out.columns


@pytest.mark.parametrize("step, kwargs, column, value, existing", CASES)
def test_no_clash_no_change(step, kwargs, column, value, existing):
    frame = pl.DataFrame({column: [value, None], "l": ["Иванов", None]})
    assert step(frame, **kwargs).equals(step(frame, **kwargs, overwrite=True))
    assert "overwrite" in inspect.signature(step).parameters


def test_in_place_is_not_a_clash():
    frame = pl.DataFrame({"tel": ["8 912 345 67 89"]})
    assert normalize.phones(frame, "tel", in_place=True)["tel"].to_list() == ["+79123456789"]


def test_cli_names_the_column_and_exits_2(inproc, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("phone,phone_e164\n+79123456789,keep me\n", encoding="utf-8")
    res = inproc("normalize", "phones", path, "-c", "phone", "-o", tmp_path / "o.csv")
    assert res.exit_code == 2 and "phone_e164" in res.stderr and "overwrite" in res.stderr
    assert not (tmp_path / "o.csv").exists()


def test_pipeline_overwrite_option(tmp_path):
    (tmp_path / "c.csv").write_text("phone,phone_e164\n+79123456789,old\n", encoding="utf-8")
    body = (
        '[pipeline]\nname = "x"\n[[steps]]\nstep = "read"\nsource = "c.csv"\n'
        '[[steps]]\nstep = "normalize.phones"\ncolumns = "phone"\n{extra}\n'
        '[[steps]]\nstep = "write"\ntarget = "o.csv"\n'
    )
    path = tmp_path / "p.toml"
    path.write_text(body.format(extra=""), encoding="utf-8")
    with pytest.raises(ColumnClash):
        run_pipeline(path)
    path.write_text(body.format(extra="overwrite = true"), encoding="utf-8")
    assert run_pipeline(path).status == "ok"
    assert pl.read_csv(tmp_path / "o.csv")["phone_e164"].to_list() == ["+79123456789"]
