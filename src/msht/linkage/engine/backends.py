"""Where Splink runs: DuckDB on this machine, or Apache Spark for national scale.

Both hold the same prepared records and answer with Arrow tables, so the pipeline in
``pipeline.py`` is written once (Splink: ``splink/internals/database_api.py``).
"""

from __future__ import annotations

import tempfile
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from splink import DuckDBAPI

from msht.linkage.engine.prepare import PREPARED_TABLE


class Backend(Protocol):
    """A Splink database API with the prepared records on it."""

    name: str
    db_api: Any
    # The DuckDB connection holding the prepared records (counted before blocking).
    connection: duckdb.DuckDBPyConnection

    def records(self) -> Any:
        """The prepared records, registered with Splink (a SplinkDataFrame)."""

    def table(self, table: pa.Table) -> Any:
        """``table`` as something Splink's functions accept as an input table."""

    def to_arrow(self, frame: Any, columns: list[str]) -> pa.Table:
        """The named columns of a SplinkDataFrame as Arrow."""


class DuckDBBackend:
    """Splink on the DuckDB connection that holds the prepared records."""

    name = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        self.db_api = DuckDBAPI(connection=connection)
        self._records: Any = None

    def records(self) -> Any:
        """Registered once: Splink refuses a second registration under one name."""
        if self._records is None:
            self._records = self.db_api.register(PREPARED_TABLE, dataset_display_name="records")
        return self._records

    def table(self, table: pa.Table) -> Any:
        """DuckDB reads Arrow as it is."""
        return table

    def to_arrow(self, frame: Any, columns: list[str]) -> pa.Table:
        """Straight from the DuckDB relation, with no pandas in between."""
        selected = ", ".join(columns)
        # Column names are the pipeline's own constants; the table is Splink's.
        relation = self.connection.sql(f"select {selected} from {frame.physical_name}")  # noqa: S608
        result: pa.Table = relation.to_arrow_table()
        return result


def spark_session(master: str) -> Any:
    """A Spark session able to run Splink (SPLINK.md): Splink's similarity functions jar on
    ``spark.jars``, a checkpoint directory, and few shuffle partitions on small data."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(master)
        .appName("msht-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="msht-spark-"))
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkBackend:
    """Splink on Spark: the prepared records are shipped from DuckDB as Arrow."""

    name = "spark"

    def __init__(self, connection: duckdb.DuckDBPyConnection, session: Any) -> None:
        from splink import SparkAPI

        self.connection = connection
        self.session = session
        self.db_api = SparkAPI(spark_session=session)  # type: ignore[no-untyped-call]
        prepared = connection.table(PREPARED_TABLE).to_arrow_table()
        self._frame = session.createDataFrame(prepared)
        self._records: Any = None

    def records(self) -> Any:
        """Registered once, as on DuckDB."""
        if self._records is None:
            self._records = self.db_api.register(self._frame, dataset_display_name="records")
        return self._records

    def table(self, table: pa.Table) -> Any:
        """A Spark DataFrame of the Arrow table."""
        return self.session.createDataFrame(table)

    def to_arrow(self, frame: Any, columns: list[str]) -> pa.Table:
        """Collected to the driver through Arrow."""
        spark_frame = frame.as_spark_dataframe().select(*columns)
        result: pa.Table = spark_frame.toArrow()
        return result
