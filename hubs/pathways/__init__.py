"""Step-down pathways: Aspire → hub, CAMHS → adult hub and hub step-down transitions with
their no-gap rule, and discharge with an onward support plan (DESIGN §3 rules 3-4)."""
