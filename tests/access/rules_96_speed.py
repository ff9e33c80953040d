"""Speed at the city's scale (issue 14): the searchable pickers' endpoint of a call's panel pages
(staff only, like the panel itself: to everyone else it does not exist)."""
from tests.access import STAFF, Rule, only


def _staff():
    return only(STAFF, default=404)


RULES = [
    Rule("panel.picker", "GET", lambda w: f"/panel/calls/{w.panel_call.id}/picker/reviewer?q=专家", _staff()),
]
