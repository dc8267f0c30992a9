"""Synthetic RU/UA/EN companies with branches, for testing and benchmarking organization matching.

:func:`generate_companies` makes a customer table of companies, one row per record, with the
ground truth beside it. The unit of truth is the **site** (a company's head office or one of its
branches, at one address): records of one site spelled differently are the same entity, while two
branches of one company, which share the name, the tax id, often the head office's phone and the
e-mail domain, are DIFFERENT entities. Deterministic by ``seed``; needs no Faker (plain pools),
only python-stdnum (a core dependency) for the tax ids' check digits.

What makes it hard, on purpose:

- legal forms spelled many ways: ``ООО "Ромашка"``, ``ООО «Ромашка»``, ``Ромашка, ООО``,
  ``OOO Romashka``, ``Общество с ограниченной ответственностью «Ромашка»``; ``ТОВ``/``Товариство з
  обмеженою відповідальністю``, ``ФОП``/``ИП`` + a person's name, ``LLC``/``L.L.C.``,
  ``Inc``/``Inc.``/``Incorporated``, ``Ltd``/``Limited``, ``GmbH``;
- tax ids with valid check digits (ИНН 10 digits for companies, 12 for ИП; ЄДРПОУ 8 digits,
  РНОКПП 10 for ФОП; US EIN, UK company number), missing on many records, written ``ИНН 7707083893``
  or with spaces;
- addresses: ``ул. Ленина, д. 5`` / ``улица Ленина 5`` / ``Ленина ул., 5``, ``вул. Шевченка, буд.
  12`` / ``вулиця Шевченка 12``, ``12 W. Main St.`` / ``12 West Main Street``, with or without the
  city, postcode and office;
- branches that share the head office's phone (a central number), e-mail and tax id;
- several companies in one business centre (same street address, different office);
- unrelated companies with the same or a similar name in other cities (``Ромашка`` / ``Ромашка-Плюс``);
- typos in names, phones in every format, missing values.

    >>> from custdata.synth import generate_companies
    >>> df = generate_companies(50, seed=1)
    >>> df.columns[:7]
    ['record_id', 'company', 'tax_id', 'address', 'city', 'phone', 'email']
    >>> df.height == generate_companies(50, seed=1).height
    True
"""

from __future__ import annotations

import random
from typing import Any

import polars as pl
from stdnum.ru import inn as ru_inn
from stdnum.ua import edrpou, rntrc

from custdata.errors import InvalidOption
from custdata.synth._company_pools import (
    DE_CITIES,
    DE_STREETS,
    DIRECTIONS,
    EN_STREETS,
    EN_SUFFIX,
    EN_TYPES,
    EN_WORDS,
    FORMS,
    RU_CITIES,
    RU_PEOPLE,
    RU_STREETS,
    RU_SUFFIX,
    RU_TYPES,
    RU_WORDS,
    UA_CITIES,
    UA_PEOPLE,
    UA_STREETS,
    UA_SUFFIX,
    UA_TYPES,
    UA_WORDS,
    UK_CITIES,
    UK_STREETS,
    US_CITIES,
)
from custdata.synth._tables import translit as _translit

TRUTH_COLUMNS = ("true_id", "company_id", "site", "corruption")


def translit(text: str, *, ukrainian: bool = False) -> str:
    """Cyrillic to Latin letters the way people type a company name (``Ромашка`` -> ``Romashka``).

    >>> translit("Ромашка-Плюс"), translit("Світанок", ukrainian=True)
    ('Romashka-Plyus', 'Svitanok')
    """
    return _translit(text, system="uk" if ukrainian else "popular")


