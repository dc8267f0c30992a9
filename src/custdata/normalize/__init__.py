"""Normalizers: phones, emails, names, birth dates, gender.

Each kind offers an expression builder (``phone("tel")``), a frame-level step
(``phones(frame, "tel")``) that adds normalized and status columns, and a scalar helper.
"""

from __future__ import annotations

from custdata.normalize._common import JUNK_VALUES, is_junk, summarize
