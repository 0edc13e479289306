"""Plausible wrong answers for 04-trajectory-length: each must fail the named test cells with its hint.

The runner (``course/instructor.py`` ``run_wrong_answers``) replaces the exercise cell's source with
``source``, re-runs the cells after it, and checks that every test cell in ``fails`` errors with
``hint`` in its ``Name: message`` line. Each entry is the solution with one classic slip.
"""

# --- Exercise 1: polyline_length ---------------------------------------------------------------

_LENGTH_HEAD = '''def polyline_length(points):
    """Length of the polyline through the rows of points (an (n, d) array)."""
'''


def _length(body: str) -> str:
    return _LENGTH_HEAD + "    steps = np.diff(points, axis=0)\n" + f"    return {body}\n"


# --- Exercise 2: growth_rate_by_hand -----------------------------------------------------------

_GROWTH_HEAD = '''def growth_rate_by_hand(lengths):
    """Growth per layer g: exp of the least-squares slope of log(lengths) against the layer index."""
    layers = np.arange(len(lengths))
'''


def _growth(body: str) -> str:
    return _GROWTH_HEAD + f"    return {body}\n"


# --- Exercise 3a: beta_by_hand -----------------------------------------------------------------

_BETA_HEAD = '''def beta_by_hand(sigma_w, sigma_b, k):
    """Raghu et al.'s hard-tanh growth base beta(sigma_w, sigma_b, k)."""
    s = math.sqrt(sigma_w**2 + sigma_b**2)
'''


def _beta(body: str) -> str:
    return _BETA_HEAD + f"    return {body}\n"


# --- Exercise 3b: beta_gap ---------------------------------------------------------------------


def _gap(lengths: str = "lengths_16_50.mean(axis=0)[1:]", gap: str = "1 - measured / beta_by_hand(4.0, 0.0, 50)") -> str:
    return f"""lengths_16_50, _ = grid[16, 50]
measured = growth_rate_by_hand({lengths})
beta_gap = {gap}
"""


# --- Exercise 4a: transitions_per_layer --------------------------------------------------------

_TRANSITIONS_HEAD = '''def transitions_per_layer(net, x0, x1):
    """Exact transitions of each hidden layer along the arc x0 cos t + x1 sin t, t in [0, pi/2]."""
    mlp = as_numpy(net)
'''


def _transitions(t_line: str = "t = np.concatenate(([0.0], breakpoints_arc(net, x0, x1), [np.pi / 2]))",
                 at: str = "(t[:-1] + t[1:]) / 2", columns: str = "first:first + width") -> str:
    return _TRANSITIONS_HEAD + f"""    {t_line}
    mid = {at}
    patterns = activation_pattern(net, np.cos(mid)[:, None] * x0 + np.sin(mid)[:, None] * x1)
    counts, first = [], 0
    for width in mlp.widths:
        layer = patterns[:, {columns}]
        counts.append(int((layer[1:] != layer[:-1]).any(axis=1).sum()))
        first += width
    return np.array(counts)
"""


# --- Exercise 4b: proportional_fit -------------------------------------------------------------

_FIT_HEAD = '''def proportional_fit(x, y):
    """Least-squares slope c of y = c x, a line through the origin."""
'''

