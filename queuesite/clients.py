"""Who is asking: the client's address, behind as many proxies as the deployment says it has.

The one place the address is decided (the ticket rate limit uses it). A client may send any
``X-Forwarded-For`` it likes, so only the entries our own proxies wrote are believed: each of the
``PROXY_HOPS`` proxies in front of Daphne appends the address it saw, the last one is the socket peer,
so the client is the ``PROXY_HOPS``-th entry from the right. With no hops (the default) the header is
ignored and the socket peer is the client. Daphne runs without ``--proxy-headers`` for this reason:
it believes the first entry, which the client wrote.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    peer = request.META.get("REMOTE_ADDR") or "unknown"
    hops = settings.PROXY_HOPS
    if not hops:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through all of them (a request straight
        # to Daphne's port, say), so none of the entries is known to be ours.
        return peer
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # our proxy writes addresses; anything else is not one of its entries
        return peer
