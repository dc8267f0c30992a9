"""Reading an address into parts: tokens, postcode, markers, the word-by-word state machine.

The parts are composed back into a standard text and keys by :mod:`custdata.normalize.address`
(see its docstring for the rules); the tables are in :mod:`custdata.normalize._address_tables`.
"""

from __future__ import annotations

import re

from custdata.normalize._address_tables import (
    _BEFORE_NUMBER,
    _DIRECTIONS,
    _MARKERS,
    _UNIT_WORDS,
    _US_STATES,
)

# German street names with the type glued on: Bahnhofstr., Hauptstraße, Gartenstrasse
_GLUED_STREET_RE = re.compile(r"^([^\W\d_](?:[^\W\d_]|-){2,}?)-?(straße|strasse|str)$", re.I)
# markers that may follow the name (``Ленина ул.``, ``Main St``)
_CYRILLIC_RE = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_UKRAINIAN_RE = re.compile(r"[іїєґ]", re.IGNORECASE)
_TOKEN_RE = re.compile(
    r"\d+(?:st|nd|rd|th|-?(?:я|й|ая|ый|ий|го|е|а))(?![^\W\d_])"  # ordinals: 5th, 1-я, 2-й
    r"|\d+(?:\s*[/\-]\s*\d+)?[^\W\d_]?(?![^\W\d_])|[^\W\d_]+(?:-[^\W\d_]+)*|[,;#\n]",
    re.IGNORECASE,
)
# a house or flat number (12, 12а, 12/3, 5-10); an ordinal (5th, 1-я) is a word of a name
_NUMBER_RE = re.compile(r"^\d+(?:\s*[/\-]\s*\d+)?[^\W\d_]?$")
_UK_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$", re.IGNORECASE)
_UK_POSTCODE_SEARCH = re.compile(
    r"(?<![A-Z\d])([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})(?![A-Z\d])", re.IGNORECASE
)
_ZIP_SEARCH = re.compile(r"(?<![\d\-])(\d{5})(?:\s*-\s*(\d{4}))?(?![\d\-])")


def _segments(text: str) -> list[list[str]]:
    segs: list[list[str]] = [[]]
    for tok in _TOKEN_RE.findall(text):
        if tok in ",;\n":
            if segs[-1]:
                segs.append([])
        else:
            segs[-1].append(tok.replace(" ", ""))
    return [s for s in segs if s]


def _take_postcode(text: str, cyrillic: bool) -> tuple[str, str | None, bool]:
    """(text without the postcode, postcode or None, a bad postcode was there)."""
    parts = [p.strip() for p in re.split(r"[,;\n]", text)]
    ends = [i for i in (0, len(parts) - 1) if parts and parts[i]]
    if cyrillic:
        for i, part in enumerate(parts):
            if re.fullmatch(r"\d{5,6}", part) and 0 < i < len(parts) - 1:
                prev = parts[i - 1].lower()
                if not re.search(r"(?:^|\s)(кв|оф|д|буд|дом)\.?\s*$", prev):
                    return ", ".join(p for j, p in enumerate(parts) if j != i and p), part, False
        for i in ends:
            m = re.match(r"^(\d{4,7})(?:\s|$)", parts[i]) if i == 0 else None
            m = m or re.search(r"(?:^|\s)(\d{4,7})$", parts[i])
            if m is None:
                continue
            code = m.group(1)
            rest = (parts[i][: m.start(1)] + parts[i][m.end(1) :]).strip()
            if rest and not _CYRILLIC_RE.search(rest) and i != 0:
                continue
            # a lone number at the end after a house/flat marker is not a postcode
            before = parts[i][: m.start(1)].strip().lower().rstrip(".")
            if before.split()[-1:] and _MARKERS.get(before.split()[-1], ("",))[0] in (
                "house",
                "flat",
                "building",
            ):
                continue
            if i != 0 and len(code) < 5 and not rest:
                continue
            if i == len(parts) - 1 and i != 0 and not rest and len(code) == 5 and len(parts) > 1:
                prev = parts[i - 1].lower()
                if re.search(r"(?:^|\s)(кв|оф|д|буд|дом)\.?\s*\d*$", prev):
                    continue
            parts[i] = rest
            if len(code) in (5, 6):
                return ", ".join(p for p in parts if p), code, False
            return ", ".join(p for p in parts if p), None, True
        return text, None, False
    m = _UK_POSTCODE_SEARCH.search(text)
    if m and (m.end() >= len(text.rstrip(" ,.;")) - 1):
        code = f"{m.group(1).upper()} {m.group(2).upper()}"
        return text[: m.start()] + text[m.end() :], code, False
    zips = list(_ZIP_SEARCH.finditer(text))
    if zips:
        m = zips[-1]
        if len(text[m.end() :].strip(" ,.;")) <= 30 and m.start() > 0:
            code = m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
            return text[: m.start()] + " " + text[m.end() :], code, False
    return text, None, False