WRONG_ANSWERS = [
    # --- Exercise 1 ---------------------------------------------------------------------------
    dict(cell="polyline_length", fails=["test_polyline_length"], source=_length("float((steps**2).sum())"),
         hint="added the squared lengths"),
    dict(cell="polyline_length", fails=["test_polyline_length"], source=_length("float(np.linalg.norm(steps))"),
         hint="the norm of the whole array of steps is one number"),
    dict(cell="polyline_length", fails=["test_polyline_length"],
         source=_length("float(np.linalg.norm(points[-1] - points[0]))"),
         hint="straight distance from the first point to the last"),
    dict(cell="polyline_length", fails=["test_polyline_length"], source=_length("float(np.abs(steps).sum())"),
         hint="not the sum of the absolute values"),
    dict(cell="polyline_length", fails=["test_polyline_length"],
         source=_LENGTH_HEAD + "    return float(np.linalg.norm(np.diff(points, axis=1), axis=1).sum())\n",
         hint="consecutive points (rows), not between coordinates"),
    dict(cell="polyline_length", fails=["test_polyline_length"],
         source=_LENGTH_HEAD + "    from exprlib.trajectory import length\n    return length(points)\n",
         hint="switched off while grading"),
    # --- Exercise 2 ---------------------------------------------------------------------------
    dict(cell="growth_rate_by_hand", fails=["test_growth_rate"],
         source=_growth("float(np.polyfit(layers, np.log(lengths), 1)[0])"),
         hint="the growth factor per layer is exp(slope)"),
    dict(cell="growth_rate_by_hand", fails=["test_growth_rate"],
         source=_growth("float((lengths[-1] / lengths[0]) ** (1 / (len(lengths) - 1)))"),
         hint="not through the first and last only"),
    dict(cell="growth_rate_by_hand", fails=["test_growth_rate"],
         source=_growth("float(np.mean(lengths[1:] / lengths[:-1]))"),
         hint="the mean of the layer-to-layer ratios"),
    dict(cell="growth_rate_by_hand", fails=["test_growth_rate"],
         source=_growth("float(np.exp(np.polyfit(layers, np.log10(lengths), 1)[0]))"),
         hint="the same base"),
    dict(cell="growth_rate_by_hand", fails=["test_growth_rate"],
         source=_growth("float(np.exp(np.polyfit(layers, np.log(lengths), 1)[1]))"),
         hint="[slope, intercept]"),
    # --- Exercise 3a --------------------------------------------------------------------------
    dict(cell="beta_by_hand", fails=["test_beta"],
         source=_beta("sigma_w**2 * math.sqrt(k) / math.sqrt(s**2 + k * s)"),
         hint="sigma_w is a standard deviation"),
    dict(cell="beta_by_hand", fails=["test_beta"], source=_beta("sigma_w * math.sqrt(k) / math.sqrt(s**2 + k * s**2)"),
         hint="square ROOT of sigma_w^2 + sigma_b^2"),
    dict(cell="beta_by_hand", fails=["test_beta"], source=_beta("sigma_w * math.sqrt(k) / (s**2 + k * s)"),
         hint="the whole denominator sits under a square root"),
    dict(cell="beta_by_hand", fails=["test_beta"],
         source=_beta("sigma_w * math.sqrt(k) / math.sqrt(sigma_w**2 + k * sigma_w)"),
         hint="the biases count too"),
    dict(cell="beta_by_hand", fails=["test_beta"], source=_beta("sigma_w / math.sqrt(s)"),
         hint="keep k in the formula"),
    dict(cell="beta_by_hand", fails=["test_beta"], source=_beta("raghu_beta(sigma_w, sigma_b, k)"),
         hint="switched off while grading"),
    # --- Exercise 3b --------------------------------------------------------------------------
    dict(cell="beta_gap", fails=["test_beta_gap"], source=_gap(gap="measured / beta_by_hand(4.0, 0.0, 50) - 1"),
         hint="has the wrong sign"),
    dict(cell="beta_gap", fails=["test_beta_gap"], source=_gap(gap="100 * (1 - measured / beta_by_hand(4.0, 0.0, 50))"),
         hint="a fraction, not a percentage"),
    dict(cell="beta_gap", fails=["test_beta_gap"], source=_gap(gap="1 - measured / beta_by_hand(16.0, 0.0, 50)"),
         hint="the standard deviations, not the variances"),
    dict(cell="beta_gap", fails=["test_beta_gap"], source=_gap(lengths="lengths_16_50.mean(axis=0)"),
         hint="fit the lengths from layer 1 on"),
    dict(cell="beta_gap", fails=["test_beta_gap"], source=_gap(gap="1 - measured / hardtanh_meanfield_growth(4.0, 0.0)"),
         hint="not with the mean-field factor"),
    dict(cell="beta_gap", fails=["test_beta_gap"], source="beta_gap = None  # replace None with 1 - measured / beta",
         hint="still None"),
    # --- Exercise 4a --------------------------------------------------------------------------
    dict(cell="transitions_per_layer", fails=["test_transitions_per_layer"], source=_transitions(at="t"),
         hint="reads the patterns AT the breakpoints"),
    dict(cell="transitions_per_layer", fails=["test_transitions_per_layer"],
         source=_transitions(t_line="t = np.asarray(breakpoints_arc(net, x0, x1))"),
         hint="the first and last pieces of the arc are missing"),
    dict(cell="transitions_per_layer", fails=["test_transitions_per_layer"], source=_transitions(columns=":first + width"),
         hint="compare layer l's units only"),
    dict(cell="transitions_per_layer", fails=["test_transitions_per_layer"],
         source=_TRANSITIONS_HEAD + "    return np.full(mlp.depth, len(breakpoints_arc(net, x0, x1)))\n",
         hint="every layer got the total number of breakpoints"),
    dict(cell="transitions_per_layer", fails=["test_transitions_per_layer"],
         source=_TRANSITIONS_HEAD + "    return exact_layer_transitions_arc(net, x0, x1)\n",
         hint="switched off while grading"),
    # --- Exercise 4b --------------------------------------------------------------------------
    dict(cell="proportional_fit", fails=["test_proportional_fit"],
         source=_FIT_HEAD + "    return float(np.polyfit(x, y, 1)[0])\n", hint="has no intercept"),
    dict(cell="proportional_fit", fails=["test_proportional_fit"], source=_FIT_HEAD + "    return float(y.sum() / x.sum())\n",
         hint="the ratio of the sums"),
    dict(cell="proportional_fit", fails=["test_proportional_fit"], source=_FIT_HEAD + "    return float(np.mean(y / x))\n",
         hint="the mean of the ratios"),
    dict(cell="proportional_fit", fails=["test_proportional_fit"],
         source=_FIT_HEAD + "    return float(np.dot(x, y) / np.dot(y, y))\n", hint="not the other way round"),
]
