"""Legal forms of organizations: short spellings and spelled-out forms, by canonical form.

RU/UA/BY/KZ forms in Cyrillic and Latin, and Western forms (see docs/normalize/organizations.md
for why this table and not ``cleanco``). Data only; the logic is in
:mod:`custdata.normalize.organization`.
"""

from __future__ import annotations

import re

#: Canonical legal form -> short spellings (lower case, no dots), Cyrillic and Latin.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    # Russia
    "ООО": ("ооо", "ooo"),
    "АО": ("ао", "ao"),
    "ПАО": ("пао", "pao"),
    "ЗАО": ("зао", "zao", "3ао"),
    "ОАО": ("оао", "oao"),
    "НАО": ("нао",),
    "ИП": ("ип",),
    "ГУП": ("гуп",),
    "МУП": ("муп",),
    "ФГУП": ("фгуп",),
    "АНО": ("ано",),
    "НКО": ("нко",),
    # Ukraine
    "ТОВ": ("тов", "tov"),
    "ПП": ("пп",),
    "ФОП": ("фоп", "fop"),
    "ПАТ": ("пат",),
    "ПрАТ": ("прат",),
    "АТ": ("ат",),
    "ТДВ": ("тдв", "tdv"),
    "ВАТ": ("ват",),
    "ЗАТ": ("зат",),
    "ДП": ("дп",),
    "КП": ("кп",),
    # Belarus
    "ОДО": ("одо",),
    "УП": ("уп",),
    "ЧУП": ("чуп",),
    "ЧП": ("чп",),
    "СООО": ("сооо",),
    "ИООО": ("иооо",),
    # Kazakhstan
    "ТОО": ("тоо",),
    # Western
    "LLC": ("llc",),
    "INC": ("inc", "incorporated"),
    "CORP": ("corp", "corporation"),
    "LTD": ("ltd", "limited"),
    "PTY": ("pty",),
    "PLC": ("plc",),
    "LLP": ("llp",),
    "LP": ("lp",),
    "PLLC": ("pllc",),
    "PC": ("pc",),
    "CO": ("co", "company"),
    "GMBH": ("gmbh", "ggmbh"),
    "AG": ("ag", "aktiengesellschaft"),
    "KG": ("kg",),
    "UG": ("ug",),
    "SE": ("se",),
    "SA": ("sa",),
    "SAS": ("sas",),
    "SARL": ("sarl",),
    "SRL": ("srl",),
    "BV": ("bv",),
    "NV": ("nv",),
    "OY": ("oy", "oyj"),
    "AB": ("ab",),
    "ASA": ("asa",),
    "APS": ("aps",),
    "KGAA": ("kgaa",),
    "SPA": ("spa",),
    "SCA": ("sca",),
    "SL": ("sl",),
    "SP ZOO": ("spzoo", "sp zoo"),
    "SRO": ("sro",),
}

#: Spelled-out forms (regular expressions over the lower-cased text) -> canonical form.
_LONG_FORMS: tuple[tuple[str, str], ...] = (
    (r"общество с ограниченной ответственностью", "ООО"),
    (r"общество с дополнительной ответственностью", "ОДО"),
    (r"товарищество с ограниченной ответственностью", "ТОО"),
    (r"публичное акционерное общество", "ПАО"),
    (r"непубличное акционерное общество", "НАО"),
    (r"закрытое акционерное общество", "ЗАО"),
    (r"открытое акционерное общество", "ОАО"),
    (r"акционерное общество", "АО"),
    (r"индивидуальный предприниматель", "ИП"),
    (r"федеральное государственное унитарное предприятие", "ФГУП"),
    (r"государственное унитарное предприятие", "ГУП"),
    (r"муниципальное унитарное предприятие", "МУП"),
    (r"частное унитарное предприятие", "ЧУП"),
    (r"унитарное предприятие", "УП"),
    (r"частное предприятие", "ЧП"),
    (r"автономная некоммерческая организация", "АНО"),
    (r"товариство з обмеженою відповідальністю", "ТОВ"),
    (r"товариство з додатковою відповідальністю", "ТДВ"),
    (r"публічне акціонерне товариство", "ПАТ"),
    (r"приватне акціонерне товариство", "ПрАТ"),
    (r"відкрите акціонерне товариство", "ВАТ"),
    (r"закрите акціонерне товариство", "ЗАТ"),
    (r"акціонерне товариство", "АТ"),
    (r"приватне підприємство", "ПП"),
    (r"державне підприємство", "ДП"),
    (r"комунальне підприємство", "КП"),
    (r"фізична особа\s*[- ]?\s*підприємець", "ФОП"),
    (r"limited liability company", "LLC"),
    (r"limited liability partnership", "LLP"),
    (r"limited partnership", "LP"),
    (r"public limited company", "PLC"),
    (r"professional corporation", "PC"),
    (r"gesellschaft mit beschr(?:ä|ae|a)nkter haftung", "GMBH"),
    (r"soci[ée]t[ée] anonyme", "SA"),
    (r"sociedad an[óo]nima", "SA"),
    (r"besloten vennootschap", "BV"),
    (r"naamloze vennootschap", "NV"),
    (r"spółka z ograniczoną odpowiedzialnością", "SP ZOO"),
    (r"kommanditgesellschaft auf aktien", "KGAA"),
    (r"societas europaea", "SE"),
    (r"soci[ée]t[ée] europ[ée]enne", "SE"),
    (r"soci[ée]t[àa] per azioni", "SPA"),
    (r"soci[ée]t[ée] par actions simplifi[ée]e", "SAS"),
    (r"aktiebolag(?:et)?", "AB"),
    (r"allmennaksjeselskap", "ASA"),
    (r"osakeyhti[öo]", "OY"),
)
_LONG_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<f{i}>{p})" for i, (p, _) in enumerate(_LONG_FORMS)) + r")(?!\w)"
)
