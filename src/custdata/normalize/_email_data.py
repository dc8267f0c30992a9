"""Reference data of the email normalizer: provider rules, typo targets, role mailboxes.

Sources of the matching-key rules (see ``docs/normalize/emails.md`` for the discussion):

- Gmail ignores dots in the local part of consumer addresses and ``googlemail.com`` is the
  same mailbox as ``gmail.com`` (https://support.google.com/mail/answer/7436150,
  https://support.google.com/mail/answer/10313). Google Workspace custom domains keep dots.
- Plus addressing (``name+tag@``): Gmail, Yandex, Outlook.com/Hotmail/Live/MSN, iCloud,
  Fastmail, Proton, Zoho, as in the ``email-normalize`` package's provider table
  (gmr/email-normalize, ``email_normalize/providers.py``), which the tests cross-check.
- Apple: ``me.com`` and ``mac.com`` are aliases of ``icloud.com``
  (https://support.apple.com/en-us/118230).
- Yandex: one Yandex ID receives mail at ``yandex.ru`` and its alias domains ``ya.ru``,
  ``yandex.com``, ``yandex.by``, ``yandex.kz``, ``yandex.ua``, ``narod.ru``
  (Yandex Mail help, "Почтовые алиасы"/"Mail aliases").
- Yahoo's ``nickname-keyword@`` disposable addresses are *not* folded: the nickname alone is
  not a deliverable address (https://help.yahoo.com/kb/SLN28815.html). Mail.ru, Rambler and
  ukr.net are not folded either: none documents plus addressing, and a false merge is worse
  than a missed one.
"""

from __future__ import annotations

#: Alias domain -> canonical domain of the same mailbox (used by the matching key only).
DOMAIN_ALIASES: dict[str, str] = {
    "googlemail.com": "gmail.com",
    "ya.ru": "yandex.ru",
    "yandex.com": "yandex.ru",
    "yandex.by": "yandex.ru",
    "yandex.kz": "yandex.ru",
    "yandex.ua": "yandex.ru",
    "narod.ru": "yandex.ru",
    "me.com": "icloud.com",
    "mac.com": "icloud.com",
}

#: Canonical domains whose mailboxes ignore a ``+tag`` suffix of the local part.
PLUS_ADDRESSING: frozenset[str] = frozenset(
    {
        "gmail.com",
        "yandex.ru",
        "outlook.com", "hotmail.com", "live.com", "msn.com",
        "icloud.com",
        "fastmail.com", "fastmail.fm",
        "proton.me", "protonmail.com", "pm.me",
        "zoho.com", "zohomail.com",
    }
)

#: Canonical domains whose mailboxes ignore dots in the local part.
STRIP_DOTS: frozenset[str] = frozenset({"gmail.com"})

#: Popular consumer mail domains: targets of typo suggestions.
PROVIDERS: tuple[str, ...] = (
    # Russia
    "mail.ru", "bk.ru", "list.ru", "inbox.ru", "internet.ru", "yandex.ru", "ya.ru", "yandex.com",
    "rambler.ru", "lenta.ru", "ro.ru", "autorambler.ru", "myrambler.ru",
    # Ukraine, Belarus, Kazakhstan
    "ukr.net", "i.ua", "meta.ua", "email.ua", "bigmir.net", "yandex.ua", "yandex.by", "yandex.kz",
    "tut.by", "mail.kz",
    # international
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
    "protonmail.com", "proton.me", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com",
    "zoho.com", "fastmail.com", "yahoo.co.uk", "hotmail.co.uk", "btinternet.com",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "orange.fr", "free.fr",
)

