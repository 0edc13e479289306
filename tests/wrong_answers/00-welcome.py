"""Plausible wrong answers for 00-welcome: each must fail the named test cells with its hint.

The grading engineer's runner (``course/instructor.py`` ``run_wrong_answers``) replaces the
exercise cell's source with ``source``, re-runs the cells after it, and checks that every test
cell in ``fails`` errors with ``hint`` in its ``Name: message`` line.
"""

_HEAD = '''def activation_pattern_by_hand(net, x):
    """Activation pattern of a ReLU net at the rows of x: (n, N) int8, 1 where z > 0."""
'''


def _pattern(z_line: str = "z = hidden @ weight.T + bias", on: str = "z > 0", pass_on: str = "np.maximum(z, 0.0)",
             layers: str = "[:-1]", result: str = "np.concatenate(patterns, axis=1).astype(np.int8)") -> str:
    """The solution with one piece swapped for a likely slip."""
    return _HEAD + f"""    mlp = as_numpy(net)
    hidden, patterns = x, []
    for weight, bias in zip(mlp.weights{layers}, mlp.biases{layers}):
        {z_line}
        patterns.append({on})
        hidden = {pass_on}
    return {result}
"""


BOTH = ["test_activation_pattern_one_layer", "test_activation_pattern_deep"]

WRONG_ANSWERS = [
    # --- Exercise 1: activation_pattern_by_hand -------------------------------------------
    dict(cell="activation_pattern_by_hand", source=_pattern(on="z >= 0"), fails=BOTH,
         hint="inactive, but your code counts it as active"),
    dict(cell="activation_pattern_by_hand", source=_pattern(z_line="z = hidden @ weight.T"), fails=BOTH,
         hint="did you forget the bias?"),
    dict(cell="activation_pattern_by_hand", source=_pattern(pass_on="z"), fails=["test_activation_pattern_deep"],
         hint="apply ReLU between layers"),
    dict(cell="activation_pattern_by_hand", source=_pattern(layers=""), fails=BOTH,
         hint="readout (the last Linear) has no activation, so it is not a hidden unit"),
    dict(cell="activation_pattern_by_hand", source=_pattern(result="np.concatenate(patterns, axis=1)"), fails=BOTH,
         hint="should have dtype int8, got bool"),
    dict(cell="activation_pattern_by_hand", source=_HEAD + "    return activation_pattern(net, x)\n", fails=BOTH,
         hint="switched off while grading"),
    # --- Exercise 2: regions_3_lines ------------------------------------------------------
    dict(cell="regions_3_lines", source="regions_3_lines = 2 ** 3", fails=["test_regions_3_lines"],
         hint="cannot switch on and off in all 2^3 combinations"),
    dict(cell="regions_3_lines", source="regions_3_lines = 4", fails=["test_regions_3_lines"],
         hint="that is what parallel lines give"),
    dict(cell="regions_3_lines", source="regions_3_lines = 6", fails=["test_regions_3_lines"],
         hint="too low"),
    dict(cell="regions_3_lines", source='regions_3_lines = "7"', fails=["test_regions_3_lines"],
         hint="should be a whole number (an int), got str"),
    # --- The obvious tricks, on the real lesson: rebinding exprlib or a check earns nothing -------
    dict(cell="regions_3_lines",  # bends the reference formula to agree with a wrong answer
         source="import exprlib.bounds\nexprlib.bounds.zaslavsky = lambda *args, **kw: 6\nregions_3_lines = 6",
         fails=["test_regions_3_lines"], hint="too low"),
    dict(cell="regions_3_lines",  # silences the visible check; the hidden test uses a fresh copy
         source="import exprlib.checks\nexprlib.checks.check_regions_of_lines = lambda *args, **kw: None\n"
         "check_regions_of_lines = exprlib.checks.check_regions_of_lines\nregions_3_lines = 6",
         fails=["test_regions_3_lines"], hint="too low"),
    dict(cell="activation_pattern_by_hand",  # silences the visible checks and forbid() itself
         source=_pattern(on="z >= 0") + "\nimport contextlib\nimport exprlib.checks\n"
         "exprlib.checks.check_activation_pattern = check_activation_pattern = lambda *args, **kw: None\n"
         "exprlib.checks.forbid = forbid = lambda *args, **kw: contextlib.nullcontext()\n",
         fails=BOTH, hint="inactive, but your code counts it as active"),
]
