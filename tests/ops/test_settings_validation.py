"""Gaps found in settings validation: door hook values and keys outside any section."""

from __future__ import annotations

from kiosk.settings import Settings, load_settings


def test_door_hook_values_are_validated_with_their_key(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[door_hook]\ncommand = "relay \\"unbalanced"\nurl = "http://doors.example.com/open"\n'
    )
    loaded = load_settings(path)
    assert loaded.settings.door_hook == Settings().door_hook  # both back to "off"
    text = "\n".join(loaded.problems)
    assert "door_hook.command" in text and "door_hook.url" in text and "https" in text


def test_good_door_hook_values_are_kept(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[door_hook]\ncommand = "/usr/local/bin/open-door --pulse 1"\n'
        'url = "http://192.168.1.50/relay/0?turn=on"\ntimeout_seconds = 2\n'
    )
    loaded = load_settings(path)
    assert loaded.problems == []
    assert loaded.settings.door_hook.url == "http://192.168.1.50/relay/0?turn=on"
    assert loaded.settings.door_hook.timeout_seconds == 2.0


def test_a_key_outside_any_section_is_named_as_a_setting(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('mode = "reward"\n[scanning]\nmode = "redeem"\n')
    loaded = load_settings(path)
    assert loaded.settings.scanning.mode == "redeem"
    assert loaded.problems == ["Setting mode in settings.toml is outside any [section]; ignored."]
