"""Synthetic customer tables with known true entity ids, for testing and benchmarking dedupe.

:func:`generate_customers` builds a realistic Russian / Ukrainian / English customer table in which
some people appear several times with *corrupted* duplicate records, and (optionally) people live in
**families**: relatives who share a surname (in its gender form: Иванов / Иванова), an address,
often a phone and, for siblings, a patronymic, but never a first name or a birth date. Families are
the hard case for probabilistic matchers: a chain of "almost the same" relatives glues different
people into one cluster.

Faker (``pip install custdata[synth]``) supplies pools of names, cities and streets once per call;
the rows are then sampled from those pools with numpy and assembled with polars, so a million rows
take seconds, not the hour a million Faker calls would take. The output depends only on the
arguments (``seed`` included) and on the installed Faker version.

Ground-truth columns: ``true_id`` (one id per real person), ``household_id`` (one id per family;
a single person is a household of one) and ``corruption`` (what was done to a duplicate record,
null for a person's first record). Drop them before handing the table to a deduplicator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from custdata.errors import InvalidOption
from custdata.synth._tables import (
    _COUNTRY_CODE,
    _DIMINUTIVES,
    _DOMAIN_TYPOS,
    _EMAIL_DOMAINS,
    _SOURCES,
    CORRUPTIONS,
    LOCALES,
    _female_surname,
    _format_phone,
    _patronymic,
    _pools,
    _random_nsn,
    _typo,
    translit,
)


def _people(
    n_people: int,
    families: float,
    locale_weights: dict[str, float],
    seed: int,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """One row per real person (numpy / python arrays)."""
    locales = list(locale_weights)
    probs = np.array([locale_weights[x] for x in locales], dtype=float)
    probs = probs / probs.sum()
    pools = {loc: _pools(loc, seed + 7919 * i) for i, loc in enumerate(locales)}

    # households: families share surname, address, city, often a phone, siblings a patronymic
    in_family = int(round(n_people * families))
    sizes: list[int] = []
    if in_family >= 2:
        draw = rng.choice([2, 3, 4, 5], size=in_family // 2 + 1, p=[0.4, 0.3, 0.2, 0.1])
        total = 0
        for s in draw:
            s = int(min(s, in_family - total))
            if s < 2:
                break
            sizes.append(s)
            total += s
            if total >= in_family - 1:
                break
    n_fam_people = sum(sizes)
    hh_sizes = np.array(sizes + [1] * (n_people - n_fam_people), dtype=np.int64)
    n_hh = len(hh_sizes)
    household = np.repeat(np.arange(n_hh), hh_sizes)
    starts = np.concatenate([[0], np.cumsum(hh_sizes)[:-1]])
    role = np.arange(n_people) - np.repeat(starts, hh_sizes)  # 0 head, 1 spouse/child, 2+ child
    hh_size = np.repeat(hh_sizes, hh_sizes)
    hh_couple = rng.random(n_hh) < 0.8
    couple = np.repeat(hh_couple, hh_sizes)
    is_spouse = (role == 1) & couple
    is_child = (role >= 1) & ~is_spouse
    hh_locale = rng.choice(np.array(locales, dtype=object), size=n_hh, p=probs)
    locale = np.repeat(hh_locale, hh_sizes)
    female = np.where(
        role == 0,
        rng.random(n_people) < np.where(hh_size == 1, 0.52, 0.0),
        np.where(is_spouse, True, rng.random(n_people) < 0.5),
    )

    # birth dates (days since 1970-01-01); children 20-40 years after the head
    hh_head_dob = rng.integers(-25 * 365, 3 * 365, size=n_hh)  # 1945 .. 1973
    head_dob = np.repeat(hh_head_dob, hh_sizes)
    single_dob = rng.integers(-30 * 365, 36 * 365, size=n_people)  # 1940 .. 2006
    spouse_dob = head_dob + rng.integers(-5 * 365, 5 * 365, size=n_people)
    child_dob = head_dob + rng.integers(20 * 365, 40 * 365, size=n_people)
    dob = np.where(
        hh_size == 1,
        single_dob,
        np.where(role == 0, head_dob, np.where(is_spouse, spouse_dob, child_dob)),
    )
    # nobody born after mid-2007: a child who would be is born in the 8 years before instead
    # (a clamp would pile thousands of people onto one birth date)
    cap = 37 * 365 + 200
    late = dob > cap
    dob = np.where(late, cap - rng.integers(0, 8 * 365, size=n_people), dob)

    first = np.empty(n_people, dtype=object)
    surname = np.empty(n_people, dtype=object)
    middle = np.empty(n_people, dtype=object)
    street = np.empty(n_people, dtype=object)
    city = np.empty(n_people, dtype=object)
    hh_start = np.repeat(starts, hh_sizes)
    r_first = rng.random(n_people)
    r_other = rng.random((n_people, 4))
    hh_r = rng.random((n_hh, 5))
    for loc in locales:
        p = pools[loc]
        sel = np.flatnonzero(locale == loc)
        if len(sel) == 0:
            continue
        hsel = np.flatnonzero(hh_locale == loc)
        hh_surname = np.empty(n_hh, dtype=object)
        hh_father = np.empty(n_hh, dtype=object)
        hh_street = np.empty(n_hh, dtype=object)
        hh_city = np.empty(n_hh, dtype=object)
        sur, fath, strt, cty = (
            np.array(p[k], dtype=object) for k in ("surname", "father", "street", "city")
        )
        hh_surname[hsel] = sur[(hh_r[hsel, 0] * len(sur)).astype(int)]
        hh_street[hsel] = strt[(hh_r[hsel, 1] * len(strt)).astype(int)]
        hh_city[hsel] = cty[(hh_r[hsel, 2] * len(cty)).astype(int)]
        male_pool = np.array(p["male"], dtype=object)
        female_pool = np.array(p["female"], dtype=object)
        for i in sel:
            pool = female_pool if female[i] else male_pool
            k = int(r_first[i] * len(pool))
            name = pool[k]
            if role[i] > 0:  # relatives never share a first name
                taken = set(first[hh_start[i] : i])
                while name in taken:
                    k = (k + 1) % len(pool)
                    name = pool[k]
            first[i] = name
        # the head is the father of the household's children (when the head is a man)
        heads = sel[role[sel] == 0]
        hh_father[household[heads]] = first[heads]
        for i in sel:
            h = household[i]
            sname = hh_surname[h]
            surname[i] = _female_surname(sname, loc) if female[i] else sname
            father = (
                hh_father[h]
                if is_child[i] and not female[hh_start[i]]
                else fath[int(r_other[i, 0] * len(fath))]
            )
            if loc == "en_US":
                # an English middle name is another first name, or none
                if r_other[i, 1] < 0.5:
                    mp = female_pool if female[i] else male_pool
                    middle[i] = mp[int(r_other[i, 2] * len(mp))]
                else:
                    middle[i] = None
            else:
                middle[i] = _patronymic(father, loc, bool(female[i]))
                if middle[i] is None:  # father's name outside the rules: a random one
                    father = fath[int(r_other[i, 0] * len(fath))]
                    middle[i] = _patronymic(father, loc, bool(female[i]))
            city[i] = hh_city[h]
            flat = 1 + int(hh_r[h, 3] * 300)
            house = 1 + int(hh_r[h, 4] * (9999 if loc == "en_US" else 200))
            if loc == "en_US":
                addr = f"{house} {hh_street[h]}"
                street[i] = addr + f", Apt {flat}" if hh_r[h, 3] * 7 % 1 < 0.4 else addr
            else:
                addr = f"{hh_street[h]}, {'буд.' if loc == 'uk_UA' else 'д.'} {house}"
                street[i] = addr + f", кв. {flat}" if hh_r[h, 3] * 7 % 1 < 0.85 else addr

    # phones: a household phone that relatives often give, and a personal mobile
    hh_phone = _random_nsn(rng, hh_locale)
    own_phone = _random_nsn(rng, locale)
    uses_home = (hh_size > 1) & (rng.random(n_people) < 0.6)
    nsn = np.where(uses_home, np.repeat(hh_phone, hh_sizes), own_phone)
    return {
        "household": household,
        "locale": locale,
        "female": female,
        "dob": dob,
        "first": first,
        "last": surname,
        "middle": middle,
        "city": city,
        "address": street,
        "nsn": nsn,
    }


def _emails(people: dict[str, Any], rng: np.random.Generator) -> list[str]:
    n = len(people["first"])
    out: list[str] = []
    style = rng.integers(0, 5, size=n)
    digits = rng.integers(1, 1000, size=n)
    dom_idx = rng.random(n)
    seen: set[str] = set()
    cums = {loc: (doms, np.cumsum(w)) for loc, (doms, w) in _EMAIL_DOMAINS.items()}
    cache: dict[tuple[str, str], str] = {}

    def latin(value: str, system: str) -> str:
        key = (value, system)
        out = cache.get(key)
        if out is None:
            low = translit(value, system=system).lower()
            out = "".join(ch for ch in low if ch.isascii() and ch.isalnum()) or "x"
            cache[key] = out
        return out

    for i in range(n):
        loc = people["locale"][i]
        system = "uk" if loc == "uk_UA" else "icao"
        first = latin(people["first"][i], system)
        last = latin(people["last"][i], system)
        year = 1970 + int(people["dob"][i]) // 365
        s = style[i]
        if s == 0:
            local = f"{first}.{last}"
        elif s == 1:
            local = f"{first[0]}{last}{digits[i]}"
        elif s == 2:
            local = f"{last}{year}"
        elif s == 3:
            local = f"{first}_{last}{digits[i]}"
        else:
            local = f"{first}{year % 100:02d}"
        domains, cum = cums[loc]
        domain = domains[int(np.searchsorted(cum, dom_idx[i] * cum[-1]))]
        email = f"{local}@{domain}"
        k = 0
        while email in seen:  # two different people never share an address
            k += 1
            email = f"{local}{k}@{domain}"
        seen.add(email)
        out.append(email)
    return out


def _full_name(last: str, first: str, middle: str | None, locale: str, order: int) -> str:
    if locale == "en_US":
        parts = [first, middle, last] if order == 0 else [last + ",", first, middle]
    elif order == 0:
        parts = [last, first, middle]
    elif order == 1:
        parts = [first, middle, last]
    elif order == 2:
        parts = [first, last]
    else:
        parts = [last, first]
    return " ".join(p for p in parts if p)


def generate_customers(
    n_people: int = 1000,
    *,
    n_rows: int | None = None,
    dup_rate: float = 0.3,
    max_duplicates: int = 3,
    families: bool | float = False,
    locales: dict[str, float] | None = None,
    name_format: str = "full",
    messy_formats: bool = True,
    missing_rate: float = 0.1,
    seed: int = 0,
) -> pl.DataFrame:
    """A shuffled customer table with corrupted duplicates and the true person id of every row.

    ``dup_rate`` is the share of people who have duplicate records (each has 1..``max_duplicates``
    more). ``families`` (``True`` = 0.4, or a share 0..1) puts that share of people into households
    of 2-5 relatives. ``n_rows`` (instead of ``n_people``) asks for exactly that many rows.
    ``name_format``: ``"full"`` (one ``full_name`` column, ФИО order for ru/uk), ``"parts"``
    (``first_name``, ``middle_name``, ``last_name``) or ``"both"``. ``messy_formats`` writes phones
    and dates the many ways people type them; ``missing_rate`` blanks optional fields of originals.

    Columns: ``record_id`` (0..n-1, row order), ``true_id``, ``household_id``, name column(s),
    ``phone``, ``email``, ``birth_date`` (string), ``gender``, ``city``, ``address``, ``source``,
    ``corruption`` (comma-separated corruptions of a duplicate, null for originals).

    >>> df = generate_customers(200, dup_rate=0.3, families=True, seed=1)
    >>> df.columns[:4], df.height > 200, df["record_id"].to_list() == list(range(df.height))
    (['record_id', 'true_id', 'household_id', 'full_name'], True, True)
    >>> df.equals(generate_customers(200, dup_rate=0.3, families=True, seed=1))
    True
    """
    if n_rows is not None:
        if n_rows < 1:
            raise InvalidOption("n_rows must be at least 1")
    elif n_people < 1:
        raise InvalidOption("n_people must be at least 1")
    if not 0.0 <= dup_rate <= 1.0:
        raise InvalidOption("dup_rate must be between 0 and 1 (share of people with duplicates)")
    if max_duplicates < 1:
        raise InvalidOption("max_duplicates must be at least 1")
    fam = 0.4 if families is True else float(families or 0.0)
    if not 0.0 <= fam <= 1.0:
        raise InvalidOption("families must be True/False or a share between 0 and 1")
    if name_format not in ("full", "parts", "both"):
        raise InvalidOption("name_format must be 'full', 'parts' or 'both'")
    if not 0.0 <= missing_rate <= 1.0:
        raise InvalidOption("missing_rate must be between 0 and 1")
    weights = dict(locales) if locales is not None else dict(LOCALES)
    unknown = [loc for loc in weights if loc not in LOCALES]
    if unknown or not weights or sum(weights.values()) <= 0:
        raise InvalidOption(f"locales must map some of {', '.join(LOCALES)} to positive weights")

    rng = np.random.default_rng(seed)
    # expected records per person with duplicates: 1 + E[min(geometric(0.6), max)]
    k_values = np.arange(1, max_duplicates + 1)
    k_probs = 0.6 * 0.4 ** (k_values - 1)
    k_probs = k_probs / k_probs.sum()
    if n_rows is not None:
        mean_k = float((k_values * k_probs).sum())
        n_people = max(1, int(math.floor(n_rows / (1.0 + dup_rate * mean_k))))
        n_people = min(n_people, n_rows)

    people = _people(n_people, fam, weights, seed, rng)
    emails = _emails(people, rng)

    has_dup = rng.random(n_people) < dup_rate
    n_dup = np.where(has_dup, rng.choice(k_values, size=n_people, p=k_probs), 0)
    dup_src = np.repeat(np.arange(n_people), n_dup)
    if n_rows is not None:
        want = n_rows - n_people
        if len(dup_src) > want:
            dup_src = np.sort(rng.choice(dup_src, size=want, replace=False))
        elif len(dup_src) < want:
            extra = rng.choice(n_people, size=want - len(dup_src))
            dup_src = np.sort(np.concatenate([dup_src, extra]))

    src = np.concatenate([np.arange(n_people), dup_src])
    n = len(src)
    is_dup = np.arange(n) >= n_people
    loc = people["locale"][src]
    female = people["female"][src]

    # columns as python lists (originals first, then duplicates), corrupted below
    last = list(people["last"][src])
    first = list(people["first"][src])
    middle = list(people["middle"][src])
    city = list(people["city"][src])
    address = list(people["address"][src])
    email = [emails[i] for i in src]
    nsn = list(people["nsn"][src])
    dob = people["dob"][src].copy()
    dob_out = np.zeros(n, dtype=np.int64)
    dstyle_out = np.zeros(n, dtype=np.int64)
    phone: list[str | None] = [None] * n
    gender: list[str | None] = [None] * n
    order = [0] * n
    corruption: list[str | None] = [None] * n

    r = rng.random((n, 8))
    phone_style = rng.integers(0, 6, size=n) if messy_formats else np.zeros(n, dtype=np.int64)
    date_style = rng.integers(0, 3, size=n) if messy_formats else np.zeros(n, dtype=np.int64)
    source = rng.choice(np.array(_SOURCES, dtype=object), size=n)
    n_corr = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    corr_pick = rng.random((n, 3))
    cr = rng.random((n, 6))
    corr_names = np.array(CORRUPTIONS, dtype=object)

    for i in range(n):
        lc = loc[i]
        is_female = bool(female[i])
        if lc == "en_US":
            gender[i] = "F" if is_female else "M"
        elif lc == "uk_UA":
            gender[i] = "Ж" if is_female else "Ч"
        else:
            gender[i] = "Ж" if is_female else "М"
        cc = _COUNTRY_CODE[lc]
        ph: str | None = _format_phone(cc, nsn[i], int(phone_style[i]))
        day = int(dob[i])
        dstyle = int(date_style[i])
        if lc == "en_US" and dstyle == 1:
            dstyle = 0
        applied: list[str] = []
        if is_dup[i]:
            chosen = {
                corr_names[int(corr_pick[i, j] * len(corr_names))] for j in range(int(n_corr[i]))
            }
            for c in sorted(chosen):
                if c == "typo":
                    if cr[i, 0] < 0.5:
                        first[i] = _typo(first[i], rng)
                    else:
                        last[i] = _typo(last[i], rng)
                elif c == "swap":
                    order[i] = 1 + int(cr[i, 1] * 3)
                elif c == "translit":
                    if lc == "en_US":
                        continue
                    system = "uk" if lc == "uk_UA" else ("icao" if cr[i, 1] < 0.5 else "popular")
                    first[i] = translit(first[i], system=system)
                    last[i] = translit(last[i], system=system)
                    if middle[i]:
                        middle[i] = translit(middle[i], system=system)
                elif c == "diminutive":
                    options = _DIMINUTIVES.get(first[i])
                    if not options:
                        continue
                    first[i] = options[int(cr[i, 2] * len(options))]
                elif c == "phone":
                    if cr[i, 3] < 0.4:
                        ph = None
                    else:
                        pos = int(cr[i, 4] * len(nsn[i]))
                        digit = str((int(nsn[i][pos]) + 1 + int(cr[i, 5] * 8)) % 10)
                        ph = _format_phone(
                            cc, nsn[i][:pos] + digit + nsn[i][pos + 1 :], int(phone_style[i]) + 1
                        )
                elif c == "email":
                    e = email[i]
                    local, _, domain = e.partition("@")
                    v = cr[i, 3]
                    if v < 0.25:
                        e = e.upper() if cr[i, 4] < 0.5 else local.capitalize() + "@" + domain
                    elif v < 0.45 and domain == "gmail.com":
                        e = local.replace(".", "") + "+shop@" + domain
                    elif v < 0.6 and domain == "gmail.com":
                        e = local + "@googlemail.com"
                    elif v < 0.8 and domain in _DOMAIN_TYPOS:
                        e = local + "@" + _DOMAIN_TYPOS[domain]
                    else:
                        e = None
                    email[i] = e
                elif c == "missing":
                    fields = ("address", "city", "dob", "gender", "middle")
                    for j in {int(cr[i, 4] * 5), int(cr[i, 5] * 5)}:
                        f = fields[j]
                        if f == "address":
                            address[i] = None
                        elif f == "city":
                            city[i] = None
                        elif f == "dob":
                            day = -(10**9)
                        elif f == "gender":
                            gender[i] = None
                        else:
                            middle[i] = None
                elif c == "dob":
                    d = np.datetime64(day, "D").astype(object)
                    if d.day <= 12 and d.day != d.month and cr[i, 2] < 0.5:
                        day = int(
                            (
                                np.datetime64(f"{d.year}-{d.day:02d}-{d.month:02d}")
                                - np.datetime64("1970-01-01")
                            ).astype(int)
                        )
                    else:
                        day += [1, -1, 10, -10, 365, -365][int(cr[i, 3] * 6)]
                elif c == "address":
                    a = address[i]
                    if not a:
                        continue
                    if "ул. " in a and cr[i, 2] < 0.5:
                        address[i] = a.replace("ул. ", "улица ")
                    elif "вул. " in a and cr[i, 2] < 0.5:
                        address[i] = a.replace("вул. ", "вулиця ")
                    elif "кв. " in a and cr[i, 2] < 0.7:
                        address[i] = (
                            a.replace(", кв. ", " кв ")
                            .replace(", д. ", ", ")
                            .replace(", буд. ", ", ")
                        )
                    elif " Apt " in a and cr[i, 2] < 0.7:
                        address[i] = a.replace(", Apt ", " #")
                    else:
                        address[i] = _typo(a, rng)
                elif c == "case":
                    order[i] = -1 if cr[i, 5] < 0.5 else -2
                applied.append(c)
            corruption[i] = ",".join(applied) if applied else "format"
        else:
            # originals have gaps too (missing_rate per optional field)
            if r[i, 0] < missing_rate:
                email[i] = None
            if r[i, 1] < missing_rate * 0.5:
                ph = None
            if r[i, 2] < missing_rate:
                day = -(10**9)
            if r[i, 3] < missing_rate * 2:
                address[i] = None
            if r[i, 4] < missing_rate:
                gender[i] = None
        phone[i] = ph
        dob_out[i] = day
        dstyle_out[i] = dstyle

    dates = pl.DataFrame({"d": dob_out, "s": dstyle_out}).select(
        pl.when(pl.col("d") == -(10**9)).then(None).otherwise(pl.col("d")).cast(pl.Date).alias("d"),
        "s",
    )
    dob_str = (
        dates.select(
            pl.when(pl.col("s") == 0)
            .then(pl.col("d").dt.strftime("%Y-%m-%d"))
            .when(pl.col("s") == 1)
            .then(pl.col("d").dt.strftime("%d.%m.%Y"))
            .otherwise(pl.col("d").dt.strftime("%d/%m/%Y"))
        )
        .to_series()
        .to_list()
    )

    full: list[str] | None = None
    if name_format in ("full", "both"):
        full = []
        for i in range(n):
            o = order[i]
            text = _full_name(last[i], first[i], middle[i], loc[i], max(o, 0))
            if o == -1:
                text = text.upper()
            elif o == -2:
                text = text.lower().replace(" ", "  ", 1)
            full.append(text)
    if name_format in ("parts", "both"):
        for i in range(n):
            o = order[i]
            if o > 0:  # swapped parts: first and last name in each other's column
                first[i], last[i] = last[i], first[i]
                if o == 2:
                    middle[i] = None
            elif o == -1:
                first[i], last[i] = first[i].upper(), last[i].upper()
            elif o == -2:
                first[i], last[i] = first[i].lower(), last[i].lower()

    perm = rng.permutation(n)
    columns: dict[str, Sequence[Any] | np.ndarray] = {
        "true_id": src,
        "household_id": people["household"][src],
    }
    if full is not None:
        columns["full_name"] = full
    if name_format in ("parts", "both"):
        columns["first_name"] = first
        columns["middle_name"] = middle
        columns["last_name"] = last
    columns.update(
        {
            "phone": phone,
            "email": email,
            "birth_date": dob_str,
            "gender": gender,
            "city": city,
            "address": address,
            "source": source,
            "corruption": corruption,
        }
    )
    frame = pl.DataFrame(
        {
            k: pl.Series(k, v, dtype=pl.Int64 if k in ("true_id", "household_id") else pl.String)
            for k, v in columns.items()
        }
    )
    frame = frame[perm].with_row_index("record_id").with_columns(pl.col("record_id").cast(pl.Int64))
    return frame


def pairs_from_ids(ids: pl.Series | Sequence[Any]) -> int:
    """Number of true matching pairs implied by an entity-id column (sum of k*(k-1)/2).

    >>> pairs_from_ids([1, 1, 2, 3, 3, 3])
    4
    """
    counts = pl.Series("id", list(ids) if not isinstance(ids, pl.Series) else ids).value_counts()
    k = counts["count"].cast(pl.Int64)
    return int((k * (k - 1) // 2).sum())
