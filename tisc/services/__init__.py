"""Use cases: load rows, call the domain, record events, commit once.

Nothing here imports Flask; callers pass the acting user, plain values and
the :class:`~tisc.domain.policy.Policy`, and get typed errors back.
"""
