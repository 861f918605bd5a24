"""Test session settings: the catalogue's parse markers go to a temporary cache folder, so that
the many small test catalogues leave nothing in the user's ~/.cache."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="derive-test-cache-"))
