"""A websocket to an address no screen lives at is closed cleanly (4404), never an HTTP 500 with a traceback."""

import pytest
from channels.testing import WebsocketCommunicator

from queuesite.asgi import application

from .servers import Daphne, close_code

pytestmark = pytest.mark.django_db(transaction=True)

NOWHERE = ["/ws/nothing/", "/ws/tickets/%00/", "/ws/tickets/abc/extra/", "/ws/branches/", "/ws/branches/a b/", "/"]


@pytest.mark.parametrize("path", NOWHERE)
async def test_an_address_without_a_screen_is_accepted_and_closed_with_4404(branch, path):
    communicator = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://localhost")])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output(timeout=3) == {"type": "websocket.close", "code": 4404}
    await communicator.disconnect()


async def test_a_real_daphne_closes_unroutable_sockets_without_a_traceback(branch, tmp_path):
    log = tmp_path / "daphne.log"
    with open(log, "wb") as output:
        server = Daphne(env={"LOG_LEVEL": "INFO"}, output=output).start()
        try:
            codes = [await close_code(server, path) for path in ["/ws/nothing/", "/ws/tickets/%00/"]]
        finally:
            server.stop()
    assert codes == [4404, 4404]
    assert "Traceback" not in log.read_text() and "Exception inside application" not in log.read_text()
