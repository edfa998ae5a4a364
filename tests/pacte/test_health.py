import pytest

pytestmark = pytest.mark.django_db


def test_health_ok_in_embedded_mode(client):
    body = client.get("/sante/").json()
    assert body == {
        "status": "ok",
        "mode": "embarqué",
        "checks": {"database": "ok", "cache": "ok", "broker": "embarqué"},
    }


def test_health_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("erreur")


def test_health_503_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    # The `settings` fixture sends setting_changed, which resets Django's cache handlers.
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("erreur")
