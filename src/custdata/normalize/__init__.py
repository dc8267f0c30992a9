"""Normalizers: phones, emails, names, birth dates, gender, tax ids, organizations, addresses.

Each kind offers an expression builder (``phone("tel")``), a frame-level step
(``phones(frame, "tel")``) that adds normalized and status columns, and a scalar helper.
"""

from __future__ import annotations

from custdata.junk import JUNK_VALUES, is_junk
from custdata.normalize._common import summarize
from custdata.normalize.address import (
    AddressResult,
    address,
    address_details,
    address_key,
    addresses,
    parse_address,
    postcode,
)
from custdata.normalize.consent import consent_columns, consents, parse_consent
from custdata.normalize.date import birth_date, birth_dates, parse_birth_date
from custdata.normalize.email import EmailResult, email, email_key, emails, parse_email
from custdata.normalize.gender import gender, genders, parse_gender
from custdata.normalize.ids import (
    IdResult,
    checksum_valid,
    compact_id,
    compact_id_expr,
    id_details,
    parse_id,
    tax_id,
    tax_ids,
)
from custdata.normalize.name import (
    NameResult,
    first_name_key,
    full_form,
    full_name,
    middle_name_key,
    name,
    name_key,
    name_parts,
    names,
    parse_name,
    surname_key,
    transliterate,
)
from custdata.normalize.organization import (
    OrganizationResult,
    legal_form,
    organization,
    organization_details,
    organization_key,
    organization_similarity,
    organizations,
    parse_organization,
)
from custdata.normalize.phone import (
    PhoneResult,
    parse_phone,
    phone,
    phone_details,
    phone_regions,
    phones,
)

__all__ = [
    "consent_columns",
    "consents",
    "parse_consent",
    "AddressResult",
    "address",
    "address_details",
    "address_key",
    "addresses",
    "parse_address",
    "postcode",
    "JUNK_VALUES",
    "EmailResult",
    "IdResult",
    "NameResult",
    "OrganizationResult",
    "PhoneResult",
    "birth_date",
    "birth_dates",
    "email",
    "email_key",
    "emails",
    "first_name_key",
    "full_form",
    "full_name",
    "gender",
    "genders",
    "id_details",
    "checksum_valid",
    "compact_id",
    "compact_id_expr",
    "is_junk",
    "legal_form",
    "middle_name_key",
    "name",
    "name_key",
    "name_parts",
    "names",
    "organization",
    "organization_details",
    "organization_key",
    "organization_similarity",
    "organizations",
    "parse_birth_date",
    "parse_email",
    "parse_gender",
    "parse_id",
    "parse_name",
    "parse_organization",
    "parse_phone",
    "phone",
    "phone_details",
    "phone_regions",
    "phones",
    "summarize",
    "surname_key",
    "tax_id",
    "tax_ids",
    "transliterate",
]
