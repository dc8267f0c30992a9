"""Fellegi-Sunter: EM never crashes on degenerate columns; probabilities stay clamped."""

import numpy as np
import polars as pl

from custdata.dedupe.model import EPS, FellegiSunter, clamp, term_frequencies


def _fit(levels, k=3):
    names = levels.columns
    u = {n: np.full(k, 1.0 / k) for n in names}
    return FellegiSunter.fit(levels, u=u, n_levels={n: k for n in names})


def test_all_null_column():
    lv = pl.DataFrame({"a": np.full(50, -1, dtype=np.int8), "b": np.array([2] * 25 + [0] * 25, dtype=np.int8)})
    m = _fit(lv)
    w = m.weights(lv)
    assert np.isfinite(w).all()
    assert (m.m["a"] >= EPS).all() and (m.m["a"] <= 1 - EPS).all()


def test_all_equal_and_never_agreeing_columns():
    lv = pl.DataFrame({"same": np.full(40, 2, dtype=np.int8), "never": np.zeros(40, dtype=np.int8)})
    m = _fit(lv)
    assert np.isfinite(m.weights(lv)).all()
    assert 0 < m.lam < 1


def test_empty_level_table():
    lv = pl.DataFrame({"a": pl.Series([], dtype=pl.Int8)})
    m = _fit(lv)
    assert m.weights(lv).shape == (0,)


def test_clamp():
    assert clamp(np.array([0.0, 1.0])).tolist() == [EPS, 1 - EPS]


def test_prior_is_small_for_big_tables():
    m = _fit(pl.DataFrame({"a": np.array([2, 0], dtype=np.int8)}))
    prior = m.set_prior(np.array([20.0, -20.0]), total_pairs=10**9)
    assert prior < 1e-6


def test_term_frequencies():
    tf = term_frequencies(pl.Series("v", ["a", "a", "a", "b"]))
    assert dict(tf.rows()) == {"a": 0.75, "b": 0.25}
