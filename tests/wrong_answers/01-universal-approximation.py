"""Plausible wrong answers for 01-universal-approximation: each must fail the named test cells with its hint.

The runner (``course/instructor.py`` ``run_wrong_answers``) replaces the exercise cell's source
with ``source``, re-runs the cells after it up to the last named test, and checks that every test
cell in ``fails`` errors with ``hint`` in its ``Name: message`` line.
"""

# --- Exercise 1: relu_interpolant_by_hand -----------------------------------------------------

_INTERPOLANT_HEAD = '''def relu_interpolant_by_hand(xs, ys):
    """A one-hidden-layer ReLU net through (x_i, y_i): n = len(xs) - 1 units, kinks at x_0 .. x_(n-1)."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
'''


def _interpolant(slopes: str = "np.diff(ys) / np.diff(xs)", weights: str = "np.diff(slopes, prepend=0.0)",
                 kinks: str = "xs[:-1]", bias: str = "ys[:1]") -> str:
    """The solution with one piece swapped for a likely slip."""
    return _INTERPOLANT_HEAD + f"""    slopes = {slopes}
    weights = {weights}
    kinks = {kinks}
    return from_weights([np.ones((len(kinks), 1)), weights[None, :]], [-kinks, {bias}])
"""


POINTS, STRUCTURE = "test_interpolant_points", "test_interpolant_structure"

# --- Exercise 2: sup_error_by_hand ------------------------------------------------------------

_SUP_HEAD = '''def sup_error_by_hand(approx, target, lo, hi, n_grid=10001):
    """max |approx(x) - target(x)| over n_grid evenly spaced x in [lo, hi] (both ends included)."""
'''

# --- Exercise 3: convergence_rate_by_hand -----------------------------------------------------

_RATE_HEAD = '''def convergence_rate_by_hand(units, errors):
    """The slope p of the least-squares line log(error) = log(C) + p log(units)."""
'''

# --- Exercise 5: sigmoid_bump_by_hand ---------------------------------------------------------

_BUMP_HEAD = '''def sigmoid_bump_by_hand(x, left, right, steepness):
    """sigma(k (x - left)) - sigma(k (x - right)), k = steepness: about 1 on (left, right), 0 outside."""
'''

