"""Plausible wrong answers for 03-counting-regions: each must fail the named test cells with its hint.

The runner (``course/instructor.py`` ``run_wrong_answers``) replaces the exercise cell's source with
``source``, re-runs the cells after it, and checks that every test cell in ``fails`` errors with
``hint`` in its ``Name: message`` line. Each entry is the solution with one classic slip.
"""

# --- Exercise 1: serra_upper_bound -----------------------------------------------------------

_SERRA_HEAD = '''def serra_upper_bound(n_in, widths):
    """Serra et al.'s upper bound on the regions of a ReLU net with n_in inputs and these hidden widths."""
'''


def _serra(cap_line: str = "if j > min(cap, n):", update: str = "cap = min(cap, n - j)", start: str = "n_in",
           result: str = "total") -> str:
    """The enumeration solution with one piece swapped for a likely slip."""
    return _SERRA_HEAD + f"""    import itertools

    total = 0
    for js in itertools.product(*[range(n + 1) for n in widths]):
        cap, inside = {start}, True
        for n, j in zip(widths, js):
            {cap_line}
                inside = False
                break
            {update}
        if inside:
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js))
    return {result}
"""


# Montufar et al. 2017's product bound: caps made of the widths alone.
_SERRA_PRODUCT_2017 = _SERRA_HEAD + """    total, cap = 1, n_in
    for n in widths:
        cap = min(cap, n)
        total *= sum(math.comb(n, j) for j in range(cap + 1))
    return total
"""

# One-layer counts multiplied, as if every layer saw all n_0 dimensions.
_SERRA_NO_BOTTLENECK = _SERRA_HEAD + """    return math.prod(sum(math.comb(n, j) for j in range(n_in + 1)) for n in widths)
"""

# The cap remembers only the previous layer, not the running minimum.
_SERRA_PREVIOUS_ONLY = _SERRA_HEAD + """    import itertools

    total = 0
    for js in itertools.product(*[range(n + 1) for n in widths]):
        inside = True
        for l, (n, j) in enumerate(zip(widths, js)):
            cap = min(n_in, n) if l == 0 else min(n_in, widths[l - 1] - js[l - 1], n)
            if j > cap:
                inside = False
                break
        if inside:
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js))
    return total
"""

SERRA_BOTH = ["test_serra_upper_simple", "test_serra_upper_deep"]

# --- Exercise 2: folding_layer ------------------------------------------------------------------

_FOLD_HEAD = '''def folding_layer(p):
    """p ReLUs whose combination folds [0, 1] into p monotone teeth onto one interval."""
'''


def _fold(weights: str = "np.full((p, 1), float(p))", biases: str = "-k.astype(float)",
          mix: str = "np.where(k == 0, 1.0, 2.0 * (-1.0) ** k)[None, :]", result: str = "unit_weights, unit_biases, mix, np.zeros(1)") -> str:
    return _FOLD_HEAD + f"""    k = np.arange(p)
    unit_weights = {weights}
    unit_biases = {biases}
    mix = {mix}
    return {result}
"""


# --- Exercise 3: max_regions_net ----------------------------------------------------------------

_MAX_HEAD = '''def max_regions_net(widths):
    """A 1-input ReLU net with these hidden widths (each >= 3) and prod(n_l + 1) regions on [0, 1]."""
'''


def _max(layer: str = "zigzag_layer(n)", bias: str = "unit_w @ mix_b + unit_b", readout: bool = True) -> str:
    tail = """    weights.append(layers[-1][2])
    biases.append(layers[-1][3])
""" if readout else ""
    return _MAX_HEAD + f"""    layers = [{layer} for n in widths]
    weights, biases = [layers[0][0]], [layers[0][1]]
    for (unit_w, unit_b, _, _), (_, _, mix_w, mix_b) in zip(layers[1:], layers[:-1]):
        weights.append(unit_w @ mix_w)
        biases.append({bias})
{tail}    return from_weights(weights, biases)
"""


# --- Exercise 4: density ------------------------------------------------------------------------


