"""The change path: how a user's accelerator differs from SCALE-Sim 3.0.0, from the spec's
``changes:`` (validated with the rest of the spec in ``agents/spec.py``: a *change* is the user's
sentence, optionally with the owning module, a rule, a component and numbers the user trusts) to
the evidence the critic weighs. Its modules, in the order the data flows (each imports from those
above it, never from one below; ``tests/test_layering.py`` checks there is no circle):

- ``components``: the known changes the offline (library) coder composes (their classes live in
  ``simulator/components/``): parameters, the columns each moves, its rule and words.
- ``examples``: running a rule's worked examples on the host (a component's own examples, and
  how many of them SCALE-Sim 3.0.0 would not give).
- ``rules``: one *rule* per module a change touches, saved as ``changes/<n>.md`` in the run
  directory (YAML front matter, then the rule in prose), which a person may edit while a run
  started with ``--approve`` waits; the run reads them back before any code is written.
- ``planning``: the planner's work: a description into a spec, every change into its rules.
- ``evidence``: what a sandbox job carries for the changed modules, and how strongly a changed
  module is accepted.
"""
