"""Translatable labels for the codes stored in the database.

Every label of a stored code carries a message context (pgettext): a code's label and a
heading may share an English word with two meanings ("Administration": the budget category
管理费, the admin area 系统管理), and the context keeps their translations apart. A test checks
that every message here has one."""
from flask_babel import lazy_gettext as _l  # noqa: F401  (kept for callers)
from flask_babel import lazy_pgettext as _lp

ROLE_LABELS = {
    "applicant": _lp("role", "Applicant"),
    "reviewer": _lp("role", "Reviewer"),
    "staff": _lp("role", "Program staff"),
    "finance": _lp("role", "Finance"),
    "finance_senior": _lp("role", "Senior finance approver"),
    "admin": _lp("role", "Administrator"),
    "evaluator": _lp("role", "Third-party evaluator"),
}

ORG_TYPE_LABELS = {
    "social_group": _lp("organisation type", "Social group (社会团体)"),
    "social_service": _lp("organisation type", "Social service agency (社会服务机构)"),
    "foundation": _lp("organisation type", "Foundation (基金会)"),
}

GRADE_LABELS = {0: _lp("grade", "No grade"), 1: "1A", 2: "2A", 3: "3A", 4: "4A", 5: "5A"}

INSPECTION_LABELS = {
    "passed": _lp("inspection result", "Passed"),
    "basic_pass": _lp("inspection result", "Basically passed"),
    "failed": _lp("inspection result", "Failed"),
}

CATEGORY_LABELS = {
    "elderly": _lp("service category", "Elderly care"),
    "disability": _lp("service category", "Disability support"),
    "youth": _lp("service category", "Children and youth"),
    "community": _lp("service category", "Community governance"),
    "emergency": _lp("service category", "Emergency relief"),
    "other": _lp("service category", "Other"),
}

# What an organisation can do in a major emergency (重大突发事件): the capability registry and
# the capability an emergency proposal provides share these codes.
CAPABILITY_LABELS = {
    "rescue": _lp("emergency capability", "Rescue"),
    "medical": _lp("emergency capability", "Medical support"),
    "counselling": _lp("emergency capability", "Psychological counselling"),
    "logistics": _lp("emergency capability", "Logistics and delivery"),
    "checkpoint": _lp("emergency capability", "Community checkpoint duty"),
    "volunteers": _lp("emergency capability", "Volunteer mobilisation"),
    "goods": _lp("emergency capability", "Donations of goods"),
    "shelter": _lp("emergency capability", "Temporary shelter and care"),
    "other": _lp("emergency capability", "Other"),
}
CAPABILITY_TYPES = tuple(CAPABILITY_LABELS)

BUDGET_CATEGORY_LABELS = {
    "personnel": _lp("budget category", "Personnel"),
    "activities": _lp("budget category", "Activities"),
    "materials": _lp("budget category", "Materials"),
    "travel": _lp("budget category", "Travel"),
    "administration": _lp("budget category", "Administration"),
    "other": _lp("budget category", "Other"),
}

CONFLICT_TYPE_LABELS = {
    "affiliation": _lp("conflict type", "Employment or affiliation"),
    "family": _lp("conflict type", "Family relationship"),
    "financial": _lp("conflict type", "Financial interest"),
    "collaboration": _lp("conflict type", "Collaboration in the last 3 years"),
    "other": _lp("conflict type", "Other"),
}

RECOMMENDATION_LABELS = {
    "fund": _lp("recommendation", "Fund"),
    "fund_with_changes": _lp("recommendation", "Fund with changes"),
    "do_not_fund": _lp("recommendation", "Do not fund"),
}

TRANCHE_CONDITION_LABELS = {
    "signing": _lp("tranche condition", "On contract signing"),
    "milestone": _lp("tranche condition", "On acceptance of milestone"),
    "final": _lp("tranche condition", "On passing the final evaluation"),
}

DISTRICTS = ("南湖区", "秀洲区", "嘉善县", "平湖市", "海盐县", "海宁市", "桐乡市")

# Audit actions as people read them in histories ("<area>.<action>" -> label).
OBJECT_TYPE_LABELS = {
    "user": _lp("object type", "User"),
    "organisation": _lp("object type", "Organisation"),
    "call": _lp("object type", "Call"),
    "proposal": _lp("object type", "Proposal"),
    "review": _lp("object type", "Review"),
    "reviewassignment": _lp("object type", "Review assignment"),
    "award": _lp("object type", "Award"),
    "objection": _lp("object type", "Objection"),
    "contract": _lp("object type", "Contract"),
    "disbursement": _lp("object type", "Payment request"),
    "tranche": _lp("object type", "Tranche"),
    "milestone": _lp("object type", "Milestone"),
    "report": _lp("object type", "Milestone report"),
    "evaluation": _lp("object type", "Evaluation"),
    "annualdisclosure": _lp("object type", "Annual disclosure"),
    "enforcementrecord": _lp("object type", "Enforcement record"),
    "apitoken": _lp("object type", "API token"),
    "inspector": _lp("object type", "Inspector"),
    "spotcheckdraw": _lp("object type", "Spot-check draw"),
    "spotcheckitem": _lp("object type", "Spot-check item"),
}

