"""Stored events decoded fast: orjson, then the typed values eventsourcing's JSONTranscoder wrote.

`Mapper.to_domain_event` parses JSON in Python with an object hook and resolves each topic anew; the
decoder reads the same bytes with orjson, revives every `{"_type_": name, "_data_": data}` bottom-up
as that hook would (UUIDs, datetimes, decimals and any other registered transcoding), and keeps each
topic's class. Its events equal the mapper's: the same class, attributes, values and types (JSON
arrays come back as lists, as they do from the mapper). With a cipher, a compressor or a transcoder
of another kind, the mapper decodes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

uuid = lru_cache(1 << 15)(UUID)
"""`UUID(text)`, keeping the recent ones: ids recur (a shift's, a person's), and parsing one costs fifteen look-ups."""

FAST: dict[type, Callable[[Any], Any]] = {UUIDAsHex: uuid, DatetimeAsISO: datetime.fromisoformat,
                                          DecimalAsStr: Decimal}
"""The library's own transcodings, without the method call and the type assertion around each."""

INTEGERS = (-(2**63), 2**64)
"""Bounds of the integers orjson reads as integers; bigger ones it reads as floats, where `json` keeps them exact."""
NESTED = (dict, list, float)
"""What the fields' fast path leaves to `revive`: containers, and floats to check against `INTEGERS`."""


def iso(moment: datetime) -> str:
    """A moment as the ISO text views store: UTC and fixed width, so that text order is time order.

    Fixed width matters on PostgreSQL too: locale collations compare the digits and skip the punctuation.
    """
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class NotForOrjson(Exception):
    """Raised when a payload holds what orjson reads unlike `json` (a float that may have been a big integer)."""


class Decoder:
    """Stored events (notifications) to domain events, as the application's mapper would make them."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        transcoder = mapper.transcoder
        self.mapper = mapper
        self.fast = isinstance(transcoder, JSONTranscoder) and not mapper.cipher and not mapper.compressor
        names = transcoder.names if isinstance(transcoder, JSONTranscoder) else {}
        self.revivers = {name: FAST.get(type(coding), coding.decode) for name, coding in names.items()}
        self.classes: dict[str, tuple[type, int]] = {}  # topic: class, and its version

    def kind(self, topic: str) -> type:
        """The class of the events stored under `topic`."""
        return self._class(topic)[0]

    def _class(self, topic: str) -> tuple[type, int]:
        try:
            return self.classes[topic]
        except KeyError:
            cls = resolve_topic(topic)
            return self.classes.setdefault(topic, (cls, getattr(cls, "class_version", 1)))

    def __call__(self, stored: StoredEvent) -> Any:
        """The domain event `stored` holds."""
        if not self.fast:
            return self.mapper.to_domain_event(stored)
        try:
            state = orjson.loads(stored.state)
            self.revive_fields(state)
        except (orjson.JSONDecodeError, NotForOrjson):  # NaN, big integers: what only `json` reads as it wrote
            return self.mapper.to_domain_event(stored)
        except Exception as error:
            raise MapperDeserialisationError(
                f"Failed to deserialise state of stored event with topic '{stored.topic}', originator_id "
                f"'{stored.originator_id}' and originator_version {stored.originator_version}: {error!r}") from error
        cls, version = self._class(stored.topic)
        originator_id = stored.originator_id
        if type(originator_id) is str:  # an id as text: a UUID if the class says so
            originator_id = find_id_convertor(cls, cast("Hashable", str))(originator_id)
        state["originator_id"] = originator_id
        state["originator_version"] = stored.originator_version
        if version > 1 or "class_version" in state:
            _upcast(cls, state, version)
        event: Any = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event

    def revive_fields(self, state: dict[str, Any]) -> None:
        """Revive the typed values of an event's fields in place; most are flat, and done here at once."""
        revivers = self.revivers
        for key, value in state.items():
            if type(value) is dict and len(value) == 2 and type(data := value.get("_data_")) is str \
                    and "_type_" in value:
                state[key] = revivers[value["_type_"]](data)
            elif type(value) in NESTED:
                state[key] = self.revive(value)

    def revive(self, value: Any) -> Any:
        """A JSON value with its typed objects revived, innermost first (as JSONTranscoder's object hook)."""
        if type(value) is list:
            return [self.revive(item) for item in value]
        if type(value) is float and not INTEGERS[0] < value < INTEGERS[1]:
            raise NotForOrjson(value)
        if type(value) is not dict:
            return value
        for key, item in value.items():
            value[key] = self.revive(item)
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return self.revivers[value["_type_"]](value["_data_"])
        return value


def _upcast(cls: type, state: dict[str, Any], latest: int) -> None:
    """Bring the state of an older class version up to date, as the mapper does."""
    version = state.pop("class_version", 1)
    while version < latest:
        getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
        version += 1

