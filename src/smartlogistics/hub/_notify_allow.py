"""Where notifications may go: the allow-list of subscriber endpoints and the IP rules.

A publisher that POSTs to any URL a subscriber names is a server-side request forgery
tool. So every notification endpoint passes two checks, at subscription time and again
before each delivery:

1. **The allow-list** (``Settings.hub_notify_allow``). An entry is either a URL prefix
   (``https://partner.example/``, ``http://127.0.0.1:8081/``: same scheme, host and port,
   and the path starts with the entry's path at a ``/`` boundary) or an https host pattern
   (``partner.example`` exactly, ``*.partner.example`` any subdomain; port 443 unless the
   pattern names one). The default is empty: no deliveries at all.
2. **The addresses.** The host is resolved and every candidate address is classified; an
   address that is not globally routable (private, loopback, link-local — which includes
   the cloud metadata service 169.254.169.254 —, shared, reserved, multicast,
   unspecified, and IPv4-mapped forms of those) is refused unless it is *explicitly*
   allowed: the allow-list entry that matched names that IP literally, or it lies in one
   of ``Settings.hub_notify_allow_networks``. The deliverer connects to the address that
   passed (not to the name again), so a DNS answer that changes between check and
   connection (DNS rebinding) cannot redirect it.

URLs with user information, with a scheme other than http/https, or with a non-ASCII
host are refused outright; redirects are never followed (the deliverer's concern).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from smartlogistics.config import Settings

__all__ = ["AllowList", "EndpointRefusedError", "Resolver", "Target"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> addresses`` (strings); the default uses ``socket.getaddrinfo``."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


class EndpointRefusedError(ValueError):
    """A notification endpoint failed the allow-list or the address rules."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"notification endpoint {url!r} refused: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Url:
    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int
    path: str


@dataclass(frozen=True, slots=True)
class Target:
    """A checked endpoint: connect to ``ip`` on ``port``, speaking to ``host``.

    Attributes
    ----------
    url
        The endpoint URL as given.
    host
        Its host name (what TLS verifies and the ``Host`` header names).
    port
        The TCP port.
    ip
        The address that passed the checks; the connection goes there.
    """

    url: str
    host: str
    port: int
    ip: str

    @property
    def connect_url(self) -> str:
        """The URL with the host replaced by the checked address."""
        parts = urlsplit(self.url)
        host = f"[{self.ip}]" if ":" in self.ip else self.ip
        netloc = f"{host}:{self.port}"
        query = f"?{parts.query}" if parts.query else ""
        return f"{parts.scheme}://{netloc}{parts.path or '/'}{query}"

    @property
    def host_header(self) -> str:
        """The ``Host`` header value (the name, with the port unless it is the default)."""
        scheme = urlsplit(self.url).scheme.lower()
        host = f"[{self.host}]" if ":" in self.host else self.host
        if _DEFAULT_PORTS.get(scheme) == self.port:
            return host
        return f"{host}:{self.port}"


