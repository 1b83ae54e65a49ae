"""Evaluation of the workflow's agents: the module coders (a task suite, Pass@k over models and
prompting strategies) and the critic (a frozen suite of seeded bugs).

``tasks`` defines the suite (the references of the tasks beyond SCALE-Sim are the known changes
in ``simulator/components``), ``sandbox_runner`` runs one candidate in the sandbox, ``harness``
samples and scores, ``report`` writes JSON, markdown and HTML. ``critic_study`` measures the
critic (``benchmarks/critic_study.py`` runs it; docs/critic.md). Nothing here is imported by the
sandbox package of a task except ``sandbox_runner`` (see harness.prepare_eval_job).
"""
