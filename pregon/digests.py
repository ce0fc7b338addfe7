"""Stable digests of the plain data a template is given, to know when an output would not change.

A page is rendered again only when something it is given changed; so the digest must see every
value a template can reach, and must be the same in every run for the same values. It therefore
accepts only plain data (strings, numbers, dates, paths, tuples, lists, dicts and dataclasses of
those) and refuses anything else loudly, rather than hash an object's address and silently never
match, or hash too little and serve a stale page.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
from pathlib import PurePath
from typing import Any

from markupsafe import Markup


class DataDigests:
    """Digests of values, remembering each dataclass instance's: shared ones (a language, a page) are
    hashed once per build.

    Dataclasses here are frozen and live for the whole build, so an instance's digest cannot change;
    each one is kept alongside its digest so that its id cannot be reused by another object meanwhile.
    """

    def __init__(self) -> None:
        self._field_names: dict[type, tuple[str, ...]] = {}
        self._instances: dict[int, tuple[object, bytes]] = {}

    def digest(self, value: Any) -> bytes:
        hasher = hashlib.sha256()
        self._feed(hasher, value)
        return hasher.digest()

    def _feed(self, hasher: Any, value: Any) -> None:
        kind = type(value)
        if kind is str or kind is Markup:
            # Markup and str hash differently: one is escaped in a template, the other is not.
            data = value.encode("utf-8", "surrogatepass")
            hasher.update(b"M" if kind is Markup else b"s")
            hasher.update(len(data).to_bytes(8, "little"))
            hasher.update(data)
        elif kind is dict:
            hasher.update(f"dict:{len(value)}:".encode())
            for key, item in value.items():
                self._feed(hasher, key)
                self._feed(hasher, item)
        elif kind is list or kind is tuple:
            hasher.update(f"{kind.__name__}:{len(value)}:".encode())
            for item in value:
                self._feed(hasher, item)
        elif value is None or kind is bool or kind is int or kind is float:
            hasher.update(f"{kind.__name__}:{value!r};".encode())
        elif hasattr(kind, "__dataclass_fields__"):
            self._feed_dataclass(hasher, value)
        elif isinstance(value, str):
            raise TypeError(f"cannot digest a {kind.__name__} given to a template; pass str or Markup")
        elif isinstance(value, bytes):
            hasher.update(f"bytes:{len(value)}:".encode() + value)
        elif isinstance(value, datetime.date | PurePath | enum.Enum):
            hasher.update(f"{kind.__name__}:{value};".encode())
        elif isinstance(value, frozenset | set):
            hasher.update(f"set:{len(value)}:".encode())
            for item in sorted(value, key=repr):
                self._feed(hasher, item)
        elif callable(value) and hasattr(value, "__qualname__"):
            # A function's behaviour is pregon's code (covered by its version) applied to the site's
            # configuration (part of every key), so its name is what identifies it.
            hasher.update(f"callable:{value.__module__}.{value.__qualname__};".encode())
        else:
            raise TypeError(f"cannot digest a {kind.__name__} given to a template; pass plain data")

    def _feed_dataclass(self, hasher: Any, value: Any) -> None:
        known = self._instances.get(id(value))
        if known is None or known[0] is not value:
            known = self._instances[id(value)] = (value, self._dataclass_digest(value))
        hasher.update(known[1])

    def _dataclass_digest(self, value: Any) -> bytes:
        kind = type(value)
        hasher = hashlib.sha256(f"dc:{kind.__module__}.{kind.__qualname__}:".encode())
        names = self._field_names.get(kind)
        if names is None:
            names = self._field_names[kind] = tuple(field.name for field in dataclasses.fields(value))
        for name in names:
            self._feed(hasher, getattr(value, name))
        return hasher.digest()
