import duckdb
import pytest

from oress.warehouse import WarehouseLocked, building, models, run_order


def test_run_order_follows_the_names_each_model_mentions():
    sources = {"mart_b": "select * from int_a", "int_a": "select * from stg_x", "stg_x": "select 1"}
    assert run_order(sources) == ["stg_x", "int_a", "mart_b"]
    order = run_order(models())
    assert order.index("stg_etablissements") < order.index("int_etablissements") < order.index(
        "mart_cellules")


def test_failed_block_leaves_the_previous_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with building(path) as connection:
        connection.execute("create table t as select 1 as v")
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"):
        with building(path) as connection:
            connection.execute("drop table t")
            raise RuntimeError("boom")
    assert path.read_bytes() == before
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("select v from t").fetchall() == [(1,)]
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []


def test_concurrent_run_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    with building(path):
        with pytest.raises(WarehouseLocked, match="un autre traitement oress"):
            with building(path):
                pass
