"""Organization data sets for the dedupe benchmark (``bench_orgs.py``), with their true ids.

Public data, read from the files that PyPI packages ship (the ``bench`` extra installs them; only
their data files are read, so ``pip install --no-deps`` is enough):

``fodors_zagats``
    py-entitymatching 0.4.2 (BSD-3-Clause, UW-Madison Magellan project),
    ``py_entitymatching/datasets/end-to-end/restaurants/``: the classic Fodor's / Zagat restaurant
    guides (533 + 331 restaurants: name, addr, city, phone, type) and the 112 matching pairs.
    Deduplicated as one table (like Febrl 4): 864 rows, 752 entities.
``stoxx50``
    DedupliPy 0.8 (MIT), ``deduplipy/data/stoxx50_extended_with_id.xlsx``: 134 records of the 50
    STOXX Europe 50 companies, one text column holding the company name with its legal form and
    (part of) its address, spelled several ways (``adidas ag adi dassler strasse 1 91074``), and
    the company id.
``companies``
    :func:`custdata.synth.generate_companies`: RU/UA/EN companies with branches, legal forms and tax
    ids; a site (head office or branch) is the entity.

Every set is written to ``benchmarks/data/orgs/<name>.csv`` (what the tools see: a ``record_id``
plus the data's own columns) and ``<name>_truth.csv`` (``record_id``, ``true_id`` and whatever else
the set knows). :data:`KINDS` says which column is which kind, for the "columns named" runs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "orgs"

DATASETS = ("fodors_zagats", "stoxx50", "companies")

#: kind -> column of each data set, as a user would name them with ``-c KIND=COLUMN``
KINDS: dict[str, dict[str, str]] = {
    "fodors_zagats": {"org_name": "name", "address": "addr", "city": "city", "phone": "phone"},
    "stoxx50": {"org_name": "name"},
    "companies": {"org_name": "company", "tax_id": "tax_id", "address": "address", "city": "city",
                  "phone": "phone", "email": "email"},
}

SOURCES = {
    "fodors_zagats": "py-entitymatching 0.4.2 (BSD-3-Clause): datasets/end-to-end/restaurants",
    "stoxx50": "DedupliPy 0.8 (MIT): data/stoxx50_extended_with_id.xlsx",
    "companies": "custdata.synth.generate_companies (seeded)",
}


def package_dir(module: str) -> Path:
    """Where an installed package lives, without importing it (their imports are heavy)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        extra = {"py_entitymatching": "py-entitymatching", "deduplipy": "deduplipy"}[module]
        raise RuntimeError(f"{module} is not installed: pip install --no-deps {extra} "
                           "(or pip install -e '.[bench]')")
    return Path(list(spec.submodule_search_locations)[0])


def _clusters_from_pairs(ids: list[int], pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Union-find: record id -> smallest record id of its connected component."""
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}


def fodors_zagats() -> tuple[pl.DataFrame, pl.DataFrame]:
    base = package_dir("py_entitymatching") / "datasets" / "end-to-end" / "restaurants"
    fodors = pl.read_csv(base / "fodors.csv", infer_schema=False)
    zagats = pl.read_csv(base / "zagats.csv", infer_schema=False)
    df = pl.concat([fodors, zagats]).with_columns(pl.col("id").cast(pl.Int64)).rename(
        {"id": "record_id"})
    assert df["record_id"].n_unique() == df.height, "the two guides' ids overlap"
    matches = pl.read_csv(base / "matches_fodors_zagats.csv")
    ids = df["record_id"].to_list()
    pairs = list(zip(matches["fodors_id"].to_list(), matches["zagats_id"].to_list(), strict=True))
    cluster = _clusters_from_pairs(ids, pairs)
    truth = pl.DataFrame({"record_id": ids, "true_id": [cluster[i] for i in ids],
                          "source": ["fodors"] * fodors.height + ["zagats"] * zagats.height})
    return df, truth


def stoxx50() -> tuple[pl.DataFrame, pl.DataFrame]:
    path = package_dir("deduplipy") / "data" / "stoxx50_extended_with_id.xlsx"
    raw = pl.read_excel(path).with_row_index("record_id").with_columns(
        pl.col("record_id").cast(pl.Int64))
    return raw.select("record_id", "name"), raw.select("record_id",
                                                        pl.col("id").cast(pl.Int64).alias("true_id"))


def companies(n_companies: int = 2000, seed: int = 42) -> tuple[pl.DataFrame, pl.DataFrame]:
    from custdata.synth.companies import TRUTH_COLUMNS, generate_companies

    df = generate_companies(n_companies, seed=seed)
    return df.drop(*TRUTH_COLUMNS), df.select("record_id", *TRUTH_COLUMNS)


def prepare(dataset: str, n_companies: int = 2000, seed: int = 42) -> tuple[Path, Path, int]:
    """Write (once) ``<name>.csv`` and ``<name>_truth.csv``; return their paths and the rows."""
    DATA.mkdir(parents=True, exist_ok=True)
    stem = f"companies_{n_companies}_{seed}" if dataset == "companies" else dataset
    inp, truth_path = DATA / f"{stem}.csv", DATA / f"{stem}_truth.csv"
    if not (inp.exists() and truth_path.exists()):
        if dataset == "fodors_zagats":
            df, truth = fodors_zagats()
        elif dataset == "stoxx50":
            df, truth = stoxx50()
        elif dataset == "companies":
            df, truth = companies(n_companies, seed)
        else:
            raise ValueError(f"unknown data set {dataset!r}; known: {', '.join(DATASETS)}")
        df.write_csv(inp)
        truth.write_csv(truth_path)
    return inp, truth_path, pl.scan_csv(truth_path).select(pl.len()).collect().item()
