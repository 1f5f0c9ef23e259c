"""Codec protocol helpers and the word-level tokenizer: exact round trips, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_toy_codec import ToyCodec

from lagrangian.model.codec import (
    DIGITS,
    SpecialTokens,
    TokenError,
    check_vocabulary,
    codec_by_name,
    codec_names,
    join_tokens,
    split_tokens,
)
from lagrangian.model.tokenizer import WordTokenizer, build_tokenizer, tokenizer_for_codec

TOY_WORDS = ToyCodec().vocabulary()
TOKENIZER = tokenizer_for_codec(ToyCodec())
token_lists = st.lists(st.sampled_from(TOY_WORDS), max_size=60)


@given(token_lists)
@settings(max_examples=200, deadline=None)
def test_encode_decode_round_trip(tokens: list[str]) -> None:
    ids = TOKENIZER.encode(tokens)
    assert ids[0] == TOKENIZER.sos_id and ids[-1] == TOKENIZER.eos_id
    assert len(ids) == len(tokens) + 2
    assert TOKENIZER.decode(ids) == tokens


@given(st.lists(token_lists, min_size=1, max_size=6))
@settings(max_examples=50, deadline=None)
def test_padded_batch_round_trip(sequences: list[list[str]]) -> None:
    batch = TOKENIZER.batch(sequences)
    width = max(len(tokens) for tokens in sequences) + 2
    assert tuple(batch["input_ids"].shape) == (len(sequences), width)
    for row, mask, tokens in zip(
        batch["input_ids"], batch["attention_mask"], sequences, strict=True
    ):
        assert int(mask.sum()) == len(tokens) + 2
        assert TOKENIZER.decode(row.tolist()) == tokens


@given(st.lists(st.sampled_from(DIGITS), min_size=1, max_size=40))
def test_numbers_of_any_length_survive(digits: list[str]) -> None:
    tokens = ["U1", "-", *digits, "/", *digits]
    assert TOKENIZER.decode(TOKENIZER.encode(tokens)) == tokens


def test_text_form_is_single_space_join() -> None:
    tokens = ["FIELD", "SPIN", "1", "/", "2"]
    assert join_tokens(tokens) == "FIELD SPIN 1 / 2"
    assert split_tokens("  FIELD\tSPIN 1 /  2\n") == tokens


def test_special_ids_follow_bart() -> None:
    assert (TOKENIZER.sos_id, TOKENIZER.pad_id, TOKENIZER.eos_id, TOKENIZER.unk_id) == (0, 1, 2, 3)
    assert TOKENIZER.vocab_size == len(TOY_WORDS) + 4
    assert TOKENIZER.vocabulary == frozenset(TOY_WORDS)


def test_decode_skips_generation_framing() -> None:
    ids = TOKENIZER.encode(["FIELD", "SPIN", "0"])
    generated = [TOKENIZER.eos_id, *ids, TOKENIZER.pad_id, TOKENIZER.pad_id]
    assert TOKENIZER.decode(generated) == ["FIELD", "SPIN", "0"]


def test_unknown_token_is_an_error_naming_it() -> None:
    with pytest.raises(TokenError, match=r"token 3 \('SU5'\) is not in the vocabulary"):
        TOKENIZER.encode(["FIELD", "SPIN", "SU5"])
    with pytest.raises(TokenError, match=r"sequence 2: token 1 \('\[SOS\]'\)"):
        TOKENIZER.encode_many([["FIELD"], ["[SOS]"]])
    with pytest.raises(TokenError, match="whitespace"):
        TOKENIZER.encode(["FIELD SPIN"])


def test_too_long_sequence_is_an_error() -> None:
    with pytest.raises(TokenError, match=r"sequence 1 has 7 tokens .* at most 6"):
        TOKENIZER.encode_many([["1"] * 5], max_length=6)


def test_save_and_load_keep_ids(tmp_path: Path) -> None:
    TOKENIZER.save(tmp_path)
    loaded = WordTokenizer.load(tmp_path)
    assert loaded.words == TOKENIZER.words
    tokens = ["FIELD", "SPIN", "0", "SU3", "-", "3", "ID7"]
    assert loaded.encode(tokens) == TOKENIZER.encode(tokens)
    assert loaded.decode(TOKENIZER.encode(tokens)) == tokens


def test_custom_special_tokens(tmp_path: Path) -> None:
    special = SpecialTokens(sos="<s>", pad="<pad>", eos="</s>", unk="<unk>")
    tokenizer = build_tokenizer(["a", "b", *DIGITS], special)
    assert tokenizer.hf.convert_ids_to_tokens([0, 1, 2, 3]) == ["<s>", "<pad>", "</s>", "<unk>"]
    tokenizer.save(tmp_path)
    again = WordTokenizer.load(tmp_path)
    assert again.special_tokens == special
    assert again.decode(again.encode(["a", "1", "b"])) == ["a", "1", "b"]


class _Codec:
    special_tokens = SpecialTokens()

    def __init__(self, words: list[str]) -> None:
        self.name = "bad"
        self.words = words

    def vocabulary(self) -> list[str]:
        return self.words


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["a", "a", *DIGITS], "duplicated"),
        (["a b", *DIGITS], "not a word"),
        (["[EOS]", *DIGITS], "is a special token"),
        (["a", *DIGITS[:-1]], r"lacks the digit tokens \['9'\]"),
    ],
)
def test_malformed_vocabulary_is_rejected(words: list[str], message: str) -> None:
    with pytest.raises(TokenError, match=message):
        check_vocabulary(_Codec(words))


def test_codec_lookup() -> None:
    assert isinstance(codec_by_name("toy"), ToyCodec)
    assert isinstance(codec_by_name("model_toy_codec:ToyCodec"), ToyCodec)
    assert {"bartl", "compact", "toy"} <= set(codec_names())
    with pytest.raises(TokenError, match=r"unknown codec 'nope'; known codecs: .*toy"):
        codec_by_name("nope")
    with pytest.raises(TokenError, match="cannot be loaded from 'no_such_module:X'"):
        codec_by_name("no_such_module:X")
    with pytest.raises(TokenError, match="did not produce a codec"):
        codec_by_name("collections:OrderedDict")
    with pytest.raises(TokenError, match="failed to build"):
        codec_by_name("json:dumps")
