"""Backend for a local ``transformers`` causal language model loaded from a folder.

torch and transformers are imported only when this backend is created, never when
``lagrangian`` is imported.  The model runs on the GPU when one is available.  Models with a
chat template get the prompt as a user message; plain causal LMs get the prompt text, which
ends with the ``equation_v2`` header and docstring, and their continuation is the body.  A
generation error (out of memory, a bad token) is counted and skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BackendError
from ..prompts import Prompt
from .protocol import BackendStats


class TransformersBackend:
    """Samples programs from a causal LM in a local folder (config, weights and tokenizer)."""

    name = "transformers"

    def __init__(
        self,
        path: str | Path,
        seed: int = 0,
        device: str | None = None,
        max_new_tokens: int = 512,
        temperature: float = 0.8,
        top_p: float = 0.95,
    ) -> None:
        try:
            import torch
            import transformers
        except ImportError:
            raise BackendError(
                "a local model needs the 'transformers' and 'torch' packages "
                "(pip install 'lagrangian[model]')"
            ) from None
        self._torch = torch
        self.stats = BackendStats()
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.top_p = top_p
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        transformers.logging.set_verbosity_error()
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(
                str(path), local_files_only=True
            )
            self.model = transformers.AutoModelForCausalLM.from_pretrained(
                str(path), local_files_only=True
            )
        except (OSError, ValueError, KeyError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise BackendError(
                f"cannot load a causal language model from {path}: {message}"
            ) from None
        self.model.to(self.device).eval()
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        torch.manual_seed(seed)

    def close(self) -> None:
        """Release GPU memory held by the model."""
        self.model.to("cpu")
        if self.device.startswith("cuda"):
            self._torch.cuda.empty_cache()

    def _input_text(self, prompt: Prompt) -> tuple[str, bool]:
        """The text to encode, and whether the reply continues the prompt's function header."""
        if getattr(self.tokenizer, "chat_template", None):
            messages = [{"role": "user", "content": prompt.text}]
            text = self.tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
            return str(text), False
        return prompt.text, True

    def sample(self, prompt: Prompt, n: int) -> list[str]:
        text, continues = self._input_text(prompt)
        self.stats.requests += 1
        try:
            encoded = self.tokenizer(text, return_tensors="pt").to(self.device)
            with self._torch.no_grad():
                output: Any = self.model.generate(
                    **encoded,
                    do_sample=True,
                    temperature=self.temperature,
                    top_p=self.top_p,
                    max_new_tokens=self.max_new_tokens,
                    num_return_sequences=n,
                    pad_token_id=self.tokenizer.pad_token_id,
                )
        except (RuntimeError, ValueError, IndexError) as error:
            self.stats.failures += 1
            if "out of memory" in str(error) and self.device.startswith("cuda"):
                self._torch.cuda.empty_cache()
            return []
        start = encoded["input_ids"].shape[1]
        replies = [self.tokenizer.decode(row[start:], skip_special_tokens=True) for row in output]
        self.stats.replies += len(replies)
        return [prompt.completion_header + r if continues else r for r in replies]
