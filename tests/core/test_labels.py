import re
from pathlib import Path

from grants.labels import ACTION_LABELS
from grants.workflows import WORKFLOWS

ROOT = Path(__file__).resolve().parents[2]


def _recorded_actions():
    found = set()
    for path in (ROOT / "grants").rglob("*.py"):
        for match in re.finditer(r'record\(\s*[^()]*?,\s*[^()]*?,\s*"([a-z_]+\.[a-z_]+)"', path.read_text()):
            found.add(match.group(1))
    return found


def test_every_audited_action_has_a_readable_label():
    actions = _recorded_actions() | {f"{wf.name}.{t.action}" for wf in WORKFLOWS.values() for t in wf.transitions}
    assert len(actions) > 30
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert not missing, f"audit actions without a label in grants/labels.py: {missing}"


def test_history_shows_labels_not_codes(login):
    from grants.services import organisations
    from tests.factories import create_org, create_user

    staff = create_user("staff")
    org = create_org(status="pending")
    organisations.verify(staff, org)
    page = login(staff).get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "organisation.verify" not in page
    assert "已核验" in page
