"""Translatable labels for the codes stored in the database."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "reviewer": _l("Reviewer"),
    "staff": _l("Program staff"),
    "finance": _l("Finance"),
    "finance_senior": _l("Senior finance approver"),
    "admin": _l("Administrator"),
    "evaluator": _l("Third-party evaluator"),
}

ORG_TYPE_LABELS = {
    "social_group": _l("Social group (社会团体)"),
    "social_service": _l("Social service agency (社会服务机构)"),
    "foundation": _l("Foundation (基金会)"),
}

GRADE_LABELS = {0: _l("No grade"), 1: "1A", 2: "2A", 3: "3A", 4: "4A", 5: "5A"}

INSPECTION_LABELS = {
    "passed": _l("Passed"),
    "basic_pass": _l("Basically passed"),
    "failed": _l("Failed"),
}

CATEGORY_LABELS = {
    "elderly": _l("Elderly care"),
    "disability": _l("Disability support"),
    "youth": _l("Children and youth"),
    "community": _l("Community governance"),
    "emergency": _l("Emergency relief"),
    "other": _l("Other"),
}

BUDGET_CATEGORY_LABELS = {
    "personnel": _l("Personnel"),
    "activities": _l("Activities"),
    "materials": _l("Materials"),
    "travel": _l("Travel"),
    "administration": _l("Administration"),
    "other": _l("Other"),
}

CONFLICT_TYPE_LABELS = {
    "affiliation": _l("Employment or affiliation"),
    "family": _l("Family relationship"),
    "financial": _l("Financial interest"),
    "collaboration": _l("Collaboration in the last 3 years"),
    "other": _l("Other"),
}

RECOMMENDATION_LABELS = {
    "fund": _l("Fund"),
    "fund_with_changes": _l("Fund with changes"),
    "do_not_fund": _l("Do not fund"),
}

TRANCHE_CONDITION_LABELS = {
    "signing": _l("On contract signing"),
    "milestone": _l("On acceptance of milestone"),
    "final": _l("On passing the final evaluation"),
}

DISTRICTS = ("南湖区", "秀洲区", "嘉善县", "平湖市", "海盐县", "海宁市", "桐乡市")

# Audit actions as people read them in histories ("<area>.<action>" -> label).
ACTION_LABELS = {
    "user.login": _l("Logged in"),
    "user.logout_everywhere": _l("Logged out on every device"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.activate": _l("Account reactivated"),
    "user.deactivate": _l("Account deactivated"),
    "user.password_change": _l("Password changed"),
    "organisation.register": _l("Registered"),
    "organisation.verify": _l("Verified"),
    "organisation.reject": _l("Not verified"),
    "organisation.resubmit": _l("Details corrected and sent for verification"),
    "organisation.profile_update": _l("Profile changed"),
    "organisation.grade": _l("Grade recorded"),
    "organisation.inspection": _l("Annual inspection recorded"),
    "organisation.blacklist": _l("Put on the 严重违法失信 list"),
    "organisation.unblacklist": _l("Removed from the 严重违法失信 list"),
    "call.create": _l("Call created"),
    "call.update": _l("Call changed"),
    "call.schedule": _l("Set to open by itself"),
    "call.unschedule": _l("No longer opens by itself"),
    "call.open": _l("Opened"),
    "call.close": _l("Closed"),
    "call.decide": _l("Results decided"),
    "call.archive": _l("Archived"),
    "proposal.create": _l("Proposal started"),
    "proposal.save_draft": _l("Draft saved"),
    "proposal.attach": _l("File attached"),
    "proposal.detach": _l("File removed"),
    "proposal.submit": _l("Submitted"),
    "proposal.withdraw": _l("Withdrawn"),
    "proposal.resubmit": _l("Submitted again"),
    "proposal.reopen_draft": _l("Made a draft again"),
    "proposal.screen_pass": _l("Passed screening"),
    "proposal.screen_fail": _l("Failed screening"),
    "proposal.recommend": _l("Recommended"),
    "proposal.not_fund": _l("Not funded"),
    "proposal.award": _l("Awarded"),
    "panel.add_member": _l("Reviewer added to the panel"),
    "panel.remove_member": _l("Reviewer removed from the panel"),
    "panel.auto_assign": _l("Proposals assigned automatically"),
    "panel.record_conflict": _l("Conflict of interest recorded"),
    "panel.remind": _l("Reminder sent"),
    "panel.remind_scheduled": _l("Scheduled reminders sent"),
    "assignment.add": _l("Assignment added"),
    "assignment.declare_none": _l("Declared no conflict of interest"),
    "assignment.recuse": _l("Recused for a conflict of interest"),
    "assignment.remove": _l("Assignment removed"),
    "assignment.reassign": _l("Assignment restored"),
    "review.start": _l("Review started"),
    "review.save_draft": _l("Review draft saved"),
    "review.submit": _l("Review submitted"),
    "review.reopen": _l("Review reopened"),
    "proposal.unrecommend": _l("Returned to the ranking (award withdrawn)"),
    "award.propose": _l("Award proposed"),
    "award.change_amount": _l("Award amount changed"),
    "award.withdraw": _l("Proposed award withdrawn"),
    "award.publish_notice": _l("Notice of proposed awards published"),
    "award.publish": _l("Award put on public notice"),
    "award.confirm": _l("Award confirmed"),
    "award.cancel": _l("Award cancelled (objection upheld)"),
    "objection.lodge": _l("Objection lodged"),
    "objection.uphold": _l("Objection upheld"),
    "objection.dismiss": _l("Objection dismissed"),
    "contract.generate": _l("Contract generated"),
    "contract.regenerate": _l("Contract regenerated (new version)"),
    "contract.upload_signed": _l("Signed copy uploaded"),
    "contract.replace_signed": _l("Signed copy replaced"),
    "contract.return_signed": _l("Signed copy returned"),
    "contract.activate": _l("Contract put in force"),
    "contract.terminate": _l("Contract terminated"),
    "contract.clauses": _l("Contract clauses edited"),
    "report.submit": _l("Report submitted"),
    "report.resubmit": _l("Report resubmitted"),
    "report.accept": _l("Report accepted"),
    "report.return": _l("Report returned for changes"),
    "evaluation.submit": _l("Evaluation submitted"),
    "evaluation.assign": _l("Evaluation assigned"),
    "evaluation.assign_call": _l("Evaluator assigned to the call"),
    "report.attach": _l("Evidence file added to a report"),
    "report.detach": _l("Evidence file removed from a report"),
    "report.remind_due_soon": _l("Reminder: report due soon"),
    "report.remind_overdue": _l("Reminder: report overdue"),
    "disbursement.approve": _l("Payment approved"),
    "disbursement.first_approve": _l("First approval of a payment"),
    "disbursement.second_approve": _l("Second approval of a payment"),
    "disbursement.return": _l("Payment request returned"),
    "disbursement.pay": _l("Payment recorded"),
    "disbursement.cancel": _l("Payment request cancelled"),
}


def action_label(code: str):
    return ACTION_LABELS.get(code, code)
