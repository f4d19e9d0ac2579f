"""People who use services: demographics, carers and family, consent, portal accounts."""
