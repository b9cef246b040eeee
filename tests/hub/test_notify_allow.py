"""The allow-list and address rules of notification endpoints (SSRF protection)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import pytest

from smartlogistics.config import Settings
from smartlogistics.hub._notify_allow import AllowList, EndpointRefusedError


def _dns(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    return resolve


PUBLIC = "93.184.215.14"


def test_empty_allow_list_refuses_everything() -> None:
    with pytest.raises(EndpointRefusedError) as info:
        AllowList().check(f"http://{PUBLIC}/notifications")
    assert info.value.reason == "no notification endpoints are allowed (hub_notify_allow is empty)"


@pytest.mark.parametrize(
    ("entry", "url", "allowed"),
    [
        ("https://partner.example/", "https://partner.example/notifications", True),
        ("https://partner.example/hub", "https://partner.example/hub/notifications", True),
        ("https://partner.example/hub", "https://partner.example/hubx/notifications", False),
        ("https://partner.example/", "http://partner.example/notifications", False),
        ("https://partner.example/", "https://partner.example:8443/notifications", False),
        ("https://partner.example:8443/", "https://partner.example:8443/notifications", True),
        ("partner.example", "https://partner.example/notifications", True),
        ("partner.example", "http://partner.example/notifications", False),
        ("partner.example", "https://sub.partner.example/notifications", False),
        ("*.partner.example", "https://sub.partner.example/notifications", True),
        ("*.partner.example", "https://partner.example/notifications", False),
        ("*.partner.example", "https://evilpartner.example/notifications", False),
        ("partner.example:8443", "https://partner.example:8443/n", True),
        ("https://partner.example/", "https://PARTNER.example./notifications", True),
    ],
)
def test_entries_match_scheme_host_port_and_path(entry: str, url: str, allowed: bool) -> None:
    dns = _dns({"partner.example": [PUBLIC], "sub.partner.example": [PUBLIC]})
    allow = AllowList([entry], resolver=dns)
    if allowed:
        assert allow.check(url).ip == PUBLIC
    else:
        with pytest.raises(EndpointRefusedError, match="not on the allow-list"):
            allow.check(url)


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # cloud metadata service (link-local)
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "0.0.0.0",
        "100.100.100.200",  # shared address space (Alibaba metadata)
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:10.0.0.1",
    ],
)
def test_host_names_resolving_to_internal_addresses_are_refused(address: str) -> None:
    allow = AllowList(["https://partner.example/"], resolver=_dns({"partner.example": [address]}))
    with pytest.raises(EndpointRefusedError) as info:
        allow.check("https://partner.example/notifications")
    shown = ipaddress.ip_address(address)
    assert info.value.reason.startswith(f"it resolves to {shown}, which is private")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/notifications",
        "http://[::1]:8080/notifications",
    ],
)
def test_internal_ip_literals_are_refused_even_when_a_pattern_would_cover_them(url: str) -> None:
    allow = AllowList(["*.partner.example", "https://partner.example/"])
    with pytest.raises(EndpointRefusedError, match="not on the allow-list"):
        allow.check(url)


def test_an_entry_naming_an_internal_ip_literally_allows_it() -> None:
    allow = AllowList(["http://127.0.0.1:8081/"])
    target = allow.check("http://127.0.0.1:8081/notifications")
    assert (target.ip, target.port, target.connect_url, target.host_header) == (
        "127.0.0.1",
        8081,
        "http://127.0.0.1:8081/notifications",
        "127.0.0.1:8081",
    )


def test_allowed_networks_admit_internal_addresses_of_allowed_names() -> None:
    dns = _dns({"hub.internal": ["10.1.2.3"]})
    allow = AllowList(["http://hub.internal:8080/"], ["10.1.0.0/16"], resolver=dns)
    target = allow.check("http://hub.internal:8080/notifications")
    assert (target.connect_url, target.host_header) == (
        "http://10.1.2.3:8080/notifications",
        "hub.internal:8080",
    )
    other = AllowList(["http://hub.internal:8080/"], ["10.2.0.0/16"], resolver=dns)
    with pytest.raises(EndpointRefusedError, match=r"resolves to 10\.1\.2\.3"):
        other.check("http://hub.internal:8080/notifications")


def test_the_first_acceptable_address_is_the_one_connected_to() -> None:
    dns = _dns({"partner.example": ["10.0.0.7", PUBLIC, "2001:db8::1"]})
    target = AllowList(["partner.example"], resolver=dns).check("https://partner.example/n")
    assert target.ip == PUBLIC
    assert target.connect_url == f"https://{PUBLIC}:443/n"
    assert target.host_header == "partner.example"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://partner.example/n", "only http and https endpoints are allowed"),
        ("https://user:pw@partner.example/n", "user information in the URL is not allowed"),
        ("https:///n", "the URL has no host"),
        ("https://partner.example:99999/n", "not a URL (Port out of range 0-65535)"),
    ],
)
def test_malformed_endpoints_are_refused(url: str, reason: str) -> None:
    with pytest.raises(EndpointRefusedError) as info:
        AllowList(["partner.example"]).check(url)
    assert info.value.reason == reason


def test_unresolvable_hosts_are_refused() -> None:
    allow = AllowList(["partner.example"], resolver=_dns({}))
    with pytest.raises(EndpointRefusedError) as info:
        allow.check("https://partner.example/n")
    assert info.value.reason == "the host does not resolve (unknown host partner.example)"


def test_settings_lists_accept_commas_and_json() -> None:
    settings = Settings(
        hub_notify_allow="https://a.example/, b.example",
        hub_notify_allow_networks='["10.0.0.0/8"]',
    )
    assert settings.hub_notify_allow == ["https://a.example/", "b.example"]
    assert AllowList.from_settings(settings).describe() == {
        "entries": ["https://a.example:443/", "b.example:443"],
        "networks": ["10.0.0.0/8"],
    }
