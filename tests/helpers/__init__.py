"""Helpers shared by the test modules, one submodule per kind: `db` (counting rows and SQL
statements), `api` (bearer headers), `web` (the sign-in form, what a page links to), and
`determinism` (a pytest plugin seeding the generated data).

Import from the submodules. This package imports nothing itself, so that loading the plugin
early (`-p tests.helpers.determinism`) does not load the app or the conftest."""
