"""The service protocol the server is written against (defined by the service).

:class:`ServiceAPI` lives in :mod:`watchkeeper.service._protocol` so that the
dashboard can name it without importing the server; it is re-exported here and as
``watchkeeper.server.ServiceAPI``.
"""

from watchkeeper.service._protocol import ServiceAPI

__all__ = ["ServiceAPI"]
