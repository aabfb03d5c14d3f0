"""The analytics engine: snapshot building, national statistics tables and disclosure control.

Plain functions over DuckDB connections and Arrow tables; never imports Django.
"""
