"""The dependency contract (.importlinter) holds for the tree, and breaks when a forbidden import is added.

`make test` runs `lint-imports` too; these tests show that the contract is not one that cannot fail: each forbidden
import is added to a copy of the tree and the linter must reject it, naming the contract.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "accounts", "workcalendar", "notifications", "enterprises", "catalogue", "supervision", "tickets", "deadlines", "reports", "sso", "qiyezhijia"]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd), "LANG": "C.UTF-8"},
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The apps' Python files and the contract, copied (the linter reads sources; nothing is imported)."""
    copy = tmp_path_factory.mktemp("tree")
    for app in APPS:
        shutil.copytree(ROOT / app, copy / app, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.html"))
    shutil.copy(ROOT / ".importlinter", copy / ".importlinter")
    return copy


def test_the_tree_keeps_the_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/probe.py", "import tickets.models\n", "An app imports only the apps below it"),
        ("accounts/probe.py", "from workcalendar import workdays\n", "An app imports only the apps below it"),
        ("notifications/probe.py", "from tickets import notices\n", "An app imports only the apps below it"),
        ("supervision/probe.py", "from tickets.models import Ticket\n", "An app imports only the apps below it"),
        ("tickets/probe.py", "from supervision.models import Supervision\n", "tickets uses supervision through its services only"),
        ("reports/probe.py", "from tickets.views.tickets import ticket_list\n", "Nothing imports another app's views (tickets)"),
        ("reports/probe.py", "from tickets import workflow\n", "reports reads the lifecycle through its selectors"),
        ("tickets/probe.py", "from sso import matching\n", "An app imports only the apps below it"),
        ("reports/probe.py", "from sso import matching\n", "An app imports only the apps below it"),
        ("enterprises/probe.py", "from tickets.models import Demand\n", "An app imports only the apps below it"),
    ],
)
def test_a_forbidden_import_breaks_the_contract(tree, module, line, contract):
    probe = tree / module
    probe.write_text(line)
    try:
        result = lint(tree)
    finally:
        probe.unlink()
    assert result.returncode != 0
    # The contract list wraps long names over lines: read it as one line, where each name is followed by its verdict.
    collapsed = " ".join(result.stdout.split())
    assert re.search(re.escape(contract) + r"(?:(?!KEPT).)*?BROKEN", collapsed), result.stdout
    assert module.split("/")[0] + ".probe" in result.stdout  # the report names the importing module
