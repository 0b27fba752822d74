"""How the property tests run: the same examples every run unless asked for a hunt."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# 30 examples per test, the same ones every run; DOSSIER_FUZZ_EXAMPLES=500 (say) makes a
# longer hunt with fresh random examples each run.
EXAMPLES = int(os.environ.get("DOSSIER_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="DOSSIER_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no "explain": it traces
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
