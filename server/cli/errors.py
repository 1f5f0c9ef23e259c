"""The one exception every command raises for bad user input.

It lives in its own module, apart from the dispatcher, so that ``sources`` and every
command module can raise it without importing the dispatcher's registry.
"""


class CliError(Exception):
    """A user-facing error: printed as one line on stderr, exit status 2."""