def _parse(url: str) -> _Url:
    if not isinstance(url, str) or not url:
        raise EndpointRefusedError(str(url), "not a URL")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise EndpointRefusedError(url, f"not a URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise EndpointRefusedError(url, "only http and https endpoints are allowed")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefusedError(url, "user information in the URL is not allowed")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise EndpointRefusedError(url, "the URL has no host")
    if not host.isascii():
        raise EndpointRefusedError(url, "non-ASCII host names are not allowed")
    return _Url(scheme, host, port or _DEFAULT_PORTS[scheme], parts.path or "/")


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _restricted(ip: IPAddress) -> bool:
    """Whether ``ip`` is not a globally routable unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _restricted(ip.ipv4_mapped)
    return (
        not ip.is_global
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_reserved
    )


@dataclass(frozen=True, slots=True)
class _Prefix:
    url: _Url

    def matches(self, target: _Url) -> bool:
        mine = self.url
        if (mine.scheme, mine.host, mine.port) != (target.scheme, target.host, target.port):
            return False
        base = mine.path.rstrip("/")
        return not base or target.path == base or target.path.startswith(base + "/")


@dataclass(frozen=True, slots=True)
class _Pattern:
    host: str  # "partner.example" or "*.partner.example"
    port: int

    def matches(self, target: _Url) -> bool:
        if target.scheme != "https" or target.port != self.port:
            return False
        if self.host.startswith("*."):
            return target.host.endswith(self.host[1:])
        return target.host == self.host


def _entry(text: str) -> _Prefix | _Pattern:
    text = text.strip()
    if "://" in text:
        return _Prefix(_parse(text))
    host, sep, port = text.rpartition(":")
    if not (sep and port.isdigit()):
        host, port = text, "443"
    host = host.rstrip(".").lower()
    if not host or "/" in host or ":" in host or not host.isascii():
        raise EndpointRefusedError(text, "not a URL prefix or host pattern")
    return _Pattern(host, int(port))


def _system_resolver(host: str, port: int) -> Sequence[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        if address not in seen:
            seen.append(address)
    return seen


class AllowList:
    """The allow-list and address rules for notification endpoints.

    Parameters
    ----------
    entries
        URL prefixes and https host patterns (see the module docstring).
    networks
        CIDR networks whose restricted addresses are explicitly allowed.
    resolver
        Host name resolution, ``socket.getaddrinfo`` by default (tests pass their own).

    Raises
    ------
    EndpointRefusedError
        An entry or network is malformed (the message names it).
    """

    def __init__(
        self,
        entries: Iterable[str] = (),
        networks: Iterable[str] = (),
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self._entries = tuple(_entry(e) for e in entries if e.strip())
        nets: list[IPNetwork] = []
        for net in networks:
            try:
                nets.append(ipaddress.ip_network(net.strip(), strict=False))
            except ValueError:
                raise EndpointRefusedError(net, "not a CIDR network") from None
        self._networks = tuple(nets)
        self._resolver = resolver or _system_resolver

    @classmethod
    def from_settings(cls, settings: Settings, *, resolver: Resolver | None = None) -> AllowList:
        """Build from ``hub_notify_allow`` and ``hub_notify_allow_networks``."""
        return cls(settings.hub_notify_allow, settings.hub_notify_allow_networks, resolver=resolver)

    def _matching(self, url: str) -> tuple[_Url, _Prefix | _Pattern]:
        parsed = _parse(url)
        for entry in self._entries:
            if entry.matches(parsed):
                return parsed, entry
        if not self._entries:
            raise EndpointRefusedError(
                url, "no notification endpoints are allowed (hub_notify_allow is empty)"
            )
        raise EndpointRefusedError(url, "the endpoint is not on the allow-list (hub_notify_allow)")

    def _address_ok(self, ip: IPAddress, entry: _Prefix | _Pattern) -> bool:
        if not _restricted(ip):
            return True
        if isinstance(entry, _Prefix) and _ip(entry.url.host) == ip:
            return True  # the operator named this very address
        return any(ip.version == net.version and ip in net for net in self._networks)

    def check(self, url: str) -> Target:
        """Check ``url`` and return the address to connect to.

        Raises
        ------
        EndpointRefusedError
            Not allowed, unresolvable, or resolving only to refused addresses.
        """
        parsed, entry = self._matching(url)
        literal = _ip(parsed.host)
        if literal is not None:
            candidates: Sequence[str] = [str(literal)]
        else:
            try:
                candidates = self._resolver(parsed.host, parsed.port)
            except (OSError, UnicodeError) as exc:
                raise EndpointRefusedError(url, f"the host does not resolve ({exc})") from None
            if not candidates:
                raise EndpointRefusedError(url, "the host does not resolve")
        refused: list[str] = []
        for text in candidates:
            ip = _ip(text)
            if ip is None:
                continue
            if self._address_ok(ip, entry):
                return Target(url, parsed.host, parsed.port, str(ip))
            refused.append(str(ip))
        raise EndpointRefusedError(
            url,
            f"it resolves to {', '.join(refused) or 'no address'}, which is private, "
            "loopback, link-local or otherwise not public and not explicitly allowed "
            "(hub_notify_allow_networks)",
        )

    def describe(self) -> dict[str, Any]:
        """Return the configured entries (for logs and diagnostics)."""
        return {
            "entries": [
                (e.url.scheme + "://" + e.url.host + f":{e.url.port}" + e.url.path)
                if isinstance(e, _Prefix)
                else f"{e.host}:{e.port}"
                for e in self._entries
            ],
            "networks": [str(n) for n in self._networks],
        }
