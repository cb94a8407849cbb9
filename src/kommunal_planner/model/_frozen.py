"""A read-only, hashable, picklable mapping for the fields of frozen domain objects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """An immutable mapping that keeps insertion order and can be hashed and pickled.

    Examples
    --------
    >>> m = FrozenMap({"citizen": 4, "strategy": 5})
    >>> m["strategy"], len(m), m == {"citizen": 4, "strategy": 5}
    (5, 2, True)
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))


def readonly(values: ArrayLike, dtype: Any = None) -> NDArray[Any]:
    """Return *values* as a new numpy array that cannot be written to."""
    arr = np.array(values, dtype=dtype)
    arr.setflags(write=False)
    return arr


def freeze(value: Any) -> Any:
    """A deep, hashable copy of plain data: mappings become :class:`FrozenMap`, lists and tuples tuples.

    Used for the optional sections of an input file (scoring, scenarios), which are kept as plain data.

    Examples
    --------
    >>> frozen = freeze({"a": [1, {"b": 2}]})
    >>> frozen == {"a": (1, {"b": 2})}, hash(frozen) == hash(freeze({"a": [1, {"b": 2}]}))
    (True, True)
    >>> thaw(frozen)
    {'a': [1, {'b': 2}]}
    """
    if isinstance(value, Mapping):
        return FrozenMap((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The inverse of :func:`freeze`: plain ``dict`` and ``list`` again (e.g. for YAML or JSON)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value
