"""scripts/system-deps, which `make test` runs first: it installs Chromium and the CJK fonts when they are missing.

The script runs with a PATH holding only stand-ins for dpkg, apt-get, id and sudo, which record what they were asked.
"""

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-deps"

STUBS = {
    # Installed when the marker file exists.
    "dpkg": '[ "$1" = "-s" ] && [ "$2" = fonts-noto-cjk ] && [ -e "$STATE/fonts" ]',
    # Records each call; `install` puts the browser where the package would and marks the fonts installed.
    "apt-get": """echo "apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}" >>"$STATE/calls"
if [ "$1" = install ]; then
  for p in "$@"; do
    case $p in
      chromium) [ -n "${APT_PROVIDES_NO_BROWSER:-}" ] || { printf '#!/bin/sh\\n' >"$QYZJ_CHROMIUM"; /bin/chmod +x "$QYZJ_CHROMIUM"; } ;;
      fonts-noto-cjk) : >"$STATE/fonts" ;;
    esac
  done
fi""",
    "id": 'echo "$FAKE_UID"',
    "sudo": 'echo "sudo $*" >>"$STATE/calls"; exec "$@"',
}


@pytest.fixture
def machine(tmp_path):
    """A machine with neither Chromium nor the fonts, as root, with apt-get and no sudo."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "bash").symlink_to("/bin/bash")
    (bin_dir / "env").symlink_to("/usr/bin/env")
    state = tmp_path / "state"
    state.mkdir()
    for name, body in STUBS.items():
        stub = bin_dir / name
        stub.write_text(f"#!/bin/bash\n{body}\n")
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    return {"bin": bin_dir, "state": state, "chromium": tmp_path / "chromium"}


def run(machine, *, uid=0, sudo=True, apt=True, chromium=False, fonts=False, **extra):
    if not sudo:
        (machine["bin"] / "sudo").unlink()
    if not apt:
        (machine["bin"] / "apt-get").unlink()
    if chromium:
        machine["chromium"].write_text("#!/bin/sh\n")
        machine["chromium"].chmod(0o755)
    if fonts:
        (machine["state"] / "fonts").touch()
    env = {
        "PATH": str(machine["bin"]),
        "STATE": str(machine["state"]),
        "FAKE_UID": str(uid),
        "QYZJ_CHROMIUM": str(machine["chromium"]),
        **extra,
    }
    return subprocess.run([str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)


def calls(machine) -> list[str]:
    log = machine["state"] / "calls"
    return log.read_text().splitlines() if log.exists() else []


def test_the_script_is_an_executable_bash_script_that_stops_at_the_first_error():
    assert os.access(SCRIPT, os.X_OK)
    text = SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text


def test_nothing_is_installed_when_chromium_and_the_fonts_are_there(machine):
    result = run(machine, chromium=True, fonts=True)
    assert result.returncode == 0, result.stderr
    assert calls(machine) == []
    assert result.stdout == "" and result.stderr == ""


def test_root_installs_chromium_and_the_fonts_when_both_are_missing(machine):
    result = run(machine)
    assert result.returncode == 0, result.stderr
    assert calls(machine) == [
        "apt-get update -qq DEBIAN_FRONTEND=noninteractive",
        "apt-get install -y -qq chromium fonts-noto-cjk DEBIAN_FRONTEND=noninteractive",
    ]
    assert os.access(machine["chromium"], os.X_OK)


def test_only_the_missing_package_is_installed(machine):
    result = run(machine, chromium=True)
    assert result.returncode == 0, result.stderr
    assert calls(machine)[-1] == "apt-get install -y -qq fonts-noto-cjk DEBIAN_FRONTEND=noninteractive"

    (machine["state"] / "calls").unlink()
    machine["chromium"].unlink()
    result = run(machine)
    assert result.returncode == 0, result.stderr
    assert calls(machine)[-1] == "apt-get install -y -qq chromium DEBIAN_FRONTEND=noninteractive"


def test_a_user_who_is_not_root_installs_through_sudo(machine):
    result = run(machine, uid=1000)
    assert result.returncode == 0, result.stderr
    assert calls(machine) == [
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get update -qq DEBIAN_FRONTEND=noninteractive",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk",
        "apt-get install -y -qq chromium fonts-noto-cjk DEBIAN_FRONTEND=noninteractive",
    ]


def test_without_root_or_sudo_it_stops_saying_what_to_install(machine):
    result = run(machine, uid=1000, sudo=False, fonts=True)
    assert result.returncode != 0
    assert calls(machine) == []
    assert "缺少系统软件包：chromium" in result.stderr
    assert "apt-get install -y chromium" in result.stderr
    assert "sudo" in result.stderr


def test_without_apt_get_it_stops_saying_what_to_install(machine):
    result = run(machine, apt=False)
    assert result.returncode != 0
    assert "缺少系统软件包：chromium fonts-noto-cjk" in result.stderr
    assert "apt-get" in result.stderr


def test_it_fails_when_the_installed_package_leaves_no_browser_at_the_configured_path(machine):
    result = run(machine, fonts=True, APT_PROVIDES_NO_BROWSER="1")
    assert result.returncode != 0
    assert str(machine["chromium"]) in result.stderr
    assert "QYZJ_CHROMIUM" in result.stderr
