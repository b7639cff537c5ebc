"""Every compliance test that needs a store gets a fresh one on each backend."""

from tests._backends import database_url_fixture, store_fixture

database_url = database_url_fixture()
store = store_fixture()
