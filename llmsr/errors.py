"""Errors of the equation-discovery engine.

Every failure a user can cause (a bad data file, an unreachable LLM endpoint, a corrupt saved
run) is raised as an ``LlmsrError`` with a one-line message that names the problem, so that
callers such as the command line or the language server can show it as is instead of a
traceback.
"""

from __future__ import annotations


class LlmsrError(Exception):
    """A user-facing error of the LLM-SR engine: the message is one line and says what to fix."""


class DataError(LlmsrError):
    """The data cannot be used: missing file or column, non-numbers, NaNs, too few rows."""


class BackendError(LlmsrError):
    """The proposer cannot be used at all (unreachable endpoint, unloadable model folder)."""


class RunFileError(LlmsrError):
    """A saved run cannot be resumed (unreadable, wrong format, or recorded on other data)."""


class BackendGaveUp(BackendError):
    """The proposer kept failing for longer than its give-up period; the search stops."""
