"""The templates and generators of ``guard_hard_negatives.py`` (which re-exports them).

- ``chat``: everyday requests with attack words, and the shared slot values;
- ``technical``: attacks as a topic, code with system prompts, quotations, encodings;
- ``multilingual``: everyday requests in five other languages;
- ``pasted``: e-mail notices and footers, configuration files, keys, certificates;
- ``_text``: filling, styling and mixing templates with a seeded generator.
"""
