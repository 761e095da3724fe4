"""Personal information: found and replaced with placeholders; allow-listed helplines left alone."""

import pytest

from moderation.pii import PiiDetector, redact
from moderation.resources import DEFAULT_ALLOWED_DOMAINS, DEFAULT_ALLOWED_NUMBERS

detector = PiiDetector(DEFAULT_ALLOWED_NUMBERS, DEFAULT_ALLOWED_DOMAINS)


def redacted(text: str, locale: str = "en") -> str:
    return redact(text, detector.find(text, locale))


@pytest.mark.parametrize("text,locale", [
    ("call me on 07700 900123", "en-GB"),
    ("text me at (415) 555-2671", "en"),
    ("reach me on +44 20 7946 0958", "en"),
    ("mi número es 612 345 678", "es"),
    ("ruf mich an: 0151 23456789", "de"),
    ("appelle-moi au 06 12 34 56 78", "fr"),
    ("me liga no 11 98765-4321", "pt"),
])
def test_phone_numbers_any_region(text, locale):
    assert "[phone number removed]" in redacted(text, locale)


def test_emails_plain_and_spelled():
    assert redacted("mail sarah.j84@gmail.com") == "mail [email removed]"
    assert redacted("jake dot miller at yahoo dot com") == "[email removed]"
    assert redacted("meds at pharma-discount.net") == "meds at pharma-discount.net"


@pytest.mark.parametrize("text", ["I live at 221 Baker Street", "vivo en Calle Mayor 23", "ich wohne in der Hauptstraße 12",
                                  "j'habite au 12 rue de la Paix", "moro na Rua Augusta, 1500"])
def test_street_addresses(text):
    assert "[address removed]" in redacted(text)


def test_handles_and_profile_links():
    assert redacted("add me on insta @lonely_girl_94") == "add me on insta [social handle removed]"
    assert redacted("my snap is jordan.k22") == "my snap is [social handle removed]"
    assert redacted("see instagram.com/jessica.r") == "see [profile link removed]"
    assert redacted("I deleted instagram today") == "I deleted instagram today"


def test_full_name_with_contact_details():
    assert redacted("My name is Emily Carter, call me at 555 234 9876") == (
        "My name is [name removed], call me at [phone number removed]"
    )
    assert redacted("My name is Emily Carter") == "My name is Emily Carter"


@pytest.mark.parametrize("text", [
    "please call 988", "Samaritans are on 116 123", "TelefonSeelsorge: 0800 111 0 111", "liga pro CVV no 188",
    "write to jo@samaritans.org", "2 years clean since 2019-2021", "since 12/05/2023", "I weigh 65.5 kg",
    "the book's ISBN is 0141187484", "ISBN-10: 0141187484",
])
def test_left_alone(text):
    assert redacted(text) == text


def test_a_number_after_isbn_is_still_a_phone_elsewhere_in_the_message():
    assert redacted("ISBN 0141187484, and my number is 0161 496 0345") == (
        "ISBN 0141187484, and my number is [phone number removed]"
    )
