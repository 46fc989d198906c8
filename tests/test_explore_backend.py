"""Importing the chart module leaves the session's matplotlib backend alone.

An analyst in JupyterLab gets the inline backend from the kernel; if the package forced another
one on import, their own ``plt.show()`` would show nothing, without a warning.
"""

from __future__ import annotations

import subprocess
import sys

INLINE = "module://matplotlib_inline.backend_inline"


def test_the_kernels_backend_survives_importing_the_charts_and_drawing_one() -> None:
    code = (
        "import matplotlib, pandas as pd\n"
        "from analysis.publish.charts import bar_chart\n"
        "chart = bar_chart(pd.DataFrame({'x': ['a'], 'y': [1]}), 'x', 'y', title='t', subtitle='s',"
        " source='src', alt='alt', axis_label='n')\n"
        "assert chart.png().startswith(bytes([0x89]) + b'PNG')\n"
        "import matplotlib.pyplot as plt\n"
        "print(matplotlib.get_backend(), len(plt.get_fignums()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"MPLBACKEND": INLINE, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The kernel's backend is still in force, and the briefing chart is not one of pyplot's
    # figures (so the inline backend does not show it a second time).
    assert done.stdout.split() == [INLINE, "0"]
