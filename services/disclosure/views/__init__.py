"""The query side of disclosure: the register, the work queue and the register's export."""
