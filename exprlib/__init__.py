"""exprlib: small, exact, fast tools for a course on the expressive power of deep networks.

``nets`` defines a network; ``regions``, ``bounds``, ``constructions``, ``trajectory``, ``compression``,
``models`` and ``training`` build on it; ``density``, ``separation`` and ``race`` build on ``regions``.
``checks``, ``widgets`` and ``plot`` sit on top and are imported explicitly by the notebooks, so
``import exprlib`` never pulls in ipywidgets or matplotlib.
"""

from . import approximation, bounds, compression, constructions, density, models, nets, race, regions, separation, training, trajectory

__all__ = [
    "approximation",
    "bounds",
    "compression",
    "constructions",
    "density",
    "models",
    "nets",
    "race",
    "regions",
    "separation",
    "training",
    "trajectory",
]
__version__ = "0.1.0"
