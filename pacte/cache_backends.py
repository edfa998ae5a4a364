"""The Redis cache backend of the portal: Django's, with one client object per process.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` around the shared connection
pool for every cache call; with redis-py 8 that construction (its table of ~170 response
callbacks) costs more CPU than the round trip itself. Every signed-in request reads its session
from the cache and every page-cache hit makes two calls, so the client is built once per pool and
kept: `redis.Redis` is safe to share between threads (each command borrows a pool connection).
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:  # as Django's _get_connection_pool, for this index
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    # Raw access for pacte.cache's in-process layer, which keeps the bytes Redis holds (and
    # decodes them on each use, so no two requests share an object). Keys are made, not validated:
    # they are the portal's own, and validating walks every character of each key.

    def get_raw_many(self, keys) -> list:
        """The stored bytes of `keys` (None where missing), in one round trip."""
        return self._cache.get_client(None).mget([self.make_key(key) for key in keys])

    def set_raw_many(self, data: dict, timeout: int) -> None:
        """Store {key: bytes made by `dumps`} for `timeout` seconds, in one round trip."""
        pipeline = self._cache.get_client(None, write=True).pipeline(transaction=False)
        for key, raw in data.items():
            pipeline.set(self.make_key(key), raw, ex=timeout)
        pipeline.execute()

    def dumps(self, value) -> bytes:
        return self._cache._serializer.dumps(value)

    def loads(self, raw: bytes):
        return self._cache._serializer.loads(raw)
