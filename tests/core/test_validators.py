import pytest
from django.core.exceptions import ValidationError

from renkei.core.validators import CONTROL_MESSAGE, check_text, has_control_characters, no_control_characters


@pytest.mark.parametrize("text", ["森\x00本", "a\x07b", "\x1b[31m", "x\x7f"])
def test_control_characters_are_refused_with_a_japanese_message(text):
    with pytest.raises(ValidationError) as error:
        no_control_characters(text)
    assert error.value.messages == [CONTROL_MESSAGE]


@pytest.mark.parametrize("text", ["森本", "一行目\n二行目", "列1\t列2", "改行\r\n"])
def test_tab_and_newlines_are_allowed(text):
    assert not has_control_characters(text)
    no_control_characters(text)


def test_check_text_refuses_a_text_over_its_limit():
    check_text("あ" * 10, max_length=10)
    with pytest.raises(ValidationError) as error:
        check_text("あ" * 11, max_length=10)
    assert error.value.messages == ["10文字以内で入力してください。"]
