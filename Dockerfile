# The production image: gunicorn for web, the same image for the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app
RUN useradd --create-home --uid 1000 app

# Dependencies first, from pyproject.toml alone, so a code change reuses this layer.
# `[tool.setuptools] packages = []`: installing the project installs its dependencies only.
COPY pyproject.toml ./
RUN pip install .

# The project less what .dockerignore leaves out (.env, db.sqlite3, .venv, node_modules, tests,
# media...), so every installed app is in the image. `.ci/check_image.py` builds this file list
# without Docker and runs `manage.py check --deploy` from exactly these files.
COPY . .

RUN mkdir -p /app/staticfiles /app/media && chown -R app:app /app/staticfiles /app/media
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "-w", "3"]
