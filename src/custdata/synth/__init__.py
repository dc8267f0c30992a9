"""Synthetic customer data with known true identities, for testing and benchmarking matching.

:func:`generate_companies` (see :mod:`custdata.synth.companies`) makes RU/UA/EN companies with
branches, legal forms and valid tax ids (no Faker needed).
:func:`generate_customers` (see :mod:`custdata.synth.customers`) needs Faker, the ``synth``
extra (``pip install 'custdata[synth]'``); without it the call raises
:class:`~custdata.errors.MissingDependency` naming the extra. Nothing else in custdata imports
this package: deduplication (:mod:`custdata.dedupe`) holds only matching.

>>> pairs_from_ids(["a", "a", "b", "a"])
3
"""

from __future__ import annotations

from custdata.synth._tables import CORRUPTIONS, LOCALES, translit
from custdata.synth.companies import generate_companies
from custdata.synth.customers import generate_customers, pairs_from_ids

__all__ = [
    "CORRUPTIONS",
    "LOCALES",
    "generate_companies",
    "generate_customers",
    "pairs_from_ids",
    "translit",
]
