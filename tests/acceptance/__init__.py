"""The acceptance suite: the product as a user meets it, from the built wheel.

``make test`` runs it after the other tests (``make acceptance`` alone). A session
fixture builds the wheel from a copy of this tree (offline, no build isolation) and
installs it, not editable, into a fresh virtual environment; every test drives the
installed ``watchkeeper`` command or ``python -m watchkeeper.demo`` from there.

Covered: the wheel is what runs (not ``src/``); every command of README's command-line
section answers ``--help``; README's shell examples run on the shipped example data
with their documented exit codes (``serve`` is started, polled healthy, opened and
stopped with Ctrl-C); the docs/ci templates' commands pass on the reference and fail
(exit 1) on the drifted batch, writing JUnit, Markdown and JSON; the demo runs one
day without serving, and served, every address it prints answers 200 after signing
in through the dashboard's form, and ``/`` redirects to ``/ui/``; bad input exits 2
with one line, and a closed pipe ends quietly; on a simulated install without extras
(every distribution outside the core requirements hidden) the README's reports run
and server commands name the extra to install.

Not covered: the third-party dependencies come from the development environment, not
from resolving the wheel's requirements, so version floors in pyproject.toml are not
tried and an undeclared dependency of an extra goes unnoticed; options beyond
``--help`` of commands without a README example; the CI templates' non-watchkeeper
steps (pip install from PyPI, uploads, comments); the dashboard's pages other than the
overview, in a browser; PostgreSQL (the installed product runs on SQLite here); other
Python versions and platforms.
"""
