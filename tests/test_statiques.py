"""The production static storage keeps each URL it computed, and answers as WhiteNoise does."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from orientation.statiques import StatiquesManifeste


def test_memes_adresses_que_whitenoise_calculees_une_fois(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/a.css": "css/a.0123456789ab.css"}, "version": "1.1"})
    )
    stockage = StatiquesManifeste(location=tmp_path, base_url="/static/")
    reference = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert stockage.url("css/a.css") == reference.url("css/a.css")
    assert stockage.url("css/a.css") == "/static/css/a.0123456789ab.css"
    assert stockage._urls == {"css/a.css": "/static/css/a.0123456789ab.css"}
    # A file missing from the manifest is an error each time it is asked for, never remembered.
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            stockage.url("absent.css")
    assert "absent.css" not in stockage._urls
