"""The machinery every lesson widget shares: parameters, settings strings, the live figure.

A :class:`LessonWidget` owns one matplotlib ``Figure`` for its whole life, drawn with the Agg
canvas straight to PNG bytes at :data:`PIXEL_RATIO` device pixels per CSS pixel and shown at
its CSS size, so text is crisp and nothing is stretched. A redraw clears the axes made once by
:meth:`LessonWidget.make_axes` and draws into them again; no layout engine runs per redraw.

Redraws never queue up. A change from the front end (a slider released in the browser) only
marks the widget dirty and wakes one worker thread, so the kernel answers the next message at
once; the worker always draws the latest values, so changes made while it draws merge into one
redraw. A change made in code (``w.controls["width"].value = 5``, tests, benchmarks) redraws
synchronously. Either way, a redraw that takes longer than :data:`BUSY_AFTER_S` shows
"computing…" in the status line, sent from a timer thread while the work goes on.
"""

from __future__ import annotations

import html
import io
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["BUSY_AFTER_S", "PIXEL_RATIO", "LessonWidget", "Param", "make_widget", "panel_axes"]

_INT = re.compile(r"[+-]?\d+")
_NAME = re.compile(r"[a-z][a-z0-9_]*")

# PNG device pixels per CSS pixel: 2 keeps text sharp on high-density (retina) screens, and a
# browser scales it down cleanly on ordinary ones.
PIXEL_RATIO = 2
# A redraw longer than this shows "computing…"; shorter ones would only flicker.
BUSY_AFTER_S = 0.12
# Widget figures use a slightly smaller type than pyplot's default (10 pt = 14 CSS px), so that
# two panels fit beside the controls on a laptop screen.
WIDGET_RC = {
    "font.size": 9.0,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9.0,
    "legend.fontsize": 8.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    # A fixed title height: otherwise every draw measures all tick labels to place the title.
    "axes.titley": 1.0,
}
# How many computed states a widget remembers (returning to one of them skips the computation).
_RESULT_CACHE = 16
# zlib level 1: the PNG is a few percent larger than at level 6, and encodes about twice as fast.
_PNG_COMPRESSION = 1
# Width of the controls column, CSS pixels; the figure sits to its right (below it on a narrow
# page). With figures up to 640 px wide, a widget is at most ~920 px wide: JupyterLab's output
# area on a 1366-px laptop screen with the file browser open is ~930 px.
CONTROLS_PX = 262


