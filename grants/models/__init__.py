"""All models, imported here so Alembic and the app see one metadata."""
from grants.models.api import ApiCall, ApiToken  # noqa: F401
from grants.models.audit import AuditEvent, OutboxMessage  # noqa: F401
from grants.models.award import Award, AwardNotice, Objection  # noqa: F401
from grants.models.call import Call, CallAttachment, RubricCriterion, TrancheRule  # noqa: F401
from grants.models.capability import (  # noqa: F401
    CallInvitation,
    CapabilityDeclaration,
    DeclaredCapability,
    DeclaredDistrict,
)
from grants.models.contract import Contract, ContractCounter, ContractTemplate, ContractVersion  # noqa: F401
from grants.models.disclosure import AnnualDisclosure, EnforcementRecord  # noqa: F401
from grants.models.files import StoredFile  # noqa: F401
from grants.models.finance import Disbursement, Tranche  # noqa: F401
from grants.models.milestone import (  # noqa: F401
    Evaluation,
    EvaluatorAssignment,
    Milestone,
    MilestoneReminder,
    Report,
    ReportEvidence,
    ReportVersion,
)
from grants.models.organisation import AnnualInspection, Invitation, Membership, Organisation  # noqa: F401
from grants.models.proposal import Attachment, BudgetLine, Indicator, Proposal, ProposedMilestone  # noqa: F401
from grants.models.review import Conflict, CriterionScore, PanelMember, Review, ReviewAssignment, ReviewReminder  # noqa: F401
from grants.models.spotcheck import (  # noqa: F401
    Inspector,
    SpotCheckDraw,
    SpotCheckInspector,
    SpotCheckItem,
    SpotCheckResult,
)
from grants.models.user import ROLES, User, UserRole  # noqa: F401
