"""Crisis resources by locale and the moderation configuration."""

import pytest

from moderation.config import ModerationConfig
from moderation.resources import EMERGENCY, DEFAULT_RESOURCES, ResourceTable, resources_for


def test_every_default_list_ends_with_the_emergency_sentence():
    for notice in DEFAULT_RESOURCES.values():
        assert notice.lines()[-1] == notice.emergency
        assert notice.resources
    assert resources_for("en").emergency == "If you are in immediate danger, call your local emergency number."


@pytest.mark.parametrize("locale,expected", [
    ("en-GB", "en-GB"), ("en_gb", "en-GB"), ("pt-BR", "pt-BR"), ("es-AR", "es"), ("de-AT", "de"),
    ("fr", "fr"), ("ja", "default"), (None, "default"), ("", "default"),
])
def test_locale_fallback(locale, expected):
    assert resources_for(locale).locale == expected


def test_to_json_for_the_hub():
    data = resources_for("fr").to_json()
    assert data["emergency"] == EMERGENCY["fr"] and data["lines"][-1] == EMERGENCY["fr"]
    assert any(r["contact"] == "3114" for r in data["resources"])


def test_table_override():
    table = ResourceTable.from_mapping({"nl": {"emergency": "Bel 112 bij direct gevaar.", "resources": [{"name": "113", "contact": "0800-0113"}]}})
    assert table.for_locale("nl-NL").lines()[-1] == "Bel 112 bij direct gevaar."
    with pytest.raises(ValueError, match="emergency"):
        ResourceTable.from_mapping({"nl": {"resources": []}})
    with pytest.raises(ValueError, match="name and a contact"):
        ResourceTable.from_mapping({"en": {"resources": [{"name": "x"}]}})


def test_config_from_mapping_extends_allow_lists():
    config = ModerationConfig.from_mapping({"allowed_domains": ["ourcharity.org"], "spam": {"flood_count": 3}})
    assert "ourcharity.org" in config.allowed_domains and "samaritans.org" in config.allowed_domains
    assert config.spam.flood_count == 3
    only = ModerationConfig.from_mapping({"allowed_numbers": ["123"], "replace_default_allow_lists": True})
    assert only.allowed_numbers == frozenset({"123"})


@pytest.mark.parametrize("data", [{"allowed_domains": "x.org"}, {"spam": {"flood_count": -1}}, {"spam": {"nope": 1}}, {"extra": 1}])
def test_config_rejects_bad_values(data):
    with pytest.raises(ValueError):
        ModerationConfig.from_mapping(data)


def test_config_from_toml(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[moderation]\nallowed_numbers = ["0800 123 456"]\n[moderation.resources.en]\nemergency = "Call 999."\n')
    config = ModerationConfig.from_toml(path)
    assert "0800 123 456" in config.allowed_numbers
    assert config.resources.for_locale("en").emergency == "Call 999."
