"""Shared look of every course diagram: font, sizes, padding and PNG resolution."""

FONT = "DejaVu Sans"

# Keyword arguments for Diagram(...): a PNG in the current folder, no viewer opened.
STYLE = {
    "show": False,
    "outformat": "png",
    "graph_attr": {
        "fontname": FONT,
        "fontsize": "22",
        "labelloc": "t",  # title on top
        "pad": "0.5",
        "nodesep": "0.4",
        "ranksep": "0.7",
        "splines": "spline",  # curved edges: unlike "ortho", they can carry labels
        "dpi": "90",  # about 1300-1800 px wide
    },
    "node_attr": {"fontname": FONT, "fontsize": "14"},
    "edge_attr": {
        "fontname": FONT,
        "fontsize": "13",
        "color": "#546E7A",
        "penwidth": "1.5",
    },
}

# Attributes for Cluster(..., graph_attr=CLUSTER): readable group titles.
CLUSTER = {"fontname": FONT, "fontsize": "15"}
