"""PII protection: keyed hashing, partial masking, reversible tokens, opt-out suppression."""

from __future__ import annotations

from custdata.privacy._partial import mask_email, mask_phone, mask_text
from custdata.privacy.keys import KEY_ENV, Key, load_key, new_secret
from custdata.privacy.mask import (
    DEFAULT_MASK_KINDS,
    METHODS,
    PII_KINDS,
    column_kinds,
    detokenized,
    hash_value,
    hashed,
    mask,
    masked,
    match_key,
    tokenized,
    unmask,
)
from custdata.privacy.suppress import optout_keys, suppress

__all__ = [
    "DEFAULT_MASK_KINDS",
    "KEY_ENV",
    "METHODS",
    "PII_KINDS",
    "Key",
    "column_kinds",
    "detokenized",
    "hash_value",
    "hashed",
    "load_key",
    "mask",
    "mask_email",
    "mask_phone",
    "mask_text",
    "masked",
    "match_key",
    "new_secret",
    "optout_keys",
    "suppress",
    "tokenized",
    "unmask",
]
