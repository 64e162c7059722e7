"""The declarative base every model shares, with constraint names Alembic can find again."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints: migrations can drop or alter them by name on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every console model."""

    metadata = MetaData(naming_convention=NAMING)
