"""Legal-form stripping: custdata.normalize.organization vs cleanco on generated spellings.

For each (name, legal form, spelling) the name must come out without its form. Run:

    PYTHONPATH=src python benchmarks/eval_org_forms.py

Needs ``cleanco`` (the ``bench`` extra). Prints the share of values whose legal form was removed,
per group of forms.
"""

from __future__ import annotations

import itertools

from cleanco import basename

from custdata.normalize import parse_organization

NAMES = ["Ромашка", "Сонечко", "Лютик Плюс", "Acme", "Northwind Traders"]
GROUPS = {
    "RU": ["ООО", "АО", "ПАО", "ЗАО", "ОАО", "ИП", "Общество с ограниченной ответственностью"],
    "UA": ["ТОВ", "ПП", "ФОП", "ПАТ", "ПрАТ", "ТДВ", "Товариство з обмеженою відповідальністю"],
    "BY/KZ": ["ОДО", "УП", "ЧУП", "ТОО", "Товарищество с ограниченной ответственностью"],
    "Latin RU/UA": ["OOO", "ZAO", "OAO", "TOV", "FOP"],
    "Western": ["LLC", "Inc.", "Ltd", "GmbH", "LLP", "PLC", "S.A.", "AG", "B.V.", "Corp."],
}


def spellings(name: str, form: str) -> list[str]:
    return [f'{form} "{name}"', f"{form} «{name}»", f"{name}, {form}", f"{name} {form}"]


def main() -> None:
    print(f"{'group':<12} {'cases':>6} {'custdata':>9} {'cleanco':>8} {'cleanco, form last':>19}")
    for group, forms in GROUPS.items():
        ours = theirs = total = last = last_ok = 0
        for name, form in itertools.product(NAMES, forms):
            for text in spellings(name, form):
                total += 1
                ours += parse_organization(text).normalized == name
                hit = basename(text.replace("«", "").replace("»", "").replace('"', "")) == name
                theirs += hit
                if text.endswith(form):
                    last += 1
                    last_ok += hit
        print(
            f"{group:<12} {total:>6} {ours / total:>9.1%} {theirs / total:>8.1%}"
            f" {last_ok / last:>19.1%}"
        )


if __name__ == "__main__":
    main()
