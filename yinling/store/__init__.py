"""The only place SQL lives. Repositories take a Database (reads) or a Transaction (writes) and
return pydantic models, never rows. Named parameters and portable SQL, so a PostgreSQL backend is a
change inside this package alone."""
from yinling.store.database import Database, Transaction

__all__ = ["Database", "Transaction"]