# ------------------------------------------------------------------------------------------------
# ids
# ------------------------------------------------------------------------------------------------
def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def tax_id(rng: random.Random, form: str) -> str:
    """A valid tax id for the legal form (ИНН, ЄДРПОУ, РНОКПП, EIN, UK company number) or ''."""
    if form in ("ООО", "АО", "ПАО"):
        body = str(rng.randrange(1, 10)) + _digits(rng, 8)  # region code never starts with 0 here
        return body + ru_inn.calc_company_check_digit(body)
    if form == "ИП":
        body = str(rng.randrange(1, 10)) + _digits(rng, 9)
        return body + ru_inn.calc_personal_check_digits(body)
    if form == "ТОВ":
        body = str(rng.randrange(1, 5)) + _digits(rng, 6)
        return body + edrpou.calc_check_digit(body)
    if form == "ФОП":
        body = str(rng.randrange(1, 5)) + _digits(rng, 8)
        return body + rntrc.calc_check_digit(body)
    if form in ("LLC", "Inc"):
        return f"{rng.randrange(10, 99)}-{_digits(rng, 7)}"
    if form == "Ltd":
        return "0" + _digits(rng, 7)
    return ""


# ------------------------------------------------------------------------------------------------
# one company: its legal facts and sites
# ------------------------------------------------------------------------------------------------
def _company(rng: random.Random, cid: int) -> dict[str, Any]:
    country = rng.choices(["ru", "ua", "us", "uk", "de"], [0.45, 0.25, 0.18, 0.07, 0.05])[0]
    if country == "ru":
        form = rng.choices(["ООО", "АО", "ПАО", "ИП"], [0.6, 0.1, 0.05, 0.25])[0]
        cities, streets, types = RU_CITIES, RU_STREETS, RU_TYPES
        words, suffix, people = RU_WORDS, RU_SUFFIX, RU_PEOPLE
    elif country == "ua":
        form = rng.choices(["ТОВ", "ФОП"], [0.7, 0.3])[0]
        cities, streets, types = UA_CITIES, UA_STREETS, UA_TYPES
        words, suffix, people = UA_WORDS, UA_SUFFIX, UA_PEOPLE
    else:
        form = {"us": rng.choice(["LLC", "Inc"]), "uk": "Ltd", "de": "GmbH"}[country]
        cities = {"us": US_CITIES, "uk": UK_CITIES, "de": DE_CITIES}[country]
        streets = {"us": EN_STREETS, "uk": UK_STREETS, "de": DE_STREETS}[country]
        types, words, suffix, people = EN_TYPES, EN_WORDS, EN_SUFFIX, []
    if form in ("ИП", "ФОП"):
        last, first, middle = rng.choice(people)
        name = f"{last} {first} {middle}"
    else:
        name = rng.choice(words) + rng.choice(suffix)
    n_branches = (
        0 if form in ("ИП", "ФОП") or rng.random() < 0.55 else rng.choice([1, 1, 2, 2, 3, 4])
    )
    home = rng.choice(cities)
    sites = []
    for s in range(n_branches + 1):
        city = home if s == 0 or rng.random() < 0.3 else rng.choice(cities)
        sites.append(
            {
                "site": s,
                "city": city,
                "street": rng.choice(streets),
                "type": rng.randrange(len(types)) if rng.random() < 0.5 else 0,
                "direction": rng.randrange(4) if country == "us" and rng.random() < 0.5 else None,
                "house": str(rng.randrange(1, 180)),
                "korpus": str(rng.randrange(1, 5))
                if country == "ru" and rng.random() < 0.2
                else None,
                "office": str(rng.randrange(1, 600)) if rng.random() < 0.5 else None,
                "postcode": _postcode(rng, country, city),
                "phone": _phone_digits(rng, country, city),
            }
        )
    domain = (
        translit(name.split()[0], ukrainian=country == "ua")
        .lower()
        .replace("-", "")
        .replace(" ", "")
    )
    tld = {"ru": ".ru", "ua": ".com.ua", "us": ".com", "uk": ".co.uk", "de": ".de"}[country]
    return {
        "company_id": cid,
        "country": country,
        "form": form,
        "name": name,
        "tax_id": tax_id(rng, form),
        "sites": sites,
        "types": types,
        "domain": domain + str(cid % 97) + tld,
    }


