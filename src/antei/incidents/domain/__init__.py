"""Pure rules of the incident desk (no Django, no I/O; ``now`` is always passed in).

states (status transitions and the close gate), deadlines (rank policies, management and
regulator clocks, the timeline), reports (第1報・続報・最終報 drafts), roles (role matrix
warnings) and targets (count caps, forecasts, cluster alarms, response metrics).
"""
