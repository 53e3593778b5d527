"""antei (安定): the BoJ system-failure management framework as daily practice."""
