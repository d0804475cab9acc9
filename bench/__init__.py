"""The million-case benchmark: `seed` fills a database, `run` measures the API."""