def _density(widths: str = "[n // depth] * depth", sigma: str = ", sigma_b=0.1", order: str = "rows") -> str:
    inner = f"np.mean([region_density(random_mlp(2, {widths}{sigma}, seed=s), n_lines=20, seed=s) for s in range(4)])"
    if order == "rows":
        body = f"np.array([[{inner} for depth in DEPTHS] for n in BUDGETS])"
    else:
        body = f"np.array([[{inner} for n in BUDGETS] for depth in DEPTHS])"
    return f"""BUDGETS, DEPTHS = (24, 48, 96), (1, 2, 3, 4)
density = {body}
density.round(2)
"""


WRONG_ANSWERS = [
    # --- Exercise 1 ---------------------------------------------------------------------------
    dict(cell="serra_upper_bound", fails=SERRA_BOTH,
         source=_SERRA_HEAD + "    return 2 ** sum(widths)\n",
         hint="that is 2^N, one region per on/off pattern"),
    dict(cell="serra_upper_bound", fails=SERRA_BOTH, source=_SERRA_NO_BOTTLENECK,
         hint="as if every layer saw all n_0 input dimensions"),
    dict(cell="serra_upper_bound", fails=["test_serra_upper_deep"], source=_SERRA_PRODUCT_2017,
         hint="Montufar et al.'s 2017 product bound"),
    dict(cell="serra_upper_bound", fails=["test_serra_upper_deep"], source=_SERRA_PREVIOUS_ONLY,
         hint="running minimum over ALL earlier layers"),
    dict(cell="serra_upper_bound", fails=SERRA_BOTH, source=_serra(cap_line="if j >= min(cap, n):"),
         hint="the ranges in J are inclusive"),
    dict(cell="serra_upper_bound", fails=SERRA_BOTH, source=_serra(result="float(total)"),
         hint="returned a float"),
    dict(cell="serra_upper_bound", fails=SERRA_BOTH, source=_SERRA_HEAD + "    return serra_upper(n_in, widths)\n",
         hint="switched off while grading"),
    # --- Exercise 2 ---------------------------------------------------------------------------
    dict(cell="folding_layer", fails=["test_folding_layer"], source=_fold(mix="np.ones((1, p))"),
         hint="alternate the signs of the mix coefficients"),
    dict(cell="folding_layer", fails=["test_folding_layer"], source=_fold(mix="((-1.0) ** k)[None, :]"),
         hint="A unit that only cancels the slope so far leaves g flat"),
    dict(cell="folding_layer", fails=["test_folding_layer"],
         source=_fold(weights="np.where(k == 0, 1.0, 2.0)[:, None]", biases="-k.astype(float)",
                      mix="((-1.0) ** k)[None, :]"),
         hint="The paper's relu(2s - (k - 1)) fits its teeth on a longer interval"),
    dict(cell="folding_layer", fails=["test_folding_layer"], source=_fold(biases="-(k + 1.0)"),
         hint="The first unit must already be on just after s = 0"),
    dict(cell="folding_layer", fails=["test_folding_layer"],
         source=_fold(result="from_weights([unit_weights, mix], [unit_biases, np.zeros(1)])"),
         hint="should return a tuple of four arrays"),
    # --- Exercise 3 ---------------------------------------------------------------------------
    dict(cell="max_regions_net", fails=["test_max_regions_net"], source=_max(bias="unit_b"),
         hint="constant included, so its bias is"),
    dict(cell="max_regions_net", fails=["test_max_regions_net"], source=_max(layer="folding_layer(n)"),
         hint="n units must make n + 1 teeth"),
    dict(cell="max_regions_net", fails=["test_max_regions_net"], source=_max(readout=False),
         hint="build one hidden layer per entry of widths"),
    dict(cell="max_regions_net", fails=["test_max_regions_net"],
         source=_MAX_HEAD + "    from exprlib.constructions import serra_1d_net\n\n    return serra_1d_net(widths)\n",
         hint="switched off while grading"),
    # --- Exercise 4 ---------------------------------------------------------------------------
    dict(cell="density", fails=["test_density"], source=_density(widths="[n] * depth"),
         hint="units in EVERY layer"),
    dict(cell="density", fails=["test_density"], source=_density(sigma=""),
         hint="default sigma_b = 0"),
    dict(cell="density", fails=["test_density"], source=_density(order="columns"),
         hint="one ROW per neuron budget"),
    dict(cell="density", fails=["test_density"],
         source="BUDGETS, DEPTHS = (24, 48, 96), (1, 2, 3, 4)\ndensity = None  # replace None with a (3, 4) array\n",
         hint="still None"),
]
