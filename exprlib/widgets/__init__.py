"""Lesson widgets (ipywidgets 8): controls beside a crisp live figure, a status line, a settings string.

Every widget is a :class:`LessonWidget`: a column of controls with the status line under them,
the figure to their right, and a text box holding the current settings as a short string
(``"function1d:depth=2;width=4;sigma_b=1.0;activation=relu;seed=0"``, like TensorFlow
Playground's URLs, so an instructor can hand out an exact configuration with
``make_widget(settings=...)``). The whole widget fits a laptop screen at 100 % zoom (at most
about 1 000 x 450 CSS pixels), and the figure is a PNG at 2x device pixels shown at its CSS size.

Widgets never make grading slow. Construction computes and draws the default state once,
cheaply (each widget's control ranges keep every state small). After that, work happens only
in the observers of the controls and of the settings box, and those fire only when a front end
sends a change: run headless (nbclient, nbgrader) a widget draws its default figure once and
does nothing else. Its display bundle carries that figure as ``image/png`` beside the widget
view, so static renderings (nbconvert HTML, nbgrader feedback, GitHub) still show the picture,
while JupyterLab, which ranks widget views first, shows the live widget. A change from the
front end is drawn on a worker thread, so changes made while it draws merge into one redraw
(the latest values win), and a redraw longer than about 0.1 s shows "computing…" first.

The DOM contract (what the browser tests read; keep it when adding a widget):

- the whole widget has the DOM class ``exprlib-widget``;
- every parameter control has the DOM class ``exprlib-control``, plus ``exprlib-param-<name>``;
  the settings box has ``exprlib-settings``;
- the status line is an ``ipywidgets.HTML`` with the DOM class ``exprlib-status``. After each
  redraw its text holds every control's current value as ``name = value`` (the parameter's
  name, the value as the control's readout shows it: ints as digits, floats to 3 significant
  digits with trailing zeros, as Python's ``format(v, "#.3g")`` and the slider's d3 ``.3g``
  readout print them, except that d3 writes negatives with a Unicode minus; options verbatim),
  separated by `` · ``, then the result (e.g. the region count).
  While a redraw is running and has taken longer than :data:`BUSY_AFTER_S`, it holds the
  new values and the word "computing";
- errors appear in an ``ipywidgets.HTML`` with the DOM class ``exprlib-error`` (empty if none);
- the figure is an ``ipywidgets.Image`` (PNG) with the DOM class ``exprlib-figure``, its
  CSS width and height fixed to the widget's ``figure_px``; its bytes change on every redraw
  that changes the picture.

Layout: :mod:`~exprlib.widgets._core` holds the machinery (``Param``, ``LessonWidget``,
``make_widget``, ``panel_axes``); one module per lesson holds that lesson's widgets
(``lesson00_welcome``, ``lesson01_approximation``, ``lesson02_regions``, ...). A new lesson
adds ``lessonNN_topic.py`` and lists its names here; defining a subclass with a ``kind``
registers it with :func:`make_widget`.
"""

from ._core import BUSY_AFTER_S, PIXEL_RATIO, LessonWidget, Param, make_widget, panel_axes
from .lesson00_welcome import Function1D
from .lesson01_approximation import Approximation1D
from .lesson02_regions import RegionExplorer, RegionMap2D
from .lesson03_counting import BoundsExplorer
from .lesson04_trajectory import TrajectoryExplorer
from .lesson05_depth import DepthRace
from .lesson06_training import TrainingRunExplorer

__all__ = [
    # machinery
    "BUSY_AFTER_S",
    "LessonWidget",
    "PIXEL_RATIO",
    "Param",
    "make_widget",
    "panel_axes",
    # 00-welcome
    "Function1D",
    # 01-universal-approximation
    "Approximation1D",
    # 02-linear-regions
    "RegionExplorer",
    "RegionMap2D",
    # 03-counting-regions
    "BoundsExplorer",
    # 04-trajectory-length
    "TrajectoryExplorer",
    # 05-depth-separation
    "DepthRace",
    # 06-expressivity-and-training
    "TrainingRunExplorer",
]
