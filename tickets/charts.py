"""The dashboard's charts, laid out here as plain shapes and drawn as SVG by templates/tickets/_chart.html.

Server-rendered SVG needs no script, no network and no library, prints as sharply as the text around
it, and every bar carries a title, so a reader can hover it or a screen reader can read it. Every word is
said in the page's language (the charts are laid out per request).
"""

import math

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.translation import gettext

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 30
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
WEEKDAYS = [WEEKDAYS_ABBR[day] for day in range(7)]  # Django's own, translated: "Mon" .. "Sun"


# Tops of the value axis, in tenths of a power of ten: each splits into four readable ticks
# (2,400: 600, 1,200, 1,800), and each is at most a third above the one before, so bars use the height.
NICE_TENTHS = (10, 12, 16, 20, 24, 30, 40, 50, 60, 80, 100)


def nice_top(value):
    """The smallest readable top (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10, 12 ...) at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    top = next(tenths * power / 10 for tenths in NICE_TENTHS if tenths * power / 10 >= value)
    return int(top) if top == int(top) else top


def _number(value, places=None):
    """A number as the page's language writes it (2.5, or 2,5 in Portuguese): words for people, where the
    coordinates stay SVG's (_chart.html draws them unlocalized)."""
    text = f"{value:.{places}f}" if places is not None else f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def bar_chart(title, labels, series, *, unit=""):
    """Bars for each label, side by side for each series ``(name, css_class, values)``; None draws no bar.
    ``unit`` follows each value in a bar's title (" min")."""
    values = [v for _, _, vals in series for v in vals if v is not None]
    top = nice_top(max(values, default=0))
    slot = PLOT_WIDTH / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    bars = []
    for index, (name, css_class, vals) in enumerate(series):
        for position, (label, value) in enumerate(zip(labels, vals)):
            if not value:
                continue
            height = PLOT_HEIGHT * value / top
            bars.append({
                "x": round(LEFT + slot * position + slot * 0.1 + width * index, 1),
                "y": round(TOP + PLOT_HEIGHT - height, 1),
                "width": round(width, 1),
                "height": round(height, 1),
                "css_class": css_class,
                "title": gettext("%(label)s: %(series)s %(value)s") % {
                    "label": label, "series": name, "value": _number(value) + str(unit)},
            })
    ticks = [
        {"y": round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * i / 4, 1), "label": _number(float(top * i / 4))}
        for i in range(5)
    ]
    every = max(1, math.ceil(len(labels) / 16))  # no more than 16 labels under the bars
    axis = [
        {"x": round(LEFT + slot * (i + 0.5), 1), "text": label}
        for i, label in enumerate(labels) if i % every == 0
    ]
    return {
        "kind": "bars", "title": title, "width": WIDTH, "height": HEIGHT, "bars": bars, "ticks": ticks,
        "labels": axis, "legend": [(name, css_class) for name, css_class, _ in series], "unit": unit.strip(),
        "left": LEFT, "right": WIDTH - RIGHT, "baseline": TOP + PLOT_HEIGHT, "label_y": HEIGHT - 10,
        "empty": not values, "note": "",
    }


def heatmap(title, cells):
    """A weekday x hour grid shaded by ``cells[(weekday, hour)]``, over the hours that have any value."""
    hours = sorted({hour for _, hour in cells})
    if hours:
        hours = list(range(hours[0], hours[-1] + 1))
    top = max(cells.values(), default=0)
    size_x = PLOT_WIDTH / max(len(hours), 1)
    size_y = (HEIGHT - TOP - BOTTOM) / 7
    squares = []
    for weekday, day_name in enumerate(WEEKDAYS):
        day_name = str(day_name)
        for column, hour in enumerate(hours):
            value = cells.get((weekday, hour), 0)
            squares.append({
                "x": round(LEFT + size_x * column, 1),
                "y": round(TOP + size_y * weekday, 1),
                "width": round(size_x - 2, 1),
                "height": round(size_y - 2, 1),
                # At least a faint tint, so an empty hour still reads as part of the grid.
                "opacity": round(0.06 + 0.94 * value / top, 2) if top else 0.06,
                "title": gettext("%(day)s %(hour)s: %(arrivals)s arrivals a day") % {
                    "day": day_name, "hour": f"{hour:02d}:00", "arrivals": _number(value, 1)},
            })
    return {
        "kind": "heatmap", "title": title, "width": WIDTH, "height": HEIGHT, "squares": squares,
        "rows": [{"y": round(TOP + size_y * (i + 0.5), 1), "text": str(name)} for i, name in enumerate(WEEKDAYS)],
        "labels": [{"x": round(LEFT + size_x * (i + 0.5), 1), "text": f"{hour:02d}"} for i, hour in enumerate(hours)],
        "label_y": HEIGHT - 10, "empty": not cells,
        "note": gettext("darkest: %(arrivals)s a day") % {"arrivals": _number(top, 1)} if top else "",
    }


def dashboard_charts(figures, served_by_hour, arrivals, distribution, step_minutes):
    """The four charts of the dashboard, from the figures of stats.py."""
    by_hour = {row["hour"]: row for row in figures["by_hour"]}
    hours = sorted(set(by_hour) | set(served_by_hour))
    if hours:
        hours = list(range(hours[0], hours[-1] + 1))
    labels = [f"{hour:02d}" for hour in hours]

    def wait_minutes(hour, key):
        seconds = by_hour[hour]["wait"][key] if hour in by_hour else None
        return round(seconds / 60, 1) if seconds is not None else None

    bands = [f"{i * step_minutes}-{(i + 1) * step_minutes}" for i in range(len(distribution) - 1)]
    bands.append(f"{(len(distribution) - 1) * step_minutes}+")
    return [
        bar_chart(gettext("Waits by hour of arrival (minutes)"), labels, [
            (gettext("median"), "median", [wait_minutes(h, "median") for h in hours]),
            (gettext("90th percentile"), "p90", [wait_minutes(h, "p90") for h in hours]),
        ], unit=" " + gettext("min")),
        bar_chart(gettext("Arrivals and customers served, by hour"), labels, [
            (gettext("arrived"), "arrived", [by_hour[h]["issued"] if h in by_hour else 0 for h in hours]),
            (gettext("served"), "served", [served_by_hour.get(h, 0) for h in hours]),
        ]),
        heatmap(gettext("Arrivals a day, by weekday and hour"), arrivals),
        # Counts of nobody are no distribution: said in words, as the other charts say an empty range.
        bar_chart(gettext("How long people waited (minutes)"), bands,
                  [(gettext("customers"), "customers",
                    distribution if any(distribution) else [None] * len(distribution))]),
    ]
