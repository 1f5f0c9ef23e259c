"""The seam between the physics and the sequence model: codecs, examples, token sequences.

A *codec* turns physics objects (field sets, Lagrangian terms) into lists of word-level
tokens and back.  The physics-aware codecs (the paper's BART-L format and our compact
format) live elsewhere; everything sequence-level in ``lagrangian.model`` and
``lagrangian.training`` (tokenizer, training loop, generation, model server) only needs
what this module defines: the codec's closed vocabulary, its special tokens, and pairs of
token lists.  That keeps the machinery testable with a toy codec and independent of the
engine.

Tokens are whitespace-free strings; the text form of a sequence is its tokens joined by
single spaces, which is also the form stored in the dataset's JSONL files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol, runtime_checkable

# Digits are always part of a vocabulary: numbers are spelled digit by digit, so that a
# closed vocabulary still represents charges such as 40 or -13/6 of any length.
DIGITS: tuple[str, ...] = tuple("0123456789")


@dataclass(frozen=True)
class SpecialTokens:
    """The four control tokens of a vocabulary.

    A codec may rename them (a published checkpoint might call them ``<s>`` ...), but every
    vocabulary has exactly these four roles.  Their ids follow BART's convention (start 0,
    padding 1, end 2, unknown 3), so that ``BartConfig``'s defaults already fit.
    """

    sos: str = "[SOS]"
    pad: str = "[PAD]"
    eos: str = "[EOS]"
    unk: str = "[UNK]"

    def in_id_order(self) -> tuple[str, str, str, str]:
        """The special tokens in the order of their ids 0, 1, 2, 3."""
        return (self.sos, self.pad, self.eos, self.unk)


DEFAULT_SPECIAL_TOKENS = SpecialTokens()


@dataclass(frozen=True)
class Example:
    """One training pair: the source token list (fields) and the target (terms)."""

    src: list[str]
    tgt: list[str]


@runtime_checkable
class Codec(Protocol):
    """What the sequence machinery needs from a token format.

    ``vocabulary()`` is the closed list of ordinary word tokens (it must contain
    :data:`DIGITS`; order is kept and defines the token ids after the special tokens);
    ``special_tokens`` names the control tokens, which never occur inside examples.
    """

    name: str
    special_tokens: SpecialTokens

    def vocabulary(self) -> list[str]: ...


class TokenError(ValueError):
    """A token sequence that a vocabulary cannot represent (the message says where)."""


def join_tokens(tokens: Iterable[str]) -> str:
    """The text form of a token list: tokens joined by single spaces."""
    return " ".join(tokens)


def split_tokens(text: str) -> list[str]:
    """The token list of a text form (any run of whitespace separates tokens)."""
    return text.split()


def check_tokens(tokens: Sequence[str], vocabulary: set[str] | frozenset[str]) -> None:
    """Raise :class:`TokenError` naming the first token that is not in ``vocabulary``.

    Unknown tokens are an error rather than ``[UNK]``: a silently replaced token would
    change the physics the sequence encodes.
    """
    for position, token in enumerate(tokens):
        if not token or any(ch.isspace() for ch in token):
            raise TokenError(f"token {position + 1} ({token!r}) is empty or contains whitespace")
        if token not in vocabulary:
            raise TokenError(f"token {position + 1} ({token!r}) is not in the vocabulary")


def check_vocabulary(codec: Codec) -> list[str]:
    """Return the codec's vocabulary after checking that it is well formed.

    Well formed: no duplicates, no whitespace, all digits present, no special token.
    """
    words = list(codec.vocabulary())
    seen: set[str] = set()
    specials = set(codec.special_tokens.in_id_order())
    if len(specials) != 4:
        raise TokenError(f"codec {codec.name!r}: the four special tokens must be distinct")
    for word in words:
        if not word or any(ch.isspace() for ch in word):
            raise TokenError(f"codec {codec.name!r}: vocabulary token {word!r} is not a word")
        if word in seen:
            raise TokenError(f"codec {codec.name!r}: vocabulary token {word!r} is duplicated")
        if word in specials:
            raise TokenError(f"codec {codec.name!r}: {word!r} is a special token")
        seen.add(word)
    missing = [digit for digit in DIGITS if digit not in seen]
    if missing:
        raise TokenError(f"codec {codec.name!r}: vocabulary lacks the digit tokens {missing}")
    return words


# Codecs by name.  The physics-aware codecs are resolved lazily from "module:attribute"
# paths so that importing this module never imports the physics engine.
_CODEC_PATHS: dict[str, str] = {
    "compact": "lagrangian.model.codec.compact:CompactCodec",
    "bartl": "lagrangian.model.codec.bartl:BartLCodec",
    "operators": "lagrangian.model.codec.operators:OperatorsCodec",
    "units": "lagrangian.model.codec.units:UnitsCodec",
}
_REGISTERED: dict[str, Callable[[], Codec]] = {}


def register_codec(name: str, factory: Callable[[], Codec]) -> None:
    """Make ``codec_by_name(name)`` return ``factory()`` (later registrations win)."""
    _REGISTERED[name] = factory


def codec_names() -> list[str]:
    """Every name :func:`codec_by_name` knows."""
    return sorted({*_CODEC_PATHS, *_REGISTERED})


def codec_by_name(name: str) -> Codec:
    """The codec registered under ``name``, or one named by a ``module:attribute`` path.

    The path form lets a training run or a server load a codec that is not registered in
    this process (for example one defined in a test helper) without code changes.
    """
    if name in _REGISTERED:
        return _REGISTERED[name]()
    spec = _CODEC_PATHS.get(name, name)
    if ":" not in spec:
        raise TokenError(f"unknown codec {name!r}; known codecs: {', '.join(codec_names())}")
    module_name, _, attribute = spec.partition(":")
    try:
        factory = getattr(import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise TokenError(f"codec {name!r} cannot be loaded from {spec!r}: {error}") from error
    try:
        codec = factory()
    except Exception as error:  # a third-party factory: report, never a traceback
        raise TokenError(f"codec {name!r} from {spec!r} failed to build: {error}") from error
    if not isinstance(codec, Codec):
        raise TokenError(
            f"{spec!r} did not produce a codec (needs name, special_tokens, vocabulary)"
        )
    return codec
