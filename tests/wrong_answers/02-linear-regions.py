"""Plausible wrong answers for 02-linear-regions: each must fail the named test cells with its hint.

The runner (``course/instructor.py`` ``run_wrong_answers``) replaces the exercise cell's source with
``source``, re-runs the cells after it, and checks that every test cell in ``fails`` errors with
``hint`` in its ``Name: message`` line. Each entry is the solution with one classic slip.
"""

# --- Exercise 1: activation_pattern_by_hand ---------------------------------------------------

_PATTERN_HEAD = '''def activation_pattern_by_hand(net, x):
    """Activation pattern of a ReLU or hard-tanh net at the rows of x: (n, N) int8."""
'''


def _pattern(z_line: str = "z = hidden @ weight.T + bias", relu: str = "(z > 0).astype(np.int8)",
             hardtanh: str = "(z >= act.hi).astype(np.int8) - (z <= act.lo).astype(np.int8)",
             pass_on: str = "act(z)") -> str:
    """The solution with one piece swapped for a likely slip."""
    return _PATTERN_HEAD + f"""    mlp = as_numpy(net)
    hidden, patterns = x, []
    for weight, bias, act in zip(mlp.weights, mlp.biases, mlp.activations):
        {z_line}
        if act.kind == "relu":
            patterns.append({relu})
        else:
            patterns.append({hardtanh})
        hidden = {pass_on}
    return np.concatenate(patterns, axis=1)
"""


PATTERN_BOTH = ["test_pattern_relu", "test_pattern_hardtanh"]

# --- Exercise 2: count_regions_by_hand --------------------------------------------------------

_COUNT_HEAD = '''def count_regions_by_hand(net, start, end):
    """Exact number of activation regions of net along the segment from start to end."""
'''


def _count(z_line: str = "z = mlp.preactivations(start + t[:, None] * (end - start))[layer]",
           s_line: str = "s = z - threshold", test: str = "left * right < 0",
           at: str = "(t[:-1] + t[1:]) / 2", result: str = "1 + int((patterns[1:] != patterns[:-1]).any(axis=1).sum())",
           grid: str = "t") -> str:
    """The scaffolded solution with one piece swapped for a likely slip."""
    return _COUNT_HEAD + f"""    mlp = as_numpy(net)
    start, end = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    t = np.array([0.0, 1.0])
    for layer, act in enumerate(mlp.activations):
        {z_line}
        grid = {grid}
        new_points = [t]
        for threshold in act.thresholds:
            {s_line}
            left, right = s[:-1], s[1:]
            i, j = np.nonzero({test})
            new_points.append(grid[i] + (grid[i + 1] - grid[i]) * left[i, j] / (left[i, j] - right[i, j]))
        t = np.unique(np.concatenate(new_points))
    where = {at}
    patterns = activation_pattern(net, start + where[:, None] * (end - start))
    return {result}
"""


# Counting crossing events (a touch counted as one) instead of pattern changes.
_COUNT_EVENTS = _COUNT_HEAD + """    mlp = as_numpy(net)
    start, end = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    t, events = np.array([0.0, 1.0]), 0
    for layer, act in enumerate(mlp.activations):
        z = mlp.preactivations(start + t[:, None] * (end - start))[layer]
        new_points = [t]
        for threshold in act.thresholds:
            s = z - threshold
            left, right = s[:-1], s[1:]
            i, j = np.nonzero(left * right <= 0)
            events += len(i)
            keep = left[i, j] != right[i, j]
            i, j = i[keep], j[keep]
            new_points.append(t[i] + (t[i + 1] - t[i]) * left[i, j] / (left[i, j] - right[i, j]))
        t = np.unique(np.concatenate(new_points))
    return 1 + events
"""

# Pre-activations by hand, without the biases.
_COUNT_NO_BIAS = _count(z_line="""hidden = start + t[:, None] * (end - start)
        for weight, act_k in zip(mlp.weights[:layer], mlp.activations[:layer]):
            hidden = act_k(hidden @ weight.T)
        z = hidden @ mlp.weights[layer].T""")

COUNT_ALL = ["test_count_1d_relu", "test_count_1d_hardtanh", "test_count_1d_sawtooth"]

# --- Exercise 3: max_regions_one_layer --------------------------------------------------------

_ZASLAVSKY_HEAD = '''def max_regions_one_layer(n_in, n_units):
    """Regions of n_units hyperplanes in general position in R^n_in (Zaslavsky)."""
'''

# --- Exercise 4: missed -----------------------------------------------------------------------


def _missed(expression: str = "exact - sampled", resolution: str = ", resolution=64") -> str:
    return f"""missed = []
for depth in (1, 2, 3, 4):
    net_d = random_mlp(2, [8] * depth, sigma_b=0.5, seed=SEED)
    exact = count_regions_2d(net_d, (-1, 1, -1, 1))
    sampled = count_regions_sampled(net_d, box=(-1, 1, -1, 1){resolution})
    missed.append({expression})
"""


