"""Every app's tests run in `make test`: an app missing from pytest.ini's testpaths would have its tests silently
never collected (it happened once, when two apps were added)."""

import configparser
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_every_app_with_tests_is_in_testpaths():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    ours = {Path(app.path).name for app in apps.get_app_configs() if Path(app.path).parent == ROOT}
    with_tests = {name for name in ours if (ROOT / name / "tests").is_dir()}
    assert with_tests, "no app of the project found"
    assert with_tests - testpaths == set()
