"""Property tests: the pipeline never raises, is a pure function of its input, and levels are monotone."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.pipeline import Pipeline
from moderation.policy import SEVERITY
from moderation.verdict import Action, ModerationContext, RecentMessage, RoomPolicy

pipeline = Pipeline(fail_closed=False)
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=2000),
    st.text(alphabet="kil myself @.:/0123456789 +-()I want to die\u200b\u202e", max_size=300),
    st.sampled_from(["I want to die", "call me on 07700 900123", "you idiot", "fuck", "www.x.biz"]).map(lambda s: s * 50),
)
locales = st.sampled_from(["en", "es", "de-AT", "fr", "pt-BR", "xx", "", "en_GB"])
recent = st.lists(st.builds(RecentMessage, st.text(max_size=30), st.floats(min_value=0, max_value=10_000)), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, locales, st.integers(0, 4), recent, st.integers(0, 5))
def test_never_raises_and_is_pure(text, locale, level, history, count):
    context = ModerationContext(
        room="r", policy=RoomPolicy(level=level, premoderate_first=2), locale=locale,
        session_message_count=count, recent=tuple(history),
    )
    first = pipeline.judge(text, context)
    second = pipeline.judge(text, context)
    assert first == second
    assert isinstance(first.text, str)
    first.text.encode("utf-8")  # always serializable
    assert first.publish or first.action is not Action.ALLOW


@settings(max_examples=200, deadline=None)
@given(texts)
def test_stricter_levels_never_publish_more(text):
    verdicts = [pipeline.judge(text, ModerationContext(room="r", policy=RoomPolicy(level=level))) for level in range(5)]
    for looser, stricter in zip(verdicts, verdicts[1:]):
        assert looser.publish or not stricter.publish
        assert SEVERITY[stricter.action] >= SEVERITY[looser.action]
        assert looser.crisis == stricter.crisis
        assert looser.text == stricter.text