@dataclass(frozen=True)
class Param:
    """One control of a widget: an int or float in [lo, hi], or a choice among ``options``.

    The type comes from ``default``. Values print in the settings string as ``str(int)``,
    ``repr(float)`` (the shortest string that reads back to the same float) or the option.

    Examples
    --------
    >>> p = Param("width", 4, lo=1, hi=10)
    >>> p.parse("8"), p.format(8)
    (8, '8')
    >>> Param("sigma_b", 0.5, lo=0.0, hi=2.0).parse("0.1")
    0.1
    """

    name: str
    default: int | float | str
    lo: float | None = None
    hi: float | None = None
    options: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"name must be lower-case letters, digits and _, got {self.name!r}")
        if any(not _NAME.fullmatch(option) for option in self.options):
            # Options appear verbatim in settings strings, so they must not contain ; = : or spaces.
            raise ValueError(f"options of {self.name} must be lower-case letters, digits and _, got {self.options}")
        if isinstance(self.default, str):
            if self.default not in self.options:
                raise ValueError(f"default {self.default!r} of {self.name} must be one of options {self.options}")
        elif self.lo is None or self.hi is None or not self.lo <= self.default <= self.hi:
            raise ValueError(f"default of {self.name} must lie in [lo, hi], got {self.default!r} in [{self.lo}, {self.hi}]")

    def _range(self) -> str:
        return f"one of {', '.join(self.options)}" if self.options else f"a{'n int' if self._is_int else ' number'} in [{self.lo}, {self.hi}]"

    @property
    def _is_int(self) -> bool:
        return isinstance(self.default, int)

    def parse(self, text: str) -> int | float | str:
        """The value a settings string gives this parameter; ValueError if it is not allowed."""
        if self.options:
            value: int | float | str = text
        elif self._is_int:
            if not _INT.fullmatch(text):
                raise ValueError(f"settings: {self.name} must be {self._range()}, got {text!r}")
            value = int(text)
        else:
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"settings: {self.name} must be {self._range()}, got {text!r}") from None
        return self.validate(value, source="settings")

    def validate(self, value: object, *, source: str = "argument") -> int | float | str:
        """Check a Python value (TypeError for a wrong type, ValueError outside the range)."""
        if self.options:
            if not isinstance(value, str):
                raise TypeError(f"{source}: {self.name} must be a str, {self._range()}; got {value!r}")
            if value not in self.options:
                raise ValueError(f"{source}: {self.name} must be {self._range()}, got {value!r}")
            return value
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{source}: {self.name} must be {self._range()}, got {value!r}")
        if self._is_int and not isinstance(value, (int, np.integer)):
            raise TypeError(f"{source}: {self.name} must be {self._range()}, got {value!r}")
        if not (np.isfinite(value) and self.lo <= value <= self.hi):
            raise ValueError(f"{source}: {self.name} must be {self._range()}, got {value!r}")
        return int(value) if self._is_int else float(value)

    def format(self, value: int | float | str) -> str:
        """The settings-string form of a value, as short as 12 significant digits allow.

        A slider's steps carry binary rounding (3.0200000000000005); 12 digits drop it and keep
        every value a slider or a typed setting can hold.

        >>> Param("sigma_w", 1.5, lo=0.5, hi=4.0).format(3.0200000000000005)
        '3.02'
        """
        return repr(float(f"{float(value):.12g}")) if not self.options and not self._is_int else str(value)

    def display(self, value: int | float | str) -> str:
        """The value as the control's readout shows it (floats: 3 significant digits, zeros kept).

        >>> Param("sigma_b", 0.5, lo=0.0, hi=2.0).display(0.27999999999999997), Param("w", 4, lo=1, hi=9).display(4)
        ('0.280', '4')
        """
        return f"{float(value):#.3g}" if not self.options and not self._is_int else str(value)

    def control(self, value: int | float | str) -> widgets.ValueWidget:
        """A fresh ipywidget for this parameter, showing ``value`` (DOM classes ``exprlib-control``
        and ``exprlib-param-<name>``)."""
        label = self.description or self.name
        style = {"description_width": "118px"}
        layout = widgets.Layout(width="100%")
        if self.options:
            control = widgets.Dropdown(options=self.options, value=value, description=label, style=style, layout=layout)
        elif self._is_int:
            control = widgets.IntSlider(value=value, min=self.lo, max=self.hi, description=label, style=style,
                                        layout=layout, continuous_update=False)
        else:
            # ".3g": 3 significant digits, trailing zeros kept, as display() prints them
            control = widgets.FloatSlider(value=value, min=self.lo, max=self.hi, step=(self.hi - self.lo) / 100,
                                          description=label, style=style, layout=layout, continuous_update=False,
                                          readout_format=".3g")
        control.add_class("exprlib-control")
        control.add_class(f"exprlib-param-{self.name}")
        return control


def panel_axes(
    figure: Figure,
    ncols: int = 1,
    *,
    left: float = 56,
    right: float = 14,
    top: float = 26,
    bottom: float = 40,
    gap: float = 60,
    width_ratios: tuple[float, ...] | None = None,
) -> list[Axes]:
    """``ncols`` Axes side by side, with margins given in CSS pixels (no layout engine).

    Fixed margins keep a redraw cheap and stop the axes from jumping when tick labels change.
    The defaults leave room for a title, tick labels and axis labels at :data:`WIDGET_RC` sizes.

    Examples
    --------
    >>> fig = Figure(figsize=(6.4, 3.2))
    >>> [round(ax.get_position().x0 * 640) for ax in panel_axes(fig, 2)]
    [56, 371]
    """
    width, height = figure.get_size_inches() * 100.0  # CSS pixels: 1 inch = 100 px at PIXEL_RATIO 1
    ratios = width_ratios or (1.0,) * ncols
    mean_axes_width = (width - left - right - (ncols - 1) * gap) / ncols
    grid = figure.add_gridspec(1, ncols, left=left / width, right=1 - right / width, bottom=bottom / height,
                               top=1 - top / height, wspace=gap / mean_axes_width, width_ratios=ratios)
    return [figure.add_subplot(grid[0, i]) for i in range(ncols)]


