"""The static files storage of production: WhiteNoise's compressed manifest storage, with each
file's URL computed once per process. The manifest is read when the process starts and does not
change while it runs, but Django looks every `{% static %}` up again (about ten per page, a
tenth of a simple page's rendering time)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            # A missing file raises here, as before, and is not remembered.
            url = self._urls[name] = super().url(name)
            return url
