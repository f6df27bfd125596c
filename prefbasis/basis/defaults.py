"""Default parameters of the basis (light: no numpy, so the CLI's parsers can show them).

Example:
    >>> TAU_FREE, TAU_CANONICAL, DEFAULT_TAU, DEFAULT_TARGET, K_MAX
    (0.62, 0.41, 'auto', 0.89, 50)
"""
# calibration.calibrate_tau: 2% false-merge rate on 760 cross pairs (docs/metrics.md), per description style
TAU_FREE = 0.62        # free-style descriptions ("It is brief and concise.", an LLM's or the simulator's)
TAU_CANONICAL = 0.41   # canonical statements ("The preferred response is more concise."; frame not embedded)
DEFAULT_TAU = "auto"   # TAU_CANONICAL when most descriptions are canonical statements, else TAU_FREE
CANONICAL_PREFIX = "the preferred response "
DEFAULT_TARGET = 0.89
K_MAX = 50
