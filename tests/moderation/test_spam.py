"""Spam: links off the allow-list, repeats, floods, mass mentions and capital-letter walls."""

from moderation.pii import Span
from moderation.resources import DEFAULT_ALLOWED_DOMAINS
from moderation.spam import SpamDetector, SpamSettings
from moderation.verdict import RecentMessage

spam = SpamDetector(DEFAULT_ALLOWED_DOMAINS)


def test_links_unless_allow_listed():
    assert spam.assess("visit www.cheap-meds.biz").reasons == ("spam_link",)
    assert spam.assess("see https://findahelpline.com/countries").reasons == ()
    assert spam.assess("the 988lifeline.org chat helped").reasons == ()


def test_links_already_redacted_as_personal_information_are_skipped():
    text = "instagram.com/jess"
    assert spam.assess(text, (), [Span("profile_link", 0, len(text))]).reasons == ()


def test_repeats():
    recent = (RecentMessage("Visit my blog!", 100), RecentMessage("visit my  blog!", 200))
    assert spam.assess("Visit my blog!", recent).reasons == ("spam_repeat",)
    assert spam.assess("Visit my blog!", recent[:1]).doubtful == ("doubtful_repeat",)
    old = (RecentMessage("hello?", 5000), RecentMessage("hello?", 6000))
    assert spam.assess("hello?", old).reasons == ()


def test_flood_of_short_messages():
    recent = tuple(RecentMessage(t, i) for i, t in enumerate(["a", "b", "c", "d", "e"], 1))
    assert "spam_flood" in spam.assess("f", recent).reasons
    assert spam.assess("f", recent[:3]).reasons == ()


def test_mass_mentions_and_caps():
    assert spam.assess("@a1 @b2 @c3 @d4 @e5 look").reasons == ("spam_mentions",)
    assert spam.assess("THIS IS THE BEST APP EVER AND EVERYONE NEEDS TO DOWNLOAD IT").reasons == ("spam_caps",)
    assert spam.assess("I'M SO HAPPY").reasons == ()


def test_settings_change_thresholds():
    strict = SpamDetector((), SpamSettings(mention_limit=2))
    assert strict.assess("@a1 @b2 hi").reasons == ("spam_mentions",)
