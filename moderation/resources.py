"""Crisis resources by locale: the caring notice an author in crisis is sent, with helplines they can reach.

The defaults list well-known public services. Every list ends with the advice to call the local
emergency number, in the locale's language. A locale such as "pt-BR" falls back to "pt", then to
the international list, so every author gets something.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Resource:
    """One place to reach a person: a name, how to reach it (a number, text code or address) and when."""

    name: str
    contact: str
    note: str = ""

    def to_json(self) -> dict[str, str]:
        """The resource as the hub sends it."""
        return {"name": self.name, "contact": self.contact, "note": self.note}

    def line(self) -> str:
        """One human-readable line."""
        return f"{self.name}: {self.contact}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True, slots=True)
class CrisisResources:
    """The notice for one locale: a caring opening, the resources, and the emergency sentence last."""

    locale: str
    message: str
    resources: tuple[Resource, ...]
    emergency: str

    def lines(self) -> list[str]:
        """The notice as lines of text, ending with the emergency sentence."""
        return [self.message, *(r.line() for r in self.resources), self.emergency]

    def to_json(self) -> dict[str, object]:
        """The notice as the hub sends it to the author."""
        return {
            "locale": self.locale,
            "message": self.message,
            "resources": [r.to_json() for r in self.resources],
            "emergency": self.emergency,
            "lines": self.lines(),
        }


EMERGENCY = {
    "en": "If you are in immediate danger, call your local emergency number.",
    "es": "Si estás en peligro inmediato, llama al número de emergencias de tu zona.",
    "de": "Wenn du in akuter Gefahr bist, ruf den Notruf an (in Europa 112).",
    "fr": "Si tu es en danger immédiat, appelle le numéro d'urgence local (112 en Europe).",
    "pt": "Se você estiver em perigo imediato, ligue para o número de emergência local.",
}
MESSAGE = {
    "en": "We're really glad you reached out. You don't have to go through this alone, and people are "
    "ready to listen right now:",
    "es": "Gracias por contarlo. No tienes que pasar por esto a solas; hay personas dispuestas a escucharte ahora mismo:",
    "de": "Danke, dass du das geteilt hast. Du musst da nicht allein durch; hier hört dir jetzt jemand zu:",
    "fr": "Merci d'en avoir parlé. Tu n'as pas à traverser ça seul·e ; des personnes peuvent t'écouter maintenant :",
    "pt": "Obrigado por compartilhar. Você não precisa passar por isso sozinho; há pessoas prontas para ouvir agora:",
}
_FIND_A_HELPLINE = Resource("Find A Helpline (free, confidential lines worldwide)", "findahelpline.com")


def _notice(locale: str, language: str, *resources: Resource) -> CrisisResources:
    return CrisisResources(locale, MESSAGE[language], (*resources, _FIND_A_HELPLINE), EMERGENCY[language])


DEFAULT_RESOURCES: dict[str, CrisisResources] = {
    "default": _notice("default", "en"),
    "en": _notice(
        "en", "en",
        Resource("988 Suicide & Crisis Lifeline (US, Canada)", "call or text 988", "24/7"),
        Resource("Samaritans (UK, Ireland)", "116 123", "24/7, free"),
    ),
    "en-US": _notice(
        "en-US", "en",
        Resource("988 Suicide & Crisis Lifeline", "call or text 988", "24/7"),
        Resource("Crisis Text Line", "text HOME to 741741", "24/7"),
    ),
    "en-CA": _notice("en-CA", "en", Resource("9-8-8 Suicide Crisis Helpline", "call or text 988", "24/7")),
    "en-GB": _notice(
        "en-GB", "en",
        Resource("Samaritans", "116 123", "24/7, free"),
        Resource("Shout", "text SHOUT to 85258", "24/7"),
    ),
    "en-IE": _notice("en-IE", "en", Resource("Samaritans", "116 123", "24/7, free")),
    "en-AU": _notice("en-AU", "en", Resource("Lifeline", "13 11 14", "24/7")),
    "es": _notice(
        "es", "es",
        Resource("Línea 024 (España)", "024", "24 h, gratuita"),
        Resource("Teléfono de la Esperanza (España)", "717 003 717", "24 h"),
    ),
    "es-MX": _notice("es-MX", "es", Resource("Línea de la Vida", "800 911 2000", "24 h, gratuita")),
    "es-US": _notice("es-US", "es", Resource("988 Lifeline (en español)", "llama al 988 y marca 2", "24/7")),
    "de": _notice(
        "de", "de",
        Resource("TelefonSeelsorge (Deutschland)", "0800 111 0 111 oder 0800 111 0 222", "rund um die Uhr, kostenlos"),
        Resource("Telefonseelsorge (Österreich)", "142", "rund um die Uhr"),
        Resource("Die Dargebotene Hand (Schweiz)", "143", "rund um die Uhr"),
    ),
    "fr": _notice("fr", "fr", Resource("3114, numéro national de prévention du suicide (France)", "3114", "24 h/24, gratuit")),
    "pt": _notice(
        "pt", "pt",
        Resource("CVV – Centro de Valorização da Vida (Brasil)", "188", "24 h, gratuito"),
        Resource("SNS 24 (Portugal)", "808 24 24 24", "24 h"),
    ),
    "pt-BR": _notice("pt-BR", "pt", Resource("CVV – Centro de Valorização da Vida", "188", "24 h, gratuito")),
    "pt-PT": _notice(
        "pt-PT", "pt",
        Resource("SNS 24", "808 24 24 24", "24 h"),
        Resource("SOS Voz Amiga", "213 544 545", ""),
    ),
}

# Public helpline numbers and resource sites members may share; never redacted or held as links.
DEFAULT_ALLOWED_NUMBERS = (
    "988", "741741", "116 123", "85258", "13 11 14", "024", "717 003 717", "800 911 2000", "0800 111 0 111",
    "0800 111 0 222", "142", "143", "3114", "188", "808 24 24 24", "213 544 545", "112", "911", "999", "000",
    "1-800-273-8255", "1-800-662-4357",
)
DEFAULT_ALLOWED_DOMAINS = (
    "findahelpline.com", "988lifeline.org", "samaritans.org", "crisistextline.org", "giveusashout.org",
    "befrienders.org", "iasp.info", "telefonseelsorge.de", "3114.fr", "cvv.org.br", "sns24.gov.pt",
    "telefonodelaesperanza.org", "lifeline.org.au", "talksuicide.ca", "who.int", "nhs.uk", "mind.org.uk",
    "nami.org", "samhsa.gov", "aa.org", "na.org", "smartrecovery.org",
)


@dataclass(frozen=True, slots=True)
class ResourceTable:
    """Crisis notices by locale, with the fallback from "xx-YY" to "xx" to "default"."""

    notices: Mapping[str, CrisisResources] = field(default_factory=lambda: dict(DEFAULT_RESOURCES))

    def for_locale(self, locale: str | None) -> CrisisResources:
        """The best notice for a locale tag such as "en", "pt-BR" or "de_AT"."""
        tag = (locale or "").replace("_", "-").strip()
        language, _, region = tag.partition("-")
        candidates = (f"{language.lower()}-{region.upper()}", language.lower(), "default")
        for key in candidates:
            if key in self.notices:
                return self.notices[key]
        return DEFAULT_RESOURCES["default"]

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ResourceTable:
        """Defaults overridden by a TOML-style table: {locale: {message, emergency, resources = [{name, contact, note}]}}.

        A locale given here replaces that locale's default entry; its `emergency` sentence is
        required unless the language has a built-in one, and it always ends the list.
        """
        notices = dict(DEFAULT_RESOURCES)
        for locale, entry in data.items():
            if not isinstance(entry, Mapping):
                raise ValueError(f"resources.{locale} must be a table")
            language = locale.split("-")[0].split("_")[0].lower()
            raw = entry.get("resources", [])
            if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
                raise ValueError(f"resources.{locale}.resources must be a list of tables")
            resources = []
            for item in raw:
                if not isinstance(item.get("name"), str) or not isinstance(item.get("contact"), str):
                    raise ValueError(f"every resource in resources.{locale} needs a name and a contact")
                resources.append(Resource(item["name"], item["contact"], str(item.get("note", ""))))
            emergency = entry.get("emergency", EMERGENCY.get(language))
            if not isinstance(emergency, str) or not emergency:
                raise ValueError(f"resources.{locale} needs an emergency sentence")
            message = entry.get("message", MESSAGE.get(language, MESSAGE["en"]))
            if not isinstance(message, str):
                raise ValueError(f"resources.{locale}.message must be a string")
            notices[locale] = CrisisResources(locale, message, tuple(resources), emergency)
        return cls(notices)


def resources_for(locale: str | None, table: ResourceTable | None = None) -> CrisisResources:
    """The crisis notice for an author's locale, from `table` or the built-in defaults."""
    return (table or _DEFAULT_TABLE).for_locale(locale)


_DEFAULT_TABLE = ResourceTable()