def _postcode(rng: random.Random, country: str, city: tuple) -> str:
    prefix = city[3]
    if country == "ru":
        return (prefix + _digits(rng, 6))[:6]
    if country == "ua":
        return (prefix + _digits(rng, 5))[:5]
    if country == "us":
        return (prefix + _digits(rng, 5))[:5]
    if country == "uk":
        return f"{prefix} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
    return (prefix + _digits(rng, 5))[:5]


def _phone_digits(rng: random.Random, country: str, city: tuple) -> str:
    cc = {"ru": "7", "ua": "380", "us": "1", "uk": "44", "de": "49"}[country]
    area = city[2]
    need = {"ru": 10, "ua": 9, "us": 10, "uk": 10, "de": 10}[country] - len(area)
    return cc + area + _digits(rng, need)


# ------------------------------------------------------------------------------------------------
# rendering one record of a site, spelled one of many ways
# ------------------------------------------------------------------------------------------------
def render_name(rng: random.Random, name: str, form: str) -> str:
    shorts, long_form, latin = FORMS[form]
    q = rng.choice(['"{}"', "«{}»", "{}", "'{}'", "“{}”"])
    person = form in ("ИП", "ФОП")
    style = rng.random()
    if person:
        if style < 0.4:
            return f"{rng.choice(shorts)} {name}"
        if style < 0.6:
            parts = name.split()
            return f"{rng.choice(shorts)} {parts[0]} {parts[1][0]}.{parts[2][0]}."
        if style < 0.75:
            return f"{long_form} {name}"
        if style < 0.9:
            return f"{name}, {rng.choice(shorts)}"
        return f"{rng.choice(latin)} {translit(name, ukrainian=form in ('ТОВ', 'ФОП'))}"
    if form in ("LLC", "Inc", "Ltd", "GmbH"):
        if style < 0.55:
            return f"{name} {rng.choice(shorts)}"
        if style < 0.75:
            return f"{name}, {rng.choice(shorts)}"
        if style < 0.85:
            return f"{name} {long_form}"
        if style < 0.93:
            return name.upper() + " " + shorts[0].upper()
        return name
    if style < 0.35:
        return f"{rng.choice(shorts)} {q.format(name)}"
    if style < 0.5:
        return f"{name}, {rng.choice(shorts)}"
    if style < 0.65:
        return f"{long_form} {q.format(name)}"
    if style < 0.75:
        return f"{rng.choice(latin)} {translit(name, ukrainian=form in ('ТОВ', 'ФОП'))}"
    if style < 0.85:
        return f"{rng.choice(shorts)} {name}".upper()
    if style < 0.93:
        return f"{rng.choice(shorts)} {q.format(name).upper()}"
    return name


def render_address(rng: random.Random, c: dict[str, Any], site: dict[str, Any]) -> tuple[str, str]:
    """(address, city) for one record of a site."""
    country = c["country"]
    city = rng.choice(site["city"][1])
    with_city = rng.random() < 0.3
    with_post = rng.random() < 0.25
    street, house = site["street"], site["house"]
    office = site["office"] if site["office"] and rng.random() < 0.7 else None
    if country in ("ru", "ua"):
        spellings = c["types"][site["type"]][1]
        t = rng.choice(spellings)
        style = rng.random()
        if style < 0.45:
            a = f"{t} {street}, {'д.' if country == 'ru' else 'буд.'} {house}"
        elif style < 0.75:
            a = f"{t} {street} {house}"
        elif style < 0.85:
            a = f"{street} {t}, {house}"
        else:
            # glued only after an abbreviation with a dot ("ул.Ленина,5"), as people type it
            a = f"{t}{street},{house}" if t.endswith(".") else f"{t} {street}, {house}"
        if site["korpus"]:
            a += rng.choice(
                [f", корп. {site['korpus']}", f" к{site['korpus']}", f", к. {site['korpus']}"]
            )
        if office:
            a += rng.choice(
                [
                    f", оф. {office}",
                    f", офис {office}" if country == "ru" else f", офіс {office}",
                    f"-{office}",
                ]
            )
        if with_city:
            a = f"{city}, {a}"
        if with_post:
            a = f"{site['postcode']}, {a}"
        return a, city
    if country == "de":
        suf = rng.choice(["straße", "str.", "strasse", "Straße"])
        sep = "" if suf[0].islower() else " "
        a = f"{street}{sep}{suf} {house}"
        if with_post:
            a += f", {site['postcode']} {city}"
        return a, city
    spellings = c["types"][site["type"]][1]
    t = rng.choice(spellings)
    d = ""
    if site["direction"] is not None:
        d = rng.choice(DIRECTIONS[site["direction"]][1]) + " "
    a = f"{house} {d}{street} {t}"
    if office:
        a += rng.choice([f", Suite {office}", f" Ste {office}", f" #{office}", f", Unit {office}"])
    if with_post:
        a += f", {city} {site['postcode']}"
    return a, city


