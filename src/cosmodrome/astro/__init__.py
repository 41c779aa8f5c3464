"""Astrodynamics: element sets, propagation, passes and coverage."""
