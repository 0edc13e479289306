"""Plausible wrong answers for 06-expressivity-and-training: each must fail the named test cells with its hint.

The runner (``course/instructor.py`` ``run_wrong_answers``) replaces the exercise cell's source with
``source``, re-runs the cells after it, and checks that every test cell in ``fails`` errors with
``hint`` in its ``Name: message`` line. Each entry is the solution with one classic slip.
"""

# --- Exercise 1: accuracy_by_trained_layer ------------------------------------------------------

_LOOP_HEAD = '''def accuracy_by_trained_layer(net, data, steps):
    """Test accuracy after training each hidden layer of net alone (layers 1..depth), from the same net."""
    X_train, X_test, y_train, y_test = data
    depth = len(as_numpy(net).widths)  # number of hidden layers
'''

_LOOP_CHAINED = _LOOP_HEAD + '''    out = []
    for l in range(1, depth + 1):
        net = train_layer(net, l, X_train, y_train, steps=steps)
        out.append(accuracy(net, X_test, y_test))
    return out
'''

# --- Exercise 2: gradient_correlation_by_hand ---------------------------------------------------

_GRAD_HEAD = '''def gradient_correlation_by_hand(net, start, end, n_points=256):
    """Pearson correlation of neighbouring gradients df/dt along the line start + t (end - start)."""
    t = torch.linspace(0.0, 1.0, n_points, dtype=torch.float64, requires_grad=True)
    a, b = torch.as_tensor(start, dtype=torch.float64), torch.as_tensor(end, dtype=torch.float64)
    (g,) = torch.autograd.grad(net(a + t[:, None] * (b - a)).sum(), t)
    g = g.detach().numpy()
'''

# --- Exercise 3: interval_states ----------------------------------------------------------------

_STATES_HEAD = '''def interval_states(net, box):
    """Per hidden layer: +1 always active, -1 never active, 0 undecided, by interval bounds on the box."""
    mlp = as_numpy(net)
    lo, hi = (np.asarray(v, dtype=float) for v in box)
    states = []
    for w, b in zip(mlp.weights[:-1], mlp.biases[:-1]):
'''

# --- Exercise 4: prune_inactive -----------------------------------------------------------------

_PRUNE_HEAD = '''def prune_inactive(net, states):
    """A copy of net without its never-active units (state -1 in states, one array per hidden layer)."""
    mlp = as_numpy(net)
    weights, biases = [w.copy() for w in mlp.weights], [b.copy() for b in mlp.biases]
    for l, state in enumerate(states):
'''

WRONG_ANSWERS = [
    # --- Exercise 1 ---------------------------------------------------------------------------
    dict(cell="accuracy_by_trained_layer", fails=["test_accuracy_by_trained_layer"], source=_LOOP_CHAINED,
         hint="start from the original net"),
    dict(cell="accuracy_by_trained_layer", fails=["test_accuracy_by_trained_layer"],
         source=_LOOP_HEAD + "    return [accuracy(train_layer(net, l, X_train, y_train, steps=steps), X_train, y_train)"
                             " for l in range(1, depth + 1)]\n",
         hint="accuracy on the training set"),
    dict(cell="accuracy_by_trained_layer", fails=["test_accuracy_by_trained_layer"],
         source=_LOOP_HEAD + "    return [accuracy(train_layer(net, l, X_train, y_train, steps=steps), X_test, y_test)"
                             " for l in range(1, depth)]\n",
         hint="one accuracy per hidden layer"),
    # --- Exercise 2 ---------------------------------------------------------------------------
    dict(cell="gradient_correlation_by_hand", fails=["test_gradient_correlation"],
         source=_GRAD_HEAD + "    return float(np.corrcoef(g, g)[0, 1])\n", hint="with themselves"),
    dict(cell="gradient_correlation_by_hand", fails=["test_gradient_correlation"],
         source=_GRAD_HEAD + "    return float(g[:-1] @ g[1:] / np.sqrt((g[:-1] @ g[:-1]) * (g[1:] @ g[1:])))\n",
         hint="subtract the means"),
    dict(cell="gradient_correlation_by_hand", fails=["test_gradient_correlation"],
         source=_GRAD_HEAD + "    return float(np.corrcoef(g[:-1], g[1:])[0, 1])\n", hint="correlation as 1"),
    # --- Exercise 3 ---------------------------------------------------------------------------
    dict(cell="interval_states", fails=["test_interval_states"],
         source=_STATES_HEAD + '''        z_lo, z_hi = w @ lo + b, w @ hi + b
        z_lo, z_hi = np.minimum(z_lo, z_hi), np.maximum(z_lo, z_hi)
        states.append(np.where(z_hi <= 0, -1, np.where(z_lo >= 0, 1, 0)))
        lo, hi = np.maximum(z_lo, 0.0), np.maximum(z_hi, 0.0)
    return states
''', hint="negative"),
    dict(cell="interval_states", fails=["test_interval_states"],
         source=_STATES_HEAD + '''        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        z_lo, z_hi = w @ mid + b - np.abs(w) @ rad, w @ mid + b + np.abs(w) @ rad
        states.append(np.where(z_hi <= 0, -1, np.where(z_lo >= 0, 1, 0)))
        lo, hi = z_lo, z_hi
    return states
''', hint="through the ReLU"),
    dict(cell="interval_states", fails=["test_interval_states"],
         source=_STATES_HEAD + '''        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        z_lo, z_hi = w @ mid + b - np.abs(w) @ rad, w @ mid + b + np.abs(w) @ rad
        states.append(np.where(z_hi <= 0, 1, np.where(z_lo >= 0, -1, 0)))
        lo, hi = np.maximum(z_lo, 0.0), np.maximum(z_hi, 0.0)
    return states
''', hint="swapped"),
    # --- Exercise 4 ---------------------------------------------------------------------------
    dict(cell="prune_inactive", fails=["test_prune_inactive"],
         source=_PRUNE_HEAD + '''        keep = np.asarray(state) != 1
        weights[l], biases[l] = weights[l][keep], biases[l][keep]
        weights[l + 1] = weights[l + 1][:, keep]
    return from_weights(weights, biases)
''', hint="removed the always-active units"),
    dict(cell="prune_inactive", fails=["test_prune_inactive"],
         source=_PRUNE_HEAD + '''        keep = np.asarray(state) == 0
        weights[l], biases[l] = weights[l][keep], biases[l][keep]
        weights[l + 1] = weights[l + 1][:, keep]
    return from_weights(weights, biases)
''', hint="always-active units too"),
    dict(cell="prune_inactive", fails=["test_prune_inactive"],
         source=_PRUNE_HEAD + "        pass\n    return from_weights(weights, biases)\n", hint="kept never-active units"),
]
