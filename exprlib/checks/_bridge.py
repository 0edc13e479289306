"""The kernel's side of autograding: answer the grader's requests for names and calls.

When a submission is autograded, its test cells never run in the student's kernel. The grader
runs them in its own process and, each time a check needs the student's work, sends the kernel
one small request through :func:`serve`: *look up a name* (a value comes back as plain data, a
function as a handle) or *call a function* with plain-data arguments, with the exprlib functions
the exercise forbids switched off while it runs. The reply is a ``display_data`` output of type
:data:`MIME` holding JSON text (see :mod:`exprlib.checks._wire`). Nothing here decides a verdict:
a kernel that tampers with this module can only send wrong answers.

Examples
--------
>>> serve('{"op": "lookup", "name": "no_such_name"}', namespace={}, publish=print)
{"error":"NameError","message":"name 'no_such_name' is not defined"}
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable

from torch import nn

from . import _wire
from ._core import _PACKAGE_DIR

__all__ = ["MIME", "serve"]

MIME = "application/vnd.exprlib.bridge+json"
_MESSAGE_CHARS = 2000  # an exception's message is cut here: it becomes a one-line verdict


def _publish(text: str) -> None:
    from IPython.display import publish_display_data

    publish_display_data({MIME: text})


def _namespace() -> dict:
    from IPython import get_ipython

    return get_ipython().user_ns


def serve(request: str, *, namespace: dict | None = None, publish: Callable[[str], None] | None = None) -> None:
    """Answer one grader request (JSON text) by publishing the JSON reply.

    Parameters
    ----------
    request : str
        ``{"op": "lookup", "name": ...}`` or ``{"op": "call", "name": ..., "args": <wire>,
        "kwargs": <wire>, "forbid": [dotted names]}``.
    namespace : dict, optional
        Where names live (default: the IPython kernel's user namespace).
    publish : callable, optional
        Where the reply goes (default: a display_data output of type :data:`MIME`).
    """
    namespace = _namespace() if namespace is None else namespace
    publish = _publish if publish is None else publish
    try:
        message = json.loads(request)
        op, name = message["op"], message["name"]
        if name not in namespace:
            reply = {"error": "NameError", "message": f"name {name!r} is not defined"}
        elif op == "lookup":
            reply = _lookup(namespace[name])
        elif op == "call":
            reply = _call(namespace, name, message)
        else:
            reply = {"error": "ValueError", "message": f"unknown request {op!r}"}
    except BaseException as err:  # noqa: BLE001 - the grader must get a reply whatever happened
        reply = {"error": type(err).__name__, "message": str(err)[:_MESSAGE_CHARS]}
    publish(json.dumps(reply, separators=(",", ":")))


def _lookup(obj: object) -> dict:
    if type(obj).__name__ == "module" and hasattr(obj, "__name__"):
        return {"kind": "module", "module": obj.__name__}
    if callable(obj) and not isinstance(obj, nn.Module):
        return {"kind": "function", "module": str(getattr(obj, "__module__", "") or ""),
                "qualname": str(getattr(obj, "__qualname__", "") or "")}
    try:
        return {"kind": "value", "value": _wire.encode(obj)}
    except _wire.WireError as err:
        return {"kind": "unreadable", "message": str(err)}


def _call(namespace: dict, name: str, message: dict) -> dict:
    from ._core import forbid

    fn = namespace[name]
    args = _wire.decode(message["args"])
    kwargs = _wire.decode(message["kwargs"])
    try:
        with forbid(*message.get("forbid", []), namespace=namespace):
            result = fn(*args, **kwargs)
    except BaseException as err:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are answers too
        return {"raised": _describe(err)}
    try:
        return {"ok": _wire.encode(result)}
    except _wire.WireError as err:
        return {"unreadable": str(err), "type": type(result).__name__}


def _describe(err: BaseException) -> dict:
    """An exception as data: its type, message, and where in the student's cells it was raised."""
    where, innermost = "", None
    for frame, line in traceback.walk_tb(err.__traceback__):
        innermost = frame
        name = frame.f_code.co_filename
        if name.startswith("<ipython-input") or "ipykernel_" in name:  # a notebook cell
            where = f"line {line}, in {frame.f_code.co_name}"
    cls = type(err)
    return {
        "in_exprlib": bool(innermost and innermost.f_code.co_filename.startswith(_PACKAGE_DIR + os.sep)),
        "type": cls.__name__,
        "builtin": cls.__module__ == "builtins",
        "forbidden": cls.__name__ == "ForbiddenError",
        "message": str(err)[:_MESSAGE_CHARS],
        "where": where,
    }