ACTION_LABELS = {
    "user.login": _lp("audit action", "Logged in"),
    "user.logout_everywhere": _lp("audit action", "Logged out on every device"),
    "user.create": _lp("audit action", "Account created"),
    "user.update": _lp("audit action", "Account changed"),
    "user.activate": _lp("audit action", "Account reactivated"),
    "user.deactivate": _lp("audit action", "Account deactivated"),
    "user.password_change": _lp("audit action", "Password changed"),
    "user.password_reset_requested": _lp("audit action", "Password reset link requested"),
    "user.password_reset_sent": _lp("audit action", "Password reset link sent by an administrator"),
    "user.password_reset": _lp("audit action", "New password set through a reset link"),
    "organisation.register": _lp("audit action", "Registered"),
    "organisation.verify": _lp("audit action", "Verified"),
    "organisation.reject": _lp("audit action", "Not verified"),
    "organisation.resubmit": _lp("audit action", "Details corrected and sent for verification"),
    "organisation.profile_update": _lp("audit action", "Profile changed"),
    "organisation.invite": _lp("audit action", "Colleague invited"),
    "organisation.invitation_cancel": _lp("audit action", "Invitation cancelled"),
    "registry.declare": _lp("audit action", "Emergency capabilities declared"),
    "registry.confirm": _lp("audit action", "Emergency capabilities confirmed as current"),
    "registry.remind": _lp("audit action", "Reminded to confirm emergency capabilities"),
    "registry.invite": _lp("audit action", "Invited to apply to a call"),
    "organisation.invitation_accept": _lp("audit action", "Invitation accepted"),
    "organisation.grade": _lp("audit action", "Grade recorded"),
    "organisation.inspection": _lp("audit action", "Annual inspection recorded"),
    "organisation.blacklist": _lp("audit action", "Put on the 严重违法失信 list"),
    "organisation.unblacklist": _lp("audit action", "Removed from the 严重违法失信 list"),
    "call.create": _lp("audit action", "Call created"),
    "call.update": _lp("audit action", "Call changed"),
    "call.attach": _lp("audit action", "File attached to the call"),
    "call.detach": _lp("audit action", "File removed from the call"),
    "call.schedule": _lp("audit action", "Set to open by itself"),
    "call.unschedule": _lp("audit action", "No longer opens by itself"),
    "call.open": _lp("audit action", "Opened"),
    "call.close": _lp("audit action", "Closed"),
    "call.decide": _lp("audit action", "Results decided"),
    "call.archive": _lp("audit action", "Archived"),
    "proposal.create": _lp("audit action", "Proposal started"),
    "proposal.save_draft": _lp("audit action", "Draft saved"),
    "proposal.attach": _lp("audit action", "File attached"),
    "proposal.detach": _lp("audit action", "File removed"),
    "proposal.submit": _lp("audit action", "Submitted"),
    "proposal.withdraw": _lp("audit action", "Withdrawn"),
    "proposal.resubmit": _lp("audit action", "Submitted again"),
    "proposal.reopen_draft": _lp("audit action", "Made a draft again"),
    "proposal.screen_pass": _lp("audit action", "Passed screening"),
    "proposal.screen_fail": _lp("audit action", "Failed screening"),
    "proposal.recommend": _lp("audit action", "Recommended"),
    "proposal.not_fund": _lp("audit action", "Not funded"),
    "proposal.award": _lp("audit action", "Awarded"),
    "panel.add_member": _lp("audit action", "Reviewer added to the panel"),
    "panel.remove_member": _lp("audit action", "Reviewer removed from the panel"),
    "panel.auto_assign": _lp("audit action", "Proposals assigned automatically"),
    "panel.record_conflict": _lp("audit action", "Conflict of interest recorded"),
    "panel.remind": _lp("audit action", "Reminder sent"),
    "panel.remind_scheduled": _lp("audit action", "Scheduled reminders sent"),
    "assignment.add": _lp("audit action", "Assignment added"),
    "assignment.declare_none": _lp("audit action", "Declared no conflict of interest"),
    "assignment.recuse": _lp("audit action", "Recused for a conflict of interest"),
    "assignment.remove": _lp("audit action", "Assignment removed"),
    "assignment.reassign": _lp("audit action", "Assignment restored"),
    "review.start": _lp("audit action", "Review started"),
    "review.save_draft": _lp("audit action", "Review draft saved"),
    "review.submit": _lp("audit action", "Review submitted"),
    "review.reopen": _lp("audit action", "Review reopened"),
    "proposal.unrecommend": _lp("audit action", "Returned to the ranking (award withdrawn)"),
    "award.propose": _lp("audit action", "Award proposed"),
    "award.change_amount": _lp("audit action", "Award amount changed"),
    "award.withdraw": _lp("audit action", "Proposed award withdrawn"),
    "award.publish_notice": _lp("audit action", "Notice of proposed awards published"),
    "award.publish": _lp("audit action", "Award put on public notice"),
    "award.confirm": _lp("audit action", "Award confirmed"),
    "award.cancel": _lp("audit action", "Award cancelled (objection upheld)"),
    "objection.lodge": _lp("audit action", "Objection lodged"),
    "objection.uphold": _lp("audit action", "Objection upheld"),
    "objection.dismiss": _lp("audit action", "Objection dismissed"),
    "contract.generate": _lp("audit action", "Contract generated"),
    "contract.regenerate": _lp("audit action", "Contract regenerated (new version)"),
    "contract.upload_signed": _lp("audit action", "Signed copy uploaded"),
    "contract.replace_signed": _lp("audit action", "Signed copy replaced"),
    "contract.return_signed": _lp("audit action", "Signed copy returned"),
    "contract.activate": _lp("audit action", "Contract put in force"),
    "contract.terminate": _lp("audit action", "Contract terminated"),
    "contract.clauses": _lp("audit action", "Contract clauses edited"),
    "report.submit": _lp("audit action", "Report submitted"),
    "report.resubmit": _lp("audit action", "Report resubmitted"),
    "report.accept": _lp("audit action", "Report accepted"),
    "report.return": _lp("audit action", "Report returned for changes"),
    "evaluation.submit": _lp("audit action", "Evaluation submitted"),
    "disbursement.approve": _lp("audit action", "Payment approved"),
    "disbursement.first_approve": _lp("audit action", "First approval of a payment"),
    "disbursement.second_approve": _lp("audit action", "Second approval of a payment"),
    "disbursement.return": _lp("audit action", "Payment request returned"),
    "disbursement.pay": _lp("audit action", "Payment recorded"),
    "disbursement.cancel": _lp("audit action", "Payment request cancelled"),
    "contract.requests_cancelled": _lp("audit action", "Open payment requests cancelled"),
    "disbursement.request": _lp("audit action", "Payment requested"),
    "disbursement.payment_failed": _lp("audit action", "Payment failed (to retry)"),
    "evaluation.assign": _lp("audit action", "Evaluation assigned"),
    "evaluation.assign_call": _lp("audit action", "Evaluator assigned to the call"),
    "report.attach": _lp("audit action", "Evidence file added to a report"),
    "report.detach": _lp("audit action", "Evidence file removed from a report"),
    "report.remind_due_soon": _lp("audit action", "Reminder: report due soon"),
    "report.remind_overdue": _lp("audit action", "Reminder: report overdue"),
    "organisation.enforcement_add": _lp("audit action", "Enforcement record added"),
    "organisation.enforcement_withdraw": _lp("audit action", "Enforcement record withdrawn"),
    "disclosure.create": _lp("audit action", "Annual disclosure started"),
    "disclosure.submit": _lp("audit action", "Annual disclosure submitted"),
    "disclosure.resubmit": _lp("audit action", "Annual disclosure submitted again"),
    "disclosure.approve": _lp("audit action", "Annual disclosure approved and published"),
    "disclosure.return": _lp("audit action", "Annual disclosure returned for changes"),
    "api_token.create": _lp("audit action", "API token created"),
    "api_token.revoke": _lp("audit action", "API token revoked"),
    "inspector.add": _lp("audit action", "Inspector added to the pool"),
    "inspector.activate": _lp("audit action", "Inspector reactivated"),
    "inspector.deactivate": _lp("audit action", "Inspector deactivated"),
    "spotcheck.draw": _lp("audit action", "Spot-check draw made"),
    "spotcheck.result": _lp("audit action", "Spot-check result entered"),
    "spotcheck.result_change": _lp("audit action", "Spot-check result corrected"),
    "spotcheck.close": _lp("audit action", "Spot check closed"),
}

# Kinds of enforcement records (执法记录) staff keep besides the 严重违法失信 flag.
ENFORCEMENT_KIND_LABELS = {
    "warning": _lp("enforcement kind", "Warning (警告)"),
    "fine": _lp("enforcement kind", "Fine (罚款)"),
    "confiscation": _lp("enforcement kind", "Confiscation of illegal gains (没收违法所得)"),
    "suspension": _lp("enforcement kind", "Activities suspended (限期停止活动)"),
    "revocation": _lp("enforcement kind", "Registration revoked (撤销登记)"),
    "abnormal_list": _lp("enforcement kind", "Listed as operating abnormally (活动异常名录)"),
    "other": _lp("enforcement kind", "Other measure"),
}


def action_label(code: str):
    return ACTION_LABELS.get(code, code)
