"""Default parameters of the basis (light: no numpy, so the CLI's parsers can show them).

Example:
    >>> DEFAULT_TAU, DEFAULT_TARGET, K_MAX
    (0.62, 0.89, 50)
"""
DEFAULT_TAU = 0.62     # calibration.calibrate_tau: 2% false-merge rate on 760 cross pairs (docs/metrics.md)
DEFAULT_TARGET = 0.89
K_MAX = 50
