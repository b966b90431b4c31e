from conftest import DATA


def test_check_sample_runs(cli):
    result = cli("check", str(DATA / "2020.csv"))
    assert result.code == 0, result.stderr
    assert "61 meet the standard (19/19)" in result.stdout
