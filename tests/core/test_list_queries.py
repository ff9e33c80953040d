"""Foundation lists load what they show in a constant number of SQL statements."""

import pytest

from grants.extensions import db
from grants.services import organisations
from grants.sqlcount import recorded_statements
from tests.factories import create_applicant, create_org, create_user


def statements():
    return recorded_statements(db.engine)


@pytest.mark.parametrize("path", ["/organisations/", "/admin/users", "/admin/audit", "/admin/outbox"])
def test_list_pages_use_the_same_number_of_statements_for_5_and_50_rows(login, path):
    admin = create_user("admin", "staff")
    for _ in range(60):
        org = create_org(status="pending")
        create_applicant(org)
        organisations.verify(admin, org)  # an audit event and an outbox message each
    client = login(admin)
    client.get(path + "?per_page=1")
    counts = {}
    for size in (5, 50):
        db.session.expire_all()
        with statements() as seen:
            response = client.get(f"{path}?per_page={size}")
        assert response.status_code == 200
        counts[size] = list(seen)
    assert len(counts[5]) == len(counts[50]), "\n---\n".join("\n".join(v) for v in counts.values())
