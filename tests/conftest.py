"""Settings shared by every test folder.

Hypothesis fails an example that runs longer than its ``deadline`` (200 ms by default): a
time budget that a busy machine breaks with nothing wrong.  No test here checks speed per
example, so the default profile has none; tests that set their own settings keep them.
"""

from hypothesis import settings

settings.register_profile("events-not-time", deadline=None)
settings.load_profile("events-not-time")
