"""Value pools and spelling tables of the synthetic customer generator (:mod:`custdata.synth`).

Corruption kinds, diminutives, phone number plans, surname and patronymic forms, Faker pools
(loaded once per locale and seed), email domains and their typos, and the one-edit typo.
"""

from __future__ import annotations

import functools

import numpy as np

from custdata.errors import InvalidOption, require_package
from custdata.normalize._translit import translit_letters

__all__ = ["CORRUPTIONS", "LOCALES", "translit"]

#: Faker locales the generator knows, with the default share of people from each.
LOCALES: dict[str, float] = {"ru_RU": 0.5, "uk_UA": 0.2, "en_US": 0.3}

#: Corruptions applied to duplicate records (1 to 3 per duplicate, chosen at random).
CORRUPTIONS: tuple[str, ...] = (
    "typo",  # one edit (delete / insert / substitute / transpose) in the first or last name
    "swap",  # name parts in another order (Имя Фамилия, Фамилия Имя, first <-> last)
    "translit",  # Cyrillic name written in Latin letters (Иванов -> Ivanov, Юлия -> Iuliia / Yuliya)
    "diminutive",  # first name as a diminutive (Александр -> Саша, William -> Bill)
    "phone",  # phone missing, with a typo, or in a different format
    "email",  # email in other case, gmail dots / +tag, domain typo, or missing
    "missing",  # one or two fields blanked (address, city, birth date, gender, middle name)
    "dob",  # birth date with day and month swapped or a one-digit typo
    "address",  # address abbreviated / expanded / with a typo
    "case",  # name in CAPITALS or lower case, doubled spaces
)

_SOURCES = ("crm", "shop", "loyalty", "web", "callcenter")

# ---------------------------------------------------------------------------------------------
# Transliteration: the tables live in custdata.normalize._translit (one place for all of them)
# ---------------------------------------------------------------------------------------------
#: Systems of :func:`translit`: ICAO (passport), the "popular" spelling and Ukrainian.
TRANSLIT_SYSTEMS = {"icao": "icao", "popular": "popular", "uk": "kmu"}


def translit(value: str, *, system: str = "icao") -> str:
    """Write a Cyrillic string in Latin letters (``system``: ``icao``, ``popular`` or ``uk``).

    >>> translit("Иванов Сергей"), translit("Юлия", system="popular"), translit("Григорій", system="uk")
    ('Ivanov Sergei', 'Yuliya', 'Hryhorii')
    """
    try:
        letters = TRANSLIT_SYSTEMS[system]
    except KeyError:
        raise InvalidOption(
            f"unknown transliteration system {system!r}; use one of: {', '.join(TRANSLIT_SYSTEMS)}"
        ) from None
    return translit_letters(value, system=letters)


