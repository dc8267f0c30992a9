"""Text encoding detection and decoding of CSV bytes (UTF-8, BOMs, cp1251, charset-normalizer)."""

from __future__ import annotations

from custdata.errors import InvalidOption, UnreadableInput


def detect_encoding(data: bytes) -> str:
    """Best encoding for ``data``: ``utf-8-sig`` with a BOM, ``utf-8`` when it decodes, else a guess.

    The guess comes from charset-normalizer (a maintained detector), with a preference for
    cp1251 when the text reads as Cyrillic in it, since that is what 1C and Russian Excel write.

    >>> detect_encoding("Фамилия;Имя".encode("cp1251"))
    'cp1251'
    >>> detect_encoding(b"\\xef\\xbb\\xbfname")
    'utf-8-sig'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Judge the text where the non-UTF-8 bytes are, not an ASCII-only head of the file.
    begin = max(0, first_bad - 2000)
    sample = data[begin : begin + 200_000]
    if _looks_cp1251(sample):
        return "cp1251"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding in ("ascii", "utf_8"):
        raise UnreadableInput(
            "cannot detect the file's text encoding (is it a binary file?); "
            "name it with --encoding, e.g. --encoding cp1251"
        )
    return str(best.encoding)


def _looks_cp1251(sample: bytes) -> bool:
    text = sample.decode("cp1251", errors="replace")
    high = [c for c in text if ord(c) > 127]
    if not high:
        return False
    cyrillic = sum(1 for c in high if "\u0400" <= c <= "\u04ff")
    lower = sum(1 for c in high if "\u0430" <= c <= "\u044f" or c in "ёіїєґ")
    return cyrillic / len(high) > 0.95 and lower / max(cyrillic, 1) > 0.4


def _detect_encoding_sample(data: bytes) -> str:
    """Encoding from the first megabyte (UTF-8 is confirmed on the whole file by polars)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    sample = data[:1_000_000]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(sample) == 1_000_000 and exc.start >= len(sample) - 3:
            return "utf-8"  # a character cut by the sample's end
    return detect_encoding(sample)


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    enc = encoding or detect_encoding(data)
    try:
        text = data.decode(enc)
    except LookupError:
        raise InvalidOption(f"unknown encoding {enc!r}; try utf-8, cp1251 or koi8-r") from None
    except UnicodeDecodeError as exc:
        hint = "cp1251" if enc.lower().replace("-", "") in ("utf8", "utf8sig") else "utf-8"
        raise UnreadableInput(
            f"{name} is not valid {enc} (byte {exc.start}); try --encoding {hint}"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text[:4096]:
        raise UnreadableInput(
            f"{name} looks like a binary file, not a CSV; check the file or --from"
        )
    return text, enc


def _streamable_encoding(enc: str) -> bool:
    """UTF-8 or a single-byte ASCII-compatible encoding: a block cut at a newline decodes alone."""
    import codecs

    try:
        name = codecs.lookup(enc).name
    except LookupError:
        raise InvalidOption(f"unknown encoding {enc!r}; try utf-8, cp1251 or koi8-r") from None
    if name in ("utf-8", "utf-8-sig"):
        return True
    all_bytes = bytes(range(256))
    decoded = all_bytes.decode(name, errors="replace")
    return len(decoded) == 256 and decoded[:128] == all_bytes[:128].decode("ascii")
