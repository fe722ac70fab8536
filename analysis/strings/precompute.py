"""Strings of stored results (analysis.precompute): keys `precompute_*`."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "precompute_computing": ("正在计算：此数据版本的结果尚未预先算好（导入后会在后台计算），首次查看需要稍等……",
                             "Computing: this data version's results are not ready yet (they are computed in the "
                             "background after each import), so this first view takes a moment…"),
}