WRONG_ANSWERS = [
    # Exercise 1 -------------------------------------------------------------------------------
    dict(cell="relu_interpolant_by_hand", source=_interpolant(weights="slopes"), fails=[POINTS],
         hint="is the CHANGE of slope"),
    dict(cell="relu_interpolant_by_hand", source=_interpolant(bias="[0.0]"), fails=[POINTS],
         hint="y_0 is the readout bias"),
    dict(cell="relu_interpolant_by_hand", source=_interpolant(slopes="np.diff(ys)"), fails=[POINTS],
         hint="divide by the spacing"),
    # Kinks at the knots but wrong readout weights or bias: the structure test names those, not the kinks.
    dict(cell="relu_interpolant_by_hand", source=_interpolant(weights="slopes"), fails=[STRUCTURE],
         hint="its kinks sit at the knots, but the readout weight"),
    dict(cell="relu_interpolant_by_hand", source=_interpolant(bias="[0.0]"), fails=[STRUCTURE],
         hint="its kinks sit at the knots, but every point is off by the same amount"),
    # A hinge at every knot: still through every point, but one unit too many.
    dict(cell="relu_interpolant_by_hand",
         source=_interpolant(weights="np.append(np.diff(slopes, prepend=0.0), 1.0)", kinks="xs"),
         fails=[STRUCTURE], hint="One unit too many"),
    # Kinks half-way between the knots.
    dict(cell="relu_interpolant_by_hand", source=_interpolant(kinks="(xs[:-1] + xs[1:]) / 2"),
         fails=[POINTS], hint="misses"),
    dict(cell="relu_interpolant_by_hand", source=_interpolant(kinks="(xs[:-1] + xs[1:]) / 2"),
         fails=[STRUCTURE], hint="which is no knot. Put every kink at a knot x_i."),
    dict(cell="relu_interpolant_by_hand",
         source=_INTERPOLANT_HEAD + "    return relu_interpolant(xs, ys)\n"
         "from exprlib.constructions import relu_interpolant\n",
         fails=[POINTS, STRUCTURE], hint="switched off while grading"),
    dict(cell="relu_interpolant_by_hand",
         source=_INTERPOLANT_HEAD + "    return interpolant_net(lambda x: np.interp(x, xs, ys), len(xs) - 1, lo=xs[0], hi=xs[-1])\n",
         fails=[POINTS, STRUCTURE], hint="switched off while grading"),
    # Exercise 2 -------------------------------------------------------------------------------
    dict(cell="sup_error_by_hand",
         source=_SUP_HEAD + "    x = np.linspace(lo, hi, n_grid)\n    return float(np.max(approx(x) - target(x)))\n",
         fails=["test_sup_error"], hint="take the absolute value"),
    dict(cell="sup_error_by_hand",
         source=_SUP_HEAD + "    x = np.linspace(lo, hi, n_grid)\n    return float(np.mean(np.abs(approx(x) - target(x))))\n",
         fails=["test_sup_error"], hint="not an average"),
    dict(cell="sup_error_by_hand",
         source=_SUP_HEAD + "    x = np.linspace(lo, hi)\n    return float(np.max(np.abs(approx(x) - target(x))))\n",
         fails=["test_sup_error"], hint="use n_grid points"),
    dict(cell="sup_error_by_hand",
         source=_SUP_HEAD + "    x = np.linspace(lo, hi, n_grid)\n    return np.abs(approx(x) - target(x))\n",
         fails=["test_sup_error"], hint="should return one number"),
    dict(cell="sup_error_by_hand",
         source=_SUP_HEAD + "    return sup_error(approx, target, lo=lo, hi=hi, n_grid=n_grid)\n",
         fails=["test_sup_error"], hint="switched off while grading"),
    # Exercise 3 -------------------------------------------------------------------------------
    dict(cell="convergence_rate_by_hand",
         source=_RATE_HEAD + "    return float(np.log(errors[-1] / errors[0]) / np.log(units[-1] / units[0]))\n",
         fails=["test_convergence_rate"], hint="not through the first and last only"),
    dict(cell="convergence_rate_by_hand",
         source=_RATE_HEAD + "    return float(np.polyfit(np.log(errors), np.log(units), 1)[0])\n",
         fails=["test_convergence_rate"], hint="not the other way round"),
    dict(cell="convergence_rate_by_hand",
         source=_RATE_HEAD + "    return float(np.polyfit(units, errors, 1)[0])\n",
         fails=["test_convergence_rate"], hint="take logarithms of both"),
    dict(cell="convergence_rate_by_hand",
         source=_RATE_HEAD + "    return float(np.polyfit(np.log(units), np.log(errors), 1)[1])\n",
         fails=["test_convergence_rate"], hint="the rate is the slope, element [0]"),
    dict(cell="convergence_rate_by_hand",
         source=_RATE_HEAD + "    return convergence_rate(units, errors).rate\n",
         fails=["test_convergence_rate"], hint="switched off while grading"),
    # Exercise 4 -------------------------------------------------------------------------------
    dict(cell="units_needed", source="units_needed = 34", fails=["test_units_needed"], hint="[-1, 1] has length 2"),
    dict(cell="units_needed", source="units_needed = 4500", fails=["test_units_needed"], hint="take a square root"),
    dict(cell="units_needed", source="units_needed = 67", fails=["test_units_needed"], hint="round up"),
    dict(cell="units_needed", source="units_needed = 23", fails=["test_units_needed"],
         hint="each derivative brings out a factor 3"),
    dict(cell="units_needed", source="units_needed = 67.08", fails=["test_units_needed"], hint="should be a whole number"),
    # Exercise 5 -------------------------------------------------------------------------------
    dict(cell="sigmoid_bump_by_hand",
         source=_BUMP_HEAD + "    return sigmoid(steepness * (x - left)) + sigmoid(steepness * (x - right))\n",
         fails=["test_sigmoid_bump"], hint="subtract the second sigmoid"),
    dict(cell="sigmoid_bump_by_hand",
         source=_BUMP_HEAD + "    return sigmoid(steepness * (x - right)) - sigmoid(steepness * (x - left))\n",
         fails=["test_sigmoid_bump"], hint="your bump points down"),
    dict(cell="sigmoid_bump_by_hand",
         source=_BUMP_HEAD + "    return sigmoid(steepness * x - left) - sigmoid(steepness * x - right)\n",
         fails=["test_sigmoid_bump"], hint="scale the shift too"),
    dict(cell="sigmoid_bump_by_hand",
         source=_BUMP_HEAD + "    return sigmoid(steepness * (x - left))\n",
         fails=["test_sigmoid_bump"], hint="that is a single step"),
    dict(cell="sigmoid_bump_by_hand",
         source=_BUMP_HEAD + "    from exprlib.approximation import sigmoid_bump\n"
         "    return sigmoid_bump(x, left=left, right=right, steepness=steepness)\n",
         fails=["test_sigmoid_bump"], hint="switched off while grading"),
]
