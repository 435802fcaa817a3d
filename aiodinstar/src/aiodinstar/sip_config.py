"""The gateway's SIP and routing configuration as typed records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, dataclass, fields
from typing import Any, ClassVar, Self

from .parsing import as_int, as_list, as_mapping, as_str

_ON = "on"


class _ConfigRecord:
    """Converts between a record and its JSON object.

    Field names are the wire names, ``enable`` and ``check_network_status`` are "on"/"off" on
    the wire and booleans here, so one converter serves every section.
    """

    # Declared, not set: every record is a dataclass, which sets it; declared, the type
    # checker knows ``fields()`` may read the record.
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    _int_fields: ClassVar[frozenset[str]] = frozenset()
    _bool_fields: ClassVar[frozenset[str]] = frozenset({"enable", "check_network_status"})

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one object of the section."""
        item = as_mapping(data, cls.__name__)
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = item.get(spec.name)
            if spec.name in cls._bool_fields:
                values[spec.name] = as_str(raw, spec.name).lower() == _ON
            elif spec.name in cls._int_fields:
                values[spec.name] = as_int(raw if raw is not None else 0, spec.name)
            elif spec.name == "port_map":
                values[spec.name] = _read_port_map(raw)
            else:
                values[spec.name] = as_str(raw, spec.name)
        return cls(**values)

    def to_api(self) -> dict[str, Any]:
        """Write the record as the gateway expects it."""
        out: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name in self._bool_fields:
                out[spec.name] = _ON if value else "off"
            elif spec.name == "port_map":
                out[spec.name] = list(value)
            else:
                out[spec.name] = value
        return out


def _read_port_map(raw: Any) -> tuple[int, ...]:
    # get_config answers the list as a string "[0,1,2]"; set_config sends it as an array.
    if isinstance(raw, str):
        raw = [part for part in raw.strip().strip("[]").split(",") if part.strip()]
    return tuple(as_int(port, "port_map") for port in as_list(raw, "port_map"))


@dataclass(frozen=True, slots=True)
class SipProxy(_ConfigRecord):
    """The SIP server the gateway registers with."""

    _int_fields: ClassVar[frozenset[str]] = frozenset({"port"})

    domain: str
    port: int
    check_network_status: bool


@dataclass(frozen=True, slots=True)
class SipTrunk(_ConfigRecord):
    """A SIP trunk."""

    _int_fields: ClassVar[frozenset[str]] = frozenset({"index", "port"})

    index: int
    enable: bool
    domain: str
    port: int
    description: str
    check_network_status: bool


@dataclass(frozen=True, slots=True)
class Route(_ConfigRecord):
    """An IP-to-Tel or Tel-to-IP routing rule."""

    _int_fields: ClassVar[frozenset[str]] = frozenset(
        {"index", "src_id", "dst_id", "del_digit", "reserve_digit"}
    )

    index: int
    enable: bool
    description: str
    operation: str
    src_mode: str
    src_id: int
    dst_mode: str
    dst_id: int
    src_prefix: str
    dst_prefix: str
    prefix_to_be_added: str
    suffix_to_be_added: str
    del_digit: int
    reserve_digit: int


@dataclass(frozen=True, slots=True)
class PortGroup(_ConfigRecord):
    """A group of ports with its SIP account."""

    _int_fields: ClassVar[frozenset[str]] = frozenset({"index"})

    index: int
    enable: bool
    description: str
    sip_account: str
    sip_authid: str
    sip_authpswd: str
    port_map: tuple[int, ...]
    reg_type: str
    select_type: str
    tel_to_ip_hot_line: str
    ip_to_tel_hot_line: str


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Sections of the configuration; a section not asked for or not set is empty."""

    sip_proxy: SipProxy | None = None
    sip_trunk: tuple[SipTrunk, ...] = ()
    ip_to_tel_routing: tuple[Route, ...] = ()
    tel_to_ip_routing: tuple[Route, ...] = ()
    port_group: tuple[PortGroup, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read ``get_config``'s answer."""
        item = as_mapping(data, "configuration")
        proxy = item.get("sip_proxy")
        if isinstance(proxy, list):
            proxy = proxy[0] if proxy else None
        return cls(
            sip_proxy=None if proxy is None else SipProxy.from_api(proxy),
            sip_trunk=_read_section(item, "sip_trunk", SipTrunk),
            ip_to_tel_routing=_read_section(item, "ip_to_tel_routing", Route),
            tel_to_ip_routing=_read_section(item, "tel_to_ip_routing", Route),
            port_group=_read_section(item, "port_group", PortGroup),
        )

    def to_api(self) -> dict[str, Any]:
        """Write the sections that hold something, for ``set_config``."""
        out: dict[str, Any] = {}
        if self.sip_proxy is not None:
            out["sip_proxy"] = [self.sip_proxy.to_api()]
        for name in ("sip_trunk", "ip_to_tel_routing", "tel_to_ip_routing", "port_group"):
            records: tuple[_ConfigRecord, ...] = getattr(self, name)
            if records:
                out[name] = [record.to_api() for record in records]
        return out


def _read_section[T: _ConfigRecord](
    item: Mapping[str, Any], name: str, record: type[T]
) -> tuple[T, ...]:
    return tuple(record.from_api(entry) for entry in as_list(item.get(name), name))


@dataclass(frozen=True, slots=True)
class ConfigSetResult:
    """``set_config``'s verdict per section: "success", or per index "31_success"."""

    sections: Mapping[str, tuple[str, ...]]

    @property
    def succeeded(self) -> bool:
        """Every part that was set reports success."""
        return all(
            outcome.endswith("success")
            for outcomes in self.sections.values()
            for outcome in outcomes
        )

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read the array of one-key objects the gateway answers."""
        sections: dict[str, tuple[str, ...]] = {}
        for entry in as_list(data, "set_config result"):
            for key, value in as_mapping(entry, "set_config result").items():
                outcomes = value if isinstance(value, list) else [value]
                sections[key] = tuple(as_str(outcome, key) for outcome in outcomes)
        return cls(sections=sections)
