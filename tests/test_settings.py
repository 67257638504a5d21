"""Settings: a wrong value is named and replaced by its default, never a crash."""

from __future__ import annotations

import dataclasses
import stat

import pytest

from kiosk.settings import Settings, load_settings, save_settings, settings_reference


def test_missing_file_gives_defaults(tmp_path):
    loaded = load_settings(tmp_path / "settings.toml")
    assert loaded.settings == Settings() and loaded.problems == []


def test_valid_values_are_applied(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[scanning]\nmode = "reward"\nreward_points = 25\n'
        'reentry_window_minutes = 5\n[camera]\nformats = ["QRCode"]\n'
    )
    loaded = load_settings(path)
    assert loaded.problems == []
    assert loaded.settings.scanning.mode == "reward"
    assert loaded.settings.scanning.reward_points == 25
    assert loaded.settings.scanning.reentry_window_minutes == 5.0
    assert loaded.settings.camera.formats == ("QRCode",)  # a tuple: frozen all the way down


def test_invalid_values_are_named_and_defaulted(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[scanning]\nmode = "party"\nreward_points = -3\nredeem_voids_pass = "yes"\n'
        'typo_key = 1\n[camera]\nformats = ["QRCode", "Hieroglyph"]\n[nonsense]\n'
    )
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    text = "\n".join(loaded.problems)
    for key in (
        "scanning.mode",
        "scanning.reward_points",
        "scanning.redeem_voids_pass",
        "scanning.typo_key",
        "camera.formats",
        "[nonsense]",
    ):
        assert key in text
    assert len(loaded.problems) == 6


def test_unparseable_file_gives_defaults_and_says_so(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[scanning\nmode = ")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert "unreadable" in loaded.problems[0]


def test_round_trip_and_private_mode(tmp_path):
    path = tmp_path / "settings.toml"
    settings = Settings().with_changes(scanning={"mode": "redeem"}, screen={"language": "pl"})
    save_settings(path, settings)
    assert load_settings(path).settings == settings
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_every_setting_is_documented():
    rows = settings_reference()
    assert len(rows) > 20
    assert all(doc for _, _, doc in rows)


def test_with_changes_makes_a_new_object_and_leaves_the_old_one():
    before = Settings()
    after = before.with_changes(scanning={"mode": "redeem", "redeem_points": 4}, sound={})
    assert (after.scanning.mode, after.scanning.redeem_points) == ("redeem", 4)
    assert before == Settings()  # untouched, nested sections included
    assert after.camera is before.camera  # sections not named are shared, not copied
    assert after.scanning.reward_points == before.scanning.reward_points


def test_with_changes_names_an_unknown_section_or_key():
    with pytest.raises(TypeError, match=r"scanning\.moed"):
        Settings().with_changes(scanning={"moed": "redeem"})
    with pytest.raises(TypeError, match=r"\[scaning\]"):
        Settings().with_changes(scaning={"mode": "redeem"})


def test_settings_are_frozen():
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.scanning.mode = "redeem"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.scanning = settings.scanning  # type: ignore[misc]
    hash(settings)  # no list (or other mutable value) inside