def _marker(tok: str, nxt: str | None) -> tuple[str, str, str] | None:
    low = tok.lower().rstrip(".")
    found = _MARKERS.get(low)
    if found is None:
        return None
    if low == "st":  # "Main St", "Main St Apt 4"; not "St John's Road"
        if nxt is None or _NUMBER_RE.match(nxt) or _marker(nxt, None) or nxt.lower() in _DIRECTIONS:
            return found
        return None
    if low in _BEFORE_NUMBER and not (nxt is not None and _NUMBER_RE.match(nxt)):
        return None
    return found


class _State:
    def __init__(self) -> None:
        self.parts: dict[str, list[str]] = {
            k: [] for k in ("city", "region", "street", "house", "building", "flat")
        }
        self.street_type: str | None = None
        self.street_lang: str | None = None
        self.loose: list[list[str]] = []
        self.langs: set[str] = set()
        self.unit_word: tuple[str, str] | None = None
        self.post_dir: str | None = None

    def put(self, part: str, tokens: list[str]) -> None:
        if tokens and not self.parts[part]:
            self.parts[part] = list(tokens)


def _unglue(seg: list[str]) -> list[str]:
    """``Bahnhofstr`` / ``Bahnhofstraße`` / ``Bahnhofstrasse`` -> ``Bahnhof`` + the type word."""
    out: list[str] = []
    for tok in seg:
        m = _GLUED_STREET_RE.match(tok)
        out += [m.group(1), m.group(2)] if m else [tok]
    return out


def _read_segment(seg: list[str], st: _State, cyrillic: bool) -> None:
    if not cyrillic:
        seg = _unglue(seg)
    current: str | None = None
    pending: list[str] = []
    i = 0
    while i < len(seg):
        tok = seg[i]
        nxt = seg[i + 1] if i + 1 < len(seg) else None
        if tok == "#":
            if pending:
                st.loose.append(pending)
                pending = []
            current = "flat"
            i += 1
            continue
        m = _marker(tok, nxt)
        # "12 W Main St Springfield": after a house number and a name, a street type ends the
        # street even when the city follows without a comma
        western_end = not cyrillic and len(pending) >= 2 and bool(_NUMBER_RE.match(pending[0]))
        if m is None and western_end and tok.lower().rstrip(".") == "st":
            m = _MARKERS["st"]
        if m is not None and m[0] == "street" and st.parts["street"] and current != "street":
            m = None  # a second street type word is part of a name ("Street Lane")
        if m is not None:
            part, code, lang = m
            st.langs.add(lang)
            if part == "flat":
                st.unit_word = _UNIT_WORDS.get(tok.lower().rstrip("."), st.unit_word)
            after_name = pending and (
                western_end
                or nxt is None
                or _NUMBER_RE.match(nxt)
                or _marker(nxt, None)
                or (not cyrillic and nxt.lower() in _DIRECTIONS)
            )
            if part == "street" and after_name and not st.parts["street"]:
                name = pending
                if not cyrillic and _NUMBER_RE.match(name[0]) and len(name) > 1:
                    st.put("house", [name[0]])
                    name = name[1:]
                st.put("street", name)
                st.street_type, st.street_lang = code, lang
                pending, current = [], "after_street"
            elif part == "city" and pending and nxt is None and cyrillic:
                st.put("city", pending)  # "Москва город"
                pending, current = [], None
            elif part == "region":
                if pending and nxt is None:  # "Московская обл."
                    st.put("region", [*pending, tok])
                    pending, current = [], None
                else:
                    if pending:
                        st.loose.append(pending)
                        pending = []
                    st.parts["region"] = [tok] if not st.parts["region"] else st.parts["region"]
                    current = "region"
            else:
                if pending:
                    st.loose.append(pending)
                    pending = []
                current = part
                if part == "street":
                    st.street_type, st.street_lang = code, lang
            i += 1
            continue
        is_num = bool(_NUMBER_RE.match(tok))
        if current in ("house", "building", "flat"):
            if not st.parts[current]:
                st.parts[current] = [tok]
                current = "after_street" if st.parts["street"] else None
            else:
                pending.append(tok)
        elif current == "street":
            # "переулок Тверская 70 к3": the number is the house when a house/building/flat
            # marker (read with its own next token) follows it
            nxt2 = seg[i + 2] if i + 2 < len(seg) else None
            nxt_is_word = (
                nxt is not None and not _NUMBER_RE.match(nxt) and _marker(nxt, nxt2) is None
            )
            if is_num and st.parts["street"] and not nxt_is_word:
                current = "after_street"
                continue
            st.parts["street"].append(tok)
        elif current in ("city", "region"):
            if is_num and st.parts[current]:
                pending.append(tok)
                current = None
            else:
                st.parts[current].append(tok)
        elif current == "after_street" and is_num:
            _number_after_street(tok, st, cyrillic)
        elif current == "after_street" and not cyrillic and tok.lower() in _DIRECTIONS:
            st.post_dir = _DIRECTIONS[tok.lower()]  # "Pennsylvania Ave NW"
        else:
            pending.append(tok)
        i += 1
    if pending:
        st.loose.append(pending)


