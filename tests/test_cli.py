"""The command line prints the paper's distances for one inversion."""

from PIL import Image

from depthrep import cli


def test_invert_prints_the_distances_and_writes_the_image(tmp_path, capsys):
    out = tmp_path / "a_g.png"
    argv = ["invert", "--model", "resnet18", "--layer", "conv1", "--size", "32", "--iterations", "30", "--lr", "0.1", "0.03", "--out", str(out)]
    assert cli.main(argv) == 0
    values = dict(item.split("=") for item in capsys.readouterr().out.split())
    assert set(values) == {"lr", "m_g", "m_s", "m_i", "shift_distance"}
    assert float(values["m_g"]) < float(values["m_s"])
    assert float(values["lr"]) in (0.1, 0.03)
    with Image.open(out) as image:
        assert image.size == (32, 32)
