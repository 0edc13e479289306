"""Plausible wrong answers for 05-depth-separation: each must fail the named test cells with its hint.

The runner (``course/instructor.py`` ``run_wrong_answers``) replaces the exercise cell's source with
``source``, re-runs the cells after it, and checks that every test cell in ``fails`` errors with
``hint`` in its ``Name: message`` line. Each entry is the solution with one classic slip.
"""

# --- Exercise 1: sawtooth_net ----------------------------------------------------------------

_SAW_HEAD = '''def sawtooth_net(k):
    """Telgarsky's sawtooth f^k as a ReLU net: k hidden layers of 2 units, made with from_weights."""
'''


def _saw(tent: str = "[[2.0, -4.0]]", later: str = "np.ones((2, 1)) @ tent", depth: str = "k - 1",
         bias: str = "[hinge_b] * (len(weights) - 1)") -> str:
    """The solution with one piece swapped for a likely slip."""
    return _SAW_HEAD + f"""    hinge_b = np.array([0.0, -0.5])
    tent = np.array({tent})
    weights = [np.array([[1.0], [1.0]])] + [{later}] * ({depth}) + [tent]
    biases = {bias} + [np.zeros(1)]
    return from_weights(weights, biases)
"""


# --- Exercise 2: shallow_l2_bound -------------------------------------------------------------

_BOUND_HEAD = '''def shallow_l2_bound(k, m):
    """Lower bound on ||g - f^k||_2 over [0, 1] for any net g with one hidden layer of m ReLUs."""
'''


def _bound(teeth: str = "2 ** (k - 1)", value: str = "math.sqrt((1 - m / teeth) / 12)", clip: bool = True) -> str:
    guard = "    if m >= teeth:\n        return 0.0\n" if clip else ""
    return _BOUND_HEAD + f"    teeth = {teeth}\n{guard}    return {value}\n"


# --- Exercise 3: frozen_term ------------------------------------------------------------------

_TERM_HEAD = '''def frozen_term(weights, biases, sigma):
    """g_sigma: one hidden layer, g_sigma <= f everywhere, = f where x's first-layer pattern is sigma."""
'''


def _term(signs: str = "1.0 - 2.0 * s", kappa: str = "np.abs(w2).T @ np.abs(v[0])") -> str:
    return _TERM_HEAD + f"""    (w1, w2, v), (b1, b2, c) = weights, biases
    s = np.asarray(sigma, dtype=float)
    signs = {signs}
    kappa = {kappa}
    hidden_w = np.vstack([signs[:, None] * w1, w2 @ (s[:, None] * w1)])
    hidden_b = np.concatenate([signs * b1, w2 @ (s * b1) + b2])
    readout = np.concatenate([-kappa, v[0]])[None, :]
    return from_weights([hidden_w, readout], [hidden_b, c])
"""


# --- Exercise 4: shallow_units ----------------------------------------------------------------

_UNITS_HEAD = '''def shallow_units(widths):
    """Hidden units, over all terms, of the full max-of-shallow rewrite of a net with these hidden widths."""
'''

WRONG_ANSWERS = [
    # --- Exercise 1 ---------------------------------------------------------------------------
    dict(cell="sawtooth_net", fails=["test_sawtooth_net"], source=_saw(depth="k - 2"),
         hint="build one width-2 layer per composition"),
    dict(cell="sawtooth_net", fails=["test_sawtooth_net"], source=_saw(tent="[[2.0, -2.0]]"),
         hint="does not come back down"),
    dict(cell="sawtooth_net", fails=["test_sawtooth_net"], source=_saw(tent="[[1.0, -2.0]]"),
         hint="peaks at the wrong height"),
    dict(cell="sawtooth_net", fails=["test_sawtooth_net"], source=_saw(later="np.eye(2)"),
         hint="fold that mix into its weights"),
    dict(cell="sawtooth_net", fails=["test_sawtooth_net"],
         source=_saw(bias="[hinge_b] + [np.zeros(2)] * (len(weights) - 2)"),
         hint="keep the hinge at 1/2 in its bias"),
    dict(cell="sawtooth_net", fails=["test_sawtooth_net"],
         source=_SAW_HEAD + "    return sawtooth(k)\n",
         hint="switched off while grading"),
    # --- Exercise 2 ---------------------------------------------------------------------------
    dict(cell="shallow_l2_bound", fails=["test_shallow_l2_bound"], source=_bound(teeth="2 ** k"),
         hint="only 2^(k-1) teeth"),
    dict(cell="shallow_l2_bound", fails=["test_shallow_l2_bound"], source=_bound(value="(1 - m / teeth) / 12"),
         hint="take the square root"),
    dict(cell="shallow_l2_bound", fails=["test_shallow_l2_bound"], source=_bound(value="math.sqrt((1 - m / teeth) / 4)"),
         hint="not 1/4"),
    dict(cell="shallow_l2_bound", fails=["test_shallow_l2_bound"], source=_bound(value="math.sqrt((teeth - m) / 12)"),
         hint="weight its error 1/12 by its length"),
    dict(cell="shallow_l2_bound", fails=["test_shallow_l2_bound"], source=_bound(clip=False),
         hint="return 0 there"),
    # --- Exercise 3 ---------------------------------------------------------------------------
    dict(cell="frozen_term", fails=["test_frozen_term"], source=_term(kappa="np.zeros(len(b1))"),
         hint="subtract a penalty for every violated first-layer unit"),
    dict(cell="frozen_term", fails=["test_frozen_term"], source=_term(kappa="w2.T @ v[0]"),
         hint="takes absolute values of W2 and v"),
    # (a LARGER penalty, e.g. sum |v| for every unit where |W2| is small, is still right: g <= f holds)
    dict(cell="frozen_term", fails=["test_frozen_term"], source=_term(signs="s"),
         hint="it penalises the wrong units"),
    dict(cell="frozen_term", fails=["test_frozen_term"], source=_term(signs="2.0 * s - 1.0"),
         hint="its violations have the wrong sign"),
    # --- Exercise 4 ---------------------------------------------------------------------------
    dict(cell="shallow_units", fails=["test_shallow_units"], source=_UNITS_HEAD + "    return 2 ** sum(widths) * sum(widths)\n",
         hint="only the layers below the last are frozen"),
    dict(cell="shallow_units", fails=["test_shallow_units"], source=_UNITS_HEAD + "    return 2 ** sum(widths[:-1])\n",
         hint="that counts the terms"),
    dict(cell="shallow_units", fails=["test_shallow_units"],
         source=_UNITS_HEAD + "    return 2 ** sum(widths[:-1]) * widths[-1]\n",
         hint="not only the last layer's units"),
    dict(cell="shallow_units", fails=["test_shallow_units"],
         source=_UNITS_HEAD + "    return float(2 ** sum(widths[:-1]) * sum(widths))\n",
         hint="should return a whole number"),
]
