"""QR codes as inline SVG, so a printed ticket or a lobby screen needs no image file or network."""

import qrcode
import qrcode.image.svg


def qr_svg(data):
    """An SVG drawing of a QR code for ``data``, ready to put in a page."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")
