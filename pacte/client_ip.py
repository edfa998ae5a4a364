"""The visitor's IP address, for rate limits and security records.

Behind the documented reverse proxy every request comes from the proxy's address, so limits keyed
on REMOTE_ADDR would put every visitor in one bucket (one attacker locks everyone out). The
proxy's X-Forwarded-For is believed only when the request really comes from a proxy listed in
PACTE_TRUSTED_PROXIES (addresses or networks, README); then the client is the rightmost address
of the header that is not itself a trusted proxy. Without that setting the header is ignored:
anyone can write it.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.PACTE_TRUSTED_PROXIES))
    if not networks or not _trusted(_parse(remote), networks):
        return remote or None
    forwarded = [_parse(part) for part in request.headers.get("X-Forwarded-For", "").split(",")]
    for address in reversed(forwarded):
        if address is None:
            break  # a malformed entry: stop believing the chain there
        if not _trusted(address, networks):
            return str(address)
    return remote or None
