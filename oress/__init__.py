"""oress: the statistical pipeline of a regional observatory of the social and solidarity economy."""

__version__ = "0.1.0"
