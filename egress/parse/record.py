"""The parse records' base class: frozen, typed records that need pydantic only for input
that is not already what a field holds.

A converter builds each record from values it has already read and typed (``integer()``,
``normalise``), so almost every field arrives as exactly its type. Checking that is a few
``type(v) is int`` tests per field and needs no import; anything else (a missing or unknown
field, a value pydantic would coerce, one it would refuse) is handed to a pydantic model
built from the same annotations on first use, which coerces or raises its
``ValidationError`` exactly as the records did when they were pydantic models. So a vendor
word that slipped through normalisation still fails here, with pydantic's message, and
`egress parse` never imports pydantic for output that is all well-typed (~55 ms of its
start, issue 18; docs/adr.md).

The record API is the part of pydantic's that egress uses: keyword construction,
``model_dump(mode=...)``, ``model_copy(update=...)`` (not validated, as pydantic's), equality
by type and fields, hashing, a frozen instance and pydantic's repr.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, Union, get_args, get_origin

Check = Callable[[Any], bool]


def _is(kind: type) -> Check:
    return lambda value: type(value) is kind


def _check(hint: Any) -> Check:
    """A test that ``value`` is exactly what a field of type ``hint`` holds after pydantic's
    validation (so pydantic would return it unchanged); False means: ask pydantic."""
    origin = get_origin(hint)
    if origin is Literal:
        allowed = frozenset(get_args(hint))
        return lambda value: type(value) is str and value in allowed
    if origin is Union or _is_pipe(hint):
        checks = tuple(_check(arg) for arg in get_args(hint))
        return lambda value: any(check(value) for check in checks)
    if origin is tuple:
        args = get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis:  # pragma: no cover - not in the schema
            raise TypeError(f"unsupported record field type {hint!r}")
        item = _check(args[0])
        return lambda value: type(value) is tuple and all(item(v) for v in value)
    if hint is type(None):
        return lambda value: value is None
    if hint in (str, int, float, bool) or (isinstance(hint, type) and issubclass(hint, Record)):
        return _is(hint)
    raise TypeError(f"unsupported record field type {hint!r}")  # pragma: no cover


def _is_pipe(hint: Any) -> bool:
    import types

    return isinstance(hint, types.UnionType)


class FrozenRecordError(ValueError):
    """A record's field was set: a ValueError, as pydantic's frozen models raise."""


@typing.dataclass_transform(kw_only_default=True, frozen_default=True)
class Record:
    """Base of the parse records (egress.parse.schema); type checkers read a subclass's
    fields as a frozen dataclass's keyword-only ones."""

    # field name -> (check, default or _REQUIRED), in declaration order; per subclass
    __record_fields__: ClassVar[dict[str, tuple[Check, Any]]]
    __record_ready__: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__record_ready__ = False  # its own fields, read on first construction

    def __init__(self, **values: Any) -> None:
        cls = type(self)
        fields = cls.__record_fields__ if cls.__record_ready__ else cls._prepare()
        data = {}
        given = 0
        for name, (check, default) in fields.items():
            if name in values:
                value = values[name]
                if not check(value):
                    break
                data[name] = value
                given += 1
            elif default is _REQUIRED:
                break
            else:
                data[name] = default
        else:
            if given == len(values):  # no unknown field
                object.__setattr__(self, "__dict__", data)
                return
        object.__setattr__(self, "__dict__", cls._validated(values))

    @classmethod
    def _prepare(cls) -> dict[str, tuple[Check, Any]]:
        """Read the class's annotations once (on first construction: importing the schema
        stays cheap)."""
        fields = {
            name: (_check(hint), default if default is not ... else _REQUIRED)
            for name, (hint, default) in _declared(cls).items()
        }
        cls.__record_fields__ = fields
        cls.__record_ready__ = True
        return fields

    @classmethod
    def _validated(cls, values: dict[str, Any]) -> dict[str, Any]:
        """What pydantic makes of ``values`` (raising its ValidationError), as record
        values: nested models become records again."""
        model = _pydantic_model(cls)(**{name: _as_input(v) for name, v in values.items()})
        return {name: _from_model(getattr(model, name)) for name in cls.__record_fields__}

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({fields})"

    def __str__(self) -> str:  # pydantic's: the fields without the class name
        return " ".join(f"{name}={value!r}" for name, value in self.__dict__.items())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__dict__))

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The fields as a dict, nested records as dicts; ``mode="json"``: tuples as lists
        (pydantic's two modes, for the types records hold)."""
        as_list = mode == "json"
        return {name: _dump(value, as_list) for name, value in self.__dict__.items()}

    def model_copy(
        self, *, update: dict[str, Any] | None = None, deep: bool = False
    ) -> typing.Self:
        """A copy with ``update`` applied, not validated (as pydantic's model_copy); the
        values are immutable, so a deep copy is the same copy."""
        copy = object.__new__(type(self))
        object.__setattr__(copy, "__dict__", {**self.__dict__, **(update or {})})
        return copy


_REQUIRED: Any = object()


def _declared(cls: type[Record]) -> dict[str, tuple[Any, Any]]:
    """Field name -> (type, default or ...) of ``cls`` and its record bases, in declaration
    order; the annotations (strings: ``from __future__ import annotations``) evaluated in
    their own module."""
    fields: dict[str, tuple[Any, Any]] = {}
    for klass in reversed(cls.__mro__):
        if not issubclass(klass, Record) or klass is Record:
            continue
        namespace = vars(sys.modules[klass.__module__])
        for name, hint in klass.__dict__.get("__annotations__", {}).items():
            value = eval(hint, namespace) if isinstance(hint, str) else hint  # noqa: S307
            fields[name] = (value, klass.__dict__.get(name, ...))
    return fields


def _rebuild(cls: type[Record], data: dict[str, Any]) -> Record:
    record = object.__new__(cls)
    object.__setattr__(record, "__dict__", dict(data))
    return record


def _dump(value: Any, as_list: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode="json" if as_list else "python")
    if type(value) is tuple:
        items = [_dump(v, as_list) for v in value]
        return items if as_list else tuple(items)
    return value


def _as_input(value: Any) -> Any:
    """A value for a pydantic twin: records (validated already) as their fields."""
    if isinstance(value, Record):
        return {name: _as_input(v) for name, v in value.__dict__.items()}
    if type(value) in (tuple, list):
        return type(value)(_as_input(v) for v in value)
    return value


def _from_model(value: Any) -> Any:
    record = _RECORD_OF.get(type(value))
    if record is not None:
        fields = record.__record_fields__ if record.__record_ready__ else record._prepare()
        return _rebuild(record, {name: _from_model(getattr(value, name)) for name in fields})
    if type(value) is tuple:
        return tuple(_from_model(v) for v in value)
    return value


# pydantic model -> its record class (filled as the models are built)
_RECORD_OF: dict[type, type[Record]] = {}
_MODELS: dict[type[Record], type] = {}


def _pydantic_model(cls: type[Record]) -> type:
    """The pydantic twin of a record class: the same fields and defaults, frozen, extra
    fields forbidden (what the records were), nested records as their twins."""
    model = _MODELS.get(cls)
    if model is not None:
        return model
    from pydantic import ConfigDict, create_model

    fields: dict[str, Any] = {
        name: (_twin(hint), default) for name, (hint, default) in _declared(cls).items()
    }
    model = create_model(
        cls.__name__,
        __config__=ConfigDict(frozen=True, extra="forbid"),
        **fields,
    )
    _MODELS[cls] = model
    _RECORD_OF[model] = cls
    return model


def _twin(hint: Any) -> Any:
    """``hint`` with every record class replaced by its pydantic twin."""
    if isinstance(hint, type) and issubclass(hint, Record):
        return _pydantic_model(hint)
    origin = get_origin(hint)
    args = get_args(hint)
    if origin is tuple and args:
        return tuple[_twin(args[0]), ...]  # type: ignore[misc]
    if args and (origin is Union or _is_pipe(hint)):
        twins = tuple(_twin(arg) for arg in args)
        return Union[twins]  # noqa: UP007 - built from a tuple of types
    return hint
