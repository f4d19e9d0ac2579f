"""Short fictional phrases for free-text fields, by need domain where it matters."""

from __future__ import annotations

OWN_WORDS = {
    "mental_health": (
        "I feel low most days",
        "My anxiety stops me going out",
        "I hear voices that frighten me",
        "I can't switch my thoughts off",
    ),
    "physical_health": ("My diabetes is hard to manage", "I get out of breath easily"),
    "job_situation": ("I lost my job in the spring", "I want to get back to work"),
    "accommodation": ("I might lose my flat", "The damp is making things worse"),
    "leisure_activities": ("I used to enjoy football", "I don't do anything for myself"),
    "friendships": ("I've lost touch with my friends", "I feel lonely"),
    "family_partner": ("Things are hard with my partner", "I don't see my children"),
    "personal_safety": ("I sometimes think about ending my life", "I don't feel safe at home"),
    "medication": ("The side effects are getting to me", "I forget to take my tablets"),
    "practical_help": ("I need help with forms", "I can't manage the shopping"),
    "meetings_with_professionals": ("I don't know who to contact", "Appointments clash"),
    "money_debt": ("I'm behind on bills", "My benefits were stopped"),
    "substance_use": ("I'm drinking more than I want to", "I want to cut down on cannabis"),
    "carers_family_support": ("My mum cares for me and is exhausted", "My son needs support"),
}
WHAT_MATTERS = (
    "Being able to see my grandchildren",
    "Getting back to work",
    "Feeling safe at home",
    "Going to the allotment again",
    "Sleeping through the night",
    "Keeping my tenancy",
)
RISK = (
    "No current risk to self or others reported",
    "Thoughts of self-harm, no plan",
    "Recent crisis team contact; safety plan advised",
    "Risk of financial exploitation",
)
HANDOVER = "Warm handover by phone; the receiving service confirmed it will contact the person."
WITHDRAWN = (
    "Feels better and no longer wants support",
    "Moved out of the area",
    "Chose to use another service",
    "Decided this is not the right time",
)
IN_ERROR = ("Duplicate of an earlier referral", "Recorded against the wrong person")
TRIAGE = (
    "Discussed at MDT: needs fit the hub offer",
    "MDT agreed priority; allocate soon",
    "Discussed at MDT with primary care",
)
CONTACT_NOTES = (
    "Talked through the week and what helped.",
    "Reviewed the plan together.",
    "Went through a benefits letter together.",
    "Checked in by phone; doing a bit better.",
    "Met at the community cafe.",
    "Practised a coping strategy from the plan.",
)
NEXT_STEPS = (
    "Follow up next week",
    "Book GP appointment",
    "Call the housing officer",
    "Try the walking group",
    "Review medication at next visit",
    "",
)
GOALS = {
    "mental_health": "Feel less anxious when I go out",
    "physical_health": "Walk to the shops without getting out of breath",
    "job_situation": "Find a part-time job",
    "accommodation": "Keep my flat and get the damp fixed",
    "leisure_activities": "Do one thing I enjoy each week",
    "friendships": "Meet someone for a coffee each week",
    "family_partner": "Talk things through with my partner",
    "personal_safety": "Know what to do when I feel unsafe",
    "medication": "Find medication that suits me",
    "practical_help": "Sort out my post each week",
    "meetings_with_professionals": "Know who my worker is and how to reach them",
    "money_debt": "Pay off the electricity arrears",
    "substance_use": "Drink on two days a week at most",
    "carers_family_support": "Get my mum a carer's assessment",
}
PLAN_TEXT = {
    "about_me": "I live with my partner and two cats. I like music and gardening.",
    "what_matters": "Feeling more like myself and keeping my home.",
    "formulation": "Low mood after losing work, made worse by money worries and isolation.",
    "if_things_get_worse": "Call my worker; out of hours call the Connect helpline.",
    "carers_involvement": "My sister helps with appointments and wants to be kept informed.",
    "staff_notes": "Check in about the housing situation at each visit.",
}
SAFETY_TEXT = {
    "warning_signs": "Not sleeping, staying in bed, stopping replying to messages.",
    "coping_alone": "Music, a hot shower, breathing exercise from the app.",
    "distractions": "Walk to the park, sit in the library, visit my sister.",
    "people_to_ask": "My sister; my friend from the walking group.",
    "professionals_note": "My hub worker in office hours; Connect helpline 6pm to 2am.",
    "environment_safety": "My partner keeps my medication; I gave away the razor blades.",
    "reasons_for_living": "My children, my cats, seeing spring in the garden.",
}
