"""The production storage of static files: WhiteNoise's compressed manifest, with its URLs kept.

Every page asks for a dozen static URLs (the DSFR's styles, scripts and icons, the service's own);
each answer is a lookup in the manifest and a URL quoting, ≈ 15 µs. The manifest is written by
collectstatic before the process starts and never changes while it runs: each URL is computed once
per process. A name missing from the manifest still raises, every time, as without the memo.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StatiquesManifeste(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
