"""Read back what a QR code in a page encodes, to prove the right address is printed or shown."""

import re

import qrcode

SVG_PATH = re.compile(r'<svg[^>]*>.*?</svg>', re.S)


def modules(svg):
    """The dark modules of a qrcode SvgPathImage drawing, as a set of (row, column)."""
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    return {(int(y), int(x)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}


def expected_modules(data):
    """The dark modules qrcode draws for ``data`` with the same settings (border 2)."""
    code = qrcode.QRCode(border=2)
    code.add_data(data)
    code.make(fit=True)
    return {(row, col) for row, line in enumerate(code.get_matrix()) for col, dark in enumerate(line) if dark}


def encodes(page_html, data):
    """True if the first QR code drawn in ``page_html`` encodes exactly ``data``."""
    svg = SVG_PATH.search(page_html).group(0)
    return modules(svg) == expected_modules(data)
