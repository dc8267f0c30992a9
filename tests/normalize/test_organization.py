"""Tests of custdata.normalize.organization."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custdata.errors import ColumnNotFound, InvalidOption
from custdata.normalize import (
    legal_form,
    organization,
    organization_key,
    organization_similarity,
    organizations,
    parse_organization,
)
from custdata.normalize._translit import translit_text
from custdata.normalize.organization import LEGAL_FORMS, ORGANIZATION_STATUSES

# canonical form -> (short spelling as people type it, spelled-out form or None, Latin short form)
_FORMS = {
    "ООО": ("ООО", "Общество с ограниченной ответственностью", "OOO"),
    "АО": ("АО", "Акционерное общество", "AO"),
    "ПАО": ("ПАО", "Публичное акционерное общество", "PAO"),
    "ЗАО": ("ЗАО", "Закрытое акционерное общество", "ZAO"),
    "ОАО": ("ОАО", "Открытое акционерное общество", "OAO"),
    "ИП": ("ИП", "Индивидуальный предприниматель", None),
    "ТОВ": ("ТОВ", "Товариство з обмеженою відповідальністю", "TOV"),
    "ПП": ("ПП", "Приватне підприємство", None),
    "ФОП": ("ФОП", "Фізична особа-підприємець", "FOP"),
    "ПАТ": ("ПАТ", "Публічне акціонерне товариство", None),
    "ПрАТ": ("ПрАТ", "Приватне акціонерне товариство", None),
    "ТДВ": ("ТДВ", "Товариство з додатковою відповідальністю", "TDV"),
    "ЧП": ("ЧП", "Частное предприятие", None),
    "УП": ("УП", "Унитарное предприятие", None),
    "ОДО": ("ОДО", "Общество с дополнительной ответственностью", None),
    "ТОО": ("ТОО", "Товарищество с ограниченной ответственностью", None),
    "LLC": ("LLC", "Limited Liability Company", "L.L.C."),
    "INC": ("Inc.", "Incorporated", "INC"),
    "LTD": ("Ltd", "Limited", "Ltd."),
    "GMBH": ("GmbH", "Gesellschaft mit beschränkter Haftung", "G.m.b.H."),
    "LLP": ("LLP", "Limited Liability Partnership", None),
    "PLC": ("PLC", "Public Limited Company", None),
    "SA": ("S.A.", "Société Anonyme", "SA"),
    "AG": ("AG", "Aktiengesellschaft", None),
    "BV": ("B.V.", "Besloten Vennootschap", "BV"),
    "CORP": ("Corp.", "Corporation", None),
}
_NAMES = ["Ромашка", "Сонечко", "Лютик Плюс", "Київстар", "Acme", "Northwind Traders", "Берёза"]
_QUOTES = [('"', '"'), ("«", "»"), ("„", "“"), ("“", "”"), ("'", "'"), ("", "")]


def _spellings(name: str, form: str) -> list[str]:
    short, long, latin = _FORMS[form]
    out = []
    # these forms are only read where they are legal forms (ДП/АТ/КП at the start, Co at the end)
    for (lq, rq), f in itertools.product(_QUOTES, [short, short.upper(), long, latin]):
        if f is None:
            continue
        quoted = f"{lq}{name}{rq}"
        out += [f"{quoted}, {f}", f"{quoted} {f}", f"{quoted.upper()} {f.upper()}"]
        if f.lower() not in ("corporation", "limited"):  # words, not forms, at the start
            out += [f"{f} {quoted}", f"  {f}   {quoted} ", f"{f.upper()} {quoted.upper()}"]
    out.append(f"{latin or short} {translit_text(name)}")
    return out


@pytest.mark.parametrize("form", sorted(_FORMS))
def test_every_spelling_gives_one_key_and_form(form: str) -> None:
    for name in _NAMES:
        expected = parse_organization(name).key
        assert expected is not None
        for text in _spellings(name, form):
            result = parse_organization(text)
            assert (result.key, result.legal_form, result.status) == (expected, form, "ok"), text


def test_issue_example() -> None:
    values = [
        'ООО "Ромашка"',
        "Ромашка, ООО",
        "OOO Romashka",
        "Общество с ограниченной ответственностью «Ромашка»",
        "000 «РОМАШКА»",
        "О.О.О. Ромашка",
    ]
    results = {parse_organization(v) for v in values}
    assert {(r.key, r.legal_form) for r in results} == {("romashka", "ООО")}


@pytest.mark.parametrize(
    ("raw", "normalized", "form", "status"),
    [
        ("Acme Co., Ltd.", "Acme", "CO LTD", "ok"),
        ("Siemens Aktiengesellschaft", "Siemens", "AG", "ok"),
        ("ИП Иванов Иван Иванович", "Иванов Иван Иванович", "ИП", "ok"),
        ("Иванов И.И., ИП", "Иванов ИИ", "ИП", "ok"),
        ("Фізична особа - підприємець Шевченко Т.Г.", "Шевченко ТГ", "ФОП", "ok"),
        ("Johnson & Johnson", "Johnson & Johnson", None, "ok"),
        ("Barnes & Co", "Barnes", "CO", "ok"),
        ("Company Store", "Company Store", None, "ok"),  # "company" at the start is a word
        ("Сервис АТ", "Сервис АТ", None, "ok"),  # АТ at the end is not read as a form
        ("Центр детского творчества", "Центр детского творчества", None, "ok"),
        ("ООО", None, "ООО", "no_name"),
        ("Общество с ограниченной ответственностью", None, "ООО", "no_name"),
        ("LLC Inc", None, "LLC INC", "no_name"),
        ("нет", None, None, "junk"),
        ("«»", None, None, "junk"),
        ("", None, None, "empty"),
        ("   ", None, None, "empty"),
        (None, None, None, "empty"),
    ],
)
def test_values(raw: str | None, normalized: str | None, form: str | None, status: str) -> None:
    result = parse_organization(raw)
    assert (result.normalized, result.legal_form, result.status) == (normalized, form, status)
    assert (result.key is None) == (result.normalized is None)


def test_number_signs_and_order() -> None:
    keys = {parse_organization(v).key for v in ["Школа №5", "Школа № 5", "Школа N5", "школа 5"]}
    assert len(keys) == 1
    assert parse_organization("Школа №5").key != parse_organization("Школа №7").key
    assert parse_organization("Плюс Ромашка").key == parse_organization("Ромашка Плюс").key


def test_similarity() -> None:
    assert organization_similarity("ООО Ромашка", "Romashka LLC") == 1.0
    same = organization_similarity("Northwind Traders Inc", "Northwind Traders")
    near = organization_similarity("Northwind Traders", "Northwnd Traders")
    other = organization_similarity("Northwind Traders", "Contoso Pharmaceuticals")
    assert same == 1.0 and near is not None and other is not None
    assert 0.85 < near < 1.0 and other < 0.5
    assert organization_similarity("ООО", "Ромашка") is None
    assert organization_similarity(None, "Ромашка") is None


def test_frame_expression_and_lazy() -> None:
    frame = pl.DataFrame({"id": [1, 2, 3], "org": ['ТОВ "Сонечко"', "Sonechko LLC", None]})
    out = organizations(frame, "org")
    assert out.columns == [
        "id",
        "org",
        "org_normalized",
        "org_legal_form",
        "org_branch",
        "org_key",
        "org_status",
    ]
    assert out["org_key"].to_list() == ["sonechko", "sonechko", None]
    assert out["org_status"].to_list() == ["ok", "ok", "empty"]
    lazy = organizations(frame.lazy(), ["org"], in_place=True)
    assert isinstance(lazy, pl.LazyFrame)
    got = lazy.collect()
    assert got["org"].to_list() == ["Сонечко", "Sonechko", None]
    assert "org_normalized" not in got.columns
    exprs = frame.select(
        organization("org"), legal_form("org").alias("f"), organization_key("org").alias("k")
    )
    assert exprs.rows() == [
        ("Сонечко", "ТОВ", "sonechko"),
        ("Sonechko", "LLC", "sonechko"),
        (None, None, None),
    ]


def test_many_rows_map_back_by_distinct_value() -> None:
    values = ['ООО "Ромашка"', "ТОВ Сонечко", None, "Acme Inc"] * 50
    out = organizations(pl.DataFrame({"o": values}), "o")
    assert out["o_normalized"].to_list() == [parse_organization(v).normalized for v in values]


def test_errors() -> None:
    frame = pl.DataFrame({"org": ["ООО Ромашка"]})
    with pytest.raises(ColumnNotFound):
        organizations(frame, "company")
    with pytest.raises(InvalidOption):
        organizations(frame, "org", in_place="yes")  # type: ignore[arg-type]


def test_integer_column() -> None:
    out = organizations(pl.DataFrame({"o": [1, None]}), "o")
    assert out["o_status"].to_list() == ["ok", "empty"]


_form_words = [s for spellings in LEGAL_FORMS.values() for s in spellings]
_org_text = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.lists(
        st.one_of(
            st.sampled_from(_form_words + ["«", "»", '"', ",", "&", "№5"]), st.text(max_size=8)
        ),
        max_size=6,
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(_org_text)
def test_properties_scalar(value: str | None) -> None:
    result = parse_organization(value)
    assert result.status in ORGANIZATION_STATUSES
    assert (result.key is None) == (result.normalized is None)
    assert (result.status == "ok") == (result.normalized is not None)
    if result.normalized is not None:
        again = parse_organization(result.normalized)
        # idempotent: the clean name is its own clean name, and keeps the key
        assert again.normalized == result.normalized
        assert again.key == result.key
        assert again.legal_form is None


@settings(max_examples=50, deadline=None)
@given(st.lists(_org_text, max_size=15))
def test_properties_frame(values: list[str | None]) -> None:
    frame = pl.DataFrame(
        {"id": range(len(values)), "o": values}, schema={"id": pl.Int64, "o": pl.String}
    )
    out = organizations(frame, "o")
    assert out.height == frame.height and out["id"].to_list() == list(range(len(values)))
    assert out["o_key"].to_list() == [parse_organization(v).key for v in values]
    reversed_out = organizations(frame.reverse(), "o").reverse()
    assert reversed_out.equals(out)


# --- issue 10 follow-up: branch descriptors, Ukrainian letters, European legal forms ---------

_BRANCH_TEXTS = [
    "филиал {c}",
    "Филиал в г. {c}",
    "отделение {c}",
    "філія {c}",
    "{c} branch",
    "branch {c}",
    "{c} office",
    "store №12",
    "Store #7",
]
_BRANCH_NAMES = ["Ромашка", "Вектор Плюс", "Northwind Traders", "Мрія"]
_BRANCH_FORMS = ["ООО", "ТОВ", "LLC", "AG"]


@pytest.mark.parametrize(
    ("name", "form", "branch"),
    list(itertools.product(_BRANCH_NAMES, _BRANCH_FORMS, _BRANCH_TEXTS)),
)
def test_branch_descriptor_is_split_off(name: str, form: str, branch: str) -> None:
    expected = parse_organization(f"{form} {name}")
    desc = branch.format(c="Казань")
    for text in (f"{name}, {form} ({desc})", f"{form} {name} - {desc}", f"{form} «{name}», {desc}"):
        result = parse_organization(text)
        assert (result.key, result.legal_form) == (expected.key, expected.legal_form), text
        assert result.branch is not None, text
        assert result.branch.split()[0].lower() in desc.lower(), text


def test_branch_word_alone_is_the_name() -> None:
    for text in ["Магазин №5", "Company Store", "Head Office", "(филиал)"]:
        result = parse_organization(text)
        assert result.branch is None and result.key is not None, text


_UA = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ'"


@given(st.text(alphabet=_UA + _UA.upper(), min_size=1, max_size=12))
@example("''Є")  # a run of apostrophes inside a word is still one word
@example("зГ")  # a mixed-case зг pair is still transliterated as one unit
def test_ukrainian_letters_fold_like_the_transliteration(word: str) -> None:
    # the key of a Cyrillic word equals the key of its KMU transliteration: nothing dropped
    word = "ґ" + word  # a Ukrainian letter: the text is read as Ukrainian (KMU 2010)
    latin = translit_text(word.replace("ʼ", "").replace("'", ""), system="kmu")
    assert parse_organization(word).key == parse_organization(latin).key


def test_ukrainian_examples() -> None:
    assert parse_organization("ТОВ МРІЯ").key == parse_organization("Mriia LLC").key == "mria"
    assert parse_organization("Сім'я").key == parse_organization("Simia").key
    assert parse_organization("Об’єднання").key == parse_organization("Obiednannia").key


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("Siemens AG", "AG"),
        ("Allianz SE", "SE"),
        ("Sanofi S.A.", "SA"),
        ("ASML Holding N.V.", "NV"),
        ("ASML Holding NV", "NV"),
        ("Unilever PLC", "PLC"),
        ("Eni S.p.A.", "SPA"),
        ("Danone S.A.S.", "SAS"),
        ("Nokia Oyj", "OY"),
        ("Kone Oy", "OY"),
        ("Volvo AB", "AB"),
        ("Equinor ASA", "ASA"),
        ("Merck KGaA", "KGAA"),
        ("Fresenius SE & Co. KGaA", "SE CO KGAA"),
        ("Henkel AG & Co. KGaA", "AG CO KGAA"),
        ("Anheuser-Busch InBev SA/NV", "SA NV"),
    ],
)
def test_european_legal_forms(raw: str, form: str) -> None:
    result = parse_organization(raw)
    bare = raw.split(" ")[0]
    assert result.legal_form == form
    assert result.key == parse_organization(bare).key or " " in result.normalized


def test_spa_is_a_form_only_where_written_as_one() -> None:
    assert parse_organization("Serenity Spa").legal_form is None
    assert parse_organization("Eni SpA").legal_form == "SPA"


# --- the location written into the name (registries, STOXX-style exports) --------------------

_PLACE_NAMES = ["Adidas", "Banco Santander", "Northwind Traders", "Bayerische Motoren Werke"]
_PLACE_FORMS = ["AG", "SE", "S.A.", "S A", "N.V.", "n v", "plc", "GmbH", "Inc.", "Ltd", "SA NV"]
_PLACES = [
    "Adi-Dassler-Strasse 1 91074 Herzogenaurach",
    "28660 Madrid Spain",
    "Leiden Netherlands",
    "12 Main St, Boston MA",
    "Petuelring 130 München",
]


@pytest.mark.parametrize(
    ("name", "form", "place"), list(itertools.product(_PLACE_NAMES, _PLACE_FORMS, _PLACES))
)
def test_location_after_the_legal_form_is_not_the_name(name: str, form: str, place: str) -> None:
    expected = parse_organization(f"{name} {form}")
    for text in (f"{name} {form} {place}", f"{name} {form}, {place}", f"{name}  {form}  {place}"):
        result = parse_organization(text)
        assert (result.key, result.legal_form) == (expected.key, expected.legal_form), text
        assert result.branch is not None and place.split()[-1] in result.branch, text


@pytest.mark.parametrize(
    ("text", "key", "place"),
    [
        ('ООО "Ромашка", г. Москва, ул. Ленина 5', "romashka", "г. Москва, ул. Ленина 5"),
        ("ТОВ Сонечко, м. Київ, вул. Шевченка 1", "sonechko", "м. Київ, вул. Шевченка 1"),
        ("Acme, 12 Main St", "acme", "12 Main St"),
        ("Ромашка, с любовью", "lubovu romashka s", None),  # a preposition, not a village
        ("XYZ GmbH & Co. KG", "ksiz", None),  # nothing but forms after the first one
        ("Broadcasting Corporation of America", "america broadcasting corporaten", None),
        ("A B Foods", "b fods", None),  # letters at the start are a name, not a form
    ],
)
def test_location_tail_examples(text: str, key: str, place: str | None) -> None:
    result = parse_organization(text)
    assert (result.key, result.branch) == (key, place)


@given(
    st.lists(st.sampled_from(["Alpha", "Beta", "Nord", "Werke", "Trading", "Group"]),
             min_size=1, max_size=3),
    st.sampled_from(["AG", "GmbH", "plc", "SA", "NV", "LLC", "Inc"]),
    st.lists(st.one_of(st.sampled_from(["Strasse", "Main", "St", "Paris", "Leuven"]),
                       st.integers(1, 99999).map(str)), min_size=1, max_size=5),
)
def test_any_location_after_a_form_leaves_the_key_alone(
    name: list[str], form: str, place: list[str]
) -> None:
    plain = parse_organization(f"{' '.join(name)} {form}")
    placed = parse_organization(f"{' '.join(name)} {form} {' '.join(place)}")
    assert placed.key == plain.key and placed.legal_form == plain.legal_form
    # reading the clean name again gives the same name (idempotent)
    assert parse_organization(placed.normalized).key == placed.key