# ---------------------------------------------------------------------------------------------
# Diminutives (common names only; a name without an entry gets a typo instead)
# ---------------------------------------------------------------------------------------------
_DIMINUTIVES: dict[str, tuple[str, ...]] = {
    # Russian
    "Александр": ("Саша", "Саня", "Шура"),
    "Александра": ("Саша", "Шура"),
    "Алексей": ("Лёша", "Алёша"),
    "Анастасия": ("Настя",),
    "Анна": ("Аня",),
    "Андрей": ("Андрюша",),
    "Владимир": ("Вова", "Володя"),
    "Дмитрий": ("Дима",),
    "Евгений": ("Женя",),
    "Евгения": ("Женя",),
    "Екатерина": ("Катя",),
    "Елена": ("Лена",),
    "Иван": ("Ваня",),
    "Мария": ("Маша",),
    "Михаил": ("Миша",),
    "Наталья": ("Наташа",),
    "Николай": ("Коля",),
    "Ольга": ("Оля",),
    "Павел": ("Паша",),
    "Сергей": ("Серёжа",),
    "Татьяна": ("Таня",),
    "Юлия": ("Юля",),
    "Юрий": ("Юра",),
    "Виктор": ("Витя",),
    "Виктория": ("Вика",),
    "Константин": ("Костя",),
    "Светлана": ("Света",),
    "Людмила": ("Люда",),
    "Галина": ("Галя",),
    "Валентина": ("Валя",),
    "Григорий": ("Гриша",),
    "Борис": ("Боря",),
    "Владислав": ("Влад",),
    "Вячеслав": ("Слава",),
    "Станислав": ("Стас",),
    "Ирина": ("Ира",),
    "Ксения": ("Ксюша",),
    "Максим": ("Макс",),
    "Георгий": ("Жора",),
    "Пётр": ("Петя",),
    "Петр": ("Петя",),
    "Степан": ("Стёпа",),
    "Фёдор": ("Федя",),
    "Яков": ("Яша",),
    "Василий": ("Вася",),
    "Леонид": ("Лёня",),
    "Тимофей": ("Тима",),
    "Дарья": ("Даша",),
    "Полина": ("Поля",),
    "Софья": ("Соня",),
    "Любовь": ("Люба",),
    "Надежда": ("Надя",),
    "Зинаида": ("Зина",),
    "Лидия": ("Лида",),
    "Антонина": ("Тоня",),
    "Валерия": ("Лера",),
    "Анатолий": ("Толя",),
    "Валерий": ("Валера",),
    "Геннадий": ("Гена",),
    "Эдуард": ("Эдик",),
    # Ukrainian
    "Олександр": ("Сашко", "Саша"),
    "Олександра": ("Саша", "Леся"),
    "Іван": ("Івасик", "Ваня"),
    "Андрій": ("Андрійко",),
    "Дмитро": ("Дмитрик", "Діма"),
    "Микола": ("Миколка", "Коля"),
    "Михайло": ("Михась",),
    "Сергій": ("Сергійко",),
    "Тарас": ("Тарасик",),
    "Богдан": ("Бодя",),
    "Володимир": ("Володя", "Вова"),
    "Юрій": ("Юрко",),
    "Петро": ("Петрик",),
    "Катерина": ("Катя",),
    "Олена": ("Оленка",),
    "Марія": ("Марічка",),
    "Наталія": ("Наталка",),
    "Оксана": ("Ксеня",),
    "Ганна": ("Ганнуся",),
    "Тетяна": ("Таня",),
    "Ірина": ("Іра",),
    "Софія": ("Соня",),
    "Ярослав": ("Ярик", "Слава"),
    "Євген": ("Женя",),
    "Павло": ("Павлик",),
    "Христина": ("Христя",),
    "Анастасія": ("Настя",),
    "Василь": ("Василько",),
    "Остап": ("Остапчик",),
    # English
    "William": ("Bill", "Will"),
    "Robert": ("Bob", "Rob"),
    "Richard": ("Rick", "Dick"),
    "James": ("Jim", "Jimmy"),
    "John": ("Johnny", "Jack"),
    "Michael": ("Mike",),
    "Thomas": ("Tom",),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Joseph": ("Joe",),
    "Charles": ("Charlie", "Chuck"),
    "David": ("Dave",),
    "Steven": ("Steve",),
    "Edward": ("Ed", "Eddie"),
    "Benjamin": ("Ben",),
    "Samuel": ("Sam",),
    "Alexander": ("Alex",),
    "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon",),
    "Patrick": ("Pat",),
    "Elizabeth": ("Liz", "Beth"),
    "Jennifer": ("Jen", "Jenny"),
    "Katherine": ("Kate", "Katie"),
    "Margaret": ("Maggie", "Peggy"),
    "Rebecca": ("Becky",),
    "Susan": ("Sue",),
    "Patricia": ("Patty", "Pat"),
    "Deborah": ("Debbie",),
    "Jessica": ("Jess",),
    "Samantha": ("Sam",),
    "Victoria": ("Vicky",),
    "Christina": ("Chris",),
    "Kimberly": ("Kim",),
    "Stephanie": ("Steph",),
    "Alexandra": ("Alex",),
    "Abigail": ("Abby",),
    "Kathleen": ("Kathy",),
    "Cynthia": ("Cindy",),
    "Pamela": ("Pam",),
    "Timothy": ("Tim",),
    "Gregory": ("Greg",),
    "Jeffrey": ("Jeff",),
    "Kenneth": ("Ken",),
    "Ronald": ("Ron",),
    "Donald": ("Don",),
    "Gerald": ("Jerry",),
    "Lawrence": ("Larry",),
    "Raymond": ("Ray",),
    "Peter": ("Pete",),
    "Zachary": ("Zach",),
    "Nathan": ("Nate",),
    "Philip": ("Phil",),
    "Douglas": ("Doug",),
    "Frederick": ("Fred",),
    "Theodore": ("Ted",),
    "Jacqueline": ("Jackie",),
    "Catherine": ("Cathy",),
}