def render_phone(rng: random.Random, digits: str) -> str:
    if digits.startswith("7"):
        n = digits[1:]
        return rng.choice(
            [
                f"+7 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}",
                f"8{n}",
                f"8 ({n[:3]}) {n[3:]}",
                f"+7{n}",
                f"{n[:3]}-{n[3:6]}-{n[6:]}",
            ]
        )
    if digits.startswith("380"):
        n = digits[3:]
        return rng.choice(
            [f"+380 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}", f"0{n}", f"(0{n[:2]}) {n[2:]}", f"+380{n}"]
        )
    if digits.startswith("1"):
        n = digits[1:]
        return rng.choice(
            [
                f"({n[:3]}) {n[3:6]}-{n[6:]}",
                f"{n[:3]}-{n[3:6]}-{n[6:]}",
                f"+1 {n}",
                f"{n[:3]}.{n[3:6]}.{n[6:]}",
            ]
        )
    if digits.startswith("44"):
        n = digits[2:]
        return rng.choice([f"+44 {n[:2]} {n[2:6]} {n[6:]}", f"0{n[:2]} {n[2:]}", f"0{n}"])
    n = digits[2:]
    return rng.choice([f"+49 {n[:2]} {n[2:]}", f"0{n[:2]} {n[2:]}", f"0{n}"])


def render_tax_id(rng: random.Random, value: str, country: str) -> str:
    style = rng.random()
    if style < 0.6 or not value or not value.isdigit():
        return value
    if style < 0.8 and country == "ru":
        return f"ИНН {value}"
    if style < 0.8 and country == "ua":
        return f"ЄДРПОУ {value}" if len(value) == 8 else f"РНОКПП {value}"
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    op = rng.random()
    if op < 0.4 and i + 1 < len(text):  # transpose
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op < 0.7:  # delete
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]  # double a letter


