"""What the benchmark scripts share: their own PostgreSQL database, dropped and created again for each run."""


def recreate_database(server: str, name: str) -> None:
    """DROP and CREATE `name` on `server` (a postgres:// URL without the database). Never the application's database:
    each script names its own (`--database`)."""
    import psycopg2

    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
