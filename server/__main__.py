"""``python -m lagrangian.server``: the ``lagrangian`` command, for editors that start
the server through an interpreter (``python -m lagrangian.server lsp``)."""

import sys

from lagrangian.server.cli import main

sys.exit(main())
