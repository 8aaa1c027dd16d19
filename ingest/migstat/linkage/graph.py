"""Connected components (scipy.sparse.csgraph).

``component_labels`` works on integer node ids (what the dbt models use:
DuckDB numbers the nodes, Python only sees two integer arrays);
``components`` on string labels (small inputs and tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def component_labels(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component of every node ``0..n-1`` under the edges ``left[i]-right[i]``.

    Components are numbered 0, 1, ... in order of their smallest node id,
    so the numbering depends only on the node ids, never on edge order.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n)).tocsr()
    _, component = connected_components(graph, directed=False)
    return component.astype(np.int64)


def components(nodes: pd.Series, left: pd.Series, right: pd.Series) -> pd.DataFrame:
    """Label every node with its component.

    ``nodes`` lists every node (isolated ones included); ``left``/``right``
    are the edges (each end must be in ``nodes``). Returns ``node`` and
    ``component`` (0-based int64, numbered in order of first node).
    """
    # sorted labels: the numbering must not depend on the order rows arrive in
    labels, uniques = pd.factorize(pd.concat([nodes, left, right], ignore_index=True), sort=True)
    n_nodes = len(nodes)
    a = labels[n_nodes : n_nodes + len(left)]
    b = labels[n_nodes + len(left) :]
    return pd.DataFrame({"node": uniques, "component": component_labels(len(uniques), a, b)})
