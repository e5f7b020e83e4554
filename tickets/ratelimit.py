"""How many tickets one address may take per minute: a kiosk serves many people, a script should not.

One rule for the kiosk page, the phone kiosk and the API, counted in the shared cache (Redis in
production), so every process sees the same count.
"""

import time

from django.conf import settings
from django.core.cache import cache

from queuesite.clients import client_address


def allow_ticket(request):
    """Count this request against its address; False once the address is over the limit this minute."""
    key = f"frontline:tickets:{client_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= settings.TICKETS_PER_MINUTE_PER_ADDRESS
