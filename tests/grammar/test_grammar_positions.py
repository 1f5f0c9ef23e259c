"""Offsets to LSP positions: lines, UTF-16 columns, line-break styles."""

from hypothesis import given
from hypothesis import strategies as st

from lagrangian.grammar import LineIndex, position_at
from lagrangian.grammar.ast import Position


def test_lines_and_columns_of_plain_text() -> None:
    lines = LineIndex("ab\ncd\n")
    assert lines.position(0) == Position(0, 0, 0)
    assert lines.position(4) == Position(1, 1, 4)
    assert lines.position(6) == Position(2, 0, 6)
    assert lines.line_count == 3


def test_a_character_outside_the_bmp_counts_two_utf16_units() -> None:
    text = "x😀y\nz"
    lines = LineIndex(text)
    assert lines.position(text.index("y")) == Position(0, 3, 2)
    assert lines.position(text.index("z")) == Position(1, 0, 4)
    assert lines.offset(0, 3) == text.index("y")


def test_crlf_and_cr_line_breaks() -> None:
    text = "a\r\nb\rc"
    lines = LineIndex(text)
    assert lines.position(text.index("b")) == Position(1, 0, 3)
    assert lines.position(text.index("c")) == Position(2, 0, 5)
    assert lines.line_end(0) == 1


def test_offsets_are_clamped_to_the_text() -> None:
    assert position_at("abc", 99) == Position(0, 3, 3)
    assert LineIndex("abc").offset(7, 0) == 3
    assert LineIndex("abc\nd").offset(0, 50) == 3


@given(st.text(alphabet=st.sampled_from("ab \n\r😀é\U0001f600"), max_size=40), st.data())
def test_position_and_offset_are_inverse(text: str, data: st.DataObject) -> None:
    lines = LineIndex(text)
    offset = data.draw(st.integers(0, len(text)))
    position = lines.position(offset)
    assert position.offset == offset
    prefix = text[lines.line_start(position.line) : offset]
    assert position.character == len(prefix.encode("utf-16-le")) // 2
    # A position inside a CRLF pair is not a place on the line; skip those.
    if offset <= lines.line_end(position.line):
        assert lines.offset(position.line, position.character) == offset
