"""The expression tree lives in the trusted core (``derive.core.terms``); this name is kept for the
modules that parse, search and print."""

from derive.core.terms import *  # noqa: F403
from derive.core.terms import __all__  # noqa: F401
