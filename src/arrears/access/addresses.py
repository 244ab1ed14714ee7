"""The address a rate limit counts by: the client's IPv4 address, or the /64 network of its IPv6
address. One IPv6 subscriber is usually given a whole /64, so counting single IPv6 addresses would
let one client try 2^64 times; the sign-in lockout (django-axes' AXES_CLIENT_IP_CALLABLE) and the
visit-code page both count by this.

    >>> limited_address("2001:db8:1:2:aaaa::1"), limited_address("203.0.113.9")
    ('2001:db8:1:2::', '203.0.113.9')

Behind a reverse proxy, the proxy must set REMOTE_ADDR to the real client (gunicorn's
--forwarded-allow-ips), never a header a client can forge.
"""

from __future__ import annotations

import ipaddress

IPV6_PREFIX = 64


def limited_address(address: str) -> str:
    """IPv4 as it is (also when written IPv4-mapped, ::ffff:a.b.c.d), IPv6 as its /64's first address;
    anything unparsable as it is."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False).network_address)
    return str(parsed)


def client_address(request) -> str | None:
    """The request's address as rate limits count it; None when the request has none (a request made
    in code, e.g. a test's force_login), which the sign-in records keep as null."""
    return limited_address(request.META.get("REMOTE_ADDR", "")) or None
