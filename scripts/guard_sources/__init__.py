"""Readers of the labelled corpora that registry wheels ship, one function per source.

``guard_corpus.py`` is the entry point (``--setup``, ``training_rows``, ``everyday_rows``);
it re-exports every reader. Each reader takes the unpacked ``site()`` folder (and, for the
sources added in issue 17, its own random generator) and returns ``Row`` objects.

- ``_common``: ``Row``, where the corpus lives (``site``), shared helpers;
- ``jailbreaks``: direct attacks: jailbreak templates, persona and persuasion prompts,
  short injections, prompt-leak requests (and the benign halves some of them ship);
- ``injections``: instructions hidden in data an agent reads (issues, tool output,
  RAG documents, e-mails, web pages) and the same data without them;
- ``benign``: benign-only sources: chat, documentation, LLM templates, agent tasks,
  support e-mails, over-refusal probes, role prompts.
"""
