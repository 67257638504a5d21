"""First run against the embedded server: registration succeeds, fails in one sentence, and
can be filled from a provisioning QR code."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.demo import DEMO_WORKSPACE_TOKEN
from kiosk.demo.passes import VALID_CODE
from kiosk.device import load_credentials
from kiosk.settings import load_settings
from kiosk.ui.pin import verify_pin
from kiosk.ui.provisioning_code import ProvisioningCode
from tests.ui.conftest import wait_until
from tests.ui.test_scanning import scan_manually

LEFT = Qt.MouseButton.LeftButton


def fill(qtbot, screen, api_url, token, name="door-7", pin="1357", again=None):
    screen.api_url.clear()
    qtbot.keyClicks(screen.api_url, api_url)
    qtbot.keyClicks(screen.token, token)
    screen.name.clear()
    qtbot.keyClicks(screen.name, name)
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClicks(screen.pin_again, pin if again is None else again)


def test_first_run_registers_and_starts_scanning(qtbot, make_app, demo_server, paths, ui_settings):
    kiosk = make_app(ui_settings.with_changes(admin={"pin_hash": ""}))
    window = kiosk.window
    screen = window.first_run
    assert window.current is screen
    assert screen.token.echoMode() == screen.token.EchoMode.Password
    fill(qtbot, screen, demo_server.url, DEMO_WORKSPACE_TOKEN)
    with qtbot.waitSignal(kiosk.backendReady, timeout=15_000):
        qtbot.mouseClick(screen.register, LEFT)
    assert "Demo Venue" in screen.message.text() and "door-7" in screen.message.text()
    credentials = load_credentials(paths.device_file)
    assert credentials.workspace == "Demo Venue"
    stored = load_settings(paths.settings_file).settings
    assert verify_pin("1357", stored.admin.pin_hash)
    assert "1357" not in paths.settings_file.read_text()
    assert DEMO_WORKSPACE_TOKEN not in paths.settings_file.read_text()
    qtbot.mouseClick(screen.start, LEFT)
    assert window.current is window.scanning
    assert scan_manually(qtbot, kiosk, VALID_CODE).accepted
    assert "door-7 in Demo Venue" in window.status_bar.identity.text()


def test_wrong_token_fails_in_one_sentence(qtbot, make_app, demo_server, paths):
    kiosk = make_app()
    screen = kiosk.window.first_run
    fill(qtbot, screen, demo_server.url, "not-the-token")
    qtbot.mouseClick(screen.register, LEFT)
    wait_until(qtbot, lambda: not screen.busy)
    assert screen.message.text() == (
        "The server refused the workspace token; copy it again from the workspace detail page."
    )
    assert not paths.device_file.exists()
    assert screen.register.isEnabled() and screen.token.isEnabled()


def test_unreachable_server_fails_cleanly(qtbot, make_app, demo_server, paths):
    kiosk = make_app()
    url = demo_server.url
    demo_server.stop()
    screen = kiosk.window.first_run
    fill(qtbot, screen, url, DEMO_WORKSPACE_TOKEN)
    qtbot.mouseClick(screen.register, LEFT)
    wait_until(qtbot, lambda: not screen.busy, timeout=20)
    assert "Check the API URL and the network." in screen.message.text()
    assert not paths.device_file.exists()


def test_form_problems_are_said_before_calling_the_server(qtbot, make_app, demo_server):
    kiosk = make_app()
    screen = kiosk.window.first_run
    fill(qtbot, screen, demo_server.url, DEMO_WORKSPACE_TOKEN, pin="12", again="12")
    qtbot.mouseClick(screen.register, LEFT)
    assert screen.message.text() == "The admin PIN must be 4 to 12 digits."
    screen.pin.clear()
    screen.pin_again.clear()
    qtbot.keyClicks(screen.pin, "1234")
    qtbot.keyClicks(screen.pin_again, "1243")
    qtbot.mouseClick(screen.register, LEFT)
    assert "PINs differ" in screen.message.text()
    assert not screen.busy


def test_provisioning_qr_code_fills_the_form(qtbot, make_app, demo_server, paths):
    kiosk = make_app()
    screen = kiosk.window.first_run
    code = ProvisioningCode(demo_server.url, DEMO_WORKSPACE_TOKEN, "bar-2").to_uri()
    kiosk.submit(code, "camera")
    assert screen.api_url.text() == demo_server.url
    assert screen.token.text() == DEMO_WORKSPACE_TOKEN
    assert screen.name.text() == "bar-2"
    assert "QR code" in screen.message.text()
    kiosk.submit(VALID_CODE, "camera")  # a pass shown too early changes nothing
    assert screen.api_url.text() == demo_server.url
    qtbot.keyClicks(screen.pin, "8642")
    qtbot.keyClicks(screen.pin_again, "8642")
    with qtbot.waitSignal(kiosk.backendReady, timeout=15_000):
        qtbot.mouseClick(screen.register, LEFT)
    assert load_credentials(paths.device_file).device_name == "bar-2"


def test_register_again_from_admin(qtbot, kiosk, demo_server, paths):
    from tests.ui.test_admin import open_admin

    admin = open_admin(qtbot, kiosk)
    qtbot.mouseClick(admin.reprovision, LEFT)
    screen = kiosk.window.first_run
    assert kiosk.window.current is screen
    assert screen.api_url.text() == demo_server.url
    assert screen.cancel.isVisible()
    qtbot.keyClicks(screen.token, DEMO_WORKSPACE_TOKEN)
    screen.name.clear()
    qtbot.keyClicks(screen.name, "door-9")
    with qtbot.waitSignal(kiosk.backendReady, timeout=15_000):
        qtbot.mouseClick(screen.register, LEFT)  # empty PIN fields keep the current PIN
    assert load_credentials(paths.device_file).device_name == "door-9"
    qtbot.mouseClick(screen.start, LEFT)
    assert scan_manually(qtbot, kiosk, VALID_CODE).accepted
