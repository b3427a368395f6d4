"""Static files: content-hashed, compressed and cached for ten years once collected.

`collectstatic` writes every file under a name carrying its content hash (`renkei.3f2a….css`), with a
compressed copy, and a manifest mapping plain names to hashed ones; `{% static %}` then emits the hashed
name and WhiteNoise serves it with `Cache-Control: max-age=315360000, public, immutable` (a changed file gets
a new name, so nothing stale is ever served). Where nothing was collected yet (the test suite, a fresh
checkout, `runserver` before `collectstatic`) a name without a manifest entry stays plain and WhiteNoise
serves it from the apps' static folders (WHITENOISE_USE_FINDERS) with a short cache.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: no manifest entry and no file under STATIC_ROOT to hash
            return name