# ---------------------------------------------------------------------------------------------
# Phones: national significant numbers per locale, and the ways people write them
# ---------------------------------------------------------------------------------------------
_RU_MOBILE = [
    str(c)
    for c in (
        *range(901, 907),
        *range(908, 940),
        950,
        951,
        952,
        953,
        958,
        *range(960, 970),
        *range(977, 990),
        *range(991, 1000),
    )
]
_UA_MOBILE = ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"]
_US_AREA = [
    "201",
    "202",
    "206",
    "212",
    "213",
    "214",
    "303",
    "305",
    "312",
    "347",
    "404",
    "415",
    "503",
    "512",
    "602",
    "617",
    "646",
    "702",
    "713",
    "718",
    "773",
    "818",
    "917",
    "919",
]
_COUNTRY_CODE = {"ru_RU": "7", "uk_UA": "380", "en_US": "1"}


def _format_phone(cc: str, nsn: str, style: int) -> str:
    if cc == "7":  # 9123456789
        a, b, c, d = nsn[:3], nsn[3:6], nsn[6:8], nsn[8:]
        styles = (
            f"+7 {a} {b}-{c}-{d}",
            f"8 ({a}) {b}-{c}-{d}",
            f"8{nsn}",
            f"+7{nsn}",
            f"8-{a}-{b}-{c}-{d}",
            f"7{nsn}",
        )
    elif cc == "380":  # 501234567
        a, b, c, d = nsn[:2], nsn[2:5], nsn[5:7], nsn[7:]
        styles = (
            f"+380 {a} {b} {c}{d}",
            f"0{nsn}",
            f"+380{nsn}",
            f"(0{a}) {b}-{c}-{d}",
            f"380{nsn}",
            f"+38 (0{a}) {b}-{c}-{d}",
        )
    else:  # 2125551234
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        styles = (
            f"({a}) {b}-{c}",
            f"+1 {a} {b} {c}",
            f"{a}-{b}-{c}",
            f"{nsn}",
            f"1-{a}-{b}-{c}",
            f"+1{nsn}",
        )
    return styles[style % len(styles)]


def _random_nsn(rng: np.random.Generator, locale: np.ndarray) -> np.ndarray:
    n = len(locale)
    out = np.empty(n, dtype=object)
    tails = [f"{x:07d}" for x in rng.integers(0, 10**7, size=n).tolist()]
    ru = rng.choice(_RU_MOBILE, size=n)
    ua = rng.choice(_UA_MOBILE, size=n)
    us = rng.choice(_US_AREA, size=n)
    exch = rng.integers(200, 1000, size=n)
    exch = np.where(exch == 555, 556, exch)
    for i in range(n):
        loc = locale[i]
        if loc == "ru_RU":
            out[i] = ru[i] + tails[i]
        elif loc == "uk_UA":
            out[i] = ua[i] + tails[i]
        else:
            out[i] = us[i] + str(exch[i]) + tails[i][:4]
    return out


