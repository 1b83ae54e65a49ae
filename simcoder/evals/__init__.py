"""Evaluation of module coders: a task suite, Pass@k over models and prompting strategies.

``tasks`` defines the suite (the references of the tasks beyond SCALE-Sim are the known changes
in ``simulator/components``),
``sandbox_runner`` runs one candidate in the sandbox, ``harness`` samples and scores, ``report``
writes JSON, markdown and HTML. Nothing here is imported by the sandbox package of a task except
``sandbox_runner`` (see harness.prepare_eval_job).
"""
