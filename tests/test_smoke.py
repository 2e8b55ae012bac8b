from vipcrm import __version__


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"vipcrm {__version__}"


def test_python_m_vipcrm_runs():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "vipcrm", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("vipcrm ")
