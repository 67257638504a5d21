"""Admin is behind the PIN; settings apply at once; the kiosk cannot be closed without it."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt

from kiosk.demo.passes import UNKNOWN_CODE, VALID_CODE
from kiosk.settings import load_settings
from kiosk.ui.pin import verify_pin
from kiosk.ui.screens import pin_prompt
from tests.ui.conftest import PIN, wait_until
from tests.ui.test_scanning import scan_manually

LEFT = Qt.MouseButton.LeftButton


def open_admin(qtbot, kiosk, pin=PIN):
    window = kiosk.window
    qtbot.mouseClick(window.scanning.admin_button, LEFT)
    assert window.current is window.pin
    window.pin.enter(pin)
    return window.admin


def test_wrong_pin_keeps_admin_closed_and_locks_after_five(qtbot, kiosk, monkeypatch):
    window = kiosk.window
    qtbot.mouseClick(window.scanning.admin_button, LEFT)
    for _ in range(4):
        window.pin.enter("0000")
        assert window.current is window.pin
    assert "1 attempt left" in window.pin.message.text()
    window.pin.enter("0000")
    assert window.pin.locked
    assert "Try again in" in window.pin.message.text()
    window.pin.enter(PIN)  # even the right PIN waits out the lockout
    assert window.current is window.pin
    monkeypatch.setattr(pin_prompt.time, "monotonic", lambda: 10**9)
    window.pin.enter(PIN)
    assert window.current is window.admin


def test_pin_keys_on_a_touch_screen(qtbot, kiosk):
    window = kiosk.window
    qtbot.mouseClick(window.scanning.admin_button, LEFT)
    for digit in PIN:
        qtbot.mouseClick(window.pin.keys[digit], LEFT)
    assert window.pin.dots.text() == "●" * len(PIN)
    qtbot.mouseClick(window.pin.keys["ok"], LEFT)
    assert window.current is window.admin


def test_close_is_refused_without_the_pin(qtbot, kiosk):
    window = kiosk.window
    assert not window.close()
    assert window.isVisible()
    assert window.current is window.pin  # closing asks for the PIN
    qtbot.keyClick(window.pin, Qt.Key.Key_Escape)
    assert window.current is window.scanning
    assert window.isVisible()


def test_quit_after_the_pin(qtbot, kiosk, qapp, monkeypatch):
    quits = []
    monkeypatch.setattr(qapp, "quit", lambda: quits.append(1))
    admin = open_admin(qtbot, kiosk)
    qtbot.mouseClick(admin.quit, LEFT)
    assert quits and kiosk.window.close_authorized
    assert kiosk.window.close()


def test_demo_window_closes_without_pin(qtbot, make_app, credentials):
    kiosk = make_app(demo=True)
    assert kiosk.window.close()


def test_settings_are_saved_and_applied(qtbot, kiosk, paths, demo_server):
    admin = open_admin(qtbot, kiosk)
    admin.mode.setCurrentIndex(admin.mode.findData("reward"))
    admin.reward_points.setValue(25)
    admin.hide_names.setChecked(True)
    admin.sound_on.setChecked(False)
    qtbot.mouseClick(admin.save, LEFT)
    assert admin.message.text() == "Settings saved."
    stored = load_settings(paths.settings_file)
    assert not stored.problems
    assert stored.settings.scanning.mode == "reward"
    assert stored.settings.scanning.reward_points == 25
    assert stored.settings.screen.hide_holder_names
    assert verify_pin(PIN, stored.settings.admin.pin_hash)
    assert PIN not in paths.settings_file.read_text()
    qtbot.mouseClick(admin.back, LEFT)
    assert kiosk.window.scanning.mode_badge.text() == "REWARD · +25 points"
    played = list(kiosk.sounds.played)
    verdict = scan_manually(qtbot, kiosk, VALID_CODE)
    assert verdict.reward_points == 25  # the running service took the new settings
    assert kiosk.window.verdict.holder.isHidden()
    assert "+25 points" in kiosk.window.verdict.details.text()
    assert kiosk.sounds.played == played  # muted


def test_export_journal_to_csv(qtbot, kiosk, paths):
    scan_manually(qtbot, kiosk, VALID_CODE)
    kiosk.window.verdict.dismiss()
    scan_manually(qtbot, kiosk, UNKNOWN_CODE)
    kiosk.window.verdict.dismiss()
    admin = open_admin(qtbot, kiosk)
    qtbot.mouseClick(admin.export, LEFT)
    wait_until(qtbot, lambda: admin.message.text().startswith("Exported"))
    [exported] = (paths.data_dir / "exports").glob("journal-*.csv")
    with exported.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["code"], r["verdict"]) for r in rows] == [
        (VALID_CODE, "valid"),
        (UNKNOWN_CODE, "unknown"),
    ]
    assert admin.message.text() == f"Exported 2 scans to {exported}"


def test_no_pin_yet_asks_to_choose_one(qtbot, make_app, credentials, ui_settings, paths):
    kiosk = make_app(ui_settings.with_changes(admin={"pin_hash": ""}))
    window = kiosk.window
    qtbot.mouseClick(window.scanning.admin_button, LEFT)
    assert "Choose" in window.pin.title.text()
    window.pin.enter("9753")
    assert "again" in window.pin.title.text()
    window.pin.enter("9753")
    assert window.current is window.admin
    assert verify_pin("9753", load_settings(paths.settings_file).settings.admin.pin_hash)


def test_scans_are_ignored_while_admin_is_open(qtbot, kiosk):
    open_admin(qtbot, kiosk)
    kiosk.submit(VALID_CODE, "camera")
    qtbot.wait(300)
    assert kiosk.window.current is kiosk.window.admin


def test_camera_choice_is_checked_before_it_is_saved(qtbot, kiosk, paths, tmp_path):
    """Admin lists the synthetic camera and refuses a file that is not there (the camera
    would never start), keeping the stored setting as it was."""
    admin = open_admin(qtbot, kiosk)
    assert admin.camera.findData("synthetic") >= 0
    admin.camera.setEditText(f"file:{tmp_path}/missing.mp4")
    qtbot.mouseClick(admin.save, LEFT)
    assert admin.message.text().startswith("The camera setting cannot be used:")
    assert load_settings(paths.settings_file).settings.camera.device == "0"
    admin.camera.setCurrentIndex(admin.camera.findData("synthetic"))
    qtbot.mouseClick(admin.save, LEFT)
    assert admin.message.text() == "Settings saved."
    assert load_settings(paths.settings_file).settings.camera.device == "synthetic"


def test_test_sound_plays_both_at_the_chosen_volume_then_restores(qtbot, kiosk):
    kiosk.settings = kiosk.settings.with_changes(sound={"enabled": False})  # muted: still plays
    kiosk.sounds.configure(kiosk.settings.sound)
    admin = open_admin(qtbot, kiosk)
    admin.volume.setValue(40)
    played = len(kiosk.sounds.played)
    qtbot.mouseClick(admin.test_sound, LEFT)
    assert kiosk.sounds.volume == 0.4 and kiosk.sounds.enabled
    wait_until(qtbot, lambda: kiosk.sounds.played[played:] == ["accepted", "rejected"])
    wait_until(qtbot, lambda: not kiosk.sounds.enabled)  # the saved settings again
    assert not kiosk.settings.sound.enabled and kiosk.settings.sound.volume == 0.8