# ---------------------------------------------------------------------------------------------
# Name grammar: female surnames, patronymics
# ---------------------------------------------------------------------------------------------
def _female_surname(male: str, locale: str) -> str:
    if locale == "en_US":
        return male
    if locale == "uk_UA":
        for end, fem in (("ський", "ська"), ("цький", "цька"), ("зький", "зька")):
            if male.endswith(end):
                return male[: -len(end)] + fem
        if male.endswith(("ов", "ев", "єв", "ін", "їн", "ин")):
            return male + "а"
        return male
    for end, fem in (("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("цкой", "цкая")):
        if male.endswith(end):
            return male[: -len(end)] + fem
    if male.endswith(("ой", "ий", "ый")):
        return male[:-2] + "ая"
    if male.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male + "а"
    return male


_RU_PATRONYMIC_STEMS = {"Пётр": "Петр", "Павел": "Павл", "Лев": "Льв", "Михаил": "Михайл"}


def _patronymic(father: str, locale: str, female: bool) -> str | None:
    """Patronymic of a child of ``father`` (None for a name the simple rules do not cover)."""
    if locale == "ru_RU":
        if father.endswith(("а", "я", "о")):
            return None
        if father in _RU_PATRONYMIC_STEMS:
            stem, m, f = _RU_PATRONYMIC_STEMS[father], "ович", "овна"
        elif father.endswith("ий"):
            stem, m, f = father[:-2], "иевич", "иевна"
        elif father.endswith(("ей", "ай", "ой", "уй")) or father.endswith("ь"):
            stem, m, f = father[:-1], "евич", "евна"
        elif father.endswith(("ж", "ш", "ч", "щ", "ц")):
            stem, m, f = father, "евич", "евна"
        else:
            stem, m, f = father, "ович", "овна"
        return stem + (f if female else m)
    if locale == "uk_UA":
        if father.endswith(("а", "я")):
            return None
        if father.endswith("й"):
            return father + "ович" if not female else father[:-1] + "ївна"
        stem = father[:-1] if father.endswith(("о", "ь")) else father
        return stem + ("івна" if female else "ович")
    return None


# ---------------------------------------------------------------------------------------------
# Faker pools
# ---------------------------------------------------------------------------------------------
_POOL = 3000

# Faker's ru_RU / uk_UA first names are uniform over long lists of rare names (Авдей, Прокл);
# real customer bases are dominated by a few dozen names, so half of each pool comes from these.
_POPULAR = {
    ("ru_RU", "male"): [
        "Александр",
        "Алексей",
        "Андрей",
        "Владимир",
        "Дмитрий",
        "Евгений",
        "Иван",
        "Михаил",
        "Николай",
        "Павел",
        "Сергей",
        "Юрий",
        "Виктор",
        "Константин",
        "Максим",
        "Григорий",
        "Борис",
        "Владислав",
        "Вячеслав",
        "Станислав",
        "Георгий",
        "Пётр",
        "Степан",
        "Фёдор",
        "Василий",
        "Леонид",
        "Анатолий",
        "Валерий",
        "Геннадий",
        "Тимофей",
        "Артём",
        "Роман",
        "Игорь",
        "Олег",
    ],
    ("ru_RU", "female"): [
        "Александра",
        "Анастасия",
        "Анна",
        "Евгения",
        "Екатерина",
        "Елена",
        "Мария",
        "Наталья",
        "Ольга",
        "Татьяна",
        "Юлия",
        "Виктория",
        "Светлана",
        "Людмила",
        "Галина",
        "Валентина",
        "Ирина",
        "Ксения",
        "Дарья",
        "Полина",
        "Софья",
        "Любовь",
        "Надежда",
        "Лидия",
        "Валерия",
        "Марина",
        "Алина",
    ],
    ("uk_UA", "male"): [
        "Олександр",
        "Іван",
        "Андрій",
        "Дмитро",
        "Михайло",
        "Сергій",
        "Тарас",
        "Богдан",
        "Володимир",
        "Юрій",
        "Петро",
        "Ярослав",
        "Євген",
        "Павло",
        "Василь",
        "Остап",
        "Олег",
        "Роман",
        "Віталій",
        "Максим",
    ],
    ("uk_UA", "female"): [
        "Олександра",
        "Катерина",
        "Олена",
        "Марія",
        "Наталія",
        "Оксана",
        "Ганна",
        "Тетяна",
        "Ірина",
        "Софія",
        "Христина",
        "Анастасія",
        "Юлія",
        "Людмила",
    ],
}


@functools.lru_cache(maxsize=12)
def _pools(locale: str, seed: int) -> dict[str, tuple[str, ...]]:
    """Faker value pools for a locale (cached: the same arguments always give the same pools)."""
    require_package("faker", feature="synthetic data (custdata.synth)", extra="synth")
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    male = [fake.first_name_male() for _ in range(_POOL)]
    female = [fake.first_name_female() for _ in range(_POOL)]
    if locale != "en_US":
        pick = np.random.default_rng(seed)
        for names, key in ((male, "male"), (female, "female")):
            popular = _POPULAR[(locale, key)]
            idx = pick.integers(0, len(popular), size=_POOL // 2)
            names[: _POOL // 2] = [popular[j] for j in idx]
    if locale == "en_US":
        surname = [fake.last_name() for _ in range(_POOL)]
    else:
        surname = [fake.last_name_male() for _ in range(_POOL)]
    city_fn = fake.city_name if hasattr(fake, "city_name") else fake.city
    city = [city_fn() for _ in range(_POOL // 3)]
    street = [fake.street_name() for _ in range(_POOL)]
    if locale == "uk_UA":  # uk_UA street names come without the "вул." prefix
        street = [s if s.split(" ", 1)[0].endswith(".") else "вул. " + s for s in street]
    fathers = [m for m in male if locale == "en_US" or _patronymic(m, locale, False)]
    return {
        "male": tuple(male),
        "female": tuple(female),
        "surname": tuple(surname),
        "city": tuple(city),
        "street": tuple(street),
        "father": tuple(fathers),
    }


_EMAIL_DOMAINS = {
    "ru_RU": (
        [
            "mail.ru",
            "yandex.ru",
            "gmail.com",
            "bk.ru",
            "list.ru",
            "inbox.ru",
            "rambler.ru",
            "ya.ru",
        ],
        [0.3, 0.25, 0.25, 0.05, 0.05, 0.04, 0.04, 0.02],
    ),
    "uk_UA": (
        ["ukr.net", "gmail.com", "i.ua", "meta.ua", "outlook.com"],
        [0.35, 0.4, 0.1, 0.05, 0.1],
    ),
    "en_US": (
        ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com"],
        [0.45, 0.2, 0.12, 0.1, 0.05, 0.08],
    ),
}
_DOMAIN_TYPOS = {
    "gmail.com": "gmial.com",
    "mail.ru": "mial.ru",
    "yandex.ru": "yandex.ry",
    "yahoo.com": "yaho.com",
    "hotmail.com": "hotmal.com",
    "ukr.net": "ukr.nte",
    "outlook.com": "outlok.com",
}

_CYR_LOWER = "абвгдеёжзийклмнопрстуфхцчшщыэюя"
_LAT_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _typo(value: str, rng: np.random.Generator) -> str:
    if len(value) < 3:
        return value
    alphabet = _CYR_LOWER if any("а" <= ch.lower() <= "я" for ch in value) else _LAT_LOWER
    pos = int(rng.integers(1, len(value) - 1))  # never the first letter
    op = int(rng.integers(0, 4))
    letter = alphabet[int(rng.integers(0, len(alphabet)))]
    if op == 0:
        return value[:pos] + value[pos + 1 :]
    if op == 1:
        return value[:pos] + letter + value[pos:]
    if op == 2:
        return value[:pos] + letter + value[pos + 1 :]
    return value[: pos - 1] + value[pos] + value[pos - 1] + value[pos + 1 :]
