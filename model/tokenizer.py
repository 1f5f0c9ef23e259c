"""Word-level tokenizers built from a codec's closed vocabulary.

The model sees one id per codec token, so the tokenizer is a ``tokenizers`` WordLevel
model behind a whitespace split, wrapped as a ``transformers`` fast tokenizer (which is
what ``save_pretrained``/``from_pretrained`` and the HF tooling expect).  Every sequence is
framed BART-style as ``[SOS] tokens [EOS]``, for sources and targets alike.

:class:`WordTokenizer` adds what the raw HF object lacks for our use: unknown tokens are
errors naming the token (never a silent ``[UNK]``), and decoding returns the exact token
list, so ``decode(encode(tokens)) == tokens`` for every sequence over the vocabulary.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lagrangian.model.codec import (
    Codec,
    SpecialTokens,
    TokenError,
    check_tokens,
    check_vocabulary,
    join_tokens,
)

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast


class WordTokenizer:
    """A checked, exactly invertible word-level tokenizer around a HF fast tokenizer."""

    def __init__(self, hf: PreTrainedTokenizerFast) -> None:
        self.hf = hf
        missing = [
            role
            for role in ("bos_token", "eos_token", "pad_token", "unk_token")
            if getattr(hf, role) is None
        ]
        if missing:
            raise TokenError(f"tokenizer lacks the special tokens {missing}")
        self.special_tokens = SpecialTokens(
            sos=hf.bos_token, pad=hf.pad_token, eos=hf.eos_token, unk=hf.unk_token
        )
        vocab = hf.get_vocab()
        specials = set(self.special_tokens.in_id_order())
        self.words: list[str] = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
        self._known = frozenset(t for t in self.words if t not in specials)
        self.sos_id: int = hf.bos_token_id
        self.eos_id: int = hf.eos_token_id
        self.pad_id: int = hf.pad_token_id
        self.unk_id: int = hf.unk_token_id

    @property
    def vocab_size(self) -> int:
        """Number of ids, special tokens included (the model's embedding rows)."""
        return len(self.hf)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The ordinary (non-special) tokens this tokenizer accepts."""
        return self._known

    def check(self, tokens: Sequence[str]) -> None:
        """Raise :class:`TokenError` for the first token outside the vocabulary."""
        check_tokens(tokens, self._known)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of ``[SOS] tokens [EOS]``; unknown tokens raise :class:`TokenError`."""
        return self.encode_many([tokens])[0]

    def encode_many(
        self, sequences: Sequence[Sequence[str]], max_length: int | None = None
    ) -> list[list[int]]:
        """:meth:`encode` for many sequences in one (parallel, Rust-side) tokenizer call.

        A sequence longer than ``max_length`` ids (markers included) is an error naming the
        sequence: truncating a field list or a Lagrangian would change its meaning.
        """
        for index, tokens in enumerate(sequences):
            try:
                self.check(tokens)
            except TokenError as error:
                raise TokenError(f"sequence {index + 1}: {error}") from None
        if not sequences:
            return []
        encoded = [list(row) for row in self.hf([join_tokens(t) for t in sequences])["input_ids"]]
        if max_length is not None:
            for index, row in enumerate(encoded):
                if len(row) > max_length:
                    raise TokenError(
                        f"sequence {index + 1} has {len(row)} tokens with its markers; "
                        f"the model accepts at most {max_length}"
                    )
        return encoded

    def decode(self, ids: Sequence[int]) -> list[str]:
        """The token list in ``ids``: leading start/end markers skipped, stops at ``[EOS]``.

        Generated sequences begin with the decoder start id (``[EOS]`` for BART) and often
        ``[SOS]``; padding after the end is ignored.
        """
        tokens: list[str] = []
        started = False
        for token_id in ids:
            token_id = int(token_id)
            if token_id == self.pad_id:
                continue
            if token_id in (self.sos_id, self.eos_id) and not started:
                continue
            if token_id == self.eos_id:
                break
            started = True
            tokens.append(self.hf.convert_ids_to_tokens(token_id))
        return tokens

    def batch(self, sequences: Sequence[Sequence[str]], max_length: int | None = None) -> Any:
        """Padded ``input_ids``/``attention_mask`` tensors for a batch of token lists."""
        ids = self.encode_many(sequences, max_length)
        return self.hf.pad({"input_ids": ids}, padding=True, return_tensors="pt")

    def save(self, folder: str | Path) -> None:
        """Write ``tokenizer.json`` and ``tokenizer_config.json`` into ``folder``."""
        self.hf.save_pretrained(str(folder))

    @classmethod
    def load(cls, folder: str | Path) -> WordTokenizer:
        """Load a tokenizer saved by :meth:`save` (or any HF fast word-level tokenizer)."""
        from transformers import PreTrainedTokenizerFast

        return cls(PreTrainedTokenizerFast.from_pretrained(str(folder), local_files_only=True))


def id_order(words: Sequence[str], special: SpecialTokens) -> list[str]:
    """Every token in the order of its id: the four special tokens (ids 0-3), then the words.

    Token files store ids and this table beside them (``training/token_store.py``), so the
    numbering is defined once, here.
    """
    return [*special.in_id_order(), *words]


def id_table(codec: Codec) -> list[str]:
    """The tokens of a codec's tokenizer in id order, without building the tokenizer."""
    return id_order(check_vocabulary(codec), codec.special_tokens)


def build_tokenizer(
    words: Sequence[str],
    special: SpecialTokens | None = None,
    model_max_length: int = 2048,
) -> WordTokenizer:
    """A tokenizer with ids 0-3 for the special tokens and the words after them, in order."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    special = special or SpecialTokens()
    ordered = id_order(words, special)
    if len(set(ordered)) != len(ordered):
        raise TokenError("the vocabulary repeats a token or reuses a special token")
    vocab = {token: index for index, token in enumerate(ordered)}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token=special.unk))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.post_processor = processors.TemplateProcessing(
        single=f"{special.sos} $A {special.eos}",
        special_tokens=[(special.sos, vocab[special.sos]), (special.eos, vocab[special.eos])],
    )
    hf = PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token=special.sos,
        eos_token=special.eos,
        pad_token=special.pad,
        unk_token=special.unk,
        model_max_length=model_max_length,
    )
    return WordTokenizer(hf)


def tokenizer_for_codec(codec: Codec, model_max_length: int = 2048) -> WordTokenizer:
    """The tokenizer of a codec's (checked) vocabulary."""
    return build_tokenizer(check_vocabulary(codec), codec.special_tokens, model_max_length)
