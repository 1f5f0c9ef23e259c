"""The one exception every command raises for bad user input.

It lives in its own module so that running ``python -m lagrangian.server.cli`` (which
executes the CLI module as ``__main__``) still catches the same class the commands raise.
"""


class CliError(Exception):
    """A user-facing error: printed as one line on stderr, exit status 2."""
