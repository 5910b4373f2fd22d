"""Suite-wide settings.

Hypothesis' default 200 ms deadline measures the machine's load, not the code: property
tests here check behaviour only (timings live in benchmarks/).
"""

from hypothesis import settings

settings.register_profile("jikimi", deadline=None)
settings.load_profile("jikimi")
