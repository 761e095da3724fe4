"""The pure protocol core: parsing, text checks and frame assembly, without a network."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.protocol import (
    ErrorCode,
    Hello,
    Join,
    ProtocolError,
    Send,
    check_text,
    message_body,
    message_frame,
    message_id_key,
    parse_client_frame,
)


def test_parses_each_client_frame():
    assert parse_client_frame('{"type":"hello"}') == Hello(type="hello")
    assert parse_client_frame(b'{"type":"join","room":"grief","since":"17-2"}') == Join(
        type="join", room="grief", since="17-2"
    )
    frame = parse_client_frame('{"type":"send","room":"grief","text":"hi","client_id":"abc-1"}')
    assert isinstance(frame, Send) and frame.text == "hi"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{", ErrorCode.BAD_JSON),
        ("null", ErrorCode.BAD_FRAME),
        ('{"type":"nope"}', ErrorCode.UNKNOWN_TYPE),
        ('{"type":"join","room":"x","since":"1-2-3"}', ErrorCode.BAD_FRAME),
        ('{"type":"send","room":"x","text":"t","client_id":"has space"}', ErrorCode.BAD_FRAME),
    ],
)
def test_bad_frames_have_stable_codes(raw, code):
    with pytest.raises(ProtocolError) as raised:
        parse_client_frame(raw)
    assert raised.value.code == code
    frame = orjson.loads(raised.value.to_frame())
    assert frame["type"] == "error" and frame["code"] == code.value and frame["message"]


@settings(max_examples=300)
@given(st.one_of(st.text(), st.binary(), st.builds(json.dumps, st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
))))
def test_parsing_never_fails_with_anything_but_a_protocol_error(raw):
    try:
        parse_client_frame(raw)
    except ProtocolError as error:
        assert isinstance(error.code, ErrorCode)


def test_text_checks():
    assert check_text("line one\r\nline two", 100) == "line one\nline two"
    assert check_text("emoji 👩‍👩‍👧 and tab\t", 100)
    for text, code in [("", "empty_text"), (" \u200b ", "empty_text"), ("a" * 11, "text_too_long"),
                       ("a\u0000", "forbidden_characters"), ("a\u202eb", "forbidden_characters"),
                       ("a\x85b", "forbidden_characters")]:
        with pytest.raises(ProtocolError) as raised:
            check_text(text, 10)
        assert raised.value.code.value == code


@given(st.text(), st.text(min_size=1))
def test_message_frames_are_valid_json_with_the_id_and_time(handle, text):
    frame = orjson.loads(message_frame("room-1", "1732540000123-7", message_body(handle, text)))
    assert frame == {"type": "message", "room": "room-1", "id": "1732540000123-7", "ts": 1732540000123,
                     "handle": handle, "text": text}


def test_ids_order_by_time_then_sequence():
    assert message_id_key("10-2") < message_id_key("10-10") < message_id_key("11-0")


def test_the_protocol_reference_documents_every_error_code_and_client_frame():
    from pathlib import Path

    from app.protocol import CloseCode, ClientFrame

    reference = (Path(__file__).resolve().parents[1] / "docs" / "protocol.md").read_text()
    for code in ErrorCode:
        assert f"`{code.value}`" in reference, code
    for frame in ClientFrame.__origin__.__args__:  # type: ignore[attr-defined]
        kind = frame.model_fields["type"].annotation.__args__[0]
        assert f'"type": "{kind}"' in reference, kind
    for name, value in vars(CloseCode).items():
        if name.isupper():
            assert f"| {value} |" in reference, name
