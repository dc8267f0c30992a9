"""Secret keys for keyed hashing and tokenization.

The key is never a command-line argument (it would show in ``ps`` and in shell history). It comes,
in this order, from the ``key=`` argument of the Python API, from a key file (``key_file=``), or
from the environment variable ``CUSTDATA_KEY``. A missing key is an error, never a silent
unkeyed hash.

One secret serves both uses: separate sub-keys for HMAC-SHA256 hashing and for AES-SIV
tokenization are derived from it with HKDF-SHA256 (from the ``cryptography`` library), so a hash
never reveals anything about the token key and vice versa.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from custdata.errors import InvalidOption

#: Environment variable read when neither ``key`` nor ``key_file`` is given.
KEY_ENV = "CUSTDATA_KEY"
#: Shortest accepted secret, in bytes (after stripping surrounding whitespace).
MIN_KEY_BYTES = 16


@dataclass(frozen=True, repr=False)
class Key:
    """A loaded secret with its derived sub-keys. ``repr`` never shows the secret.

    >>> k = Key.from_secret("correct horse battery staple 42")
    >>> len(k.hash_key), len(k.token_key)
    (32, 64)
    >>> k
    Key(<secret>)
    """

    hash_key: bytes
    token_key: bytes

    def __repr__(self) -> str:
        return "Key(<secret>)"

    @classmethod
    def from_secret(cls, secret: str | bytes) -> Key:
        """Derive the hashing and tokenization sub-keys from a secret of at least 16 bytes."""
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        raw = raw.strip()
        if len(raw) < MIN_KEY_BYTES:
            raise InvalidOption(
                f"the key is too short (under {MIN_KEY_BYTES} bytes); "
                "make a new one with `custdata keygen -o custdata.key`"
            )
        return cls(
            hash_key=_derive(raw, b"custdata hash v1", 32),
            token_key=_derive(raw, b"custdata tokenize v1", 64),
        )


def _derive(secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


def new_secret() -> str:
    """A fresh random secret (32 random bytes, URL-safe base64) for a key file.

    >>> len(new_secret()) >= 43
    True
    """
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


class KeyFileWarning(UserWarning):
    """A key file is readable by group or others (it should be 0600, as ``keygen`` writes it)."""


def load_key(
    key: Key | str | bytes | None = None,
    *,
    key_file: str | os.PathLike[str] | None = None,
    env: str = KEY_ENV,
) -> Key:
    """Resolve the secret key: ``key``, else ``key_file``, else the ``CUSTDATA_KEY`` variable.

    Raises :class:`~custdata.errors.InvalidOption` when there is no key at all (never falls back
    to an unkeyed hash) or the key file cannot be read.

    >>> load_key("0123456789abcdef-example")
    Key(<secret>)
    >>> load_key(env="CUSTDATA_NO_SUCH_VARIABLE")
    Traceback (most recent call last):
    ...
    custdata.errors.InvalidOption: no key: set the environment variable CUSTDATA_NO_SUCH_VARIABLE or ...
    """
    if isinstance(key, Key):
        return key
    if key is not None:
        return Key.from_secret(key)
    if key_file is not None:
        path = Path(key_file)
        with contextlib.suppress(OSError):
            if os.stat(path).st_mode & 0o077:
                warnings.warn(
                    f"the key file {path.name} can be read by other users; "
                    f"restrict it with: chmod 600 {path.name}",
                    KeyFileWarning,
                    stacklevel=2,
                )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidOption(
                f"cannot read the key file {str(path)!r} ({exc.strerror or type(exc).__name__}); "
                "check the path and its permissions"
            ) from None
        return Key.from_secret(data)
    secret = os.environ.get(env)
    if not secret:
        raise InvalidOption(
            f"no key: set the environment variable {env} or give a key file (--key-file); "
            "make one with `custdata keygen -o custdata.key`"
        )
    return Key.from_secret(secret)