# ------------------------------------------------------------------------------------------------
# the table
# ------------------------------------------------------------------------------------------------
def generate_companies(
    n_companies: int = 2000,
    *,
    seed: int = 42,
    dup_rate: float = 0.5,
    max_duplicates: int = 3,
    business_centre_rate: float = 0.05,
) -> pl.DataFrame:
    """Company records with branches, spelled many ways; truth columns ``true_id`` (the site),
    ``company_id``, ``site`` (0 = head office) and ``corruption`` (what was done to a duplicate).

    ``dup_rate`` of the sites get 1..``max_duplicates`` more records; ``business_centre_rate`` of
    the sites are moved into another company's building (same street address, other office).

    >>> df = generate_companies(20, seed=3)
    >>> bool((df.group_by("true_id").agg(pl.col("company_id").n_unique())["company_id"] == 1).all())
    True
    """
    if not isinstance(n_companies, int) or isinstance(n_companies, bool) or n_companies < 0:
        raise InvalidOption("n_companies must be a whole number >= 0")
    if not 0.0 <= dup_rate <= 1.0 or not 0.0 <= business_centre_rate <= 1.0:
        raise InvalidOption("dup_rate and business_centre_rate must be between 0 and 1")
    if not isinstance(max_duplicates, int) or max_duplicates < 1:
        raise InvalidOption("max_duplicates must be a whole number >= 1")
    rng = random.Random(seed)
    companies = [_company(rng, cid) for cid in range(n_companies)]
    # business centres: a site moves into the building of a site of another company of its country
    all_sites = [(c, s) for c in companies for s in c["sites"]]
    for c, s in all_sites:
        if rng.random() < business_centre_rate:
            other_c, other_s = rng.choice(all_sites)
            if other_c is not c and other_c["country"] == c["country"]:
                s.update(
                    city=other_s["city"],
                    street=other_s["street"],
                    type=other_s["type"],
                    direction=other_s["direction"],
                    house=other_s["house"],
                    korpus=other_s["korpus"],
                    postcode=other_s["postcode"],
                    office=str(rng.randrange(600, 900)),
                )
    rows: list[dict[str, Any]] = []
    for c in companies:
        head_phone = c["sites"][0]["phone"]
        for s in c["sites"]:
            true_id = c["company_id"] * 100 + s["site"]
            n = 1 + (rng.randint(1, max_duplicates) if rng.random() < dup_rate else 0)
            for k in range(n):
                corr: list[str] = []
                name = render_name(rng, c["name"], c["form"])
                if s["site"] and rng.random() < 0.25:
                    city0 = s["city"][0]
                    name += rng.choice(
                        [
                            f" (филиал {city0})",
                            f", филиал в г. {city0}",
                            f" - {city0}",
                            f" ({city0} branch)",
                        ]
                        if c["country"] in ("ru", "ua")
                        else [f" - {city0}", f" ({city0} branch)", f" {city0}"]
                    )
                    corr.append("branch_name")
                if k and rng.random() < 0.3:
                    name = typo(rng, name)
                    corr.append("typo")
                address, city = render_address(rng, c, s)
                if k and rng.random() < 0.1:
                    address = typo(rng, address)
                    corr.append("address_typo")
                if rng.random() < 0.08:
                    address = ""
                    corr.append("no_address")
                # a branch's record often carries the head office's (central) phone
                digits = head_phone if s["site"] and rng.random() < 0.5 else s["phone"]
                phone = render_phone(rng, digits) if rng.random() < 0.9 else ""
                if phone == "":
                    corr.append("no_phone")
                elif s["site"] and digits == head_phone:
                    corr.append("head_phone")
                tid = render_tax_id(rng, c["tax_id"], c["country"]) if rng.random() < 0.6 else ""
                email = ""
                if rng.random() < 0.4:
                    box = (
                        rng.choice(["info", "sales", "office"])
                        if s["site"] == 0
                        else rng.choice(["info", f"branch{s['site']}"])
                    )
                    email = f"{box}@{c['domain']}"
                rows.append(
                    {
                        "company": name,
                        "tax_id": tid,
                        "address": address,
                        "city": city,
                        "phone": phone,
                        "email": email,
                        "true_id": true_id,
                        "company_id": c["company_id"],
                        "site": s["site"],
                        "corruption": ",".join(corr or ["respelled"]) if (k or corr) else None,
                    }
                )
    rng.shuffle(rows)
    df = pl.DataFrame(
        rows,
        schema={
            "company": pl.String,
            "tax_id": pl.String,
            "address": pl.String,
            "city": pl.String,
            "phone": pl.String,
            "email": pl.String,
            "true_id": pl.Int64,
            "company_id": pl.Int64,
            "site": pl.Int64,
            "corruption": pl.String,
        },
    )
    df = df.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in ("tax_id", "address", "phone", "email")
    )
    return df.with_row_index("record_id").with_columns(pl.col("record_id").cast(pl.Int64))
