"""The live feed into the pseudonymised activity store, and its rebuild.

This package may read identifiable models (it is where identities become pseudonyms);
`hubs.reporting` may not, and reads only the rows written here (tests/reporting).
"""
