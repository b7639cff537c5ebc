"""Every store test gets a fresh database on each backend (see tests/_backends.py)."""

from tests._backends import database_url_fixture, store_fixture

database_url = database_url_fixture()
store = store_fixture()
