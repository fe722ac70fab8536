"""The dependency direction holds: pages -> analysis, analysis never reaches up or imports streamlit."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_analysis_never_imports_streamlit_or_pages():
    offenders = {str(p.relative_to(ROOT)): _imports(p) & {"streamlit", "pages", "app"}
                 for p in (ROOT / "analysis").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_pages_do_not_build_figures_themselves():
    """Figures come from analysis.figures so that exports look like the screen."""
    pages = list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
    assert pages
    offenders = [str(p.relative_to(ROOT)) for p in pages if "plotly" in _imports(p)]
    assert offenders == []


def test_sql_values_are_bound_not_formatted():
    """No f-string or %-formatted SQL takes a value in pages; analysis builds SQL text only from whitelists."""
    for page in list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]:
        text = page.read_text(encoding="utf-8")
        assert "execute(f" not in text and ".sql(f" not in text, page
