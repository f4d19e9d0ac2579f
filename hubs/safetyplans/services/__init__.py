"""The verbs of safety plans: one current plan per person, versioned like care plans.

The sections follow Stanley-Brown. Agreeing snapshots a version the person sees in their
portal; an edit after agreement starts a new draft version while the agreed one stays in
force; a save made against an older version or revision is refused as a conflict that names
what changed, never a silent overwrite (DESIGN §3 rules 5-8). The person proposes changes
to a section; their care team accepts them into a draft.

Services take the actor explicitly, flush but never commit, and raise domain errors.
Callers import everything from here: the verbs, what a plan says, and the reads and access
checks the verbs rest on; the modules split them by meaning.
"""

from hubs.safetyplans.access import get_safety_person, own_person_id, record_read
from hubs.safetyplans.content import (
    MAX_SECTION,
    SECTION_LABELS,
    TEXT_SECTIONS,
    SafetyPlanContent,
    compare_safety_versions,
    has_content,
    snapshot,
)
from hubs.safetyplans.queries import (
    crisis_services,
    current_agreed,
    current_draft,
    current_safety_plan,
    get_proposal,
    proposals_for,
    safety_review_states,
    safety_version,
    safety_versions,
)
from hubs.safetyplans.services.drafting import (
    agree_safety_plan,
    edit_safety_plan,
    open_safety_draft,
    save_safety_draft,
)
from hubs.safetyplans.services.proposals import (
    accept_proposal,
    decline_proposal,
    propose_change,
)

__all__ = [
    "MAX_SECTION",
    "SECTION_LABELS",
    "TEXT_SECTIONS",
    "SafetyPlanContent",
    "accept_proposal",
    "agree_safety_plan",
    "compare_safety_versions",
    "crisis_services",
    "current_agreed",
    "current_draft",
    "current_safety_plan",
    "decline_proposal",
    "edit_safety_plan",
    "get_proposal",
    "get_safety_person",
    "has_content",
    "open_safety_draft",
    "own_person_id",
    "proposals_for",
    "propose_change",
    "record_read",
    "safety_review_states",
    "safety_version",
    "safety_versions",
    "save_safety_draft",
    "snapshot",
]
