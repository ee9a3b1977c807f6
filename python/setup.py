# The Python package over libbo (ctypes: nothing is compiled here).
#
# A setup.py and no pyproject.toml on purpose: pip then builds with the
# setuptools and wheel already installed (Debian's python3-setuptools and
# python3-wheel) instead of fetching them into an isolated build
# environment, so a plain `pip install ./python` works without a network.
# libbo itself comes from `cmake --install` (docs/library.md).
from setuptools import setup

setup(
    name="borun",
    version="0.2.0",
    description="bo-run's Bayesian optimiser, ask/tell, over libbo",
    packages=["borun"],
    install_requires=["numpy"],
    python_requires=">=3.9",
)
