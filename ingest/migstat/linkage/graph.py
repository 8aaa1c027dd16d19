"""Connected components over string-labelled edges (scipy.sparse.csgraph)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(nodes: pd.Series, left: pd.Series, right: pd.Series) -> pd.DataFrame:
    """Label every node with its component.

    ``nodes`` lists every node (isolated ones included); ``left``/``right``
    are the edges (each end must be in ``nodes``). Returns ``node`` and
    ``component`` (0-based int64, numbered in order of first node).
    """
    # sorted labels: the numbering must not depend on the order rows arrive in
    labels, uniques = pd.factorize(pd.concat([nodes, left, right], ignore_index=True), sort=True)
    n = len(uniques)
    n_nodes = len(nodes)
    a = labels[n_nodes : n_nodes + len(left)]
    b = labels[n_nodes + len(left) :]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    _, component = connected_components(graph, directed=False)
    return pd.DataFrame({"node": uniques, "component": component.astype(np.int64)})