def _number_after_street(tok: str, st: _State, cyrillic: bool) -> None:
    if not st.parts["house"]:
        m = re.match(r"^(\d+[^\W\d_]?)-(\d+)$", tok)
        if cyrillic and m and not st.parts["flat"]:
            st.parts["house"], st.parts["flat"] = [m.group(1)], [m.group(2)]
        else:
            st.parts["house"] = [tok]
    elif not st.parts["flat"]:
        st.parts["flat"] = [tok]


def _resolve_loose(st: _State, cyrillic: bool) -> None:
    loose = st.loose
    st.loose = []
    for idx, tokens in enumerate(loose):
        words = [t for t in tokens if not _NUMBER_RE.match(t)]
        if not words:
            for t in tokens:
                _number_after_street(t, st, cyrillic)
            continue
        if not cyrillic and len(tokens) == 1 and tokens[0].lower() in _US_STATES:
            st.put("region", tokens)
            continue
        later_street = any(any(_marker(t, None) for t in other) for other in loose[idx + 1 :]) or (
            st.parts["street"] and idx == 0 and not st.parts["city"] and cyrillic
        )
        has_number = len(words) != len(tokens)
        if not st.parts["street"] and (has_number or (not later_street and st.parts["city"])):
            # "Ленина 5", "12 Main" (no street type)
            nums = [t for t in tokens if _NUMBER_RE.match(t)]
            if not cyrillic and _NUMBER_RE.match(tokens[0]):
                name = tokens[1:]
                nums = [tokens[0]] + [t for t in name if _NUMBER_RE.match(t)]
                name = [t for t in name if not _NUMBER_RE.match(t)]
            else:
                name = [t for t in tokens if not _NUMBER_RE.match(t)]
            st.put("street", name)
            for t in nums:
                _number_after_street(t, st, cyrillic)
            continue
        if not st.parts["city"] and not has_number:
            st.put("city", tokens)
        elif not st.parts["street"]:
            st.put("street", tokens)
        elif not st.parts["region"] and not has_number and not cyrillic:
            st.put("region", tokens)


def _split_state(st: _State) -> None:
    city = st.parts["city"]
    if len(city) > 1 and city[-1].lower() in _US_STATES and not st.parts["region"]:
        st.parts["region"] = [city[-1]]
        st.parts["city"] = city[:-1]
