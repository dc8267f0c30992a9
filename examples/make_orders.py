"""Generate examples/orders.csv deterministically (run: python examples/make_orders.py).

About 3000 orders of about 300 customers over two years (2024-2025), whose ids are taken from
the bundled samples (crm_export.csv ``Код клиента``, shop_customers.xlsx ``customer_id``), so
segments can be joined back to the customer tables. The file is realistically messy on
purpose: returns (negative amounts), a few zero amounts, a few missing dates, some dates in
``dd.mm.yyyy`` / ``dd/mm/yyyy`` instead of ISO, a few decimal commas, and currencies RUB
(most), UAH and USD.

Each customer buys as in the BG/NBD story: a personal purchase rate, and after each purchase a
personal chance to drop out for good, so lifetime value models have something real to find.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = dt.date(2024, 1, 1)
END = dt.date(2025, 12, 31)
SEED = 20240101


def customer_ids() -> list[str]:
    """Ids from the bundled samples; the documented formats when the samples are missing."""
    ids: list[str] = []
    crm = HERE / "crm_export.csv"
    if crm.exists():
        with crm.open(encoding="cp1251", newline="") as fh:
            ids += [row["Код клиента"] for row in csv.DictReader(fh, delimiter=";")]
    else:
        ids += [f"CRM-{i:05d}" for i in range(1, 452)]
    shop = HERE / "shop_customers.xlsx"
    try:
        import polars as pl

        ids += pl.read_excel(shop)["customer_id"].cast(pl.String).to_list()
    except Exception:  # noqa: BLE001 - no sample or no Excel reader: use the id format
        ids += [f"SHOP-{i:04d}" for i in range(1, 267)]
    return sorted({i.strip() for i in ids if i and i.strip()})


def make_rows(rnd: random.Random) -> list[dict[str, str]]:
    ids = customer_ids()
    crm = [i for i in ids if i.startswith("CRM")]
    shop = [i for i in ids if not i.startswith("CRM")]
    chosen = rnd.sample(crm, min(200, len(crm))) + rnd.sample(shop, min(100, len(shop)))
    span = (END - START).days
    rows = []
    for cust in sorted(chosen):
        first = START + dt.timedelta(days=int(rnd.random() ** 1.3 * span))
        rate = rnd.gammavariate(1.2, 1 / 15)  # purchases per day
        dropout = rnd.betavariate(1.0, 6.0)
        basket = rnd.lognormvariate(7.6, 0.6)  # typical order value in roubles
        currency = "RUB" if rnd.random() < 0.9 else rnd.choice(["UAH", "UAH", "USD"])
        factor = {"RUB": 1.0, "UAH": 0.45, "USD": 0.011}[currency]
        day = first
        while day <= END:
            amount = round(basket * rnd.lognormvariate(0, 0.35) * factor, 2)
            rows.append({"customer_id": cust, "date": day, "amount": amount, "currency": currency})
            if rnd.random() < 0.04:  # a return of this order, a few days later
                back = day + dt.timedelta(days=rnd.randint(1, 14))
                if back <= END:
                    part = round(-amount * rnd.choice([1.0, 0.5]), 2)
                    rows.append({"customer_id": cust, "date": back, "amount": part, "currency": currency})
            if rnd.random() < dropout:
                break
            day += dt.timedelta(days=max(1, int(rnd.expovariate(rate))))
    rows.sort(key=lambda r: (r["date"], r["customer_id"]))
    out = []
    for n, row in enumerate(rows, start=1):
        date: dt.date = row["date"]
        text = date.isoformat()
        roll = rnd.random()
        if roll < 0.03:
            text = date.strftime("%d.%m.%Y")
        elif roll < 0.04:
            text = date.strftime("%d/%m/%Y")
        elif roll < 0.05:
            text = date.isoformat() + f" {rnd.randint(8, 21):02d}:{rnd.randint(0, 59):02d}:00"
        amount = f"{row['amount']:.2f}"
        roll = rnd.random()
        if roll < 0.003:
            text = ""  # missing date
        elif roll < 0.007:
            amount = "0.00"  # free order (gift, promo)
        elif roll < 0.015:
            amount = amount.replace(".", ",")  # decimal comma from a spreadsheet
        out.append(
            {
                "order_id": f"ORD-{n:06d}",
                "customer_id": row["customer_id"],
                "order_date": text,
                "amount": amount,
                "currency": row["currency"],
            }
        )
    return out


def main() -> None:
    rows = make_rows(random.Random(SEED))
    with (HERE / "orders.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["order_id", "customer_id", "order_date", "amount", "currency"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} orders of {len({r['customer_id'] for r in rows})} customers to examples/orders.csv")


if __name__ == "__main__":
    main()
