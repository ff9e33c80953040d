"""Demo data: every demo organisation has a 登记证书 scan and its first member is its admin; idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Membership, Organisation, StoredFile
from grants.seed import accounts as seed_accounts
from grants.seed import core as seed_core
from grants.services import files


def test_seed_gives_every_organisation_a_scan_and_an_admin(app):
    for _ in range(2):
        ctx = {"logins": []}
        with app.test_request_context():
            seed_core.run(ctx)
            seed_accounts.run(ctx)
    orgs = db.session.scalars(select(Organisation)).all()
    assert len(orgs) == 20
    for org in orgs:
        stored = org.certificate_file
        assert stored is not None and stored.content_type == files.PNG
        assert files.detect_type(files.path_for(stored.sha256).read_bytes()) == files.PNG
        assert org.certificate_name.startswith("登记证书-")
        admins = [m for m in org.memberships if m.is_admin]
        assert len(admins) == 1 and admins[0].id == min(m.id for m in org.memberships)
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 20
    assert db.session.scalar(select(func.count()).select_from(Membership).where(Membership.is_admin)) == 20
