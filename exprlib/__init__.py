"""exprlib: small, exact, fast tools for a course on the expressive power of deep networks.

``nets`` defines a network; ``regions``, ``bounds``, ``constructions`` and ``trajectory`` build on it.
``checks``, ``widgets`` and ``plot`` sit on top and are imported explicitly by the notebooks, so
``import exprlib`` never pulls in ipywidgets or matplotlib.
"""

from . import approximation, bounds, constructions, nets, regions, trajectory

__all__ = ["approximation", "bounds", "constructions", "nets", "regions", "trajectory"]
__version__ = "0.1.0"
