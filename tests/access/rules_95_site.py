"""Site-wide files and the public side of calls: the favicon, guide/template files staff attach
to a call (uploaded and removed by staff, downloaded by anyone once the call is published)."""
import io

from grants.extensions import db
from grants.models import CallAttachment
from grants.services import files
from tests.access import EVERYONE, STAFF, Rule, only
from tests.factories_proposals import PDF_BYTES

# A call's staff page (and what is done on it): to everyone else the call is not there.
STAFF_OBJECT = only(STAFF, default=404)


def extend_world(w):
    stored = files.store(PDF_BYTES, files.PDF)
    w.call_guide = CallAttachment(call_id=w.call_open.id, title="申报指南", original_name="申报指南.pdf",
                                  stored_file=stored)
    w.draft_guide = CallAttachment(call_id=w.call_draft.id, title="申报书模板", original_name="申报书模板.pdf",
                                   stored_file=stored)
    db.session.add_all([w.call_guide, w.draft_guide])
    db.session.commit()


RULES = [
    Rule("site.favicon", "GET", lambda w: "/favicon.ico", only(EVERYONE)),
    Rule("public.call_file", "GET", lambda w: f"/public/calls/{w.call_open.id}/files/{w.call_guide.id}",
         only(EVERYONE), visible=EVERYONE),
    Rule("calls.upload_file", "POST", lambda w: f"/calls/{w.call_draft.id}/files", STAFF_OBJECT,
         data=lambda w: {"title": "申报书模板", "file": (io.BytesIO(PDF_BYTES), "申报书模板.pdf")}),
    Rule("calls.delete_file", "POST", lambda w: f"/calls/{w.call_draft.id}/files/{w.draft_guide.id}/delete",
         STAFF_OBJECT, data=lambda w: {}),
]
