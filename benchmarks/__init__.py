"""The benchmark suite (`make bench`): statements per page, latency against the raw-SQL
floor, throughput under gunicorn, growth with data, and the indicator refresh hook.

Pages are registered in `benchmarks.pages`, one small function each; the indicator refresh
in `benchmarks.indicators`. Nothing here is a timed unit test: the smoke run in
`tests/bench/` checks only statement counts.
"""