def _clear_artists(ax: Axes) -> None:
    """Remove what the last redraw drew, but keep the axes, their ticks and scales.

    ``Axes.cla()`` would also rebuild every tick (a log axis has dozens), which costs more than
    the whole drawing; a redraw sets titles, labels, limits and scales again anyway.
    """
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images, *ax.artists, *ax.tables]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.set_title("")
    ax.relim()
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)


class LessonWidget(widgets.VBox):
    """Base class: controls beside a crisp live figure, a status line and a settings box.

    A subclass sets ``kind`` (the settings prefix, also its name for :func:`make_widget`),
    ``params`` and ``figure_px`` (the figure's size on the page, CSS pixels), and implements
    ``compute(**values)`` (the library work, cached by values), ``draw(result, axes, **values)``
    (draw into the axes that ``make_axes`` made once; their artists are removed before each
    call, while ticks and scales stay, so ``draw`` sets the limits and scales it needs) and
    ``describe(result, **values)`` (the result in words, for the status line). It may override
    ``make_axes(figure)`` (default: one Axes) and ``check_values``/``fit_values`` (rules that
    involve several parameters, such as a budget of hidden units).

    Parameters
    ----------
    settings : str, optional
        A settings string; missing parameters take their defaults.
    **values
        Parameter values, applied after ``settings``.

    Attributes
    ----------
    figure : matplotlib Figure
        The figure of the current state (drawn without pyplot), the same object for the
        widget's whole life.
    result : object
        What ``compute`` returned for the current state.
    summary : str
        What ``describe`` returned for the current state.
    renders : int
        How many states have been drawn (1 after construction).
    timings : dict of str to float
        Milliseconds of the last redraw's phases: compute, artists (``draw``), render+png.
    controls : dict of str to ipywidgets control
    status, error : ipywidgets.HTML
        The status line (DOM class ``exprlib-status``) and the error line (``exprlib-error``).
    image : ipywidgets.Image
        The figure as PNG bytes (DOM class ``exprlib-figure``).
    """

    kind: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    figure_px: ClassVar[tuple[int, int]] = (600, 340)
    busy_after: ClassVar[float] = BUSY_AFTER_S
    _registry: ClassVar[dict[str, type[LessonWidget]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            LessonWidget._registry[cls.kind] = cls

    def __init__(self, *, settings: str | None = None, **values: Any) -> None:
        state = self.parse_settings(settings if settings is not None else "")
        by_name = {p.name: p for p in self.params}
        for name, value in values.items():
            if name not in by_name:
                raise TypeError(f"{type(self).__name__} has no parameter {name!r}; it has {', '.join(by_name)}")
            state[name] = by_name[name].validate(value)
        self.check_values(state)
        self.controls = {p.name: p.control(state[p.name]) for p in self.params}
        self.settings_box = widgets.Text(value="", description="settings", continuous_update=False,
                                         layout=widgets.Layout(width="100%"))
        self.settings_box.add_class("exprlib-settings")
        self.status = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.status.add_class("exprlib-status")
        self.error = widgets.HTML(layout=widgets.Layout(width="100%", display="none"))
        self.error.add_class("exprlib-error")
        width, height = self.figure_px
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px",
                                                                        min_width=f"{width}px"))
        self.image.add_class("exprlib-figure")
        # the error line takes no room until there is an error
        self.error.observe(lambda change: setattr(self.error.layout, "display", "" if change["new"] else "none"),
                           names="value")
        column = widgets.VBox(list(self.controls.values()),
                              layout=widgets.Layout(width=f"{CONTROLS_PX}px", min_width=f"{CONTROLS_PX}px"))
        body = widgets.HBox([column, self.image], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start",
                                                                        grid_gap="12px"))
        super().__init__(children=[body, self.status, self.error, self.settings_box],
                         layout=widgets.Layout(max_width=f"{CONTROLS_PX + width + 24}px"))
        self.add_class("exprlib-widget")

        self.figure = Figure(figsize=(width / 100.0, height / 100.0), dpi=100.0 * PIXEL_RATIO)
        self._canvas = FigureCanvasAgg(self.figure)
        with matplotlib.rc_context(WIDGET_RC):
            self._axes = self.make_axes(self.figure)
        self._results: OrderedDict[tuple, Any] = OrderedDict()
        self._caches: dict[str, dict] = {}
        self._draw_lock = threading.RLock()  # one redraw at a time (worker thread or caller)
        self._state_lock = threading.Lock()  # guards _pending and _worker
        self._status_lock = threading.Lock()  # busy timer vs. final status
        self._pending = False
        self._worker: threading.Thread | None = None
        self._token = 0
        self._hold = False
        self._writing_settings = False
        self._note = ""
        self.renders = 0
        self._render()
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        self.settings_box.observe(self._on_settings_text, names="value")

    # -- settings ---------------------------------------------------------------------------

    @classmethod
    def parse_settings(cls, text: str) -> dict[str, Any]:
        """Every parameter's value from a settings string (defaults for the missing ones).

        Raises
        ------
        TypeError
            If ``text`` is not a str.
        ValueError
            For another widget's prefix, a piece that is not ``name=value``, an unknown or
            repeated name, a value of the wrong type or out of range, or a combination the
            widget does not allow (see :meth:`check_values`).
        """
        if not isinstance(text, str):
            raise TypeError(f"settings must be a str such as {cls.default_settings()!r}, got {type(text).__name__}")
        body = text.strip()
        if ":" in body:
            kind, _, body = body.partition(":")
            if kind != cls.kind:
                raise ValueError(f"settings are for a {kind!r} widget, not {cls.kind!r}: got {text!r}")
        by_name = {p.name: p for p in cls.params}
        state = {p.name: p.default for p in cls.params}
        seen: set[str] = set()
        for piece in filter(None, (s.strip() for s in body.split(";"))):
            name, eq, value = piece.partition("=")
            name = name.strip()
            if not eq:
                raise ValueError(f"settings: each piece must be name=value, got {piece!r} in {text!r}")
            if name not in by_name:
                raise ValueError(f"settings: unknown parameter {name!r}; {cls.kind} has {', '.join(by_name)}")
            if name in seen:
                raise ValueError(f"settings: {name} is given twice in {text!r}")
            seen.add(name)
            state[name] = by_name[name].parse(value.strip())
        cls.check_values(state)
        return state

    @classmethod
    def check_values(cls, values: Mapping[str, Any]) -> None:
        """Raise ValueError for a combination of values the widget does not allow (default: none)."""

    def fit_values(self, values: dict[str, Any], changed: str) -> str:
        """Bring ``values`` back into the allowed combinations after the control ``changed`` moved.

        Edits ``values`` in place and returns a note for the status line ("" if nothing
        changed). The default allows every combination.
        """
        return ""

    @classmethod
    def default_settings(cls) -> str:
        return cls._format({p.name: p.default for p in cls.params})

    @classmethod
    def _format(cls, state: Mapping[str, Any]) -> str:
        return f"{cls.kind}:" + ";".join(f"{p.name}={p.format(state[p.name])}" for p in cls.params)

    @property
    def values(self) -> dict[str, Any]:
        """The current parameter values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    @property
    def settings(self) -> str:
        """The current state as a settings string; ``make_widget(settings=w.settings)`` restores it."""
        return self._format(self.values)

    def apply_settings(self, text: str) -> None:
        """Move the controls to a settings string's values and redraw once (ValueError if bad)."""
        self._set_controls(self.parse_settings(text))
        self._render_reporting_errors()

    def _set_controls(self, state: Mapping[str, Any]) -> None:
        self._hold = True
        try:
            for name, value in state.items():
                self.controls[name].value = value
        finally:
            self._hold = False

    # -- what a subclass provides -----------------------------------------------------------

    def make_axes(self, figure: Figure) -> Axes | tuple[Axes, ...]:
        """Make the figure's axes, once; ``draw`` receives what this returns."""
        return panel_axes(figure)[0]

    def compute(self, **values: Any) -> Any:
        raise NotImplementedError

    def draw(self, result: Any, ax: Any, **values: Any) -> None:
        raise NotImplementedError

    def describe(self, result: Any, **values: Any) -> str:
        raise NotImplementedError

    def cache(self, name: str) -> dict:
        """A dict that a subclass keeps work in between states (e.g. a network while a slice moves)."""
        return self._caches.setdefault(name, {})

    def forget(self) -> None:
        """Drop every cached result (benchmarks time first visits this way)."""
        self._results.clear()
        self._caches.clear()

    # -- drawing ----------------------------------------------------------------------------

    def status_html(self, values: Mapping[str, Any], text: str) -> str:
        """The status line: every control as ``name = value``, then ``text`` (escaped)."""
        by_name = {p.name: p for p in self.params}
        pairs = " · ".join(f"{name} = {html.escape(by_name[name].display(v), quote=False)}" for name, v in values.items())
        # The result comes last and unwrapped, so the line's text ends with it.
        return f"<span style='color:#555'>{pairs}</span><br>{html.escape(text, quote=False)}"

    def _compute_cached(self, values: dict[str, Any]) -> Any:
        key = tuple(values.items())
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        result = self.compute(**values)
        self._results[key] = result
        if len(self._results) > _RESULT_CACHE:
            self._results.popitem(last=False)
        return result

    def _show_busy(self, token: int, values: dict[str, Any]) -> None:
        with self._status_lock:
            if self._token == token:  # still drawing that state
                self.status.value = self.status_html(values, "computing…")

    def render_png(self) -> bytes:
        """Draw the figure with the Agg canvas and return it as PNG bytes."""
        from PIL import Image

        self._canvas.draw()
        size = self._canvas.get_width_height(physical=True)
        rgba = Image.frombuffer("RGBA", size, self._canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        rgba.convert("RGB").save(buffer, format="png", compress_level=_PNG_COMPRESSION)
        return buffer.getvalue()

    def _render(self) -> None:
        with self._draw_lock:
            values = self.values
            with self._status_lock:
                self._token += 1
                token = self._token
            timer = threading.Timer(self.busy_after, self._show_busy, args=(token, values))
            timer.daemon = True
            timer.start()
            try:
                clock = [time.perf_counter()]
                result = self._compute_cached(values)
                clock.append(time.perf_counter())
                with matplotlib.rc_context(WIDGET_RC):
                    for ax in self.figure.axes:
                        _clear_artists(ax)
                    self.draw(result, self._axes, **values)
                    clock.append(time.perf_counter())
                    png = self.render_png()
                    clock.append(time.perf_counter())
                summary = self.describe(result, **values)
                self.timings = {phase: 1000.0 * (b - a) for phase, a, b in
                                zip(("compute", "artists", "render+png"), clock, clock[1:])}
            finally:
                timer.cancel()
                with self._status_lock:
                    self._token += 1  # a late timer finds a newer token and leaves the status alone
            self.result, self.summary = result, summary
            self.image.value = png
            with self._status_lock:
                self.status.value = self.status_html(values, summary + self._note)
            self._writing_settings = True
            try:
                self.settings_box.value = self._format(values)
            finally:
                self._writing_settings = False
            self.renders += 1

    def _render_reporting_errors(self) -> None:
        try:
            self._render()
        except Exception as err:  # a live front end would only log it; show it where the student looks
            self.error.value = html.escape(f"⚠ {type(err).__name__}: {err}", quote=False)
            with self._status_lock:
                self.status.value = self.status_html(self.values, "not drawn: see the error below")
        else:
            self.error.value = ""

    def _request(self, *, live: bool) -> None:
        """Redraw now (a change made in code) or on the worker thread (a change from the front end)."""
        if not live:
            self._render_reporting_errors()
            return
        with self._state_lock:
            self._pending = True
            if self._worker is not None:
                return  # the worker is drawing: it picks up the latest values when it is done
            self._worker = threading.Thread(target=self._work, name=f"exprlib-{self.kind}", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._state_lock:
                if not self._pending:
                    self._worker = None
                    return
                self._pending = False
            self._render_reporting_errors()

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Block until no redraw is pending (True) or ``timeout`` seconds pass (False)."""
        worker = self._worker
        while worker is not None:
            worker.join(timeout)
            if worker.is_alive():
                return False
            worker = self._worker
        return True

    @staticmethod
    def _from_front_end(change: dict) -> bool:
        # ipywidgets locks the properties a front-end message sets while their observers run
        # (Widget.set_state); a value set in Python has no lock.
        return bool(getattr(change["owner"], "_property_lock", None))

    def _on_control(self, change: dict) -> None:
        if self._hold:
            return
        values = self.values
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        self._note = self.fit_values(values, name)
        if self._note:
            self._set_controls(values)
        self._request(live=self._from_front_end(change))

    def _on_settings_text(self, change: dict) -> None:
        if self._writing_settings or change["new"] == self.settings:
            return  # our own update after a redraw
        try:
            state = self.parse_settings(change["new"])
        except (TypeError, ValueError) as err:
            self.error.value = html.escape(f"⚠ {err}", quote=False)
            return
        self.error.value = ""
        self._note = ""
        self._set_controls(state)
        self._request(live=self._from_front_end(change))

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        import base64

        bundle = super()._repr_mimebundle_(**kwargs)
        # The static picture for renderers without a live kernel (nbconvert, feedback, GitHub).
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        return f"{type(self).__name__}(settings={self.settings!r})"


def make_widget(kind: str | None = None, *, settings: str | None = None) -> LessonWidget:
    """Make a lesson widget by kind, or restore one exactly from its settings string.

    Parameters
    ----------
    kind : str, optional
        A widget kind (``"function1d"``, ``"regions2d"``, ``"approx1d"``, ...); optional when ``settings`` starts
        with ``"<kind>:"``.
    settings : str, optional
        A string copied from a widget's settings box (``w.settings``).

    Returns
    -------
    LessonWidget

    Raises
    ------
    TypeError
        If ``kind`` or ``settings`` is not a str.
    ValueError
        If the kind is unknown or missing, disagrees with the settings' prefix, or the settings
        string is malformed (see :meth:`LessonWidget.parse_settings`).

    Examples
    --------
    >>> w = make_widget("function1d", settings="depth=1;width=2")
    >>> make_widget(settings=w.settings).settings == w.settings
    True
    >>> make_widget(settings="function1d:depth=9")
    Traceback (most recent call last):
    ...
    ValueError: settings: depth must be an int in [1, 5], got 9
    """
    if kind is not None and not isinstance(kind, str):
        raise TypeError(f"kind must be a str, one of {sorted(LessonWidget._registry)}, got {kind!r}")
    if settings is not None and not isinstance(settings, str):
        raise TypeError(f"settings must be a str copied from a widget, got {type(settings).__name__}")
    prefix = settings.partition(":")[0].strip() if settings and ":" in settings else None
    if kind is None and prefix is None:
        raise ValueError(f"make_widget needs a kind, one of {sorted(LessonWidget._registry)}, or settings "
                         f"that start with one (e.g. 'function1d:depth=2'), got settings={settings!r}")
    if kind is not None and prefix is not None and kind != prefix:
        raise ValueError(f"kind {kind!r} disagrees with the settings, which are for {prefix!r}")
    name = kind if kind is not None else prefix
    if name not in LessonWidget._registry:
        raise ValueError(f"unknown widget kind {name!r}; choose one of {sorted(LessonWidget._registry)}")
    return LessonWidget._registry[name](settings=settings)


def plural(n: int, one: str, many: str | None = None) -> str:
    """``"1 region"``, ``"3 regions"``: a count with its noun."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
