"""Address parsing accuracy on generated, labelled addresses: custdata vs usaddress (US only).

    PYTHONPATH=src python benchmarks/eval_addresses.py [N]

Generates N US addresses and N RU/UA addresses from known parts, each written in a random mix of
the spellings people use (abbreviated or full street type and unit word, with or without dots,
commas, directionals, ZIP+4, city/state, unit as ``#``), parses them back and counts exact
agreement per field and for the whole record. ``usaddress`` (the ``bench`` extra) is scored on
the US set with its own labels mapped to ours (AddressNumber, StreetNamePreDirectional +
StreetName + StreetNamePostDirectional, StreetNamePostType, OccupancyIdentifier, ZipCode).
"""

from __future__ import annotations

import random
import sys
import time

from custdata.normalize import parse_address

US_STREETS = [
    "Main",
    "Oak",
    "Maple",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Pine",
    "Cedar",
    "Elm",
    "Lincoln",
    "Jefferson",
    "Sunset",
    "Highland",
    "Fifth",
    "Market",
    "Church",
]
US_TYPES = {
    "street": ["St", "St.", "Street"],
    "avenue": ["Ave", "Ave.", "Avenue"],
    "road": ["Rd", "Rd.", "Road"],
    "boulevard": ["Blvd", "Blvd.", "Boulevard"],
    "drive": ["Dr", "Dr.", "Drive"],
    "lane": ["Ln", "Lane"],
    "court": ["Ct", "Court"],
}
DIRS = {
    "W": ["W", "W.", "West"],
    "E": ["E", "E.", "East"],
    "N": ["N", "N.", "North"],
    "S": ["S", "S.", "South"],
}
UNITS = [
    ("Apt", "Apt"),
    ("Apt.", "Apt"),
    ("Apartment", "Apt"),
    ("Suite", "Ste"),
    ("Ste", "Ste"),
    ("Unit", "Unit"),
    ("#", "Apt"),
]
CITIES = [
    ("Springfield", "IL"),
    ("Austin", "TX"),
    ("Portland", "OR"),
    ("Columbus", "OH"),
    ("New York", "NY"),
    ("San Jose", "CA"),
]

RU_STREETS = ["Ленина", "Пушкина", "Гагарина", "Мира", "Советская", "Садовая", "Лесная"]
UA_STREETS = ["Шевченка", "Франка", "Хрещатик", "Грушевського", "Соборна", "Незалежності"]
RU_TYPES = {
    "street": ["ул.", "ул", "улица"],
    "avenue": ["пр-т", "просп.", "проспект"],
    "lane": ["пер.", "переулок"],
    "boulevard": ["бул.", "б-р", "бульвар"],
    "embankment": ["наб.", "набережная"],
    "highway": ["ш.", "шоссе"],
}
UA_TYPES = {
    "street": ["вул.", "вул", "вулиця"],
    "avenue": ["просп.", "проспект"],
    "lane": ["пров.", "провулок"],
    "boulevard": ["бульв.", "бульвар"],
}
RU_CITIES = ["Москва", "Казань", "Тверь", "Самара"]
UA_CITIES = ["Київ", "Львів", "Одеса", "Харків"]


def us_case(rng: random.Random) -> tuple[str, dict[str, str | None]]:
    house = str(rng.randint(1, 9999))
    d = rng.choice([None, None, *DIRS])
    name = rng.choice(US_STREETS)
    stype = rng.choice(list(US_TYPES))
    unit = rng.choice([None, None, *UNITS])
    flat = str(rng.randint(1, 400)) if unit else None
    city, state = rng.choice(CITIES)
    zipc = f"{rng.randint(10000, 99999)}" + (
        f"-{rng.randint(1000, 9999)}" if rng.random() < 0.3 else ""
    )
    line = " ".join(
        p
        for p in (house, rng.choice(DIRS[d]) if d else None, name, rng.choice(US_TYPES[stype]))
        if p
    )
    if unit:
        line += ("" if rng.random() < 0.5 else ",") + (
            f" {unit[0]}{'' if unit[0] == '#' else ' '}{flat}"
        )
    sep = rng.choice([", ", " "])
    text = line + (f"{sep}{city}, {state} {zipc}" if rng.random() < 0.8 else "")
    truth = {
        "house": house,
        "street": f"{d} {name}" if d else name,
        "street_type": stype,
        "flat": flat,
        "postcode": zipc if text.endswith(zipc) else None,
    }
    return text, truth


