"""Interfaces for other systems: the JSON API object, its documentation, and FHIR (later)."""
