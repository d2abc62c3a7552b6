//! The investigation graph: entities as nodes, relations as edges, merge and layout.
