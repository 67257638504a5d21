from kiosk.resources import resource_path, resources_root


def test_resources_are_found_from_the_checkout():
    assert (resources_root() / "README.md").is_file()
    assert resource_path("sounds").is_dir()
