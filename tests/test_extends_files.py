"""``extends`` reads rule files only: a path must end in .yaml or .yml and the file must be a
rule file (a mapping with schema_version), else R035 — and never a line of the file shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_cli

SAMPLE = str(ROOT / "data" / "2020.csv")

#: What a file named by mistake (or on purpose) might hold; none of it may be shown.
SECRETS = ["tok-aaa111", "pw-bbb222", "rootsecret333", "hashhash444", "API_TOKEN", "DB_PASSWORD"]
KEY_VALUE = "API_TOKEN: tok-aaa111\nDB_PASSWORD: pw-bbb222\nroot: rootsecret333\n"
SHADOW = "root:$6$hashhash444:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"

CHILD = """\
schema_version: 1
id: child
title: {vi: Con, en: Child}
legal_basis: Test fixture
extends: %s
"""


def _foreign(folder: Path, name: str) -> str:
    """Files that are not rule files, and the ``extends`` that names one."""
    (folder / "secrets").write_text(KEY_VALUE, encoding="utf-8")
    (folder / "secrets.yaml").write_text(KEY_VALUE, encoding="utf-8")
    (folder / "shadow.yaml").write_text(SHADOW, encoding="utf-8")
    (folder / "link.yaml").symlink_to(folder / "secrets")
    return {
        "no-suffix": "./secrets",
        "no-suffix-up-and-down": f"../{folder.name}/secrets",
        "key-value-yaml": "secrets.yaml",
        "shadow-lines-yaml": "shadow.yaml",
        "yaml-link-to-a-file-without-suffix": "link.yaml",
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "no-suffix",
        "no-suffix-up-and-down",
        "key-value-yaml",
        "shadow-lines-yaml",
        "yaml-link-to-a-file-without-suffix",
    ],
)
def test_extends_refuses_what_is_not_a_rule_file_without_showing_it(tmp_path, name):
    ref = _foreign(tmp_path, name)
    (tmp_path / "child.yaml").write_text(CHILD % ref, encoding="utf-8")
    validated = run_cli("validate", "child.yaml", cwd=tmp_path)
    checked = run_cli("check", SAMPLE, "--rules", "child.yaml", cwd=tmp_path)
    assert validated.code == 1 and checked.code == 3
    assert validated.stdout.startswith("child.yaml:5:10: error [R035] extends ")
    assert "child.yaml:5:10: error [R035] extends " in checked.stderr
    for run in (validated, checked):
        shown = run.stdout + run.stderr
        assert not [s for s in SECRETS if s in shown], shown
