"""Outlets, regions and the network: who belongs where, and onboarding."""
