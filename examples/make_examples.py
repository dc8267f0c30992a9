"""Regenerate the bundled sample exports (deterministic: same files on every run).

    python examples/make_examples.py

Writes two messy exports of the same imaginary company's customers:

* ``crm_export.csv``: a 1C/CRM export, cp1251, ``;``-separated, Cyrillic headers;
* ``shop_customers.xlsx``: a web-shop export with English headers (real Excel date cells).

About 400 people (Russian, Ukrainian, English), some in both files, some twice in one file,
with families (relatives sharing surname, address and home phone), typos, mixed case,
transliterated names, diminutives, phones in every common format, junk placeholders and
empty cells. ``truth.csv`` records which rows are the same person (for ``dedupe evaluate``).
Needs Faker (``pip install faker``); the generated files are committed, so users need nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261123

_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "і": "i",
    "ї": "i", "є": "ie", "ґ": "g", "'": "", "’": "",
}

DIMINUTIVES = {
    "Александр": "Саша", "Александра": "Саша", "Алексей": "Лёша", "Дмитрий": "Дима",
    "Евгений": "Женя", "Евгения": "Женя", "Владимир": "Вова", "Николай": "Коля",
    "Михаил": "Миша", "Наталья": "Наташа", "Татьяна": "Таня", "Ольга": "Оля",
    "Екатерина": "Катя", "Мария": "Маша", "Пётр": "Петя", "Иван": "Ваня", "Сергей": "Серёжа",
    "Анастасия": "Настя", "Елена": "Лена", "Светлана": "Света",
    "Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "Michael": "Mike",
    "James": "Jim", "Richard": "Dick", "Thomas": "Tom", "Katherine": "Kate",
}

DOMAINS_RU = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru", "ya.ru"]
DOMAINS_UA = ["ukr.net", "i.ua", "gmail.com", "meta.ua", "gmail.com"]
DOMAINS_EN = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"]
TYPOS = {"gmail.com": "gmial.com", "mail.ru": "mail.ry", "yandex.ru": "yandex.ry", "ukr.net": "ukr.nte",
         "hotmail.com": "hotmial.com", "outlook.com": "outlok.com"}
JUNK = ["нет", "n/a", "-", "0", "", "", "", "не указан"]

RU_MOBILE = ["912", "913", "916", "903", "905", "926", "985", "999", "921", "952"]
UA_MOBILE = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]


def translit(text: str) -> str:
    return "".join(_RU.get(ch, _RU.get(ch.lower(), ch).capitalize() if ch.isupper() else ch) for ch in text)


def phone_variants(rng: random.Random, country: str, digits: str) -> str:
    """Write one phone number in a format people really use."""
    if country == "RU":
        a, b, c, d = digits[:3], digits[3:6], digits[6:8], digits[8:10]
        fmt = rng.choice([
            f"8 ({a}) {b}-{c}-{d}", f"+7 {a} {b} {c} {d}", f"8{a}{b}{c}{d}", f"7{a}{b}{c}{d}",
            f"+7({a}){b}{c}{d}", f"{a}-{b}-{c}-{d}", f"+7 ({a}) {b}-{c}-{d}", f"8-{a}-{b}-{c}-{d}",
            f"8 {a} {b}-{c}-{d} доб. {rng.randint(10, 999)}", f"810 7 {a} {b} {c} {d}",
        ])
    elif country == "UA":
        a, b, c, d = digits[:2], digits[2:5], digits[5:7], digits[7:9]
        fmt = rng.choice([
            f"+380 {a} {b} {c} {d}", f"0{a} {b} {c} {d}", f"380{a}{b}{c}{d}", f"(0{a}) {b}-{c}-{d}",
            f"+38 (0{a}) {b}-{c}-{d}", f"0{a}{b}{c}{d}", f"00380{a}{b}{c}{d}",
        ])
    elif country == "US":
        a, b, c = digits[:3], digits[3:6], digits[6:10]
        fmt = rng.choice([f"+1 ({a}) {b}-{c}", f"{a}-{b}-{c}", f"({a}) {b}-{c} ext. {rng.randint(1, 99)}", f"1{a}{b}{c}"])
    else:  # GB
        fmt = rng.choice([f"+44 20 7946 0{digits[-3:]}", f"020 7946 0{digits[-3:]}", f"0044 20 7946 0{digits[-3:]}"])
    return fmt


def make_person(fakers: dict, rng: random.Random, pid: int, nat: str) -> dict:
    f = fakers[nat]
    male = rng.random() < 0.5
    if nat in ("ru", "ua"):
        first = f.first_name_male() if male else f.first_name_female()
        last = f.last_name_male() if male else f.last_name_female()
        middle = f.middle_name_male() if male else f.middle_name_female()
    else:
        first = f.first_name_male() if male else f.first_name_female()
        last = f.last_name()
        middle = f.first_name_male() if rng.random() < 0.3 else ""
    country = {"ru": "RU", "ua": "UA", "en": rng.choice(["US", "US", "GB"])}[nat]
    if country == "RU":
        digits = rng.choice(RU_MOBILE) + f"{rng.randint(0, 9_999_999):07d}"
    elif country == "UA":
        digits = rng.choice(UA_MOBILE) + f"{rng.randint(0, 9_999_999):07d}"
    elif country == "US":
        digits = rng.choice(["212", "312", "415", "617", "202"]) + rng.choice(["736", "555", "464"]) + f"{rng.randint(0, 9999):04d}"
    else:
        digits = f"{rng.randint(0, 999):03d}"
    domain = rng.choice({"ru": DOMAINS_RU, "ua": DOMAINS_UA, "en": DOMAINS_EN}[nat])
    local = translit(f"{first}.{last}" if rng.random() < 0.5 else f"{last}{rng.randint(1, 99)}").lower()
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
    city = f.city_name() if hasattr(f, "city_name") else f.city()
    address = f.street_address()
    return {
        "pid": pid, "nat": nat, "male": male, "first": first, "last": last, "middle": middle,
        "country": country, "digits": digits, "email": f"{local}@{domain}", "birth": birth,
        "city": city, "address": address,
        "created": dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1400)),
    }


def relative(fakers: dict, rng: random.Random, pid: int, head: dict) -> dict:
    """A family member: same surname (gender-adjusted), address, home phone; other first name, birth date."""
    person = make_person(fakers, rng, pid, head["nat"])
    last = head["last"]
    if head["nat"] in ("ru", "ua") and person["male"] != head["male"]:
        if head["male"] and last.endswith(("ов", "ев", "ин", "ын")):
            last = last + "а"
        elif head["male"] and last.endswith("ий"):
            last = last[:-2] + "ая"
        elif not head["male"] and last.endswith(("ова", "ева", "ина", "ына")):
            last = last[:-1]
        elif not head["male"] and last.endswith("ая"):
            last = last[:-2] + "ий"
    person.update(last=last, address=head["address"], city=head["city"], country=head["country"])
    if rng.random() < 0.7:
        person["digits"] = head["digits"]
    if person["male"] == head["male"] and head["nat"] in ("ru", "ua") and rng.random() < 0.5:
        person["middle"] = head["middle"]  # siblings share the patronymic
    return person


def messy_case(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.1:
        return text.upper()
    if r < 0.2:
        return text.lower()
    if r < 0.25:
        return "  " + text.replace(" ", "  ") + " "
    return text


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op < 0.7:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def crm_name(rng: random.Random, p: dict) -> str:
    first, last, middle = p["first"], p["last"], p["middle"]
    if rng.random() < 0.15 and first in DIMINUTIVES:
        first = DIMINUTIVES[first]
    if rng.random() < 0.08:
        first, last, middle = translit(first), translit(last), translit(middle)
    if rng.random() < 0.06:
        last = typo(rng, last)
    style = rng.random()
    if p["nat"] == "en":
        name = f"{first} {last}" if style < 0.7 else f"{last}, {first}"
        if style > 0.9:
            name = rng.choice(["Mr ", "Dr. ", "Mrs "]) + name
    elif style < 0.55:
        name = f"{last} {first} {middle}".strip()
    elif style < 0.7:
        name = f"{last} {first[0]}.{middle[0] + '.' if middle else ''}"
    elif style < 0.8:
        name = f"{first} {last}"
    elif style < 0.9:
        name = f"{last} {first}"
    else:
        name = f"{first} {middle} {last}".replace("  ", " ")
    return messy_case(rng, name)


def email_variant(rng: random.Random, email: str) -> str:
    local, domain = email.split("@")
    r = rng.random()
    if r < 0.08:
        domain = TYPOS.get(domain, domain)
    elif r < 0.18:
        local = local.upper() if rng.random() < 0.5 else local.capitalize()
    elif r < 0.24:
        return f" {email} "
    elif r < 0.28 and domain == "gmail.com":
        local = local.replace(".", "") + "+shop"
    elif r < 0.30:
        return f"{email}, {local}2@{domain}"
    return f"{local}@{domain}"


def maybe_junk(rng: random.Random, value: str, rate: float) -> str:
    return rng.choice(JUNK) if rng.random() < rate else value


def main() -> None:
    from faker import Faker

    fakers = {"ru": Faker("ru_RU"), "ua": Faker("uk_UA"), "en": Faker("en_US")}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(SEED + i)
    rng = random.Random(SEED)

    people: list[dict] = []
    pid = 0
    for nat, count in (("ru", 190), ("ua", 110), ("en", 80)):
        for _ in range(count):
            pid += 1
            head = make_person(fakers, rng, pid, nat)
            people.append(head)
            if rng.random() < 0.12:  # a family member or two
                for _ in range(rng.choice([1, 1, 2])):
                    pid += 1
                    people.append(relative(fakers, rng, pid, head))
    rng.shuffle(people)

    crm_rows, shop_rows, truth = [], [], []
    crm_people = [p for p in people if p["nat"] != "en" or rng.random() < 0.5]
    shop_people = [p for p in people if rng.random() < (0.45 if p["nat"] != "en" else 0.9)]

    def crm_row(p: dict) -> dict:
        phone = phone_variants(rng, p["country"], p["digits"])
        if rng.random() < 0.05:
            phone = phone + ", " + phone_variants(rng, "RU", rng.choice(RU_MOBILE) + f"{rng.randint(0, 9_999_999):07d}")
        if rng.random() < 0.03:
            phone = "+7 (___) ___-__-__"
        birth = p["birth"].strftime(rng.choice(["%d.%m.%Y"] * 6 + ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y"]))
        gender = rng.choice(["М", "муж", "M"]) if p["male"] else rng.choice(["Ж", "жен", "F"])
        return {
            "ФИО": crm_name(rng, p),
            "Телефон": maybe_junk(rng, phone, 0.07),
            "Эл. почта": maybe_junk(rng, email_variant(rng, p["email"]), 0.1),
            "Дата рождения": maybe_junk(rng, birth, 0.12),
            "Пол": gender if rng.random() < 0.8 else "",
            "Город": messy_case(rng, p["city"]) if rng.random() < 0.9 else "",
            "Адрес": p["address"] if rng.random() < 0.85 else "",
            "Дата регистрации": p["created"].strftime("%d.%m.%Y"),
        }

    for p in crm_people:
        copies = 1 + (rng.random() < 0.12)
        for _ in range(copies):
            row = crm_row(p)
            crm_rows.append((p["pid"], row))
    rng.shuffle(crm_rows)
    crm_out = []
    for n, (person, row) in enumerate(crm_rows, start=1):
        code = f"CRM-{n:05d}"
        crm_out.append({"Код клиента": code, **row})
        truth.append({"source": "crm_export.csv", "source_id": code, "person_id": f"P{person:04d}"})

    for p in shop_people:
        copies = 1 + (rng.random() < 0.08)
        for _ in range(copies):
            first, last = p["first"], p["last"]
            if p["nat"] != "en" and rng.random() < 0.3:
                first, last = translit(first), translit(last)
            if rng.random() < 0.1 and first in DIMINUTIVES:
                first = DIMINUTIVES[first]
            shop_rows.append((p, {
                "first_name": messy_case(rng, first),
                "last_name": messy_case(rng, last if rng.random() > 0.05 else typo(rng, last)),
                "phone": maybe_junk(rng, phone_variants(rng, p["country"], p["digits"]), 0.08),
                "email": maybe_junk(rng, email_variant(rng, p["email"]), 0.05),
                "birth_date": p["birth"] if rng.random() < 0.8 else None,
                "gender": (("male" if p["male"] else "female") if rng.random() < 0.5 else ("M" if p["male"] else "F")) if rng.random() < 0.85 else None,
                "city": p["city"] if p["nat"] == "en" or rng.random() < 0.5 else translit(p["city"]),
                "address": p["address"] if rng.random() < 0.7 else None,
                "created_at": dt.datetime.combine(p["created"], dt.time(rng.randint(8, 22), rng.randint(0, 59))),
            }))
    rng.shuffle(shop_rows)

    header = ["Код клиента", "ФИО", "Телефон", "Эл. почта", "Дата рождения", "Пол", "Город", "Адрес", "Дата регистрации"]
    with open(HERE / "crm_export.csv", "w", encoding="cp1251", errors="replace", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        for row in crm_out:  # cp1251 has the typographic apostrophe, not the modifier letter
            writer.writerow({k: v.replace("\u02bc", "\u2019") for k, v in row.items()})

    import xlsxwriter

    wb = xlsxwriter.Workbook(HERE / "shop_customers.xlsx")
    wb.set_properties({"created": dt.datetime(2026, 11, 23)})  # same bytes on every run
    ws = wb.add_worksheet("customers")
    date_fmt = wb.add_format({"num_format": "dd.mm.yyyy"})
    ts_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    cols = ["customer_id", "first_name", "last_name", "phone", "email", "birth_date", "gender", "city", "address", "created_at"]
    ws.write_row(0, 0, cols)
    for n, (p, row) in enumerate(shop_rows, start=1):
        cid = f"SHOP-{n:04d}"
        truth.append({"source": "shop_customers.xlsx", "source_id": cid, "person_id": f"P{p['pid']:04d}"})
        values = {"customer_id": cid, **row}
        for c, col in enumerate(cols):
            v = values[col]
            if v is None or v == "":
                continue
            if col == "birth_date":
                if rng.random() < 0.85:
                    ws.write_datetime(n, c, dt.datetime.combine(v, dt.time()), date_fmt)
                else:
                    ws.write_string(n, c, v.strftime("%m/%d/%Y") if p["nat"] == "en" else v.strftime("%d.%m.%Y"))
            elif col == "created_at":
                ws.write_datetime(n, c, v, ts_fmt)
            else:
                ws.write_string(n, c, str(v))
    wb.close()

    with open(HERE / "truth.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["source", "source_id", "person_id"])
        writer.writeheader()
        writer.writerows(truth)
    print(f"crm_export.csv: {len(crm_out)} rows; shop_customers.xlsx: {len(shop_rows)} rows; {len(people)} people")


if __name__ == "__main__":
    main()