#: Real domains that look like a typo of a provider (never flagged as a typo).
REAL_LOOKALIKES: frozenset[str] = frozenset(
    {
        "mail.ua", "mail.by", "mail.com", "email.com", "email.ru", "inbox.lv", "inbox.lt",
        "inbox.com", "list.ua", "bk.ua", "gmx.at", "gmx.ch", "gmx.fr", "gmx.us", "yahoo.de",
        "yahoo.fr", "yahoo.es", "yahoo.it", "yahoo.ca", "yahoo.in", "yahoo.co.jp",
        "hotmail.fr", "hotmail.de", "hotmail.es", "hotmail.it", "live.ru", "live.fr",
        "live.de", "live.co.uk", "outlook.de", "outlook.fr", "outlook.ru", "mail.ee",
        "pochta.ru", "qip.ru", "nm.ru", "km.ru", "hot.ee", "wp.pl", "o2.pl", "op.pl",
        "seznam.cz", "libero.it", "aol.de", "t-online.de", "freenet.de", "online.ua",
        "ua.fm", "rambler.ua", "gala.net", "meta.ua", "mailbox.org", "posteo.de",
        "tuta.io", "tutanota.com", "ukr.net", "i.ua", "bigmir.net", "yandex.uz",
    }
)

#: Misspelt top-level domains that do not exist -> the intended one.
TLD_TYPOS: dict[str, str] = {
    "ry": "ru", "ri": "ru", "rru": "ru", "ruu": "ru", "rku": "ru", "tu": "ru",
    "cmo": "com", "con": "com", "ocm": "com", "cpm": "com", "vom": "com", "xom": "com",
    "comm": "com", "coom": "com", "clm": "com", "cim": "com", "c0m": "com",
    "nte": "net", "ner": "net", "nett": "net", "met": "net",
    "uaa": "ua",
    "ogr": "org", "rog": "org",
}

#: Whole-domain typos that the edit-distance rule alone would not catch or would get wrong.
DOMAIN_TYPOS: dict[str, str] = {
    "gmail.ru": "gmail.com",
    "gmail.ua": "gmail.com",
    "gmail.by": "gmail.com",
    "gmail.co": "gmail.com",
    "gmail.cm": "gmail.com",
    "gmail.om": "gmail.com",
    "hotmail.ru": "hotmail.com",
    "icloud.ru": "icloud.com",
    "yandex.ry": "yandex.ru",
    "yndex.ru": "yandex.ru",
    "yanex.ru": "yandex.ru",
    "mail.ri": "mail.ru",
    "meil.ru": "mail.ru",
    "maill.ru": "mail.ru",
    "ukr.ner": "ukr.net",
    "ukrnet.ua": "ukr.net",
    "ukr.net.ua": "ukr.net",
}

#: Local parts of role (shared, non-personal) mailboxes, compared lower-cased without ``+tag``.
ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    {
        # RFC 2142 and the usual English ones
        "info", "admin", "administrator", "sales", "support", "noreply", "no-reply",
        "no_reply", "donotreply", "do-not-reply", "do_not_reply", "office", "contact",
        "contacts", "hello", "help", "helpdesk", "service", "services", "team", "mail",
        "post", "postmaster", "hostmaster", "webmaster", "abuse", "security", "marketing",
        "billing", "accounts", "accounting", "finance", "hr", "jobs", "job", "career",
        "careers", "press", "media", "pr", "feedback", "orders", "order", "shop", "store",
        "reception", "secretary", "enquiries", "inquiries", "newsletter", "news", "mailer-daemon",
        "root", "sysadmin", "it", "legal", "privacy", "compliance", "all", "everyone", "staff",
        "general", "manager", "management",
        # Russian/Ukrainian transliterated
        "zakaz", "zakazy", "buh", "buhgalter", "buhgalteria", "buhgalteriya", "bux",
        "priemnaya", "priemnaja", "sekretar", "kadry", "otdel", "otdelkadrov", "snab",
        "snabzhenie", "tender", "tendery", "reklama", "prodazhi", "ofis", "kanc",
        "kancelyariya", "director", "direktor", "dostavka", "sklad", "pochta", "zapros",
        "zayavka", "zayavki", "klient", "klienty", "podderzhka", "otk",
    }
)
