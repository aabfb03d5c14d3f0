"""The computing of decision monitoring: no Django, tables in and reports out."""
