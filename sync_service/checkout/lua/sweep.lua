-- Periodic backstop: purge expired and settled holds. Returns 1 while more is left.
return purge() and 1 or 0
