"""Word lists the generator draws from: names, titles, subjects.

Everything here is a constant; the order of every tuple matters for determinism.
"""

from __future__ import annotations

from typing import Final

# The domain vocabulary lives in one place; generator modules read it from here.
from stakegraph.vocabulary import EXECUTIVE_LEVELS, FUNCTIONS, LEVELS, OUTCOMES  # noqa: F401

SEGMENTS: Final = ("enterprise", "mid_market", "smb")
# Junior first, as written out in the truth file.
EXECUTIVE_LEVELS_IN_ORDER: Final = EXECUTIVE_LEVELS

FIRST_NAMES: Final = (
    "Aaliyah", "Aaron", "Abigail", "Adam", "Aditi", "Adrian", "Aiko", "Alan", "Alejandro",
    "Alice", "Amara", "Amir", "Ana", "Andrea", "Andrew", "Anika", "Anna", "Arjun", "Astrid",
    "Ben", "Bianca", "Boris", "Brian", "Camila", "Carlos", "Carmen", "Charlotte", "Chen",
    "Chloe", "Chris", "Claire", "Daniel", "David", "Deepa", "Diego", "Dmitri", "Elena",
    "Eli", "Elif", "Emily", "Emma", "Eric", "Erik", "Fatima", "Felix", "Fiona", "Francesca",
    "Gabriel", "Grace", "Hana", "Hannah", "Hiroshi", "Ian", "Ines", "Isaac", "Ivan", "Jack",
    "Jana", "Javier", "Jin", "Joao", "Jonas", "Julia", "Kai", "Karim", "Kate", "Keisha",
    "Kenji", "Lara", "Laura", "Leo", "Lina", "Lucas", "Lucia", "Maya", "Marco", "Maria",
    "Mark", "Marta", "Mateo", "Mei", "Michael", "Mina", "Mohammed", "Nadia", "Nathan",
    "Nia", "Nikolai", "Noah", "Nora", "Olga", "Omar", "Oscar", "Paula", "Pedro", "Priya",
    "Rachel", "Rafael", "Ravi", "Rosa", "Ryan", "Sakura", "Samuel", "Sara", "Sean", "Sofia",
    "Sophie", "Stefan", "Sunil", "Tariq", "Thomas", "Tomas", "Uma", "Valentina", "Victor",
    "Wei", "Yara", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES: Final = (
    "Abe", "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Castro",
    "Chen", "Costa", "Das", "Dubois", "Eriksen", "Fernandez", "Fischer", "Garcia", "Gupta",
    "Hansen", "Hernandez", "Hoffmann", "Ibrahim", "Ito", "Jansen", "Johnson", "Kaur", "Kim",
    "Kowalski", "Kumar", "Larsen", "Laurent", "Lee", "Lopez", "Martin", "Meyer", "Moreau",
    "Muller", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Park", "Patel",
    "Petrov", "Popescu", "Quinn", "Ramos", "Reddy", "Rossi", "Sato", "Schmidt", "Silva",
    "Singh", "Smith", "Sorensen", "Suzuki", "Tanaka", "Taylor", "Torres", "Vargas", "Wagner",
    "Walsh", "Wang", "Weber", "Williams", "Wilson", "Wong", "Yamamoto", "Young", "Zhang",
)  # fmt: skip

COMPANY_PREFIXES: Final = (
    "Acme", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch", "Blue", "Bright", "Cedar",
    "Cobalt", "Copper", "Crest", "Delta", "Ember", "Evergreen", "Falcon", "Fjord", "Granite",
    "Harbor", "Helix", "Horizon", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian",
    "Nimbus", "North", "Nova", "Oak", "Onyx", "Orbit", "Pacific", "Pine", "Polar", "Prairie",
    "Quartz", "Redwood", "Ridge", "River", "Sable", "Silver", "Solar", "Spruce", "Stone",
    "Summit", "Tidal", "Timber", "Union", "Vertex", "Willow", "Zenith",
)  # fmt: skip
COMPANY_CORES: Final = (
    "Analytics", "Bio", "Capital", "Cloud", "Data", "Dynamics", "Energy", "Foods", "Freight",
    "Health", "Labs", "Logistics", "Media", "Medical", "Metals", "Mobility", "Networks",
    "Pharma", "Retail", "Robotics", "Security", "Software", "Systems", "Telecom", "Textiles",
    "Tools", "Travel", "Works",
)  # fmt: skip
COMPANY_SUFFIXES: Final = ("Inc.", "Ltd", "GmbH", "Group", "Corp.", "S.A.", "AG", "LLC", "plc")
TOP_LEVEL_DOMAINS: Final = ("com", "com", "com", "io", "co", "net", "de", "fr", "co.uk")

# (level, function) -> title templates; "{area}" is replaced by a function's display name.
FUNCTION_AREAS: Final = {
    "executive": "Operations",
    "engineering": "Engineering",
    "product": "Product",
    "it": "IT",
    "operations": "Operations",
    "finance": "Finance",
    "procurement": "Procurement",
    "legal": "Legal",
    "sales": "Sales",
    "marketing": "Marketing",
    "support": "Customer Support",
    "hr": "People",
    "other": "Strategy",
}
C_LEVEL_TITLES: Final = {
    "executive": "Chief Executive Officer",
    "engineering": "Chief Technology Officer",
    "it": "Chief Information Officer",
    "operations": "Chief Operating Officer",
    "finance": "Chief Financial Officer",
    "product": "Chief Product Officer",
    "marketing": "Chief Marketing Officer",
    "legal": "General Counsel",
    "sales": "Chief Revenue Officer",
    "hr": "Chief People Officer",
}
IC_TITLES: Final = {
    "engineering": ("Software Engineer", "Senior Software Engineer", "Staff Engineer"),
    "product": ("Product Manager", "Product Analyst"),
    "it": ("Systems Administrator", "IT Specialist", "Solutions Architect"),
    "operations": ("Operations Analyst", "Business Analyst"),
    "finance": ("Financial Analyst", "Accountant"),
    "procurement": ("Buyer", "Procurement Specialist"),
    "legal": ("Counsel", "Paralegal"),
    "sales": ("Account Executive", "Sales Operations Analyst"),
    "marketing": ("Marketing Specialist", "Marketing Operations Analyst"),
    "support": ("Support Specialist", "Support Engineer"),
    "hr": ("HR Business Partner", "Recruiter"),
    "other": ("Project Coordinator", "Analyst"),
    "executive": ("Chief of Staff", "Executive Assistant"),
}

# How strongly each function buys and uses our product: the mix of an org chart we meet.
CUSTOMER_FUNCTION_WEIGHTS: Final = {
    "executive": 0.0,  # only at c_level
    "engineering": 0.2,
    "product": 0.09,
    "it": 0.2,
    "operations": 0.14,
    "finance": 0.07,
    "procurement": 0.07,
    "legal": 0.03,
    "sales": 0.06,
    "marketing": 0.04,
    "support": 0.05,
    "hr": 0.02,
    "other": 0.03,
}

EMAIL_SUBJECTS: Final = (
    "Renewal timeline",
    "Quick question on SSO setup",
    "Follow-up from our call",
    "Usage report for last month",
    "Roadmap preview",
    "Invoice question",
    "New feature: bulk export",
    "Onboarding the analytics team",
    "Security questionnaire",
    "Data retention policy",
    "API rate limits",
    "Training session for new users",
    "Contract amendment",
    "Integration with our data warehouse",
    "Pricing for additional seats",
    "Next steps",
    "Executive sponsor introduction",
    "Migration plan",
    "Feedback on the beta",
    "Success plan review",
)
MEETING_SUBJECTS: Final = (
    "Weekly sync",
    "Technical deep dive",
    "Roadmap review",
    "Onboarding workshop",
    "Integration planning",
    "Adoption review",
    "Admin training",
    "Architecture review",
)
EXECUTIVE_MEETING_SUBJECTS: Final = (
    "Quarterly business review",
    "Executive sponsor check-in",
    "Annual planning",
    "Strategic alignment",
)
CALL_SUBJECTS: Final = (
    "Check-in call",
    "Escalation call",
    "Renewal discussion",
    "Troubleshooting session",
    "Intro call",
)
TICKET_SUBJECTS: Final = (
    "Login fails with SSO",
    "Export times out",
    "Dashboard shows stale data",
    "Webhook not firing",
    "Permission error for new user",
    "Slow page loads",
    "Sync job failed",
    "API returns 500",
    "Missing records after import",
    "Report totals do not match",
)
NOTE_SUBJECTS: Final = (
    "Call notes",
    "Account plan update",
    "Risk notes",
    "Stakeholder notes",
    "Meeting summary",
)
INTERNAL_CUSTOMER_SUBJECTS: Final = (
    "FW: Vendor review",
    "Budget for next year",
    "FW: Usage report",
    "Tooling consolidation",
)
INTERNAL_HOME_SUBJECTS: Final = (
    "Account plan",
    "Renewal forecast",
    "Escalation summary",
    "Expansion opportunity",
)
BULK_SUBJECTS: Final = (
    "Stakegraph Demo monthly: what's new",
    "Webinar invitation: mapping your stakeholders",
    "Product update: faster imports",
    "Customer summit: save the date",
)

# Account time zones as fixed UTC offsets in hours (no daylight saving, on purpose).
ACCOUNT_UTC_OFFSETS: Final = (-8, -7, -6, -5, -5, -5, -3, 0, 0, 1, 1, 1, 2, 2, 3, 5.5, 8, 9, 10)
