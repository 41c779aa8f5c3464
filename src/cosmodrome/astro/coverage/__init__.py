"""Constellation coverage of a region: how many satellites each place sees, and outages."""
