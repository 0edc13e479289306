"""exprlib: small, exact, fast tools for a course on the expressive power of deep networks."""

from . import nets, regions

__all__ = ["nets", "regions"]
__version__ = "0.1.0"
