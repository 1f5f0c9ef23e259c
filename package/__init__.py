"""Lagrangian: a language service for particle-physics Lagrangians.

The umbrella package only maps the top-level folders (``grammar``, ``physics``, ``model``,
``training``, ``llmsr``, ``server``) into one import namespace.  It imports nothing heavy:
torch, transformers and sympy load lazily where they are needed, so ``import lagrangian``
and ``lagrangian --help`` stay fast.
"""

__version__ = "0.1.0"
