"""One local Spark session for every Spark test: local[2], 1000-row Arrow batches, 4 partitions."""

from __future__ import annotations

import os
import shutil
import sys

import pytest


def _java_available() -> bool:
    return bool(os.environ.get("JAVA_HOME") or shutil.which("java"))


@pytest.fixture(scope="session")
def spark():
    if not _java_available():
        if os.environ.get("CI"):
            pytest.fail("no Java runtime: .ci/run installs default-jre-headless")
        pytest.skip("no Java runtime on this machine (apt-get install default-jre-headless)")
    pytest.importorskip(
        "pyspark", reason="the spark extra is not installed: pip install -e '.[spark]'"
    )
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need polars and custdata

    session = (
        SparkSession.builder.master("local[2]")
        .appName("custdata-tests")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
