"""The `sgz-portal` command as a bureau runs it, in its project folder, and the mkdocs plugin behind it:
it acts on the folder it runs in, `--data` names another data folder, a folder that is no project gets
one clear line (no traceback), and one build's state never leaks into the next."""
from __future__ import annotations

import ast
import collections
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sgz_portal import cli
from sgz_portal.site import build as build_module
from sgz_portal.site import plugin as plugin_module
from tests.sitetext import digest, page_html, text_of

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "data"
COMMAND = Path(sys.executable).with_name("sgz-portal")  # the console script pip put beside python


def project(folder: Path, data: Path = MINIMAL) -> Path:
    """A project folder as a bureau has it: mkdocs.yml, overrides/, content/ and data/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / "overrides").symlink_to(ROOT / "overrides", target_is_directory=True)
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copytree(data, folder / "data")
    return folder


def renamed(folder: Path, portal: str, station: str) -> Path:
    """The minimal data under another portal name and another name for its station `xs`."""
    data = folder / "data"
    shutil.copytree(MINIMAL, data)
    for name, old, new in (("site.yaml", "测试市社会工作服务平台", portal),
                           ("stations.yaml", "东区小市街道社会工作服务站", station)):
        text = (data / name).read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old} not in {name}"
        (data / name).write_text(text.replace(old, new), encoding="utf-8")
    return data


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_AS_OF"}
    return subprocess.run([str(COMMAND), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


# --- the command ----------------------------------------------------------------------------------

def test_the_command_is_installed_and_declared() -> None:
    assert COMMAND.is_file()
    [script] = [e for e in importlib.metadata.entry_points(group="console_scripts") if e.name == "sgz-portal"]
    assert script.load() is cli.main
    [plugin] = [e for e in importlib.metadata.entry_points(group="mkdocs.plugins") if e.name == "sgz-portal"]
    assert plugin.load() is plugin_module.PortalPlugin


def test_build_and_check_act_on_the_current_folder(tmp_path: Path) -> None:
    folder = project(tmp_path / "county")
    done = run("build", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "已生成 site" in done.stdout
    site = folder / "site"
    assert "东区小市街道社会工作服务站" in text_of(page_html(site, "stations/xs"))
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (ROOT / "tests" / "fixtures" / "minimal" / "site").exists()
    checked = run("check", cwd=folder)
    assert checked.returncode == 0 and "判定日期:2025-06-30" in checked.stdout


def test_data_option_names_another_data_folder(tmp_path: Path) -> None:
    folder = project(tmp_path / "county")
    other = renamed(tmp_path / "elsewhere", "另一个平台", "另一个街道社会工作服务站")
    done = run("--data", str(other), "build", cwd=folder)
    assert done.returncode == 0, done.stderr
    html = page_html(folder / "site", "stations/xs")
    assert "另一个街道社会工作服务站" in text_of(html) and "东区小市街道社会工作服务站" not in html


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_outside_a_project_one_clear_line(tmp_path: Path, command: str) -> None:
    done = run(command, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert ("mkdocs.yml" if command != "serve" else "sgz-portal build") in done.stderr
    assert not (tmp_path / "site").exists()


def test_a_broken_mkdocs_yml_is_reported_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 2 and "mkdocs.yml 有错误" in done.stderr and "Traceback" not in done.stderr


def test_a_project_without_the_plugin_is_told_so(tmp_path: Path) -> None:
    folder = project(tmp_path / "county")
    config = folder / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("plugins:")
    config.write_text(text[:start] + text[text.index("extra_css:"):], encoding="utf-8")
    done = run("build", cwd=folder)
    assert done.returncode == 2 and "没有启用 sgz-portal 插件" in done.stderr and "Traceback" not in done.stderr


# --- the plugin holds no module-level state ---------------------------------------------------------

def test_two_builds_in_one_process_give_two_correct_sites(tmp_path: Path) -> None:
    """Build A then B in this process; B must equal B built alone in a fresh process, and A must hold A."""
    first, second = MINIMAL, renamed(tmp_path / "b", "第二个平台", "第二个街道社会工作服务站")
    config = ROOT / "mkdocs.yml"
    assert cli.build(first, tmp_path / "site-a", config) == 0
    assert cli.build(second, tmp_path / "site-b", config) == 0
    a, b = (text_of(page_html(tmp_path / s, "stations/xs")) for s in ("site-a", "site-b"))
    assert "东区小市街道社会工作服务站" in a and "第二个" not in a
    assert "第二个街道社会工作服务站" in b and "东区小市街道社会工作服务站" not in b
    alone = project(tmp_path / "alone", data=second)
    assert run("build", cwd=alone).returncode == 0
    assert digest(tmp_path / "site-b") == digest(alone / "site")


MUTABLE = (list, dict, set, bytearray, collections.deque)


@pytest.mark.parametrize("module", [plugin_module, build_module], ids=lambda m: m.__name__)
def test_the_mkdocs_layer_has_no_mutable_module_state(module) -> None:
    held = {name: type(value).__name__ for name, value in vars(module).items()
            if isinstance(value, MUTABLE) and not name.startswith("__")}
    assert held == {}
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    assert [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Global | ast.Nonlocal)] == []


def test_the_plugin_forgets_its_build_when_it_ends(tmp_path: Path) -> None:
    folder = project(tmp_path / "county")
    config, plugin = build_module.load_project(folder / "mkdocs.yml", site_dir=str(folder / "site"))
    assert plugin.data_dir(config) == (folder / "data").resolve()  # plugins: - sgz-portal: {data: data}
    assert plugin.state is None
    plugin.on_config(config)
    assert plugin.state is not None and plugin.state.portal.site.name == "测试市社会工作服务平台"
    plugin.on_post_build(config=config)
    assert plugin.state is None


def test_mkdocs_yml_turns_the_plugin_on_as_the_readme_says() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```yaml\nplugins:", 1)[1].split("```", 1)[0]
    assert config["plugins"] == yaml.safe_load("plugins:" + snippet)["plugins"] == [{"sgz-portal": {"data": "data"}}]
