"""How long the wait felt against how long it was: the feedback form's optional question, counted.

The customer picks one of the dashboard's wait bands (Feedback.Felt, in the order of stats.WAIT_BANDS);
their real wait (Ticket.wait_seconds) falls in one of the same bands. The wait *felt longer* when the band
they picked is above the band it was in, *about right* when it is the same one, *shorter* when below. Only
answers of customers who were called count (someone who left before being called has no real wait to set
theirs against). A manager reads whether people feel it slower than it is, and where.
"""

import collections

from django.db.models import Count

from .models import Feedback, Service
from .stats import WAIT_BANDS, _wait_band, in_range

FELT = list(Feedback.Felt)
assert len(FELT) == len(WAIT_BANDS), "each band a customer can pick is one of the dashboard's wait bands"


def _shares(pairs):
    """``{"answered", "felt_longer", "felt_right", "felt_shorter"}`` of ``{(actual band, felt band): count}``."""
    answered = sum(pairs.values())

    def share(test):
        return sum(count for (actual, felt), count in pairs.items() if test(actual, felt)) / answered if answered else None

    return {
        "answered": answered,
        "felt_longer": share(lambda actual, felt: felt > actual),
        "felt_right": share(lambda actual, felt: felt == actual),
        "felt_shorter": share(lambda actual, felt: felt < actual),
    }


def perceived_summary(branch, first_day, last_day):
    """Perceived against actual wait for the range: overall, per band of real wait, per service.

    Each band's row says how many answered and how many picked each band (``felt``, by Feedback.Felt value);
    each service's row also how many really waited in each band (``waited``), so the two read side by side.
    """
    rows = (
        in_range(Feedback.objects, branch, first_day, last_day, "ticket__")
        .exclude(perceived_wait="")
        .filter(ticket__wait_seconds__isnull=False)
        .values("perceived_wait", "ticket__service_id", band=_wait_band("ticket__wait_seconds"))
        .annotate(count=Count("id"))
        .order_by()
    )
    index = {felt.value: position for position, felt in enumerate(FELT)}
    overall, by_band, by_service = collections.Counter(), collections.defaultdict(collections.Counter), {}
    for row in rows:
        pair = (row["band"], index[row["perceived_wait"]])
        overall[pair] += row["count"]
        by_band[row["band"]][pair] += row["count"]
        by_service.setdefault(row["ticket__service_id"], collections.Counter())[pair] += row["count"]

    def felt_counts(pairs, side):
        counts = [0] * len(FELT)
        for pair, count in pairs.items():
            counts[pair[side]] += count
        return {felt.value: counts[position] for position, felt in enumerate(FELT)}

    services = Service.objects.filter(pk__in=list(by_service) or [0]).order_by("position", "code")  # [0]: a query even for none
    return {
        **_shares(overall),
        "by_wait_band": [
            {"band": label, "code": FELT[position].value, **_shares(by_band[position]),
             "felt": felt_counts(by_band[position], 1)}
            for position, (_, _, label) in enumerate(WAIT_BANDS)
        ],
        "by_service": [
            {"code": service.code, "name": service.name, **_shares(by_service[service.pk]),
             "waited": felt_counts(by_service[service.pk], 0), "felt": felt_counts(by_service[service.pk], 1)}
            for service in services
        ],
    }