def cyr_case(rng: random.Random) -> tuple[str, dict[str, str | None]]:
    ua = rng.random() < 0.5
    name = rng.choice(UA_STREETS if ua else RU_STREETS)
    types = UA_TYPES if ua else RU_TYPES
    stype = rng.choice(list(types))
    house = str(rng.randint(1, 200)) + rng.choice(["", "", "", "а" if not ua else "А"])
    building = str(rng.randint(1, 5)) if rng.random() < 0.2 else None
    flat = str(rng.randint(1, 300)) if rng.random() < 0.7 else None
    city = rng.choice(UA_CITIES if ua else RU_CITIES)
    code = f"{rng.randint(1000, 99999):05d}" if ua else str(rng.randint(100000, 699999))
    tw = rng.choice(types[stype])
    street = rng.choice([f"{tw} {name}", f"{name} {tw}"])
    hw = rng.choice(["буд.", "б.", ""] if ua else ["д.", "дом", "д", ""])
    parts = [street, f"{hw} {house}".strip()]
    if building:
        parts.append(f"{rng.choice(['корп.', 'к.', 'корпус'])} {building}")
    if flat:
        parts.append(f"{rng.choice(['кв.', 'кв', 'квартира'])} {flat}")
    cityw = rng.choice(["м.", "місто", ""] if ua else ["г.", "г", "город", ""])
    head = [f"{cityw} {city}".strip()]
    with_code = rng.random() < 0.6
    if with_code:
        head.insert(0, code)
    text = ", ".join(head + parts) if rng.random() < 0.7 else ", ".join(parts + head[::-1])
    truth = {
        "house": house.lower(),
        "street": name,
        "street_type": stype,
        "flat": flat,
        "postcode": code if with_code else None,
    }
    return text, truth


def ours(text: str) -> dict[str, str | None]:
    r = parse_address(text)
    return {
        "house": r.house.lower() if r.house else None,
        "street": r.street,
        "street_type": r.street_type,
        "flat": r.flat,
        "postcode": r.postcode,
    }


US_TYPE_CODES = {v.lower().rstrip("."): k for k, vs in US_TYPES.items() for v in vs}


def theirs(text: str) -> dict[str, str | None]:
    import usaddress

    try:
        tags, _ = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return dict.fromkeys(("house", "street", "street_type", "flat", "postcode"))
    pre = tags.get("StreetNamePreDirectional")
    d = {k: vs for k, vs in DIRS.items()}
    pre_code = next((k for k, vs in d.items() if pre in vs), pre) if pre else None
    street = " ".join(p for p in (pre_code, tags.get("StreetName")) if p) or None
    stype = tags.get("StreetNamePostType")
    return {
        "house": tags.get("AddressNumber"),
        "street": street,
        "street_type": US_TYPE_CODES.get(stype.lower().rstrip(".")) if stype else None,
        "flat": tags.get("OccupancyIdentifier", "").strip().lstrip("#").strip() or None,
        "postcode": tags.get("ZipCode"),
    }


def score(cases, parse) -> tuple[dict[str, float], float, float]:  # noqa: ANN001
    fields = ("house", "street", "street_type", "flat", "postcode")
    hits = dict.fromkeys(fields, 0)
    full = 0
    start = time.perf_counter()
    for text, truth in cases:
        got = parse(text)
        ok = [got[f] == truth[f] for f in fields]
        for f, h in zip(fields, ok, strict=True):
            hits[f] += h
        full += all(ok)
    elapsed = time.perf_counter() - start
    n = len(cases)
    return {f: hits[f] / n for f in fields}, full / n, elapsed / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(7)
    us = [us_case(rng) for _ in range(n)]
    cyr = [cyr_case(rng) for _ in range(n)]
    rows = [
        ("US", "custdata", *score(us, ours)),
        ("US", "usaddress", *score(us, theirs)),
        ("RU/UA", "custdata", *score(cyr, ours)),
    ]
    print(
        f"{'set':<6} {'parser':<10} {'house':>6} {'street':>7} {'type':>6} {'flat':>6} "
        f"{'postcode':>8} {'record':>7} {'us/addr':>8}"
    )
    for name, parser, fields, full, us_per in rows:
        print(
            f"{name:<6} {parser:<10} {fields['house']:>6.1%} {fields['street']:>7.1%} "
            f"{fields['street_type']:>6.1%} {fields['flat']:>6.1%} {fields['postcode']:>8.1%} "
            f"{full:>7.1%} {us_per:>8.0f}"
        )


if __name__ == "__main__":
    main()
