"""Shared base: declarative model base, column types, errors, audit, signals and access policy."""
