"""Jupyter kernels forked from a process that has already imported what the notebooks import.

Why: a fresh ``python3`` kernel spends 2-3 s of CPU importing pandas, matplotlib, scipy, pandera
and this package before the first cell runs, and a briefing run starts two of them on a 2-core
machine (JupyterLab one per notebook opened). A *kernel factory* (:mod:`.factory`) imports them
once; each kernel is then a fork of it, ready in a fraction of a second, sharing those pages.

Only public interfaces are used. The factory is reached through a jupyter_client *kernel
provisioner* (:mod:`.provisioner`, registered under the entry point ``analysis-warm``), the
documented way to change how a kernel process is launched; what runs is the stock ipykernel
kernel with the connection file jupyter_client wrote. papermill (the ``briefings`` command) and
JupyterLab (``make lab``) therefore drive it like any other kernel: per-cell timeouts,
interrupts, restarts and shutdown work the same. (nbval, under ``make test``, starts its kernels
the ordinary way.)

Fallback: off Linux (see :func:`.provisioner.warm_kernels_enabled`), where
``ANALYSIS_WARM_KERNELS=0`` is set, or when the factory cannot start or does not answer within a
minute, the provisioner launches the kernel exactly as jupyter_client's own ``LocalProvisioner``
does (a new process that imports everything itself).
"""