WRONG_ANSWERS = [
    # --- Exercise 1 ---------------------------------------------------------------------------
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_hardtanh"],
         source=_pattern(hardtanh="(z > act.hi).astype(np.int8) - (z < act.lo).astype(np.int8)"),
         hint="use z <= lo for -1 and z >= hi for +1, not strict < and >"),
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_hardtanh"],
         source=_pattern(hardtanh="(z > 0).astype(np.int8)"),
         hint="the ReLU rule z > 0 does not apply to it"),
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_hardtanh"],
         source=_pattern(hardtanh="(z >= 1).astype(np.int8) - (z <= -1).astype(np.int8)"),
         hint="use each layer's own limits act.lo and act.hi"),
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_hardtanh"],
         source=_pattern(pass_on="np.maximum(z, 0.0)"),
         hint="passes on h = clip(z, lo, hi)"),
    dict(cell="activation_pattern_by_hand", fails=PATTERN_BOTH,
         source=_pattern(z_line="z = hidden @ weight.T"),
         hint="did you forget the bias?"),
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_relu"],
         source=_pattern(relu="(z >= 0).astype(np.int8)"),
         hint="inactive, but your code counts it as active"),
    # The hard-tanh rule for every layer, ReLU ones included (act.kind ignored).
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_relu"],
         source=_pattern(relu="(z >= act.hi).astype(np.int8) - (z <= act.lo).astype(np.int8)"),
         hint="these are ReLU units, but you gave them the hard-tanh states"),
    dict(cell="activation_pattern_by_hand", fails=["test_pattern_hardtanh"],
         source=_pattern(hardtanh="act.pattern(z)"),
         hint="Activation.pattern is switched off while grading"),
    dict(cell="activation_pattern_by_hand", fails=PATTERN_BOTH,
         source=_PATTERN_HEAD + "    return activation_pattern(net, x)\n",
         hint="switched off while grading"),
    # --- Exercise 2 ---------------------------------------------------------------------------
    dict(cell="count_regions_by_hand", fails=COUNT_ALL,
         source=_count(result="int((patterns[1:] != patterns[:-1]).any(axis=1).sum())"),
         hint="regions = breakpoints + 1"),
    # Counting points instead of pattern changes: wrong where two units share a kink.
    dict(cell="count_regions_by_hand", fails=["test_count_1d_relu"],
         source=_count(result="len(t) - 1"),
         hint="it counts the points found, not the pattern changes"),
    # A plain off-by-one is not blamed on touching.
    dict(cell="count_regions_by_hand", fails=COUNT_ALL,
         source=_count(result="2 + int((patterns[1:] != patterns[:-1]).any(axis=1).sum())"),
         hint="it is one too high on every segment"),
    # A `<= 0` sign test: 0/0 = NaN crossings on the sawtooth, where units sit at 0 at both ends.
    dict(cell="count_regions_by_hand", fails=["test_count_1d_sawtooth"],
         source=_count(test="left * right <= 0"),
         hint="a crossing t* = 0/0"),
    dict(cell="count_regions_by_hand", fails=["test_count_1d_sawtooth"],
         source=_count(at="t"),
         hint="touches its threshold without crossing it"),
    dict(cell="count_regions_by_hand", fails=["test_count_1d_sawtooth"],
         source=_COUNT_EVENTS,
         hint="a crossing needs strictly opposite signs"),
    dict(cell="count_regions_by_hand", fails=["test_count_1d_hardtanh"],
         source=_count(s_line="s = z"),
         hint="changes its pattern at two thresholds"),
    dict(cell="count_regions_by_hand", fails=["test_count_1d_hardtanh"],
         source=_count(s_line="s = z - act.lo"),
         hint="changes its pattern at two thresholds"),
    dict(cell="count_regions_by_hand", fails=["test_count_1d_relu", "test_count_1d_hardtanh"],
         source=_COUNT_NO_BIAS,
         hint="did you forget the bias?"),
    dict(cell="count_regions_by_hand", fails=["test_count_1d_relu", "test_count_1d_sawtooth"],
         source=_count(z_line="z = mlp.preactivations(np.stack([start, end]))[layer]", grid="np.array([0.0, 1.0])"),
         hint="refine layer by layer"),
    dict(cell="count_regions_by_hand", fails=COUNT_ALL,
         source=_COUNT_HEAD + "    return count_regions_1d(net, start, end)\n",
         hint="switched off while grading"),
    # --- Exercise 3 ---------------------------------------------------------------------------
    dict(cell="max_regions_one_layer", fails=["test_max_regions_one_layer"],
         source=_ZASLAVSKY_HEAD + "    return 2 ** n_units\n",
         hint="every on/off combination of the units"),
    dict(cell="max_regions_one_layer", fails=["test_max_regions_one_layer"],
         source=_ZASLAVSKY_HEAD + "    return sum(math.comb(n_units, j) for j in range(n_in))\n",
         hint="range(n_in + 1), not range(n_in)"),
    dict(cell="max_regions_one_layer", fails=["test_max_regions_one_layer"],
         source=_ZASLAVSKY_HEAD + "    return sum(math.comb(n_in, j) for j in range(n_units + 1))\n",
         hint="C(n_units, j), not C(n_in, j)"),
    dict(cell="max_regions_one_layer", fails=["test_max_regions_one_layer"],
         source=_ZASLAVSKY_HEAD + "    return float(sum(math.comb(n_units, j) for j in range(n_in + 1)))\n",
         hint="returned a float"),
    dict(cell="max_regions_one_layer", fails=["test_max_regions_one_layer"],
         source=_ZASLAVSKY_HEAD + "    return zaslavsky(n_in, n_units)\n",
         hint="switched off while grading"),
    # --- Exercise 4 ---------------------------------------------------------------------------
    dict(cell="missed", fails=["test_missed"], source=_missed(expression="sampled - exact"),
         hint="is negative: sampling can never find more regions than there are"),
    dict(cell="missed", fails=["test_missed"], source=_missed(resolution=""),
         hint="pass resolution=64"),
    dict(cell="missed", fails=["test_missed"], source=_missed(expression="exact"),
         hint="holds the exact counts"),
    dict(cell="missed", fails=["test_missed"], source="missed = None  # replace None with a list of four whole numbers",
         hint="still None"),
]
