"""The grader <-> kernel wire (exprlib.checks._wire) and the kernel's side of it (_bridge).

Only plain data may cross: what a kernel sends is decoded without running any of its code, and
a lying object arrives as the plain value it really holds.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch import nn

from exprlib.checks import _bridge, _wire, forbid
from exprlib.models import FeedforwardNet, ResidualNet
from exprlib.nets import random_mlp


def roundtrip(obj, trusted=True):
    return _wire.decode(_wire.encode(obj), trusted=trusted)


@pytest.mark.parametrize("obj", [
    None, True, False, 0, -7, 2**70, 1.5, "text", [1, [2.0]], (1, (None, "a")), {"a": 1, "b": (2,)},
    {1: "one", (2, 3): "pair"}, 1 + 2j,
])
def test_plain_values_roundtrip_with_their_types(obj):
    back = roundtrip(obj)
    assert back == obj and type(back) is type(obj)


def test_special_floats_and_numpy_scalars_keep_their_kind():
    back = roundtrip([math.nan, math.inf, -math.inf, np.float32(1.5), np.int8(-3), np.bool_(True)])
    assert math.isnan(back[0]) and back[1:3] == [math.inf, -math.inf]
    assert type(back[3]) is np.float32 and type(back[4]) is np.int8 and type(back[5]) is np.bool_


@pytest.mark.parametrize("array", [np.arange(6.0).reshape(2, 3), np.zeros((0, 4), np.int8), np.eye(3, dtype=bool),
                                   np.arange(5, dtype=np.int64)[::2]])
def test_arrays_roundtrip_exactly(array):
    back = roundtrip(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array) and back.flags.writeable


def test_tensors_roundtrip_with_dtype_and_grad_flag():
    t = torch.linspace(0, 1, 5, dtype=torch.float64, requires_grad=True)
    back = roundtrip(t)
    assert isinstance(back, torch.Tensor) and back.dtype == torch.float64 and back.requires_grad
    assert torch.equal(back.detach(), t.detach())


@pytest.mark.parametrize("make", [
    lambda: random_mlp(3, [4, 5], seed=1),
    lambda: random_mlp(2, [3], activation="hardtanh", seed=2),
    lambda: FeedforwardNet(1, 8, 3, seed=0),
    lambda: ResidualNet(1, 8, 2, branch_scale=0.5, seed=0),
])
def test_networks_are_rebuilt_as_the_same_function(make):
    net = make()
    back = roundtrip(net)
    assert type(back) is type(net)
    x = torch.randn(7, next(net.parameters()).shape[1], dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(back(x), net(x))


def test_lying_subclasses_travel_as_their_true_value():
    class Liar(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    class LyingArray(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(other), bool)

    back = roundtrip([Liar(3), np.arange(3.0).view(LyingArray)], trusted=False)
    assert type(back[0]) is int and back[0] == 3 and not back[0] == 4
    assert type(back[1]) is np.ndarray and not (back[1] == np.array([9.0, 9.0, 9.0])).any()


def test_what_cannot_travel_is_refused_by_name():
    class Mine(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(_wire.WireError, match="your own class Mine"):
        _wire.encode(Mine())
    with pytest.raises(_wire.WireError, match="object cannot travel"):
        _wire.encode(np.array([object()]))
    with pytest.raises(_wire.WireError, match="cannot travel"):
        _wire.encode(lambda x: x)
    with pytest.raises(_wire.WireError, match="set cannot travel"):
        _wire.encode({1, 2})


def test_an_untrusted_sender_cannot_name_functions_or_classes():
    for text in ('{"$func": "os.system"}', '{"$func": "numpy.sin"}', '{"$target": "sine"}'):
        with pytest.raises(_wire.WireError, match="function"):
            _wire.decode(text, trusted=False)
    with pytest.raises(_wire.WireError, match="cannot be rebuilt"):
        _wire.decode('{"$module": "subprocess.Popen", "attrs": {}}', trusted=False)
    with pytest.raises(_wire.WireError, match="cannot have an attribute"):
        _wire.decode('{"$module": "torch.nn.modules.activation.ReLU", "attrs": {"forward": 1}}', trusted=False)
    assert _wire.decode('{"$func": "numpy.sin"}') is np.sin  # the grader may send numpy's functions


@pytest.mark.parametrize("text", ['{"$ndarray": {"dtype": "<f8", "shape": [3], "data": "AAAA"}}', "[1, ",
                                  '{"$ndarray": {"dtype": "|O", "shape": [1], "data": ""}}', '{"$nope": 1}'])
def test_malformed_messages_are_refused(text):
    with pytest.raises(_wire.WireError):
        _wire.decode(text, trusted=False)


def test_oversized_messages_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(_wire, "MAX_BYTES", 10)
    with pytest.raises(_wire.WireError, match="too large"):
        _wire.decode("[" + "1," * 20 + "1]")


def test_functions_the_checks_send_to_a_kernel_travel(monkeypatch):
    from exprlib.approximation import as_function, interpolant_net, target
    from exprlib.checks import approximation

    sine = target("sine")
    f = as_function(interpolant_net(sine, 4))
    x = np.linspace(-1, 1, 9)
    for fn in (np.abs, np.zeros_like, sine, f, approximation._identity, approximation._parabola):
        assert np.array_equal(roundtrip(fn)(x), fn(x))


# ---------------------------------------------------------------------------------------------
# the kernel's side
# ---------------------------------------------------------------------------------------------


def serve(request, namespace):
    replies = []
    _bridge.serve(json.dumps(request), namespace=namespace, publish=replies.append)
    (reply,) = replies
    return json.loads(reply)


def test_bridge_looks_up_values_functions_and_modules():
    ns = {"n": 7, "f": lambda x: x, "np": np, "net": random_mlp(1, [2], seed=0), "s": {1, 2}}
    assert _wire.decode(serve({"op": "lookup", "name": "n"}, ns)["value"]) == 7
    assert serve({"op": "lookup", "name": "f"}, ns)["kind"] == "function"
    assert serve({"op": "lookup", "name": "np"}, ns) == {"kind": "module", "module": "numpy"}
    assert isinstance(_wire.decode(serve({"op": "lookup", "name": "net"}, ns)["value"]), nn.Sequential)
    assert serve({"op": "lookup", "name": "s"}, ns)["kind"] == "unreadable"
    assert serve({"op": "lookup", "name": "missing"}, ns)["error"] == "NameError"


def test_bridge_calls_with_plain_data_and_reports_what_was_raised():
    ns = {"double": lambda x: 2 * x, "boom": lambda: 1 / 0, "leave": lambda: exit(3)}
    call = {"op": "call", "args": _wire.encode([np.arange(3)]), "kwargs": _wire.encode({}), "forbid": []}
    reply = serve({**call, "name": "double"}, ns)
    assert np.array_equal(_wire.decode(reply["ok"]), [0, 2, 4])
    assert serve({**call, "name": "boom", "args": "[]"}, ns)["raised"]["type"] == "ZeroDivisionError"
    assert serve({**call, "name": "leave", "args": "[]"}, ns)["raised"]["type"] == "SystemExit"


def test_bridge_switches_off_forbidden_functions_while_the_student_code_runs():
    import exprlib.regions

    ns = {"mine": lambda net, x: exprlib.regions.activation_pattern(net, x)}
    net = random_mlp(1, [2], seed=0)
    request = {"op": "call", "name": "mine", "args": _wire.encode([net, np.zeros((1, 1))]), "kwargs": "{\"$dict\":{}}",
               "forbid": ["exprlib.regions.activation_pattern"]}
    raised = serve(request, ns)["raised"]
    assert raised["forbidden"] and "switched off" in raised["message"]
    assert "ok" in serve({**request, "forbid": []}, ns)  # and back on afterwards


def test_forbid_marks_its_stubs_for_the_grader():
    import exprlib.regions

    with forbid("exprlib.regions.activation_pattern"):
        assert exprlib.regions.activation_pattern.__exprlib_forbidden__ == "exprlib.regions.activation_pattern"
    assert not hasattr(exprlib.regions.activation_pattern, "__exprlib_forbidden__")
